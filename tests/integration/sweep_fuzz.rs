//! The sweep loader never panics: not on arbitrary bytes, not on arbitrary
//! sweep files (real and unknown keys, lists of every TOML type, ranges with
//! NaN, infinite, negative and fractional numbers and stray keys, huge
//! replicate counts), and not on arbitrary design CSVs (repeated, unknown
//! and empty columns, ragged lines, empty and quoted cells). What it accepts
//! is consistent: runs are points x replicates, numbered 0.. in order, and
//! sample ids are unique. Every error it returns renders with a 1-based
//! place.

use std::path::Path;

use proptest::prelude::*;

use polis::experiment::{Plan, load_sweep};

use crate::loader_fuzz::config;
use polis::scenario::ScenarioError;

/// A folder with a tiny base scenario, where each case writes its sweep file.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("base.toml"),
        "[simulation]\nresidents = 1000\nmonths = 3\n[city]\nwidth = 4\nheight = 4\n",
    )
    .unwrap();
    dir
}

/// Loads the sweep file `text` (and design `csv`) in `dir`, checking that
/// errors render and that an accepted plan is consistent.
fn load(dir: &Path, text: &[u8], csv: Option<&[u8]>) -> Result<Plan, Vec<ScenarioError>> {
    let file = dir.join("s.toml");
    std::fs::write(&file, text).unwrap();
    if let Some(csv) = csv {
        std::fs::write(dir.join("d.csv"), csv).unwrap();
    }
    let result = load_sweep(&file);
    match &result {
        Err(errors) => {
            assert!(!errors.is_empty(), "Err with no errors");
            for e in errors {
                let shown = e.to_string();
                assert!(!shown.is_empty());
                if let Some((line, col)) = e.location {
                    assert!(line >= 1 && col >= 1, "not 1-based: {shown}");
                }
            }
        }
        Ok(plan) => {
            let replicates = plan.spec.replicates as usize;
            assert!(replicates >= 1);
            assert_eq!(plan.runs.len(), plan.points.len() * replicates);
            assert!(plan.runs.len() as u64 <= polis::experiment::spec::MAX_RUNS);
            for (i, run) in plan.runs.iter().enumerate() {
                assert_eq!(run.run_id as usize, i);
                assert_eq!(run.point as usize, i / replicates);
                assert_eq!(run.replicate as usize, i % replicates);
            }
            let ids: std::collections::BTreeSet<&str> =
                plan.points.iter().map(|p| p.sample_id.as_str()).collect();
            assert_eq!(ids.len(), plan.points.len(), "sample ids repeat");
            let values: std::collections::BTreeSet<&Vec<(String, String)>> =
                plan.points.iter().map(|p| &p.values).collect();
            assert_eq!(values.len(), plan.points.len(), "points repeat");
            for p in &plan.points {
                assert_eq!(p.values.len(), plan.parameters.len());
            }
        }
    }
    result
}

/// Keys a sweep may vary, a few of them whole numbers, and some that are not keys.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("city.speed_kmh"),
        Just("city.width"),
        Just("government.income_tax"),
        Just("simulation.residents"),
        Just("city.mixed_share"),
        Just("city.sped_kmh"),
        Just("sample_id"),
        Just(""),
    ]
    .prop_map(str::to_string)
}

/// A number as TOML text: ordinary, fractional, negative, huge or not finite.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (0i64..30).prop_map(|i| i.to_string()),
        (-5.0f64..40.0).prop_map(|x| format!("{x:?}")),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("1e300".to_string()),
        Just("9223372036854775807".to_string()),
        Just("0.5".to_string()),
    ]
}

/// A value of any TOML type as text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => number(),
        1 => Just("true".to_string()),
        1 => Just("\"ten\"".to_string()),
        1 => Just("[]".to_string()),
        1 => Just("{}".to_string()),
        1 => Just("1979-05-27".to_string()),
    ]
}

