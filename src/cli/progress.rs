//! Progress on standard error: a bar on a terminal, plain lines elsewhere,
//! nothing when quiet. A run's progress is an observer of its months; a
//! sweep's counts its runs.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use polis::experiment::{RunOutcome, RunStatus};
use polis::run::Observer;
use polis::{Error, Simulation};

/// A progress bar on a terminal, plain lines elsewhere, nothing when quiet.
pub(crate) enum Progress {
    Bar(ProgressBar),
    Lines { months: u32, every: u32 },
    Quiet,
}

impl Progress {
    pub(crate) fn new(months: u32, quiet: bool) -> Progress {
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

    pub(crate) fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn month(&mut self, _: &Simulation, row: &polis::Row) -> Result<(), Error> {
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
        Ok(())
    }
}

/// Progress over a sweep's runs: a bar on a terminal, a line about every
/// tenth of the runs elsewhere, nothing when quiet.
pub(crate) struct RunProgress {
    total: usize,
    every: usize,
    done: AtomicUsize,
    failed: AtomicUsize,
    bar: Option<ProgressBar>,
    quiet: bool,
}

impl RunProgress {
    pub(crate) fn new(total: usize, quiet: bool) -> RunProgress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template("{elapsed_precise} [{bar:40}] run {pos}/{len} {msg}")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            bar
        });
        RunProgress {
            total,
            every: total.div_ceil(10).max(1),
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            bar,
            quiet,
        }
    }

    pub(crate) fn done(&self, outcome: &RunOutcome) {
        let failed = if matches!(outcome.status, RunStatus::Failed(_)) {
            self.failed.fetch_add(1, Ordering::SeqCst) + 1
        } else {
            self.failed.load(Ordering::SeqCst)
        };
        let done = self.done.fetch_add(1, Ordering::SeqCst) + 1;
        if self.quiet {
            return;
        }
        match &self.bar {
            Some(bar) => {
                bar.set_message(format!("({failed} failed)"));
                bar.inc(1);
            }
            None => {
                if done.is_multiple_of(self.every) || done == self.total {
                    eprintln!("run {done}/{} done ({failed} failed)", self.total);
                }
            }
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
