//! Output files: `timeseries.csv`, `zones.csv` and `manifest.json`, each
//! written whole or not at all (written to a temporary name in the same
//! folder, then renamed). The simulation core never calls this module; the
//! caller hands it rows and zone snapshots ([`zones`]).
//!
//! A run's files are one set: the manifest is removed before the data files
//! are replaced and written after them, and it records each data file's
//! size and SHA-256 ([`Manifest::checksums`], [`manifest`]). A run killed between its
//! renames leaves no manifest, or one whose checksums the new files do not
//! match; `polis plot` and `polis report` check them before trusting a folder.

pub mod cells;
pub mod firms;
pub mod manifest;
pub mod package;
pub mod residents;
pub mod staged;
pub mod zones;

pub use manifest::{AgentCounts, FileSum, Kind, Manifest, Subject, git_commit};

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::metrics::Row;

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
    let tmp = path.with_file_name(temporary_name(&name, std::process::id()));
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

/// The temporary name [`atomic_write`] gives `name` in process `pid`.
fn temporary_name(name: &str, pid: u32) -> String {
    format!(".{name}.tmp-{pid}")
}

/// Removes the temporary files that a killed process left in `dir` while
/// writing one of `names` (`.NAME.tmp-PID` of a process that no longer
/// runs). Another live process's temporaries are left alone. Returns the
/// files removed.
pub fn remove_stale_temporaries(dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        let Some(pid) = names.iter().find_map(|n| {
            file.strip_prefix(&format!(".{n}.tmp-"))
                .and_then(|p| p.parse::<u32>().ok())
        }) else {
            continue;
        };
        if pid != std::process::id() && !process_is_running(pid) {
            let path = entry.path();
            if std::fs::remove_file(&path).is_ok() {
                removed.push(path);
            }
        }
    }
    removed.sort();
    removed
}

/// Whether a process `pid` exists (signal 0 asks without sending one).
fn process_is_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks that the process exists and
    // may be signalled; it sends nothing.
    let answer = unsafe { libc::kill(pid, 0) };
    answer == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The files every run folder has, in the order they are written; a run
/// that writes `firms.csv`, `exits.csv` or `residents.csv` writes them
/// after `zones.csv`, then `datapackage.json`, then `manifest.json`.
pub const RUN_FILES: [&str; 4] = [
    "timeseries.csv",
    "zones.csv",
    "datapackage.json",
    "manifest.json",
];

/// The files a run can write besides [`RUN_FILES`], streamed as it goes.
pub const STREAMED_FILES: [&str; 3] = ["firms.csv", "exits.csv", "residents.csv"];

