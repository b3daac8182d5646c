//! Rules of housing: what a zone is worth to a resident, who moves, and how
//! rents respond to demand.

/// The longest one-way commute that adds to the chance of moving, minutes
/// (10 hours): a longer one counts as this long.
pub const LONGEST_COUNTED_COMMUTE_MIN: f64 = 600.0;

/// A zone's worth to a resident, cents a month: the zone's `amenity` level
/// valued at `city.amenity_value` yuan a month, less its `rent` (cents),
/// less `commute_cost`, the money cost of the days the resident would
/// commute from it to its job (0 without a job).
#[inline(always)]
pub fn zone_value(amenity_value: f64, amenity: f64, rent: i64, commute_cost: f64) -> f64 {
    amenity_value * 100.0 * amenity - rent as f64 - commute_cost
}

/// The chance of considering a move this month: `residents.move_prob`
/// plus `residents.move_prob_per_commute_hour` for each hour of one-way
/// commute (`commute_min`, at most [`LONGEST_COUNTED_COMMUTE_MIN`]).
#[inline(always)]
pub fn move_chance(move_prob: f64, per_commute_hour: f64, commute_min: f64) -> f64 {
    move_prob + per_commute_hour * commute_min.min(LONGEST_COUNTED_COMMUTE_MIN) / 60.0
}

/// Whether a resident considers moving this month, given its `coin` (a
/// uniform draw in [0, 1)): always when it `must_move` (it could not pay
/// its rent), else with [`move_chance`] at its commute (`commute_min`,
/// `None` without a job: `residents.move_prob` alone).
#[inline(always)]
pub fn considers_moving(
    coin: f64,
    must_move: bool,
    move_prob: f64,
    per_commute_hour: f64,
    commute_min: Option<f64>,
) -> bool {
    must_move
        || coin < move_prob
        || commute_min.is_some_and(|m| coin < move_chance(move_prob, per_commute_hour, m))
}

/// Whether a resident moves to the best zone it found, worth `best`
/// against `here` for its home ([`zone_value`]): when the gain exceeds
/// `residents.move_gain` of its (positive) monthly `income`, or, for a
/// resident that `must_move`, when the zone is `cheaper` than home.
#[inline(always)]
pub fn moves(
    best: f64,
    here: f64,
    income: i64,
    move_gain: f64,
    must_move: bool,
    cheaper: bool,
) -> bool {
    best > here + move_gain * income.max(0) as f64 || (must_move && cheaper)
}

/// A zone's rent change this month, a fraction: `city.rent_adjust` times
/// the relative gap between demand (occupants plus turned-away applicants,
/// over `dwellings`) and the target occupancy T = 1 - `city.vacancy_target`,
/// capped at +/- `city.rent_adjust`. The zone must have dwellings.
#[inline(always)]
pub fn rent_change(
    occupants: u32,
    turned_away: u32,
    dwellings: u32,
    vacancy_target: f64,
    rent_adjust: f64,
) -> f64 {
    let target = 1.0 - vacancy_target;
    let demand = (occupants + turned_away) as f64 / dwellings as f64;
    (rent_adjust * (demand - target) / target).clamp(-rent_adjust, rent_adjust)
}

/// The rent after a [`rent_change`], cents, rounded, never below `floor`
/// (`city.min_rent`).
#[inline(always)]
pub fn revised_rent(rent: i64, change: f64, floor: i64) -> i64 {
    ((rent as f64 * (1.0 + change)).round() as i64).max(floor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_worth_more_with_amenity_and_less_with_rent_and_commute() {
        let v = zone_value(500.0, 1.0, 20_000, 10_000.0);
        assert_eq!(v, 50_000.0 - 20_000.0 - 10_000.0);
        assert!(zone_value(500.0, 1.2, 20_000, 10_000.0) > v, "amenity");
        assert!(zone_value(500.0, 1.0, 25_000, 10_000.0) < v, "rent");
        assert!(zone_value(500.0, 1.0, 20_000, 15_000.0) < v, "commute");
    }

    #[test]
    fn long_commutes_raise_the_chance_of_moving_up_to_ten_hours() {
        assert_eq!(move_chance(0.01, 0.02, 0.0), 0.01);
        assert_eq!(move_chance(0.01, 0.02, 90.0), 0.01 + 0.03);
        assert_eq!(
            move_chance(0.01, 0.02, 600.0),
            move_chance(0.01, 0.02, 6_000.0)
        );
        assert!(considers_moving(0.035, false, 0.01, 0.02, Some(90.0)));
        assert!(
            !considers_moving(0.035, false, 0.01, 0.02, None),
            "no job, no commute"
        );
        assert!(!considers_moving(0.05, false, 0.01, 0.02, Some(90.0)));
        assert!(considers_moving(0.99, true, 0.0, 0.0, None), "must move");
    }

    #[test]
    fn residents_move_for_a_gain_above_the_threshold_or_when_they_must() {
        assert!(moves(11_000.0, 10_000.0, 10_000, 0.05, false, false));
        assert!(
            !moves(10_400.0, 10_000.0, 10_000, 0.05, false, false),
            "gain too small"
        );
        assert!(
            !moves(10_500.0, 10_000.0, 10_000, 0.05, false, false),
            "equal is not enough"
        );
        assert!(
            moves(10_400.0, 10_000.0, -5_000, 0.05, false, false),
            "no income: any gain"
        );
        assert!(
            moves(9_000.0, 10_000.0, 10_000, 0.05, true, true),
            "must and cheaper"
        );
        assert!(
            !moves(9_000.0, 10_000.0, 10_000, 0.05, true, false),
            "must, not cheaper"
        );
    }

    #[test]
    fn rents_rise_with_excess_demand_and_fall_with_vacancy_within_the_cap() {
        // Target occupancy 0.95 of 100 dwellings.
        assert_eq!(rent_change(95, 0, 100, 0.05, 0.02), 0.0);
        let up = rent_change(96, 0, 100, 0.05, 0.02);
        let down = rent_change(90, 0, 100, 0.05, 0.02);
        assert!(up > 0.0 && down < 0.0, "{up} {down}");
        assert!(rent_change(100, 5, 100, 0.05, 0.02) > rent_change(100, 0, 100, 0.05, 0.02));
        assert_eq!(rent_change(100, 500, 100, 0.05, 0.02), 0.02, "capped");
        assert_eq!(rent_change(0, 0, 100, 0.05, 0.02), -0.02, "capped");
        assert_eq!(revised_rent(10_000, 0.02, 500), 10_200);
        assert_eq!(revised_rent(10_000, -0.02, 500), 9_800);
        assert_eq!(revised_rent(501, -0.02, 500), 500, "floored");
    }
}
