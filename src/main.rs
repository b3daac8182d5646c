//! The `polis` command line: parses arguments, calls the library, renders
//! errors and picks the exit code (0 ok, 1 failure while running, 2 bad input).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use polis::output::{self, AgentCounts, Manifest};
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
}

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Output folder [default: out/<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Seed, overriding `simulation.seed`.
    #[arg(long)]
    seed: Option<u64>,
    /// Months to simulate, overriding `simulation.months`.
    #[arg(long)]
    steps: Option<u32>,
    /// Worker threads [default: all cores].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
}

/// An error with the exit code it deserves.
struct Failure {
    code: u8,
    error: anyhow::Error,
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

fn run(args: RunArgs) -> Result<(), Failure> {
    let started = Instant::now();
    let mut scenario = Scenario::load(&args.scenario).map_err(Error::Scenario)?;
    if let Some(seed) = args.seed {
        scenario.simulation.seed = seed;
    }
    if let Some(steps) = args.steps {
        if steps == 0 {
            return Err(Failure {
                code: 2,
                error: anyhow::anyhow!("--steps must be at least 1"),
            });
        }
        scenario.simulation.months = steps;
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
