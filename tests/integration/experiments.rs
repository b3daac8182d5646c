//! `polis sweep`, `polis merge` and `polis compare` through the binary: the
//! files a sweep writes, common replicate seeds, shards and resumed sweeps
//! that merge to the same bytes as one uninterrupted sweep (a sweep killed
//! with SIGKILL included), incomplete folders, bad sweep files, designs,
//! failed runs and paired comparisons. Cities are small (1,500 residents,
//! 4 months) except where a sweep must last long enough to be killed.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::first_difference;
use crate::support::{Outcome, command, finish, polis, write};

/// `polis sweep SWEEP --out OUT EXTRA...`.
fn sweep(file: &Path, out: &Path, extra: &[&str]) -> Outcome {
    let mut args = vec![
        OsStr::new("sweep"),
        file.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    polis(args)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A base scenario of `residents` residents and `months` months in `dir`.
fn base(dir: &Path, residents: u32, months: u32) {
    write(
        dir,
        "base.toml",
        &format!("[simulation]\nresidents = {residents}\nmonths = {months}\n"),
    );
}

/// A sweep over two parameters, 2 x 2 points and `replicates` replicates,
/// of `base.toml` in `dir`.
fn grid_sweep(dir: &Path, replicates: u32) -> PathBuf {
    write(
        dir,
        "sweep.toml",
        &format!(
            "base = \"base.toml\"\nreplicates = {replicates}\nseed = 3\n\n[parameters]\n\
             \"government.income_tax\" = [0.1, 0.2]\n\
             \"city.speed_kmh\" = {{ start = 16.0, stop = 20.0, step = 4.0 }}\n"
        ),
    )
}

/// runs.csv without its last column (wall_seconds, which varies).
fn runs_without_wall_seconds(dir: &Path) -> String {
    read(&dir.join("runs.csv"))
        .lines()
        .map(|l| l.rsplit_once(',').map_or(l, |(head, _)| head))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts that two merged sweep folders hold the same results.
fn assert_same_results(a: &Path, b: &Path) {
    for file in ["timeseries.csv", "summary.csv", "datapackage.json"] {
        let (x, y) = (
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
        );
        assert!(
            x == y,
            "{file} differs between {} and {}: {}",
            a.display(),
            b.display(),
            first_difference(&x, &y)
        );
    }
    let (x, y) = (runs_without_wall_seconds(a), runs_without_wall_seconds(b));
    assert!(
        x == y,
        "runs.csv differs: {}",
        first_difference(x.as_bytes(), y.as_bytes())
    );
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn sweep_writes_runs_timeseries_summary_manifest_and_datapackage() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path(), 1500, 4);
    let file = grid_sweep(tmp.path(), 2);
    let out = tmp.path().join("out");
    sweep(&file, &out, &["--jobs", "2"])
        .assert_code(0)
        .assert_stdout_contains("4 points x 2 replicates = 8 runs of 4 months")
        .assert_stdout_contains("merged 8 runs (0 failed)")
        .assert_stderr_contains("run 8/8 done (0 failed)");

    let (header, runs) = csv_rows(&out.join("runs.csv"));
    assert_eq!(
        header,
        [
            "run_id",
            "sample_id",
            "replicate",
            "seed",
            "city.speed_kmh",
            "government.income_tax",
            "status",
            "message",
            "wall_seconds"
        ]
    );
    assert_eq!(runs.len(), 8);
    for (i, run) in runs.iter().enumerate() {
        assert_eq!(run[0], i.to_string());
        assert_eq!(run[6], "ok", "run {i}: {run:?}");
        assert!(run[8].parse::<f64>().is_ok_and(|s| s >= 0.0), "{run:?}");
    }
    let samples: std::collections::BTreeSet<&str> = runs.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        samples.into_iter().collect::<Vec<_>>(),
        ["p0001", "p0002", "p0003", "p0004"]
    );

    let (header, series) = csv_rows(&out.join("timeseries.csv"));
    assert_eq!(&header[..2], ["run_id", "month"]);
    assert_eq!(series.len(), 8 * 4, "one row per run and month");

    let (header, summary) = csv_rows(&out.join("summary.csv"));
    assert_eq!(
        &header[..5],
        [
            "sample_id",
            "city.speed_kmh",
            "government.income_tax",
            "metric",
            "n"
        ]
    );
    assert!(header.contains(&"window_ci_high".to_string()));
    let metrics = header_metrics(&out);
    assert_eq!(summary.len(), 4 * metrics);
    assert!(summary.iter().all(|r| r[4] == "2"), "every point has n = 2");

    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).expect("manifest.json is JSON");
    assert_eq!(manifest["runs"], 8);
    assert_eq!(manifest["failed_runs"], 0);
    assert_eq!(manifest["replicates"], 2);
    let package: serde_json::Value = serde_json::from_str(&read(&out.join("datapackage.json")))
        .expect("datapackage.json is JSON");
    let resources = package["resources"].as_array().expect("resources");
    let names: Vec<&str> = resources
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["runs", "timeseries", "summary"]);
    for r in resources {
        let path = r["path"].as_str().unwrap();
        let fields = r["schema"]["fields"].as_array().unwrap();
        let (header, _) = csv_rows(&out.join(path));
        let described: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(described, header, "{path}: the schema names every column");
    }
    // The metrics are described from the columns table: type, meaning, unit.
    let series = resources[1]["schema"]["fields"].as_array().unwrap();
    let field = |name: &str| {
        series
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no field {name}"))
    };
    assert_eq!(field("employed")["type"], "integer");
    assert_eq!(field("mean_wage")["type"], "number");
    let wage = field("mean_wage")["description"].as_str().unwrap();
    assert!(wage.contains("Unit: yuan/month."), "{wage}");
    let services = field("output_services")["description"].as_str().unwrap();
    assert!(
        services.contains("Unit: yuan/month at set-up prices."),
        "{services}"
    );
}

