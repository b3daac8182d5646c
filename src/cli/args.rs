//! The command line's grammar: every subcommand and option (clap), and the
//! parsers of option values.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use polis::experiment::Shard;

#[derive(Parser)]
#[command(
    name = "polis",
    version,
    about = "An agent-based simulator of a city's economy (IMP / ILP / MEI levers)"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Run one scenario and write timeseries.csv, zones.csv and manifest.json.
    Run(RunArgs),
    /// Check a scenario and print it fully resolved, as TOML; writes nothing.
    Check(CheckArgs),
    /// Print every scenario key: type, default, unit, range, meaning, source.
    Params {
        /// Print Markdown tables (the text of docs/PARAMETERS.md).
        #[arg(long)]
        markdown: bool,
    },
    /// Print a JSON Schema (draft 2020-12) of scenario files, for editors.
    Schema,
    /// Write a commented starter scenario NAME.toml in the current folder.
    Init {
        /// Name of the scenario; the file is NAME.toml (or NAME if it ends in .toml).
        name: String,
    },
    /// Run a parameter sweep (or one shard of it) and merge it into tables.
    Sweep(SweepArgs),
    /// Join the parts of a sweep folder into runs.csv, timeseries.csv and summary.csv.
    Merge(MergeArgs),
    /// Compare two scenarios over paired replicates (the same seeds for both).
    Compare(CompareArgs),
    /// Draw charts (and, for a run, maps) of a run, sweep or comparison
    /// folder as SVG or PNG files (the page: `polis report`).
    Plot(PlotArgs),
    /// Write DIR/report.html for a run, sweep or comparison folder: one
    /// self-contained page (charts, maps, scenario, events, links to the CSV
    /// files) that opens offline in any browser.
    Report(ReportArgs),
    /// Compute a run's stylized facts (unemployment, Beveridge, Okun,
    /// Phillips, inflation, wages, firm dynamics, commutes, inequality,
    /// gradients), print them and write DIR/validation.csv.
    Validate(ValidateArgs),
    /// Time the standard suite (a small city, the baseline, the megacity) at
    /// 1 thread and at N threads; print, save and compare the figures.
    Bench(BenchArgs),
    /// One measured run of `polis bench`, in a process of its own: prints
    /// its figures as JSON on stdout.
    #[command(hide = true)]
    BenchOne(BenchOneArgs),
    /// Builds a city and runs some months, printing nothing: the workload of
    /// bench/instructions.sh.
    #[command(hide = true)]
    BenchStep(BenchStepArgs),
}

#[derive(clap::Args)]
pub(crate) struct BenchArgs {
    /// The quick suite: the small city and the baseline at 24 months, no
    /// megacity.
    #[arg(long)]
    pub(crate) quick: bool,
    /// Also write the figures as JSON to FILE (fields: see README,
    /// "Performance").
    #[arg(long, value_name = "FILE")]
    pub(crate) json: Option<PathBuf>,
    /// Compare with a report written by --json; exit with 1 when a figure is
    /// worse than the bound of --max-regression.
    #[arg(long, value_name = "BASELINE.json")]
    pub(crate) compare: Option<PathBuf>,
    /// Largest regression --compare lets pass, a fraction: 0.10 is 10% fewer
    /// resident-months per second or 10% more peak memory.
    #[arg(long, default_value_t = 0.10, value_name = "FRACTION", value_parser = parse_fraction)]
    pub(crate) max_regression: f64,
    /// Threads of the parallel runs [default: all cores]; every case also
    /// runs at 1 thread.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: Option<u32>,
    /// Runs per case and thread count, of which the median is reported (the
    /// megacity runs once).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub(crate) repeat: u32,
    /// Months of the megacity.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) megacity_months: u32,
    /// Folder holding baseline.toml and megacity.toml [default: ./scenarios,
    /// else the scenarios of the source tree polis was built from].
    #[arg(long, value_name = "DIR")]
    pub(crate) scenarios: Option<PathBuf>,
    /// Read the figures from FILE (written by --json) instead of running the
    /// suite: to print or --compare saved figures.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["quick", "json", "threads", "repeat", "megacity_months", "scale"]
    )]
    pub(crate) from: Option<PathBuf>,
    /// Factor on the residents of every case (for tests of this command).
    #[arg(long, default_value_t = 1.0, hide = true, value_parser = parse_scale)]
    pub(crate) scale: f64,
}

