//! A report compared with a baseline report (`polis bench --compare`): which
//! figures regressed by more than a bound.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::Report;
use super::tables::{mb, si};

/// One figure of a case compared with the baseline report.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Case name.
    pub scenario: String,
    /// Worker threads.
    pub threads: usize,
    /// `resident_months_per_second` or `peak_rss_bytes`.
    pub figure: &'static str,
    /// The baseline's value.
    pub baseline: f64,
    /// This run's value.
    pub current: f64,
    /// How much worse, as a fraction (negative when better): the loss of
    /// throughput, or the growth of memory.
    pub regression: f64,
    /// Whether `regression` passes the bound.
    pub regressed: bool,
}

/// The outcome of comparing a report with a baseline report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    /// Every figure compared.
    pub checks: Vec<Check>,
    /// (case, threads) of the baseline that this report lacks.
    pub missing: Vec<(String, usize)>,
    /// (case, threads) present in both but of other sizes (residents or
    /// months), so not compared.
    pub other_size: Vec<(String, usize)>,
}

impl Comparison {
    /// The figures that regressed past the bound.
    pub fn regressions(&self) -> Vec<&Check> {
        self.checks.iter().filter(|c| c.regressed).collect()
    }

    /// A line per figure compared, then what could not be compared.
    pub fn render(&self, max_regression: f64) -> String {
        let mut out = format!(
            "compared with the baseline (bound: {:.1}% worse):\n",
            100.0 * max_regression
        );
        for c in &self.checks {
            let (base, cur) = if c.figure == "peak_rss_bytes" {
                (mb(Some(c.baseline as u64)), mb(Some(c.current as u64)))
            } else {
                (si(c.baseline), si(c.current))
            };
            let _ = writeln!(
                out,
                "  {} {}, {} thread{}: {} {} -> {} ({:.1}% {})",
                if c.regressed {
                    "REGRESSED"
                } else {
                    "ok       "
                },
                c.scenario,
                c.threads,
                if c.threads == 1 { "" } else { "s" },
                c.figure,
                base,
                cur,
                100.0 * c.regression.abs(),
                if c.regression > 0.0 {
                    "worse"
                } else {
                    "better"
                },
            );
        }
        for (s, t) in &self.missing {
            let _ = writeln!(out, "  not run: {s}, {t} threads (in the baseline)");
        }
        for (s, t) in &self.other_size {
            let _ = writeln!(
                out,
                "  not compared: {s}, {t} threads (other residents or months than the baseline)"
            );
        }
        out
    }
}

/// Compares `current` with `baseline`, case by case at equal thread counts:
/// throughput (`resident_months_per_second`) regresses when it falls by more
/// than `max_regression` (a fraction), peak memory when it grows by more.
pub fn compare(baseline: &Report, current: &Report, max_regression: f64) -> Comparison {
    let mut out = Comparison::default();
    let mut seen = BTreeSet::new();
    for base in &baseline.results {
        let key = (base.scenario.clone(), base.threads);
        if !seen.insert(key.clone()) {
            continue;
        }
        let Some(cur) = current
            .results
            .iter()
            .find(|f| f.scenario == base.scenario && f.threads == base.threads)
        else {
            out.missing.push(key);
            continue;
        };
        if cur.residents != base.residents || cur.months != base.months {
            out.other_size.push(key);
            continue;
        }
        let mut check = |figure: &'static str, b: f64, c: f64, regression: f64| {
            out.checks.push(Check {
                scenario: base.scenario.clone(),
                threads: base.threads,
                figure,
                baseline: b,
                current: c,
                regression,
                regressed: regression > max_regression,
            });
        };
        let (b, c) = (
            base.resident_months_per_second,
            cur.resident_months_per_second,
        );
        check("resident_months_per_second", b, c, 1.0 - c / b);
        if let (Some(b), Some(c)) = (base.peak_rss_bytes, cur.peak_rss_bytes) {
            let (b, c) = (b as f64, c as f64);
            check("peak_rss_bytes", b, c, c / b - 1.0);
        }
    }
    out
}
