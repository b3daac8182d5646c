//! Checking a run's `manifest.json`: its shape, and the size and checksum
//! of each file it vouches for.

use std::collections::BTreeMap;
use std::path::Path;

use super::files::{bad, unreadable};
use crate::plot::PlotError;

/// What a run's manifest must say for its folder to be read: the grid,
/// the months, the files written and their checksums.
pub(super) struct RunFacts {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) months: u32,
    pub(super) files: Vec<String>,
    pub(super) checksums: BTreeMap<String, crate::output::FileSum>,
}

/// Checks that `manifest` has the shape `polis run` writes.
pub(super) fn run_facts(
    path: &Path,
    manifest: &serde_json::Value,
    hint: &str,
) -> Result<RunFacts, PlotError> {
    let wrong = |what: &str| bad(path, format!("is not the manifest of a run: {what}"), hint);
    if !manifest.is_object() {
        return Err(wrong("it is not a JSON object"));
    }
    let whole = |pointer: &str, least: u64| -> Result<u32, PlotError> {
        manifest
            .pointer(pointer)
            .and_then(|v| v.as_u64())
            .filter(|&v| v >= least)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| {
                wrong(&format!(
                    "`{}` is not a whole number of at least {least}",
                    pointer.trim_start_matches('/').replace('/', ".")
                ))
            })
    };
    let (width, height) = (
        whole("/scenario/city/width", 1)?,
        whole("/scenario/city/height", 1)?,
    );
    let months = whole("/months", 1)?;
    let files = match manifest.get("files") {
        None => Vec::new(),
        Some(list) => list
            .as_array()
            .and_then(|l| l.iter().map(|f| f.as_str().map(str::to_string)).collect())
            .ok_or_else(|| wrong("`files` is not a list of file names"))?,
    };
    let checksums = match manifest.get("checksums") {
        None => BTreeMap::new(),
        Some(sums) => serde_json::from_value(sums.clone()).map_err(|_| {
            wrong("`checksums` is not a table of file names to `bytes` and `sha256`")
        })?,
    };
    if let Some(events) = manifest.get("events") {
        let ok = events
            .as_array()
            .is_some_and(|l| l.iter().all(|e| e.get("month").is_some_and(|m| m.is_u64())));
        if !ok {
            return Err(wrong("`events` is not a list of events with a `month`"));
        }
    }
    Ok(RunFacts {
        width,
        height,
        months,
        files,
        checksums,
    })
}

/// Checks each file the manifest vouches for against its size and checksum,
/// in the order the run wrote them (`files`), then any others. The files
/// are read as a stream: a big city's `firms.csv` is hundreds of megabytes.
pub(super) fn verify_checksums(dir: &Path, facts: &RunFacts, hint: &str) -> Result<(), PlotError> {
    let mut order: Vec<&String> = facts
        .files
        .iter()
        .filter(|f| facts.checksums.contains_key(*f))
        .collect();
    order.extend(facts.checksums.keys().filter(|k| !facts.files.contains(k)));
    for name in order {
        let sum = &facts.checksums[name];
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(bad(
                &dir.join("manifest.json"),
                format!("lists a checksum of `{name}`, which is not a file of the folder"),
                hint,
            ));
        }
        let path = dir.join(name);
        if !path.exists() {
            return Err(bad(
                &path,
                "is missing, though manifest.json lists it among the run's files",
                hint,
            ));
        }
        let found = (|| -> std::io::Result<crate::output::FileSum> {
            let mut file = std::fs::File::open(&path)?;
            let mut summing = crate::output::manifest::Summing::new(std::io::sink());
            std::io::copy(&mut file, &mut summing)?;
            Ok(summing.sum())
        })()
        .map_err(|source| unreadable(&path, source, hint))?;
        if found != *sum {
            return Err(bad(
                &path,
                format!(
                    "is not the file manifest.json describes ({} bytes against {}, or another checksum): \
                     the folder mixes files of two runs, or the file was changed after the run",
                    found.bytes, sum.bytes
                ),
                hint,
            ));
        }
    }
    Ok(())
}