/// Picture format of `polis plot`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum PlotFormat {
    /// Scalable vector graphics.
    Svg,
    /// PNG bitmap.
    Png,
}

/// Map layers of `polis plot --map`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum MapLayer {
    /// Residents living in each zone.
    Residents,
    /// Jobs in each zone (employed residents whose workplace is there).
    Jobs,
    /// Monthly rent of a dwelling.
    Rent,
    /// Mean one-way commute of the employed living in each zone.
    Commute,
}

#[derive(clap::Args)]
pub(crate) struct PlotArgs {
    /// Folder of a run (`polis run --out`), a sweep (`polis sweep --out`) or
    /// a comparison (`polis compare --out`).
    pub(crate) dir: PathBuf,
    /// Folder for the pictures [default: DIR/plots].
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Picture format.
    #[arg(long, value_enum, default_value_t = PlotFormat::Svg)]
    pub(crate) format: PlotFormat,
    /// Maps to draw, for a run: residents, jobs, rent, commute (repeatable
    /// or comma-separated) [default: all four].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub(crate) map: Vec<MapLayer>,
    /// Month of the maps: one of the snapshot months of zones.csv (every
    /// 12th and the last) [default: the last].
    #[arg(long, value_name = "M")]
    pub(crate) map_month: Option<u32>,
    /// Print nothing but errors.
    #[arg(long)]
    pub(crate) quiet: bool,
}

#[derive(clap::Args)]
pub(crate) struct ReportArgs {
    /// Folder of a run, a sweep or a comparison; report.html is written
    /// into it, beside the files it links to.
    pub(crate) dir: PathBuf,
    /// Print nothing but errors.
    #[arg(long)]
    pub(crate) quiet: bool,
}

#[derive(clap::Args)]
pub(crate) struct ValidateArgs {
    /// Folder of a run; validation.csv is written into it.
    pub(crate) dir: PathBuf,
    /// Months to measure, FROM:TO (inclusive) [default: the whole run].
    #[arg(long, value_parser = parse_window)]
    pub(crate) window: Option<[u32; 2]>,
    /// A targets file: for each measure a band (low, high) and its source;
    /// validation.csv then says whether each value lies in its band.
    #[arg(long)]
    pub(crate) targets: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long)]
    pub(crate) quiet: bool,
}

#[derive(clap::Args)]
pub(crate) struct BenchOneArgs {
    /// Case name written into the figures.
    #[arg(long)]
    pub(crate) name: String,
    /// Scenario file.
    #[arg(long)]
    pub(crate) scenario: PathBuf,
    /// Residents.
    #[arg(long)]
    pub(crate) residents: u32,
    /// Months.
    #[arg(long)]
    pub(crate) months: u32,
    /// Worker threads.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: u32,
}

#[derive(clap::Args)]
pub(crate) struct BenchStepArgs {
    /// Scenario file [default: baseline.toml of the scenarios folder].
    #[arg(long)]
    pub(crate) scenario: Option<PathBuf>,
    /// Residents.
    #[arg(long, default_value_t = 10_000)]
    pub(crate) residents: u32,
    /// Months to run after set-up (0: set-up only).
    #[arg(long, default_value_t = 1)]
    pub(crate) steps: u32,
    /// Worker threads.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: u32,
}

