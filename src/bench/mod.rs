//! The standard benchmark suite of `polis bench`: its cases, one measured
//! run, the medians of repeated runs, speed-ups, the tables the binary prints
//! and the comparison with a saved report that a CI job can gate on.
//!
//! The library runs and summarises only. The `polis` binary runs every
//! measurement in a child process of its own (so that each has its own peak
//! memory), reads that peak from the operating system, and prints.
//!
//! The tables it prints are in `tables`, the comparison with a baseline
//! (`polis bench --compare`) in `regression`.
//!
//! Field names of [`Report`] (and of everything inside it) are stable: they
//! are what `polis bench --json FILE` writes and what `--compare` reads.

use std::time::Instant;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod regression;
mod tables;

pub use regression::{Check, Comparison, compare};
pub use tables::{render, si, timings_table};

use crate::error::Error;
use crate::scenario::Scenario;
use crate::step::{Simulation, Timings};

/// Fewest residents a scaled case may have (the scenario minimum).
const MIN_RESIDENTS: u32 = 100;

/// One scenario of the suite: which file, at what size, how many times.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Name in tables and reports: `small`, `baseline` or `megacity`.
    pub name: &'static str,
    /// Scenario file, relative to the scenarios folder.
    pub file: &'static str,
    /// Residents (`simulation.residents`).
    pub residents: u32,
    /// Months simulated (`simulation.months`).
    pub months: u32,
    /// Runs per thread count; the report gives their median.
    pub repeats: u32,
}

/// What `polis bench` was asked to run.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiteOptions {
    /// Leave out the megacity and shorten the baseline to 24 months.
    pub quick: bool,
    /// Months of the megacity (120 in the standard suite).
    pub megacity_months: u32,
    /// Runs per thread count of the small city and the baseline (the
    /// megacity runs once).
    pub repeat: u32,
    /// Factor on every case's residents (1 in the standard suite; smaller
    /// for tests of the command itself).
    pub scale: f64,
}

impl Default for SuiteOptions {
    fn default() -> Self {
        SuiteOptions {
            quick: false,
            megacity_months: 120,
            repeat: 3,
            scale: 1.0,
        }
    }
}

/// The cases of the suite, in the order they run.
pub fn suite(options: &SuiteOptions) -> Vec<Case> {
    let scaled = |n: u32| ((n as f64 * options.scale).round() as u32).max(MIN_RESIDENTS);
    let repeat = options.repeat.max(1);
    let mut cases = vec![
        Case {
            name: "small",
            file: "baseline.toml",
            residents: scaled(10_000),
            months: 24,
            repeats: repeat,
        },
        Case {
            name: "baseline",
            file: "baseline.toml",
            residents: scaled(100_000),
            months: if options.quick { 24 } else { 120 },
            repeats: repeat,
        },
    ];
    if !options.quick {
        cases.push(Case {
            name: "megacity",
            file: "megacity.toml",
            residents: scaled(10_000_000),
            months: options.megacity_months.max(1),
            repeats: 1,
        });
    }
    cases
}

/// Seconds per phase, in the order of [`crate::step::PIPELINE`]; written as a
/// JSON object `{"events": 0.001, ...}` in that order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhaseSeconds(pub Vec<(String, f64)>);

impl PhaseSeconds {
    /// The phases of `timings`.
    pub fn of(timings: &Timings) -> PhaseSeconds {
        PhaseSeconds(
            timings
                .table()
                .into_iter()
                .map(|(name, s)| (name.to_string(), s))
                .collect(),
        )
    }

    /// Seconds of the phase called `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| n == name).map(|&(_, s)| s)
    }

    /// Sum over the phases.
    pub fn total(&self) -> f64 {
        self.0.iter().map(|(_, s)| s).sum()
    }
}

impl Serialize for PhaseSeconds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'de> Deserialize<'de> for PhaseSeconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = PhaseSeconds;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of phase names and seconds")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<PhaseSeconds, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, f64>()? {
                    out.push((k, v));
                }
                Ok(PhaseSeconds(out))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// One measured run of a case at one thread count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// Case name.
    pub scenario: String,
    /// Residents at set-up.
    pub residents: u64,
    /// Months simulated.
    pub months: u32,
    /// Worker threads.
    pub threads: usize,
    /// Set-up and all months, seconds.
    pub wall_seconds: f64,
    /// Building the city, seconds.
    pub setup_seconds: f64,
    /// Seconds per phase over all months.
    pub phase_seconds: PhaseSeconds,
    /// Peak resident memory of the process that ran it, bytes (`None`
    /// where the operating system does not tell).
    pub peak_rss_bytes: Option<u64>,
}

