//! The gallery of mistaken scenario files in `tests/scenarios/bad/`: each
//! file holds one mistake of the kind a student makes, and its header says
//! what the loader must answer:
//!
//! ```text
//! # what: <one sentence on the mistake>
//! # expect: <a fragment the error message or hint must contain>
//! # line: <the 1-based line the error must point at, or `none`>
//! # file: <the file the error must name, when not this one>
//! ```
//!
//! `# expect:` may be repeated; every fragment must appear in the message or
//! hint of the same error (not merely in its file name or quoted line). Multi-file cases live in `tests/scenarios/bad/extends/`: their
//! entry points are the files named `main*.toml`, the others are the files
//! they extend.

use std::ffi::OsStr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

use polis::Scenario;
use polis::scenario::ScenarioError;

use crate::repo_path;

/// Fewest files the gallery may have.
const MIN_GALLERY: usize = 30;

/// One gallery file and what loading it must produce.
#[derive(Debug)]
pub struct Case {
    path: PathBuf,
    expects: Vec<String>,
    /// `None` for `# line: none`.
    line: Option<usize>,
    /// The file name the error must end with.
    file: String,
}

impl Case {
    /// The fragments the error must contain.
    pub fn expects(&self) -> &[String] {
        &self.expects
    }

    fn name(&self) -> String {
        let root = repo_path("tests/scenarios/bad");
        self.path
            .strip_prefix(&root)
            .unwrap_or(&self.path)
            .display()
            .to_string()
    }
}

/// Every gallery entry point: `bad/*.toml` and `bad/extends/main*.toml`,
/// sorted by name.
pub fn gallery() -> Vec<PathBuf> {
    let root = repo_path("tests/scenarios/bad");
    let mut out = toml_files(&root, |_| true);
    out.extend(toml_files(&root.join("extends"), |name| {
        name.starts_with("main")
    }));
    out
}

fn toml_files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list the gallery folder {}: {e}", dir.display()));
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.expect("cannot read a gallery folder entry").path())
        .filter(|p| p.is_file() && p.extension() == Some(OsStr::new("toml")))
        .filter(|p| keep(&p.file_name().unwrap_or_default().to_string_lossy()))
        .collect();
    out.sort();
    out
}

/// Reads a gallery file's header; `Err` says what is missing from it.
pub fn parse_case(path: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut what = None;
    let mut expects = Vec::new();
    let mut line = None;
    let mut file = None;
    for l in text.lines().take_while(|l| l.starts_with('#')) {
        let l = l.trim_start_matches('#').trim();
        let Some((tag, value)) = l.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        match tag.trim() {
            "what" => what = Some(value),
            "expect" => expects.push(value),
            "line" => line = Some(value),
            "file" => file = Some(value),
            _ => {}
        }
    }
    if what.is_none_or(|w| w.is_empty()) {
        return Err("its header has no `# what:` line".into());
    }
    if expects.is_empty() || expects.iter().any(String::is_empty) {
        return Err("its header has no (or an empty) `# expect:` line".into());
    }
    let line = match line.as_deref() {
        None => return Err("its header has no `# line:` line".into()),
        Some("none") => None,
        Some(n) => Some(
            n.parse::<usize>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| format!("`# line: {n}` is neither a line number nor `none`"))?,
        ),
    };
    let file = file.unwrap_or_else(|| {
        path.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    });
    Ok(Case {
        path: path.to_path_buf(),
        expects,
        line,
        file,
    })
}

/// What an error says: its message and hint (its rendering also shows the
/// path and the line, which must not satisfy an expectation by accident).
fn said(e: &ScenarioError) -> String {
    format!("{}\n{}", e.message, e.hint.as_deref().unwrap_or(""))
}

