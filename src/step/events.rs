//! Phase 1: the scenario's dated events. At the start of month m every
//! `[[events]]` entry with `month = m` applies its settings, in the order
//! written, to the scenario the later phases read; values the world keeps
//! copies of (travel speeds, sector shares) are refreshed. The keys and
//! values were validated when the scenario was loaded, so an event cannot
//! fail half-way on user input.

use crate::error::Error;
use crate::scenario::Scenario;
use crate::world::World;

/// Applies the events of `month`; returns how many fired. Moves no money.
pub fn apply(w: &mut World, p: &mut Scenario, month: u32) -> Result<u32, Error> {
    let due: Vec<_> = p
        .events
        .iter()
        .filter(|e| e.month == month)
        .map(|e| e.set.clone())
        .collect();
    for set in &due {
        p.apply_settings(set)
            .map_err(|message| Error::Event { month, message })?;
    }
    if !due.is_empty() {
        w.refresh(p);
    }
    Ok(due.len() as u32)
}