/// Metrics in a sweep folder's timeseries.csv: its columns after run_id and month.
fn header_metrics(out: &Path) -> usize {
    csv_rows(&out.join("timeseries.csv")).0.len() - 2
}

#[test]
fn every_point_runs_the_same_replicate_seeds() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path(), 1500, 4);
    let file = grid_sweep(tmp.path(), 3);
    let out = tmp.path().join("out");
    sweep(&file, &out, &["--quiet"]).assert_code(0);
    let (_, runs) = csv_rows(&out.join("runs.csv"));
    assert_eq!(runs.len(), 12);
    let mut seeds: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for run in &runs {
        seeds
            .entry(run[2].clone())
            .or_default()
            .insert(run[3].clone());
    }
    assert_eq!(seeds.len(), 3, "three replicates");
    for (replicate, s) in &seeds {
        assert_eq!(
            s.len(),
            1,
            "replicate {replicate} has seeds {s:?} across points"
        );
    }
    let distinct: std::collections::BTreeSet<_> = seeds.values().flatten().collect();
    assert_eq!(distinct.len(), 3, "replicates have distinct seeds");
}

#[test]
fn shards_merged_give_the_bytes_of_one_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path(), 1500, 4);
    let file = grid_sweep(tmp.path(), 2);
    let whole = tmp.path().join("whole");
    sweep(&file, &whole, &["--quiet"]).assert_code(0);

    let sharded = tmp.path().join("sharded");
    sweep(&file, &sharded, &["--shard", "1/2"])
        .assert_code(0)
        .assert_stdout_contains("shard 1/2 done: 4 runs, 0 failed")
        .assert_stdout_contains("polis merge");
    assert!(
        !sharded.join("runs.csv").exists(),
        "a shard does not merge by itself"
    );
    // Shard 0 from a Slurm job array's variables rather than --shard.
    let (mut cmd, text) = command([
        OsStr::new("sweep"),
        file.as_os_str(),
        OsStr::new("--out"),
        sharded.as_os_str(),
    ]);
    cmd.env("SLURM_ARRAY_TASK_ID", "0")
        .env("SLURM_ARRAY_TASK_COUNT", "2")
        .env("SLURM_ARRAY_TASK_MIN", "0");
    finish(cmd, text)
        .assert_code(0)
        .assert_stdout_contains("shard 0/2 done: 4 runs");
    polis([OsStr::new("merge"), sharded.as_os_str()])
        .assert_code(0)
        .assert_stdout_contains("merged 8 runs (0 failed)");
    assert_same_results(&whole, &sharded);
}

