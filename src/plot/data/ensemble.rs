//! Reading the folder of `polis sweep` or `polis compare`: its runs, its
//! long `timeseries.csv` summarised by group and month, and a comparison's
//! `compare.csv`.

use std::collections::BTreeMap;
use std::path::Path;

use super::files::{bad, read_json, read_records, read_validation, stream_table};
use super::{Ensemble, EnsembleKind, Group};
use crate::experiment::stats::summarise;
use crate::plot::PlotError;

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

pub(super) fn load_ensemble(dir: &Path, kind: EnsembleKind) -> Result<Ensemble, PlotError> {
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
    let validation = read_validation(dir, "point")?;
    Ok(Ensemble {
        kind,
        dir: dir.to_path_buf(),
        metrics,
        groups,
        manifest,
        event_months: event_months.into_iter().collect(),
        compare_rows,
        validation,
    })
}
