//! Paired comparisons of two scenarios: each replicate runs both with the
//! same seed (common random numbers), and each metric's difference B - A,
//! averaged over a window of months, is summarised with a 95% interval.
//! Each run's monthly rows are also kept, as CSV text, for the long
//! `timeseries.csv` of a comparison folder (what its charts are drawn from).
//!
//! [`Request`] is `polis compare`: it checks that two loaded scenarios can be
//! paired, runs them, renders the table of differences and writes the
//! comparison folder (`compare.csv`, `runs.csv`, `timeseries.csv`,
//! `manifest.json`).

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::Error;
use crate::experiment::spec::replicate_seed;
use crate::experiment::stats::{Summary, summarise};
use crate::metrics::Row;
use crate::output::manifest::{CompareSubject, FileSum, Manifest, Subject, path_texts};
use crate::output::{atomic_write, timeseries_csv};
use crate::run::{Rows, WindowSums, run};
use crate::scenario::Loaded;
use crate::scenario::Scenario;

/// One metric's paired difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Column of timeseries.csv.
    pub metric: String,
    /// Mean of A over the window and replicates.
    pub mean_a: f64,
    /// Mean of B over the window and replicates.
    pub mean_b: f64,
    /// Paired difference B - A across replicates.
    pub diff: Summary,
}

/// A comparison: the paired differences and each run's monthly rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// One entry per metric, in the column order of timeseries.csv.
    pub differences: Vec<Difference>,
    /// Each run's rows as the body of its timeseries.csv (no header), in run
    /// order: run `2 r` is A and run `2 r + 1` is B with replicate seed `r`.
    pub series: Vec<Vec<u8>>,
}

/// Runs `a` and `b` for `replicates` seeds derived from `seed` and compares
/// them over months `window` (inclusive). Both must simulate the same months.
pub fn compare(
    a: &Scenario,
    b: &Scenario,
    replicates: u32,
    seed: u64,
    window: [u32; 2],
) -> Result<Vec<Difference>, Error> {
    Ok(compare_runs(a, b, replicates, seed, window)?.differences)
}

/// As [`compare`], also keeping every run's monthly rows.
pub fn compare_runs(
    a: &Scenario,
    b: &Scenario,
    replicates: u32,
    seed: u64,
    window: [u32; 2],
) -> Result<Comparison, Error> {
    let runs: Vec<(u32, bool)> = (0..replicates)
        .flat_map(|r| [(r, false), (r, true)])
        .collect();
    let sectors = a.sector_names();
    let results: Vec<(Vec<f64>, Vec<u8>)> = runs
        .par_iter()
        .map(|&(r, is_b)| {
            let mut s = if is_b { b.clone() } else { a.clone() };
            s.simulation.seed = replicate_seed(seed, r);
            let months = s.simulation.months;
            let mut sums = WindowSums::new(window);
            let mut rows = Rows::with_capacity(months);
            run(
                s.check().map_err(Error::Scenario)?,
                &mut (&mut sums, &mut rows),
            )?;
            let rows = rows.0;
            // Kept as text: a run's rows are ten times larger as structs.
            let csv = timeseries_csv(&rows, &sectors)?;
            let body = csv
                .iter()
                .position(|&c| c == b'\n')
                .map_or(Vec::new(), |end| csv[end + 1..].to_vec());
            Ok((sums.means(), body))
        })
        .collect::<Result<_, Error>>()?;
    let (results, series): (Vec<Vec<f64>>, Vec<Vec<u8>>) = results.into_iter().unzip();
    let metrics = Row::header(&sectors)[1..].to_vec();
    let differences = metrics
        .iter()
        .enumerate()
        .map(|(m, name)| {
            let pairs: Vec<(f64, f64)> = (0..replicates as usize)
                .map(|r| (results[2 * r][m], results[2 * r + 1][m]))
                .collect();
            let n = pairs.len() as f64;
            Difference {
                metric: name.clone(),
                mean_a: pairs.iter().map(|p| p.0).sum::<f64>() / n,
                mean_b: pairs.iter().map(|p| p.1).sum::<f64>() / n,
                diff: summarise(&pairs.iter().map(|p| p.1 - p.0).collect::<Vec<_>>()),
            }
        })
        .collect();
    Ok(Comparison {
        differences,
        series,
    })
}

