//! Rules of the goods market: how much a resident spends, which supplier it
//! buys from, and how a firm short of stock serves its orders.

/// The largest monthly budget, cents (2^62, 4.6e16 yuan): a wealth above it
/// spends as if it had this much, so that every budget and budget share
/// converts to cents exactly.
pub const MAX_BUDGET: f64 = (1u64 << 62) as f64;

/// A resident's monthly budget, cents: `residents.propensity_income` of last
/// month's disposable income (none if it was negative) plus
/// `residents.propensity_wealth` of its wealth, never more than its wealth,
/// never below 0 and never above [`MAX_BUDGET`].
#[inline(always)]
pub fn budget(income: i64, wealth: i64, propensity_income: f64, propensity_wealth: f64) -> f64 {
    let wanted = propensity_income * income.max(0) as f64 + propensity_wealth * wealth as f64;
    wanted.min(wealth as f64).clamp(0.0, MAX_BUDGET)
}

/// A resident's propensity to consume out of income: `propensity`
/// (`residents.propensity_income`, the share at the mean) times its
/// disposable `income` over the city's `mean` to the power of minus
/// `gradient` (`residents.saving_gradient`), at most 1. The rich save a
/// larger share of what they earn (Dynan, Skinner & Zeldes 2004), which is
/// what makes wealth more unequal than income. A gradient of 0, or no
/// income, gives `propensity`.
#[inline(always)]
pub fn propensity_at(propensity: f64, income: i64, mean: f64, gradient: f64) -> f64 {
    if gradient == 0.0 || income <= 0 || mean <= 0.0 {
        return propensity;
    }
    (propensity * (income as f64 / mean).powf(-gradient)).min(1.0)
}

/// What a shopper living `km` from a firm compares, cents a unit: the
/// firm's `price` plus the cost of the trip, `residents.shopping_cost_per_km`
/// of the price a kilometre; goods `delivered` (an IMP member's, to an ILP
/// user) cost the price alone.
#[inline(always)]
pub fn supplier_score(price: f64, km: f64, shopping_cost_per_km: f64, delivered: bool) -> f64 {
    if delivered {
        return price;
    }
    price * (1.0 + shopping_cost_per_km * km)
}

/// Whether a shopper leaves its supplier (scored `current` by
/// [`supplier_score`]) for a candidate scored `candidate`: when the
/// candidate is cheaper by `residents.supplier_switch_gain` of the current
/// score; a shopper `rationed` by its supplier last month leaves for any
/// candidate not dearer by more than that margin.
#[inline(always)]
pub fn switches_supplier(candidate: f64, current: f64, rationed: bool, switch_gain: f64) -> bool {
    let margin = if rationed {
        1.0 + switch_gain
    } else {
        1.0 - switch_gain
    };
    candidate < current * margin
}

/// The share of every order a firm serves (rationing): 1 when its stock,
/// `inventory` units at `price` cents, covers its `orders` (cents), else
/// stock value over orders, the same share for every buyer so that the
/// outcome does not depend on who came first.
#[inline(always)]
pub fn fill_share(inventory: f64, price: i64, orders: i64) -> f64 {
    let stock_value = inventory * price as f64;
    if orders as f64 > stock_value {
        stock_value / orders as f64
    } else {
        1.0
    }
}

/// What a buyer pays on an order of `budget` cents at a firm serving
/// `fill` of every order ([`fill_share`]): the served part, truncated to
/// cents.
#[inline(always)]
pub fn served(budget: i64, fill: f64) -> i64 {
    ((budget as f64 * fill) as i64).max(0)
}

