//! `polis validate` on a sweep and a comparison: one row per point (or
//! scenario) and measure with the mean over the replicates, their number
//! and the 95% interval of the mean; the means equal those of the measures
//! of each run's rows; targets judge the mean; failed runs are skipped; a
//! window outside the runs is refused; the report shows the table.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use polis::validate::ensemble::series_names;
use polis::validate::measures::of_series;

use crate::support::{polis, write};

const HEADER: &str = "point,measure,value,n,ci_low,ci_high,target_low,target_high,pass,source";

/// `[simulation]` of a tiny city: `residents` residents, `months` months.
fn city(residents: u32, months: u32) -> String {
    format!("[simulation]\nresidents = {residents}\nmonths = {months}\n")
}

/// A sweep of 2 points x 3 replicates of a 1,500-resident city over 36
/// months, in `dir/sweep`.
fn small_sweep(dir: &Path) -> PathBuf {
    write(dir, "base.toml", &city(1500, 36));
    let file = write(
        dir,
        "sweep.toml",
        "base = \"base.toml\"\nreplicates = 3\nseed = 5\n\n[parameters]\n\
         \"government.income_tax\" = [0.1, 0.3]\n",
    );
    let out = dir.join("sweep");
    polis([
        OsStr::new("sweep"),
        file.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
        OsStr::new("--quiet"),
    ])
    .assert_code(0);
    out
}

/// The records of a CSV file, header first.
fn records(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// validation.csv's records by (point, measure).
type Rows = BTreeMap<(String, String), Vec<String>>;

/// validation.csv: the header, and the records by (point, measure).
fn validation(dir: &Path) -> (Vec<String>, Rows) {
    let mut rows = records(&dir.join("validation.csv"));
    let header = rows.remove(0);
    let count = rows.len();
    let by: BTreeMap<_, _> = rows
        .into_iter()
        .map(|r| ((r[0].clone(), r[1].clone()), r))
        .collect();
    assert_eq!(by.len(), count, "a (point, measure) written twice");
    (header, by)
}

/// The mean of `measure` over each group's runs, computed from each run's
/// rows of the long timeseries.csv with `of_series`; runs.csv's column
/// `group` names the groups.
fn per_run_means(
    dir: &Path,
    group: &str,
    measure: &str,
    window: Option<[u32; 2]>,
) -> BTreeMap<String, (f64, usize)> {
    let runs = records(&dir.join("runs.csv"));
    let g = runs[0].iter().position(|h| h == group).unwrap();
    let group_of: BTreeMap<&str, &str> = runs[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[g].as_str()))
        .collect();
    let series = records(&dir.join("timeseries.csv"));
    let header: Vec<String> = series[0][1..].to_vec();
    let mut rows_of: BTreeMap<&str, Vec<Vec<f64>>> = BTreeMap::new();
    for r in &series[1..] {
        let row = r[1..].iter().map(|c| c.parse::<f64>().unwrap()).collect();
        rows_of.entry(r[0].as_str()).or_default().push(row);
    }
    let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for (run, rows) in &rows_of {
        let value = of_series(&header, rows, window)
            .into_iter()
            .find(|m| m.name == measure)
            .unwrap()
            .value;
        assert!(value.is_finite(), "run {run}: {measure} = {value}");
        let slot = sums.entry(group_of[run].to_string()).or_default();
        slot.0 += value;
        slot.1 += 1;
    }
    sums.into_iter()
        .map(|(k, (sum, n))| (k, (sum / n as f64, n)))
        .collect()
}

/// The checks common to a sweep and a comparison: the header, one row per
/// group and series measure, n equal to the replicates for measures every
/// run tells, the interval around the mean, and means equal to those of
/// the runs' own measures.
fn check_table(dir: &Path, groups: &[&str], group_column: &str, replicates: usize) {
    let (header, rows) = validation(dir);
    assert_eq!(header.join(","), HEADER);
    let names = series_names();
    assert_eq!(rows.len(), groups.len() * names.len(), "{rows:?}");
    for g in groups {
        for (name, _) in &names {
            let row = rows
                .get(&(g.to_string(), name.to_string()))
                .unwrap_or_else(|| panic!("no row for {g} {name}"));
            let n: usize = row[3].parse().unwrap();
            assert!(n <= replicates, "{row:?}");
            if !row[4].is_empty() {
                let [value, low, high] = [2, 4, 5].map(|k| row[k].parse::<f64>().unwrap());
                assert!(low <= value && value <= high, "{row:?}");
            }
        }
        for name in ["unemployment_mean", "gini_income", "commute_mean"] {
            let row = &rows[&(g.to_string(), name.to_string())];
            assert_eq!(row[3], replicates.to_string(), "{row:?}");
            assert!(!row[4].is_empty() && !row[5].is_empty(), "{row:?}");
        }
    }
    for measure in ["unemployment_mean", "gini_income"] {
        let means = per_run_means(dir, group_column, measure, None);
        assert_eq!(means.len(), groups.len());
        for (g, (mean, n)) in means {
            assert_eq!(n, replicates);
            let written: f64 = rows[&(g.clone(), measure.to_string())][2].parse().unwrap();
            assert!(
                (written - mean).abs() < 1e-5,
                "{g} {measure}: validation.csv says {written}, the runs' mean is {mean}"
            );
        }
    }
}

