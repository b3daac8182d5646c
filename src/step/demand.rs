//! Demand beyond households, in the goods phase after the households'
//! two rounds: the government's purchases and the firms' capital goods.
//!
//! Both buy by sector from the stock the households left, split across
//! sectors by the households' budget shares (capital goods are machines,
//! buildings and services alike: construction is about half of China's
//! fixed investment). Within a
//! sector, the orders are served in the same proportion (the stock left
//! over the orders, at most 1), and the sector's payments are shared among
//! its firms in proportion to the value of the stock each has left, the
//! cents apportioned by largest remainder in firm order: a procurement
//! office buys from every supplier with goods to sell. The outcome does not
//! depend on the order of buyers or on the number of threads.
//!
//! A firm's capital grows by what it bought valued at set-up prices. It
//! ordered it in the plan (`model::capital::investment_order`) with the
//! part it may borrow; what it pays beyond the part its cash above the
//! buffer was to pay is borrowed here, new money.

use crate::model::fiscal;
use crate::scenario::Scenario;
use crate::world::{Firm, Flows, Holder, World};

/// Each sector's share of every cent spent on capital goods: its budget
/// share (equal shares if the budget shares sum to 0).
pub(crate) fn capital_shares(w: &World) -> Vec<f64> {
    let k = w.sectors.len();
    let shares: Vec<f64> = w.sectors.iter().map(|s| s.budget_share).collect();
    let total: f64 = shares.iter().sum();
    if total > 0.0 {
        shares.into_iter().map(|s| s / total).collect()
    } else {
        vec![1.0 / k.max(1) as f64; k]
    }
}

/// The price level of capital goods as the firms' posted prices stand:
/// each sector's mean posted price over its set-up price, weighted by
/// [`capital_shares`] (1 at set-up).
pub(crate) fn capital_price(w: &World) -> f64 {
    // Mean posted price per sector: integer sums, the same on any number
    // of threads.
    let mut sums = vec![(0i128, 0u64); w.sectors.len()];
    for f in &w.firms.list {
        let s = &mut sums[f.sector as usize];
        s.0 += f.price as i128;
        s.1 += 1;
    }
    capital_shares(w)
        .iter()
        .zip(&sums)
        .zip(&w.sectors)
        .map(|((&share, &(sum, n)), sector)| {
            let ratio = if n > 0 && sector.base_price > 0.0 {
                sum as f64 / n as f64 / sector.base_price
            } else {
                1.0
            };
            share * ratio
        })
        .sum()
}

/// The government's purchases and the firms' capital goods: orders
/// placed, served from the stock left and paid for. Returns the flows (the
/// government's money to firms; firms' money among firms moves none
/// between holders).
pub(crate) fn buy(w: &mut World, p: &Scenario) -> Flows {
    let k = w.sectors.len();
    let purchases = fiscal::purchases(w.government.output_trend, p.government.purchases_share);
    if purchases == 0 && w.firms.list.iter().all(|f| f.investment <= 0) {
        return Flows::default();
    }
    let shares = capital_shares(w);
    // Orders by sector, cents: the government's and the firms' capital
    // goods, each split by the same budget shares.
    let public: Vec<i64> = shares
        .iter()
        .map(|&share| split(purchases, share))
        .collect();
    let mut private = vec![0i64; k];
    for f in &w.firms.list {
        if f.investment > 0 {
            for (s, &share) in shares.iter().enumerate() {
                private[s] += split(f.investment, share);
            }
        }
    }
    // The stock each firm has left, cents at its price, and by sector.
    let stock: Vec<i64> = w.firms.list.iter().map(stock_value).collect();
    let mut left = vec![0i64; k];
    for (f, &v) in w.firms.list.iter().zip(&stock) {
        left[f.sector as usize] += v;
    }
    // Each sector serves its orders in the same proportion.
    let fill: Vec<f64> = (0..k)
        .map(|s| {
            let orders = public[s] + private[s];
            if orders <= 0 {
                1.0
            } else {
                (left[s] as f64 / orders as f64).min(1.0)
            }
        })
        .collect();
    let served = |order: i64, s: usize| (order as f64 * fill[s]).floor() as i64;
    // What each buyer pays, by sector: the government, then firms in order.
    let mut paid = vec![0i64; k];
    let mut by_government = 0i64;
    for s in 0..k {
        let pay = served(public[s], s);
        paid[s] += pay;
        by_government += pay;
    }
    let mut firm_paid = vec![0i64; w.firms.len()];
    for (i, f) in w.firms.list.iter().enumerate() {
        if f.investment > 0 {
            for (s, &share) in shares.iter().enumerate() {
                let pay = served(split(f.investment, share), s);
                paid[s] += pay;
                firm_paid[i] += pay;
            }
        }
    }
    // Each sector's takings shared by stock left, largest remainder in
    // firm order; a firm's share never exceeds its stock's value.
    let takings = apportion(&w.firms.list, &stock, &left, &paid);
    // Real value bought per cent spent, by sector: units at set-up prices.
    let mut real = vec![0.0f64; k];
    for (f, &t) in w.firms.list.iter().zip(&takings) {
        if t > 0 {
            real[f.sector as usize] += crate::model::goods::units_bought(t, f.price)
                * w.sectors[f.sector as usize].base_price;
        }
    }
    let real_per_cent: Vec<f64> = (0..k)
        .map(|s| {
            if paid[s] > 0 {
                real[s] / paid[s] as f64
            } else {
                0.0
            }
        })
        .collect();
    let (mut invested, mut lent) = (0i64, 0i64);
    for ((f, &t), &pay) in w.firms.list.iter_mut().zip(&takings).zip(&firm_paid) {
        if t > 0 {
            f.sell(t);
        }
        if f.investment > 0 {
            // The capital a firm's payment bought, sector by sector.
            let mut added = 0.0;
            for (s, &share) in shares.iter().enumerate() {
                added += served(split(f.investment, share), s) as f64 * real_per_cent[s];
            }
            f.capital += added;
            // What its own cash was to pay comes first; the rest is
            // borrowed, new money.
            let loan = (pay - (f.investment - f.investment_credit)).max(0);
            f.cash += loan - pay;
            f.debt += loan;
            lent += loan;
            invested += pay;
        }
        f.investment = 0;
        f.investment_credit = 0;
    }
    w.government.balance -= by_government;
    w.counters.investment = invested;
    w.counters.government_purchases = by_government;
    w.bank.loans += lent;
    let mut flows = Flows::transfer(Holder::Government, Holder::Firms, by_government);
    flows[Holder::Firms] += lent;
    flows.credit += lent;
    flows
}

