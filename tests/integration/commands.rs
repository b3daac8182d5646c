//! The `polis` commands around a scenario file: `check` prints the resolved
//! scenario, `params` and `schema` print the parameter reference (and
//! docs/PARAMETERS.md stays equal to it), `init` writes a starter scenario
//! that checks and runs, and `run --set` / events are recorded in
//! `manifest.json`.

use std::ffi::OsStr;
use std::path::Path;

use polis::scenario::reference;
use polis::scenario::render;

use crate::repo_path;
use crate::support::{polis, polis_in, write};

/// A small city that runs in a moment.
const SMALL: &str = "\
name = \"small\"

[simulation]
months = 12
seed = 5
residents = 2000
";

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("cannot create a temporary folder")
}

fn read_manifest(out: &Path) -> serde_json::Value {
    let path = out.join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("manifest.json is not JSON: {e}\n{text}"))
}

#[test]
fn check_prints_the_resolved_scenario_with_the_override() {
    let tmp = temp();
    let scenario = write(tmp.path(), "small.toml", SMALL);
    let outcome = polis([
        OsStr::new("check"),
        scenario.as_os_str(),
        OsStr::new("--set"),
        OsStr::new("city.width=12"),
    ]);
    outcome.assert_code(0);
    assert!(
        outcome.stdout.contains("[city]") && outcome.stdout.contains("width = 12"),
        "the resolved scenario should have [city] with width = 12:\n{}",
        outcome.describe()
    );
    assert!(
        outcome.stdout.starts_with("# resolved from ")
            && outcome.stdout.contains("# overrides: city.width=12"),
        "the header should name the files and the overrides:\n{}",
        outcome.describe()
    );
    let resolved: toml::Table = toml::from_str(&outcome.stdout)
        .unwrap_or_else(|e| panic!("the output is not TOML: {e}\n{}", outcome.describe()));
    assert_eq!(resolved["city"]["width"].as_integer(), Some(12));
    assert_eq!(resolved["simulation"]["residents"].as_integer(), Some(2000));
    // Every default is filled in, and the resolved scenario checks as it is.
    assert!(
        resolved["city"].get("zone_km").is_some(),
        "defaults missing"
    );
    let again = write(tmp.path(), "resolved.toml", &outcome.stdout);
    polis([OsStr::new("check"), again.as_os_str()]).assert_code(0);
    assert!(
        std::fs::read_dir(tmp.path()).unwrap().count() == 2,
        "polis check should write no file"
    );
}

#[test]
fn check_suggests_the_key_for_a_typo_in_set() {
    let outcome = polis([
        "check",
        repo_path("scenarios/baseline.toml").to_str().unwrap(),
        "--set",
        "city.widht=3",
    ]);
    outcome.assert_code(2);
    assert!(
        outcome.stderr.contains("error: ") && outcome.stderr.contains("did you mean"),
        "a typo in --set should get a suggestion:\n{}",
        outcome.describe()
    );
    assert!(
        outcome.stdout.is_empty(),
        "nothing on stdout:\n{}",
        outcome.describe()
    );
}

#[test]
fn check_of_a_bad_file_exits_2_with_its_line() {
    let tmp = temp();
    let scenario = write(tmp.path(), "bad.toml", "[city]\nzone_km = -1.0\n");
    let outcome = polis([OsStr::new("check"), scenario.as_os_str()]);
    outcome.assert_code(2);
    assert!(
        outcome
            .stderr
            .contains(&format!("{}:2:", scenario.display())),
        "the error should name file and line:\n{}",
        outcome.describe()
    );
}

#[test]
fn params_lists_every_key() {
    let outcome = polis(["params"]);
    outcome.assert_code(0);
    for info in reference::all() {
        let key = render::dotted_key(&info);
        assert!(
            outcome.stdout.contains(&key),
            "`polis params` does not list {key}"
        );
    }
    assert!(outcome.stdout.contains("fixed at set-up"));
    assert!(outcome.stdout.contains("can change in an event"));
    let markdown = polis(["params", "--markdown"]);
    markdown.assert_code(0);
    assert_eq!(markdown.stdout, render::params_markdown());
}