/// A fraction from 0 to 1.
pub(crate) fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{text}` is not a fraction from 0 to 1 (0.10 is 10%)"
        )),
    }
}

/// A positive factor.
pub(crate) fn parse_scale(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
        _ => Err(format!("`{text}` is not a positive number")),
    }
}

#[derive(clap::Args)]
pub(crate) struct SweepArgs {
    /// Sweep file (TOML): a base scenario, the parameters to vary, replicates.
    pub(crate) sweep: PathBuf,
    /// Output folder; a sweep that stopped is resumed by running it again
    /// with the same folder.
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// Runs at a time [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) jobs: Option<u32>,
    /// Do only shard I of N (runs whose number modulo N is I) [default: from
    /// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT when set, else all runs].
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub(crate) shard: Option<Shard>,
    /// Print nothing but errors and failed runs.
    #[arg(long)]
    pub(crate) quiet: bool,
}

#[derive(clap::Args)]
pub(crate) struct MergeArgs {
    /// Sweep folder (the --out of `polis sweep`).
    pub(crate) dir: PathBuf,
    /// Print nothing but errors and failed runs.
    #[arg(long)]
    pub(crate) quiet: bool,
}

#[derive(clap::Args)]
pub(crate) struct CompareArgs {
    /// Scenario A (TOML).
    pub(crate) a: PathBuf,
    /// Scenario B (TOML); the table shows B - A.
    pub(crate) b: PathBuf,
    /// Replicates: seeds, each run with both A and B.
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub(crate) replicates: u32,
    /// Base seed of the replicates (the same derivation as a sweep's `seed`).
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Months averaged, inclusive, as FROM:TO [default: the last 12 months].
    #[arg(long, value_name = "FROM:TO", value_parser = parse_window)]
    pub(crate) window: Option<[u32; 2]>,
    /// Also write compare.csv, runs.csv, the long timeseries.csv and
    /// manifest.json into this folder.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Runs at a time [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) jobs: Option<u32>,
    /// Set a key in both scenarios: --set simulation.residents=20000 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,
    /// Print nothing but errors.
    #[arg(long)]
    pub(crate) quiet: bool,
}

pub(crate) fn parse_shard(text: &str) -> Result<Shard, String> {
    Shard::parse(text)
}

/// `FROM:TO`, two month numbers.
pub(crate) fn parse_window(text: &str) -> Result<[u32; 2], String> {
    let (from, to) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}` is not FROM:TO (for example 49:60)"))?;
    let month = |m: &str| {
        m.trim()
            .parse::<u32>()
            .map_err(|_| format!("`{m}` is not a month number"))
    };
    let window = [month(from)?, month(to)?];
    if window[0] < 1 || window[0] > window[1] {
        return Err(format!(
            "`{text}`: months count from 1 and FROM must not be after TO"
        ));
    }
    Ok(window)
}

#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// Scenario file (TOML).
    pub(crate) scenario: PathBuf,
    /// Set a key, overriding the file: --set city.width=12 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,
    /// Output folder [default: out/<scenario name>].
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Seed: the same as --set simulation.seed=N.
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Months to simulate: the first N months of the scenario (later events do not fire).
    #[arg(long)]
    pub(crate) steps: Option<u32>,
    /// Worker threads [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub(crate) threads: Option<u32>,
    /// After the run, print the wall time of each phase, of set-up and in
    /// all (also with --quiet).
    #[arg(long)]
    pub(crate) timings: bool,
    /// Print nothing but errors.
    #[arg(long)]
    pub(crate) quiet: bool,
}

#[derive(clap::Args)]
pub(crate) struct CheckArgs {
    /// Scenario file (TOML).
    pub(crate) scenario: PathBuf,
    /// Set a key, overriding the file: --set city.width=12 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub(crate) set: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_and_fractions_parse() {
        assert_eq!(parse_window("49:60"), Ok([49, 60]));
        assert!(parse_window("60:49").is_err());
        assert!(parse_window("0:4").is_err());
        assert!(parse_window("12").is_err());
        assert_eq!(parse_fraction("0.10"), Ok(0.10));
        assert!(parse_fraction("10").is_err());
    }
}