#[test]
fn a_sweep_killed_with_sigkill_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    // Large enough that the 12 runs, one at a time, last well beyond the
    // first finished run, when the kill comes.
    base(tmp.path(), 50_000, 12);
    let file = write(
        tmp.path(),
        "sweep.toml",
        "base = \"base.toml\"\nreplicates = 4\nseed = 9\n\n[parameters]\n\
         \"entrepreneurship.startup_cost_months\" = [6.0, 9.0, 12.0]\n",
    );
    let killed = tmp.path().join("killed");
    let (mut cmd, _) = command([
        OsStr::new("sweep"),
        file.as_os_str(),
        OsStr::new("--out"),
        killed.as_os_str(),
        OsStr::new("--jobs"),
        OsStr::new("1"),
        OsStr::new("--quiet"),
    ]);
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start polis");
    let parts = killed.join("parts");
    let status_files = || -> usize {
        std::fs::read_dir(&parts).map_or(0, |d| {
            d.filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.starts_with("run-") && name.ends_with(".json")
                })
                .count()
        })
    };
    let start = Instant::now();
    while status_files() == 0 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("polis sweep ended ({status}) before its first run was saved");
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no run finished in 120 s"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("SIGKILL"); // SIGKILL on Unix
    child.wait().unwrap();
    let saved = status_files();
    assert!(
        (1..12).contains(&saved),
        "the kill should land mid-sweep, but {saved} of 12 runs were saved"
    );
    assert!(
        !killed.join("runs.csv").exists(),
        "a killed sweep has not merged"
    );

    sweep(&file, &killed, &["--jobs", "2"])
        .assert_code(0)
        .assert_stdout_contains(&format!("{saved} of 12 runs were already complete"))
        .assert_stdout_contains("merged 12 runs (0 failed)");
    let whole = tmp.path().join("whole");
    sweep(&file, &whole, &["--jobs", "2", "--quiet"]).assert_code(0);
    assert_same_results(&whole, &killed);
}

#[test]
fn merge_of_an_incomplete_folder_exits_1_naming_missing_runs() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path(), 1500, 4);
    let file = grid_sweep(tmp.path(), 1);
    let out = tmp.path().join("out");
    sweep(&file, &out, &["--shard", "0/2", "--quiet"]).assert_code(0);
    polis([OsStr::new("merge"), out.as_os_str()])
        .assert_code(1)
        .assert_stderr_contains("2 of 4 runs are missing (run ids 1, 3)");
    assert!(!out.join("runs.csv").exists());
    polis([OsStr::new("merge"), tmp.path().join("nowhere").as_os_str()])
        .assert_code(1)
        .assert_stderr_contains("is not a sweep folder");
}

#[test]
fn a_folder_of_another_sweep_is_refused_with_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path(), 1500, 4);
    let out = tmp.path().join("out");
    sweep(&grid_sweep(tmp.path(), 1), &out, &["--quiet"]).assert_code(0);
    sweep(&grid_sweep(tmp.path(), 2), &out, &["--quiet"])
        .assert_code(1)
        .assert_stderr_contains("holds a different sweep");
}

#[test]
fn unknown_parameter_exits_2_with_did_you_mean_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path(), 1500, 4);
    let file = write(
        tmp.path(),
        "sweep.toml",
        "base = \"base.toml\"\n[parameters]\n\"government.income_taxx\" = [0.1, 0.2]\n",
    );
    let out = tmp.path().join("out");
    sweep(&file, &out, &[])
        .assert_code(2)
        .assert_stderr_contains(&format!("{}:3:", file.display()))
        .assert_stderr_contains("unknown parameter `government.income_taxx`")
        .assert_stderr_contains("did you mean `government.income_tax`?");
    assert!(!out.exists(), "nothing is written for a bad sweep file");
    sweep(&file, &out, &["--shard", "2/2"])
        .assert_code(2)
        .assert_stderr_contains("--shard");
}

