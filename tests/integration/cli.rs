//! The `polis` binary: bad input exits with code 2 and a located message
//! without writing anything; a good run exits with 0 and writes complete
//! files. Bad scenarios live in `fixtures/`, one problem per file.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::support::{Outcome, polis};
use crate::{fixture, repo_path};

/// Runs `polis run SCENARIO --out TMP/out --quiet EXTRA...`, expects bad
/// input, and checks that the output folder was not created.
fn run_bad(scenario: &Path, extra: &[&str]) -> Outcome {
    let tmp = tempfile::tempdir().expect("cannot create a temporary folder");
    let out = tmp.path().join("out");
    let mut args = vec![
        OsStr::new("run"),
        scenario.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ];
    args.push(OsStr::new("--quiet"));
    args.extend(extra.iter().map(OsStr::new));
    let outcome = polis(args);
    outcome.assert_bad_input();
    assert!(
        !out.exists(),
        "the --out folder {} exists after a run that failed on bad input:\n{}",
        out.display(),
        outcome.describe()
    );
    outcome
}

/// The 1-based line of the first line of `path` that starts with `prefix`.
fn line_of(path: &Path, prefix: &str) -> usize {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .position(|l| l.trim_start().starts_with(prefix))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{} has no line starting with {prefix:?}", path.display()))
}

#[test]
fn unknown_key_exits_2_with_file_line_column_and_key() {
    let path = fixture("unknown_key.toml");
    let line = line_of(&path, "widht");
    let outcome = run_bad(&path, &[]);
    outcome.assert_stderr_contains(&format!("{}:{line}:1", path.display()));
    outcome.assert_stderr_contains("widht");
}

#[test]
fn wrong_type_exits_2_naming_the_line() {
    let path = fixture("wrong_type.toml");
    let line = line_of(&path, "months");
    let outcome = run_bad(&path, &[]);
    outcome.assert_stderr_contains(&format!("{}:{line}:", path.display()));
}

#[test]
fn out_of_range_value_exits_2_naming_the_key() {
    let outcome = run_bad(&fixture("out_of_range.toml"), &[]);
    outcome.assert_stderr_contains("city.zone_km");
    outcome.assert_stderr_contains("-2");
}

#[test]
fn budget_shares_not_summing_to_1_exit_2() {
    let outcome = run_bad(&fixture("budget_shares.toml"), &[]);
    outcome.assert_stderr_contains("budget_share");
    assert!(
        !outcome.stderr.contains("firm_share"),
        "the firm shares sum to 1 and should not be reported:\n{}",
        outcome.describe()
    );
}

#[test]
fn missing_scenario_file_exits_2_naming_it() {
    let tmp = tempfile::tempdir().expect("cannot create a temporary folder");
    let missing = tmp.path().join("no_such_scenario.toml");
    let outcome = run_bad(&missing, &[]);
    outcome.assert_stderr_contains("no_such_scenario.toml");
}

#[test]
fn zero_threads_exits_2() {
    let outcome = run_bad(&repo_path("scenarios/baseline.toml"), &["--threads", "0"]);
    outcome.assert_stderr_contains("--threads");
}

#[test]
fn zero_steps_exits_2() {
    let outcome = run_bad(&repo_path("scenarios/baseline.toml"), &["--steps", "0"]);
    outcome.assert_stderr_contains("--steps");
}

/// Columns `timeseries.csv` must have (others may follow).
const REQUIRED_COLUMNS: [&str; 21] = [
    "month",
    "population",
    "employed",
    "unemployment_rate",
    "vacancies",
    "firms",
    "startups",
    "exits",
    "mean_wage",
    "price_index",
    "output",
    "consumption",
    "mean_commute_min",
    "p90_commute_min",
    "mean_rent",
    "gini_income",
    "gini_wealth",
    "wellbeing",
    "money_total",
    "imp_members",
    "ilp_users",
];

/// Keys `manifest.json` must have (others may follow).
const REQUIRED_MANIFEST_KEYS: [&str; 7] = [
    "seed",
    "threads",
    "git_commit",
    "polis_version",
    "scenario",
    "agents",
    "wall_seconds",
];

const SMALL_SCENARIO: &str = "\
# A small city for a quick run of the binary.
name = \"small\"

[simulation]
months = 12
seed = 5
residents = 2000
";

