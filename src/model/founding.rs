//! Rules of entrepreneurship: who founds a firm and what it costs.

use crate::world::firms::MAX_PRICE;

/// The startup cost, cents: `entrepreneurship.startup_cost_months` of the
/// mean wage (`mean_wage`, cents), at least 1 cent.
#[inline(always)]
pub fn startup_cost(months: f64, mean_wage: i64) -> i64 {
    (months * mean_wage as f64).round().max(1.0) as i64
}

/// The founding hazard: a resident founds a firm this month when its
/// `coin` (uniform in [0, 1)) falls below `entrepreneurship.founding_hazard`
/// times `boost` (`mei.hazard_multiplier` in a zone with an MEI base, else
/// 1) times its `aptitude`, and it can pay its share of the capital.
#[inline(always)]
pub fn founds(coin: f64, hazard: f64, boost: f64, aptitude: f32) -> bool {
    coin < hazard * boost * aptitude as f64
}

/// A project's scale: lognormal with mean 1 and log-sd `sigma`
/// (`entrepreneurship.project_scale_sigma`), from a standard normal draw
/// `z`. Projects differ, which makes the startup rate answer the cost
/// smoothly rather than all at once.
#[inline(always)]
pub fn project_scale(sigma: f64, z: f64) -> f64 {
    (sigma * z - sigma * sigma / 2.0).exp()
}

/// A project's capital, cents: the startup `cost` times its `scale`,
/// rounded, at least 1 cent.
#[inline(always)]
pub fn project_capital(cost: i64, scale: f64) -> i64 {
    ((cost as f64 * scale).round() as i64).max(1)
}

/// The part of a capital of `capital` cents an MEI incubator pays:
/// `mei.subsidy_share` of it, rounded; the founder pays the rest.
#[inline(always)]
pub fn subsidy(capital: i64, share: f64) -> i64 {
    (capital as f64 * share).round() as i64
}

/// A new firm's price, cents: its sector's mean `price` less
/// `entrepreneurship.startup_discount` of it (entrants undercut to win
/// customers), rounded, within 1 cent and `MAX_PRICE`.
#[inline(always)]
pub fn entry_price(price: i64, discount: f64) -> i64 {
    (((price as f64) * (1.0 - discount)).round().max(1.0) as i64).min(MAX_PRICE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_startup_cost_is_months_of_the_mean_wage() {
        assert_eq!(startup_cost(6.0, 500_000), 3_000_000);
        assert_eq!(startup_cost(0.0, 500_000), 1, "at least a cent");
        assert!(startup_cost(3.0, 500_000) < startup_cost(6.0, 500_000));
    }

    #[test]
    fn the_hazard_grows_with_aptitude_and_an_mei_base() {
        assert!(founds(0.004, 0.005, 1.0, 1.0));
        assert!(!founds(0.004, 0.005, 1.0, 0.5), "lower aptitude");
        assert!(
            founds(0.004, 0.005, 2.0, 0.5),
            "an MEI base doubles the hazard"
        );
        assert!(!founds(0.0, 0.0, 2.0, 1.0), "no hazard, no founding");
    }

    #[test]
    fn project_scales_have_mean_one_and_spread_with_sigma() {
        assert_eq!(project_scale(0.0, 1.7), 1.0, "no spread");
        assert!(project_scale(0.5, 1.0) > project_scale(0.5, 0.0));
        // The mean over a fine grid of normal quantiles is close to 1.
        let n = 20_000;
        let mean: f64 = (0..n)
            .map(|k| {
                let u = (k as f64 + 0.5) / n as f64;
                project_scale(0.5, quantile(u))
            })
            .sum::<f64>()
            / n as f64;
        assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
    }

    /// The standard normal quantile, by bisection of the error function's
    /// series (accurate enough for a test of the mean).
    fn quantile(u: f64) -> f64 {
        let cdf = |x: f64| {
            // Abramowitz and Stegun 26.2.17.
            let t = 1.0 / (1.0 + 0.231_641_9 * x.abs());
            let poly = t
                * (0.319_381_530
                    + t * (-0.356_563_782
                        + t * (1.781_477_937 + t * (-1.821_255_978 + t * 1.330_274_429))));
            let tail = (-x * x / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt() * poly;
            if x >= 0.0 { 1.0 - tail } else { tail }
        };
        let (mut lo, mut hi) = (-10.0, 10.0);
        for _ in 0..80 {
            let mid = (lo + hi) / 2.0;
            if cdf(mid) < u { lo = mid } else { hi = mid }
        }
        (lo + hi) / 2.0
    }

    #[test]
    fn capital_and_subsidy_split_the_cost() {
        let capital = project_capital(3_000_000, 1.25);
        assert_eq!(capital, 3_750_000);
        assert_eq!(project_capital(3_000_000, 0.0), 1, "at least a cent");
        assert_eq!(subsidy(capital, 0.4), 1_500_000);
        assert_eq!(subsidy(capital, 0.0), 0);
        assert_eq!(subsidy(capital, 1.0), capital);
    }

    #[test]
    fn entrants_undercut_the_sector_price() {
        assert_eq!(entry_price(1_000, 0.1), 900);
        assert_eq!(entry_price(1_000, 0.0), 1_000);
        assert_eq!(entry_price(1, 0.9), 1, "at least a cent");
        assert_eq!(entry_price(i64::MAX, 0.0), MAX_PRICE);
    }
}
