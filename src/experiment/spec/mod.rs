//! The sweep file and the plan it expands to: points, runs, seeds.

mod design;
mod grid;
mod place;
mod plan;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::rng::mix64;
pub use plan::load_sweep;

/// A sweep file, as written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// The base scenario, relative to the sweep file.
    pub base: String,
    /// Replicates per parameter point.
    #[serde(default = "default_replicates")]
    pub replicates: u32,
    /// Base seed; replicate r runs with `replicate_seed(seed, r)`.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Months to simulate, overriding the base scenario's.
    #[serde(default)]
    pub months: Option<u32>,
    /// Parameters to vary: dotted key -> values or `{ start, stop, step }`.
    #[serde(default)]
    pub parameters: BTreeMap<String, Values>,
    /// An external design: a CSV file with `sample_id` and one column per parameter.
    #[serde(default)]
    pub design: Option<String>,
    /// Months over which `summary.csv` averages (first, last); default the last 12.
    #[serde(default)]
    pub window: Option<[u32; 2]>,
}

fn default_replicates() -> u32 {
    1
}

fn default_seed() -> u64 {
    1
}

/// Values of one parameter: a list, or an inclusive numeric range.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Values {
    /// Explicit values.
    List(Vec<toml::Value>),
    /// `start`, `start + step`, ... up to `stop` (inclusive, within a tolerance).
    Range {
        /// First value.
        start: f64,
        /// Last value (inclusive).
        stop: f64,
        /// Increment (positive).
        step: f64,
    },
}

/// One parameter point: its id and its values, in key order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Point {
    /// `p0001`-style for a grid; the design's `sample_id` for a design.
    pub sample_id: String,
    /// Dotted key and value, as TOML text (`12`, `2.5`, `true`).
    pub values: Vec<(String, String)>,
}

/// One run of the plan.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct RunSpec {
    /// Run number, from 0, in (point, replicate) order.
    pub run_id: u32,
    /// Index of the point.
    pub point: u32,
    /// Replicate number, from 0.
    pub replicate: u32,
    /// Seed of the run.
    pub seed: u64,
}

/// A sweep expanded: everything needed to run and merge it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Plan {
    /// The sweep file as written.
    pub spec: SweepSpec,
    /// The base scenario's path, resolved.
    pub base_path: PathBuf,
    /// Names of the varied parameters, in column order.
    pub parameters: Vec<String>,
    /// Parameter points.
    pub points: Vec<Point>,
    /// Runs.
    pub runs: Vec<RunSpec>,
    /// Sector names of the base scenario (for column names).
    pub sectors: Vec<String>,
    /// Months each run simulates.
    pub months: u32,
    /// Months averaged in the summary's window (first, last).
    pub window: [u32; 2],
}

/// Which runs a process does: those with `run_id % count == index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 0.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Whether this shard does `run`.
    pub fn owns(&self, run: &RunSpec) -> bool {
        run.run_id % self.count == self.index
    }

    /// Parses `I/N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not I/N (for example 0/4)"))?;
        let index: u32 = i
            .trim()
            .parse()
            .map_err(|_| format!("`{i}` is not a shard number"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a shard count"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "shard {index}/{count}: the index must be below the count, counting from 0"
            ));
        }
        Ok(Shard { index, count })
    }
}

/// The seed of replicate `r`: a hash of the base seed and `r`, the same at
/// every parameter point (common random numbers), below 2^63 so that it is a
/// valid scenario seed.
pub fn replicate_seed(base: u64, r: u32) -> u64 {
    mix64(base ^ mix64(0x5EED_0000_0000_0000 | r as u64)) >> 1
}

/// Most runs a sweep may have (points times replicates): a sweep of 100,000
/// runs keeps 200,000 part files and a plan of about 10 MB; a larger
/// experiment is split into several sweeps.
pub const MAX_RUNS: u64 = 100_000;

/// Most values one range may expand to.
pub const MAX_RANGE_VALUES: u64 = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicate_seeds_are_valid_distinct_and_stable() {
        let seeds: Vec<u64> = (0..100).map(|r| replicate_seed(7, r)).collect();
        assert!(seeds.iter().all(|&s| s <= i64::MAX as u64));
        let unique: std::collections::BTreeSet<_> = seeds.iter().collect();
        assert_eq!(unique.len(), 100);
        assert_eq!(replicate_seed(7, 3), seeds[3]);
    }

    #[test]
    fn shards_split_runs_without_overlap() {
        let runs: Vec<RunSpec> = (0..10)
            .map(|i| RunSpec {
                run_id: i,
                point: 0,
                replicate: i,
                seed: 0,
            })
            .collect();
        let shards: Vec<Shard> = (0..3).map(|i| Shard { index: i, count: 3 }).collect();
        for r in &runs {
            assert_eq!(shards.iter().filter(|s| s.owns(r)).count(), 1);
        }
        assert!(Shard::parse("3/3").is_err());
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
    }
}
