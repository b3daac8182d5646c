//! Integration tests of polis, built as one test binary.
//!
//! - [`determinism`]: the same scenario and seed give byte-identical
//!   `timeseries.csv` for any thread count (library and CLI).
//! - [`ledger`]: the full baseline runs without a ledger violation and keeps
//!   its money total.
//! - [`plausible`]: the full baseline stays within observed ranges for three
//!   seeds.
//! - [`long_run`]: the baseline keeps its long-run shape (inflation,
//!   unemployment, investment, the stock of firms, wealth concentration)
//!   over 30 years for three seeds.
//! - [`cli`]: the `polis` binary's exit codes, messages and output files.
//! - [`bad_scenarios`]: a gallery of mistaken scenario files, each with the
//!   message and line it must produce.
//! - [`gallery`]: the bad-input gallery of the command line
//!   (`tests/gallery/`): scenarios, `--set`, sweep files, design CSVs and
//!   damaged output folders, each with its exit code, message, and nothing
//!   written or changed.
//! - [`golden`]: digests of every shipped scenario's outputs at a small
//!   size; any change of output fails until re-blessed.
//! - [`layers`]: no module names a layer above its own (docs/ARCHITECTURE.md).
//! - [`loader_fuzz`]: arbitrary bytes and TOML values never panic the loader.
//! - [`commands`]: `polis check`, `params`, `schema`, `init` and `--set`.
//! - [`experiments`]: `polis sweep`, `merge` and `compare`: sweep files,
//!   common replicate seeds, shards and killed sweeps that merge to the bytes
//!   of one uninterrupted sweep, designs, failed runs, paired comparisons.
//! - [`sweep_fuzz`]: arbitrary bytes, sweep files and design CSVs never
//!   panic the sweep loader, and what it accepts is consistent.
//! - [`validate`]: `polis validate` on a run, and its refusals.
//! - [`validate_ensemble`]: `polis validate` on a sweep and a comparison:
//!   per point or scenario, the mean, n and 95% interval of each measure.
//! - [`targets_file`]: the shipped `validation/first-tier-china.toml` gives
//!   every measure a band and a source; a misspelt measure is refused.
//! - [`plots`]: `polis plot` and `polis report` on runs of every shipped
//!   scenario, a sweep and a comparison; well-formed SVG, PNG, a
//!   self-contained page; bad input exits with 2 and writes nothing.
//!
//! The full baseline (100,000 residents x 120 months) is run once per seed in
//! [`baseline_run`] and shared by the ledger and plausibility tests.

mod bad_scenarios;
mod bench_cli;
mod cli;
mod commands;
mod determinism;
mod experiments;
mod gallery;
mod golden;
mod layers;
mod ledger;
mod levers;
mod loader_fuzz;
mod long_run;
mod plausible;
mod plots;
mod support;
mod sweep_fuzz;
mod targets_file;
mod validate;
mod validate_ensemble;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use polis::{Row, Scenario, Simulation};

/// Seeds of the full baseline runs shared by the ledger and plausibility tests.
pub const SEEDS: [u64; 3] = [42, 7, 2024];
/// Months of the full baseline.
pub const BASELINE_MONTHS: u32 = 120;
/// Residents of the full baseline.
pub const BASELINE_RESIDENTS: u32 = 100_000;

/// A path relative to the crate root.
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// A fixture file under `tests/integration/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    repo_path("tests/integration/fixtures").join(name)
}

/// `scenarios/baseline.toml`, loaded and validated.
pub fn load_baseline() -> Scenario {
    let path = repo_path("scenarios/baseline.toml");
    Scenario::load(&path).unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        panic!("{} does not load:\n{}", path.display(), text.join("\n"))
    })
}

/// One full baseline run: its rows and its money totals (cents).
pub struct BaselineRun {
    /// Seed of the run.
    pub seed: u64,
    /// `world.money_total()` right after `Simulation::new`.
    pub initial_money: i64,
    /// `world.money_total()` after the last successful month.
    pub final_money: i64,
    /// One row per month that stepped without error.
    pub rows: Vec<Row>,
    /// The first `step()` error, as "month M: error", if any.
    pub failure: Option<String>,
}

impl BaselineRun {
    /// Panics with a clear message when the run did not finish all months.
    pub fn assert_complete(&self) {
        if let Some(failure) = &self.failure {
            panic!("baseline seed {}: step() failed in {failure}", self.seed);
        }
        assert_eq!(
            self.rows.len(),
            BASELINE_MONTHS as usize,
            "baseline seed {}: expected one row per month",
            self.seed
        );
    }
}

/// The full baseline for one of [`SEEDS`], run once per test binary.
pub fn baseline_run(seed: u64) -> &'static BaselineRun {
    static RUNS: [OnceLock<BaselineRun>; SEEDS.len()] = [const { OnceLock::new() }; SEEDS.len()];
    let i = SEEDS
        .iter()
        .position(|&s| s == seed)
        .unwrap_or_else(|| panic!("seed {seed} is not one of the shared SEEDS {SEEDS:?}"));
    RUNS[i].get_or_init(|| run_baseline(seed))
}

fn run_baseline(seed: u64) -> BaselineRun {
    let mut scenario = load_baseline();
    scenario.simulation.seed = seed;
    scenario.simulation.months = BASELINE_MONTHS;
    scenario.simulation.residents = BASELINE_RESIDENTS;
    let mut sim = Simulation::new(scenario.check().expect("a valid scenario"));
    let initial_money = sim.world().money_total();
    let mut rows = Vec::with_capacity(BASELINE_MONTHS as usize);
    let mut failure = None;
    for month in 1..=BASELINE_MONTHS {
        match sim.step() {
            Ok(row) => rows.push(row),
            Err(e) => {
                failure = Some(format!("month {month}: {e}"));
                break;
            }
        }
    }
    BaselineRun {
        seed,
        initial_money,
        final_money: sim.world().money_total(),
        rows,
        failure,
    }
}

/// Where two byte strings first differ, by line, for assertion messages.
pub fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    for i in 0..la.len().max(lb.len()) {
        let (x, y) = (la.get(i).copied(), lb.get(i).copied());
        if x != y {
            return format!(
                "first difference at line {}:\n  left:  {}\n  right: {}",
                i + 1,
                x.unwrap_or("<missing>"),
                y.unwrap_or("<missing>")
            );
        }
    }
    if a == b {
        "no difference".into()
    } else {
        "they differ only in line endings".into()
    }
}
