//! `polis sweep`: a sweep, or one shard of it, then its merge.

use std::path::Path;

use polis::experiment::{self, RunOutcome, RunStatus, Shard};
use polis::{Error, Scenario};

use super::args::SweepArgs;
use super::memory::check_memory_for;
use super::merge::report_merge;
use super::progress::RunProgress;
use super::{Failure, pool};

/// The shard of a task of a Slurm job array, from the values of
/// `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT` and `SLURM_ARRAY_TASK_MIN`:
/// task `MIN + I` of `COUNT` does shard `I/COUNT`. `None` unless both the id
/// and the count are set.
pub(crate) fn slurm_shard(
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
pub(crate) fn check_sweep_memory(
    path: &Path,
    plan: &experiment::Plan,
    jobs: usize,
) -> Result<(), Failure> {
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
        if largest.as_ref().is_none_or(|l| {
            polis::output::memory_estimate(&loaded.scenario) > polis::output::memory_estimate(l)
        }) {
            largest = Some(loaded.scenario);
        }
    }
    match largest {
        Some(scenario) => check_memory_for(path, &scenario, jobs, "a sweep"),
        None => Ok(()),
    }
}

/// `polis sweep`: runs a sweep, or one shard of it, then merges a whole sweep.
pub(crate) fn sweep(args: SweepArgs) -> Result<(), Failure> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
