//! What can stop a month: the step layer's own error.

use crate::world::ledger::LedgerViolation;

/// Why a month could not be simulated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StepError {
    /// Money was created or destroyed (a bug).
    #[error(transparent)]
    Ledger(#[from] LedgerViolation),
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
}
