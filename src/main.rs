//! The `polis` command line: parses arguments, calls the library, renders
//! errors and picks the exit code (0 ok, 1 failure while running, 2 bad input).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use polis::bench::{self, Report};
use polis::experiment::compare::{Pairing, Request, Side};
use polis::experiment::{self, RunOutcome, RunStatus, Shard};
use polis::output::{self, Manifest};
use polis::run::{Observer, Rows, ZoneSnapshots};
use polis::scenario::{Loaded, render};
use polis::{Error, Scenario, Simulation};

#[derive(Parser)]
#[command(
    name = "polis",
    version,
    about = "An agent-based simulator of a city's economy (IMP / ILP / MEI levers)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
struct BenchArgs {
    /// The quick suite: the small city and the baseline at 24 months, no
    /// megacity.
    #[arg(long)]
    quick: bool,
    /// Also write the figures as JSON to FILE (fields: see README,
    /// "Performance").
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Compare with a report written by --json; exit with 1 when a figure is
    /// worse than the bound of --max-regression.
    #[arg(long, value_name = "BASELINE.json")]
    compare: Option<PathBuf>,
    /// Largest regression --compare lets pass, a fraction: 0.10 is 10% fewer
    /// resident-months per second or 10% more peak memory.
    #[arg(long, default_value_t = 0.10, value_name = "FRACTION", value_parser = parse_fraction)]
    max_regression: f64,
    /// Threads of the parallel runs [default: all cores]; every case also
    /// runs at 1 thread.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Runs per case and thread count, of which the median is reported (the
    /// megacity runs once).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    repeat: u32,
    /// Months of the megacity.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u32).range(1..))]
    megacity_months: u32,
    /// Folder holding baseline.toml and megacity.toml [default: ./scenarios,
    /// else the scenarios of the source tree polis was built from].
    #[arg(long, value_name = "DIR")]
    scenarios: Option<PathBuf>,
    /// Read the figures from FILE (written by --json) instead of running the
    /// suite: to print or --compare saved figures.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["quick", "json", "threads", "repeat", "megacity_months", "scale"]
    )]
    from: Option<PathBuf>,
    /// Factor on the residents of every case (for tests of this command).
    #[arg(long, default_value_t = 1.0, hide = true, value_parser = parse_scale)]
    scale: f64,
}

/// Picture format of `polis plot`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum PlotFormat {
    /// Scalable vector graphics.
    Svg,
    /// PNG bitmap.
    Png,
}