#[test]
fn a_sweep_is_validated_point_by_point() {
    let tmp = tempfile::tempdir().unwrap();
    let out = small_sweep(tmp.path());
    let dir = out.to_str().unwrap();
    polis(["validate", dir])
        .assert_code(0)
        .assert_stdout_contains("point p0001 (income_tax=0.1): 3 of 3 runs used")
        .assert_stdout_contains("point p0002 (income_tax=0.3): 3 of 3 runs used")
        .assert_stdout_contains("95% interval")
        .assert_stdout_contains("validation.csv");
    check_table(&out, &["p0001", "p0002"], "sample_id", 3);

    // A window: the means are those of the runs' months 13 to 36.
    polis(["validate", dir, "--window", "13:36", "--quiet"]).assert_code(0);
    let (_, rows) = validation(&out);
    for (g, (mean, _)) in per_run_means(&out, "sample_id", "unemployment_mean", Some([13, 36])) {
        let written: f64 = rows[&(g, "unemployment_mean".to_string())][2]
            .parse()
            .unwrap();
        assert!((written - mean).abs() < 1e-5, "{written} {mean}");
    }

    // Targets judge the mean; a band of a measure the folder cannot tell
    // (no zones) gives no row and is named.
    let targets = write(
        tmp.path(),
        "t.toml",
        "[unemployment_mean]\nlow = 0\nhigh = 100\nsource = \"a share, by definition\"\n\
         [gini_income]\nlow = 2\nhigh = 3\nsource = \"impossible, for the test\"\n\
         [density_gradient]\nlow = -1\nhigh = 0\nsource = \"zones\"\n",
    );
    polis(["validate", dir, "--targets", targets.to_str().unwrap()])
        .assert_code(0)
        .assert_stdout_contains("bands left unused: density_gradient");
    let (_, rows) = validation(&out);
    for g in ["p0001", "p0002"] {
        let row = |name: &str| rows[&(g.to_string(), name.to_string())][6..].join("|");
        assert_eq!(row("unemployment_mean"), "0|100|yes|a share, by definition");
        assert_eq!(row("gini_income"), "2|3|no|impossible, for the test");
        assert_eq!(row("exit_rate"), "|||", "no band, no verdict");
        assert!(!rows.contains_key(&(g.to_string(), "density_gradient".to_string())));
    }

    // The report shows the table.
    polis(["report", dir, "--quiet"]).assert_code(0);
    let page = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(
        page.contains("<h2>Validation</h2>"),
        "no Validation section"
    );
    assert!(page.contains("<td>p0002</td><td>gini_income</td>"));

    // A window outside the runs: exit 2, and the file is left as it was.
    let before = std::fs::read(out.join("validation.csv")).unwrap();
    polis(["validate", dir, "--window", "30:48"])
        .assert_bad_input()
        .assert_stderr_contains("the runs have months 1 to 36");
    assert_eq!(std::fs::read(out.join("validation.csv")).unwrap(), before);

    // A failed run (recorded as the sweep records one: a failed status and
    // no rows) is skipped: its point has one replicate fewer.
    let runs = records(&out.join("runs.csv"));
    let failed = runs[1..]
        .iter()
        .find(|r| r[1] == "p0001")
        .map(|r| r[0].parse::<u32>().unwrap())
        .unwrap();
    std::fs::remove_file(out.join(format!("parts/run-{failed:06}.csv"))).unwrap();
    write(
        &out.join("parts"),
        &format!("run-{failed:06}.json"),
        &format!(
            r#"{{"run_id":{failed},"status":"failed","message":"ledger violation in month 3","wall_seconds":0.25}}"#
        ),
    );
    polis([OsStr::new("merge"), out.as_os_str(), OsStr::new("--quiet")]).assert_code(0);
    polis(["validate", dir])
        .assert_code(0)
        .assert_stdout_contains("point p0001 (income_tax=0.1): 2 of 3 runs used, 1 failed")
        .assert_stdout_contains("point p0002 (income_tax=0.3): 3 of 3 runs used\n");
    let (_, rows) = validation(&out);
    let n = |g: &str| rows[&(g.to_string(), "unemployment_mean".to_string())][3].clone();
    assert_eq!((n("p0001").as_str(), n("p0002").as_str()), ("2", "3"));
    let means = per_run_means(&out, "sample_id", "unemployment_mean", None);
    let written: f64 = rows[&("p0001".to_string(), "unemployment_mean".to_string())][2]
        .parse()
        .unwrap();
    assert_eq!(means["p0001"].1, 2);
    assert!((written - means["p0001"].0).abs() < 1e-5);
}

#[test]
fn a_comparison_is_validated_scenario_by_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a.toml", &city(1500, 24));
    let b = write(
        tmp.path(),
        "b.toml",
        &format!("{}\n[government]\nincome_tax = 0.3\n", city(1500, 24)),
    );
    let out = tmp.path().join("compare");
    polis([
        OsStr::new("compare"),
        a.as_os_str(),
        b.as_os_str(),
        OsStr::new("--replicates"),
        OsStr::new("3"),
        OsStr::new("--out"),
        out.as_os_str(),
    ])
    .assert_code(0);
    polis(["validate", out.to_str().unwrap()])
        .assert_code(0)
        .assert_stdout_contains("scenario A (")
        .assert_stdout_contains("scenario B (")
        .assert_stdout_contains("3 of 3 runs used");
    check_table(&out, &["A", "B"], "scenario", 3);
    polis(["report", out.to_str().unwrap(), "--quiet"]).assert_code(0);
    let page = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(
        page.contains("<h2>Validation</h2>")
            && page.contains("<td>B</td><td>unemployment_mean</td>")
    );
}