#[test]
fn a_design_csv_keys_runs_and_summary_by_sample_id() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path(), 1500, 4);
    write(
        tmp.path(),
        "design.csv",
        "sample_id,government.income_tax,city.speed_kmh\nlhs-7,0.12,17.5\nlhs-2,0.08,21.0\nlhs-9,0.15,15.0\n",
    );
    let file = write(
        tmp.path(),
        "sweep.toml",
        "base = \"base.toml\"\nreplicates = 2\ndesign = \"design.csv\"\n",
    );
    let out = tmp.path().join("out");
    sweep(&file, &out, &["--quiet"]).assert_code(0);
    let (header, runs) = csv_rows(&out.join("runs.csv"));
    assert_eq!(
        &header[..6],
        [
            "run_id",
            "sample_id",
            "replicate",
            "seed",
            "government.income_tax",
            "city.speed_kmh"
        ]
    );
    let keyed: Vec<(&str, &str, &str)> = runs
        .iter()
        .map(|r| (r[1].as_str(), r[4].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        keyed,
        [
            ("lhs-7", "0.12", "17.5"),
            ("lhs-7", "0.12", "17.5"),
            ("lhs-2", "0.08", "21.0"),
            ("lhs-2", "0.08", "21.0"),
            ("lhs-9", "0.15", "15.0"),
            ("lhs-9", "0.15", "15.0"),
        ]
    );
    let (_, summary) = csv_rows(&out.join("summary.csv"));
    let ids: Vec<&str> = summary.iter().map(|r| r[0].as_str()).collect();
    let metrics = header_metrics(&out);
    assert_eq!(ids.len(), 3 * metrics);
    assert!(ids[..metrics].iter().all(|&i| i == "lhs-7"));
    assert!(ids[2 * metrics..].iter().all(|&i| i == "lhs-9"));
}

/// A run cannot be made to fail on purpose from a valid sweep file, so this
/// test records a failure the way a failed run does (its status file says
/// `failed`, and it has no rows) and checks what the merge makes of it.
#[test]
fn a_failed_run_is_listed_in_runs_csv_and_left_out_of_the_tables() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path(), 1500, 4);
    let file = grid_sweep(tmp.path(), 1);
    let out = tmp.path().join("out");
    sweep(&file, &out, &["--quiet"]).assert_code(0);
    std::fs::remove_file(out.join("parts/run-000001.csv")).unwrap();
    write(
        &out.join("parts"),
        "run-000001.json",
        r#"{"run_id":1,"status":"failed","message":"ledger violation in month 3","wall_seconds":0.25}"#,
    );
    polis([OsStr::new("merge"), out.as_os_str()])
        .assert_code(0)
        .assert_stdout_contains("merged 4 runs (1 failed)")
        .assert_stderr_contains("1 of 4 runs failed");
    let (_, runs) = csv_rows(&out.join("runs.csv"));
    assert_eq!(runs[1][6], "failed");
    assert_eq!(runs[1][7], "ledger violation in month 3");
    assert!(runs.iter().enumerate().all(|(i, r)| i == 1 || r[6] == "ok"));
    let (_, series) = csv_rows(&out.join("timeseries.csv"));
    assert_eq!(series.len(), 3 * 4);
    assert!(series.iter().all(|r| r[0] != "1"));
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["failed_runs"], 1);
    // A sweep run again keeps the failure: a finished run is not redone.
    sweep(&file, &out, &[])
        .assert_code(0)
        .assert_stdout_contains("4 of 4 runs were already complete")
        .assert_stderr_contains("run 1 failed: ledger violation in month 3");
}

