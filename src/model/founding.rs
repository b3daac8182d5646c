//! Rules of entrepreneurship: who founds a firm, what it costs, and who
//! pays for what. Founding has two parts: the startup cost, sunk
//! (registration, licences, fit-out; paid to the government as fees), and the
//! starting capital, the new firm's cash to pay its first staff (from the
//! founder, or lent by the bank when it is on).

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
/// 1) times its `aptitude`, and it can pay its share of the outlay.
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

/// A firm's productivity at its start relative to its sector's: lognormal
/// with mean 1 and log-sd `sigma` (`entrepreneurship.productivity_sigma`),
/// from a standard normal draw `z`. Firms in one industry differ widely in
/// how much they make of the same inputs (Syverson 2011), which is what
/// lets selection, and a cut of the least productive, raise an industry's
/// output per worker.
#[inline(always)]
pub fn productivity_draw(sigma: f64, z: f64) -> f64 {
    project_scale(sigma, z)
}

/// A project's money, cents: an amount `cost` (its startup cost, or its
/// starting capital) times its `scale`,
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

/// A new firm's starting capital, cents: `entrepreneurship.starting_capital_months`
/// of the wage bill it plans (`staff` workers of skill 1 at its sector's
/// mean wage offer `wage`, cents), rounded, at least 0.
#[inline(always)]
pub fn starting_capital(months: f64, staff: u32, wage: i64) -> i64 {
    (months * staff as f64 * wage as f64).round().max(0.0) as i64
}

/// Who pays what when a firm is founded, cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outlay {
    /// The founder pays this from its wealth.
    pub own: i64,
    /// The government pays this (an MEI subsidy).
    pub subsidy: i64,
    /// The startup cost, paid to the government as fees.
    pub fees: i64,
    /// The new firm's cash (its starting capital).
    pub capital: i64,
    /// The part of the capital the bank lends the firm (new money, the
    /// firm's debt).
    pub loan: i64,
}

impl Outlay {
    /// What founder and government put up: the fees and the capital not
    /// lent.
    #[inline(always)]
    pub fn total(&self) -> i64 {
        self.own + self.subsidy
    }
}

/// Splits a founding: the sunk startup `cost` (cents, the project's cost)
/// goes to the government as fees; the starting `capital` (cents) goes to
/// the firm, `loan_share` of it lent by the bank (rounded; 0 when the bank
/// does not lend) and the rest put up by the founder; an incubator pays
/// `subsidy_share` of what the founder would put up (`subsidy`). So the
/// founder pays own = (cost + capital - loan) - subsidy, and own + subsidy
/// + loan = fees + capital: every cent has a source.
#[inline(always)]
pub fn outlay(cost: i64, capital: i64, loan_share: f64, subsidy_share: f64) -> Outlay {
    let loan = ((capital as f64 * loan_share).round() as i64).clamp(0, capital.max(0));
    let put_up = cost + capital - loan;
    let public = subsidy(put_up, subsidy_share);
    Outlay {
        own: put_up - public,
        subsidy: public,
        fees: cost,
        capital,
        loan,
    }
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
    fn productivity_draws_spread_around_the_sector_s() {
        assert_eq!(productivity_draw(0.0, 2.0), 1.0, "no spread");
        assert!(productivity_draw(0.1, 1.0) > 1.0 && productivity_draw(0.1, -1.0) < 1.0);
        // The 90th percentile (z = 1.2816) over the 10th: e^(2 x 1.2816 sigma).
        let ratio = productivity_draw(0.25, 1.2816) / productivity_draw(0.25, -1.2816);
        assert!((ratio - (2.0f64 * 1.2816 * 0.25).exp()).abs() < 1e-9);
    }

    #[test]
    fn starting_capital_is_months_of_the_planned_wage_bill() {
        assert_eq!(starting_capital(3.0, 3, 1_000_000), 9_000_000);
        assert_eq!(starting_capital(0.0, 3, 1_000_000), 0);
        assert_eq!(starting_capital(0.5, 1, 3), 2, "rounded");
    }

    #[test]
    fn the_cost_is_sunk_and_the_capital_funds_the_firm() {
        // No bank, no incubator: the founder pays cost and capital.
        let o = outlay(600, 9_000, 0.0, 0.0);
        assert_eq!(
            (o.own, o.subsidy, o.fees, o.capital, o.loan),
            (9_600, 0, 600, 9_000, 0)
        );
        // With the bank lending all of it: the founder pays the cost only.
        let o = outlay(600, 9_000, 1.0, 0.0);
        assert_eq!((o.own, o.fees, o.capital, o.loan), (600, 600, 9_000, 9_000));
        // Lending 40%: the founder puts up the cost and 60% of the capital.
        let o = outlay(600, 9_000, 0.4, 0.0);
        assert_eq!((o.own, o.loan), (6_000, 3_600));
        // An incubator pays its share of what the founder would put up.
        let o = outlay(600, 9_000, 0.0, 0.5);
        assert_eq!((o.own, o.subsidy), (4_800, 4_800));
        // Every case balances: what is put up and lent is what is paid out.
        for loan_share in [0.0, 0.37, 1.0] {
            for share in [0.0, 0.3, 1.0] {
                let o = outlay(1_234, 5_677, loan_share, share);
                assert_eq!(o.own + o.subsidy + o.loan, o.fees + o.capital);
                assert_eq!(o.total(), o.own + o.subsidy);
                assert!(o.own >= 0 && o.subsidy >= 0);
            }
        }
        // A cheaper start costs the founder less but leaves the firm the same cash.
        let (dear, cheap) = (
            outlay(12_000, 9_000, 0.0, 0.0),
            outlay(500, 9_000, 0.0, 0.0),
        );
        assert!(cheap.own < dear.own);
        assert_eq!(cheap.capital, dear.capital);
    }

    #[test]
    fn entrants_undercut_the_sector_price() {
        assert_eq!(entry_price(1_000, 0.1), 900);
        assert_eq!(entry_price(1_000, 0.0), 1_000);
        assert_eq!(entry_price(1, 0.9), 1, "at least a cent");
        assert_eq!(entry_price(i64::MAX, 0.0), MAX_PRICE);
    }
}
