//! The bank's monthly business outside the incomes pass (where firms
//! borrow, pay interest and repay, `step::incomes`): at the month's close
//! it sets next month's policy rate by the Taylor rule
//! (`model::bank::taylor_rate`) from the year's inflation and the month's
//! unemployment, and at the end of the incomes phase it remits to the
//! government the equity it holds beyond what its loans need, or the
//! government tops it up to what they require.

use crate::metrics::Row;
use crate::model::bank::taylor_rate;
use crate::scenario::Scenario;
use crate::world::{Flows, Holder, World};

/// Months of price history the Taylor rule's inflation spans.
const YEAR: usize = 12;

/// Records the month's price index and sets the policy rate for the next
/// month: inflation is the change of the price index over the last 12
/// months (the target until a year has passed).
pub fn observe(w: &mut World, p: &Scenario, row: &Row) {
    let b = &p.bank;
    let bank = &mut w.bank;
    bank.prices.push(row.price_index);
    if bank.prices.len() > YEAR + 1 {
        bank.prices.remove(0);
    }
    let inflation = match (bank.prices.first(), bank.prices.last()) {
        (Some(&then), Some(&now)) if bank.prices.len() == YEAR + 1 && then > 0.0 => {
            now / then - 1.0
        }
        _ => b.inflation_target,
    };
    bank.inflation = inflation;
    bank.policy_rate = taylor_rate(
        b.neutral_rate,
        inflation,
        b.inflation_target,
        b.inflation_response,
        row.unemployment_rate,
        b.natural_unemployment,
        b.unemployment_response,
    );
}

/// The bank is owned by the state, as China's large banks are. It remits
/// to the government its equity above the larger of its set-up capital and
/// 1.5 times its capital ratio of its loans, and the government tops its
/// equity up to its capital ratio of its loans when write-offs have taken
/// it below (as the state recapitalised its banks in 1998 and 2003-2008);
/// returns the flows.
pub fn remit(w: &mut World, p: &Scenario) -> Flows {
    if !p.bank.enabled {
        return Flows::default();
    }
    let required = (p.bank.capital_ratio * w.bank.loans as f64).ceil() as i64;
    let keep = w.bank.capital.max((1.5 * required as f64) as i64);
    // Positive: remitted to the government; negative: capital injected.
    let paid = if w.bank.equity > keep {
        w.bank.equity - keep
    } else if w.bank.equity < required {
        w.bank.equity - required
    } else {
        0
    };
    w.bank.equity -= paid;
    w.government.balance += paid;
    Flows::transfer(Holder::Bank, Holder::Government, paid)
}