#[test]
fn small_run_exits_0_and_writes_complete_files() {
    let tmp = tempfile::tempdir().expect("cannot create a temporary folder");
    let scenario = tmp.path().join("small.toml");
    std::fs::write(&scenario, SMALL_SCENARIO).expect("cannot write the scenario");
    let out: PathBuf = tmp.path().join("out");
    let outcome = polis([
        OsStr::new("run"),
        scenario.as_os_str(),
        OsStr::new("--steps"),
        OsStr::new("3"),
        OsStr::new("--threads"),
        OsStr::new("2"),
        OsStr::new("--out"),
        out.as_os_str(),
        OsStr::new("--quiet"),
    ]);
    assert_eq!(
        outcome.code,
        Some(0),
        "a good run should exit with 0:\n{}",
        outcome.describe()
    );
    assert!(
        outcome.stdout.is_empty() && outcome.stderr.is_empty(),
        "--quiet should print nothing on success:\n{}",
        outcome.describe()
    );

    // timeseries.csv: the required columns, then exactly one row per step.
    let csv_path = out.join("timeseries.csv");
    let mut reader = csv::Reader::from_path(&csv_path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", csv_path.display()));
    let header: Vec<String> = reader
        .headers()
        .unwrap_or_else(|e| panic!("{} has no header: {e}", csv_path.display()))
        .iter()
        .map(String::from)
        .collect();
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .copied()
        .filter(|c| !header.iter().any(|h| h == c))
        .collect();
    assert!(
        missing.is_empty(),
        "timeseries.csv lacks columns {missing:?}; header: {header:?}"
    );
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{} has a malformed row: {e}", csv_path.display()));
    assert_eq!(
        rows.len(),
        3,
        "--steps 3 should write exactly 3 data rows, got {}",
        rows.len()
    );
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .expect("checked above")
    };
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(
            row.len(),
            header.len(),
            "row {} has {} fields, the header {}",
            i + 1,
            row.len(),
            header.len()
        );
        assert_eq!(
            &row[column("month")],
            (i + 1).to_string().as_str(),
            "row {} has the wrong month",
            i + 1
        );
        assert_eq!(
            &row[column("population")],
            "2000",
            "row {} has the wrong population",
            i + 1
        );
    }

    // manifest.json: the required keys, and values that match the run.
    let manifest_path = out.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", manifest_path.display()));
    let manifest: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("manifest.json is not JSON: {e}\n{text}"));
    let missing: Vec<&str> = REQUIRED_MANIFEST_KEYS
        .iter()
        .copied()
        .filter(|k| manifest.get(k).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "manifest.json lacks keys {missing:?}:\n{text}"
    );
    assert_eq!(
        manifest["seed"], 5,
        "manifest seed should be the scenario's seed"
    );
    assert_eq!(
        manifest["threads"], 2,
        "manifest threads should be the --threads value"
    );
    assert_eq!(
        manifest["polis_version"],
        env!("CARGO_PKG_VERSION"),
        "manifest polis_version"
    );
    assert!(
        manifest["git_commit"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "manifest git_commit should be a non-empty string:\n{text}"
    );
    assert_eq!(
        manifest["scenario"]["simulation"]["residents"], 2000,
        "manifest scenario should be the one run"
    );
    assert_eq!(
        manifest["agents"]["residents"], 2000,
        "manifest agents.residents"
    );
    assert!(
        manifest["wall_seconds"].as_f64().is_some_and(|s| s >= 0.0),
        "manifest wall_seconds should be a non-negative number:\n{text}"
    );

    assert_eq!(
        manifest["files"],
        serde_json::json!([
            "timeseries.csv",
            "zones.csv",
            "firms.csv",
            "exits.csv",
            "residents.csv",
            "datapackage.json",
            "manifest.json"
        ]),
        "manifest files"
    );

    // zones.csv: one snapshot (the last month, 3) of every zone, adding up
    // to the population.
    let zones = std::fs::read_to_string(out.join("zones.csv")).expect("zones.csv is written");
    let mut lines = zones.lines();
    assert_eq!(
        lines.next(),
        Some("month,zone,x,y,land_use,residents,jobs,rent_yuan,mean_commute_min")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows.len() as u64,
        manifest["agents"]["zones"].as_u64().unwrap_or(0),
        "one row per zone at month 3"
    );
    assert!(
        rows.iter().all(|r| r[0] == "3"),
        "the snapshot is of month 3"
    );
    let residents: u64 = rows.iter().map(|r| r[5].parse::<u64>().unwrap_or(0)).sum();
    assert_eq!(
        residents, 2000,
        "zones.csv residents add up to the population"
    );

    // No temporary files left behind by the atomic writes.
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", out.display()))
        .map(|entry| {
            entry
                .expect("cannot read a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left in the output folder: {leftovers:?}"
    );
}

/// Output piped into a reader that has gone (`polis params | head`) ends the
/// program quietly, by SIGPIPE as for any Unix tool, without a panic message.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly_without_a_panic() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    // A pipe whose only read end is closed before polis starts: its first
    // write fails with a broken pipe.
    let (reader, writer) = std::io::pipe().expect("cannot create a pipe");
    drop(reader);
    let (mut cmd, _) = crate::support::command(["params"]);
    let child = cmd
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the polis binary");
    let output = child.wait_with_output().expect("cannot wait for polis");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    assert_eq!(
        output.status.signal(),
        Some(libc::SIGPIPE),
        "{:?}",
        output.status
    );
}

/// A city of no zones is refused as out of range, not a panic (found by the
/// loader fuzz test).
#[test]
fn a_city_of_no_zones_is_refused_not_a_panic() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let path = tmp.path().join("flat.toml");
    std::fs::write(&path, "[city]\nwidth = 0\n").expect("written");
    let outcome = run_bad(&path, &[]);
    assert_eq!(outcome.code, Some(2), "{}", outcome.describe());
    assert!(
        outcome.stderr.contains("city.width") && !outcome.stderr.contains("panicked"),
        "{}",
        outcome.describe()
    );
}
