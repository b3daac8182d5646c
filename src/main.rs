//! The `polis` command line: parses arguments, calls the library, renders
//! errors and picks the exit code (0 ok, 1 failure while running, 2 bad input).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use polis::output::{self, AgentCounts, Manifest};
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
    /// Run one scenario and write timeseries.csv and manifest.json.
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
    /// Months to simulate: the same as --set simulation.months=N.
    #[arg(long)]
    steps: Option<u32>,
    /// Worker threads [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
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

fn main() -> ExitCode {
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
    for (value, key, label) in [
        (
            args.seed.map(|s| s.to_string()),
            "simulation.seed",
            "--seed",
        ),
        (
            args.steps.map(|s| s.to_string()),
            "simulation.months",
            "--steps",
        ),
    ] {
        if let Some(value) = value {
            let text = format!("{key}={value}");
            if !args.set.contains(&text) {
                labels.push((text.clone(), label));
            }
            overrides.push(text);
        }
    }
    let loaded = load(&args.scenario, &overrides, &labels)?;
    let scenario = loaded.scenario;
    if let Some(available) = mem_available() {
        let needed = scenario.memory_estimate();
        if needed > available {
            let residents = scenario.simulation.residents;
            let hint = match residents_that_fit(&scenario, available) {
                Some(fit) => format!(
                    "use fewer residents: `simulation.residents` is {residents}, about {fit} \
                     would fit, for example --set simulation.residents={fit}"
                ),
                None => format!(
                    "use fewer residents (`simulation.residents` is {residents}) or a \
                     smaller city, or free some memory"
                ),
            };
            return Err(Failure::bad_input(
                format!(
                    "a run of {} needs about {} of memory, but only {} is available",
                    args.scenario.display(),
                    bytes(needed),
                    bytes(available)
                ),
                &hint,
            ));
        }
    }
    let threads = args
        .threads
        .map(|t| t as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join(&scenario.name));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Threads {
            threads,
            message: e.to_string(),
        })?;

    let months = scenario.simulation.months;
    let progress = Progress::new(months, args.quiet);
    let (rows, sim) = pool.install(|| -> Result<_, Error> {
        let mut sim = Simulation::new(scenario.clone());
        let mut rows = Vec::with_capacity(months as usize);
        for _ in 0..months {
            let row = sim.step()?;
            progress.month(&row);
            rows.push(row);
        }
        Ok((rows, sim))
    })?;
    progress.finish();

    let world = sim.world();
    let wall = started.elapsed().as_secs_f64();
    let mut manifest = Manifest {
        polis_version: env!("CARGO_PKG_VERSION").into(),
        git_commit: output::git_commit().into(),
        scenario_path: args.scenario.display().to_string(),
        scenario_files: loaded
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect(),
        overrides: loaded.overrides,
        seed: scenario.simulation.seed,
        months,
        threads,
        wall_seconds: wall,
        setup_seconds: sim.timings().setup,
        phase_seconds: sim
            .timings()
            .table()
            .into_iter()
            .map(|(n, s)| (n.to_string(), s))
            .collect(),
        agents: AgentCounts {
            residents: world.residents.len(),
            zones: world.city.len(),
            firms_start: (scenario.simulation.residents as f64
                / scenario.simulation.residents_per_firm)
                .round() as usize,
            firms_end: world.firms.len(),
        },
        bytes_per_resident: world.residents.bytes_per_resident(),
        files: vec![],
        events: scenario.events.clone(),
        scenario: scenario.clone(),
    };
    let paths = output::write_run(&out, &rows, &scenario.sector_names(), &mut manifest)
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
    Ok(())
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

/// Memory available to a new process, bytes, from /proc/meminfo (`None`
/// where it cannot be read).
fn mem_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_mem_available(&text)
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

    fn month(&self, row: &polis::Row) {
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
    }

    fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mem_available_is_read_in_bytes() {
        let text = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   2000000 kB\n";
        assert_eq!(parse_mem_available(text), Some(2_048_000_000));
        assert_eq!(parse_mem_available("MemTotal: 5 kB\n"), None);
    }

    #[test]
    fn byte_counts_read_as_mb_or_gb() {
        assert_eq!(bytes(6_800_000), "6.8 MB");
        assert_eq!(bytes(250_400_000), "250 MB");
        assert_eq!(bytes(12_300_000_000), "12.3 GB");
    }
}
