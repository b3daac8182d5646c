//! Capital and investment (after Assenza, Delli Gatti & Grazzini 2015 and
//! Caiani et al. 2016, simplified): a firm needs capital in proportion to
//! its output, capital wears out, and the firm orders capital goods from
//! the manufacturing sectors to replace what wore out and to close part of
//! the gap to what its planned output needs. Capital is real: cents at
//! set-up prices. Investment is financed by cash above the firm's buffer
//! and by loans against the capital (`bank.loan_to_value`).

/// The capital a firm needs for `output` units a month of a sector whose
/// set-up price is `base_price` cents a unit: `firms.capital_output_months`
/// months of that output valued at set-up prices, in real cents.
#[inline]
pub fn capital_needed(output: f64, base_price: f64, months: f64) -> f64 {
    (months * output * base_price).max(0.0)
}

/// What a firm with `capital` of the `needed` capital makes of its labour's
/// output: 1 - `firms.capital_elasticity` x the share of the need that is
/// missing (1 when nothing is needed or the need is met). A firm without
/// capital still makes 1 - elasticity of it (a startup rents, borrows and
/// improvises its first tools).
#[inline]
pub fn capital_factor(capital: f64, needed: f64, elasticity: f64) -> f64 {
    if needed <= 0.0 {
        return 1.0;
    }
    let held = (capital / needed).clamp(0.0, 1.0);
    1.0 - elasticity * (1.0 - held)
}

/// How the capital a firm wants per unit of output moves with the real
/// loan rate `real_rate` (a year): the neoclassical rule K / Y = alpha /
/// (r + delta) (Jorgenson 1963) scaled so that at the steady state's rate
/// `steady_rate` it is 1, with `yearly_depreciation` as delta. A rate
/// below zero counts as zero.
#[inline]
pub fn rate_scale(real_rate: f64, steady_rate: f64, yearly_depreciation: f64) -> f64 {
    let scale =
        (steady_rate.max(0.0) + yearly_depreciation) / (real_rate.max(0.0) + yearly_depreciation);
    if scale.is_finite() { scale } else { 1.0 }
}

/// The cost of capital in a unit of output, cents: what wears out making it
/// (`firms.depreciation` of `firms.capital_output_months` months of output),
/// at the set-up price `base_price` times the price level of capital goods
/// `capital_price` (1 at set-up). A firm prices it in, as it prices wages
/// and rent (full-cost pricing).
#[inline]
pub fn capital_cost_per_unit(
    depreciation: f64,
    months: f64,
    base_price: f64,
    capital_price: f64,
) -> f64 {
    depreciation * months * base_price * capital_price
}

/// The capital goods a firm orders this month, cents at current prices:
/// what wears out this month (`depreciation` of its `capital`) plus
/// `firms.investment_adjust` of the gap between the capital its planned
/// output `needed` and what it holds, at the price level of capital goods
/// `capital_price`; never negative (capital is not sold back).
#[inline]
pub fn investment_order(
    capital: f64,
    needed: f64,
    depreciation: f64,
    adjust: f64,
    capital_price: f64,
) -> i64 {
    let real = depreciation * capital + adjust * (needed - capital);
    super::cents(real.max(0.0) * capital_price)
}

/// How much of an investment `order` a firm can pay for: its cash above
/// `buffer`, plus what it may borrow while it owes `debt` and may owe at
/// most `limit` (0 when the bank will not lend it). Returns (paid from
/// cash, borrowed).
#[inline]
pub fn investment_finance(order: i64, cash: i64, buffer: i64, debt: i64, limit: f64) -> (i64, i64) {
    let own = (cash - buffer).clamp(0, order.max(0));
    let limit = super::cents(limit);
    (own, (order - own).min((limit - debt).max(0)))
}

/// The most a firm may owe when it borrows for capital: its working-capital
/// `credit_line` plus `bank.loan_to_value` of its capital's value
/// `capital_value` (cents at current prices).
#[inline]
pub fn investment_credit_limit(credit_line: i64, loan_to_value: f64, capital_value: f64) -> f64 {
    credit_line as f64 + loan_to_value * capital_value.max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capital_needs_scale_with_output_and_its_lack_costs_output() {
        // 100 units a month at 50 cents for 30 months: 150,000 real cents.
        assert_eq!(capital_needed(100.0, 50.0, 30.0), 150_000.0);
        assert_eq!(capital_needed(-1.0, 50.0, 30.0), 0.0);
        // Full capital: the labour's whole output; none: 1 - elasticity.
        assert_eq!(capital_factor(150.0, 100.0, 0.3), 1.0);
        assert_eq!(capital_factor(0.0, 100.0, 0.3), 0.7);
        assert!((capital_factor(50.0, 100.0, 0.3) - 0.85).abs() < 1e-12);
        assert_eq!(capital_factor(0.0, 0.0, 0.3), 1.0);
    }

    #[test]
    fn investment_replaces_wear_and_closes_part_of_the_gap() {
        // Capital at its need: replace the 1% that wore out, at prices 10%
        // above set-up.
        assert_eq!(investment_order(10_000.0, 10_000.0, 0.01, 0.1, 1.1), 110);
        // Short by 1,000: a tenth of the gap on top.
        assert_eq!(investment_order(9_000.0, 10_000.0, 0.01, 0.1, 1.0), 190);
        // Far above the need: nothing (capital is not sold back).
        assert_eq!(investment_order(20_000.0, 10_000.0, 0.01, 0.1, 1.0), 0);
        assert_eq!(investment_order(0.0, f64::NAN, 0.01, 0.1, 1.0), 0);
        // The unit cost of capital: 1% of 30 months at 50 cents, prices +10%.
        assert!((capital_cost_per_unit(0.01, 30.0, 50.0, 1.1) - 16.5).abs() < 1e-9);
    }

    #[test]
    fn dearer_credit_lowers_the_capital_wanted() {
        // At the steady rate: 1. A real rate 5 points higher with 9%
        // depreciation: (0.04 + 0.09) / (0.09 + 0.09).
        assert_eq!(rate_scale(0.04, 0.04, 0.09), 1.0);
        assert!((rate_scale(0.09, 0.04, 0.09) - 0.13 / 0.18).abs() < 1e-12);
        assert!((rate_scale(-0.03, 0.04, 0.09) - 0.13 / 0.09).abs() < 1e-12);
        assert_eq!(rate_scale(0.0, 0.0, 0.0), 1.0);
    }

    #[test]
    fn investment_is_paid_from_cash_above_the_buffer_then_borrowed() {
        // A line of 100 and half of 1,000 of capital: 600 may be owed.
        let limit = investment_credit_limit(100, 0.5, 1_000.0);
        assert_eq!(limit, 600.0);
        // Cash 1,500 over a buffer of 1,000 pays 500 of an order of 800;
        // the rest is borrowed.
        assert_eq!(investment_finance(800, 1_500, 1_000, 0, limit), (500, 300));
        // The limit binds: 550 owed already.
        assert_eq!(investment_finance(800, 1_500, 1_000, 550, limit), (500, 50));
        // The bank not lending (a limit of 0): cash alone.
        assert_eq!(investment_finance(800, 1_500, 1_000, 0, 0.0), (500, 0));
        // Cash below the buffer pays nothing.
        assert_eq!(investment_finance(800, 900, 1_000, 0, 0.0), (0, 0));
    }
}