/// Writes a run's files into `dir` (created if needed): `timeseries.csv`,
/// `zones.csv` (the snapshots `zones`), the files `streamed` during the run
/// (put in place now), `datapackage.json` and `manifest.json`, in that
/// order; returns their paths. `name` titles the data package.
pub fn write_run(
    dir: &Path,
    name: &str,
    rows: &[Row],
    sectors: &[String],
    zones: &[zones::ZoneRow],
    mut streamed: Vec<staged::Staged>,
    manifest: &mut Manifest,
) -> Result<Vec<PathBuf>, Error> {
    let csv = timeseries_csv(rows, sectors)?;
    let zones_csv = zones::zones_csv(zones)?;
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut data = vec![
        ("timeseries.csv".to_string(), FileSum::of(&csv)),
        ("zones.csv".to_string(), FileSum::of(&zones_csv)),
    ];
    for file in &mut streamed {
        let name = file
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        data.push((name, file.finish()?));
    }
    let data_names: Vec<&str> = data.iter().map(|(n, _)| n.as_str()).collect();
    let package = serde_json::to_vec_pretty(&package::run_package(name, &data_names, sectors))
        .map_err(|e| Error::Io {
            path: "datapackage.json".into(),
            source: std::io::Error::other(e),
        })?;
    data.push(("datapackage.json".to_string(), FileSum::of(&package)));
    let mut names: Vec<&str> = data.iter().map(|(n, _)| n.as_str()).collect();
    names.push("manifest.json");
    let sums: Vec<(&str, FileSum)> = data.iter().map(|(n, s)| (n.as_str(), s.clone())).collect();
    manifest.set_files(&names, &sums);
    let json = manifest.to_json()?;
    let mut every: Vec<&str> = RUN_FILES.to_vec();
    every.extend(STREAMED_FILES);
    let manifest_path = dir.join("manifest.json");
    // Temporaries of a killed run go, but not those this run is streaming.
    let ours = |p: &Path| streamed.iter().any(|s| s.path() == p);
    let stale: Vec<&str> = every
        .iter()
        .copied()
        .filter(|f| !ours(&dir.join(f)))
        .collect();
    remove_stale_temporaries(dir, &stale);
    // The old manifest goes first: until the new one is written, the folder
    // has none, and no reader takes the new data for the old run's.
    remove_if_present(&manifest_path)?;
    // Files an earlier run streamed and this one does not are no longer the
    // run's: they go, so the folder holds one run.
    for f in STREAMED_FILES {
        let path = dir.join(f);
        if !ours(&path) {
            remove_if_present(&path)?;
        }
    }
    let mut paths = vec![dir.join("timeseries.csv"), dir.join("zones.csv")];
    atomic_write(&paths[0], &csv)?;
    atomic_write(&paths[1], &zones_csv)?;
    for file in streamed {
        paths.push(file.commit()?);
    }
    let package_path = dir.join("datapackage.json");
    atomic_write(&package_path, &package)?;
    paths.push(package_path);
    atomic_write(&manifest_path, &json)?;
    paths.push(manifest_path);
    Ok(paths)
}

/// Removes `path`; a file that is not there is fine.
fn remove_if_present(path: &Path) -> Result<(), Error> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Io {
            path: path.display().to_string(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Estimated peak memory of a run of this scenario, bytes: the residents'
/// state and per-month scratch, firms, zones, the distance table and the
/// zone snapshots of `zones.csv`.
pub fn memory_estimate(scenario: &crate::scenario::Scenario) -> u64 {
    let n = scenario.simulation.residents as u64;
    // The state, plus applications, leftovers and sort buffers (scratch).
    let state = crate::world::Residents::bytes_per_resident_with(scenario.sectors.len());
    let per_resident = state as u64 + 24;
    // zones.csv: the snapshots kept until the run ends, then their text.
    let zone_rows = scenario.city.width as u64
        * scenario.city.height as u64
        * crate::output::zones::snapshots(scenario.simulation.months, scenario.output.zones_every)
            as u64
        * (std::mem::size_of::<crate::output::zones::ZoneRow>() as u64 + 64);
    let firms = (n as f64 / scenario.simulation.residents_per_firm).ceil() as u64 * 2;
    let zones = scenario.city.width as u64 * scenario.city.height as u64;
    let table = zones * 4 + zones * 4; // distance offsets and zone coordinates
    n * per_resident
        + firms * std::mem::size_of::<crate::world::Firm>() as u64
        + zones * 64
        + table
        + zone_rows
        + (8 << 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporaries_of_dead_processes_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        // PIDs stay below pid_max (at most 2^22 on Linux): 4,194,305 never runs.
        let dead = dir.path().join(".timeseries.csv.tmp-4194305");
        let mine = dir
            .path()
            .join(temporary_name("zones.csv", std::process::id()));
        let other_name = dir.path().join(".notes.txt.tmp-4194305");
        let not_a_pid = dir.path().join(".zones.csv.tmp-abc");
        for p in [&dead, &mine, &other_name, &not_a_pid] {
            std::fs::write(p, b"x").unwrap();
        }
        let removed = remove_stale_temporaries(dir.path(), &RUN_FILES);
        assert_eq!(removed, vec![dead.clone()]);
        assert!(!dead.exists());
        assert!(mine.exists() && other_name.exists() && not_a_pid.exists());
    }
}
