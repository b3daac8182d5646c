//! Phase 6: production. Each firm makes `output_of` the sum of its workers'
//! skills (its productivity, with returns to scale `returns_to_scale`), adds
//! it to stock, and the month's output is valued at set-up prices for the
//! real-output series. (Innovation, which moves
//! productivity, arrives with the innovation lever.)

use rayon::prelude::*;

use crate::rng::StepCtx;
use crate::scenario::Scenario;
use crate::world::{Flows, World, output_of};

/// Produces this month's goods. Moves no money.
pub fn produce(w: &mut World, p: &Scenario, _ctx: StepCtx) -> Flows {
    let (returns, reference) = (p.firms.returns_to_scale, p.firms.reference_size);
    w.firms.list.par_iter_mut().for_each(|f| {
        f.output = output_of(
            f.productivity,
            f.skill_milli_sum as f64 / 1000.0,
            returns,
            reference,
        );
        f.inventory += f.output;
    });
    // Sequential float sums: the grouping is fixed, so the total is too.
    let counters = &mut w.counters;
    for f in &w.firms.list {
        let value = f.output * w.sectors[f.sector as usize].base_price;
        counters.real_output_cents += value;
        counters.real_output_by_sector[f.sector as usize] += value;
    }
    Flows::default()
}
