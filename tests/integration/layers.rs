//! The layers of docs/ARCHITECTURE.md, held by reading the sources: each
//! module uses only the modules of its own layer and the layers below.
//! A `use` or a path into a higher layer fails the test, naming the file
//! and line.

use std::path::Path;

use super::repo_path;

/// Each layer's files (under `src/`) and the modules they must not name.
const LAYERS: &[(&str, &[&str], &[&str])] = &[
    (
        "randomness",
        &["rng.rs"],
        &[
            "scenario",
            "world",
            "model",
            "step",
            "metrics",
            "output",
            "run",
            "experiment",
            "bench",
            "plot",
        ],
    ),
    (
        // `par` prefetches residents' records, so it names their type.
        "parallel helpers",
        &["par.rs"],
        &[
            "scenario",
            "step",
            "model",
            "metrics",
            "output",
            "run",
            "experiment",
            "bench",
            "plot",
        ],
    ),
    (
        "scenario",
        &["scenario"],
        &[
            "world",
            "model",
            "step",
            "metrics",
            "output",
            "run",
            "experiment",
            "bench",
            "plot",
        ],
    ),
    (
        "world and rules",
        &["world", "model"],
        &[
            "step",
            "metrics",
            "output",
            "run",
            "experiment",
            "bench",
            "plot",
        ],
    ),
    (
        "the month and its measurement",
        &["step", "metrics"],
        &["output", "run", "experiment", "bench", "plot"],
    ),
    (
        "files and runs",
        &["output", "experiment", "bench", "run.rs", "validate"],
        &["plot"],
    ),
];

/// Every `.rs` file under `path` (or `path` itself).
fn sources(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let mut entries: Vec<_> = std::fs::read_dir(path)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", path.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() || entry.extension().is_some_and(|x| x == "rs") {
            sources(&entry, out);
        }
    }
}

#[test]
fn no_module_names_a_higher_layer() {
    let mut breaches = Vec::new();
    let mut files = 0;
    for (layer, roots, forbidden) in LAYERS {
        for root in *roots {
            let mut paths = Vec::new();
            sources(&repo_path("src").join(root), &mut paths);
            for path in paths {
                files += 1;
                let text = std::fs::read_to_string(&path).expect("a source file");
                for (k, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    for module in *forbidden {
                        let named = [format!("crate::{module}::"), format!("crate::{module};")]
                            .iter()
                            .any(|p| code.contains(p.as_str()))
                            || code.contains(&format!("crate::{{{module}"))
                            || code.contains(&format!("crate::{module}}}"));
                        if named {
                            breaches.push(format!(
                                "{}:{}: the {layer} layer names `{module}`: {}",
                                path.display(),
                                k + 1,
                                line.trim()
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(files > 40, "the test read only {files} files");
    assert!(breaches.is_empty(), "{}", breaches.join("\n"));
}
