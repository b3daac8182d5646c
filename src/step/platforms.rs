//! Phase 2: platform adoption (ILP diffusion among residents, IMP joining by
//! firms). The platforms exist in the state (`World::platforms`) switched off;
//! their adoption rules arrive with the IMP / ILP / MEI levers.

use crate::rng::StepCtx;
use crate::scenario::Scenario;
use crate::world::{Flows, World};

/// Updates platform membership. With the platforms off, nothing changes.
pub fn adopt(w: &mut World, _p: &Scenario, _ctx: StepCtx) -> Flows {
    debug_assert!(!w.platforms.imp.enabled && !w.platforms.ilp.enabled);
    Flows::default()
}
