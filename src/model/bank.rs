//! The bank's rules: the policy rate (a Taylor rule), the interest a loan
//! owes, how much a firm may borrow, and what a closing firm's cash repays.
//! Money is credit: a loan adds to the borrower's deposit and to the bank's
//! loans, a repayment takes from both, and a loan written off leaves the
//! deposits it made and takes the loss from the bank's equity.

/// The policy rate, per year, by Taylor's (1993) rule on the year's
/// inflation `inflation` and the unemployment rate `unemployment` (shares):
/// the neutral real rate plus inflation, plus `inflation_response` times
/// inflation above `target`, less `unemployment_response` times
/// unemployment above `natural`; never below zero.
#[allow(clippy::too_many_arguments)]
pub fn taylor_rate(
    neutral: f64,
    inflation: f64,
    target: f64,
    inflation_response: f64,
    unemployment: f64,
    natural: f64,
    unemployment_response: f64,
) -> f64 {
    let rate = neutral + inflation + inflation_response * (inflation - target)
        - unemployment_response * (unemployment - natural);
    if rate.is_finite() { rate.max(0.0) } else { 0.0 }
}

/// A month's interest on `debt` cents at `rate` a year, rounded up to the
/// cent (a debt of a cent owes a cent).
#[inline]
pub fn interest(debt: i64, rate: f64) -> i64 {
    if debt <= 0 {
        return 0;
    }
    (debt as f64 * rate / 12.0).ceil() as i64
}

/// A month's interest on a resident's deposit of `wealth` cents at `rate`
/// a year, rounded down to the cent (nothing on no or negative wealth).
#[inline]
pub fn deposit_interest(wealth: i64, rate: f64) -> i64 {
    if wealth <= 0 || rate <= 0.0 {
        return 0;
    }
    super::cents(wealth as f64 * rate / 12.0)
}

/// What a firm that cannot pay `costs` from `cash` borrows: the shortfall,
/// if its debt after it stays within `credit_months` of its costs and the
/// bank is lending; `None` when it may not borrow (and so closes).
#[inline]
pub fn working_capital(
    cash: i64,
    costs: i64,
    debt: i64,
    credit_months: f64,
    lending: bool,
) -> Option<i64> {
    let need = costs - cash;
    if need <= 0 {
        return Some(0);
    }
    let limit = (credit_months * costs as f64) as i64;
    (lending && debt + need <= limit).then_some(need)
}

/// What a firm repays of `debt` from `cash` above `buffer`.
#[inline]
pub fn repayment(cash: i64, buffer: i64, debt: i64) -> i64 {
    (cash - buffer).clamp(0, debt.max(0))
}

/// What a firm repays of `debt` ahead of its instalments: its cash above
/// `buffer`, but no more than the month's `retained` profit (after tax and
/// the instalment). A firm retires debt from what it earns, not from the
/// starting capital it borrowed to hold.
#[inline]
pub fn prepayment(cash: i64, buffer: i64, debt: i64, retained: i64) -> i64 {
    repayment(cash, buffer, debt).min(retained.max(0))
}

/// What a firm must repay of `debt` this month on loans of `term` months:
/// the debt over the term, rounded up to the cent (loans amortise in equal
/// shares of what is owed), at most its `cash`; all of the debt if the
/// term is under a month.
#[inline]
pub fn amortisation(debt: i64, term: f64, cash: i64) -> i64 {
    if debt <= 0 {
        return 0;
    }
    let due = if term >= 1.0 {
        (debt as f64 / term).ceil() as i64
    } else {
        debt
    };
    due.clamp(0, cash.max(0))
}

/// Whether a bank with `equity` holding `loans` may lend more: its equity
/// covers `capital_ratio` of its loans.
#[inline]
pub fn may_lend(equity: i64, loans: i64, capital_ratio: f64) -> bool {
    equity as f64 >= capital_ratio * loans as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_taylor_rule_leans_against_inflation_and_unemployment() {
        // On target at the natural rate: the neutral real rate plus inflation.
        let on = taylor_rate(0.02, 0.03, 0.03, 0.5, 0.05, 0.05, 1.0);
        assert!((on - 0.05).abs() < 1e-12);
        // One point more inflation raises the rate by 1.5 points (Taylor's
        // principle: the real rate rises).
        let hot = taylor_rate(0.02, 0.04, 0.03, 0.5, 0.05, 0.05, 1.0);
        assert!((hot - on - 0.015).abs() < 1e-12);
        // One point more unemployment lowers it by one point.
        let slack = taylor_rate(0.02, 0.03, 0.03, 0.5, 0.06, 0.05, 1.0);
        assert!((on - slack - 0.01).abs() < 1e-12);
        // Deflation and slack: the floor at zero.
        assert_eq!(taylor_rate(0.02, -0.05, 0.03, 0.5, 0.2, 0.05, 1.0), 0.0);
        assert_eq!(taylor_rate(0.02, f64::NAN, 0.03, 0.5, 0.05, 0.05, 1.0), 0.0);
    }

    #[test]
    fn interest_borrowing_and_repayment() {
        // 1,200,000 cents at 6% a year: 6,000 cents a month.
        assert_eq!(interest(1_200_000, 0.06), 6_000);
        assert_eq!(interest(1, 0.06), 1);
        assert_eq!(interest(0, 0.06), 0);
        // Deposits earn interest rounded down; nothing on debts.
        assert_eq!(deposit_interest(1_200_000, 0.03), 3_000);
        assert_eq!(deposit_interest(1_000, 0.03), 2);
        assert_eq!(deposit_interest(-5_000, 0.03), 0);
        assert_eq!(deposit_interest(5_000, 0.0), 0);
        // A shortfall of 300 within a limit of 3 x 1,000: borrowed.
        assert_eq!(working_capital(700, 1_000, 0, 3.0, true), Some(300));
        // Enough cash: nothing to borrow.
        assert_eq!(working_capital(1_500, 1_000, 2_900, 3.0, true), Some(0));
        // Past the limit, or the bank not lending: none.
        assert_eq!(working_capital(700, 1_000, 2_800, 3.0, true), None);
        assert_eq!(working_capital(700, 1_000, 0, 3.0, false), None);
        // Repay from cash above the buffer, at most the debt.
        assert_eq!(repayment(1_000, 400, 5_000), 600);
        assert_eq!(repayment(1_000, 400, 100), 100);
        assert_eq!(repayment(300, 400, 100), 0);
        // Ahead of the instalments only out of the month's retained profit.
        assert_eq!(prepayment(1_000, 400, 5_000, 250), 250);
        assert_eq!(prepayment(1_000, 400, 5_000, 900), 600);
        assert_eq!(prepayment(1_000, 400, 5_000, -50), 0);
        assert!(may_lend(105, 1_000, 0.105) && !may_lend(104, 1_000, 0.105));
        // A 60-month loan of 6,000 owes 100 a month, less if cash is short.
        assert_eq!(amortisation(6_000, 60.0, 1_000), 100);
        assert_eq!(amortisation(6_001, 60.0, 1_000), 101);
        assert_eq!(amortisation(6_000, 60.0, 40), 40);
        assert_eq!(amortisation(0, 60.0, 40), 0);
    }
}
