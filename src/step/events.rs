//! Phase 1: the scenario's dated events (policy levers switched at a month).
//!
//! The scenario format of the core has no events yet; dated `[[events]]`
//! arrive with the full scenario format, and this phase is where they apply.

use crate::rng::StepCtx;
use crate::scenario::Scenario;
use crate::world::{Flows, World};

/// Applies this month's events. Moves no money.
pub fn apply(_w: &mut World, _p: &Scenario, _ctx: StepCtx) -> Flows {
    Flows::default()
}
