//! The stylized facts of a sweep or a comparison: each run's measures of
//! its rows in the long `timeseries.csv` ([`measures::of_series`]; the
//! folder holds no zone, firm or resident files), grouped by parameter
//! point (a sweep's `sample_id`) or scenario (a comparison's `A`, `B`) as
//! `runs.csv` maps them, and summarised per group: the mean of the finite
//! values, their number and the 95% interval of the mean (Student t,
//! [`crate::experiment::stats::summarise`], as a sweep's `summary.csv`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::measures;
use super::targets::{Band, Targets};
use crate::Error;
use crate::experiment::stats::{Summary, summarise};

/// The columns of an ensemble's validation.csv.
pub const HEADER: [&str; 10] = [
    "point",
    "measure",
    "value",
    "n",
    "ci_low",
    "ci_high",
    "target_low",
    "target_high",
    "pass",
    "source",
];

/// What kind of many-run folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `polis sweep`: runs grouped by `sample_id`; failed runs are skipped.
    Sweep,
    /// `polis compare`: runs grouped by `scenario` (`A`, `B`).
    Compare,
}

/// A sweep's parameter point or a comparison's scenario, with the measures
/// of its runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// A sweep's `sample_id`, or a comparison's `A` or `B`.
    pub point: String,
    /// The point's parameter values (`key=value, ...`, the last part of
    /// each key), or the comparison's scenario file.
    pub label: String,
    /// Runs `runs.csv` lists for the group.
    pub listed: usize,
    /// Of them, runs whose status is not `ok` (they have no rows).
    pub failed: usize,
    /// The runs measured, in the order of `timeseries.csv`: the run_id and
    /// the value of each measure, in [`Measured::names`] order (not a
    /// number where the run cannot tell).
    pub runs: Vec<(u64, Vec<f64>)>,
}

impl Group {
    /// The `k`th measure across the group's runs: mean, n and 95% interval
    /// of the finite values, in run order.
    pub fn summary(&self, k: usize) -> Summary {
        let values: Vec<f64> = self
            .runs
            .iter()
            .map(|(_, v)| v[k])
            .filter(|v| v.is_finite())
            .collect();
        summarise(&values)
    }
}

/// A sweep or comparison folder, measured run by run.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// Sweep or comparison.
    pub kind: Kind,
    /// The measures' names and units, in the order of
    /// [`measures::of_series`].
    pub names: Vec<(&'static str, &'static str)>,
    /// One group per point or scenario, in the order of `runs.csv`.
    pub groups: Vec<Group>,
    /// Months of the shortest run measured.
    pub months: u32,
}

/// The names and units of the measures [`measures::of_series`] computes.
pub fn series_names() -> Vec<(&'static str, &'static str)> {
    measures::of_series(&[], &[], None)
        .into_iter()
        .map(|m| (m.name, m.unit))
        .collect()
}

fn inconsistent(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::Sweep(format!("{}: {message}", path.display()))
}

/// The groups of `runs.csv` (without their runs yet), and the group of
/// each finished run.
fn read_runs(path: &Path, kind: Kind) -> Result<(Vec<Group>, BTreeMap<u64, usize>), Error> {
    let text = crate::input::read_capped_text(path, crate::input::TABLE_CAP)
        .map_err(|e| inconsistent(path, e.what()))?;
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let head: Vec<String> = reader
        .headers()
        .map_err(|e| inconsistent(path, e))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| {
        head.iter()
            .position(|h| h == name)
            .ok_or_else(|| inconsistent(path, format!("has no `{name}` column")))
    };
    let run_col = col("run_id")?;
    let (point_col, status_col) = match kind {
        Kind::Sweep => (col("sample_id")?, Some(col("status")?)),
        Kind::Compare => (col("scenario")?, None),
    };
    let params = match kind {
        Kind::Sweep => col("seed")? + 1..status_col.unwrap_or(0),
        Kind::Compare => {
            let file = col("scenario_file")?;
            file..file + 1
        }
    };
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of = BTreeMap::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| inconsistent(path, format!("line {line}: {e}")))?;
        let cell = |k: usize| rec.get(k).unwrap_or("");
        let point = cell(point_col);
        let g = match groups.iter().position(|g| g.point == point) {
            Some(g) => g,
            None => {
                let label = match kind {
                    Kind::Sweep => params
                        .clone()
                        .map(|k| {
                            let key = head[k].rsplit('.').next().unwrap_or(&head[k]);
                            format!("{key}={}", cell(k))
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    Kind::Compare => cell(params.start).to_string(),
                };
                groups.push(Group {
                    point: point.to_string(),
                    label,
                    listed: 0,
                    failed: 0,
                    runs: Vec::new(),
                });
                groups.len() - 1
            }
        };
        groups[g].listed += 1;
        if status_col.is_some_and(|k| cell(k) != "ok") {
            groups[g].failed += 1;
            continue;
        }
        let id: u64 = cell(run_col).parse().map_err(|_| {
            inconsistent(
                path,
                format!("line {line}: run_id `{}` is not a number", cell(run_col)),
            )
        })?;
        if group_of.insert(id, g).is_some() {
            return Err(inconsistent(path, format!("lists run {id} twice")));
        }
    }
    Ok((groups, group_of))
}

