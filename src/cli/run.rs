//! `polis run`: one scenario, its files and its figures.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;

use polis::bench;
use polis::output::firms::FirmRecords;
use polis::output::residents::ResidentSample;
use polis::output::staged::Staged;
use polis::output::{self, Manifest};
use polis::run::{Rows, ZoneSnapshots};
use polis::scenario::FirmsOutput;

use super::args::RunArgs;
use super::memory::check_memory;
use super::progress::Progress;
use super::{Failure, load, pool};

pub(crate) fn run(args: RunArgs) -> Result<(), Failure> {
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
    let scenario = loaded.scenario;
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
        overrides.push(format!("simulation.months={steps}"));
    }
    let scenario = scenario.check().map_err(polis::Error::Scenario)?;
    let scenario = match args.steps {
        Some(steps) => scenario.first_months(steps),
        None => scenario,
    };
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
    // The agent-level files are streamed into the folder as the run goes,
    // under temporary names; a failed run removes them (and the folder, if
    // it made it and it is empty).
    let micro = &scenario.output;
    // The folders this run makes, deepest first: a failed run removes them.
    let made: Vec<PathBuf> = if micro.firms != FirmsOutput::Off || micro.residents_sample > 0.0 {
        out.ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .map(Path::to_path_buf)
            .collect()
    } else {
        Vec::new()
    };
    let streamed = (|| -> Result<_, polis::Error> {
        if !made.is_empty() {
            std::fs::create_dir_all(&out).map_err(|source| polis::Error::Io {
                path: out.display().to_string(),
                source,
            })?;
        }
        let firms = match micro.firms {
            FirmsOutput::Off => None,
            setting => Some(FirmRecords::new(
                months,
                setting,
                Staged::create(&out.join("firms.csv"))?,
                Staged::create(&out.join("exits.csv"))?,
            )),
        };
        let residents = match micro.residents_sample {
            share if share > 0.0 => Some(ResidentSample::new(
                months,
                scenario.simulation.seed,
                scenario.simulation.residents as usize,
                share,
                Staged::create(&out.join("residents.csv"))?,
            )),
            _ => None,
        };
        Ok((firms, residents))
    })();
    let forget_folder = || {
        for dir in &made {
            // Only while empty: a folder that holds anything else stays.
            let _ = std::fs::remove_dir(dir);
        }
    };
    let (mut firms, mut residents) = match streamed {
        Ok(s) => s,
        Err(e) => {
            forget_folder();
            return Err(e.into());
        }
    };
    let sim = pool.install(|| {
        polis::run::run(
            scenario.clone(),
            &mut (
                &mut progress,
                &mut rows,
                &mut zones,
                &mut firms,
                &mut residents,
            ),
        )
    });
    let sim = match sim {
        Ok(sim) => sim,
        Err(e) => {
            drop((firms, residents));
            forget_folder();
            return Err(e.into());
        }
    };
    progress.finish();
    let (rows, zones) = (rows.0, zones.rows);
    let mut staged = Vec::new();
    if let Some(f) = firms {
        staged.extend([f.firms, f.exits]);
    }
    if let Some(r) = residents {
        staged.push(r.out);
    }

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
    let paths = output::write_run(
        &out,
        &scenario.name,
        &rows,
        &scenario.sector_names(),
        &zones,
        staged,
        &mut manifest,
    )
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
pub(crate) fn default_out(path: &Path, name: &str) -> Result<PathBuf, Failure> {
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
