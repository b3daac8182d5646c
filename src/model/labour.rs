//! Rules of the labour market: what a job is worth to a worker, which offer
//! a worker takes, and who is laid off.

/// Gross monthly wage of a worker of `skill_milli` at a firm offering `wage`
/// per efficiency unit, cents. Firms pay exactly the sum of these.
#[inline(always)]
pub fn wage_of(wage: i64, skill_milli: u16) -> i64 {
    // i64 is exact here: wage offers are capped at `MAX_WAGE` cents, far below
    // i64::MAX / 65,535. (An i128 division cost 5% of a month.)
    wage * skill_milli as i64 / 1000
}

/// A job's worth to a worker, cents a month: the gross wage `wage` times
/// one plus the match quality `fit` (the non-wage side of the job, uniform
/// within +/- `residents.match_spread`), less the money cost of commuting
/// `commute_cost` (cents a month at full attendance) on the share of days
/// not teleworked (`1 - home_days`).
#[inline(always)]
pub fn job_value(wage: f64, fit: f64, home_days: f64, commute_cost: f64) -> f64 {
    wage * (1.0 + fit) - (1.0 - home_days) * commute_cost
}

/// What the best offer must be worth for a worker to apply: for the
/// unemployed (`current` is `None`) more than their `reservation` wage
/// ([`reservation_wage`]) and more than nothing (a job that costs more than
/// it pays is refused), and for a worker whose job is worth `current`, more
/// than that by `residents.job_switch_gain` of its size.
#[inline(always)]
pub fn acceptance_bar(current: Option<f64>, switch_gain: f64, reservation: f64) -> f64 {
    match current {
        None => reservation.max(0.0),
        Some(now) => now + now.abs() * switch_gain,
    }
}

/// An unemployed resident's reservation wage, cents a month: the `benefit`
/// it would give up (cents) times one plus `residents.reservation_margin`
/// (the worth of searching on, Mortensen 1977), lowered by
/// `residents.reservation_decline` a month for each of its
/// `months_unemployed` (reservation wages fall slowly over a spell,
/// Krueger & Mueller 2016). A job is compared with it at its worth after
/// income tax and commuting ([`job_value`] of the net wage).
#[inline(always)]
pub fn reservation_wage(benefit: i64, margin: f64, decline: f64, months_unemployed: u16) -> f64 {
    benefit.max(0) as f64 * (1.0 + margin) * (1.0 - decline).powi(i32::from(months_unemployed))
}

/// The share of a gross wage a worker keeps after the flat
/// `government.income_tax`: what job offers are valued at.
#[inline(always)]
pub fn net_share(income_tax: f64) -> f64 {
    1.0 - income_tax
}

/// The flat `government.income_tax` on a gross `wage` (cents, not
/// negative), rounded down: the same for a firm's and the government's
/// employees.
#[inline(always)]
pub fn income_tax(wage: i64, rate: f64) -> i64 {
    (wage as f64 * rate) as i64
}

/// Whether an offer worth `value` is taken over the bar of
/// [`acceptance_bar`]: strictly better only.
#[inline(always)]
pub fn accepts(value: f64, bar: f64) -> bool {
    value > bar
}