/// Calls `on_run(run_id, header, rows)` for each run of the long
/// `timeseries.csv` at `path` (`run_id`, then a run's columns): the header
/// and rows without `run_id`. A run's rows must lie together; one run is
/// held in memory at a time.
fn for_each_run(
    path: &Path,
    mut on_run: impl FnMut(u64, &[String], &[Vec<f64>]) -> Result<(), Error>,
) -> Result<(), Error> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut reader = csv::ReaderBuilder::new().from_reader(std::io::BufReader::new(file));
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| inconsistent(path, e))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.first().map(String::as_str) != Some("run_id")
        || header.get(1).map(String::as_str) != Some("month")
    {
        return Err(inconsistent(
            path,
            "is not the long timeseries of a sweep or comparison (run_id, month, then the metrics)",
        ));
    }
    let columns = &header[1..];
    let mut seen = BTreeSet::new();
    let mut current: Option<u64> = None;
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| inconsistent(path, format!("line {line}: {e}")))?;
        let mut row = Vec::with_capacity(header.len());
        for (cell, name) in rec.iter().zip(&header) {
            let value = cell
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    inconsistent(
                        path,
                        format!("line {line}: `{cell}` in column `{name}` is not a finite number"),
                    )
                })?;
            row.push(value);
        }
        let id = row[0] as u64;
        if current != Some(id) {
            if let Some(done) = current {
                on_run(done, columns, &rows)?;
                rows.clear();
            }
            if !seen.insert(id) {
                return Err(inconsistent(
                    path,
                    format!("line {line}: the rows of run {id} do not lie together"),
                ));
            }
            current = Some(id);
        }
        row.remove(0);
        rows.push(row);
    }
    if let Some(done) = current {
        on_run(done, columns, &rows)?;
    }
    Ok(())
}

/// Reads the sweep or comparison folder `dir` (`runs.csv` and the long
/// `timeseries.csv`) and measures each finished run over `window` (months,
/// inclusive; the whole run if `None`). The caller checks the window
/// against [`Measured::months`].
pub fn measure(dir: &Path, kind: Kind, window: Option<[u32; 2]>) -> Result<Measured, Error> {
    let (mut groups, group_of) = read_runs(&dir.join("runs.csv"), kind)?;
    let series = dir.join("timeseries.csv");
    let mut months = u32::MAX;
    for_each_run(&series, |id, header, rows| {
        let Some(&g) = group_of.get(&id) else {
            return Err(inconsistent(
                &series,
                format!("has rows of run {id}, which runs.csv does not list as finished"),
            ));
        };
        months = months.min(rows.len() as u32);
        let values = measures::of_series(header, rows, window)
            .iter()
            .map(|m| m.value)
            .collect();
        groups[g].runs.push((id, values));
        Ok(())
    })?;
    let measured: usize = groups.iter().map(|g| g.runs.len()).sum();
    if measured == 0 {
        return Err(inconsistent(&series, "holds no rows of a finished run"));
    }
    if measured != group_of.len() {
        let with_rows: BTreeSet<u64> = groups
            .iter()
            .flat_map(|g| g.runs.iter().map(|r| r.0))
            .collect();
        let missing: Vec<String> = group_of
            .keys()
            .filter(|id| !with_rows.contains(id))
            .map(u64::to_string)
            .collect();
        return Err(inconsistent(
            &series,
            format!(
                "has no rows of run(s) {}, which runs.csv lists as finished",
                missing.join(", ")
            ),
        ));
    }
    Ok(Measured {
        kind,
        names: series_names(),
        groups,
        months,
    })
}

/// Whether `value` lies in `band`: `None` without a band or a value.
pub fn verdict(band: Option<&Band>, value: f64) -> Option<bool> {
    band.and_then(|b| b.holds(value))
}