/// A parameter's values: a list, a range (maybe with a stray or missing
/// key), or a single value.
fn values() -> impl Strategy<Value = String> {
    let field = prop_oneof![Just("start"), Just("stop"), Just("step"), Just("stepp"),];
    prop_oneof![
        3 => prop::collection::vec(value(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
        3 => prop::collection::vec((field, number()), 0..5).prop_map(|f| {
            let mut seen = std::collections::BTreeSet::new();
            let cells: Vec<String> = f
                .into_iter()
                .filter(|(k, _)| seen.insert(*k))
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            format!("{{ {} }}", cells.join(", "))
        }),
        1 => value(),
    ]
}

/// A sweep file's text over `base.toml` (and `d.csv` when `design`).
fn sweep_text() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just(0u64),
            Just(1),
            Just(2),
            Just(3),
            Just(10_000_000),
            Just(u32::MAX as u64)
        ],
        prop::option::of(prop_oneof![Just(0u32), Just(2), Just(3), Just(99)]),
        any::<bool>(),
        prop::collection::btree_map(key(), values(), 0..4),
    )
        .prop_map(|(replicates, months, design, parameters)| {
            let mut text = format!("base = \"base.toml\"\nreplicates = {replicates}\nseed = 7\n");
            if let Some(m) = months {
                text.push_str(&format!("months = {m}\n"));
            }
            if design {
                text.push_str("design = \"d.csv\"\n");
            }
            if !parameters.is_empty() || !design {
                text.push_str("[parameters]\n");
            }
            for (k, v) in parameters {
                text.push_str(&format!("\"{k}\" = {v}\n"));
            }
            text
        })
}

/// A design CSV: a header of keys and lines of cells of every kind.
fn design_text() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        4 => number(),
        1 => Just(String::new()),
        1 => Just("ten".to_string()),
        1 => Just("\"3,5\"".to_string()),
        1 => Just("\"".to_string()),
    ];
    let id = prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("c".to_string()),
        Just(String::new()),
    ];
    (
        any::<bool>(),
        prop::collection::vec(key(), 0..4),
        prop::collection::vec((id, prop::collection::vec(cell, 0..5)), 0..5),
    )
        .prop_map(|(first, keys, lines)| {
            let mut text = String::new();
            text.push_str(if first { "sample_id" } else { "id" });
            for k in &keys {
                text.push(',');
                text.push_str(k);
            }
            text.push('\n');
            for (id, cells) in lines {
                text.push_str(&id);
                for c in cells {
                    text.push(',');
                    text.push_str(&c);
                }
                text.push('\n');
            }
            text
        })
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn arbitrary_bytes_never_panic_the_sweep_loader(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let dir = folder();
        let _ = load(dir.path(), &bytes, None);
    }

    #[test]
    fn arbitrary_sweep_files_load_consistently_or_are_refused(text in sweep_text()) {
        let dir = folder();
        let design = "sample_id,city.speed_kmh\np1,10\np2,20\n";
        let _ = load(dir.path(), text.as_bytes(), Some(design.as_bytes()));
    }

    #[test]
    fn arbitrary_designs_load_consistently_or_are_refused(
        csv in design_text(),
        replicates in 1u32..4,
    ) {
        let dir = folder();
        let text = format!("base = \"base.toml\"\nreplicates = {replicates}\ndesign = \"d.csv\"\n");
        if let Ok(plan) = load(dir.path(), text.as_bytes(), Some(csv.as_bytes())) {
            // Every line of an accepted design is a point; blank lines
            // are skipped.
            let lines = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
            prop_assert_eq!(plan.points.len(), lines);
        }
    }
}

#[test]
fn a_grid_of_many_values_is_counted_not_expanded() {
    // Five ranges of 10,000 values make 10^20 points, past u64: refused
    // from the count, at once.
    let dir = folder();
    let mut text = String::from("base = \"base.toml\"\n[parameters]\n");
    for key in [
        "city.speed_kmh",
        "city.zone_km",
        "government.income_tax",
        "city.mixed_share",
        "government.benefit_share",
    ] {
        text.push_str(&format!(
            "\"{key}\" = {{ start = 0.0, stop = 0.9999, step = 0.0001 }}\n"
        ));
    }
    let started = std::time::Instant::now();
    let errors = load(dir.path(), text.as_bytes(), None).unwrap_err();
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        shown
            .iter()
            .any(|e| e.contains("more than the 100000 a sweep may have")),
        "{shown:#?}"
    );
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
}
