//! Reading an output folder back: a run's `timeseries.csv`, `zones.csv` and
//! `manifest.json`, a sweep's `runs.csv` and long `timeseries.csv`, a
//! comparison's `runs.csv`, long `timeseries.csv` and `compare.csv`. Every
//! problem is a [`PlotError::Input`] naming the file and saying what to do.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::experiment::stats::summarise;
use crate::plot::PlotError;

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

fn bad(path: &Path, message: impl Into<String>, hint: impl Into<String>) -> PlotError {
    PlotError::Input {
        path: path.display().to_string(),
        message: message.into(),
        hint: hint.into(),
    }
}

/// The error for a file that could not be opened or read.
fn unreadable(path: &Path, e: std::io::Error, hint: &str) -> PlotError {
    let what = if e.kind() == std::io::ErrorKind::NotFound {
        "is missing".to_string()
    } else {
        format!("cannot be read: {e}")
    };
    bad(path, what, hint)
}

fn read_text(path: &Path, cap: u64, hint: &str) -> Result<String, PlotError> {
    crate::input::read_capped_text(path, cap).map_err(|e| match e {
        crate::input::ReadError::Io { source, .. } => unreadable(path, source, hint),
        other => bad(path, other.what(), other.hint()),
    })
}

fn read_json(path: &Path, hint: &str) -> Result<serde_json::Value, PlotError> {
    let text = read_text(path, crate::input::JSON_CAP, hint)?;
    serde_json::from_str(&text).map_err(|e| bad(path, format!("is not valid JSON: {e}"), hint))
}

/// Reads a CSV file into string records (header first).
fn read_records(path: &Path, hint: &str) -> Result<Vec<Vec<String>>, PlotError> {
    let text = read_text(path, crate::input::TABLE_CAP, hint)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out: Vec<Vec<String>> = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| bad(path, format!("line {}: {e}", i + 1), hint))?;
        if let Some(head) = out.first()
            && rec.len() != head.len()
        {
            return Err(bad(
                path,
                format!(
                    "line {} has {} values for {} columns",
                    i + 1,
                    rec.len(),
                    head.len()
                ),
                hint,
            ));
        }
        out.push(rec.iter().map(str::to_string).collect());
    }
    if out.is_empty() {
        return Err(bad(path, "is empty", hint));
    }
    Ok(out)
}

/// Reads a CSV file of numbers whose first column is `first`, one row at a
/// time: `on_row(header, values)` for each row, in file order. Returns the
/// header. A long sweep table is never held whole in memory.
fn stream_table(
    path: &Path,
    first: &str,
    hint: &str,
    mut on_row: impl FnMut(&[String], &[f64]) -> Result<(), PlotError>,
) -> Result<Vec<String>, PlotError> {
    let file = std::fs::File::open(path).map_err(|e| unreadable(path, e, hint))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(str::to_string).collect(),
        Some(Err(e)) => return Err(bad(path, format!("line 1: {e}"), hint)),
        None => return Err(bad(path, "is empty", hint)),
    };
    if header.first().map(String::as_str) != Some(first) {
        return Err(bad(
            path,
            format!(
                "does not start with a `{first}` column (its header is `{}`)",
                header.iter().take(4).cloned().collect::<Vec<_>>().join(",")
            ),
            hint,
        ));
    }
    let mut row = Vec::with_capacity(header.len());
    let mut count = 0usize;
    for (i, rec) in records.enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad(path, format!("line {line}: {e}"), hint))?;
        if rec.len() != header.len() {
            return Err(bad(
                path,
                format!(
                    "line {line} has {} values for {} columns",
                    rec.len(),
                    header.len()
                ),
                hint,
            ));
        }
        row.clear();
        for (cell, name) in rec.iter().zip(&header) {
            let value: f64 = cell
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    bad(
                        path,
                        format!("line {line}: `{cell}` in column `{name}` is not a finite number"),
                        hint,
                    )
                })?;
            row.push(value);
        }
        on_row(&header, &row)?;
        count += 1;
    }
    if count == 0 {
        return Err(bad(path, "has a header but no rows", hint));
    }
    Ok(header)
}

