//! Running a sweep's runs (or one shard's), each saved whole under `parts/`
//! as soon as it finishes: `run-NNNNNN.csv` (its monthly rows) and then
//! `run-NNNNNN.json` (its status), both written atomically. A run whose
//! status file exists is complete and is skipped when the sweep runs again;
//! any other is run again from the start. Memory does not grow with the
//! number of runs: a run's rows leave memory when its part is written.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::experiment::spec::{Plan, RunSpec, Shard};
use crate::output::{atomic_write, timeseries_csv};
use crate::scenario::Scenario;
use crate::step::Simulation;

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
    std::fs::create_dir_all(dir.join("parts")).map_err(io(dir))?;
    let path = dir.join("plan.json");
    let json = serde_json::to_vec_pretty(plan).map_err(|e| Error::Sweep(e.to_string()))?;
    match std::fs::read(&path) {
        Ok(existing) if existing == json => Ok(()),
        Ok(_) => Err(Error::Sweep(format!(
            "{} holds a different sweep (its plan.json differs); use another --out folder or remove it",
            dir.display()
        ))),
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
            if let Some(done) = read_status(&status_path) {
                let outcome = RunOutcome {
                    skipped: true,
                    ..done
                };
                on_done(&outcome);
                return Ok(outcome);
            }
            let start = Instant::now();
            let status = match simulate(plan, run) {
                Ok(csv) => {
                    atomic_write(&csv_path, &csv)?;
                    RunStatus::Ok
                }
                Err(message) => RunStatus::Failed(message),
            };
            let outcome = RunOutcome {
                run_id: run.run_id,
                status,
                wall_seconds: start.elapsed().as_secs_f64(),
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
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Runs one simulation; its CSV rows, or why it failed.
fn simulate(plan: &Plan, run: &RunSpec) -> Result<Vec<u8>, String> {
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
    let months = scenario.simulation.months;
    let sectors = scenario.sector_names();
    // A bug must not take the whole sweep down: record it as this run's failure.
    let rows = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut sim = Simulation::new(scenario);
        (0..months)
            .map(|_| sim.step())
            .collect::<Result<Vec<_>, Error>>()
    }))
    .map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned());
        format!("the run panicked: {}", what.unwrap_or_default())
    })?
    .map_err(|e| e.to_string())?;
    timeseries_csv(&rows, &sectors).map_err(|e| e.to_string())
}
