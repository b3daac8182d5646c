//! `polis plot` and `polis report`: the charts and maps of every shipped
//! scenario (run small), of a sweep and of a comparison are drawn, every
//! SVG is well-formed XML with its titles and legends, a PNG is a PNG, the
//! report page is self-contained; bad input exits with 2 and writes nothing.

use std::path::{Path, PathBuf};

use crate::repo_path;
use crate::support::{polis, write};

const CHARTS: [&str; 6] = [
    "jobs",
    "output",
    "commutes",
    "firms",
    "platforms",
    "inequality",
];
const MAPS: [&str; 4] = ["residents", "jobs", "rent", "commute"];

/// `polis run SCENARIO` small (5,000 residents, `steps` months) into `out`.
fn small_run(scenario: &str, steps: u32, out: &Path) {
    polis([
        "run".as_ref(),
        repo_path(scenario).as_os_str(),
        "--set".as_ref(),
        "simulation.residents=5000".as_ref(),
        "--steps".as_ref(),
        steps.to_string().as_ref(),
        "--quiet".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .assert_code(0);
}

/// Parses an SVG file and returns the text of all its `<text>` elements.
fn svg_texts(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not well-formed XML: {e}", path.display()));
    assert_eq!(
        doc.root_element().tag_name().name(),
        "svg",
        "{}: the root element is not <svg>",
        path.display()
    );
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// Files in a folder, sorted (empty if the folder does not exist).
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn every_shipped_scenario_gets_its_charts_and_maps() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(repo_path("scenarios"))
        .expect("the scenarios folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 7, "expected the 7 shipped scenarios");
    for scenario in &scenarios {
        let name = scenario.file_stem().unwrap().to_string_lossy().into_owned();
        let run = tmp.path().join(&name);
        small_run(&format!("scenarios/{name}.toml"), 24, &run);
        polis(["plot".as_ref(), run.as_os_str(), "--quiet".as_ref()]).assert_code(0);
        let plots = run.join("plots");
        let mut expected: Vec<String> = CHARTS.iter().map(|c| format!("{c}.svg")).collect();
        expected.extend(MAPS.iter().map(|m| format!("map-{m}.svg")));
        expected.sort();
        assert_eq!(listing(&plots), expected, "{name}: files in plots/");
        let jobs = svg_texts(&plots.join("jobs.svg"));
        for needle in [
            "Jobs and unemployment",
            "Unemployment rate",
            "% of residents",
            "month",
            "unemployment rate",
        ] {
            assert!(
                jobs.iter().any(|t| t.contains(needle)),
                "{name}: jobs.svg has no text {needle:?}: {jobs:?}"
            );
        }
        for chart in CHARTS {
            svg_texts(&plots.join(format!("{chart}.svg")));
        }
        let map = svg_texts(&plots.join("map-rent.svg"));
        assert!(
            map.iter().any(|t| t.contains("Dwelling rent, month 24")),
            "{name}: the rent map is of the last month: {map:?}"
        );
        assert!(map.iter().any(|t| t == "yuan/month"), "{name}: map unit");
    }
    // The IMP / ILP / MEI levers switch on at month 24: the event is marked.
    let texts = svg_texts(&tmp.path().join("imp-ilp-mei/plots/platforms.svg"));
    assert!(
        texts.iter().any(|t| t.starts_with("month 24")),
        "the month-24 event is not in the legend of platforms.svg: {texts:?}"
    );
}

#[test]
fn png_charts_and_chosen_maps() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let run = tmp.path().join("run");
    small_run("scenarios/startup-threshold.toml", 30, &run);
    let zones = std::fs::read_to_string(run.join("zones.csv")).expect("zones.csv");
    let months: std::collections::BTreeSet<&str> = zones
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(
        months.into_iter().collect::<Vec<_>>(),
        ["12", "24", "30"],
        "snapshots every 12th month and the last"
    );
    let out = tmp.path().join("png");
    polis([
        "plot".as_ref(),
        run.as_os_str(),
        "--format".as_ref(),
        "png".as_ref(),
        "--map".as_ref(),
        "rent,commute".as_ref(),
        "--map-month".as_ref(),
        "12".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
    .assert_code(0)
    .assert_stdout_contains("map-rent.png");
    let names = listing(&out);
    assert_eq!(names.len(), CHARTS.len() + 2, "{names:?}");
    for name in &names {
        let bytes = std::fs::read(out.join(name)).expect("a PNG");
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR",
            "{name} is not a PNG"
        );
        let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        assert!(width >= 600, "{name}: {width} pixels wide");
    }
}

/// A sweep of two points x two replicates of a tiny city.
fn small_sweep(dir: &Path) -> PathBuf {
    write(
        dir,
        "base.toml",
        "[simulation]\nresidents = 2000\nmonths = 14\n\n[[events]]\nmonth = 6\nnote = \"faster transit\"\nset = { \"city.speed_kmh\" = 24.0 }\n",
    );
    let sweep = write(
        dir,
        "sweep.toml",
        "base = \"base.toml\"\nreplicates = 2\nseed = 3\n[parameters]\n\"government.income_tax\" = [0.1, 0.2]\n",
    );
    let out = dir.join("sweep");
    polis([
        "sweep".as_ref(),
        sweep.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
    ])
    .assert_code(0);
    out
}

/// Checks that a report page is there, self-contained and has its charts.
fn check_report(dir: &Path, links: &[&str]) -> String {
    let path = dir.join("report.html");
    let html = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..40]);
    for forbidden in [
        "<script",
        "<link",
        "src=\"http",
        "href=\"http",
        "@import",
        "url(",
    ] {
        assert!(
            !html.contains(forbidden),
            "report.html must load nothing from outside, but has {forbidden:?}"
        );
    }
    let charts = html.matches("<svg").count();
    assert!(charts >= CHARTS.len(), "only {charts} inline SVGs");
    for link in links {
        assert!(
            html.contains(&format!("href=\"{link}\"")),
            "report.html does not link {link}"
        );
    }
    html
}

#[test]
fn sweeps_and_comparisons_get_bands_and_reports() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let sweep = small_sweep(tmp.path());
    polis(["plot".as_ref(), sweep.as_os_str(), "--quiet".as_ref()]).assert_code(0);
    let texts = svg_texts(&sweep.join("plots/jobs.svg"));
    for needle in [
        "Unemployment rate (mean and 95% interval)",
        "p0001 (income_tax=0.1) (n = 2)",
        "p0002 (income_tax=0.2) (n = 2)",
        "event, month 6",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(needle)),
            "sweep jobs.svg has no text {needle:?}: {texts:?}"
        );
    }
    let svg = std::fs::read_to_string(sweep.join("plots/jobs.svg")).unwrap();
    assert!(
        svg.contains("<polygon"),
        "the 95% bands are drawn as polygons"
    );
    assert_eq!(
        listing(&sweep.join("plots")).len(),
        CHARTS.len(),
        "a sweep has charts and no maps"
    );
    polis(["report".as_ref(), sweep.as_os_str(), "--quiet".as_ref()]).assert_code(0);
    check_report(&sweep, &["runs.csv", "timeseries.csv", "summary.csv"]);

    let compare = tmp.path().join("compare");
    let b = write(
        tmp.path(),
        "b.toml",
        "extends = \"base.toml\"\n[government]\nincome_tax = 0.2\n",
    );
    polis([
        "compare".as_ref(),
        tmp.path().join("base.toml").as_os_str(),
        b.as_os_str(),
        "--replicates".as_ref(),
        "2".as_ref(),
        "--out".as_ref(),
        compare.as_os_str(),
        "--quiet".as_ref(),
    ])
    .assert_code(0);
    let runs = std::fs::read_to_string(compare.join("runs.csv")).expect("compare writes runs.csv");
    assert_eq!(runs.lines().count(), 1 + 4, "two replicates of A and B");
    let series = std::fs::read_to_string(compare.join("timeseries.csv")).expect("timeseries.csv");
    assert!(series.starts_with("run_id,month,population,"));
    assert_eq!(
        series.lines().count(),
        1 + 4 * 14,
        "every month of every run"
    );
    polis(["plot".as_ref(), compare.as_os_str(), "--quiet".as_ref()]).assert_code(0);
    let texts = svg_texts(&compare.join("plots/commutes.svg"));
    assert!(
        texts.iter().any(|t| t.starts_with("A: ")) && texts.iter().any(|t| t.starts_with("B: ")),
        "one line per scenario: {texts:?}"
    );
    polis(["report".as_ref(), compare.as_os_str(), "--quiet".as_ref()]).assert_code(0);
    let html = check_report(&compare, &["compare.csv", "runs.csv", "timeseries.csv"]);
    assert!(html.contains("B - A over the window"), "the compare table");

    let run = tmp.path().join("run");
    small_run("scenarios/imp-ilp-mei.toml", 26, &run);
    polis(["report".as_ref(), run.as_os_str()])
        .assert_code(0)
        .assert_stdout_contains("report.html");
    let html = check_report(&run, &["timeseries.csv", "zones.csv", "manifest.json"]);
    assert!(html.contains("id=\"map-residents\""), "the run's maps");
    assert!(
        html.contains("IMP, ILP and MEI") || html.contains("<td class=\"n\">24</td>"),
        "the event list"
    );
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let run = tmp.path().join("run");
    small_run("scenarios/baseline.toml", 13, &run);
    let before = listing(&run);

    let missing = tmp.path().join("nowhere");
    polis(["plot".as_ref(), missing.as_os_str()])
        .assert_bad_input()
        .assert_stderr_contains("does not exist");
    assert!(!missing.exists(), "plot created the folder it was given");

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    polis(["plot".as_ref(), empty.as_os_str()])
        .assert_bad_input()
        .assert_stderr_contains("is not the folder of a run, a sweep or a comparison")
        .assert_stderr_contains("hint");
    polis(["report".as_ref(), empty.as_os_str()]).assert_bad_input();
    assert!(
        listing(&empty).is_empty(),
        "files written: {:?}",
        listing(&empty)
    );

    for args in [
        vec!["--format", "gif"],
        vec!["--map", "traffic"],
        vec!["--map-month", "7"],
    ] {
        let mut all = vec!["plot".to_string(), run.display().to_string()];
        all.extend(args.iter().map(|a| a.to_string()));
        let outcome = polis(&all);
        outcome.assert_bad_input();
        if args[0] == "--map-month" {
            outcome.assert_stderr_contains("12, 13");
        }
        assert_eq!(
            listing(&run),
            before,
            "`polis {}` wrote files",
            all.join(" ")
        );
    }

    // A run folder missing its manifest, and a timeseries that is not one.
    let broken = tmp.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::copy(run.join("timeseries.csv"), broken.join("timeseries.csv")).unwrap();
    polis(["plot".as_ref(), broken.as_os_str()])
        .assert_bad_input()
        .assert_stderr_contains("manifest.json: is missing");
    std::fs::copy(run.join("manifest.json"), broken.join("manifest.json")).unwrap();
    write(&broken, "timeseries.csv", "month,x\n1,oops\n");
    polis(["report".as_ref(), broken.as_os_str()])
        .assert_bad_input()
        .assert_stderr_contains("timeseries.csv");
    assert_eq!(listing(&broken), ["manifest.json", "timeseries.csv"]);

    // A sweep has no zones.csv, so it cannot be mapped.
    let sweep = small_sweep(tmp.path());
    polis([
        "plot".as_ref(),
        sweep.as_os_str(),
        "--map".as_ref(),
        "rent".as_ref(),
    ])
    .assert_bad_input()
    .assert_stderr_contains("--map");
    assert!(
        !sweep.join("plots").exists(),
        "plots/ written for bad input"
    );
}