/// A comparison that cannot be made as asked (bad input): what is wrong and
/// what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

fn refuse(message: String, hint: impl Into<String>) -> Refusal {
    Refusal {
        message,
        hint: hint.into(),
    }
}

/// One scenario of a comparison: the file given and what was loaded from it.
#[derive(Debug, Clone)]
pub struct Side {
    /// The scenario file, as given.
    pub path: PathBuf,
    /// The scenario loaded from it, with the comparison's overrides.
    pub loaded: Loaded,
}

/// How to pair two scenarios.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pairing {
    /// Replicates: seeds, each run with both scenarios.
    pub replicates: u32,
    /// Base seed of the replicates (as a sweep's `seed`).
    pub seed: u64,
    /// Months averaged, inclusive [default: the last 12].
    pub window: Option<[u32; 2]>,
}

/// A comparison of scenario `b` with scenario `a` that can be made: both
/// simulate the same months and sectors, and the window and replicates fit.
#[derive(Debug, Clone)]
pub struct Request {
    /// Scenario A.
    pub a: Side,
    /// Scenario B; the differences are B - A.
    pub b: Side,
    /// Replicates.
    pub replicates: u32,
    /// Base seed of the replicates.
    pub seed: u64,
    /// Months averaged, inclusive.
    pub window: [u32; 2],
}

impl Request {
    /// Checks that `a` and `b` can be compared as `pairing` asks.
    pub fn new(a: Side, b: Side, pairing: Pairing) -> Result<Request, Refusal> {
        let (sa, sb) = (&a.loaded.scenario, &b.loaded.scenario);
        let months = sa.simulation.months;
        if sb.simulation.months != months {
            return Err(refuse(
                format!(
                    "{} simulates {} months and {} simulates {}; a paired comparison needs the same months",
                    a.path.display(),
                    months,
                    b.path.display(),
                    sb.simulation.months
                ),
                "set both with --set simulation.months=N",
            ));
        }
        let sectors = sa.sector_names();
        if sb.sector_names() != sectors {
            return Err(refuse(
                format!(
                    "{} and {} have different sectors ({} and {}); their columns cannot be paired",
                    a.path.display(),
                    b.path.display(),
                    sectors.join(", "),
                    sb.sector_names().join(", ")
                ),
                "compare scenarios that share their sectors",
            ));
        }
        let window = pairing
            .window
            .unwrap_or([months.saturating_sub(11).max(1), months]);
        if window[1] > months {
            return Err(refuse(
                format!(
                    "--window {}:{} ends after the last month ({months})",
                    window[0], window[1]
                ),
                format!("months run from 1 to {months}"),
            ));
        }
        let most = crate::experiment::spec::MAX_RUNS / 2;
        if pairing.replicates as u64 > most {
            return Err(refuse(
                format!(
                    "--replicates {}: a comparison of {} runs, more than the {} polis runs in one",
                    pairing.replicates,
                    2 * pairing.replicates as u64,
                    2 * most
                ),
                format!("give at most {most} replicates"),
            ));
        }
        Ok(Request {
            a,
            b,
            replicates: pairing.replicates,
            seed: pairing.seed,
            window,
        })
    }

    /// Months each run simulates.
    pub fn months(&self) -> u32 {
        self.a.loaded.scenario.simulation.months
    }

    /// The side whose runs need the more memory.
    pub fn larger(&self) -> &Side {
        if crate::output::memory_estimate(&self.a.loaded.scenario)
            >= crate::output::memory_estimate(&self.b.loaded.scenario)
        {
            &self.a
        } else {
            &self.b
        }
    }

