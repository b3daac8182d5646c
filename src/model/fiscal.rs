//! The government's spending rules: purchases of goods at a share of the
//! trend of nominal output, and a deficit rule that lets public debt run to
//! a target share of that output, paying the room out as transfers. The
//! government's debt is what it owes the bank (a negative balance): its
//! deficits create deposits, as a state's borrowing from its banks does.

/// Months over which the trend of nominal output is smoothed.
pub const TREND_MONTHS: f64 = 12.0;

/// The trend of nominal output after a month of `output` cents: an
/// exponential average over [`TREND_MONTHS`] months.
#[inline]
pub fn output_trend(trend: f64, output: f64) -> f64 {
    if !output.is_finite() {
        return trend;
    }
    trend + (output - trend) / TREND_MONTHS
}

/// The government's purchases this month, cents: `government.purchases_share`
/// of the trend of monthly nominal output.
#[inline]
pub fn purchases(trend: f64, share: f64) -> i64 {
    super::cents(trend * share)
}

/// What the government pays out as transfers this month, cents:
/// `government.transfer_share` of a positive `balance` (its surplus), plus
/// `government.debt_adjust` of the room between its debt (a negative
/// balance) and the debt the deficit rule allows, `government.debt_target`
/// years of the trend of monthly nominal output. Once the debt has reached
/// its path, with nominal output growing at n a year, the rule runs a
/// deficit of about n x `debt_target` of output.
#[inline]
pub fn transfers(
    balance: i64,
    trend: f64,
    transfer_share: f64,
    debt_target: f64,
    debt_adjust: f64,
) -> i64 {
    let allowed = debt_target * 12.0 * trend;
    let surplus = balance.max(0) as f64 * transfer_share;
    let room = (allowed + balance.min(0) as f64).max(0.0) * debt_adjust;
    super::cents(surplus + room)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trend_follows_output_over_a_year() {
        assert_eq!(output_trend(1200.0, 2400.0), 1300.0);
        assert_eq!(output_trend(1200.0, f64::NAN), 1200.0);
        let mut t = 0.0;
        for _ in 0..120 {
            t = output_trend(t, 1000.0);
        }
        assert!((t - 1000.0).abs() < 1.0, "{t}");
    }

    #[test]
    fn purchases_and_the_deficit_rule() {
        assert_eq!(purchases(1_000_000.0, 0.15), 150_000);
        assert_eq!(purchases(f64::NAN, 0.15), 0);
        // A surplus of 1,000 and room for debt of half a year of output of
        // 1,000 a month: half the surplus and a tenth of the 6,000 room.
        assert_eq!(transfers(1_000, 1_000.0, 0.5, 0.5, 0.1), 1_100);
        // A debt of 2,000: a tenth of the 4,000 room left.
        assert_eq!(transfers(-2_000, 1_000.0, 0.5, 0.5, 0.1), 400);
        // Debt at the target or past it: nothing.
        assert_eq!(transfers(-6_000, 1_000.0, 0.5, 0.5, 0.1), 0);
        assert_eq!(transfers(-9_000, 1_000.0, 0.5, 0.5, 0.1), 0);
        // No debt allowed: the surplus rule alone.
        assert_eq!(transfers(100, 1_000.0, 0.5, 0.0, 0.1), 50);
        assert_eq!(transfers(-100, 1_000.0, 0.5, 0.0, 0.1), 0);
        assert_eq!(transfers(100, f64::NAN, 0.5, 0.5, 0.1), 50);
    }
}
