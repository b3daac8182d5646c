//! The well-being rule: what the `wellbeing` column averages.

use crate::scenario::Scenario;

/// Well-being of one resident: log real consumption (yuan, at least 1) minus
/// the commute term (minutes of one-way commute averaged over workdays,
/// teleworked days counting zero) and the unemployment term, plus the ILP
/// services term for a user.
#[inline]
pub fn wellbeing(
    p: &Scenario,
    real_consumption: f64,
    commute_min: f64,
    unemployed: bool,
    ilp_user: bool,
) -> f64 {
    let (unemployed, users) = (unemployed as u8 as f64, ilp_user as u8 as f64);
    wellbeing_sum(
        p,
        real_consumption.max(1.0).ln(),
        commute_min,
        unemployed,
        users,
    )
}

/// Well-being summed over residents from its parts, every term linear: the
/// sum of their log real consumption, less the commute term of the sum of
/// their `commute_min` (as in [`wellbeing`]), less the unemployment term of
/// the `unemployed` among them, plus the ILP services term of the `users`
/// while the platform is on. One resident is counts of 0 or 1.
#[inline]
pub fn wellbeing_sum(
    p: &Scenario,
    log_consumption: f64,
    commute_min: f64,
    unemployed: f64,
    users: f64,
) -> f64 {
    let r = &p.residents;
    let services = if p.platforms.ilp.enabled {
        p.platforms.ilp.services_wellbeing
    } else {
        0.0
    };
    log_consumption
        - r.wellbeing_commute_per_min * commute_min
        - r.wellbeing_unemployed * unemployed
        + services * users
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn scenario(ilp: bool) -> Scenario {
        let text = format!("[simulation]\nresidents = 100\n[platforms.ilp]\nenabled = {ilp}\n");
        Scenario::from_toml(&text, Path::new("t.toml")).expect("valid")
    }

    #[test]
    fn wellbeing_rises_with_consumption_and_falls_with_commutes_and_unemployment() {
        let p = scenario(false);
        let base = wellbeing(&p, 1_000.0, 30.0, false, false);
        assert!(
            wellbeing(&p, 2_000.0, 30.0, false, false) > base,
            "consumption"
        );
        assert!(wellbeing(&p, 1_000.0, 60.0, false, false) < base, "commute");
        assert!(
            wellbeing(&p, 1_000.0, 30.0, true, false) < base,
            "unemployment"
        );
        // Log consumption: doubling adds the same at any level.
        let gain = |c: f64| {
            wellbeing(&p, 2.0 * c, 0.0, false, false) - wellbeing(&p, c, 0.0, false, false)
        };
        assert!((gain(100.0) - gain(10_000.0)).abs() < 1e-12);
        assert!((gain(100.0) - std::f64::consts::LN_2).abs() < 1e-12);
    }

    #[test]
    fn consumption_below_one_yuan_counts_as_one() {
        let p = scenario(false);
        assert_eq!(wellbeing(&p, 0.0, 0.0, false, false), 0.0);
        assert_eq!(wellbeing(&p, 0.5, 0.0, false, false), 0.0);
    }

    #[test]
    fn ilp_services_count_for_users_only_while_the_platform_is_on() {
        let (on, off) = (scenario(true), scenario(false));
        let user = wellbeing(&on, 1_000.0, 30.0, false, true);
        let other = wellbeing(&on, 1_000.0, 30.0, false, false);
        assert!(user > other, "users gain while it is on");
        assert_eq!(
            wellbeing(&off, 1_000.0, 30.0, false, true),
            wellbeing(&off, 1_000.0, 30.0, false, false),
            "no gain while it is off"
        );
    }

    #[test]
    fn the_sum_of_parts_equals_the_sum_of_residents() {
        let p = scenario(true);
        let people = [
            (500.0, 20.0, false, true),
            (2_000.0, 0.0, true, false),
            (800.0, 45.0, false, false),
        ];
        let one_by_one: f64 = people
            .iter()
            .map(|&(c, m, u, i)| wellbeing(&p, c, m, u, i))
            .sum();
        let logs: f64 = people.iter().map(|&(c, _, _, _)| f64::ln(c)).sum();
        let parts = wellbeing_sum(&p, logs, 65.0, 1.0, 1.0);
        assert!((parts - one_by_one).abs() < 1e-9, "{parts} {one_by_one}");
    }
}
