//! Experiments: parameter sweeps with replicates, run in parallel here or as
//! shards of a cluster job array, and merged into long tables with summaries.
//!
//! A sweep file names a base scenario, the parameters to vary (a list of
//! values, a `{ start, stop, step }` range, or an external design CSV with a
//! `sample_id` column), the number of replicates and a base seed. Every
//! parameter point runs the same replicate seeds (common random numbers).
//! Runs are numbered in (point, replicate) order; each finished run is saved
//! whole under `parts/`, so a sweep that dies is resumed by running it again,
//! and shards that share the folder are joined by [`merge::merge`].
//!
//! This module does no printing and reads no environment: the caller passes
//! the shard and reports progress.

pub mod compare;
pub mod merge;
pub mod run;
pub mod spec;
pub mod stats;

pub use compare::{Comparison, Difference, compare, compare_runs};
pub use merge::{MergeReport, merge};
pub use run::{RunOutcome, RunStatus, run_sweep};
pub use spec::{Plan, Point, RunSpec, Shard, SweepSpec, load_sweep, replicate_seed};