/// Builds `scenario` and runs all its months in the current rayon pool,
/// timing both. The peak memory is left for the caller to fill in.
pub fn measure(name: &str, scenario: Scenario) -> Result<Measurement, Error> {
    let months = scenario.simulation.months;
    let start = Instant::now();
    let mut sim = Simulation::new(scenario.check().map_err(Error::Scenario)?);
    let residents = sim.world().residents.len() as u64;
    crate::run::run_months(&mut sim, months, &mut ())?;
    let wall_seconds = start.elapsed().as_secs_f64();
    Ok(Measurement {
        scenario: name.to_string(),
        residents,
        months,
        threads: rayon::current_num_threads(),
        wall_seconds,
        setup_seconds: sim.timings().setup,
        phase_seconds: PhaseSeconds::of(sim.timings()),
        peak_rss_bytes: None,
    })
}

/// The figures of one case at one thread count: medians over its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Case name.
    pub scenario: String,
    /// Residents at set-up.
    pub residents: u64,
    /// Months simulated.
    pub months: u32,
    /// Worker threads.
    pub threads: usize,
    /// Residents x months / `wall_seconds` (set-up included).
    pub resident_months_per_second: f64,
    /// `resident_months_per_second` / `threads`.
    pub per_core_resident_months_per_second: f64,
    /// Residents x months / (`wall_seconds` - `setup_seconds`): the months
    /// alone.
    pub step_resident_months_per_second: f64,
    /// Median wall time of set-up and all months, seconds.
    pub wall_seconds: f64,
    /// Median set-up time, seconds.
    pub setup_seconds: f64,
    /// `setup_seconds` / `wall_seconds`.
    pub setup_share: f64,
    /// Median peak resident memory of the process, bytes.
    pub peak_rss_bytes: Option<u64>,
    /// `peak_rss_bytes` / `residents` (the program itself included).
    pub bytes_per_resident: Option<f64>,
    /// Median seconds per phase over all months.
    pub phase_seconds: PhaseSeconds,
    /// Runs the medians are taken over.
    pub repeats: u32,
    /// Wall time of each run, seconds, in the order they ran.
    pub wall_seconds_each: Vec<f64>,
}

/// Speed-up of a case at `threads` over the same case at one thread, both
/// measured in the same invocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speedup {
    /// Case name.
    pub scenario: String,
    /// Threads of the faster run.
    pub threads: usize,
    /// Median resident-months per second at `threads` over that at 1.
    pub ratio: f64,
}

/// The machine a report was measured on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// Cores available to the process.
    pub cores: usize,
    /// Processor model (`unknown` where it cannot be read).
    pub model: String,
    /// Physical memory, bytes, where known.
    #[serde(default)]
    pub memory_bytes: Option<u64>,
}

/// What `polis bench --json` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// polis version.
    pub polis_version: String,
    /// Git commit of the binary (`unknown` outside a checkout).
    pub git_commit: String,
    /// Where it ran.
    pub machine: Machine,
    /// Whether this is the quick suite.
    #[serde(default)]
    pub quick: bool,
    /// One entry per case and thread count, in the order they ran.
    pub results: Vec<Figures>,
    /// Speed-ups of N threads over 1.
    #[serde(default)]
    pub speedup: Vec<Speedup>,
}

