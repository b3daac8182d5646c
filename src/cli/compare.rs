//! `polis compare`: two scenarios over paired replicates.

use std::path::PathBuf;

use polis::experiment::compare::{Pairing, Request, Side};

use super::args::CompareArgs;
use super::memory::check_memory_for;
use super::{Failure, load, pool};

/// `polis compare`: paired replicates of two scenarios, B - A per metric.
pub(crate) fn compare(args: CompareArgs) -> Result<(), Failure> {
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