#[test]
fn parameters_md_is_up_to_date() {
    let path = repo_path("docs/PARAMETERS.md");
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = render::params_markdown();
    assert!(
        written == generated,
        "docs/PARAMETERS.md is not what `polis params --markdown` prints ({}); \
         run `cargo run --release -- params --markdown > docs/PARAMETERS.md`",
        crate::first_difference(written.as_bytes(), generated.as_bytes())
    );
}

#[test]
fn schema_is_json_with_every_table_and_range() {
    let outcome = polis(["schema"]);
    outcome.assert_code(0);
    let schema: serde_json::Value = serde_json::from_str(&outcome.stdout)
        .unwrap_or_else(|e| panic!("the schema is not JSON: {e}\n{}", outcome.describe()));
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["additionalProperties"], false);
    let properties = &schema["properties"];
    for key in [
        "name",
        "description",
        "extends",
        "events",
        "sectors",
        "simulation",
        "city",
    ] {
        assert!(
            properties.get(key).is_some(),
            "the schema lacks the top-level key {key}"
        );
    }
    for (table, rows) in reference::tables() {
        let table_schema = if table == "sectors.NAME" {
            &properties["sectors"]["additionalProperties"]
        } else {
            let mut t = &schema;
            for part in table.split('.') {
                t = &t["properties"][part];
            }
            t
        };
        assert_eq!(
            table_schema["additionalProperties"], false,
            "[{table}] should reject unknown keys"
        );
        for info in rows {
            let p = &table_schema["properties"][info.key];
            assert!(p["type"].is_string(), "{table}.{} has no type", info.key);
            assert!(
                p["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{table}.{} has no description",
                info.key
            );
            if info.is_choice() {
                assert_eq!(p["type"], "string", "{table}.{}", info.key);
                assert_eq!(
                    p["enum"],
                    serde_json::json!(info.choices),
                    "{table}.{} takes its words",
                    info.key
                );
            } else if info.ty != "bool" {
                assert_eq!(
                    p["minimum"].as_f64(),
                    Some(info.min),
                    "{table}.{} minimum",
                    info.key
                );
            }
        }
    }
    let width = reference::lookup("city.width").expect("city.width is a key");
    let w = &properties["city"]["properties"]["width"];
    assert_eq!(w["type"], "integer");
    assert_eq!(w["maximum"].as_f64(), Some(width.max));
    assert_eq!(w["default"], 10);
    let speed = &properties["city"]["properties"]["speed_kmh"];
    assert_eq!(speed["type"], "number");
    let month = &properties["events"]["items"]["properties"]["month"];
    assert_eq!(month["type"], "integer");
    assert_eq!(month["minimum"], 1);
}

#[test]
fn init_writes_a_starter_that_checks_and_runs() {
    let tmp = temp();
    let dir = Some(tmp.path());
    let outcome = polis_in(dir, ["init", "mycity"]);
    outcome.assert_code(0);
    let path = tmp.path().join("mycity.toml");
    assert!(path.is_file(), "no mycity.toml:\n{}", outcome.describe());
    assert!(
        outcome.stdout.contains("mycity.toml"),
        "init should print the path it wrote:\n{}",
        outcome.describe()
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("name = \"mycity\""), "{text}");
    assert!(text.contains("# [[events]]"), "{text}");
    assert!(text.contains("polis params"), "{text}");
    for (table, _) in reference::tables() {
        let header = if table == "sectors.NAME" {
            "[sectors.".to_string()
        } else {
            format!("[{table}]")
        };
        assert!(
            text.contains(&header),
            "the starter lacks {header}:\n{text}"
        );
    }
    polis_in(dir, ["check", "mycity.toml"]).assert_code(0);
    polis_in(
        dir,
        [
            "run",
            "mycity.toml",
            "--steps",
            "2",
            "--out",
            "out",
            "--quiet",
        ],
    )
    .assert_code(0);
    assert!(tmp.path().join("out/manifest.json").is_file());

    // A name ending in .toml is the file name itself.
    polis_in(dir, ["init", "other.toml"]).assert_code(0);
    assert!(tmp.path().join("other.toml").is_file());
    assert!(!tmp.path().join("other.toml.toml").exists());
}

