//! The loader never panics: not on arbitrary bytes or strings, not on
//! arbitrary TOML documents (built over `toml::Value` with the real keys
//! mixed in, every TOML type, huge and negative integers, NaN and infinite
//! floats, nested arrays and tables), and not on the baseline with one known
//! key set to a random value. A mutated baseline that loads must also pass
//! `validate()` with no problems. Every error it returns must render.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::Config;

use polis::Scenario;
use polis::scenario::reference;
use polis::scenario::{ParamInfo, ScenarioError, load::set_path, params::default_sectors};

use crate::repo_path;

/// `cases` per property, unless `PROPTEST_CASES` asks for another number
/// (for a longer search).
pub(crate) fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        // Failures are reported in the test output; nothing is written next
        // to the sources.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Loads `text`; on error, checks every error renders and is well formed.
fn load_text(text: &str) -> Result<Scenario, Vec<ScenarioError>> {
    let result = Scenario::from_toml(text, Path::new("fuzz.toml"));
    if let Err(errors) = &result {
        assert!(!errors.is_empty(), "Err with no errors for:\n{text}");
        for e in errors {
            let shown = e.to_string();
            assert!(!shown.is_empty());
            if let Some((line, col)) = e.location {
                assert!(
                    line >= 1 && col >= 1,
                    "location {line}:{col} is not 1-based: {shown}"
                );
                assert!(
                    line <= text.lines().count().max(1) + 1,
                    "line {line} is past the end of the text: {shown}\n--- text ---\n{text}"
                );
            }
        }
    }
    result
}

/// The default sector names.
fn sector_names() -> Vec<String> {
    default_sectors().into_keys().collect()
}

/// Keys a scenario uses: top-level names, tables, fields, dotted keys,
/// sector names and event fields.
fn real_keys() -> Vec<String> {
    let mut keys: Vec<String> = [
        "name",
        "description",
        "extends",
        "simulation",
        "city",
        "residents",
        "firms",
        "entrepreneurship",
        "government",
        "sectors",
        "events",
        "month",
        "note",
        "set",
        "months",
        "width",
        "height",
        "budget_share",
        "firm_share",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    keys.extend(reference::all().iter().map(|r| r.key.to_string()));
    keys.extend(reference::known_keys(&sector_names()));
    keys.extend(sector_names());
    keys.sort();
    keys.dedup();
    keys
}

fn key() -> BoxedStrategy<String> {
    prop_oneof![
        6 => proptest::sample::select(real_keys()),
        2 => "[a-z_.]{0,12}",
        1 => any::<String>(),
    ]
    .boxed()
}

fn integer() -> BoxedStrategy<i64> {
    prop_oneof![
        -5i64..200,
        Just(0),
        Just(-1),
        Just(i64::MAX),
        Just(i64::MIN),
        Just(u32::MAX as i64),
        Just(u32::MAX as i64 + 1),
        Just(65_535),
        Just(50_000_001),
        any::<i64>(),
    ]
    .boxed()
}

fn float() -> BoxedStrategy<f64> {
    prop_oneof![
        -2.0f64..2.0,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(1e300),
        any::<f64>(),
    ]
    .boxed()
}

fn datetime() -> BoxedStrategy<toml::value::Datetime> {
    proptest::sample::select(vec![
        "1979-05-27T07:32:00Z",
        "1979-05-27T00:32:00.999999-07:00",
        "1979-05-27T07:32:00",
        "1979-05-27",
        "07:32:00",
    ])
    .prop_map(|s| s.parse().expect("a valid TOML datetime"))
    .boxed()
}

fn leaf() -> BoxedStrategy<toml::Value> {
    prop_oneof![
        integer().prop_map(toml::Value::Integer),
        float().prop_map(toml::Value::Float),
        any::<bool>().prop_map(toml::Value::Boolean),
        any::<String>().prop_map(toml::Value::String),
        proptest::sample::select(real_keys()).prop_map(toml::Value::String),
        datetime().prop_map(toml::Value::Datetime),
    ]
    .boxed()
}

/// Any TOML value, with nested arrays and tables.
fn value() -> BoxedStrategy<toml::Value> {
    leaf()
        .prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(toml::Value::Array),
                proptest::collection::btree_map(key(), inner, 0..6)
                    .prop_map(|m| toml::Value::Table(m.into_iter().collect())),
            ]
        })
        .boxed()
}

/// A whole document: a table of arbitrary values under mostly-real keys.
fn document() -> BoxedStrategy<toml::Table> {
    proptest::collection::btree_map(key(), value(), 0..8)
        .prop_map(|m| m.into_iter().collect())
        .boxed()
}