/// A firm's order of `order` cents times a sector's `share`, in whole
/// cents (rounded down).
#[inline]
fn split(order: i64, share: f64) -> i64 {
    (order as f64 * share).floor() as i64
}

/// The value of the stock a firm has left, cents at its price (rounded
/// down).
#[inline]
fn stock_value(f: &Firm) -> i64 {
    crate::model::cents(f.inventory * f.price as f64)
}

/// Shares each sector's `paid` among its firms in proportion to `stock`
/// (their stock's value; `left` is its sum by sector): each firm gets the
/// floor of its share, and the cents left over go one each to the firms
/// with stock, in firm order. Since a sector's payments never exceed its
/// stock's value, no firm gets more than its stock is worth.
fn apportion(firms: &[Firm], stock: &[i64], left: &[i64], paid: &[i64]) -> Vec<i64> {
    let k = left.len();
    let mut given = vec![0i64; k];
    let mut takings: Vec<i64> = firms
        .iter()
        .zip(stock)
        .map(|(f, &v)| {
            let s = f.sector as usize;
            if left[s] <= 0 || v <= 0 {
                return 0;
            }
            let t = (paid[s] as i128 * v as i128 / left[s] as i128) as i64;
            given[s] += t;
            t
        })
        .collect();
    let mut rest: Vec<i64> = (0..k).map(|s| paid[s] - given[s]).collect();
    for ((f, &v), t) in firms.iter().zip(stock).zip(&mut takings) {
        let s = f.sector as usize;
        if rest[s] > 0 && v > *t {
            *t += 1;
            rest[s] -= 1;
        }
    }
    takings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takings_follow_stock_and_add_up_to_the_payments() {
        let firm = |sector: u8| {
            let mut f = Firm::new(
                sector,
                crate::world::ZoneId(0),
                Default::default(),
                0,
                1,
                1.0,
            );
            f.price = 100;
            f
        };
        let firms = vec![firm(0), firm(0), firm(1), firm(0)];
        let stock = vec![300, 0, 500, 100];
        let left = vec![400, 500];
        // Sector 0 pays 201 of its 400 of stock: 150.75 and 50.25, floors
        // 150 and 50, the cent left to the first firm with stock.
        let t = apportion(&firms, &stock, &left, &[201, 500]);
        assert_eq!(t, vec![151, 0, 500, 50]);
        assert_eq!(t.iter().sum::<i64>(), 701);
        for (t, v) in t.iter().zip(&stock) {
            assert!(t <= v);
        }
    }
}
