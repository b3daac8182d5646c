//! Joining a sweep's parts into its tables, in run order, so that the result
//! does not depend on how the runs were split into shards or when they ran:
//! `runs.csv`, the long `timeseries.csv`, `summary.csv`, `manifest.json` and
//! `datapackage.json`. Every file is written whole or not at all.

use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::error::Error;
use crate::experiment::run::{RunStatus, part_paths, read_status, verify_part};
use crate::experiment::spec::Plan;
use crate::experiment::stats::{Summary, summarise};
use crate::metrics::Row;
use crate::output::atomic_write;
use crate::output::manifest::{FileSum, Manifest, Subject, Summing, SweepSubject};

/// The files a merge writes besides its manifest, as its manifest lists them.
pub const SWEEP_FILES: [&str; 4] = [
    "runs.csv",
    "timeseries.csv",
    "summary.csv",
    "datapackage.json",
];

/// What a merge found and wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeReport {
    /// Runs in the sweep.
    pub runs: usize,
    /// Runs that failed (recorded in runs.csv).
    pub failed: usize,
    /// Files written.
    pub files: Vec<PathBuf>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Reads the plan saved in a sweep folder.
pub fn read_plan(dir: &Path) -> Result<Plan, Error> {
    let path = dir.join("plan.json");
    let bytes = crate::input::read_capped(&path, crate::input::JSON_CAP).map_err(|e| {
        Error::Sweep(if e.is_not_found() {
            format!(
                "{} is not a sweep folder: it has no plan.json",
                dir.display()
            )
        } else {
            format!("{}: the sweep's plan {}", path.display(), e.what())
        })
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Sweep(format!("{}: {e}", path.display())))
}

/// A point's value of each varied parameter, in column order (strings unquoted).
fn parameter_cells(plan: &Plan, point: &crate::experiment::Point) -> Vec<String> {
    plan.parameters
        .iter()
        .map(|k| {
            point
                .values
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.trim_matches('"').to_string())
                .unwrap_or_default()
        })
        .collect()
}

