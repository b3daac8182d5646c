//! Reading the folder of `polis run`: its manifest, `timeseries.csv`,
//! `zones.csv` and the events it lists.

use std::path::Path;

use super::files::{bad, read_json, read_records, read_table, read_validation};
use super::manifest::{RunFacts, run_facts, verify_checksums};
use super::{EventNote, RunData, ZoneCell};
use crate::plot::PlotError;

pub(super) fn load_run(dir: &Path) -> Result<RunData, PlotError> {
    let hint = "run the scenario again with `polis run SCENARIO --out DIR`";
    let manifest_path = dir.join("manifest.json");
    if !manifest_path.exists() {
        return Err(bad(
            &manifest_path,
            "is missing: the run did not finish writing its files, or the folder is not a run's",
            hint,
        ));
    }
    let manifest = read_json(&manifest_path, hint)?;
    let facts = run_facts(&manifest_path, &manifest, hint)?;
    verify_checksums(dir, &facts, hint)?;
    let series = read_table(&dir.join("timeseries.csv"), "month", hint)?;
    for column in ["unemployment_rate", "output", "events"] {
        if series.column(column).is_none() {
            return Err(bad(
                &dir.join("timeseries.csv"),
                format!("has no `{column}` column: it is not a polis run's timeseries"),
                hint,
            ));
        }
    }
    let events = event_notes(&manifest);
    let zones_path = dir.join("zones.csv");
    let zones = if zones_path.is_file() {
        Some(read_zones(&zones_path, &facts)?)
    } else if facts.files.iter().any(|f| f == "zones.csv") {
        return Err(bad(
            &zones_path,
            "is missing, though manifest.json lists it among the run's files",
            hint,
        ));
    } else {
        // A run of a version of polis that wrote no zones.csv.
        None
    };
    let validation = read_validation(dir, "measure")?;
    Ok(RunData {
        dir: dir.to_path_buf(),
        series,
        zones,
        manifest,
        events,
        validation,
    })
}

/// The events listed in a run manifest, with a short text each.
pub fn event_notes(manifest: &serde_json::Value) -> Vec<EventNote> {
    let Some(list) = manifest.get("events").and_then(|e| e.as_array()) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|e| {
            let month = e.get("month")?.as_u64()? as u32;
            let note = e.get("note").and_then(|n| n.as_str()).unwrap_or("");
            let text = if note.is_empty() {
                event_detail(e)
            } else {
                note.to_string()
            };
            Some(EventNote { month, text })
        })
        .collect()
}

/// The keys an event sets and the cut it makes, as text.
pub fn event_detail(e: &serde_json::Value) -> String {
    let mut parts: Vec<String> = e
        .get("set")
        .and_then(|s| s.as_object())
        .map(|s| s.iter().map(|(k, v)| format!("{k} = {v}")).collect())
        .unwrap_or_default();
    if let Some(cut) = e.get("cut") {
        let sector = cut.get("sector").and_then(|s| s.as_str()).unwrap_or("?");
        let share = cut.get("share").and_then(|s| s.as_f64()).unwrap_or(0.0);
        parts.push(format!("cut {:.0}% of {sector}", share * 100.0));
    }
    parts.join(", ")
}

fn read_zones(path: &Path, facts: &RunFacts) -> Result<Vec<ZoneCell>, PlotError> {
    let hint = "run the scenario again with `polis run` to rewrite zones.csv";
    let records = read_records(path, hint)?;
    let expected = crate::output::zones::HEADER;
    if records[0] != expected {
        return Err(bad(
            path,
            format!(
                "has the header `{}`, not `{}`",
                records[0].join(","),
                expected.join(",")
            ),
            hint,
        ));
    }
    let mut cells = Vec::with_capacity(records.len() - 1);
    for (i, rec) in records.iter().enumerate().skip(1) {
        let number = |k: usize| -> Result<f64, PlotError> {
            rec.get(k)
                .and_then(|c| c.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    bad(
                        path,
                        format!("line {}: column `{}` is not a number", i + 1, expected[k]),
                        hint,
                    )
                })
        };
        let line = i + 1;
        let whole = |k: usize, below: u32| -> Result<u32, PlotError> {
            let v = number(k)?;
            if v.fract() == 0.0 && v >= 0.0 && v < below as f64 {
                Ok(v as u32)
            } else {
                Err(bad(
                    path,
                    format!(
                        "line {line}: {} {v} is outside the run's 0 to {}",
                        expected[k],
                        below - 1
                    ),
                    hint,
                ))
            }
        };
        let month = whole(0, facts.months.saturating_add(1))?;
        if month == 0 {
            return Err(bad(
                path,
                format!("line {line}: month 0 is not a month of the run"),
                hint,
            ));
        }
        let (x, y) = (whole(2, facts.width)?, whole(3, facts.height)?);
        let land_use = rec.get(4).cloned().unwrap_or_default();
        if !crate::output::zones::LAND_USES.contains(&land_use.as_str()) {
            return Err(bad(
                path,
                format!(
                    "line {line}: `{land_use}` is not a land use (they are {})",
                    crate::output::zones::LAND_USES.join(", ")
                ),
                hint,
            ));
        }
        cells.push(ZoneCell {
            month,
            x,
            y,
            land_use,
            residents: number(5)?,
            jobs: number(6)?,
            rent_yuan: number(7)?,
            mean_commute_min: number(8)?,
        });
    }
    if cells.is_empty() {
        return Err(bad(path, "has a header but no rows", hint));
    }
    Ok(cells)
}
