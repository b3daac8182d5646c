//! Output files: `timeseries.csv`, `zones.csv` and `manifest.json`, each
//! written whole or not at all (written to a temporary name in the same
//! folder, then renamed). The simulation core never calls this module; the
//! caller hands it rows and zone snapshots ([`zones`]).

pub mod zones;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::metrics::Row;
use crate::scenario::{Event, Scenario};

/// Everything needed to reproduce a run, and what it cost.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// polis version.
    pub polis_version: String,
    /// Git commit the binary was built from (`unknown` outside a checkout).
    pub git_commit: String,
    /// Scenario file, as given.
    pub scenario_path: String,
    /// Every file read: the scenario file first, then the files it
    /// `extends`, in order.
    pub scenario_files: Vec<String>,
    /// The `key=value` overrides applied after the files, in order, as given
    /// (`--set`, then `--seed` and `--steps` as `simulation.seed=N` and
    /// `simulation.months=N`).
    pub overrides: Vec<String>,
    /// The resolved scenario (every parameter, defaults filled in).
    pub scenario: Scenario,
    /// The scenario's dated policy changes (also inside `scenario`), listed
    /// here for readers of the manifest.
    pub events: Vec<Event>,
    /// Seed of the run.
    pub seed: u64,
    /// Months simulated.
    pub months: u32,
    /// Worker threads.
    pub threads: usize,
    /// Wall time of the whole run, seconds.
    pub wall_seconds: f64,
    /// Time spent building the city, seconds.
    pub setup_seconds: f64,
    /// Time per phase, seconds, in phase order.
    pub phase_seconds: Vec<(String, f64)>,
    /// Agent counts.
    pub agents: AgentCounts,
    /// Bytes of state per resident.
    pub bytes_per_resident: usize,
    /// Files written, relative to the output folder.
    pub files: Vec<String>,
}

/// Agent counts at the start and end of a run.
#[derive(Debug, Clone, Serialize)]
pub struct AgentCounts {
    /// Residents.
    pub residents: usize,
    /// Zones.
    pub zones: usize,
    /// Firms at set-up.
    pub firms_start: usize,
    /// Firms at the end.
    pub firms_end: usize,
}

/// The git commit this binary was built from.
pub fn git_commit() -> &'static str {
    option_env!("POLIS_GIT_COMMIT").unwrap_or("unknown")
}

/// `timeseries.csv` as bytes.
pub fn timeseries_csv(rows: &[Row], sectors: &[String]) -> Result<Vec<u8>, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Error::Io {
        path: "timeseries.csv".into(),
        source: std::io::Error::other(e),
    };
    w.write_record(Row::header(sectors)).map_err(io)?;
    for r in rows {
        w.write_record(r.record()).map_err(io)?;
    }
    w.into_inner().map_err(|e| Error::Io {
        path: "timeseries.csv".into(),
        source: e.into_error(),
    })
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, flushed,
/// then renamed over `path`. On failure the temporary file is removed.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// Writes a run's files into `dir` (created if needed): `timeseries.csv`,
/// `zones.csv` (the snapshots `zones`) and `manifest.json`, in that order;
/// returns their paths.
pub fn write_run(
    dir: &Path,
    rows: &[Row],
    sectors: &[String],
    zones: &[zones::ZoneRow],
    manifest: &mut Manifest,
) -> Result<Vec<PathBuf>, Error> {
    let csv = timeseries_csv(rows, sectors)?;
    let zones_csv = zones::zones_csv(zones)?;
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    manifest.files = vec![
        "timeseries.csv".into(),
        "zones.csv".into(),
        "manifest.json".into(),
    ];
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| Error::Io {
        path: "manifest.json".into(),
        source: std::io::Error::other(e),
    })?;
    let paths = vec![
        dir.join("timeseries.csv"),
        dir.join("zones.csv"),
        dir.join("manifest.json"),
    ];
    atomic_write(&paths[0], &csv)?;
    atomic_write(&paths[1], &zones_csv)?;
    atomic_write(&paths[2], &json)?;
    Ok(paths)
}