fn number(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

/// Merges the parts of a sweep folder; fails, naming them, if runs are missing.
pub fn merge(dir: &Path) -> Result<MergeReport, Error> {
    let plan = read_plan(dir)?;
    let mut outcomes = Vec::with_capacity(plan.runs.len());
    let mut missing = Vec::new();
    let mut damaged = Vec::new();
    for run in &plan.runs {
        match read_status(&part_paths(dir, run.run_id).1) {
            Some(o) => {
                if let Err(why) = verify_part(dir, &o) {
                    damaged.push(format!("run {}: {why}", run.run_id));
                }
                outcomes.push(o)
            }
            None => missing.push(run.run_id),
        }
    }
    if !damaged.is_empty() {
        let shown: Vec<String> = damaged.iter().take(20).cloned().collect();
        return Err(Error::Sweep(format!(
            "{} of {} runs have damaged parts ({}{}); nothing was merged. Run the sweep again \
             (`polis sweep SWEEP.toml --out {}`): it reruns damaged runs, then merges",
            damaged.len(),
            plan.runs.len(),
            shown.join("; "),
            if damaged.len() > 20 { "; ..." } else { "" },
            dir.display()
        )));
    }
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(20).map(u32::to_string).collect();
        return Err(Error::Sweep(format!(
            "{} of {} runs are missing (run ids {}{}); run the missing shards, or the sweep again, then merge",
            missing.len(),
            plan.runs.len(),
            shown.join(", "),
            if missing.len() > 20 { ", ..." } else { "" }
        )));
    }
    let header = Row::header(&plan.sectors);
    let metrics: Vec<String> = header[1..].to_vec();
    let window = plan.window;

    // runs.csv
    let mut runs_csv = csv::Writer::from_writer(Vec::new());
    let mut head = vec![
        "run_id".to_string(),
        "sample_id".into(),
        "replicate".into(),
        "seed".into(),
    ];
    head.extend(plan.parameters.iter().cloned());
    head.extend([
        "status".to_string(),
        "message".into(),
        "wall_seconds".into(),
    ]);
    let csv_err = |e: csv::Error| Error::Sweep(e.to_string());
    runs_csv.write_record(&head).map_err(csv_err)?;
    for (run, outcome) in plan.runs.iter().zip(&outcomes) {
        let point = &plan.points[run.point as usize];
        let mut rec = vec![
            run.run_id.to_string(),
            point.sample_id.clone(),
            run.replicate.to_string(),
            run.seed.to_string(),
        ];
        rec.extend(parameter_cells(&plan, point));
        let (status, message) = match &outcome.status {
            RunStatus::Ok => ("ok", String::new()),
            RunStatus::Failed(m) => ("failed", m.clone()),
        };
        rec.extend([
            status.to_string(),
            message,
            format!("{:.3}", outcome.wall_seconds),
        ]);
        runs_csv.write_record(&rec).map_err(csv_err)?;
    }
    let runs_bytes = runs_csv
        .into_inner()
        .map_err(|e| Error::Sweep(e.to_string()))?;

    // timeseries.csv, streamed; summary values collected per point.
    let ts_path = dir.join("timeseries.csv");
    let tmp = dir.join(format!(".timeseries.csv.tmp-{}", std::process::id()));
    let mut finals: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); metrics.len()]; plan.points.len()];
    let mut windows = finals.clone();
    let result = (|| -> Result<FileSum, Error> {
        let file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        let mut out = BufWriter::new(Summing::new(file));
        writeln!(out, "run_id,{}", header.join(",")).map_err(io(&tmp))?;
        for (run, outcome) in plan.runs.iter().zip(&outcomes) {
            if outcome.status != RunStatus::Ok {
                continue;
            }
            let part = part_paths(dir, run.run_id).0;
            let reader = std::io::BufReader::new(std::fs::File::open(&part).map_err(io(&part))?);
            let mut sums = vec![0.0; metrics.len()];
            let mut count = 0usize;
            let mut last: Vec<f64> = Vec::new();
            for (i, line) in reader.lines().enumerate() {
                let line = line.map_err(io(&part))?;
                if i == 0 || line.is_empty() {
                    continue;
                }
                writeln!(out, "{},{line}", run.run_id).map_err(io(&tmp))?;
                let values: Vec<f64> = line
                    .split(',')
                    .map(|v| v.parse().unwrap_or(f64::NAN))
                    .collect();
                let month = values.first().copied().unwrap_or(0.0) as u32;
                if month >= window[0] && month <= window[1] {
                    for (s, v) in sums.iter_mut().zip(&values[1..]) {
                        *s += v;
                    }
                    count += 1;
                }
                last = values;
            }
            let p = run.point as usize;
            for m in 0..metrics.len() {
                finals[p][m].push(last.get(m + 1).copied().unwrap_or(f64::NAN));
                windows[p][m].push(if count > 0 {
                    sums[m] / count as f64
                } else {
                    f64::NAN
                });
            }
        }
        out.flush().map_err(io(&tmp))?;
        out.get_ref().inner.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, &ts_path).map_err(io(&ts_path))?;
        Ok(out.get_ref().sum())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    let series_sum = result?;

    // summary.csv
    let mut summary = csv::Writer::from_writer(Vec::new());
    let mut head = vec!["sample_id".to_string()];
    head.extend(plan.parameters.iter().cloned());
    head.extend(
        [
            "metric",
            "n",
            "final_mean",
            "final_sd",
            "final_ci_low",
            "final_ci_high",
            "window_mean",
            "window_sd",
            "window_ci_low",
            "window_ci_high",
        ]
        .map(str::to_string),
    );
    summary.write_record(&head).map_err(csv_err)?;
    for (p, point) in plan.points.iter().enumerate() {
        for (m, metric) in metrics.iter().enumerate() {
            let (f, w): (Summary, Summary) = (summarise(&finals[p][m]), summarise(&windows[p][m]));
            let mut rec = vec![point.sample_id.clone()];
            rec.extend(parameter_cells(&plan, point));
            rec.push(metric.clone());
            rec.push(f.n.to_string());
            rec.extend([f.mean, f.sd, f.low, f.high, w.mean, w.sd, w.low, w.high].map(number));
            summary.write_record(&rec).map_err(csv_err)?;
        }
    }
    let summary_bytes = summary
        .into_inner()
        .map_err(|e| Error::Sweep(e.to_string()))?;

    let failed = outcomes
        .iter()
        .filter(|o| o.status != RunStatus::Ok)
        .count();
    let package = serde_json::to_vec_pretty(&datapackage(&plan, &metrics))
        .map_err(|e| Error::Sweep(e.to_string()))?;
    let subject = SweepSubject {
        sweep: plan.spec.clone(),
        base_scenario: plan.base_path.display().to_string(),
        parameters: plan.parameters.clone(),
        points: plan.points.len(),
        runs: plan.runs.len(),
        failed_runs: failed,
        summary_window: plan.window,
    };
    let mut manifest = Manifest {
        replicates: Some(plan.spec.replicates),
        replicate_seeds: (0..plan.spec.replicates)
            .map(|r| crate::experiment::replicate_seed(plan.spec.seed, r))
            .collect(),
        ..Manifest::new(
            Subject::Sweep(Box::new(subject)),
            Vec::new(),
            plan.spec.seed,
            plan.months,
        )
    };
    manifest.set_files(
        &SWEEP_FILES,
        &[
            ("runs.csv", FileSum::of(&runs_bytes)),
            ("timeseries.csv", series_sum),
            ("summary.csv", FileSum::of(&summary_bytes)),
            ("datapackage.json", FileSum::of(&package)),
        ],
    );
    let files = vec![
        dir.join("runs.csv"),
        ts_path,
        dir.join("summary.csv"),
        dir.join("manifest.json"),
        dir.join("datapackage.json"),
    ];
    atomic_write(&files[0], &runs_bytes)?;
    atomic_write(&files[2], &summary_bytes)?;
    // The manifest last: it vouches for the files before it.
    atomic_write(&files[4], &package)?;
    atomic_write(&files[3], &manifest.to_json()?)?;
    Ok(MergeReport {
        runs: plan.runs.len(),
        failed,
        files,
    })
}

