//! `polis bench` (the standard suite, each run in a child process),
//! `polis bench-one` (one measured run) and `polis bench-step` (the
//! workload of bench/instructions.sh).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::Context;

use polis::Simulation;
use polis::bench::{self, Report};
use polis::output;

use super::args::{BenchArgs, BenchOneArgs, BenchStepArgs};
use super::memory::{check_memory, mem_total, peak_rss};
use super::{Failure, load, pool};

/// The folder of the suite's scenarios: `given`, else `./scenarios`, else
/// the scenarios of the source tree this binary was built from.
pub(crate) fn scenarios_dir(given: Option<&Path>) -> Result<PathBuf, Failure> {
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
pub(crate) fn bench(args: BenchArgs) -> Result<(), Failure> {
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
pub(crate) fn read_report(path: &Path) -> Result<Report, Failure> {
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
pub(crate) fn run_suite(args: &BenchArgs) -> Result<Report, Failure> {
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
pub(crate) fn bench_child(
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
pub(crate) fn bench_one(args: BenchOneArgs) -> Result<(), Failure> {
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
pub(crate) fn bench_step(args: BenchStepArgs) -> Result<(), Failure> {
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
        let scenario = loaded.scenario.check().map_err(polis::Error::Scenario)?;
        let mut sim = Simulation::new(scenario);
        polis::run::run_months(&mut sim, args.steps, &mut ())
    })?;
    Ok(())
}

/// The processor model, from /proc/cpuinfo.
pub(crate) fn cpu_model() -> Option<String> {
    let text = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    text.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}