/// A value of any type, often one a known parameter could take.
fn setting(info: ParamInfo) -> BoxedStrategy<toml::Value> {
    let (lo, hi) = (info.min, info.max);
    let in_range = move |x: f64| lo + (hi - lo) * x;
    let typed = match info.ty {
        "u32" | "u64" | "i64" => (0.0f64..=1.0)
            .prop_map(move |x| toml::Value::Integer(in_range(x).round() as i64))
            .boxed(),
        "bool" => any::<bool>().prop_map(toml::Value::Boolean).boxed(),
        _ => (0.0f64..=1.0)
            .prop_map(move |x| toml::Value::Float(in_range(x)))
            .boxed(),
    };
    prop_oneof![
        4 => typed,
        1 => Just(toml::Value::Float(lo)),
        1 => Just(toml::Value::Float(hi)),
        3 => leaf(),
        1 => value(),
    ]
    .boxed()
}

/// A known dotted key (default sectors expanded) and a value for it.
fn known_setting() -> BoxedStrategy<(String, toml::Value)> {
    let keys = reference::known_keys(&sector_names());
    proptest::sample::select(keys)
        .prop_flat_map(|key| {
            let info = reference::lookup(&key).expect("a known key has a reference row");
            (Just(key), setting(info))
        })
        .boxed()
}

/// `scenarios/baseline.toml` as a table.
fn baseline_table() -> toml::Table {
    let path = repo_path("scenarios/baseline.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{} is not TOML: {e}", path.display()))
}

/// Loads a table that serializes; a table that does not is skipped.
fn load_table(table: &toml::Table) -> Option<(String, Result<Scenario, Vec<ScenarioError>>)> {
    let text = toml::to_string(table).ok()?;
    let result = load_text(&text);
    Some((text, result))
}

/// A scenario that loaded must have no problems left.
fn assert_valid(text: &str, scenario: &Scenario) {
    let problems = scenario.validate();
    assert!(
        problems.is_empty(),
        "loaded, but validate() finds {problems:?}\n--- text ---\n{text}"
    );
}