/// Reads a CSV file of numbers whose first column is `first`.
fn read_table(path: &Path, first: &str, hint: &str) -> Result<Table, PlotError> {
    let mut rows = Vec::new();
    let header = stream_table(path, first, hint, |_, row| {
        rows.push(row.to_vec());
        Ok(())
    })?;
    Ok(Table { header, rows })
}

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

/// What a run's manifest must say for its folder to be read: the grid,
/// the months, the files written and their checksums.
struct RunFacts {
    width: u32,
    height: u32,
    months: u32,
    files: Vec<String>,
    checksums: BTreeMap<String, crate::output::FileSum>,
}

/// Checks that `manifest` has the shape `polis run` writes.
fn run_facts(path: &Path, manifest: &serde_json::Value, hint: &str) -> Result<RunFacts, PlotError> {
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

/// Checks each file the manifest vouches for against its size and checksum.
fn verify_checksums(dir: &Path, facts: &RunFacts, hint: &str) -> Result<(), PlotError> {
    for (name, sum) in &facts.checksums {
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
        let bytes =
            crate::input::read_capped(&path, crate::input::TABLE_CAP).map_err(|e| match e {
                crate::input::ReadError::Io { source, .. } => unreadable(&path, source, hint),
                other => bad(&path, other.what(), other.hint()),
            })?;
        let found = crate::output::FileSum::of(&bytes);
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

fn load_run(dir: &Path) -> Result<RunData, PlotError> {
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
    Ok(RunData {
        dir: dir.to_path_buf(),
        series,
        zones,
        manifest,
        events,
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

/// `compare.csv`: a `metric` column, then numbers (finite, or empty where
/// a difference has no interval); `read_records` has checked the rows'
/// lengths.
fn check_compare_rows(path: &Path, rows: &[Vec<String>], hint: &str) -> Result<(), PlotError> {
    let head = &rows[0];
    if head.first().map(String::as_str) != Some("metric") {
        return Err(bad(path, "does not start with a `metric` column", hint));
    }
    for (i, row) in rows.iter().enumerate().skip(1) {
        for (cell, name) in row.iter().zip(head).skip(1) {
            let ok = cell.is_empty() || cell.trim().parse::<f64>().is_ok_and(f64::is_finite);
            if !ok {
                return Err(bad(
                    path,
                    format!(
                        "line {}: `{cell}` in column `{name}` is not a finite number",
                        i + 1
                    ),
                    hint,
                ));
            }
        }
    }
    Ok(())
}

fn load_ensemble(dir: &Path, kind: EnsembleKind) -> Result<Ensemble, PlotError> {
    let hint = match kind {
        EnsembleKind::Sweep => "run `polis merge DIR` (or the sweep again) to rewrite its tables",
        EnsembleKind::Compare => {
            "run `polis compare ... --out DIR` again: it writes runs.csv and timeseries.csv"
        }
    };
    let runs_path = dir.join("runs.csv");
    let runs = read_records(&runs_path, hint)?;
    let head = &runs[0];
    let col = |name: &str| {
        head.iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(&runs_path, format!("has no `{name}` column"), hint))
    };
    let run_col = col("run_id")?;
    // Group label of each run, and the runs that finished.
    let mut label_of: BTreeMap<u64, usize> = BTreeMap::new();
    let mut labels: Vec<String> = Vec::new();
    let group_label = |rec: &[String]| -> Result<String, PlotError> {
        Ok(match kind {
            EnsembleKind::Compare => {
                let (s, f) = (col("scenario")?, col("scenario_file")?);
                format!("{}: {}", rec[s], rec[f])
            }
            EnsembleKind::Sweep => {
                let (id, status) = (col("sample_id")?, col("status")?);
                let params: Vec<String> = head[col("seed")? + 1..status]
                    .iter()
                    .zip(&rec[col("seed")? + 1..status])
                    .map(|(k, v)| format!("{}={v}", k.rsplit('.').next().unwrap_or(k)))
                    .collect();
                if params.is_empty() {
                    rec[id].clone()
                } else {
                    format!("{} ({})", rec[id], params.join(", "))
                }
            }
        })
    };
    // read_records has refused rows of another length than the header.
    for (i, rec) in runs.iter().enumerate().skip(1) {
        if kind == EnsembleKind::Sweep && rec[col("status")?] != "ok" {
            continue;
        }
        let id: u64 = rec[run_col].parse().map_err(|_| {
            bad(
                &runs_path,
                format!("line {}: run_id `{}` is not a number", i + 1, rec[run_col]),
                hint,
            )
        })?;
        let label = group_label(rec)?;
        let g = match labels.iter().position(|l| *l == label) {
            Some(g) => g,
            None => {
                labels.push(label);
                labels.len() - 1
            }
        };
        label_of.insert(id, g);
    }
    let series_path = dir.join("timeseries.csv");
    // values[group][month][metric] -> one value per run, in file order.
    let mut values: Vec<BTreeMap<u32, Vec<Vec<f64>>>> = vec![BTreeMap::new(); labels.len()];
    let mut runs_in: Vec<std::collections::BTreeSet<u64>> = vec![Default::default(); labels.len()];
    let mut event_months = std::collections::BTreeSet::new();
    let mut events_column = None;
    let header = stream_table(&series_path, "run_id", hint, |header, row| {
        let events = match events_column {
            Some(k) => k,
            None => {
                let k = header.iter().position(|h| h == "events");
                if header.get(1).map(String::as_str) != Some("month") || k.is_none() {
                    return Err(bad(
                        &series_path,
                        "is not the long timeseries of a sweep or comparison (run_id, month, then the metrics)",
                        hint,
                    ));
                }
                *events_column.insert(k.unwrap_or(0))
            }
        };
        let id = row[0] as u64;
        let Some(&g) = label_of.get(&id) else {
            return Err(bad(
                &series_path,
                format!("has rows of run {id}, which runs.csv does not list as finished"),
                hint,
            ));
        };
        runs_in[g].insert(id);
        let month = row[1] as u32;
        if row[events] > 0.0 {
            event_months.insert(month);
        }
        let slot = values[g]
            .entry(month)
            .or_insert_with(|| vec![Vec::new(); row.len() - 2]);
        for (m, v) in row[2..].iter().enumerate() {
            slot[m].push(*v);
        }
        Ok(())
    })?;
    let manifest_path = dir.join("manifest.json");
    let manifest = read_json(&manifest_path, hint)?;
    if !manifest.is_object() {
        return Err(bad(
            &manifest_path,
            "is not the manifest of a sweep or comparison: it is not a JSON object",
            hint,
        ));
    }
    let metrics: Vec<String> = header[2..].to_vec();
    let groups = labels
        .into_iter()
        .zip(values)
        .zip(runs_in)
        .filter(|(_, runs)| !runs.is_empty())
        .map(|((label, by_month), runs)| {
            let months: Vec<f64> = by_month.keys().map(|&m| m as f64).collect();
            let stats = (0..metrics.len())
                .map(|m| {
                    by_month
                        .values()
                        .map(|per_metric| {
                            let s = summarise(&per_metric[m]);
                            (s.mean, s.low, s.high)
                        })
                        .collect()
                })
                .collect();
            Group {
                label,
                runs: runs.len(),
                months,
                stats,
            }
        })
        .collect::<Vec<_>>();
    if groups.is_empty() {
        return Err(bad(
            &dir.join("timeseries.csv"),
            "holds no rows of a finished run",
            hint,
        ));
    }
    let compare_rows = if kind == EnsembleKind::Compare {
        let path = dir.join("compare.csv");
        let rows = read_records(&path, hint)?;
        check_compare_rows(&path, &rows, hint)?;
        rows
    } else {
        Vec::new()
    };
    Ok(Ensemble {
        kind,
        dir: dir.to_path_buf(),
        metrics,
        groups,
        manifest,
        event_months: event_months.into_iter().collect(),
        compare_rows,
    })
}
