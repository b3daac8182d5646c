//! Phase 1: the scenario's dated events. At the start of month m every
//! `[[events]]` entry with `month = m` applies, in the order written: its
//! settings change the scenario the later phases read (values the world keeps
//! copies of, such as travel speeds, platform switches and base locations,
//! are refreshed), and a capacity cut closes the least productive share of a
//! sector's firms (ties broken by firm number). Keys, values and sectors were
//! validated when the scenario was loaded.

use crate::scenario::Scenario;
use crate::step::StepError;
use crate::step::exits;
use crate::world::{Flows, World};

/// Applies the events of `month`; returns how many fired and the money the
/// capacity cuts moved.
pub fn apply(w: &mut World, p: &mut Scenario, month: u32) -> Result<(u32, Flows), StepError> {
    let due: Vec<_> = p
        .events
        .iter()
        .filter(|e| e.month == month)
        .cloned()
        .collect();
    let mut flows = Flows::default();
    for event in &due {
        if !event.set.is_empty() {
            p.apply_settings(&event.set)
                .map_err(|message| StepError::Event { month, message })?;
            w.refresh(p);
        }
        if let Some(cut) = &event.cut {
            let sector = p
                .sectors
                .keys()
                .position(|name| *name == cut.sector)
                .ok_or_else(|| StepError::Event {
                    month,
                    message: format!("no sector `{}`", cut.sector),
                })?;
            flows.add(exits::close_firms(
                w,
                &least_productive(w, sector, cut.share),
            ));
        }
    }
    Ok((due.len() as u32, flows))
}

/// Marks the least productive `share` of a sector's firms (rounded to the
/// nearest firm; ties by firm number).
fn least_productive(w: &World, sector: usize, share: f64) -> Vec<bool> {
    let mut members: Vec<(f64, u32, usize)> = w
        .firms
        .list
        .iter()
        .enumerate()
        .filter(|(_, f)| f.sector as usize == sector)
        .map(|(i, f)| (f.productivity, f.serial, i))
        .collect();
    members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let n = (members.len() as f64 * share).round() as usize;
    let mut close = vec![false; w.firms.len()];
    for &(_, _, i) in members.iter().take(n) {
        close[i] = true;
    }
    close
}
