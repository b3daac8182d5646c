//! `polis bench` and `polis run --timings`: the quick suite writes a JSON
//! report with the documented fields; `--compare` exits with 1 naming each
//! figure that regressed and with 0 against itself. The suite runs at a
//! hundredth of its size (the hidden `--scale`) so that these stay fast.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

use crate::repo_path;

fn polis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polis"))
        .current_dir(repo_path(""))
        .args(args)
        .output()
        .expect("cannot start the polis binary")
}

fn describe(args: &[&str], out: &Output) -> String {
    format!(
        "`polis {}` exited with {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        args.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `polis` and asserts its exit code.
fn expect(code: i32, args: &[&str]) -> Output {
    let out = polis(args);
    assert_eq!(out.status.code(), Some(code), "{}", describe(args, &out));
    out
}

/// A folder kept for the whole test binary, and the quick report in it.
fn quick_report() -> &'static (tempfile::TempDir, PathBuf) {
    static REPORT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    REPORT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("cannot create a temporary folder");
        let json = dir.path().join("quick.json");
        let text = json.to_str().expect("a UTF-8 path").to_string();
        let args = [
            "bench",
            "--quick",
            "--scale",
            "0.01",
            "--repeat",
            "1",
            "--threads",
            "2",
            "--json",
            &text,
        ];
        let out = expect(0, &args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("res-months/s") && stdout.contains("speed-up over 1 thread"),
            "{}",
            describe(&args, &out)
        );
        (dir, json)
    })
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("the report is written");
    serde_json::from_str(&text).expect("the report is valid JSON")
}

#[test]
fn the_quick_suite_writes_a_report_with_the_documented_fields() {
    let (_, path) = quick_report();
    let report = read_json(path);
    for key in [
        "polis_version",
        "git_commit",
        "machine",
        "results",
        "speedup",
    ] {
        assert!(report.get(key).is_some(), "no `{key}` in {report:#}");
    }
    assert!(report["machine"]["cores"].as_u64().is_some_and(|c| c >= 1));
    assert!(report["machine"]["model"].is_string());
    let results = report["results"].as_array().expect("results is an array");
    let cases: Vec<(&str, u64)> = results
        .iter()
        .map(|r| {
            (
                r["scenario"].as_str().expect("scenario is a string"),
                r["threads"].as_u64().expect("threads is a number"),
            )
        })
        .collect();
    assert_eq!(
        cases,
        [("small", 1), ("small", 2), ("baseline", 1), ("baseline", 2)],
        "the quick suite: no megacity"
    );
    for r in results {
        for key in [
            "residents",
            "months",
            "resident_months_per_second",
            "per_core_resident_months_per_second",
            "wall_seconds",
            "setup_seconds",
            "setup_share",
            "peak_rss_bytes",
            "bytes_per_resident",
            "repeats",
        ] {
            assert!(
                r[key].as_f64().is_some_and(|x| x > 0.0),
                "`{key}` should be a positive number in {r:#}"
            );
        }
        assert_eq!(r["months"], 24);
        let phases = r["phase_seconds"].as_object().expect("phase_seconds");
        for name in polis::step::PIPELINE.iter().map(|s| s.name) {
            assert!(phases.contains_key(name), "no phase `{name}` in {r:#}");
        }
        let per_core = r["per_core_resident_months_per_second"].as_f64().unwrap();
        let rate = r["resident_months_per_second"].as_f64().unwrap();
        let threads = r["threads"].as_f64().unwrap();
        assert!((per_core * threads - rate).abs() <= 1e-6 * rate);
    }
    let speedup = report["speedup"].as_array().expect("speedup is an array");
    assert_eq!(speedup.len(), 2, "{speedup:?}");
    for s in speedup {
        assert_eq!(s["threads"], 2);
        assert!(s["ratio"].as_f64().is_some_and(|x| x > 0.0), "{s}");
    }
}

#[test]
fn compare_exits_with_1_naming_each_figure_that_regressed() {
    let (dir, path) = quick_report();
    let mut doctored = read_json(path);
    for r in doctored["results"].as_array_mut().expect("results") {
        let rate = r["resident_months_per_second"].as_f64().unwrap();
        r["resident_months_per_second"] = (10.0 * rate).into();
    }
    let base = dir.path().join("doctored.json");
    std::fs::write(&base, doctored.to_string()).expect("cannot write the baseline");
    let base = base.to_str().expect("a UTF-8 path");
    let report = path.to_str().expect("a UTF-8 path");

    let args = ["bench", "--from", report, "--compare", base];
    let out = expect(1, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for case in ["small, 1 thread", "small, 2 threads", "baseline, 1 thread"] {
        assert!(
            stderr.contains(&format!("{case}: resident_months_per_second")),
            "the regression of {case} should be named:\n{}",
            describe(&args, &out)
        );
    }
    assert!(
        !stderr.contains("peak_rss_bytes"),
        "memory did not change:\n{}",
        describe(&args, &out)
    );

    // A fresh run against the doctored figures fails the same way.
    let args = [
        "bench",
        "--quick",
        "--scale",
        "0.01",
        "--repeat",
        "1",
        "--threads",
        "2",
        "--compare",
        base,
    ];
    let out = expect(1, &args);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("regressed by more than 10.0%"),
        "{}",
        describe(&args, &out)
    );
}

#[test]
fn compare_against_itself_exits_with_0() {
    let (_, path) = quick_report();
    let report = path.to_str().expect("a UTF-8 path");
    let args = [
        "bench",
        "--from",
        report,
        "--compare",
        report,
        "--max-regression",
        "0.0",
    ];
    let out = expect(0, &args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("no figure regressed") && !stdout.contains("REGRESSED"),
        "{}",
        describe(&args, &out)
    );
}

#[test]
fn compare_with_nothing_in_common_is_bad_input() {
    let (dir, path) = quick_report();
    let mut other = read_json(path);
    for r in other["results"].as_array_mut().expect("results") {
        r["threads"] = 64.into();
    }
    let base = dir.path().join("other-threads.json");
    std::fs::write(&base, other.to_string()).expect("cannot write the baseline");
    let args = [
        "bench",
        "--from",
        path.to_str().unwrap(),
        "--compare",
        base.to_str().unwrap(),
    ];
    let out = expect(2, &args);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no figures of the same"),
        "{}",
        describe(&args, &out)
    );
}

#[test]
fn run_timings_prints_every_phase_set_up_and_total() {
    let dir = tempfile::tempdir().expect("cannot create a temporary folder");
    let out_dir = dir.path().join("out");
    let args = [
        "run",
        "scenarios/baseline.toml",
        "--set",
        "simulation.residents=1000",
        "--steps",
        "3",
        "--quiet",
        "--timings",
        "--out",
        out_dir.to_str().unwrap(),
    ];
    let out = expect(0, &args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for name in polis::step::PIPELINE.iter().map(|s| s.name) {
        assert!(
            stdout.lines().any(|l| l.starts_with(name)),
            "no line for `{name}`:\n{stdout}"
        );
    }
    for needle in ["share", "per month", "all 3 months", "set-up", "total"] {
        assert!(stdout.contains(needle), "no `{needle}`:\n{stdout}");
    }
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("manifest.json")).expect("manifest.json"),
    )
    .expect("valid JSON");
    assert!(manifest["setup_seconds"].as_f64().is_some());
    assert_eq!(
        manifest["phase_seconds"].as_array().map(Vec::len),
        Some(polis::step::PIPELINE.len())
    );
}
