//! Phase 3: founding firms. A resident whose wealth covers the startup cost
//! founds a firm with a monthly hazard proportional to founder aptitude. The
//! founder pays the cost into the new firm's cash (money moves, none is made)
//! and owns the firm. Decisions are drawn in parallel; firms are created in
//! resident order.

use rayon::prelude::*;

use crate::rng::{Phase, StepCtx};
use crate::scenario::Scenario;
use crate::world::build::{cumulate, pick};
use crate::world::residents::ResidentId;
use crate::world::{Firm, Flows, World, ZoneId};

struct Founding {
    resident: u32,
    sector: u8,
    zone: ZoneId,
}

/// Founds this month's firms.
pub fn found_firms(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    let e = &p.entrepreneurship;
    let cost = (e.startup_cost_months * w.mean_wage as f64).round() as i64;
    let open: Vec<f64> = w
        .sectors
        .iter()
        .map(|s| {
            if s.closed_to_entry {
                0.0
            } else {
                s.budget_share
            }
        })
        .collect();
    let sector_cumulative = cumulate(&open);
    if sector_cumulative.last().copied().unwrap_or(0.0) <= 0.0 || e.founding_hazard <= 0.0 {
        return Flows::default();
    }
    let zone_cumulative: Vec<Vec<f64>> = w
        .sectors
        .iter()
        .map(|s| {
            cumulate(
                &w.city
                    .zones
                    .iter()
                    .map(|z| z.land_use.firm_weight(&p.zoning, s.manufacturing))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let (city, sectors) = (&w.city, &w.sectors);
    let keys = ctx.keys(Phase::Entrepreneurship);
    let foundings: Vec<Founding> = w
        .residents
        .people
        .par_iter()
        .enumerate()
        .filter(|(_, r)| r.wealth >= cost.max(1))
        .filter_map(|(i, r)| {
            if keys.coin(i as u64, 0) >= e.founding_hazard * r.aptitude as f64 {
                return None;
            }
            let mut rng = keys.rng(i as u64);
            let sector = pick(&sector_cumulative, &mut rng)?;
            // Founders open where they live when the zoning allows the sector.
            let home_ok = city.zones[r.home.index()]
                .land_use
                .firm_weight(&p.zoning, sectors[sector].manufacturing)
                >= 1.0;
            let zone = if home_ok {
                r.home
            } else {
                ZoneId(pick(&zone_cumulative[sector], &mut rng)? as u16)
            };
            Some(Founding {
                resident: i as u32,
                sector: sector as u8,
                zone,
            })
        })
        .collect();
    if foundings.is_empty() {
        return Flows::default();
    }
    let templates = sector_templates(w);
    let mut paid = 0i64;
    for f in &foundings {
        let (wage, price, productivity) = templates[f.sector as usize];
        let expected = e.startup_staff as f64 * productivity;
        w.residents.people[f.resident as usize].wealth -= cost;
        paid += cost;
        w.firms.list.push(Firm {
            cash: cost,
            wage,
            price: ((price as f64) * (1.0 - e.startup_discount))
                .round()
                .max(1.0) as i64,
            revenue: 0,
            wage_bill: 0,
            inventory: 0.0,
            expected_demand: expected,
            productivity,
            sales: expected,
            output: 0.0,
            skill_milli_sum: 0,
            employees: 0,
            vacancies: 0,
            layoffs: 0,
            hires: 0,
            turned_away: 0,
            owner: ResidentId(f.resident),
            serial: w.firms.next_serial,
            age: 0,
            months_full: 0,
            months_idle: 0,
            zone: f.zone,
            sector: f.sector,
            flags: 0,
        });
        w.firms.next_serial += 1;
    }
    w.counters.startups += foundings.len() as u32;
    Flows {
        residents: -paid,
        firms: paid,
        ..Flows::default()
    }
}

/// Per sector: mean wage offer, mean price and mean productivity of its
/// firms (a new firm starts at its sector's means).
fn sector_templates(w: &World) -> Vec<(i64, i64, f64)> {
    let k = w.sectors.len();
    let mut sums = vec![(0i128, 0i128, 0.0f64, 0u64); k];
    for f in &w.firms.list {
        let s = &mut sums[f.sector as usize];
        s.0 += f.wage as i128;
        s.1 += f.price as i128;
        s.2 += f.productivity;
        s.3 += 1;
    }
    sums.iter()
        .enumerate()
        .map(|(i, &(wage, price, prod, n))| {
            if n == 0 {
                let base = w.sectors[i].base_price.round() as i64;
                (w.mean_wage, base.max(1), w.sectors[i].productivity)
            } else {
                (
                    (wage / n as i128) as i64,
                    (price / n as i128) as i64,
                    prod / n as f64,
                )
            }
        })
        .collect()
}
