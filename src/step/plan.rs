//! Phase 4: firms plan (Lengnick 2013 heuristics, per firm, in parallel).
//!
//! - Expected demand is an average of last month's sales and the old
//!   expectation.
//! - Staff: below the inventory band, open vacancies to close part of the gap
//!   between the workers needed for expected demand plus a mid-band stock and
//!   the workers on hand; above the band, lay part of the surplus off.
//! - Wage offer: raised by a random step up to `wage_step` after a month with
//!   unfilled vacancies; cut by such a step after `full_staff_months` fully
//!   staffed.
//! - Price (Calvo): with probability `price_change_prob`, raised by a random
//!   step when stock is short and the markup over unit cost is below the band's
//!   top, cut when stock is long and the markup is above its bottom. A price
//!   below unit cost is raised whatever the stock.
//!
//! Each firm writes only itself, so the phase is a parallel loop.

use rayon::prelude::*;

use crate::rng::{self, Phase, StepCtx};
use crate::scenario::Scenario;
use crate::world::{Flows, World};

/// Updates every firm's plan for the month. Moves no money.
pub fn plan(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    let fp = &p.firms;
    let rent_share = p.city.commercial_rent_share;
    let zones = &w.city.zones;
    w.firms.list.par_iter_mut().enumerate().for_each(|(i, f)| {
        let mut rng = ctx.rng(Phase::Plan, i as u64);
        f.age += 1;
        f.expected_demand =
            fp.demand_smoothing * f.sales + (1.0 - fp.demand_smoothing) * f.expected_demand;
        let idle = f.employees == 0 && f.sales <= 0.0;
        f.months_idle = if idle {
            f.months_idle.saturating_add(1)
        } else {
            0
        };

        // Wage offer: respond to last month's hiring.
        let unfilled = f.vacancies > f.hires;
        if unfilled {
            f.wage = scale(f.wage, 1.0 + fp.wage_step * rng::unit(&mut rng));
            f.months_full = 0;
        } else {
            f.months_full = f.months_full.saturating_add(1);
            if f.months_full as u32 >= fp.full_staff_months {
                f.wage = scale(f.wage, 1.0 - fp.wage_step * rng::unit(&mut rng));
                f.months_full = 0;
            }
        }

        // Staff for expected demand plus a mid-band stock.
        let skill = if f.employees > 0 {
            f.skill_milli_sum as f64 / 1000.0 / f.employees as f64
        } else {
            1.0
        };
        let per_worker = (f.productivity * skill).max(1e-9);
        let lower = fp.inventory_lower * f.expected_demand;
        let upper = fp.inventory_upper * f.expected_demand;
        let wanted_output = (f.expected_demand + (lower + upper) / 2.0 - f.inventory).max(0.0);
        let wanted = (wanted_output / per_worker).ceil();
        let gap = wanted - f.employees as f64;
        f.vacancies = 0;
        f.layoffs = 0;
        f.hires = 0;
        let rent = zones[f.zone.index()].rent as f64 * rent_share;
        let cost_per_worker = f.wage as f64 * skill + rent;
        let losing = f.employees > 0 && (f.revenue as f64) < cost_per_worker * f.employees as f64;
        if losing {
            // Sales do not cover costs: shed part of the staff that sales cannot pay.
            let affordable = (f.revenue as f64 / cost_per_worker).floor();
            let surplus = f.employees as f64 - affordable;
            f.layoffs = ((fp.labour_adjust * surplus).ceil() as u32).min(f.employees);
        } else if gap > 0.0 && f.inventory <= upper {
            f.vacancies = (fp.labour_adjust * gap).ceil() as u32;
        } else if gap < 0.0 && f.inventory > upper {
            f.layoffs = ((fp.labour_adjust * -gap).ceil() as u32).min(f.employees);
        }

        // Price: Calvo adjustment inside the markup band over unit cost.
        let unit_cost = (f.wage as f64 * skill + rent) / per_worker;
        let price = f.price as f64;
        if rng::chance(&mut rng, fp.price_change_prob) {
            let step = fp.price_step * rng::unit(&mut rng);
            if price < unit_cost || (f.inventory < lower && price < fp.markup_upper * unit_cost) {
                f.price = scale(f.price, 1.0 + step);
            } else if f.inventory > upper && price > fp.markup_lower * unit_cost {
                f.price = scale(f.price, 1.0 - step);
            }
        }
    });
    Flows::default()
}

/// `value * factor`, rounded, at least 1 cent.
#[inline]
pub(crate) fn scale(value: i64, factor: f64) -> i64 {
    ((value as f64 * factor).round() as i64).clamp(1, crate::step::labour::MAX_WAGE)
}