/// The chance that a worker of a firm laying off `layoffs` of its
/// `employees` loses the job this month: `layoffs / employees` (each worker
/// draws for itself, so the count is binomial around the firm's number),
/// plus the chance `separation` that a job ends for reasons of its own
/// (`residents.separation_rate`: quits into unemployment, a match that
/// stops paying), at most 1.
#[inline(always)]
pub fn layoff_chance(layoffs: u32, employees: u32, separation: f64) -> f64 {
    let planned = if layoffs > 0 {
        layoffs as f64 / employees.max(1) as f64
    } else {
        0.0
    };
    (planned + separation).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_worth_more_with_pay_and_fit_and_less_with_commuting() {
        let base = job_value(10_000.0, 0.0, 0.0, 1_000.0);
        assert_eq!(base, 9_000.0);
        assert!(job_value(11_000.0, 0.0, 0.0, 1_000.0) > base, "higher wage");
        assert!(
            job_value(10_000.0, 0.1, 0.0, 1_000.0) > base,
            "better match"
        );
        assert!(
            job_value(10_000.0, 0.0, 0.0, 2_000.0) < base,
            "longer commute"
        );
    }

    #[test]
    fn teleworked_days_take_their_share_of_the_commute_off() {
        assert_eq!(job_value(10_000.0, 0.0, 0.4, 1_000.0), 9_400.0);
        assert_eq!(
            job_value(10_000.0, 0.0, 1.0, 5_000.0),
            10_000.0,
            "all days at home: no commute cost"
        );
    }

    #[test]
    fn the_unemployed_take_any_job_worth_more_than_nothing() {
        let bar = acceptance_bar(None, 0.5, 0.0);
        assert!(accepts(1.0, bar));
        assert!(!accepts(0.0, bar), "a job worth nothing is refused");
        assert!(!accepts(-100.0, bar), "a job that costs more than it pays");
    }

    #[test]
    fn the_unemployed_refuse_jobs_worth_less_than_their_reservation_wage() {
        // A benefit of 4,000 and a margin of 10%: the bar is 4,400 at first.
        let fresh = reservation_wage(400_000, 0.1, 0.01, 0);
        assert!((fresh - 440_000.0).abs() < 1e-6);
        let bar = acceptance_bar(None, 0.1, fresh);
        assert!(!accepts(430_000.0, bar), "below the reservation wage");
        assert!(accepts(450_000.0, bar));
        // It falls slowly with the months unemployed: 1% a month here.
        let later = reservation_wage(400_000, 0.1, 0.01, 12);
        assert!((later - 440_000.0 * 0.99f64.powi(12)).abs() < 1e-6);
        assert!(later < fresh && later > 0.8 * fresh);
        // A higher benefit raises it; no benefit, no bar beyond zero.
        assert!(reservation_wage(800_000, 0.1, 0.01, 0) > fresh);
        assert_eq!(reservation_wage(0, 0.1, 0.01, 0), 0.0);
        assert_eq!(reservation_wage(-5, 0.1, 0.01, 0), 0.0);
        // The employed compare with their job, not the benefit.
        assert_eq!(acceptance_bar(Some(10_000.0), 0.0, 1.0e9), 10_000.0);
    }

    #[test]
    fn offers_are_valued_after_income_tax() {
        assert_eq!(net_share(0.1), 0.9);
        assert_eq!(net_share(0.0), 1.0);
        // A higher tax lowers a job's worth against an untaxed benefit.
        let value = |tax: f64| job_value(10_000.0 * net_share(tax), 0.0, 0.0, 1_000.0);
        assert!(value(0.3) < value(0.1));
    }

    #[test]
    fn a_worker_switches_only_for_a_gain_of_the_given_size() {
        let bar = acceptance_bar(Some(10_000.0), 0.05, 0.0);
        assert_eq!(bar, 10_500.0);
        assert!(!accepts(10_400.0, bar), "a small raise is not enough");
        assert!(!accepts(10_500.0, bar), "equal to the bar is not enough");
        assert!(accepts(10_600.0, bar));
        assert_eq!(
            acceptance_bar(Some(10_000.0), 0.0, 0.0),
            10_000.0,
            "no gain asked: any better job"
        );
        // A job worth less than nothing: the bar is still above it.
        assert_eq!(acceptance_bar(Some(-1_000.0), 0.1, 0.0), -900.0);
    }

    #[test]
    fn income_tax_is_a_flat_share_rounded_down() {
        assert_eq!(income_tax(10_001, 0.1), 1_000, "rounded down");
        assert_eq!(income_tax(0, 0.3), 0);
    }

    #[test]
    fn layoff_chance_is_the_share_laid_off() {
        assert_eq!(layoff_chance(0, 10, 0.0), 0.0);
        assert_eq!(layoff_chance(2, 10, 0.0), 0.2);
        assert_eq!(layoff_chance(10, 10, 0.0), 1.0);
        assert_eq!(
            layoff_chance(1, 0, 0.0),
            1.0,
            "no staff: the division is safe"
        );
        // Separations come on top of the planned layoffs, at most all.
        assert_eq!(layoff_chance(0, 10, 0.02), 0.02);
        assert!((layoff_chance(2, 10, 0.02) - 0.22).abs() < 1e-12);
        assert_eq!(layoff_chance(10, 10, 0.02), 1.0);
    }
}
