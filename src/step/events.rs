//! Phase 1: the scenario's dated events. At the start of month m every
//! `[[events]]` entry with `month = m` applies, in the order written: its
//! settings change the scenario the later phases read (values the world keeps
//! copies of, such as travel speeds, platform switches and base locations,
//! are refreshed), and a capacity cut closes the least productive firms of a
//! sector that made `share` of its output (ties broken by firm number). Keys, values and sectors were
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

/// Marks the least productive firms of a sector that together made `share`
/// of its output last month (its capacity in use), by own productivity
/// (ties by firm serial, older first); see `model::firms::capacity_cut`.
fn least_productive(w: &World, sector: usize, share: f64) -> Vec<bool> {
    let mut members: Vec<(f64, u32, usize, f64)> = w
        .firms
        .list
        .iter()
        .enumerate()
        .filter(|(_, f)| f.sector as usize == sector)
        .map(|(i, f)| (f.productivity, f.serial, i, f.output))
        .collect();
    members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let outputs: Vec<f64> = members.iter().map(|m| m.3).collect();
    let n = crate::model::firms::capacity_cut(&outputs, share);
    let mut close = vec![false; w.firms.len()];
    for &(_, _, i, _) in members.iter().take(n) {
        close[i] = true;
    }
    close
}
