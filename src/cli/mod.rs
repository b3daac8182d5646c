//! The `polis` binary's commands, one module each; [`args`] holds their
//! options. A command returns a [`Failure`] (a message and an exit code)
//! rather than printing its error: `main` prints it and exits.

pub(crate) mod args;
pub(crate) mod bench;
pub(crate) mod check;
pub(crate) mod compare;
pub(crate) mod memory;
pub(crate) mod merge;
pub(crate) mod params;
pub(crate) mod plot;
pub(crate) mod progress;
pub(crate) mod report;
pub(crate) mod run;
pub(crate) mod sweep;
pub(crate) mod validate;

use std::path::PathBuf;

use polis::scenario::Loaded;
use polis::{Error, Scenario};

/// An error with the exit code it deserves.
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) error: anyhow::Error,
}

impl Failure {
    /// Bad input (exit code 2), with a message and what to do about it.
    pub(crate) fn bad_input(message: String, hint: &str) -> Failure {
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

/// Loads a scenario with its overrides. `labels` names the command-line
/// option an override came from (`--seed`, `--steps`), so that an error in
/// it points at that option rather than at `--set`.
pub(crate) fn load(
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

/// A rayon pool of `jobs` threads (default: all cores).
pub(crate) fn pool(jobs: Option<u32>) -> Result<(rayon::ThreadPool, usize), Failure> {
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