#[test]
fn compare_prints_a_table_and_writes_compare_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = |name: &str, tax: f64, months: u32| {
        write(
            tmp.path(),
            name,
            &format!(
                "[simulation]\nresidents = 1500\nmonths = {months}\n\n[government]\nincome_tax = {tax}\n"
            ),
        )
    };
    let a = scenario("a.toml", 0.1, 4);
    let b = scenario("b.toml", 0.3, 4);
    let out = tmp.path().join("cmp");
    let outcome = polis([
        OsStr::new("compare"),
        a.as_os_str(),
        b.as_os_str(),
        OsStr::new("--replicates"),
        OsStr::new("4"),
        OsStr::new("--seed"),
        OsStr::new("11"),
        OsStr::new("--out"),
        out.as_os_str(),
        OsStr::new("--set"),
        OsStr::new("city.speed_kmh=20"),
    ]);
    outcome
        .assert_code(0)
        .assert_stdout_contains("months 1 to 4, 4 paired replicates")
        .assert_stdout_contains("95% interval")
        .assert_stdout_contains("government_balance");
    let (header, rows) = csv_rows(&out.join("compare.csv"));
    assert_eq!(
        header,
        [
            "metric",
            "mean_a",
            "mean_b",
            "diff_mean",
            "diff_sd",
            "diff_ci_low",
            "diff_ci_high",
            "n"
        ]
    );
    let row = |metric: &str| {
        rows.iter()
            .find(|r| r[0] == metric)
            .unwrap_or_else(|| panic!("compare.csv has no {metric}"))
    };
    let balance = row("government_balance");
    let diff: f64 = balance[3].parse().unwrap();
    let low: f64 = balance[5].parse().unwrap();
    assert!(
        diff > 0.0 && low > 0.0,
        "a higher income tax raises the government balance: {balance:?}"
    );
    assert_eq!(balance[7], "4");
    assert!(
        outcome
            .stdout
            .lines()
            .any(|l| l.starts_with("government_balance") && l.ends_with('*')),
        "the balance's interval excludes 0 and is marked:\n{}",
        outcome.stdout
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["replicates"], 4);
    assert_eq!(manifest["seed"], 11);
    assert_eq!(manifest["window"], serde_json::json!([1, 4]));
    assert_eq!(
        manifest["overrides"],
        serde_json::json!(["city.speed_kmh=20"])
    );
    assert_eq!(manifest["replicate_seeds"].as_array().unwrap().len(), 4);
    assert!(manifest["scenario_b"].as_str().unwrap().ends_with("b.toml"));

    // Different months cannot be paired; a window past the end is refused.
    let longer = scenario("c.toml", 0.3, 5);
    polis([
        OsStr::new("compare"),
        a.as_os_str(),
        longer.as_os_str(),
        OsStr::new("--replicates"),
        OsStr::new("2"),
    ])
    .assert_code(2)
    .assert_stderr_contains("the same months");
    polis([
        OsStr::new("compare"),
        a.as_os_str(),
        b.as_os_str(),
        OsStr::new("--replicates"),
        OsStr::new("2"),
        OsStr::new("--window"),
        OsStr::new("2:9"),
    ])
    .assert_code(2)
    .assert_stderr_contains("ends after the last month");
}

/// Regression: a part cut short after the sweep finished was merged as if
/// whole (a row of 38 fields under 39, 5 of 12 months kept, `ok` in
/// runs.csv). Now merge refuses it by run id and writes nothing; the sweep
/// run again reruns that run alone and merges to the bytes of a sweep that
/// was never damaged.
#[test]
fn a_truncated_part_is_refused_by_merge_and_rerun_by_the_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path(), 1500, 4);
    let file = grid_sweep(tmp.path(), 2);
    let whole = tmp.path().join("whole");
    let damaged = tmp.path().join("damaged");
    sweep(&file, &whole, &["--jobs", "2", "--quiet"]).assert_code(0);
    sweep(&file, &damaged, &["--jobs", "2", "--quiet"]).assert_code(0);

    let part = damaged.join("parts/run-000005.csv");
    let text = read(&part);
    let cut = &text[..text.len() * 2 / 3];
    std::fs::write(&part, cut).unwrap();
    let tables: Vec<(String, Vec<u8>)> = ["runs.csv", "timeseries.csv", "summary.csv"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(damaged.join(f)).unwrap()))
        .collect();

    let merged = polis([OsStr::new("merge"), damaged.as_os_str()]);
    merged
        .assert_code(1)
        .assert_stderr_contains("run 5: its part")
        .assert_stderr_contains("nothing was merged");
    assert!(
        !merged.stderr.contains("run 4:") && !merged.stderr.contains("run 6:"),
        "only run 5 is damaged:\n{}",
        merged.describe()
    );
    for (name, bytes) in &tables {
        assert!(
            std::fs::read(damaged.join(name)).unwrap() == *bytes,
            "a refused merge changed {name}"
        );
    }

    let again = sweep(&file, &damaged, &["--jobs", "1"]);
    again.assert_code(0);
    // Seven runs are found complete and one is run again; the progress
    // line of the rerun one comes last.
    assert!(
        again.stderr.contains("run 8/8 done"),
        "the sweep finished:\n{}",
        again.describe()
    );
    assert_ne!(read(&part), cut, "the damaged part was rewritten");
    assert_same_results(&whole, &damaged);
}
