//! `polis validate`: the measures of a run, printed and written to
//! validation.csv; bad input refused with exit 2 and nothing written.

use std::path::PathBuf;

use super::support::{polis, write};

/// A run of `residents` residents for `months` months in a temporary
/// folder: the folder, and the run's output folder in it.
fn run_small(residents: u32, months: u32) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("out");
    run_into(tmp.path(), &out, residents, months, "");
    (tmp, out)
}

/// Runs `residents` residents for `months` months, with `more` TOML after
/// the `[simulation]` table, into `out`.
fn run_into(dir: &std::path::Path, out: &std::path::Path, residents: u32, months: u32, more: &str) {
    let text = format!("[simulation]\nresidents = {residents}\nmonths = {months}\n{more}");
    let scenario = write(dir, "s.toml", &text);
    polis([
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ])
    .assert_code(0);
}

#[test]
fn validate_writes_every_measure_of_a_run() {
    let (_tmp, out) = run_small(3000, 36);
    polis(["validate", out.to_str().unwrap()])
        .assert_code(0)
        .assert_stdout_contains("unemployment_mean")
        .assert_stdout_contains("validation.csv");
    let text = std::fs::read_to_string(out.join("validation.csv")).expect("validation.csv");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("measure,value,target_low,target_high,pass,source")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.len() >= 20, "{} measures", rows.len());
    for name in [
        "unemployment_mean",
        "inflation_per_year",
        "density_gradient",
        "centre_job_share",
    ] {
        let row = rows
            .iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("no {name} in\n{text}"));
        let value: f64 = row[1]
            .parse()
            .unwrap_or_else(|_| panic!("{name}: {}", row[1]));
        assert!(value.is_finite(), "{name}");
    }
    let unemployment: f64 = rows[0][1].parse().unwrap();
    assert!((0.0..100.0).contains(&unemployment), "{unemployment}");
    // The firm and resident measures, from firms.csv, exits.csv and the
    // 1% sample (30 residents of 3,000): survival at one and two years is
    // a share; four years needs a longer run.
    let value = |name: &str| -> Option<f64> {
        let row = rows.iter().find(|r| r[0] == name).expect(name);
        row[1].parse().ok()
    };
    for name in [
        "survival_1y",
        "survival_2y",
        "top10_income_share",
        "top10_wealth_share",
    ] {
        let v = value(name).unwrap_or_else(|| panic!("{name} has no value\n{text}"));
        assert!((0.0..=100.0).contains(&v), "{name} = {v}");
    }
    assert_eq!(
        value("survival_4y"),
        None,
        "36 months cannot tell 4-year survival"
    );
    assert!(value("firm_growth_kurtosis").is_some_and(f64::is_finite));

    // The report page shows the measures.
    polis(["report", out.to_str().unwrap(), "--quiet"]).assert_code(0);
    let page = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(page.contains("<h2>Validation</h2>") && page.contains("<td>unemployment_mean</td>"));

    // A window outside the run: exit 2, and the file is left as it was.
    let before = std::fs::read(out.join("validation.csv")).unwrap();
    polis(["validate", out.to_str().unwrap(), "--window", "30:48"])
        .assert_bad_input()
        .assert_stderr_contains("the run has months 1 to 36");
    assert_eq!(std::fs::read(out.join("validation.csv")).unwrap(), before);
}

#[test]
fn without_agent_files_their_measures_are_empty_and_old_files_go() {
    let (tmp, out) = run_small(1500, 24);
    assert!(out.join("firms.csv").exists() && out.join("residents.csv").exists());
    // The same folder, run again with the agent-level files off: the old
    // ones are no longer the run's, and are removed.
    run_into(
        tmp.path(),
        &out,
        1500,
        24,
        "[output]\nfirms = \"off\"\nresidents_sample = 0.0\n",
    );
    for gone in ["firms.csv", "exits.csv", "residents.csv"] {
        assert!(
            !out.join(gone).exists(),
            "{gone} is left from the earlier run"
        );
    }
    polis(["validate", out.to_str().unwrap(), "--quiet"]).assert_code(0);
    let text = std::fs::read_to_string(out.join("validation.csv")).expect("validation.csv");
    for name in [
        "firm_size_tail_exponent",
        "survival_1y",
        "top10_income_share",
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{name},")))
            .unwrap_or_else(|| panic!("no {name}"));
        assert_eq!(line.split(',').nth(1), Some(""), "{line}");
    }
}

#[test]
fn validate_refuses_a_folder_without_a_run() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    polis(["validate", tmp.path().to_str().unwrap()]).assert_bad_input();
    assert!(!tmp.path().join("validation.csv").exists());
}

#[test]
fn targets_give_each_measure_its_band_and_verdict() {
    let (tmp, out) = run_small(2000, 24);
    // One band every run meets, one none can.
    let targets = write(
        tmp.path(),
        "t.toml",
        "[unemployment_mean]\nlow = 0\nhigh = 100\nsource = \"a share, by definition\"\n\
         [gini_income]\nlow = 2\nhigh = 3\nsource = \"impossible, for the test\"\n",
    );
    polis([
        "validate",
        out.to_str().unwrap(),
        "--targets",
        targets.to_str().unwrap(),
        "--quiet",
    ])
    .assert_code(0);
    let text = std::fs::read_to_string(out.join("validation.csv")).expect("validation.csv");
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{name},")))
            .unwrap_or_else(|| panic!("no {name}"))
            .to_string()
    };
    assert!(
        row("unemployment_mean").ends_with(",0,100,yes,\"a share, by definition\""),
        "{text}"
    );
    assert!(
        row("gini_income").ends_with(",2,3,no,\"impossible, for the test\""),
        "{text}"
    );
    assert!(
        row("exit_rate").ends_with(",,,,"),
        "no band, no verdict: {text}"
    );

    // A mistaken targets file: exit 2, placed, and nothing rewritten.
    let before = std::fs::read(out.join("validation.csv")).unwrap();
    let bad = write(
        tmp.path(),
        "bad.toml",
        "[gini_incme]\nlow = 0.3\nhigh = 0.5\nsource = \"x\"\n",
    );
    polis([
        "validate",
        out.to_str().unwrap(),
        "--targets",
        bad.to_str().unwrap(),
    ])
    .assert_bad_input()
    .assert_stderr_contains("bad.toml:1:2: unknown measure `gini_incme`")
    .assert_stderr_contains("did you mean `gini_income`?");
    assert_eq!(std::fs::read(out.join("validation.csv")).unwrap(), before);
}