/// A value as written: 6 decimals, or empty when it is not a number.
fn number(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

/// validation.csv of a sweep or comparison: per group and measure, the
/// mean across the group's runs, n, the 95% interval of the mean, the
/// measure's band and whether the mean lies in it.
pub fn validation_csv(measured: &Measured, targets: &Targets) -> Result<Vec<u8>, Error> {
    let io = |e: csv::Error| Error::Io {
        path: "validation.csv".into(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).map_err(io)?;
    for g in &measured.groups {
        for (k, (name, _)) in measured.names.iter().enumerate() {
            let s = g.summary(k);
            let band = targets.bands.get(*name);
            let pass = match verdict(band, s.mean) {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            w.write_record([
                g.point.as_str(),
                name,
                &number(s.mean),
                &s.n.to_string(),
                &number(s.low),
                &number(s.high),
                &band.map_or(String::new(), |b| b.low.to_string()),
                &band.map_or(String::new(), |b| b.high.to_string()),
                pass,
                band.map_or("", |b| b.source.as_str()),
            ])
            .map_err(io)?;
        }
    }
    w.into_inner().map_err(|e| Error::Io {
        path: "validation.csv".into(),
        source: std::io::Error::other(e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(runs: &str, series: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("runs.csv"), runs).unwrap();
        std::fs::write(dir.path().join("timeseries.csv"), series).unwrap();
        dir
    }

    /// A long timeseries: for each run, 12 months of a constant
    /// unemployment rate.
    fn series(rates: &[(u64, f64)]) -> String {
        let mut s = String::from("run_id,month,unemployment_rate,population\n");
        for (id, u) in rates {
            for month in 1..=12 {
                s.push_str(&format!("{id},{month},{u},100\n"));
            }
        }
        s
    }

    fn index(name: &str) -> usize {
        series_names().iter().position(|(n, _)| *n == name).unwrap()
    }

    #[test]
    fn names_are_those_of_a_run() {
        let names: Vec<&str> = series_names().iter().map(|(n, _)| *n).collect();
        assert_eq!(names[0], "unemployment_mean");
        assert!(names.iter().all(|n| measures::NAMES.contains(n)));
        assert!(!names.contains(&"density_gradient"));
    }

    #[test]
    fn a_sweep_groups_by_sample_id_and_skips_failed_runs() {
        let runs = "run_id,sample_id,replicate,seed,city.speed_kmh,status,message,wall_seconds\n\
                    0,p0001,0,5,16,ok,,0.1\n\
                    1,p0001,1,6,16,ok,,0.1\n\
                    2,p0001,2,7,16,failed,boom,0.1\n\
                    3,p0002,0,5,20,ok,,0.1\n\
                    4,p0002,1,6,20,ok,,0.1\n\
                    5,p0002,2,7,20,ok,,0.1\n";
        let dir = folder(
            runs,
            &series(&[(0, 0.02), (1, 0.04), (3, 0.05), (4, 0.06), (5, 0.10)]),
        );
        let m = measure(dir.path(), Kind::Sweep, None).unwrap();
        assert_eq!(m.months, 12);
        let points: Vec<(&str, &str, usize, usize, usize)> = m
            .groups
            .iter()
            .map(|g| {
                (
                    g.point.as_str(),
                    g.label.as_str(),
                    g.listed,
                    g.failed,
                    g.runs.len(),
                )
            })
            .collect();
        assert_eq!(
            points,
            [
                ("p0001", "speed_kmh=16", 3, 1, 2),
                ("p0002", "speed_kmh=20", 3, 0, 3)
            ]
        );
        let u = index("unemployment_mean");
        // 2% and 4%: mean 3, sd sqrt(2), t(1) = 12.706.
        let s = m.groups[0].summary(u);
        assert_eq!(s.n, 2);
        assert!((s.mean - 3.0).abs() < 1e-9);
        let half = 12.706_205 * 2f64.sqrt() / 2f64.sqrt();
        assert!((s.high - s.mean - half).abs() < 1e-5, "{s:?}");
        assert!((s.mean - s.low - half).abs() < 1e-5, "{s:?}");
        // 5, 6 and 10%: mean 7, sd sqrt(7), t(2) = 4.302653.
        let s = m.groups[1].summary(u);
        assert_eq!(s.n, 3);
        assert!((s.mean - 7.0).abs() < 1e-9);
        let half = 4.302_653 * 7f64.sqrt() / 3f64.sqrt();
        assert!((s.high - 7.0 - half).abs() < 1e-5, "{s:?}");
        // unemployment_sd of a constant rate is 0 in every run: a zero-width interval.
        let s = m.groups[1].summary(index("unemployment_sd"));
        assert_eq!(s.n, 3);
        assert!(
            [s.mean, s.low, s.high].iter().all(|x| x.abs() < 1e-9),
            "{s:?}"
        );
    }

    #[test]
    fn a_comparison_groups_by_scenario_and_writes_one_row_per_group_and_measure() {
        let runs = "run_id,scenario,scenario_file,replicate,seed\n\
                    0,A,a.toml,0,1\n1,B,b.toml,0,1\n2,A,a.toml,1,2\n3,B,b.toml,1,2\n";
        let dir = folder(runs, &series(&[(0, 0.1), (1, 0.2), (2, 0.3), (3, 0.2)]));
        let m = measure(dir.path(), Kind::Compare, None).unwrap();
        let ids: Vec<(&str, &str, Vec<u64>)> = m
            .groups
            .iter()
            .map(|g| {
                (
                    g.point.as_str(),
                    g.label.as_str(),
                    g.runs.iter().map(|r| r.0).collect(),
                )
            })
            .collect();
        assert_eq!(
            ids,
            [("A", "a.toml", vec![0, 2]), ("B", "b.toml", vec![1, 3])]
        );
        let targets = crate::validate::targets::parse(
            "[unemployment_mean]\nlow = 15\nhigh = 25\nsource = \"s\"\n",
            Path::new("t.toml"),
            measures::NAMES,
        )
        .unwrap();
        let csv = String::from_utf8(validation_csv(&m, &targets).unwrap()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], HEADER.join(","));
        assert_eq!(lines.len(), 1 + 2 * m.names.len());
        // A: 10% and 30%, mean 20 (in the band); B: 20% twice, a zero-width interval.
        let half = 12.706_205 * 200f64.sqrt() / 2f64.sqrt();
        let a: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(a[..4], ["A", "unemployment_mean", "20.000000", "2"]);
        assert!((a[4].parse::<f64>().unwrap() - (20.0 - half)).abs() < 1e-4);
        assert_eq!(a[6..], ["15", "25", "yes", "s"]);
        let b = lines[1 + m.names.len()];
        assert_eq!(
            b,
            "B,unemployment_mean,20.000000,2,20.000000,20.000000,15,25,yes,s"
        );
        // A measure no run can tell (too few months for a yearly figure):
        // empty value, n 0, no verdict.
        let phillips = lines
            .iter()
            .find(|l| l.starts_with("A,phillips_slope,"))
            .unwrap();
        assert_eq!(*phillips, "A,phillips_slope,,0,,,,,,");
    }

    #[test]
    fn one_run_has_no_interval() {
        let runs = "run_id,sample_id,replicate,seed,status,message,wall_seconds\n\
                    0,p1,0,5,ok,,0.1\n";
        let dir = folder(runs, &series(&[(0, 0.05)]));
        let m = measure(dir.path(), Kind::Sweep, None).unwrap();
        assert_eq!(m.groups[0].label, "");
        let s = m.groups[0].summary(index("unemployment_mean"));
        assert_eq!(s.n, 1);
        assert!((s.mean - 5.0).abs() < 1e-9);
        assert!(s.low.is_nan() && s.high.is_nan());
        let csv = String::from_utf8(validation_csv(&m, &Targets::default()).unwrap()).unwrap();
        assert!(
            csv.contains("\np1,unemployment_mean,5.000000,1,,,,,,\n"),
            "{csv}"
        );
    }

    #[test]
    fn inconsistent_folders_are_refused() {
        let runs = "run_id,scenario,scenario_file,replicate,seed\n0,A,a.toml,0,1\n1,B,b.toml,0,1\n";
        // Rows of a run runs.csv does not list.
        let dir = folder(runs, &series(&[(0, 0.1), (1, 0.1), (7, 0.1)]));
        let e = measure(dir.path(), Kind::Compare, None).unwrap_err();
        assert!(e.to_string().contains("rows of run 7"), "{e}");
        // A run listed as finished without rows.
        let dir = folder(runs, &series(&[(0, 0.1)]));
        let e = measure(dir.path(), Kind::Compare, None).unwrap_err();
        assert!(e.to_string().contains("no rows of run(s) 1"), "{e}");
        // A run's rows split in two.
        let mut text = series(&[(0, 0.1), (1, 0.1)]);
        text.push_str("0,13,0.1,100\n");
        let dir = folder(runs, &text);
        let e = measure(dir.path(), Kind::Compare, None).unwrap_err();
        assert!(e.to_string().contains("do not lie together"), "{e}");
    }

    #[test]
    fn the_window_limits_the_months_measured() {
        let runs = "run_id,sample_id,replicate,seed,status,message,wall_seconds\n\
                    0,p1,0,5,ok,,0.1\n";
        let mut text = String::from("run_id,month,unemployment_rate,population\n");
        for month in 1..=24 {
            let u = if month <= 12 { 0.02 } else { 0.08 };
            text.push_str(&format!("0,{month},{u},100\n"));
        }
        let dir = folder(runs, &text);
        let u = index("unemployment_mean");
        let all = measure(dir.path(), Kind::Sweep, None).unwrap();
        assert_eq!(all.months, 24);
        assert!((all.groups[0].summary(u).mean - 5.0).abs() < 1e-9);
        let late = measure(dir.path(), Kind::Sweep, Some([13, 24])).unwrap();
        assert!((late.groups[0].summary(u).mean - 8.0).abs() < 1e-9);
    }
}
