//! The bad-input gallery of the command line: every way a person can hand
//! polis a mistaken scenario, `--set`, sweep file, design CSV or damaged
//! output folder, each with the exit code, the message and the promise that
//! nothing was written or changed.
//!
//! Cases live in `tests/gallery/*.toml`, one `[[case]]` each:
//!
//! ```toml
//! [[case]]
//! name = "city-as-array"            # unique in its file
//! class = 1                         # the class of mistake (see below)
//! what = "an array where [city] belongs"
//! files = { "s.toml" = "city = [1, 2, 3]\n" }   # written into a fresh folder
//! setup = [["run", "s.toml", "--out", "out", "--steps", "2"]]   # must exit 0
//! damage = [{ truncate = "out/timeseries.csv", keep = 100 }]
//! args = ["run", "s.toml"]          # run in the fresh folder
//! code = 2                          # the exit code
//! expect = ["s.toml:1:8", "table"]  # each must appear on stderr
//! ```
//!
//! `{repo}` in a file's text or an argument is the crate root, so a case
//! can extend `{repo}/scenarios/baseline.toml`. `setup` commands run before
//! the damage; the folder is then recorded (every path and its bytes) and must
//! be the same after the command. The damage a case can do:
//! `{ truncate = PATH, keep = BYTES }`, `{ truncate = PATH, keep_lines = N }`,
//! `{ write = PATH, text = TEXT }`, `{ append = PATH, text = TEXT }`,
//! `{ replace = PATH, from = TEXT, to = TEXT }` (every occurrence, which must
//! exist), `{ remove = PATH }`, `{ sparse = PATH, bytes = N }` (a file of N
//! zero bytes that takes no disk), `{ symlink = PATH, target = TARGET }`,
//! `{ cell = PATH, line = N, column = NAME, value = TEXT }` (one cell of a
//! CSV file, line 1 being the header) and `{ copy = PATH, to = PATH }`.
//!
//! The classes are those of the bad input they cover: 1 wrong shapes,
//! 2 unbounded reads, 3 huge requests, 4 sweep files, 5 errors placed where
//! the mistake is, 6 damaged files, 7 arithmetic limits, 8 outputs that
//! escape or disagree, 9 documented ranges, 10 messages, 0 anything else.
//!
//! Every file of the scenario gallery (`tests/scenarios/bad/`) is also run
//! through `polis run`: exit 2, its expected fragments, and nothing written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::repo_path;
use crate::support::{Outcome, command, finish};

/// Fewest cases the gallery may hold, scenario gallery included.
const MIN_CASES: usize = 150;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GalleryFile {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    class: u32,
    what: String,
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    setup: Vec<Vec<String>>,
    #[serde(default)]
    damage: Vec<Damage>,
    args: Vec<String>,
    code: i32,
    expect: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
enum Damage {
    Truncate {
        truncate: String,
        keep: u64,
    },
    TruncateLines {
        truncate: String,
        keep_lines: usize,
    },
    Write {
        write: String,
        text: String,
    },
    Append {
        append: String,
        text: String,
    },
    Replace {
        replace: String,
        from: String,
        to: String,
    },
    Remove {
        remove: String,
    },
    Sparse {
        sparse: String,
        bytes: u64,
    },
    Symlink {
        symlink: String,
        target: String,
    },
    Cell {
        cell: String,
        line: usize,
        column: String,
        value: String,
    },
    Copy {
        copy: String,
        to: String,
    },
}

fn repo_text(text: &str) -> String {
    text.replace("{repo}", &repo_path("").display().to_string())
}

/// Every file under `dir` and its bytes (a link is recorded by its target).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("a folder entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).expect("a link");
                out.insert(rel, target.display().to_string().into_bytes());
            } else if meta.is_dir() {
                out.insert(rel, b"<folder>".to_vec());
                stack.push(path);
            } else if meta.len() > 64 << 20 {
                // A sparse giant: its length stands for its bytes.
                out.insert(rel, format!("<{} bytes>", meta.len()).into_bytes());
            } else {
                out.insert(rel, std::fs::read(&path).expect("a file"));
            }
        }
    }
    out
}