fn render(errors: &[ScenarioError]) -> String {
    errors
        .iter()
        .map(|e| format!("    error: {}", e.to_string().replace('\n', "\n    ")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic".into())
}

/// What is wrong with how `case` loads, if anything.
fn check_load(case: &Case) -> Option<String> {
    let path = case.path.clone();
    let errors = match catch_unwind(AssertUnwindSafe(|| Scenario::load(&path))) {
        Err(payload) => return Some(format!("the loader panicked: {}", panic_text(&*payload))),
        Ok(Ok(_)) => return Some("it loaded without an error".into()),
        Ok(Err(errors)) if errors.is_empty() => {
            return Some("the loader returned Err with no errors".into());
        }
        Ok(Err(errors)) => errors,
    };
    let Some(found) = errors.iter().find(|e| {
        let text = said(e);
        case.expects.iter().all(|x| text.contains(x.as_str()))
    }) else {
        return Some(format!(
            "no error contains all of {:?}; the loader said:\n{}",
            case.expects,
            render(&errors)
        ));
    };
    let mut wrong = Vec::new();
    let line = found.location.map(|(line, _)| line);
    if line != case.line {
        wrong.push(format!(
            "it points at line {} instead of line {}",
            line.map_or("none".into(), |l| l.to_string()),
            case.line.map_or("none".into(), |l| l.to_string()),
        ));
    }
    if !found.path.ends_with(&case.file) {
        wrong.push(format!(
            "it names {} instead of {}",
            found.path.display(),
            case.file
        ));
    }
    if wrong.is_empty() {
        None
    } else {
        Some(format!(
            "the error with {:?} is misplaced: {}; the loader said:\n{}",
            case.expects,
            wrong.join(", and "),
            render(&errors)
        ))
    }
}

/// Every gallery entry and its header, or the failures to read them.
fn cases(failures: &mut Vec<String>) -> Vec<Case> {
    let mut out = Vec::new();
    for path in gallery() {
        match parse_case(&path) {
            Ok(case) => out.push(case),
            Err(why) => failures.push(format!("{}: {why}", path.display())),
        }
    }
    out
}

#[test]
fn every_bad_scenario_fails_with_its_message_and_line() {
    let mut failures = Vec::new();
    let cases = cases(&mut failures);
    assert!(
        cases.len() + failures.len() >= MIN_GALLERY,
        "the gallery has {} files, fewer than {MIN_GALLERY}",
        cases.len() + failures.len()
    );
    for case in &cases {
        if let Some(why) = check_load(case) {
            failures.push(format!(
                "{} (expects {:?} at line {} of {}): {why}",
                case.name(),
                case.expects,
                case.line.map_or("none".into(), |l| l.to_string()),
                case.file
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} gallery files fail:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// What is wrong with how `polis run` handles `case`, if anything.
fn check_cli(case: &Case) -> Option<String> {
    let tmp = tempfile::tempdir().expect("cannot create a temporary folder");
    let out = tmp.path().join("out");
    // Run inside the temporary folder, so that a stray default `out/` shows.
    let output = Command::new(env!("CARGO_BIN_EXE_polis"))
        .arg("run")
        .arg(&case.path)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .current_dir(tmp.path())
        .output()
        .expect("cannot start the polis binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut wrong = Vec::new();
    if output.status.code() != Some(2) {
        wrong.push(format!("it exited with {:?}, not 2", output.status.code()));
    }
    if stderr.contains("panicked") {
        wrong.push("it panicked".into());
    }
    if stderr.trim().is_empty() {
        wrong.push("stderr is empty".into());
    } else if !stderr.contains("error:") {
        wrong.push("stderr has no `error:`".into());
    }
    // The CLI shows every error the loader finds, as the loader renders it.
    if let Ok(Err(errors)) = catch_unwind(AssertUnwindSafe(|| Scenario::load(&case.path))) {
        for e in errors {
            let shown = format!("error: {e}");
            if !stderr.contains(&shown) {
                wrong.push(format!("stderr does not show the loader's error:\n{shown}"));
            }
        }
    }
    if !stdout.trim().is_empty() {
        wrong.push("it wrote to stdout".into());
    }
    if out.exists() {
        wrong.push(format!("{} exists", out.display()));
    }
    let left: Vec<String> = std::fs::read_dir(tmp.path())
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    if !left.is_empty() {
        wrong.push(format!("it left {left:?} in the working folder"));
    }
    if wrong.is_empty() {
        None
    } else {
        Some(format!(
            "{}\n    --- stdout ---\n{stdout}\n    --- stderr ---\n{stderr}",
            wrong.join("; ")
        ))
    }
}

#[test]
fn cli_rejects_every_bad_scenario_with_exit_2_and_no_output() {
    let mut failures = Vec::new();
    let cases = cases(&mut failures);
    assert!(
        cases.len() >= MIN_GALLERY,
        "the gallery has {} readable files, fewer than {MIN_GALLERY}",
        cases.len()
    );
    for case in &cases {
        if let Some(why) = check_cli(case) {
            failures.push(format!("polis run {}: {why}", case.name()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} gallery files are mishandled by the CLI:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
