//! The determinism contract: the same scenario and seed give byte-identical
//! `timeseries.csv` (and, through the CLI, `zones.csv`) for any thread
//! count; a different seed gives a different one.

use std::path::Path;
use std::process::Command;

use polis::{Scenario, Simulation};

use crate::{first_difference, load_baseline, repo_path};

/// Residents and months of the smaller scenario used through the library.
const RESIDENTS: u32 = 20_000;
const MONTHS: u32 = 36;

fn small_scenario(seed: u64) -> Scenario {
    let mut scenario = load_baseline();
    scenario.simulation.residents = RESIDENTS;
    scenario.simulation.months = MONTHS;
    scenario.simulation.seed = seed;
    scenario
}

/// Runs `scenario` for all its months on a pool of `threads` threads and
/// returns `timeseries.csv` as bytes.
fn csv_with_threads(scenario: &Scenario, threads: usize) -> Vec<u8> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap_or_else(|e| panic!("cannot build a pool of {threads} threads: {e}"));
    pool.install(|| {
        assert_eq!(
            rayon::current_num_threads(),
            threads,
            "the run is not inside the {threads}-thread pool"
        );
        let mut sim = Simulation::new(scenario.clone().check().expect("a valid scenario"));
        let mut rows = Vec::with_capacity(scenario.simulation.months as usize);
        for month in 1..=scenario.simulation.months {
            let row = sim.step().unwrap_or_else(|e| {
                panic!(
                    "{threads} threads, seed {}: month {month} failed: {e}",
                    scenario.simulation.seed
                )
            });
            rows.push(row);
        }
        let csv = polis::output::timeseries_csv(&rows, &scenario.sector_names())
            .unwrap_or_else(|e| panic!("{threads} threads: timeseries_csv failed: {e}"));
        let lines = String::from_utf8_lossy(&csv).lines().count();
        assert_eq!(
            lines,
            scenario.simulation.months as usize + 1,
            "{threads} threads: timeseries.csv should have a header and one line per month"
        );
        csv
    })
}

#[test]
fn library_csv_is_identical_for_1_2_and_8_threads() {
    let scenario = small_scenario(42);
    let one = csv_with_threads(&scenario, 1);
    same_at_2_and_8_threads(
        &scenario,
        &one,
        &format!("{RESIDENTS} residents, {MONTHS} months, seed 42"),
    );
}

/// Asserts that `scenario` gives `one` (its output at 1 thread) at 2 and 8
/// threads too; `what` names the case in the message.
fn same_at_2_and_8_threads(scenario: &Scenario, one: &[u8], what: &str) {
    for threads in [2, 8] {
        let other = csv_with_threads(scenario, threads);
        assert!(
            one == other,
            "timeseries.csv differs between 1 and {threads} threads ({what}): {}",
            first_difference(one, &other)
        );
    }
}

#[test]
fn library_csv_differs_for_a_different_seed() {
    let a = csv_with_threads(&small_scenario(42), 2);
    let b = csv_with_threads(&small_scenario(43), 2);
    assert!(
        a != b,
        "seeds 42 and 43 gave byte-identical timeseries.csv: the seed does not reach the model"
    );
    // The data rows, not just some column, should differ from the first month on.
    let (la, lb): (Vec<&[u8]>, Vec<&[u8]>) = (
        a.split(|&c| c == b'\n').collect(),
        b.split(|&c| c == b'\n').collect(),
    );
    assert_eq!(la[0], lb[0], "the header should not depend on the seed");
    let differing = la.iter().zip(&lb).skip(1).filter(|(x, y)| x != y).count();
    assert!(
        differing >= (MONTHS as usize) / 2,
        "seeds 42 and 43 differ in only {differing} of {MONTHS} months: the seed barely reaches the model"
    );
}

/// Runs `polis run scenarios/baseline.toml --steps 24 --threads N --out DIR
/// --quiet`, with monthly firm snapshots and a 5% resident sample.
fn cli_run(threads: u32, out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_polis"))
        .arg("run")
        .arg(repo_path("scenarios/baseline.toml"))
        .args([
            "--set",
            "output.firms=monthly",
            "--set",
            "output.residents_sample=0.05",
            "--steps",
            "24",
            "--threads",
            &threads.to_string(),
            "--quiet",
            "--out",
        ])
        .arg(out)
        .output()
        .expect("cannot start the polis binary");
    assert!(
        output.status.success(),
        "polis run --threads {threads} failed with {}:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The manifest as JSON, without the fields that may differ between thread
/// counts (timings and the thread count itself).
fn manifest_without_timings(dir: &Path) -> serde_json::Value {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    let object = json
        .as_object_mut()
        .unwrap_or_else(|| panic!("{} is not a JSON object", path.display()));
    for key in ["wall_seconds", "setup_seconds", "phase_seconds", "threads"] {
        assert!(
            object.remove(key).is_some(),
            "{} has no `{key}` field",
            path.display()
        );
    }
    json
}

#[test]
fn cli_output_is_identical_for_1_and_2_threads() {
    let tmp = tempfile::tempdir().expect("cannot create a temporary folder");
    let (dir1, dir2) = (tmp.path().join("threads1"), tmp.path().join("threads2"));
    cli_run(1, &dir1);
    cli_run(2, &dir2);

    let read = |dir: &Path, name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    };
    let (csv1, csv2) = (read(&dir1, "timeseries.csv"), read(&dir2, "timeseries.csv"));
    assert_eq!(
        String::from_utf8_lossy(&csv1).lines().count(),
        25,
        "expected a header and 24 months"
    );
    assert!(
        csv1 == csv2,
        "timeseries.csv differs between --threads 1 and --threads 2; {}",
        first_difference(&csv1, &csv2)
    );

    // Snapshots at months 12 and 24, one row per zone (100 zones).
    let (zones1, zones2) = (read(&dir1, "zones.csv"), read(&dir2, "zones.csv"));
    assert_eq!(
        String::from_utf8_lossy(&zones1).lines().count(),
        1 + 2 * 100,
        "zones.csv should have a header and 100 zones at months 12 and 24"
    );
    assert!(
        zones1 == zones2,
        "zones.csv differs between --threads 1 and --threads 2; {}",
        first_difference(&zones1, &zones2)
    );

    // The agent-level files and the data package, every month of firms.
    for name in [
        "firms.csv",
        "exits.csv",
        "residents.csv",
        "datapackage.json",
    ] {
        let (a, b) = (read(&dir1, name), read(&dir2, name));
        assert!(a.len() > 1000, "{name} is nearly empty");
        assert!(
            a == b,
            "{name} differs between --threads 1 and --threads 2; {}",
            first_difference(&a, &b)
        );
    }
    let firm_months: std::collections::BTreeSet<String> =
        String::from_utf8_lossy(&read(&dir1, "firms.csv"))
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap_or("").to_string())
            .collect();
    assert_eq!(firm_months.len(), 24, "a firm snapshot every month");

    let (m1, m2) = (
        manifest_without_timings(&dir1),
        manifest_without_timings(&dir2),
    );
    assert!(
        m1 == m2,
        "manifest.json differs between --threads 1 and --threads 2 beyond timings and threads:\n{}\n---\n{}",
        serde_json::to_string_pretty(&m1).unwrap_or_default(),
        serde_json::to_string_pretty(&m2).unwrap_or_default()
    );
}

