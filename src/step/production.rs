//! Phase 6: innovation and production.
//!
//! Innovation: a firm's R&D succeeds with probability `rd_success_prob`,
//! times (1 + `centre_boost`) within reach of an innovation centre and
//! (1 + `imp_boost`) for an IMP member; success raises its productivity by
//! `step`. A success of a startup (younger than `startup_age_months`)
//! spreads: a share `adoption_share` of its sector's older firms adopt it,
//! each gaining `step` x `spillover` / (number of adopters) of productivity,
//! so that the sector gains `spillover` times the innovator's step in all.
//!
//! Production: each firm makes `output_of` the sum of its workers' skills at
//! its productivity (with the IMP gain for members, and returns to scale
//! `returns_to_scale`), adds it to stock, and the month's output is valued at
//! set-up prices for the real-output series.

use rayon::prelude::*;

use crate::model::capital;
use crate::par;
use crate::rng::{Phase, StepCtx};
use crate::scenario::Scenario;
use crate::world::{FIRM_IMP, Flows, World, output_of};

/// Innovates and produces this month's goods. Moves no money.
pub fn produce(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    innovate(w, p, ctx);
    let (returns, reference) = (p.firms.returns_to_scale, p.firms.reference_size);
    let gain = w.platforms.imp.gain;
    let sectors = &w.sectors;
    // Each firm's output at set-up prices, with its sector, in firm order.
    let fp = &p.firms;
    let values: Vec<(f64, f64, u8)> = par::per_firm_mut(&mut w.firms.list)
        .map(|f| {
            // Capital wears out; what is left sets what the staff can make.
            if fp.capital_output_months > 0.0 {
                f.capital *= 1.0 - fp.depreciation;
                let needed = capital::capital_needed(
                    output_of(
                        f.labour_productivity(gain),
                        f.skill_milli_sum as f64 / 1000.0,
                        returns,
                        reference,
                    ),
                    sectors[f.sector as usize].base_price,
                    fp.capital_output_months,
                );
                f.capital_factor =
                    capital::capital_factor(f.capital, needed, fp.capital_elasticity) as f32;
            }
            f.output = output_of(
                f.effective_productivity(gain),
                f.skill_milli_sum as f64 / 1000.0,
                returns,
                reference,
            );
            f.inventory += f.output;
            (
                f.output * sectors[f.sector as usize].base_price,
                f.output * f.price as f64,
                f.sector,
            )
        })
        .collect();
    // Sequential float sums: the grouping is fixed, so the total is too.
    let counters = &mut w.counters;
    for &(value, nominal, sector) in &values {
        counters.real_output_cents += value;
        counters.nominal_output_cents += nominal;
        counters.real_output_by_sector[sector as usize] += value;
    }
    Flows::default()
}

fn innovate(w: &mut World, p: &Scenario, ctx: StepCtx) {
    let ip = &p.innovation;
    if ip.rd_success_prob <= 0.0 || ip.step <= 0.0 {
        return;
    }
    let keys = ctx.keys(Phase::Production);
    let near = &w.platforms.places.near_centre;
    let imp_on = w.platforms.imp.enabled;
    // Own R&D, one coin per firm: whether it succeeded, whether a startup
    // succeeded, whether it is an incumbent (no startup), and its sector.
    let successes: Vec<(bool, bool, bool, u8)> = par::per_firm_mut(&mut w.firms.list)
        .map(|f| {
            let mut chance = ip.rd_success_prob;
            if near[f.zone.index()] {
                chance *= 1.0 + ip.centre_boost;
            }
            if imp_on && f.flags & FIRM_IMP != 0 {
                chance *= 1.0 + ip.imp_boost;
            }
            let success = keys.coin(f.serial as u64, 0) < chance;
            if success {
                f.productivity *= 1.0 + ip.step;
            }
            let startup = f.age < ip.startup_age_months;
            (success, success && startup, !startup, f.sector)
        })
        .collect();
    let k = w.sectors.len();
    let mut startup_ideas = vec![0u32; k];
    let mut incumbents = vec![0u32; k];
    let mut own = 0u32;
    for &(success, startup, incumbent, sector) in &successes {
        own += success as u32;
        startup_ideas[sector as usize] += startup as u32;
        incumbents[sector as usize] += incumbent as u32;
    }
    w.counters.innovations = own;
    if startup_ideas.iter().all(|&n| n == 0) || ip.adoption_share <= 0.0 {
        return;
    }
    // Adoption: each older firm adopts this month's startup ideas of its sector
    // with probability `adoption_share`; the gain is shared among adopters.
    let gains: Vec<f64> = (0..k)
        .map(|s| {
            let adopters = (incumbents[s] as f64 * ip.adoption_share).max(1.0);
            ip.step * ip.spillover * startup_ideas[s] as f64 / adopters
        })
        .collect();
    par::per_firm_mut(&mut w.firms.list).for_each(|f| {
        let g = gains[f.sector as usize];
        if g > 0.0
            && f.age >= ip.startup_age_months
            && keys.coin(f.serial as u64, 1) < ip.adoption_share
        {
            f.productivity *= 1.0 + g;
        }
    });
}