fn apply(dir: &Path, damage: &Damage) -> Result<(), String> {
    let at = |p: &str| dir.join(p);
    let read = |p: &str| std::fs::read(at(p)).map_err(|e| format!("{p}: {e}"));
    let write =
        |p: &str, bytes: &[u8]| std::fs::write(at(p), bytes).map_err(|e| format!("{p}: {e}"));
    match damage {
        Damage::Truncate { truncate, keep } => {
            let bytes = read(truncate)?;
            if *keep as usize >= bytes.len() {
                return Err(format!("{truncate} has only {} bytes", bytes.len()));
            }
            write(truncate, &bytes[..*keep as usize])
        }
        Damage::TruncateLines {
            truncate,
            keep_lines,
        } => {
            let text = String::from_utf8(read(truncate)?).map_err(|e| e.to_string())?;
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            if *keep_lines >= lines.len() {
                return Err(format!("{truncate} has only {} lines", lines.len()));
            }
            write(truncate, lines[..*keep_lines].concat().as_bytes())
        }
        Damage::Write { write: p, text } => {
            if let Some(parent) = at(p).parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            write(p, repo_text(text).as_bytes())
        }
        Damage::Append { append, text } => {
            let mut bytes = read(append)?;
            bytes.extend_from_slice(text.as_bytes());
            write(append, &bytes)
        }
        Damage::Replace { replace, from, to } => {
            let text = String::from_utf8(read(replace)?).map_err(|e| e.to_string())?;
            if !text.contains(from.as_str()) {
                return Err(format!("{replace} does not contain {from:?}"));
            }
            write(replace, text.replace(from.as_str(), to).as_bytes())
        }
        Damage::Remove { remove } => {
            let p = at(remove);
            if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            }
            .map_err(|e| format!("{remove}: {e}"))
        }
        Damage::Sparse { sparse, bytes } => std::fs::File::create(at(sparse))
            .and_then(|f| f.set_len(*bytes))
            .map_err(|e| format!("{sparse}: {e}")),
        Damage::Cell {
            cell,
            line,
            column,
            value,
        } => {
            let text = String::from_utf8(read(cell)?).map_err(|e| e.to_string())?;
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let k = lines[0]
                .split(',')
                .position(|h| h == column)
                .ok_or_else(|| format!("{cell} has no column {column}"))?;
            let row = lines
                .get_mut(*line - 1)
                .ok_or_else(|| format!("{cell} has no line {line}"))?;
            let mut cells: Vec<&str> = row.split(',').collect();
            cells[k] = value;
            *row = cells.join(",");
            write(cell, format!("{}\n", lines.join("\n")).as_bytes())
        }
        Damage::Copy { copy, to } => std::fs::copy(at(copy), at(to))
            .map(|_| ())
            .map_err(|e| format!("{copy} -> {to}: {e}")),
        Damage::Symlink { symlink, target } => {
            std::os::unix::fs::symlink(repo_text(target), at(symlink))
                .map_err(|e| format!("{symlink}: {e}"))
        }
    }
}

fn run_in(dir: &Path, args: &[String]) -> Outcome {
    let args: Vec<String> = args.iter().map(|a| repo_text(a)).collect();
    let (mut cmd, text) = command(&args);
    cmd.current_dir(dir);
    finish(cmd, text)
}

