//! Benchmarks of the monthly step.
//!
//! - `month/N`: one whole month ([`Simulation::step`]) of the baseline
//!   scenario with N residents; the throughput is in resident-months.
//! - `phase/NAME`: each phase of [`polis::step::PIPELINE`] that can run
//!   alone ([`polis::step::Stage::reruns`]), run again with
//!   [`Simulation::rerun_phase`] at 100,000 residents;
//!   the throughput is in resident-phases.
//!
//! Each city is built once and warmed up for a few months before it is timed.
//! A city that reaches the scenario's horizon is rebuilt (untimed), so the
//! timed months stay within the range a normal run covers. Phase timings run
//! one normal month (untimed) before each batch of reruns, so every batch
//! starts from the state a month leaves.
//!
//! `cargo bench --bench step` runs them all (a few minutes);
//! `cargo bench --bench step -- --test` runs each once as a check.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use polis::step::PIPELINE;
use polis::{Scenario, Simulation};

/// Months simulated (untimed) after building a city, before timing it.
const WARM_UP_MONTHS: u32 = 6;

/// Resident counts of the `month` group.
const MONTH_SIZES: [u32; 2] = [10_000, 100_000];

/// Resident count of the `phase` group.
const PHASE_SIZE: u32 = 100_000;

/// The baseline scenario resized to `residents`.
fn scenario(residents: u32) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let mut scenario = Scenario::load(&path).unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        panic!("cannot load {}:\n{}", path.display(), text.join("\n"))
    });
    scenario.simulation.residents = residents;
    scenario
}

/// A warmed-up city that is rebuilt when it reaches the scenario's horizon.
struct Bed {
    scenario: Scenario,
    sim: Simulation,
}

impl Bed {
    fn new(residents: u32) -> Bed {
        let scenario = scenario(residents);
        let sim = Self::build(&scenario);
        Bed { scenario, sim }
    }

    fn build(scenario: &Scenario) -> Simulation {
        let mut sim = Simulation::new(scenario.clone().check().expect("a valid scenario"));
        for _ in 0..WARM_UP_MONTHS {
            sim.step().expect("warm-up month");
        }
        sim
    }

    /// Rebuilds the city if its next month would pass the horizon.
    fn renew_if_done(&mut self) {
        if self.sim.world().month >= self.scenario.simulation.months {
            self.sim = Self::build(&self.scenario);
        }
    }

    /// Runs one month, untimed by the caller.
    fn advance(&mut self) {
        self.renew_if_done();
        self.sim.step().expect("month");
    }
}

fn month(c: &mut Criterion) {
    let mut group = c.benchmark_group("month");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for residents in MONTH_SIZES {
        let mut bed = Bed::new(residents);
        group.throughput(Throughput::Elements(residents as u64));
        group.bench_function(BenchmarkId::from_parameter(residents), |b| {
            b.iter_custom(|iters| {
                let mut timed = Duration::ZERO;
                for _ in 0..iters {
                    bed.renew_if_done();
                    let start = Instant::now();
                    let row = bed.sim.step().expect("month");
                    timed += start.elapsed();
                    black_box(row);
                }
                timed
            })
        });
    }
    group.finish();
}

fn phase(c: &mut Criterion) {
    let mut group = c.benchmark_group("phase");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(PHASE_SIZE as u64));
    let mut bed = Bed::new(PHASE_SIZE);
    for (k, stage) in PIPELINE.iter().enumerate().filter(|(_, s)| s.reruns()) {
        group.bench_function(stage.name, |b| {
            b.iter_custom(|iters| {
                bed.advance();
                let start = Instant::now();
                for _ in 0..iters {
                    bed.sim.rerun_phase(k).expect("phase");
                }
                let timed = start.elapsed();
                black_box(bed.sim.world().month);
                timed
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // No plots: drawing them needs system fonts, which a build machine may
    // not have (criterion then stops after the first benchmark). The
    // figures are printed, and kept as JSON under target/criterion.
    config = Criterion::default().without_plots();
    targets = month, phase
}
criterion_main!(benches);