/// The loaded scenario holds `value` at the dotted `key`.
fn assert_took_effect(text: &str, scenario: &Scenario, key: &str, value: &toml::Value) {
    let table = toml::Table::try_from(scenario).expect("a scenario serializes");
    let mut found = Some(&table);
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().expect("a dotted key has a last part");
    for part in parts {
        found = found
            .and_then(|t| t.get(part))
            .and_then(toml::Value::as_table);
    }
    let got = found.and_then(|t| t.get(last));
    let same = match (got, value) {
        (Some(g), v) if g == v => true,
        (Some(g), v) => match (reference::as_number(g), reference::as_number(v)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        (None, _) => false,
    };
    assert!(
        same,
        "`{key}` was set to {value:?} but the loaded scenario holds {got:?}\n--- text ---\n{text}"
    );
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = load_text(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        let _ = load_text(&text);
    }

    #[test]
    fn toml_like_strings_never_panic(
        text in r#"(\[{1,2}[a-z_.]{0,12}\]{0,2}\n|[a-z_."]{0,16} ?=? ?(-?[0-9_.e]{0,8}|"[a-z]{0,6}"?|true|nan|inf|\{|\[|\]|\})\n){0,12}"#
    ) {
        let _ = load_text(&text);
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_toml_documents_never_panic(doc in document()) {
        if let Some((text, Ok(s))) = load_table(&doc) {
            assert_valid(&text, &s);
        }
    }

    #[test]
    fn scenario_shaped_documents_never_panic(
        settings in proptest::collection::vec(known_setting(), 0..6),
        events in proptest::collection::vec(
            (
                prop_oneof![3 => 1i64..=120, 1 => integer()],
                proptest::collection::vec(known_setting(), 0..3),
            ),
            0..3,
        ),
    ) {
        let mut doc = toml::Table::new();
        for (key, value) in settings {
            set_path(&mut doc, &key, value);
        }
        let events: Vec<toml::Value> = events
            .into_iter()
            .map(|(month, set)| {
                let mut event = toml::Table::new();
                event.insert("month".into(), toml::Value::Integer(month));
                event.insert(
                    "set".into(),
                    toml::Value::Table(set.into_iter().collect()),
                );
                toml::Value::Table(event)
            })
            .collect();
        if !events.is_empty() {
            doc.insert("events".into(), toml::Value::Array(events));
        }
        if let Some((text, Ok(s))) = load_table(&doc) {
            assert_valid(&text, &s);
        }
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn baseline_with_one_key_changed_loads_valid_or_fails_cleanly(
        (key, value) in known_setting()
    ) {
        let mut doc = baseline_table();
        set_path(&mut doc, &key, value.clone());
        if let Some((text, Ok(s))) = load_table(&doc) {
            assert_valid(&text, &s);
            assert_took_effect(&text, &s, &key, &value);
        }
    }

    #[test]
    fn baseline_with_one_event_loads_valid_or_fails_cleanly(
        month in prop_oneof![1u32..=120, any::<u32>()],
        (key, value) in known_setting(),
    ) {
        let mut doc = baseline_table();
        let mut event = toml::Table::new();
        event.insert("month".into(), toml::Value::Integer(month.into()));
        event.insert(
            "set".into(),
            toml::Value::Table(std::iter::once((key.clone(), value.clone())).collect()),
        );
        doc.insert("events".into(), toml::Value::Array(vec![toml::Value::Table(event)]));
        if let Some((text, Ok(s))) = load_table(&doc) {
            assert_valid(&text, &s);
            // The event applies, and leaves a scenario with the new value
            // and no problems.
            let mut after = s.clone();
            for e in &s.events {
                after.apply_settings(&e.set).unwrap_or_else(|why| {
                    panic!("a loaded event does not apply: {why}\n--- text ---\n{text}")
                });
            }
            let problems = after.validate_values();
            assert!(
                problems.is_empty(),
                "after its event the scenario has {problems:?}\n--- text ---\n{text}"
            );
            assert_took_effect(&text, &after, &key, &value);
        }
    }
}

#[test]
fn the_baseline_itself_loads_and_is_valid() {
    let doc = baseline_table();
    match load_table(&doc) {
        Some((text, Ok(s))) => assert_valid(&text, &s),
        Some((text, Err(errors))) => panic!(
            "the re-serialized baseline does not load: {}\n--- text ---\n{text}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
        None => panic!("the baseline does not serialize back to TOML"),
    }
}

/// Every place where a scenario holds a table (an event's `cut` and `set`
/// under `events.`).
const TABLE_PLACES: [&str; 16] = [
    "simulation",
    "city",
    "zoning",
    "residents",
    "firms",
    "entrepreneurship",
    "platforms",
    "platforms.imp",
    "platforms.ilp",
    "mei",
    "innovation",
    "government",
    "sectors",
    "sectors.services",
    "events.cut",
    "events.set",
];

/// Anything but a table: arrays of any values (the shape serde's derived
/// structs would read field by field) and plain values.
fn not_a_table() -> BoxedStrategy<toml::Value> {
    prop_oneof![
        3 => proptest::collection::vec(leaf(), 0..5).prop_map(toml::Value::Array),
        1 => proptest::collection::vec(value(), 0..3).prop_map(toml::Value::Array),
        2 => leaf(),
    ]
    .boxed()
}

/// The baseline with `value` where the table at `place` belongs.
fn baseline_with_non_table(place: &str, value: toml::Value) -> toml::Table {
    let mut doc = baseline_table();
    if let Some(field) = place.strip_prefix("events.") {
        let mut event = toml::Table::new();
        event.insert("month".into(), toml::Value::Integer(2));
        event.insert(field.into(), value);
        doc.insert(
            "events".into(),
            toml::Value::Array(vec![toml::Value::Table(event)]),
        );
        return doc;
    }
    if place.starts_with("sectors.") {
        let sectors = toml::Value::try_from(default_sectors()).expect("the sectors serialize");
        doc.insert("sectors".into(), sectors);
    }
    set_path(&mut doc, place, value);
    doc
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn a_non_table_where_a_table_belongs_is_refused_at_its_place(
        place in proptest::sample::select(TABLE_PLACES.to_vec()),
        value in not_a_table(),
    ) {
        let doc = baseline_with_non_table(place, value);
        if let Some((text, result)) = load_table(&doc) {
            let errors = match result {
                Ok(_) => panic!("a non-table at `{place}` was accepted\n--- text ---\n{text}"),
                Err(errors) => errors,
            };
            let name = place.rsplit('.').next().unwrap_or(place);
            assert!(
                errors.iter().any(|e| e.location.is_some()
                    && e.message.contains(name)
                    && e.message.contains("must be a table")),
                "no located `must be a table` error for `{place}`:\n{}\n--- text ---\n{text}",
                errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
            );
        }
    }

    #[test]
    fn a_set_with_a_control_character_is_refused(
        head in "[a-z_.=]{0,12}",
        control in proptest::sample::select(vec!['\n', '\r', '\t', '\u{0}', '\u{1b}', '\u{7f}', '\u{85}']),
        tail in any::<String>(),
    ) {
        let text = format!("{head}{control}{tail}");
        let result = polis::scenario::load::from_text("", Path::new("s.toml"), std::slice::from_ref(&text));
        let errors = result.expect_err("a --set with a control character was accepted");
        assert!(
            errors.iter().any(|e| e.path == Path::new("--set") && e.message.contains("holds")),
            "{text:?}: {errors:?}"
        );
    }
}