/// A Frictionless Data Package describing the three tables.
fn datapackage(plan: &Plan, metrics: &[String]) -> serde_json::Value {
    let field = |name: &str, ty: &str, description: &str| json!({ "name": name, "type": ty, "description": description });
    let params: Vec<serde_json::Value> = plan
        .parameters
        .iter()
        .map(|k| {
            field(
                k,
                "string",
                "value of the varied parameter, as written in TOML",
            )
        })
        .collect();
    let mut runs = vec![
        field(
            "run_id",
            "integer",
            "run number, in (point, replicate) order",
        ),
        field(
            "sample_id",
            "string",
            "parameter point (the design's sample_id for a design)",
        ),
        field("replicate", "integer", "replicate number"),
        field(
            "seed",
            "integer",
            "seed of the run (the same replicate seed at every point)",
        ),
    ];
    runs.extend(params.clone());
    runs.extend([
        field("status", "string", "ok or failed"),
        field("message", "string", "why a run failed"),
        field("wall_seconds", "number", "wall time of the run"),
    ]);
    let mut series = vec![
        field("run_id", "integer", "run number (see runs.csv)"),
        field("month", "integer", "month, from 1"),
    ];
    // Each metric as the columns table describes it (docs/OUTPUT.md).
    let sectors = crate::metrics::columns::sectors(metrics);
    series.extend(
        metrics
            .iter()
            .map(|m| match crate::metrics::columns::describe(m, &sectors) {
                Some(c) => field(
                    m,
                    c.format.schema_type(),
                    &format!("{} Unit: {}.", c.meaning, c.unit),
                ),
                None => field(m, "number", "see docs/OUTPUT.md"),
            }),
    );
    let mut summary = vec![field("sample_id", "string", "parameter point")];
    summary.extend(params);
    summary.push(field("metric", "string", "a column of timeseries.csv"));
    summary.push(field("n", "integer", "replicates that finished"));
    for (which, what) in [
        ("final", "at the last month"),
        ("window", "averaged over the summary window"),
    ] {
        summary.push(field(
            &format!("{which}_mean"),
            "number",
            &format!("mean across replicates, {what}"),
        ));
        summary.push(field(
            &format!("{which}_sd"),
            "number",
            &format!("standard deviation across replicates, {what}"),
        ));
        summary.push(field(
            &format!("{which}_ci_low"),
            "number",
            &format!("lower end of the 95% interval of the mean (Student t), {what}"),
        ));
        summary.push(field(
            &format!("{which}_ci_high"),
            "number",
            &format!("upper end of the 95% interval of the mean (Student t), {what}"),
        ));
    }
    let resource = |name: &str,
                    path: &str,
                    fields: Vec<serde_json::Value>,
                    key: serde_json::Value| {
        json!({ "name": name, "path": path, "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                "encoding": "utf-8", "schema": { "fields": fields, "primaryKey": key } })
    };
    json!({
        "profile": "tabular-data-package",
        "name": "polis-sweep",
        "title": format!("polis sweep of {}", plan.base_path.display()),
        "resources": [
            resource("runs", "runs.csv", runs, json!("run_id")),
            resource("timeseries", "timeseries.csv", series, json!(["run_id", "month"])),
            resource("summary", "summary.csv", summary, json!(["sample_id", "metric"])),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{Shard, load_sweep, run_sweep};

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn without_wall_seconds(csv: &str) -> String {
        csv.lines()
            .map(|l| l.rsplit_once(',').map_or(l, |(head, _)| head).to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn shards_and_resumed_sweeps_merge_to_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "base.toml",
            "[simulation]\nresidents = 1500\nmonths = 4\n",
        );
        let sweep = write(
            dir.path(),
            "sweep.toml",
            "base = \"base.toml\"\nreplicates = 2\nseed = 5\n[parameters]\n\"government.income_tax\" = [0.1, 0.2]\n\"city.speed_kmh\" = { start = 16.0, stop = 20.0, step = 4.0 }\n",
        );
        let plan = load_sweep(&sweep).unwrap();
        assert_eq!(plan.points.len(), 4);
        assert_eq!(plan.runs.len(), 8);
        let whole = dir.path().join("whole");
        run_sweep(&plan, &whole, Shard::ALL, |_| {}).unwrap();
        merge(&whole).unwrap();
        let sharded = dir.path().join("sharded");
        run_sweep(&plan, &sharded, Shard { index: 1, count: 3 }, |_| {}).unwrap();
        assert!(
            merge(&sharded).is_err(),
            "a merge with shards missing must fail"
        );
        run_sweep(&plan, &sharded, Shard { index: 0, count: 3 }, |_| {}).unwrap();
        run_sweep(&plan, &sharded, Shard { index: 2, count: 3 }, |_| {}).unwrap();
        // An interrupted run: its status file is gone, so it is redone.
        std::fs::remove_file(sharded.join("parts/run-000003.json")).unwrap();
        let redone = run_sweep(&plan, &sharded, Shard::ALL, |_| {}).unwrap();
        assert_eq!(redone.iter().filter(|o| !o.skipped).count(), 1);
        merge(&sharded).unwrap();
        for file in ["timeseries.csv", "summary.csv", "datapackage.json"] {
            assert_eq!(
                std::fs::read(whole.join(file)).unwrap(),
                std::fs::read(sharded.join(file)).unwrap(),
                "{file} differs"
            );
        }
        let runs =
            |d: &Path| without_wall_seconds(&std::fs::read_to_string(d.join("runs.csv")).unwrap());
        assert_eq!(runs(&whole), runs(&sharded));
        let summary = std::fs::read_to_string(whole.join("summary.csv")).unwrap();
        assert!(
            summary
                .starts_with("sample_id,city.speed_kmh,government.income_tax,metric,n,final_mean"),
            "{}",
            &summary[..200]
        );
    }
}
