//! The library's top-level error, gathering each layer's own: the
//! scenario's ([`ScenarioError`]), a month's ([`StepError`], which holds the
//! ledger's [`crate::world::ledger::LedgerViolation`]), the files' and the
//! pictures' ([`crate::plot::PlotError`]). The core layers (scenario, world,
//! model, step, metrics) return their own and never this one. `main`
//! renders it for people and picks the exit code: bad input is
//! [`Error::Scenario`] or a plot's input error, a failure while running is
//! anything else.

use crate::scenario::ScenarioError;
use crate::step::StepError;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The scenario is invalid (bad input).
    #[error("{}", render_scenario_errors(.0))]
    Scenario(Vec<ScenarioError>),
    /// A month could not be simulated: money was created or destroyed, an
    /// event could not be applied, or a quantity overflowed.
    #[error(transparent)]
    Step(#[from] StepError),
    /// A sweep folder or its parts are inconsistent.
    #[error("{0}")]
    Sweep(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A chart, map or report could not be made.
    #[error(transparent)]
    Plot(#[from] crate::plot::PlotError),
    /// A thread pool could not be built.
    #[error("cannot start {threads} threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Why not.
        message: String,
    },
}

impl Error {
    /// True when the error is the user's input, not a failure while running.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::Scenario(_) | Error::Plot(crate::plot::PlotError::Input { .. })
        )
    }
}

fn render_scenario_errors(errors: &[ScenarioError]) -> String {
    let mut s = String::new();
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&format!("error: {e}"));
    }
    s
}