#[test]
fn init_refuses_to_overwrite() {
    let tmp = temp();
    let path = write(tmp.path(), "mine.toml", "# my own work\n");
    let outcome = polis_in(Some(tmp.path()), ["init", "mine"]);
    outcome.assert_code(2);
    assert!(
        outcome.stderr.contains("already exists"),
        "{}",
        outcome.describe()
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# my own work\n");
}

#[test]
fn run_records_overrides_in_the_manifest() {
    let tmp = temp();
    let scenario = write(tmp.path(), "small.toml", SMALL);
    let out = tmp.path().join("out");
    let outcome = polis([
        OsStr::new("run"),
        scenario.as_os_str(),
        OsStr::new("--set"),
        OsStr::new("government.income_tax=0.2"),
        OsStr::new("--seed"),
        OsStr::new("7"),
        OsStr::new("--steps"),
        OsStr::new("2"),
        OsStr::new("--out"),
        out.as_os_str(),
        OsStr::new("--quiet"),
    ]);
    outcome.assert_code(0);
    let manifest = read_manifest(&out);
    assert_eq!(
        manifest["overrides"],
        serde_json::json!([
            "government.income_tax=0.2",
            "simulation.seed=7",
            "simulation.months=2"
        ]),
        "{manifest:#}"
    );
    assert_eq!(manifest["scenario"]["government"]["income_tax"], 0.2);
    assert_eq!(manifest["seed"], 7);
    assert_eq!(manifest["months"], 2);
    assert_eq!(
        manifest["scenario_files"],
        serde_json::json!([scenario.display().to_string()])
    );
    assert_eq!(manifest["events"], serde_json::json!([]));
}

#[test]
fn run_with_a_bad_override_exits_2_and_writes_nothing() {
    let tmp = temp();
    let scenario = write(tmp.path(), "small.toml", SMALL);
    let out = tmp.path().join("out");
    let outcome = polis([
        OsStr::new("run"),
        scenario.as_os_str(),
        OsStr::new("--set"),
        OsStr::new("city.zone_km=-1"),
        OsStr::new("--out"),
        out.as_os_str(),
    ]);
    outcome.assert_code(2);
    assert!(
        outcome.stderr.contains("error: --set") && outcome.stderr.contains("city.zone_km"),
        "{}",
        outcome.describe()
    );
    assert!(!out.exists(), "a refused run wrote {}", out.display());
}

#[test]
fn run_lists_events_in_the_manifest() {
    let tmp = temp();
    let text = format!(
        "{SMALL}\n[[events]]\nmonth = 2\nnote = \"tax rise\"\nset = {{ \"government.income_tax\" = 0.2 }}\n"
    );
    let scenario = write(tmp.path(), "event.toml", &text);
    let out = tmp.path().join("out");
    let outcome = polis([
        OsStr::new("run"),
        scenario.as_os_str(),
        OsStr::new("--steps"),
        OsStr::new("3"),
        OsStr::new("--out"),
        out.as_os_str(),
        OsStr::new("--quiet"),
    ]);
    outcome.assert_code(0);
    let manifest = read_manifest(&out);
    let events = manifest["events"]
        .as_array()
        .unwrap_or_else(|| panic!("manifest.json has no events array:\n{manifest:#}"));
    assert_eq!(events.len(), 1, "{manifest:#}");
    assert_eq!(events[0]["month"], 2);
    assert_eq!(events[0]["note"], "tax rise");
    assert_eq!(events[0]["set"]["government.income_tax"], 0.2);
}

/// Runs `text` as a scenario of two months; returns the outcome and the
/// output folder.
fn run_small(tmp: &Path, text: &str) -> (crate::support::Outcome, std::path::PathBuf) {
    run_small_with(tmp, text, &[])
}

/// As [`run_small`], with `extra` arguments after the scenario.
fn run_small_with(
    tmp: &Path,
    text: &str,
    extra: &[&str],
) -> (crate::support::Outcome, std::path::PathBuf) {
    let scenario = write(tmp, "s.toml", text);
    let out = tmp.join("out");
    let mut args = vec![OsStr::new("run"), scenario.as_os_str()];
    args.extend(extra.iter().map(OsStr::new));
    args.extend([OsStr::new("--out"), out.as_os_str(), OsStr::new("--quiet")]);
    (polis(args), out)
}

#[test]
fn mixed_share_of_one_runs() {
    // 1.0 is inside the documented range 0-1: every zone outside the CBD and
    // the industrial zones becomes mixed-use, which holds dwellings.
    let tmp = temp();
    let text = format!("{SMALL}[city]\nwidth = 4\nheight = 4\nmixed_share = 1.0\n");
    let (outcome, out) = run_small(tmp.path(), &text);
    outcome.assert_code(0);
    let zones = std::fs::read_to_string(out.join("zones.csv")).expect("zones.csv");
    assert!(zones.contains("mixed"), "no mixed zone:\n{zones}");
    assert!(
        !zones.contains(",residential,"),
        "a residential zone is left:\n{zones}"
    );
}

#[test]
fn fewer_residents_than_a_firm_each_sector_runs_with_a_firm_a_sector() {
    // round(200 / 10,000) = 0 firms: the city is built with one per sector.
    let tmp = temp();
    let text = "[simulation]\nmonths = 3\nresidents = 200\nresidents_per_firm = 10000.0\n\
                [city]\nwidth = 2\nheight = 2\n";
    let (outcome, out) = run_small(tmp.path(), text);
    outcome.assert_code(0);
    let manifest = read_manifest(&out);
    assert_eq!(
        manifest["agents"]["firms_start"], 3,
        "the manifest does not give the firms the city was built with"
    );
}

#[test]
fn too_many_zones_is_refused_with_the_documented_limit() {
    // width and height are each documented up to 1,000; their product is
    // documented (and checked) up to 65,535 zones.
    let row = reference::lookup("city.width").expect("city.width");
    assert!(row.doc.contains("65,535"), "{}", row.doc);
    let tmp = temp();
    let (outcome, out) = run_small(tmp.path(), "[city]\nwidth = 1000\nheight = 66\n");
    outcome.assert_code(2);
    assert!(
        outcome.stderr.contains("s.toml:2:9") && outcome.stderr.contains("more than 65,535"),
        "{}",
        outcome.describe()
    );
    assert!(!out.exists());
}

#[test]
fn set_that_breaks_the_sector_shares_is_blamed_on_the_set() {
    let base = repo_path("scenarios/capacity-cut.toml");
    let outcome = polis([
        OsStr::new("check"),
        base.as_os_str(),
        OsStr::new("--set"),
        OsStr::new("sectors.services.budget_share=0.9"),
    ]);
    outcome.assert_code(2);
    assert!(
        outcome
            .stderr
            .contains("error: --set:1:31: the sectors' `budget_share` values sum to 1.3"),
        "{}",
        outcome.describe()
    );
    assert!(
        !outcome.stderr.contains("capacity-cut.toml:"),
        "a problem of the --set is also blamed on the file: {}",
        outcome.describe()
    );
}

#[test]
fn set_with_a_newline_is_refused_whole() {
    // TOML would read `name = "a"` and silently drop the second line.
    let tmp = temp();
    let (outcome, out) = run_small_with(
        tmp.path(),
        SMALL,
        &["--set", "name=\"a\"\nsimulation.seed=3"],
    );
    outcome.assert_code(2);
    assert!(
        outcome.stderr.contains("holds a newline"),
        "{}",
        outcome.describe()
    );
    assert!(!out.exists(), "a refused run wrote {}", out.display());
}

#[test]
fn array_where_a_table_belongs_is_refused_not_read_in_order() {
    // serde's derived structs would read `city = [1, 2, 3]` as width 1,
    // height 2, zone_km 3.
    let tmp = temp();
    let (outcome, out) = run_small(tmp.path(), "city = [1, 2, 3]\n");
    outcome.assert_code(2);
    assert!(
        outcome
            .stderr
            .contains("s.toml:1:8: `city` must be a table, found an array"),
        "{}",
        outcome.describe()
    );
    assert!(!out.exists());
}