    /// Runs every replicate of both scenarios on the current thread pool.
    pub fn run(&self) -> Result<Comparison, Error> {
        compare_runs(
            &self.a.loaded.scenario,
            &self.b.loaded.scenario,
            self.replicates,
            self.seed,
            self.window,
        )
    }

    /// The table `polis compare` prints: each metric's means, B - A and its
    /// 95% interval, `*` where the interval leaves out 0.
    pub fn table(&self, diffs: &[Difference]) -> String {
        table(
            diffs,
            &self.a.path,
            &self.b.path,
            self.window,
            self.replicates,
        )
    }

    /// The comparison's manifest, before its files are listed: `threads`
    /// runs were made at a time.
    pub fn manifest(&self, threads: usize) -> Manifest {
        let subject = CompareSubject {
            scenario_a: self.a.path.display().to_string(),
            scenario_b: self.b.path.display().to_string(),
            scenario_a_files: path_texts(&self.a.loaded.files),
            scenario_b_files: path_texts(&self.b.loaded.files),
            window: self.window,
        };
        Manifest {
            threads: Some(threads),
            replicates: Some(self.replicates),
            replicate_seeds: (0..self.replicates)
                .map(|r| replicate_seed(self.seed, r))
                .collect(),
            ..Manifest::new(
                Subject::Compare(subject),
                self.a.loaded.overrides.clone(),
                self.seed,
                self.months(),
            )
        }
    }

    /// Writes `compare.csv`, `runs.csv`, the long `timeseries.csv` and
    /// `manifest.json` into `out` (created if needed), each atomically;
    /// returns their paths.
    pub fn write(
        &self,
        out: &Path,
        comparison: &Comparison,
        threads: usize,
    ) -> Result<Vec<PathBuf>, Error> {
        std::fs::create_dir_all(out).map_err(|source| Error::Io {
            path: out.display().to_string(),
            source,
        })?;
        let table = compare_csv(&comparison.differences)?;
        let (runs, series) = self.runs_and_series(comparison)?;
        let mut manifest = self.manifest(threads);
        manifest.set_files(
            &COMPARE_FILES,
            &[
                ("compare.csv", FileSum::of(&table)),
                ("runs.csv", FileSum::of(&runs)),
                ("timeseries.csv", FileSum::of(&series)),
            ],
        );
        let paths = [
            out.join("compare.csv"),
            out.join("runs.csv"),
            out.join("timeseries.csv"),
            out.join("manifest.json"),
        ];
        atomic_write(&paths[0], &table)?;
        atomic_write(&paths[1], &runs)?;
        atomic_write(&paths[2], &series)?;
        atomic_write(&paths[3], &manifest.to_json()?)?;
        Ok(paths.to_vec())
    }

    /// `runs.csv` and the long `timeseries.csv`, in the style of a sweep's:
    /// run 2r is A and run 2r+1 is B, both with replicate seed r.
    fn runs_and_series(&self, comparison: &Comparison) -> Result<(Vec<u8>, Vec<u8>), Error> {
        let mut runs = csv::Writer::from_writer(Vec::new());
        runs.write_record(["run_id", "scenario", "scenario_file", "replicate", "seed"])
            .map_err(csv_error("runs.csv"))?;
        let mut series = format!(
            "run_id,{}\n",
            Row::header(&self.a.loaded.scenario.sector_names()).join(",")
        )
        .into_bytes();
        for (run_id, body) in comparison.series.iter().enumerate() {
            let replicate = run_id as u32 / 2;
            let (label, file) = if run_id % 2 == 0 {
                ("A", &self.a.path)
            } else {
                ("B", &self.b.path)
            };
            runs.write_record([
                run_id.to_string(),
                label.to_string(),
                file.display().to_string(),
                replicate.to_string(),
                replicate_seed(self.seed, replicate).to_string(),
            ])
            .map_err(csv_error("runs.csv"))?;
            for line in body.split_inclusive(|&c| c == b'\n') {
                series.extend_from_slice(format!("{run_id},").as_bytes());
                series.extend_from_slice(line);
            }
        }
        let runs = runs
            .into_inner()
            .map_err(|e| csv_error("runs.csv")(e.into_error().into()))?;
        Ok((runs, series))
    }
}