/// The units a payment of `paid` cents buys at `price` cents a unit.
#[inline(always)]
pub fn units_bought(paid: i64, price: i64) -> f64 {
    paid as f64 / price as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rich_consume_a_smaller_share_of_their_income() {
        // At the mean income, or with no gradient, the propensity itself.
        assert_eq!(propensity_at(0.7, 1_000, 1_000.0, 0.45), 0.7);
        assert_eq!(propensity_at(0.7, 4_000, 1_000.0, 0.0), 0.7);
        // Four times the mean: 0.7 x 4^-0.5 = 0.35.
        assert!((propensity_at(0.7, 4_000, 1_000.0, 0.5) - 0.35).abs() < 1e-12);
        // A quarter of the mean would be 1.4: at most all of it.
        assert_eq!(propensity_at(0.7, 250, 1_000.0, 0.5), 1.0);
        // No income, or no mean: the propensity.
        assert_eq!(propensity_at(0.7, 0, 1_000.0, 0.5), 0.7);
        assert_eq!(propensity_at(0.7, 500, 0.0, 0.5), 0.7);
        // So the stationary wealth, (1 - c) / propensity_wealth months of
        // income, rises with income: wealth is more unequal than income.
        let months = |y: i64| (1.0 - propensity_at(0.7, y, 1_000.0, 0.45)) / 0.05;
        assert!(months(500) < months(1_000) && months(1_000) < months(3_000));
    }

    #[test]
    fn the_budget_grows_with_income_and_wealth_and_never_exceeds_wealth() {
        let b = budget(10_000, 50_000, 0.8, 0.05);
        assert_eq!(b, 0.8 * 10_000.0 + 0.05 * 50_000.0);
        assert!(budget(20_000, 50_000, 0.8, 0.05) > b, "more income");
        assert!(budget(10_000, 90_000, 0.8, 0.05) > b, "more wealth");
        assert_eq!(
            budget(100_000, 5_000, 0.8, 0.05),
            5_000.0,
            "capped at wealth"
        );
        assert_eq!(
            budget(-10_000, 50_000, 0.8, 0.05),
            2_500.0,
            "a loss is not spent"
        );
        assert_eq!(budget(10_000, -1, 0.8, 0.05), 0.0, "debt: nothing");
        assert_eq!(budget(0, i64::MAX, 0.0, 1.0), MAX_BUDGET, "capped");
    }

    #[test]
    fn distance_raises_the_score_unless_delivered() {
        let near = supplier_score(1_000.0, 1.0, 0.02, false);
        let far = supplier_score(1_000.0, 10.0, 0.02, false);
        assert_eq!(near, 1_020.0);
        assert!(far > near);
        assert_eq!(supplier_score(1_000.0, 10.0, 0.02, true), 1_000.0);
        assert_eq!(supplier_score(1_000.0, 10.0, 0.0, false), 1_000.0);
    }

    #[test]
    fn a_shopper_switches_only_for_a_clear_gain_unless_rationed() {
        assert!(switches_supplier(900.0, 1_000.0, false, 0.05));
        assert!(
            !switches_supplier(960.0, 1_000.0, false, 0.05),
            "gain too small"
        );
        assert!(!switches_supplier(1_010.0, 1_000.0, false, 0.05));
        // Rationed: anything not dearer by more than the margin.
        assert!(switches_supplier(1_040.0, 1_000.0, true, 0.05));
        assert!(!switches_supplier(1_060.0, 1_000.0, true, 0.05));
    }

    #[test]
    fn a_firm_short_of_stock_serves_every_order_in_the_same_share() {
        assert_eq!(fill_share(10.0, 100, 500), 1.0, "stock covers orders");
        assert_eq!(fill_share(10.0, 100, 1_000), 1.0, "exactly covered");
        assert_eq!(fill_share(10.0, 100, 4_000), 0.25);
        assert_eq!(fill_share(0.0, 100, 4_000), 0.0, "no stock");
        assert_eq!(fill_share(0.0, 100, 0), 1.0, "no orders");
        // Served orders never exceed the stock's value.
        let fill = fill_share(7.0, 300, 5_000);
        let paid: i64 = [1_000, 1_500, 2_500].iter().map(|&b| served(b, fill)).sum();
        assert!(paid <= 2_100, "{paid}");
        assert!(
            paid >= 2_097,
            "truncation loses at most a cent an order: {paid}"
        );
    }

    #[test]
    fn a_payment_buys_its_units() {
        assert_eq!(units_bought(1_000, 250), 4.0);
        assert_eq!(units_bought(0, 250), 0.0);
        assert_eq!(served(1_000, 1.0), 1_000);
        assert_eq!(served(1_000, 0.0), 0);
    }
}
