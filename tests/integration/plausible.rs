//! Plausibility of the full baseline (100,000 residents x 120 months) for
//! three seeds, so that a pass is not one lucky draw.
//!
//! After a burn-in of 12 months (months 13..=120 are checked):
//! - `unemployment_rate` stays between 3% and 12%: a band around China's
//!   surveyed urban unemployment rate (National Bureau of Statistics: about
//!   5% since 2018, with peaks of about 6%), wide enough for the swings of a
//!   model city of one district;
//! - `mean_commute_min`, the mean one-way commute of the employed, stays
//!   between 35 and 50 minutes, around the mean one-way commutes of the
//!   first-tier cities the baseline is calibrated to: Beijing 47 minutes
//!   (2023) and Shanghai 40 minutes (2021), from the annual commuting
//!   monitoring reports on major Chinese cities (China Academy of Urban
//!   Planning and Design with Baidu Maps);
//! - `price_index` and `mean_wage` stay within a factor of 3 of their month-12
//!   values in both directions (no runaway inflation, deflation or wage
//!   collapse),
//!
//! and in all 120 months there are firms and employed residents.

use polis::Row;

use crate::{BASELINE_MONTHS, SEEDS, baseline_run};

/// Months before this one are burn-in.
const FIRST_CHECKED_MONTH: u32 = 13;
/// The month whose price index and mean wage are the reference.
const REFERENCE_MONTH: u32 = 12;
const UNEMPLOYMENT: (f64, f64) = (0.03, 0.12);
const COMMUTE_MIN: (f64, f64) = (35.0, 50.0);
const DRIFT_FACTOR: f64 = 3.0;

fn checked_rows(rows: &[Row]) -> impl Iterator<Item = &Row> {
    rows.iter()
        .filter(|r| (FIRST_CHECKED_MONTH..=BASELINE_MONTHS).contains(&r.month))
}

fn reference_row(seed: u64, rows: &[Row]) -> &Row {
    rows.iter()
        .find(|r| r.month == REFERENCE_MONTH)
        .unwrap_or_else(|| panic!("seed {seed}: no row for month {REFERENCE_MONTH}"))
}

/// Checks every seed, collects every value out of its range as
/// "seed S, month M: what = value", and fails once with all of them.
fn check(what: &str, violations_of: impl Fn(u64, &[Row]) -> Vec<String>) {
    let mut all = Vec::new();
    for seed in SEEDS {
        let run = baseline_run(seed);
        run.assert_complete();
        all.extend(violations_of(seed, &run.rows));
    }
    const SHOWN: usize = 40;
    assert!(
        all.is_empty(),
        "{} month(s) with {what} out of range:\n{}{}",
        all.len(),
        all.iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        if all.len() > SHOWN {
            format!("\n... and {} more", all.len() - SHOWN)
        } else {
            String::new()
        }
    );
}

fn outside(
    seed: u64,
    rows: &[Row],
    name: &str,
    (lo, hi): (f64, f64),
    value: impl Fn(&Row) -> f64,
) -> Vec<String> {
    checked_rows(rows)
        .filter(|r| !(lo..=hi).contains(&value(r)))
        .map(|r| {
            format!(
                "seed {seed}, month {}: {name} = {:.4}, expected {lo}..={hi}",
                r.month,
                value(r)
            )
        })
        .collect()
}

#[test]
fn unemployment_rate_stays_between_3_and_12_percent_after_burn_in() {
    check("unemployment_rate", |seed, rows| {
        outside(seed, rows, "unemployment_rate", UNEMPLOYMENT, |r| {
            r.unemployment_rate
        })
    });
}

#[test]
fn mean_commute_stays_between_35_and_50_minutes_after_burn_in() {
    check("mean_commute_min", |seed, rows| {
        outside(seed, rows, "mean_commute_min", COMMUTE_MIN, |r| {
            r.mean_commute_min
        })
    });
}

#[test]
fn firms_and_employment_never_vanish() {
    check("firms or employed", |seed, rows| {
        rows.iter()
            .filter(|r| r.firms == 0 || r.employed == 0)
            .map(|r| {
                format!(
                    "seed {seed}, month {}: firms = {}, employed = {}",
                    r.month, r.firms, r.employed
                )
            })
            .collect()
    });
}

#[test]
fn price_index_and_mean_wage_stay_within_a_factor_of_3_of_month_12() {
    check("price_index or mean_wage", |seed, rows| {
        let reference = reference_row(seed, rows);
        let mut out = Vec::new();
        for (name, base, value) in [
            (
                "price_index",
                reference.price_index,
                (|r: &Row| r.price_index) as fn(&Row) -> f64,
            ),
            ("mean_wage", reference.mean_wage, |r: &Row| r.mean_wage),
        ] {
            if !(base.is_finite() && base > 0.0) {
                out.push(format!("seed {seed}, month {REFERENCE_MONTH}: {name} = {base}, expected a positive number"));
                continue;
            }
            let bounds = (base / DRIFT_FACTOR, base * DRIFT_FACTOR);
            out.extend(outside(
                seed,
                rows,
                &format!("{name} (month 12: {base:.4})"),
                bounds,
                value,
            ));
        }
        out
    });
}
