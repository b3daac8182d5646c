//! The library's typed errors. `main` renders them for people and picks the
//! exit code: bad input is [`Error::Scenario`] or a plot's input error, a
//! failure while running is anything else.

use crate::scenario::ScenarioError;

/// A broken stock-flow identity.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerViolation {
    /// Month in which it was found.
    pub month: u32,
    /// Phase (or check) that found it.
    pub phase: String,
    /// What did not add up.
    pub detail: String,
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The scenario is invalid (bad input).
    #[error("{}", render_scenario_errors(.0))]
    Scenario(Vec<ScenarioError>),
    /// Money was created or destroyed (a bug).
    #[error("ledger violation in month {}, phase {}: {}", .0.month, .0.phase, .0.detail)]
    Ledger(LedgerViolation),
    /// A scenario event could not be applied (a bug: events are validated at load).
    #[error("event in month {month} could not be applied: {message}")]
    Event {
        /// Month of the event.
        month: u32,
        /// What went wrong.
        message: String,
    },
    /// A quantity grew past what the model can compute or write exactly
    /// (a commute sum, money beyond an i64 of cents, a number that is not
    /// finite): the run stops rather than write a wrong figure.
    #[error(
        "month {month}: {quantity} is {value}, beyond what polis can compute and write exactly; \
         the run stops here rather than write a wrong figure (check the scenario's extreme values)"
    )]
    Overflow {
        /// Month in which it was found.
        month: u32,
        /// What overflowed: the output column it would have been written in.
        quantity: String,
        /// Its value, as text.
        value: String,
    },
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