/// Every lever switched on (platforms, incubators, innovation centres,
/// telework), the bank lending and a capacity cut: the new parallel code
/// keeps the contract.
#[test]
fn library_csv_with_every_lever_is_identical_for_1_2_and_8_threads() {
    let mut scenario =
        Scenario::load(&repo_path("scenarios/imp-ilp-mei.toml")).expect("the scenario loads");
    scenario.simulation.residents = RESIDENTS;
    scenario.simulation.months = 30;
    scenario.bank.enabled = true;
    scenario.events.iter_mut().for_each(|e| e.month = 6);
    scenario.events.push(polis::scenario::Event {
        month: 12,
        note: "cut".into(),
        set: Default::default(),
        cut: Some(polis::scenario::CapacityCut {
            sector: "basic_manufacturing".into(),
            share: 0.2,
        }),
    });
    let one = csv_with_threads(&scenario, 1);
    same_at_2_and_8_threads(&scenario, &one, "every lever on");
    // The levers really ran: members, users, incubated startups and the cut.
    let text = String::from_utf8_lossy(&one);
    let header: Vec<&str> = text.lines().next().unwrap_or("").split(',').collect();
    let rows: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().unwrap_or(0.0)).collect())
        .collect();
    let total = |name: &str| {
        let k = header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        rows.iter().map(|r| r[k]).sum::<f64>()
    };
    for column in [
        "imp_members",
        "ilp_users",
        "incubated_startups",
        "telework_share",
        "events",
        "loans",
        "defaults",
    ] {
        assert!(
            total(column) > 0.0,
            "`{column}` stays zero: the lever did not run"
        );
    }
}

/// A city big enough for the paths taken only in big cities: per-firm
/// arrays past `par::far` (131,072 entries) are read ahead, and the loops
/// over firms split into ranges (vacancy slots, hiring, incomes). Few
/// residents to a firm keep the run short.
#[test]
fn library_csv_of_a_big_city_is_identical_for_1_2_and_8_threads() {
    let mut scenario =
        Scenario::load(&repo_path("scenarios/imp-ilp-mei.toml")).expect("the scenario loads");
    scenario.simulation.residents = 400_000;
    scenario.simulation.residents_per_firm = 2.8;
    scenario.simulation.months = 4;
    scenario.events.iter_mut().for_each(|e| e.month = 2);
    let one = csv_with_threads(&scenario, 1);
    let text = String::from_utf8_lossy(&one);
    let header: Vec<&str> = text.lines().next().unwrap_or("").split(',').collect();
    let firms = header
        .iter()
        .position(|h| *h == "firms")
        .expect("a firms column");
    let first: f64 = text
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').nth(firms))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    assert!(
        first > 131_072.0,
        "only {first} firms: the city is too small for the big-city paths"
    );
    same_at_2_and_8_threads(&scenario, &one, "a big city");
}

/// The credit economy of the baseline (`scenarios/baseline.toml`: the bank,
/// capital and investment, government purchases and the deficit rule, job
/// separations) keeps the contract, with each of its parts at work.
#[test]
fn library_csv_of_the_credit_economy_is_identical_for_1_2_and_8_threads() {
    let mut scenario =
        Scenario::load(&repo_path("scenarios/baseline.toml")).expect("the scenario loads");
    scenario.simulation.residents = RESIDENTS;
    scenario.simulation.months = 36;
    let one = csv_with_threads(&scenario, 1);
    same_at_2_and_8_threads(&scenario, &one, "the credit economy");
    let text = String::from_utf8_lossy(&one);
    let header: Vec<&str> = text.lines().next().unwrap_or("").split(',').collect();
    for column in ["loans", "investment", "government_purchases"] {
        let k = header
            .iter()
            .position(|h| *h == column)
            .unwrap_or_else(|| panic!("no column {column}"));
        let total: f64 = text
            .lines()
            .skip(1)
            .map(|l| {
                l.split(',')
                    .nth(k)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0.0)
            })
            .sum();
        assert!(total > 0.0, "`{column}` stays zero: the part did not run");
    }
}