/// The files a comparison writes besides its manifest, as its manifest
/// lists them.
pub const COMPARE_FILES: [&str; 3] = ["compare.csv", "runs.csv", "timeseries.csv"];

fn csv_error(file: &'static str) -> impl Fn(csv::Error) -> Error {
    move |e| Error::Io {
        path: file.into(),
        source: std::io::Error::other(e),
    }
}

/// `compare.csv`: one line per metric.
pub fn compare_csv(diffs: &[Difference]) -> Result<Vec<u8>, Error> {
    let number = |x: f64| {
        if x.is_nan() {
            String::new()
        } else {
            format!("{x}")
        }
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "metric",
        "mean_a",
        "mean_b",
        "diff_mean",
        "diff_sd",
        "diff_ci_low",
        "diff_ci_high",
        "n",
    ])
    .map_err(csv_error("compare.csv"))?;
    for d in diffs {
        let mut rec = vec![d.metric.clone()];
        rec.extend(
            [
                d.mean_a,
                d.mean_b,
                d.diff.mean,
                d.diff.sd,
                d.diff.low,
                d.diff.high,
            ]
            .map(number),
        );
        rec.push(d.diff.n.to_string());
        w.write_record(&rec).map_err(csv_error("compare.csv"))?;
    }
    w.into_inner()
        .map_err(|e| csv_error("compare.csv")(e.into_error().into()))
}

/// A number for the comparison table: four significant digits, or
/// scientific notation when very large or small; `n/a` for NaN.
pub fn short(x: f64) -> String {
    if x.is_nan() {
        return "n/a".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let size = x.abs();
    if !(1e-3..1e6).contains(&size) {
        return format!("{x:.3e}");
    }
    let decimals = (3 - size.log10().floor() as i32).clamp(0, 6) as usize;
    format!("{x:.decimals$}")
}

/// Whether a difference's 95% interval leaves out zero.
pub fn excludes_zero(d: &Difference) -> bool {
    d.diff.low > 0.0 || d.diff.high < 0.0
}

/// The table of differences of `b` (B) against `a` (A) over `window`, with
/// `replicates` pairs.
pub fn table(
    diffs: &[Difference],
    a: &Path,
    b: &Path,
    window: [u32; 2],
    replicates: u32,
) -> String {
    let head = ["metric", "mean A", "mean B", "B - A", "95% interval", ""];
    let rows: Vec<[String; 6]> = diffs
        .iter()
        .map(|d| {
            [
                d.metric.clone(),
                short(d.mean_a),
                short(d.mean_b),
                short(d.diff.mean),
                format!("[{}, {}]", short(d.diff.low), short(d.diff.high)),
                if excludes_zero(d) { "*" } else { "" }.to_string(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..6)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([head[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: [&str; 6]| {
        let mut s = format!("{:<w$}", cells[0], w = widths[0]);
        for c in 1..5 {
            s.push_str(&format!("  {:>w$}", cells[c], w = widths[c]));
        }
        s.push_str(&format!(" {}", cells[5]));
        s.trim_end().to_string() + "\n"
    };
    let mut out = format!(
        "A = {}, B = {}; means over months {} to {}, {} paired replicates\n\n",
        a.display(),
        b.display(),
        window[0],
        window[1],
        replicates
    );
    out.push_str(&line(head));
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]));
    }
    let marked = diffs.iter().filter(|d| excludes_zero(d)).count();
    out.push_str(&format!(
        "\n* the 95% interval of B - A leaves out 0 ({marked} of {} metrics)\n",
        diffs.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_short() {
        assert_eq!(short(12345.6), "12346");
        assert_eq!(short(0.05234), "0.05234");
        assert_eq!(short(-1.5), "-1.500");
        assert_eq!(short(2.5e9), "2.500e9");
        assert_eq!(short(f64::NAN), "n/a");
    }
}
