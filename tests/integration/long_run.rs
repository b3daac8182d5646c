//! The long-run shape of the baseline (`scenarios/baseline.toml`, the
//! credit economy of docs/MODEL.md 3.15 and 3.16), so that a change of its
//! rules that breaks it fails here rather than in a 50-year validation
//! run. Three seeds, 20,000 residents, 360 months; each seed must show:
//! - inflation from month 12 to month 360 between 1% and 4% a year (the
//!   bank targets 3%; measured 3.5-3.6%);
//! - unemployment over months 13-360 averaging between 3.5% and 8%
//!   (measured 5.1-5.2%), and never above 10% in any of those months
//!   (measured at most 6.2%; the credit cycle before separations reached
//!   15%);
//! - investment between 15% and 30% and household consumption between 50%
//!   and 65% of nominal output over months 13-360 (measured 24.8-25.6% and
//!   60.1-60.8%): firms and the government buy goods besides households;
//! - a stock of firms at month 360 within 0.8 to 1.25 times that at month
//!   120 (measured 0.885-0.948): no secular decline or explosion;
//! - a wealth Gini at month 360 at least 0.15 above the income Gini
//!   (measured 0.61 against 0.36): the rich save more.

use polis::{Row, Scenario, Simulation};

use crate::repo_path;

const SEEDS: [u64; 3] = [1, 2, 3];
const RESIDENTS: u32 = 20_000;
const MONTHS: u32 = 360;

fn baseline(seed: u64) -> Vec<Row> {
    let path = repo_path("scenarios/baseline.toml");
    let mut scenario = Scenario::load(&path).unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        panic!("{} does not load:\n{}", path.display(), text.join("\n"))
    });
    scenario.simulation.residents = RESIDENTS;
    scenario.simulation.months = MONTHS;
    scenario.simulation.seed = seed;
    let mut sim = Simulation::new(scenario.check().expect("a valid scenario"));
    (1..=MONTHS)
        .map(|month| {
            sim.step()
                .unwrap_or_else(|e| panic!("seed {seed}, month {month}: {e}"))
        })
        .collect()
}

/// The share of nominal output that `part` of each row makes up over
/// months 13 to the end.
fn share(rows: &[Row], part: impl Fn(&Row) -> f64) -> f64 {
    let after = &rows[12..];
    let whole: f64 = after.iter().map(|r| r.gdp_nominal).sum();
    after.iter().map(part).sum::<f64>() / whole
}

#[test]
fn the_baseline_keeps_its_long_run_shape() {
    let mut out_of_range = Vec::new();
    for seed in SEEDS {
        let rows = baseline(seed);
        let (first, last) = (&rows[11], &rows[MONTHS as usize - 1]);
        let years = (MONTHS - 12) as f64 / 12.0;
        let inflation = (last.price_index / first.price_index).powf(1.0 / years) - 1.0;
        let unemployment =
            rows[12..].iter().map(|r| r.unemployment_rate).sum::<f64>() / (rows.len() - 12) as f64;
        let peak = rows[12..]
            .iter()
            .map(|r| r.unemployment_rate)
            .fold(0.0, f64::max);
        // Cents to yuan, as `gdp_nominal`.
        let investment = share(&rows, |r| r.investment as f64 / 100.0);
        let consumption = share(&rows, |r| r.consumption as f64 / 100.0);
        let firms = last.firms as f64 / rows[119].firms as f64;
        let concentration = last.gini_wealth - last.gini_income;
        for (what, value, (low, high)) in [
            ("inflation a year", inflation, (0.01, 0.04)),
            ("mean unemployment", unemployment, (0.035, 0.08)),
            ("highest unemployment", peak, (0.0, 0.10)),
            ("investment share", investment, (0.15, 0.30)),
            ("consumption share", consumption, (0.50, 0.65)),
            ("firms at month 360 over month 120", firms, (0.8, 1.25)),
            ("wealth Gini less income Gini", concentration, (0.15, 1.0)),
        ] {
            if !(low..=high).contains(&value) {
                out_of_range.push(format!(
                    "seed {seed}: {what} {value:.4} not in {low}..{high}"
                ));
            }
        }
    }
    assert!(out_of_range.is_empty(), "{}", out_of_range.join("\n"));
}
