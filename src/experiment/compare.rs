//! Paired comparisons of two scenarios: each replicate runs both with the
//! same seed (common random numbers), and each metric's difference B - A,
//! averaged over a window of months, is summarised with a 95% interval.
//! Each run's monthly rows are also kept, as CSV text, for the long
//! `timeseries.csv` of a comparison folder (what its charts are drawn from).

use rayon::prelude::*;

use crate::error::Error;
use crate::experiment::spec::replicate_seed;
use crate::experiment::stats::{Summary, summarise};
use crate::metrics::Row;
use crate::output::timeseries_csv;
use crate::scenario::Scenario;
use crate::step::Simulation;

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
            let mut sim = Simulation::new(s);
            let mut sums: Vec<f64> = Vec::new();
            let mut count = 0.0;
            let mut rows = Vec::with_capacity(months as usize);
            for _ in 0..months {
                let row = sim.step()?;
                if row.month >= window[0] && row.month <= window[1] {
                    let values = &row.values()[1..];
                    if sums.is_empty() {
                        sums = vec![0.0; values.len()];
                    }
                    for (s, v) in sums.iter_mut().zip(values) {
                        *s += v;
                    }
                    count += 1.0;
                }
                rows.push(row);
            }
            // Kept as text: a run's rows are ten times larger as structs.
            let csv = timeseries_csv(&rows, &sectors)?;
            let body = csv
                .iter()
                .position(|&c| c == b'\n')
                .map_or(Vec::new(), |end| csv[end + 1..].to_vec());
            Ok((sums.into_iter().map(|s| s / count).collect(), body))
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
