//! Running a sweep's runs (or one shard's), each saved whole under `parts/`
//! as soon as it finishes: `run-NNNNNN.csv` (its monthly rows) and then
//! `run-NNNNNN.json` (its status, with the part's row count and SHA-256),
//! both written atomically. A run whose status file exists and whose part
//! matches it is complete and is skipped when the sweep runs again; any
//! other (a damaged or missing part included) is run again from the start.
//! Memory does not grow with the number of runs: a run's rows leave memory
//! when its part is written.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::experiment::spec::{Plan, RunSpec, Shard};
use crate::output::{atomic_write, timeseries_csv};
use crate::run::Rows;
use crate::scenario::Scenario;

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", content = "message", rename_all = "lowercase")]
pub enum RunStatus {
    /// Finished; its rows are in its part.
    Ok,
    /// Failed; the message says why. The sweep goes on.
    Failed(String),
}

/// A finished run, as recorded in its status file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunOutcome {
    /// Run number.
    pub run_id: u32,
    /// How it ended.
    #[serde(flatten)]
    pub status: RunStatus,
    /// Wall time of the run, seconds.
    pub wall_seconds: f64,
    /// Rows of its part (months written), for a finished run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// SHA-256 of its part, for a finished run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// True when this process found the run already complete.
    #[serde(skip)]
    pub skipped: bool,
}

/// Paths of a run's part files.
pub fn part_paths(dir: &Path, run_id: u32) -> (PathBuf, PathBuf) {
    let parts = dir.join("parts");
    (
        parts.join(format!("run-{run_id:06}.csv")),
        parts.join(format!("run-{run_id:06}.json")),
    )
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Saves the plan in `dir` (or checks that the one there is the same).
pub fn prepare(plan: &Plan, dir: &Path) -> Result<(), Error> {
    let path = dir.join("plan.json");
    let json = serde_json::to_vec_pretty(plan).map_err(|e| Error::Sweep(e.to_string()))?;
    if !path.exists() && dir.join("manifest.json").exists() {
        let what = if dir.join("compare.csv").exists() {
            "a comparison"
        } else {
            "a single run"
        };
        return Err(Error::Sweep(format!(
            "{} holds the output of {what} (a manifest.json but no plan.json); a sweep writes into a folder of its own",
            dir.display()
        )));
    }
    let existing = crate::input::read_capped(&path, crate::input::JSON_CAP);
    if !matches!(&existing, Ok(e) if *e == json) && path.exists() {
        return Err(Error::Sweep(format!(
            "{} holds a different sweep (its plan.json differs); use another --out folder or remove it",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir.join("parts")).map_err(io(dir))?;
    match existing {
        Ok(_) => Ok(()),
        Err(_) => atomic_write(&path, &json),
    }
}

/// The overrides that make run `run` of `plan`.
pub fn run_overrides(plan: &Plan, run: &RunSpec) -> Vec<String> {
    plan.points[run.point as usize]
        .values
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .chain([
            format!("simulation.months={}", plan.months),
            format!("simulation.seed={}", run.seed),
        ])
        .collect()
}

/// Runs this shard's incomplete runs in parallel on the current thread pool,
/// calling `on_done` as each finishes (or is found complete). Returns the
/// outcomes in run order.
pub fn run_sweep(
    plan: &Plan,
    dir: &Path,
    shard: Shard,
    on_done: impl Fn(&RunOutcome) + Sync,
) -> Result<Vec<RunOutcome>, Error> {
    prepare(plan, dir)?;
    let mine: Vec<&RunSpec> = plan.runs.iter().filter(|r| shard.owns(r)).collect();
    let outcomes: Result<Vec<RunOutcome>, Error> = mine
        .par_iter()
        .map(|run| {
            let (csv_path, status_path) = part_paths(dir, run.run_id);
            if let Some(done) = read_status(&status_path)
                && verify_part(dir, &done).is_ok()
            {
                let outcome = RunOutcome {
                    skipped: true,
                    ..done
                };
                on_done(&outcome);
                return Ok(outcome);
            }
            let start = Instant::now();
            let (status, rows, sha256) = match simulate(plan, run) {
                Ok((csv, rows)) => {
                    atomic_write(&csv_path, &csv)?;
                    (
                        RunStatus::Ok,
                        Some(rows),
                        Some(crate::input::sha256_hex(&csv)),
                    )
                }
                Err(message) => (RunStatus::Failed(message), None, None),
            };
            let outcome = RunOutcome {
                run_id: run.run_id,
                status,
                wall_seconds: start.elapsed().as_secs_f64(),
                rows,
                sha256,
                skipped: false,
            };
            let json = serde_json::to_vec(&outcome).map_err(|e| Error::Sweep(e.to_string()))?;
            atomic_write(&status_path, &json)?;
            on_done(&outcome);
            Ok(outcome)
        })
        .collect();
    outcomes
}

/// A complete run's status, if its status file is there and readable.
pub fn read_status(path: &Path) -> Option<RunOutcome> {
    let bytes = crate::input::read_capped(path, crate::input::JSON_CAP).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Checks a finished run's part against its status: the row count and the
/// SHA-256 recorded when it was written. `Err` says what is wrong. A failed
/// run has no part to check; a status of an older polis that recorded
/// neither is taken as it is.
pub fn verify_part(dir: &Path, outcome: &RunOutcome) -> Result<(), String> {
    if outcome.status != RunStatus::Ok {
        return Ok(());
    }
    let path = part_paths(dir, outcome.run_id).0;
    let bytes = crate::input::read_capped(&path, crate::input::TABLE_CAP)
        .map_err(|e| format!("its part {}", e.what()))?;
    if let Some(rows) = outcome.rows {
        let found = bytes
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            .saturating_sub(1) as u64;
        if found != rows {
            return Err(format!(
                "its part has {found} rows, not the {rows} it was written with"
            ));
        }
    }
    if let Some(sum) = &outcome.sha256
        && crate::input::sha256_hex(&bytes) != *sum
    {
        return Err("its part is not the file that was written (another SHA-256)".into());
    }
    Ok(())
}

/// Runs one simulation; its CSV and row count, or why it failed.
fn simulate(plan: &Plan, run: &RunSpec) -> Result<(Vec<u8>, u64), String> {
    let overrides = run_overrides(plan, run);
    let scenario = Scenario::load_with(&plan.base_path, &overrides)
        .map_err(|errors| {
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })?
        .scenario;
    let scenario = scenario.check().map_err(|errors| {
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let months = scenario.simulation.months;
    let sectors = scenario.sector_names();
    // A bug must not take the whole sweep down: record it as this run's failure.
    let rows = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut rows = Rows::with_capacity(months);
        crate::run::run(scenario, &mut rows).map(|_| rows.0)
    }))
    .map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned());
        format!("the run panicked: {}", what.unwrap_or_default())
    })?
    .map_err(|e| e.to_string())?;
    let csv = timeseries_csv(&rows, &sectors).map_err(|e| e.to_string())?;
    Ok((csv, rows.len() as u64))
}