/// Map layers of `polis plot --map`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum MapLayer {
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
struct PlotArgs {
    /// Folder of a run (`polis run --out`), a sweep (`polis sweep --out`) or
    /// a comparison (`polis compare --out`).
    dir: PathBuf,
    /// Folder for the pictures [default: DIR/plots].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Picture format.
    #[arg(long, value_enum, default_value_t = PlotFormat::Svg)]
    format: PlotFormat,
    /// Maps to draw, for a run: residents, jobs, rent, commute (repeatable
    /// or comma-separated) [default: all four].
    #[arg(long, value_enum, value_delimiter = ',')]
    map: Vec<MapLayer>,
    /// Month of the maps: one of the snapshot months of zones.csv (every
    /// 12th and the last) [default: the last].
    #[arg(long, value_name = "M")]
    map_month: Option<u32>,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// Folder of a run, a sweep or a comparison; report.html is written
    /// into it, beside the files it links to.
    dir: PathBuf,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

#[derive(clap::Args)]
struct BenchOneArgs {
    /// Case name written into the figures.
    #[arg(long)]
    name: String,
    /// Scenario file.
    #[arg(long)]
    scenario: PathBuf,
    /// Residents.
    #[arg(long)]
    residents: u32,
    /// Months.
    #[arg(long)]
    months: u32,
    /// Worker threads.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: u32,
}

#[derive(clap::Args)]
struct BenchStepArgs {
    /// Scenario file [default: baseline.toml of the scenarios folder].
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Residents.
    #[arg(long, default_value_t = 10_000)]
    residents: u32,
    /// Months to run after set-up (0: set-up only).
    #[arg(long, default_value_t = 1)]
    steps: u32,
    /// Worker threads.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: u32,
}

/// A fraction from 0 to 1.
fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{text}` is not a fraction from 0 to 1 (0.10 is 10%)"
        )),
    }
}

/// A positive factor.
fn parse_scale(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
        _ => Err(format!("`{text}` is not a positive number")),
    }
}

#[derive(clap::Args)]
struct SweepArgs {
    /// Sweep file (TOML): a base scenario, the parameters to vary, replicates.
    sweep: PathBuf,
    /// Output folder; a sweep that stopped is resumed by running it again
    /// with the same folder.
    #[arg(long)]
    out: PathBuf,
    /// Runs at a time [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: Option<u32>,
    /// Do only shard I of N (runs whose number modulo N is I) [default: from
    /// SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT when set, else all runs].
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Print nothing but errors and failed runs.
    #[arg(long)]
    quiet: bool,
}

#[derive(clap::Args)]
struct MergeArgs {
    /// Sweep folder (the --out of `polis sweep`).
    dir: PathBuf,
    /// Print nothing but errors and failed runs.
    #[arg(long)]
    quiet: bool,
}

#[derive(clap::Args)]
struct CompareArgs {
    /// Scenario A (TOML).
    a: PathBuf,
    /// Scenario B (TOML); the table shows B - A.
    b: PathBuf,
    /// Replicates: seeds, each run with both A and B.
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    replicates: u32,
    /// Base seed of the replicates (the same derivation as a sweep's `seed`).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Months averaged, inclusive, as FROM:TO [default: the last 12 months].
    #[arg(long, value_name = "FROM:TO", value_parser = parse_window)]
    window: Option<[u32; 2]>,
    /// Also write compare.csv, runs.csv, the long timeseries.csv and
    /// manifest.json into this folder.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Runs at a time [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: Option<u32>,
    /// Set a key in both scenarios: --set simulation.residents=20000 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    Shard::parse(text)
}

/// `FROM:TO`, two month numbers.
fn parse_window(text: &str) -> Result<[u32; 2], String> {
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
struct RunArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Set a key, overriding the file: --set city.width=12 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Output folder [default: out/<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Seed: the same as --set simulation.seed=N.
    #[arg(long)]
    seed: Option<u64>,
    /// Months to simulate: the first N months of the scenario (later events do not fire).
    #[arg(long)]
    steps: Option<u32>,
    /// Worker threads [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// After the run, print the wall time of each phase, of set-up and in
    /// all (also with --quiet).
    #[arg(long)]
    timings: bool,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Set a key, overriding the file: --set city.width=12 (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

/// An error with the exit code it deserves.
struct Failure {
    code: u8,
    error: anyhow::Error,
}

impl Failure {
    /// Bad input (exit code 2), with a message and what to do about it.
    fn bad_input(message: String, hint: &str) -> Failure {
        Failure {
            code: 2,
            error: anyhow::anyhow!("error: {message}\n  = hint: {hint}"),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            code: if e.is_bad_input() { 2 } else { 1 },
            error: e.into(),
        }
    }
}

/// A closed pipe (`polis params | head`) ends the program quietly, as it ends
/// any standard Unix tool, rather than in a panic from `println!`. Output
/// files are written whole or not at all either way.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: sets the default action for SIGPIPE at start-up, before any
    // other thread exists; no handler code runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Check(args) => check(args),
        Command::Params { markdown } => {
            if markdown {
                print!("{}", render::params_markdown());
            } else {
                print!("{}", render::params_text());
            }
            Ok(())
        }
        Command::Schema => {
            println!(
                "{}",
                serde_json::to_string_pretty(&render::json_schema())
                    .expect("a JSON value serializes")
            );
            Ok(())
        }
        Command::Init { name } => init(&name),
        Command::Sweep(args) => sweep(args),
        Command::Merge(args) => merge(args),
        Command::Compare(args) => compare(args),
        Command::Plot(args) => plot(args),
        Command::Report(args) => report(args),
        Command::Bench(args) => bench(args),
        Command::BenchOne(args) => bench_one(args),
        Command::BenchStep(args) => bench_step(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if f.code == 2 {
                eprintln!("{}", f.error);
            } else {
                eprintln!("error: {:#}", f.error);
            }
            ExitCode::from(f.code)
        }
    }
}

/// Loads a scenario with its overrides. `labels` names the command-line
/// option an override came from (`--seed`, `--steps`), so that an error in
/// it points at that option rather than at `--set`.
fn load(
    path: &std::path::Path,
    overrides: &[String],
    labels: &[(String, &str)],
) -> Result<Loaded, Failure> {
    Scenario::load_with(path, overrides).map_err(|mut errors| {
        for e in &mut errors {
            if e.path.as_os_str() != "--set" {
                continue;
            }
            if let Some((_, label)) = labels
                .iter()
                .find(|(text, _)| e.line_text.as_deref() == Some(text.as_str()))
            {
                e.path = PathBuf::from(label);
            }
        }
        Error::Scenario(errors).into()
    })
}

fn run(args: RunArgs) -> Result<(), Failure> {
    let started = Instant::now();
    let mut overrides = args.set.clone();
    let mut labels = Vec::new();
    for (value, key, label) in [(
        args.seed.map(|s| s.to_string()),
        "simulation.seed",
        "--seed",
    )] {
        if let Some(value) = value {
            let text = format!("{key}={value}");
            if !args.set.contains(&text) {
                labels.push((text.clone(), label));
            }
            overrides.push(text);
        }
    }
    let loaded = load(&args.scenario, &overrides, &labels)?;
    let mut scenario = loaded.scenario;
    // `--steps N` runs the first N months of the scenario: events after them
    // stay in the scenario (and the manifest) but never fire.
    if let Some(steps) = args.steps {
        let max =
            polis::scenario::reference::lookup("simulation.months").map_or(12_000.0, |i| i.max);
        if steps == 0 || steps as f64 > max {
            return Err(Failure {
                code: 2,
                error: anyhow::anyhow!("error: --steps {steps}: run between 1 and {max} months"),
            });
        }
        let months = scenario.simulation.months;
        if steps > months {
            return Err(Failure::bad_input(
                format!(
                    "--steps {steps}: the scenario {} runs {months} months, and --steps runs the first N of them",
                    args.scenario.display()
                ),
                &format!(
                    "give --steps 1 to {months}, or lengthen the run with --set simulation.months={steps}"
                ),
            ));
        }
        scenario.simulation.months = steps;
        overrides.push(format!("simulation.months={steps}"));
    }
    check_memory(&args.scenario, &scenario)?;
    let (pool, threads) = pool(args.threads)?;
    let out = match args.out {
        Some(out) => out,
        None => default_out(&args.scenario, &scenario.name)?,
    };

    let months = scenario.simulation.months;
    let mut progress = Progress::new(months, args.quiet);
    let mut rows = Rows::with_capacity(months);
    let mut zones = ZoneSnapshots::new(months);
    let sim = pool.install(|| {
        polis::run::run(
            scenario.clone(),
            &mut (&mut progress, &mut rows, &mut zones),
        )
    })?;
    progress.finish();
    let (rows, zones) = (rows.0, zones.rows);

    let world = sim.world();
    let wall = started.elapsed().as_secs_f64();
    let mut manifest = Manifest::of_run(
        &args.scenario,
        &loaded.files,
        overrides,
        &scenario,
        &sim,
        threads,
        wall,
    );
    let paths = output::write_run(&out, &rows, &scenario.sector_names(), &zones, &mut manifest)
        .context("writing the run's output")
        .map_err(|error| Failure { code: 1, error })?;
    if !args.quiet {
        let rate = world.residents.len() as f64 * months as f64 / wall;
        println!(
            "{} months of {} residents in {:.2} s ({:.2e} resident-months/s, {} threads)",
            months,
            world.residents.len(),
            wall,
            rate,
            threads
        );
        for p in paths {
            println!("wrote {}", p.display());
        }
    }
    if args.timings {
        println!("\nwall time, seconds ({threads} threads):");
        print!("{}", bench::timings_table(sim.timings(), months, wall));
    }
    Ok(())
}

/// The default output folder of a run, `out/<name>`. The name must be one
/// plain folder name, so that a run without `--out` never writes outside
/// `out/`: a name with a path separator, `..`, a leading dot or a control
/// character is refused.
fn default_out(path: &Path, name: &str) -> Result<PathBuf, Failure> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
        && Path::new(name).components().count() == 1;
    if plain {
        return Ok(PathBuf::from("out").join(name));
    }
    Err(Failure::bad_input(
        format!(
            "{}: the scenario's name {name:?} is not a plain folder name, and without --out the run would be written to out/<name>",
            path.display()
        ),
        "give the scenario a `name` of letters, digits, `-` and `_`, or pass --out DIR",
    ))
}

/// Refuses (as bad input) a run that would need more memory than is
/// available, suggesting a number of residents that fits.
fn check_memory(path: &Path, scenario: &Scenario) -> Result<(), Failure> {
    check_memory_for(path, scenario, 1, "a run")
}

/// As [`check_memory`] for `jobs` runs at once (a sweep or a comparison),
/// each as large as `scenario`'s.
fn check_memory_for(
    path: &Path,
    scenario: &Scenario,
    jobs: usize,
    what: &str,
) -> Result<(), Failure> {
    let Some((available, limit)) = memory_available() else {
        return Ok(());
    };
    let each = scenario.memory_estimate();
    let needed = each.saturating_mul(jobs as u64);
    if needed <= available {
        return Ok(());
    }
    let residents = scenario.simulation.residents;
    let at_once = if jobs > 1 {
        format!(" ({jobs} runs at once of about {} each)", bytes(each))
    } else {
        String::new()
    };
    let hint = match residents_that_fit(scenario, available / jobs.max(1) as u64) {
        Some(fit) if jobs > 1 => format!(
            "run fewer at once (--jobs) or use fewer residents: about {fit} would fit {jobs} at a time"
        ),
        Some(fit) => format!(
            "use fewer residents: `simulation.residents` is {residents}, about {fit} \
             would fit, for example --set simulation.residents={fit}"
        ),
        None => format!(
            "use fewer residents (`simulation.residents` is {residents}) or a \
             smaller city{}, or free some memory",
            if jobs > 1 {
                ", run fewer at once (--jobs)"
            } else {
                ""
            }
        ),
    };
    Err(Failure::bad_input(
        format!(
            "{what} of {} needs about {} of memory{at_once}, but only {} is available ({limit})",
            path.display(),
            bytes(needed),
            bytes(available)
        ),
        &hint,
    ))
}

/// The folder of the suite's scenarios: `given`, else `./scenarios`, else
/// the scenarios of the source tree this binary was built from.
fn scenarios_dir(given: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(dir) = given {
        return Ok(dir.to_path_buf());
    }
    [
        PathBuf::from("scenarios"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
    ]
    .into_iter()
    .find(|d| d.join("baseline.toml").is_file())
    .ok_or_else(|| {
        Failure::bad_input(
            "cannot find the scenarios folder (with baseline.toml and megacity.toml)".into(),
            "give it with --scenarios DIR",
        )
    })
}

/// `polis bench`: runs the suite (or reads saved figures), prints them,
/// writes them as JSON and compares them with a baseline.
fn bench(args: BenchArgs) -> Result<(), Failure> {
    let report = match &args.from {
        Some(file) => read_report(file)?,
        None => run_suite(&args)?,
    };
    print!("{}", bench::render(&report));
    if let Some(path) = &args.json {
        let mut text = serde_json::to_vec_pretty(&report).expect("a report serializes");
        text.push(b'\n');
        output::atomic_write(path, &text)?;
        println!("wrote {}", path.display());
    }
    let Some(base_path) = &args.compare else {
        return Ok(());
    };
    let baseline = read_report(base_path)?;
    let comparison = bench::compare(&baseline, &report, args.max_regression);
    println!();
    print!("{}", comparison.render(args.max_regression));
    if comparison.checks.is_empty() {
        return Err(Failure::bad_input(
            format!(
                "{} has no figures of the same scenarios, sizes and threads as this run",
                base_path.display()
            ),
            "compare runs of the same suite (--quick with --quick) and the same --threads",
        ));
    }
    let regressed = comparison.regressions();
    if regressed.is_empty() {
        println!(
            "no figure regressed by more than {:.1}%",
            100.0 * args.max_regression
        );
        return Ok(());
    }
    let list: Vec<String> = regressed
        .iter()
        .map(|c| {
            format!(
                "  {}, {} thread{}: {} {:.1}% worse",
                c.scenario,
                c.threads,
                if c.threads == 1 { "" } else { "s" },
                c.figure,
                100.0 * c.regression
            )
        })
        .collect();
    Err(Failure {
        code: 1,
        error: anyhow::anyhow!(
            "{} figure(s) regressed by more than {:.1}% against {}:\n{}",
            regressed.len(),
            100.0 * args.max_regression,
            base_path.display(),
            list.join("\n")
        ),
    })
}

/// A report written by `polis bench --json`.
fn read_report(path: &Path) -> Result<Report, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::bad_input(
            format!("cannot read {}: {e}", path.display()),
            "give a file written by `polis bench --json FILE`",
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::bad_input(
            format!("{} is not a polis bench report: {e}", path.display()),
            "give a file written by `polis bench --json FILE`",
        )
    })
}

/// Runs every case of the suite at 1 and at N threads, each run in a child
/// process, interleaving the thread counts so that drift hits both alike.
fn run_suite(args: &BenchArgs) -> Result<Report, Failure> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = args.threads.map_or(cores, |t| t as usize);
    let dir = scenarios_dir(args.scenarios.as_deref())?;
    let cases = bench::suite(&bench::SuiteOptions {
        quick: args.quick,
        megacity_months: args.megacity_months,
        repeat: args.repeat,
        scale: args.scale,
    });
    for case in &cases {
        let file = dir.join(case.file);
        if !file.is_file() {
            return Err(Failure::bad_input(
                format!("{} is missing", file.display()),
                "give the folder of the suite's scenarios with --scenarios DIR",
            ));
        }
    }
    let exe = std::env::current_exe()
        .context("cannot find the polis executable")
        .map_err(|error| Failure { code: 1, error })?;
    let counts: Vec<usize> = if threads > 1 {
        vec![1, threads]
    } else {
        vec![1]
    };
    let mut runs = Vec::new();
    for case in &cases {
        for r in 1..=case.repeats {
            for &t in &counts {
                eprint!(
                    "{}: {} residents x {} months, {t} thread{}, run {r}/{} ... ",
                    case.name,
                    case.residents,
                    case.months,
                    if t == 1 { "" } else { "s" },
                    case.repeats
                );
                let m = bench_child(&exe, case, &dir.join(case.file), t)?;
                eprintln!("{:.3} s", m.wall_seconds);
                runs.push(m);
            }
        }
    }
    let results = bench::summarize(&runs);
    Ok(Report {
        polis_version: env!("CARGO_PKG_VERSION").into(),
        git_commit: output::git_commit().into(),
        machine: bench::Machine {
            cores,
            model: cpu_model().unwrap_or_else(|| "unknown".into()),
            memory_bytes: mem_total(),
        },
        quick: args.quick,
        speedup: bench::speedups(&results),
        results,
    })
}

/// One measured run in a child process (`polis bench-one`), so that its peak
/// memory is its own.
fn bench_child(
    exe: &Path,
    case: &bench::Case,
    scenario: &Path,
    threads: usize,
) -> Result<bench::Measurement, Failure> {
    let out = std::process::Command::new(exe)
        .arg("bench-one")
        .args(["--name", case.name, "--scenario"])
        .arg(scenario)
        .args(["--residents", &case.residents.to_string()])
        .args(["--months", &case.months.to_string()])
        .args(["--threads", &threads.to_string()])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot start {}", exe.display()))
        .map_err(|error| Failure { code: 1, error })?;
    if !out.status.success() {
        eprintln!();
        return Err(Failure {
            code: if out.status.code() == Some(2) { 2 } else { 1 },
            error: anyhow::anyhow!(
                "the {} run at {threads} thread{} failed ({})",
                case.name,
                if threads == 1 { "" } else { "s" },
                out.status
            ),
        });
    }
    serde_json::from_slice(&out.stdout)
        .with_context(|| format!("reading the figures of the {} run", case.name))
        .map_err(|error| Failure { code: 1, error })
}

/// `polis bench-one`: one measured run; its figures as JSON on stdout. A
/// run shorter than the scenario leaves out the events after its last month.
fn bench_one(args: BenchOneArgs) -> Result<(), Failure> {
    let overrides = [format!("simulation.residents={}", args.residents)];
    let mut scenario = load(&args.scenario, &overrides, &[])?.scenario;
    scenario.simulation.months = args.months;
    scenario.events.retain(|e| e.month <= args.months);
    if let Some(p) = scenario.validate().into_iter().next() {
        return Err(Failure::bad_input(
            format!("{}: {}", args.scenario.display(), p.message),
            &p.hint,
        ));
    }
    check_memory(&args.scenario, &scenario)?;
    let (pool, _) = pool(Some(args.threads))?;
    let mut m = pool.install(|| bench::measure(&args.name, scenario))?;
    m.peak_rss_bytes = peak_rss();
    println!(
        "{}",
        serde_json::to_string(&m).expect("a measurement serializes")
    );
    Ok(())
}

/// `polis bench-step`: builds a city and runs `--steps` months in a pool of
/// `--threads`, printing nothing.
fn bench_step(args: BenchStepArgs) -> Result<(), Failure> {
    let path = match args.scenario {
        Some(p) => p,
        None => scenarios_dir(None)?.join("baseline.toml"),
    };
    let loaded = load(
        &path,
        &[format!("simulation.residents={}", args.residents)],
        &[],
    )?;
    let (pool, _) = pool(Some(args.threads))?;
    pool.install(|| {
        let mut sim = Simulation::new(loaded.scenario);
        polis::run::run_months(&mut sim, args.steps, &mut ())
    })?;
    Ok(())
}

/// The value of the line `key:` of a `/proc` file such as
/// /proc/self/status, in bytes, where given in kB.
fn proc_kb(text: &str, key: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    let mut words = line[key.len()..].split_whitespace();
    let value: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") => value.checked_mul(1024),
        _ => None,
    }
}

/// Peak resident memory of this process (VmHWM), bytes.
fn peak_rss() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    proc_kb(&text, "VmHWM:")
}

/// Physical memory of the machine, bytes.
fn mem_total() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    proc_kb(&text, "MemTotal:")
}

/// The processor model, from /proc/cpuinfo.
fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    text.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// `polis check`: loads and validates, then prints the resolved scenario.
fn check(args: CheckArgs) -> Result<(), Failure> {
    let loaded = load(&args.scenario, &args.set, &[])?;
    let text = toml::to_string_pretty(&loaded.scenario).map_err(|e| Failure {
        code: 1,
        error: anyhow::Error::new(e).context("writing the resolved scenario as TOML"),
    })?;
    let files: Vec<String> = loaded
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let mut out = format!("# resolved from {}\n", files.join(", "));
    if !loaded.overrides.is_empty() {
        out.push_str(&format!("# overrides: {}\n", loaded.overrides.join(", ")));
    }
    out.push('\n');
    out.push_str(&text);
    print!("{out}");
    Ok(())
}

/// `polis init`: writes a starter scenario, never over an existing file.
fn init(name: &str) -> Result<(), Failure> {
    let path = if name.ends_with(".toml") {
        PathBuf::from(name)
    } else {
        PathBuf::from(format!("{name}.toml"))
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty() && !s.starts_with('.'));
    let Some(stem) = stem else {
        return Err(Failure::bad_input(
            format!("`{name}` is not a scenario name"),
            "give a name such as `polis init mycity`",
        ));
    };
    let text = render::starter(&stem);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Failure::bad_input(
                format!(
                    "{} already exists; polis init does not overwrite files",
                    path.display()
                ),
                "choose another name, or remove the file first",
            ));
        }
        Err(e) => {
            return Err(Failure {
                code: 1,
                error: anyhow::Error::new(e).context(format!("cannot create {}", path.display())),
            });
        }
    };
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Failure {
            code: 1,
            error: anyhow::Error::new(e).context(format!("cannot write {}", path.display())),
        })?;
    println!("wrote {}", path.display());
    if !path.is_absolute() && path.components().count() == 1 {
        println!("run it with: polis run {}", path.display());
    }
    Ok(())
}

/// A rayon pool of `jobs` threads (default: all cores).
fn pool(jobs: Option<u32>) -> Result<(rayon::ThreadPool, usize), Failure> {
    let threads = jobs
        .map(|t| t as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Threads {
            threads,
            message: e.to_string(),
        })?;
    Ok((pool, threads))
}

/// The shard of a task of a Slurm job array, from the values of
/// `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT` and `SLURM_ARRAY_TASK_MIN`:
/// task `MIN + I` of `COUNT` does shard `I/COUNT`. `None` unless both the id
/// and the count are set.
fn slurm_shard(
    id: Option<&str>,
    count: Option<&str>,
    min: Option<&str>,
) -> Result<Option<Shard>, String> {
    let (Some(id), Some(count)) = (id, count) else {
        return Ok(None);
    };
    let number = |name: &str, v: &str| {
        v.trim()
            .parse::<u32>()
            .map_err(|_| format!("{name}=`{v}` is not a number"))
    };
    let id = number("SLURM_ARRAY_TASK_ID", id)?;
    let count = number("SLURM_ARRAY_TASK_COUNT", count)?;
    let min = min.map_or(Ok(0), |m| number("SLURM_ARRAY_TASK_MIN", m))?;
    let index = id.checked_sub(min).unwrap_or(u32::MAX);
    if count == 0 || index >= count {
        return Err(format!(
            "array task {id} (first {min}) is not one of {count} shards: \
             submit the array as --array=0-{}, without a step or gaps",
            count.saturating_sub(1)
        ));
    }
    Ok(Some(Shard { index, count }))
}

/// Refuses a sweep whose `jobs` runs at once would not fit in memory; the
/// largest point (by the scenario's memory estimate) is the one weighed.
fn check_sweep_memory(path: &Path, plan: &experiment::Plan, jobs: usize) -> Result<(), Failure> {
    // Only the size of the city moves the estimate: points that vary
    // nothing of it share the base's.
    let sizes = |k: &str| k.starts_with("simulation.") || k.starts_with("city.");
    let mut seen = std::collections::BTreeSet::new();
    let mut largest: Option<Scenario> = None;
    for point in &plan.points {
        let key: Vec<&(String, String)> = point.values.iter().filter(|(k, _)| sizes(k)).collect();
        if !seen.insert(key.clone()) {
            continue;
        }
        let overrides: Vec<String> = key.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let Ok(loaded) = Scenario::load_with(&plan.base_path, &overrides) else {
            continue;
        };
        if largest
            .as_ref()
            .is_none_or(|l| loaded.scenario.memory_estimate() > l.memory_estimate())
        {
            largest = Some(loaded.scenario);
        }
    }
    match largest {
        Some(scenario) => check_memory_for(path, &scenario, jobs, "a sweep"),
        None => Ok(()),
    }
}

/// `polis sweep`: runs a sweep, or one shard of it, then merges a whole sweep.
fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let plan = experiment::load_sweep(&args.sweep).map_err(Error::Scenario)?;
    let shard = match args.shard {
        Some(shard) => shard,
        None => {
            let var = |name: &str| std::env::var(name).ok();
            slurm_shard(
                var("SLURM_ARRAY_TASK_ID").as_deref(),
                var("SLURM_ARRAY_TASK_COUNT").as_deref(),
                var("SLURM_ARRAY_TASK_MIN").as_deref(),
            )
            .map_err(|message| {
                Failure::bad_input(
                    message,
                    "or give the shard yourself with --shard I/N (I from 0 to N-1)",
                )
            })?
            .unwrap_or(Shard::ALL)
        }
    };
    let (pool, jobs) = pool(args.jobs)?;
    let total = plan.runs.iter().filter(|r| shard.owns(r)).count();
    check_sweep_memory(&args.sweep, &plan, jobs.min(total.max(1)))?;
    if !args.quiet {
        let part = if shard.count > 1 {
            format!(", shard {}/{}: {total} of them", shard.index, shard.count)
        } else {
            String::new()
        };
        println!(
            "sweep {}: {} points x {} replicates = {} runs of {} months{part}, {jobs} at a time",
            args.sweep.display(),
            plan.points.len(),
            plan.spec.replicates,
            plan.runs.len(),
            plan.months,
        );
    }
    let progress = RunProgress::new(total, args.quiet);
    let outcomes = pool.install(|| {
        experiment::run_sweep(&plan, &args.out, shard, |outcome| progress.done(outcome))
    });
    progress.finish();
    let outcomes = outcomes?;
    let failed: Vec<&RunOutcome> = outcomes
        .iter()
        .filter(|o| matches!(o.status, RunStatus::Failed(_)))
        .collect();
    let resumed = outcomes.iter().filter(|o| o.skipped).count();
    if !args.quiet && resumed > 0 {
        println!(
            "{resumed} of {total} runs were already complete in {}",
            args.out.display()
        );
    }
    for o in failed.iter().take(5) {
        if let RunStatus::Failed(message) = &o.status {
            eprintln!("run {} failed: {message}", o.run_id);
        }
    }
    if failed.len() > 5 {
        eprintln!("... and {} more failed runs", failed.len() - 5);
    }
    if shard.count == 1 {
        let report = experiment::merge(&args.out)?;
        report_merge(&report, &args.out, args.quiet);
    } else {
        if !failed.is_empty() {
            eprintln!(
                "warning: {} of {total} runs of this shard failed; after the merge, runs.csv lists them",
                failed.len()
            );
        }
        if !args.quiet {
            println!(
                "shard {}/{} done: {total} runs, {} failed",
                shard.index,
                shard.count,
                failed.len()
            );
            println!(
                "when every shard is done, `polis merge {}` joins them",
                args.out.display()
            );
        }
    }
    Ok(())
}

/// `polis merge`: joins a sweep folder's parts into its tables.
fn merge(args: MergeArgs) -> Result<(), Failure> {
    let report = experiment::merge(&args.dir)?;
    report_merge(&report, &args.dir, args.quiet);
    Ok(())
}

fn report_merge(report: &experiment::MergeReport, dir: &std::path::Path, quiet: bool) {
    if report.failed > 0 {
        eprintln!(
            "warning: {} of {} runs failed; runs.csv lists them (status, message) and the tables leave them out",
            report.failed, report.runs
        );
    }
    if !quiet {
        println!(
            "merged {} runs ({} failed) in {}",
            report.runs,
            report.failed,
            dir.display()
        );
        for p in &report.files {
            println!("wrote {}", p.display());
        }
    }
}

/// `polis plot`: draws every chart (and a run's maps) in memory, then
/// writes them, so that bad input writes nothing.
fn plot(args: PlotArgs) -> Result<(), Failure> {
    let source = polis::plot::load(&args.dir).map_err(Error::from)?;
    let options = polis::plot::PlotOptions {
        format: match args.format {
            PlotFormat::Svg => polis::plot::Format::Svg,
            PlotFormat::Png => polis::plot::Format::Png,
        },
        maps: args
            .map
            .iter()
            .map(|m| match m {
                MapLayer::Residents => polis::plot::Layer::Residents,
                MapLayer::Jobs => polis::plot::Layer::Jobs,
                MapLayer::Rent => polis::plot::Layer::Rent,
                MapLayer::Commute => polis::plot::Layer::Commute,
            })
            .collect(),
        map_month: args.map_month,
    };
    let files = polis::plot::plot(&source, &options).map_err(Error::from)?;
    let out = args.out.unwrap_or_else(|| args.dir.join("plots"));
    std::fs::create_dir_all(&out)
        .with_context(|| format!("cannot create {}", out.display()))
        .map_err(|error| Failure { code: 1, error })?;
    for (name, bytes) in &files {
        let path = out.join(name);
        output::atomic_write(&path, bytes)?;
        if !args.quiet {
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// `polis report`: writes DIR/report.html.
fn report(args: ReportArgs) -> Result<(), Failure> {
    let source = polis::plot::load(&args.dir).map_err(Error::from)?;
    let html = polis::plot::report::report(&source).map_err(Error::from)?;
    let path = args.dir.join("report.html");
    output::atomic_write(&path, html.as_bytes())?;
    if !args.quiet {
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// `polis compare`: paired replicates of two scenarios, B - A per metric.
fn compare(args: CompareArgs) -> Result<(), Failure> {
    let side = |path: &PathBuf| -> Result<Side, Failure> {
        Ok(Side {
            path: path.clone(),
            loaded: load(path, &args.set, &[])?,
        })
    };
    let pairing = Pairing {
        replicates: args.replicates,
        seed: args.seed,
        window: args.window,
    };
    let request = Request::new(side(&args.a)?, side(&args.b)?, pairing)
        .map_err(|r| Failure::bad_input(r.message, &r.hint))?;
    let (pool, jobs) = pool(args.jobs)?;
    let at_once = jobs.min(2 * args.replicates as usize).max(1);
    let larger = request.larger();
    check_memory_for(
        &larger.path,
        &larger.loaded.scenario,
        at_once,
        "a comparison",
    )?;
    if !args.quiet {
        eprintln!(
            "comparing {} and {}: {} replicates of {} months each, {jobs} at a time",
            args.a.display(),
            args.b.display(),
            args.replicates,
            request.months()
        );
    }
    let comparison = pool.install(|| request.run())?;
    if !args.quiet {
        print!("{}", request.table(&comparison.differences));
    }
    if let Some(out) = &args.out {
        let written = request.write(out, &comparison, jobs)?;
        if !args.quiet {
            for p in written {
                println!("wrote {}", p.display());
            }
        }
    }
    Ok(())
}

/// Memory available to a new process, bytes, from /proc/meminfo (`None`
/// where it cannot be read).
fn mem_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_mem_available(&text)
}

/// The memory this process may still take, bytes, and what sets it: the
/// least of the machine's MemAvailable, the process's limits on its address
/// space and data (RLIMIT_AS and RLIMIT_DATA, less what it uses of them)
/// and its cgroup's memory limit (less the cgroup's use).
fn memory_available() -> Option<(u64, &'static str)> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mut limits: Vec<(u64, &'static str)> = Vec::new();
    if let Some(m) = mem_available() {
        limits.push((m, "the machine's available memory"));
    }
    for (resource, used_key, name) in [
        (
            libc::RLIMIT_AS,
            "VmSize:",
            "the process's address-space limit, ulimit -v",
        ),
        (
            libc::RLIMIT_DATA,
            "VmData:",
            "the process's data limit, ulimit -d",
        ),
    ] {
        if let Some(limit) = rlimit(resource) {
            let used = proc_kb(&status, used_key).unwrap_or(0);
            limits.push((limit.saturating_sub(used), name));
        }
    }
    if let Some(left) = cgroup_memory_left() {
        limits.push((left, "the cgroup's memory limit"));
    }
    limits.into_iter().min_by_key(|&(bytes, _)| bytes)
}

/// The soft limit of `resource`, bytes, unless unlimited.
fn rlimit(resource: libc::__rlimit_resource_t) -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit struct, which `limit` is.
    let ok = unsafe { libc::getrlimit(resource, &mut limit) } == 0;
    (ok && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur)
}

/// The cgroup's memory limit less its use, bytes, if it has a limit: cgroup
/// v2 (`memory.max`, `memory.current` in the process's own cgroup) or v1
/// (`memory.limit_in_bytes`, `memory.usage_in_bytes`).
fn cgroup_memory_left() -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let own = read("/proc/self/cgroup")
        .as_deref()
        .and_then(cgroup_v2_path)
        .unwrap_or_default();
    let v2 = format!("/sys/fs/cgroup{own}");
    for (max, current) in [
        (format!("{v2}/memory.max"), format!("{v2}/memory.current")),
        (
            "/sys/fs/cgroup/memory.max".to_string(),
            "/sys/fs/cgroup/memory.current".to_string(),
        ),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes".to_string(),
            "/sys/fs/cgroup/memory/memory.usage_in_bytes".to_string(),
        ),
    ] {
        if let Some(limit) = read(&max) {
            return cgroup_left(&limit, read(&current).as_deref());
        }
    }
    None
}

/// The path of the process's cgroup v2 (the `0::PATH` line of
/// /proc/self/cgroup).
fn cgroup_v2_path(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("0::"))
        .map(|p| p.trim().trim_end_matches('/').to_string())
}

/// A cgroup limit (`max` or bytes; v1 writes a huge number for none) less
/// the use, bytes.
fn cgroup_left(limit: &str, current: Option<&str>) -> Option<u64> {
    let limit: u64 = limit.trim().parse().ok()?;
    // cgroup v1 says "no limit" with a number near 2^63.
    if limit >= 1 << 62 {
        return None;
    }
    let used: u64 = current.and_then(|c| c.trim().parse().ok()).unwrap_or(0);
    Some(limit.saturating_sub(used))
}

/// The `MemAvailable` line of /proc/meminfo (in kB), in bytes.
fn parse_mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let mut words = line["MemAvailable:".len()..].split_whitespace();
    let value: u64 = words.next()?.parse().ok()?;
    let scale = match words.next() {
        Some("kB") | None => 1024,
        Some("MB") => 1024 * 1024,
        Some(_) => return None,
    };
    value.checked_mul(scale)
}

/// The most residents (rounded down to two significant digits) whose run
/// of `scenario` fits in nine tenths of `available` bytes, if at least the
/// fewest a scenario may have.
fn residents_that_fit(scenario: &Scenario, available: u64) -> Option<u32> {
    let budget = available / 10 * 9;
    let mut probe = scenario.clone();
    let (mut lo, mut hi) = (0u32, scenario.simulation.residents);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        probe.simulation.residents = mid;
        if probe.memory_estimate() <= budget {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let digits = lo.checked_ilog10().unwrap_or(0);
    let unit = 10u32.pow(digits.saturating_sub(1));
    let fit = lo / unit * unit;
    let fewest = polis::scenario::reference::lookup("simulation.residents").map_or(1.0, |i| i.min);
    (fit as f64 >= fewest).then_some(fit)
}

/// A byte count in MB or GB.
fn bytes(n: u64) -> String {
    if n >= 1_000_000_000 {
        format!("{:.1} GB", n as f64 / 1e9)
    } else if n >= 100_000_000 {
        format!("{:.0} MB", n as f64 / 1e6)
    } else {
        format!("{:.1} MB", n as f64 / 1e6)
    }
}

/// A progress bar on a terminal, plain lines elsewhere, nothing when quiet.
enum Progress {
    Bar(ProgressBar),
    Lines { months: u32, every: u32 },
    Quiet,
}

impl Progress {
    fn new(months: u32, quiet: bool) -> Progress {
        if quiet {
            return Progress::Quiet;
        }
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(months as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] month {pos}/{len} {msg}",
                )
                .expect("the template is valid")
                .progress_chars("=> "),
            );
            Progress::Bar(bar)
        } else {
            Progress::Lines {
                months,
                every: (months / 10).max(1),
            }
        }
    }

    fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn month(&mut self, _: &Simulation, row: &polis::Row) -> Result<(), Error> {
        let msg = format!(
            "unemployment {:.1}% firms {}",
            row.unemployment_rate * 100.0,
            row.firms
        );
        match self {
            Progress::Bar(bar) => {
                bar.set_message(msg);
                bar.inc(1);
            }
            Progress::Lines { months, every } => {
                if row.month.is_multiple_of(*every) || row.month == *months {
                    eprintln!("month {}/{}: {msg}", row.month, months);
                }
            }
            Progress::Quiet => {}
        }
        Ok(())
    }
}

/// Progress over a sweep's runs: a bar on a terminal, a line about every
/// tenth of the runs elsewhere, nothing when quiet.
struct RunProgress {
    total: usize,
    every: usize,
    done: AtomicUsize,
    failed: AtomicUsize,
    bar: Option<ProgressBar>,
    quiet: bool,
}

impl RunProgress {
    fn new(total: usize, quiet: bool) -> RunProgress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template("{elapsed_precise} [{bar:40}] run {pos}/{len} {msg}")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            bar
        });
        RunProgress {
            total,
            every: total.div_ceil(10).max(1),
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            bar,
            quiet,
        }
    }

    fn done(&self, outcome: &RunOutcome) {
        let failed = if matches!(outcome.status, RunStatus::Failed(_)) {
            self.failed.fetch_add(1, Ordering::SeqCst) + 1
        } else {
            self.failed.load(Ordering::SeqCst)
        };
        let done = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        if self.quiet {
            return;
        }
        match &self.bar {
            Some(bar) => {
                bar.set_message(format!("({failed} failed)"));
                bar.inc(1);
            }
            None => {
                if done.is_multiple_of(self.every) || done == self.total {
                    eprintln!("run {done}/{} done ({failed} failed)", self.total);
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgroup_limits_are_read_in_bytes() {
        assert_eq!(
            cgroup_v2_path("0::/user.slice/session-1.scope\n").as_deref(),
            Some("/user.slice/session-1.scope")
        );
        assert_eq!(cgroup_v2_path("0::/\n").as_deref(), Some(""));
        assert_eq!(cgroup_v2_path("12:memory:/x\n"), None);
        assert_eq!(cgroup_left("max\n", Some("100\n")), None);
        assert_eq!(cgroup_left("1000\n", Some("300\n")), Some(700));
        assert_eq!(cgroup_left("1000\n", Some("3000\n")), Some(0));
        assert_eq!(cgroup_left("9223372036854771712\n", Some("5")), None);
    }

    #[test]
    fn an_address_space_limit_is_a_memory_limit() {
        // This process's own limits: whatever they are, the answer is
        // within the machine's memory and names what set it.
        if let Some((bytes, what)) = memory_available() {
            assert!(bytes <= mem_total().unwrap_or(u64::MAX), "{bytes} {what}");
            assert!(!what.is_empty());
        }
    }

    #[test]
    fn mem_available_is_read_in_bytes() {
        let text = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   2000000 kB\n";
        assert_eq!(parse_mem_available(text), Some(2_048_000_000));
        assert_eq!(parse_mem_available("MemTotal: 5 kB\n"), None);
    }

    #[test]
    fn slurm_array_tasks_become_shards() {
        assert_eq!(slurm_shard(None, Some("4"), None), Ok(None));
        assert_eq!(slurm_shard(Some("2"), None, None), Ok(None));
        assert_eq!(
            slurm_shard(Some("2"), Some("4"), Some("0")),
            Ok(Some(Shard { index: 2, count: 4 }))
        );
        assert_eq!(
            slurm_shard(Some("5"), Some("4"), Some("2")),
            Ok(Some(Shard { index: 3, count: 4 }))
        );
        assert!(slurm_shard(Some("6"), Some("4"), Some("0")).is_err());
        assert!(slurm_shard(Some("x"), Some("4"), None).is_err());
    }

    #[test]
    fn windows_and_numbers_parse_and_print() {
        assert_eq!(parse_window("49:60"), Ok([49, 60]));
        assert!(parse_window("60:49").is_err());
        assert!(parse_window("0:4").is_err());
        assert!(parse_window("12").is_err());
    }

    #[test]
    fn proc_lines_read_in_bytes() {
        let status = "Name:\tpolis\nVmPeak:\t  9000 kB\nVmHWM:\t    2048 kB\n";
        assert_eq!(proc_kb(status, "VmHWM:"), Some(2_097_152));
        assert_eq!(proc_kb(status, "VmRSS:"), None);
        assert_eq!(parse_fraction("0.10"), Ok(0.10));
        assert!(parse_fraction("10").is_err());
    }

    #[test]
    fn byte_counts_read_as_mb_or_gb() {
        assert_eq!(bytes(6_800_000), "6.8 MB");
        assert_eq!(bytes(250_400_000), "250 MB");
        assert_eq!(bytes(12_300_000_000), "12.3 GB");
    }
}
