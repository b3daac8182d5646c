//! Reading an output folder back: a run's `timeseries.csv`, `zones.csv` and
//! `manifest.json`, a sweep's `runs.csv` and long `timeseries.csv`, a
//! comparison's `runs.csv`, long `timeseries.csv` and `compare.csv`, and
//! the `validation.csv` of `polis validate` beside any of them. Every
//! problem is a [`PlotError::Input`] naming the file and saying what to do.

mod ensemble;
mod files;
mod manifest;
mod run;

use std::path::{Path, PathBuf};

use crate::plot::PlotError;
use ensemble::load_ensemble;
use files::bad;
use run::load_run;
pub use run::{event_detail, event_notes};

/// A numeric table: its header and its rows, every cell a number.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows, one value per column.
    pub rows: Vec<Vec<f64>>,
}

impl Table {
    /// Index of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The values of column `name`, or `None` if there is no such column.
    pub fn values(&self, name: &str) -> Option<Vec<f64>> {
        let k = self.column(name)?;
        Some(self.rows.iter().map(|r| r[k]).collect())
    }
}

/// One dated scenario event, as listed in a manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct EventNote {
    /// Month the event applies.
    pub month: u32,
    /// What it does: its note, else its keys and cut.
    pub text: String,
}

/// A run folder, read.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The folder.
    pub dir: PathBuf,
    /// `timeseries.csv`.
    pub series: Table,
    /// `zones.csv`, if the run wrote one (runs before zones.csv did not).
    pub zones: Option<Vec<ZoneCell>>,
    /// `manifest.json`.
    pub manifest: serde_json::Value,
    /// The scenario's events.
    pub events: Vec<EventNote>,
    /// `validation.csv`, if `polis validate` wrote one: the header, then
    /// one record per measure.
    pub validation: Option<Vec<Vec<String>>>,
}

/// One row of `zones.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneCell {
    /// Snapshot month.
    pub month: u32,
    /// Column.
    pub x: u32,
    /// Row.
    pub y: u32,
    /// Land use name.
    pub land_use: String,
    /// Residents living here.
    pub residents: f64,
    /// Jobs here.
    pub jobs: f64,
    /// Rent, yuan/month.
    pub rent_yuan: f64,
    /// Mean one-way commute of the employed living here, minutes.
    pub mean_commute_min: f64,
}

/// One line (a parameter point or a scenario) of a sweep or comparison:
/// per month, each metric's mean and 95% interval across replicates.
#[derive(Debug, Clone)]
pub struct Group {
    /// Legend label.
    pub label: String,
    /// Runs in the group.
    pub runs: usize,
    /// Months, ascending.
    pub months: Vec<f64>,
    /// Per metric (in `Ensemble::metrics` order) and month: (mean, low, high).
    pub stats: Vec<Vec<(f64, f64, f64)>>,
}

/// What kind of many-run folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnsembleKind {
    /// `polis sweep`.
    Sweep,
    /// `polis compare`.
    Compare,
}

/// A sweep or comparison folder, read and summarised by month.
#[derive(Debug, Clone)]
pub struct Ensemble {
    /// Sweep or comparison.
    pub kind: EnsembleKind,
    /// The folder.
    pub dir: PathBuf,
    /// Metric names (the columns after `month`).
    pub metrics: Vec<String>,
    /// One group per parameter point or scenario, in file order.
    pub groups: Vec<Group>,
    /// `manifest.json`.
    pub manifest: serde_json::Value,
    /// Months in which some run applied an event.
    pub event_months: Vec<u32>,
    /// `compare.csv` (comparisons only): metric, then its numbers as text.
    pub compare_rows: Vec<Vec<String>>,
    /// `validation.csv`, if `polis validate` wrote one: the header, then
    /// one record per group and measure.
    pub validation: Option<Vec<Vec<String>>>,
}

/// A folder of output, read.
#[derive(Debug, Clone)]
pub enum Source {
    /// The folder of `polis run`.
    Run(RunData),
    /// The folder of `polis sweep` or `polis compare`.
    Ensemble(Ensemble),
}

const FOLDER_HINT: &str =
    "give the --out folder of `polis run`, `polis sweep` or `polis compare --out DIR`";

/// Reads the folder `dir`, deciding from its files what it holds.
pub fn load(dir: &Path) -> Result<Source, PlotError> {
    if !dir.is_dir() {
        let what = if dir.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(bad(dir, what, FOLDER_HINT));
    }
    let has = |name: &str| dir.join(name).is_file();
    if has("compare.csv") {
        load_ensemble(dir, EnsembleKind::Compare).map(Source::Ensemble)
    } else if has("runs.csv") && has("summary.csv") {
        load_ensemble(dir, EnsembleKind::Sweep).map(Source::Ensemble)
    } else if has("plan.json") {
        Err(bad(
            dir,
            "is a sweep folder whose runs have not been merged (it has plan.json but no runs.csv)",
            "when every shard is done, run `polis merge DIR`, then plot again",
        ))
    } else if has("timeseries.csv") || has("manifest.json") {
        load_run(dir).map(Source::Run)
    } else {
        Err(bad(
            dir,
            "is not the folder of a run, a sweep or a comparison: it has no \
             timeseries.csv and manifest.json (a run), runs.csv and summary.csv \
             (a sweep) or compare.csv (a comparison)",
            FOLDER_HINT,
        ))
    }
}