/// Runs one case; `Err` says how it failed.
fn check(case: &Case) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (name, text) in &case.files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, repo_text(text)).map_err(|e| e.to_string())?;
    }
    for args in &case.setup {
        let out = run_in(dir.path(), args);
        if out.code != Some(0) {
            return Err(format!("setup failed:\n{}", out.describe()));
        }
    }
    for d in &case.damage {
        apply(dir.path(), d).map_err(|e| format!("damage {d:?}: {e}"))?;
    }
    let before = snapshot(dir.path());
    let out = run_in(dir.path(), &case.args);
    let mut wrong = Vec::new();
    if out.stderr.contains("panicked") {
        wrong.push("it panicked".to_string());
    }
    if out.code != Some(case.code) {
        wrong.push(format!("exit code {:?}, expected {}", out.code, case.code));
    }
    for fragment in &case.expect {
        if !out.stderr.contains(&repo_text(fragment)) {
            wrong.push(format!("stderr lacks {fragment:?}"));
        }
    }
    let after = snapshot(dir.path());
    if before != after {
        let changed: Vec<String> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .map(|k| k.display().to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        wrong.push(format!("files written or changed: {}", changed.join(", ")));
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{}", wrong.join("; "), out.describe()))
    }
}

fn gallery_files() -> Vec<PathBuf> {
    let root = repo_path("tests/gallery");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn cases() -> Vec<(String, Case)> {
    let mut out = Vec::new();
    for path in gallery_files() {
        let text = std::fs::read_to_string(&path).expect("a gallery file");
        let file: GalleryFile = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not a gallery file: {e}", path.display()));
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        for case in file.case {
            out.push((format!("{stem}/{}", case.name), case));
        }
    }
    out
}

#[test]
fn gallery_cases_are_well_formed_and_enough() {
    let cases = cases();
    let mut names = std::collections::BTreeSet::new();
    let mut classes = std::collections::BTreeSet::new();
    for (name, case) in &cases {
        assert!(names.insert(name.clone()), "two cases are named {name}");
        assert!(case.class <= 10, "{name}: class {} is not 0-10", case.class);
        assert!(
            !case.what.trim().is_empty(),
            "{name}: says not what it tries"
        );
        assert!(!case.expect.is_empty(), "{name}: expects no message");
        assert!(
            case.code == 1 || case.code == 2,
            "{name}: a bad input exits with 1 or 2, not {}",
            case.code
        );
        classes.insert(case.class);
    }
    let scenario_files = crate::bad_scenarios::gallery().len();
    assert!(
        cases.len() + scenario_files >= MIN_CASES,
        "the gallery holds {} cases and {scenario_files} scenario files, fewer than {MIN_CASES}",
        cases.len()
    );
    for class in 1..=10 {
        assert!(
            classes.contains(&class),
            "no gallery case covers class {class}"
        );
    }
}

#[test]
fn every_gallery_case_is_refused_and_writes_nothing() {
    let cases = cases();
    let failures: Vec<String> = std::thread::scope(|s| {
        let chunks: Vec<_> = cases.chunks(cases.len().div_ceil(4).max(1)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|(name, case)| {
                            check(case).err().map(|e| format!("== {name}: {e}"))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a gallery thread"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} gallery cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_bad_scenario_file_is_refused_by_polis_run_and_writes_nothing() {
    let mut failures = Vec::new();
    for path in crate::bad_scenarios::gallery() {
        let case = crate::bad_scenarios::parse_case(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let dir = tempfile::tempdir().unwrap();
        let before = snapshot(dir.path());
        let out = run_in(
            dir.path(),
            &[
                "run".to_string(),
                path.display().to_string(),
                "--quiet".to_string(),
            ],
        );
        let mut wrong = Vec::new();
        if out.code != Some(2) || out.stderr.contains("panicked") {
            wrong.push(format!("exit code {:?}, expected 2", out.code));
        }
        for fragment in case.expects() {
            if !out.stderr.contains(fragment.as_str()) {
                wrong.push(format!("stderr lacks {fragment:?}"));
            }
        }
        if snapshot(dir.path()) != before {
            wrong.push("it wrote files".into());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "== {}: {}\n{}",
                path.display(),
                wrong.join("; "),
                out.describe()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