/// The median of `xs` (the mean of the two middle values for an even
/// count); NaN for none.
pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Figures per (case, threads), in the order each pair first ran.
pub fn summarize(runs: &[Measurement]) -> Vec<Figures> {
    let mut keys: Vec<(&str, usize)> = Vec::new();
    for m in runs {
        let key = (m.scenario.as_str(), m.threads);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.into_iter()
        .map(|(scenario, threads)| {
            let group: Vec<&Measurement> = runs
                .iter()
                .filter(|m| m.scenario == scenario && m.threads == threads)
                .collect();
            let first = group[0];
            let of = |f: &dyn Fn(&Measurement) -> f64| {
                median(&group.iter().map(|m| f(m)).collect::<Vec<_>>())
            };
            let wall = of(&|m| m.wall_seconds);
            let setup = of(&|m| m.setup_seconds);
            let work = first.residents as f64 * first.months as f64;
            let peaks: Vec<f64> = group
                .iter()
                .filter_map(|m| m.peak_rss_bytes.map(|b| b as f64))
                .collect();
            let peak = (!peaks.is_empty()).then(|| median(&peaks).round() as u64);
            let phase_seconds = PhaseSeconds(
                first
                    .phase_seconds
                    .0
                    .iter()
                    .map(|(name, _)| {
                        (
                            name.clone(),
                            of(&|m| m.phase_seconds.get(name).unwrap_or(f64::NAN)),
                        )
                    })
                    .collect(),
            );
            let rate = work / wall;
            Figures {
                scenario: scenario.to_string(),
                residents: first.residents,
                months: first.months,
                threads,
                resident_months_per_second: rate,
                per_core_resident_months_per_second: rate / threads as f64,
                step_resident_months_per_second: work / (wall - setup),
                wall_seconds: wall,
                setup_seconds: setup,
                setup_share: setup / wall,
                peak_rss_bytes: peak,
                bytes_per_resident: peak.map(|p| p as f64 / first.residents.max(1) as f64),
                phase_seconds,
                repeats: group.len() as u32,
                wall_seconds_each: group.iter().map(|m| m.wall_seconds).collect(),
            }
        })
        .collect()
}

/// Speed-up of every case's multi-thread figures over its one-thread one.
pub fn speedups(results: &[Figures]) -> Vec<Speedup> {
    let mut out = Vec::new();
    for one in results.iter().filter(|f| f.threads == 1) {
        for many in results
            .iter()
            .filter(|f| f.scenario == one.scenario && f.threads > 1)
        {
            out.push(Speedup {
                scenario: one.scenario.clone(),
                threads: many.threads,
                ratio: many.resident_months_per_second / one.resident_months_per_second,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(scenario: &str, threads: usize, wall: f64, peak: u64) -> Measurement {
        Measurement {
            scenario: scenario.into(),
            residents: 1000,
            months: 10,
            threads,
            wall_seconds: wall,
            setup_seconds: 0.1 * wall,
            phase_seconds: PhaseSeconds(vec![("plan".into(), 0.5 * wall)]),
            peak_rss_bytes: Some(peak),
        }
    }

    fn report(runs: &[Measurement]) -> Report {
        let results = summarize(runs);
        Report {
            polis_version: "0".into(),
            git_commit: "unknown".into(),
            machine: Machine {
                cores: 2,
                model: "test".into(),
                memory_bytes: None,
            },
            quick: true,
            speedup: speedups(&results),
            results,
        }
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn the_suite_drops_the_megacity_when_quick() {
        let full = suite(&SuiteOptions::default());
        assert_eq!(
            full.iter().map(|c| c.name).collect::<Vec<_>>(),
            ["small", "baseline", "megacity"]
        );
        assert_eq!(full[1].months, 120);
        assert_eq!(full[2].residents, 10_000_000);
        assert_eq!(full[2].repeats, 1);
        let quick = suite(&SuiteOptions {
            quick: true,
            scale: 0.001,
            ..SuiteOptions::default()
        });
        assert_eq!(quick.len(), 2);
        assert_eq!(quick[1].months, 24);
        assert_eq!(quick[0].residents, MIN_RESIDENTS);
    }

    #[test]
    fn figures_are_medians_and_speedups_are_ratios() {
        let runs = [
            run("small", 1, 3.0, 10),
            run("small", 2, 2.0, 12),
            run("small", 1, 1.0, 10),
            run("small", 2, 1.0, 12),
            run("small", 1, 2.0, 10),
            run("small", 2, 0.5, 12),
        ];
        let r = report(&runs);
        assert_eq!(r.results.len(), 2);
        assert_eq!(r.results[0].wall_seconds, 2.0);
        assert_eq!(r.results[1].wall_seconds, 1.0);
        assert_eq!(r.results[0].resident_months_per_second, 5000.0);
        assert_eq!(r.results[1].per_core_resident_months_per_second, 5000.0);
        assert_eq!(r.results[0].phase_seconds.get("plan"), Some(1.0));
        assert_eq!(r.results[0].repeats, 3);
        assert_eq!(r.speedup.len(), 1);
        assert_eq!(r.speedup[0].ratio, 2.0);
        let text = render(&r);
        assert!(text.contains("2.00x at 2 threads"), "{text}");
    }

    #[test]
    fn reports_survive_json_and_compare_with_themselves() {
        let r = report(&[run("small", 1, 1.0, 100), run("baseline", 1, 5.0, 200)]);
        let json = serde_json::to_string(&r).expect("serializes");
        assert!(json.contains("\"phase_seconds\":{\"plan\":0.5}"), "{json}");
        let back: Report = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, r);
        let same = compare(&r, &back, 0.1);
        assert_eq!(same.checks.len(), 4);
        assert!(same.regressions().is_empty());
    }

    #[test]
    fn slower_or_bigger_runs_regress() {
        let base = report(&[run("small", 1, 1.0, 100), run("baseline", 1, 1.0, 100)]);
        let current = report(&[run("small", 1, 1.2, 100), run("baseline", 1, 1.0, 115)]);
        let c = compare(&base, &current, 0.1);
        let bad: Vec<(&str, &str)> = c
            .regressions()
            .iter()
            .map(|c| (c.scenario.as_str(), c.figure))
            .collect();
        assert_eq!(
            bad,
            [
                ("small", "resident_months_per_second"),
                ("baseline", "peak_rss_bytes")
            ]
        );
        assert!(c.render(0.1).contains("REGRESSED small, 1 thread"));
        let fewer = report(&[run("small", 1, 1.0, 100)]);
        let c = compare(&base, &fewer, 0.1);
        assert_eq!(c.missing, [("baseline".to_string(), 1)]);
    }
}
