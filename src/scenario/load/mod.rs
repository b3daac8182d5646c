//! Loading a scenario: the `extends` chain, merging, `--set` overrides, and
//! the place (file, line, column) of every value, so that any problem found
//! later can be shown where it was written.
//!
//! Each file is checked on its own first (TOML syntax, unknown keys, types),
//! so those errors point into the file that has them. Then the files are
//! merged, base first: a table merges key by key, any other value replaces
//! the base's, and `[[events]]` accumulate. Overrides are applied last. The
//! merged scenario is validated, and each problem is placed at the value
//! that the last file (or override) to set its key wrote.

mod chain;
mod diagnose;
mod events;
mod overrides;
mod places;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::scenario::{Problem, Scenario, ScenarioError};
use chain::{check_file, read_chain};
pub use events::event_problems;
use overrides::apply_override;
pub use overrides::set_path;
use places::Places;

/// A loaded, validated scenario and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The resolved scenario.
    pub scenario: Scenario,
    /// The files read, the named file first, then what it extends, in order.
    pub files: Vec<PathBuf>,
    /// The `key=value` overrides applied, as given.
    pub overrides: Vec<String>,
}

/// Loads `path` and its `extends` chain, applies `overrides`, validates.
pub fn load(path: &Path, overrides: &[String]) -> Result<Loaded, Vec<ScenarioError>> {
    let mut places = Places::default();
    let chain = read_chain(path, &mut places)?;
    finish(path, chain, places, overrides)
}

/// Loads scenario text that extends nothing; `path` is used in messages.
pub fn from_text(
    text: &str,
    path: &Path,
    overrides: &[String],
) -> Result<Loaded, Vec<ScenarioError>> {
    let mut places = Places::default();
    let k = places.add_source(path.to_path_buf(), text.to_string());
    finish(path, vec![k], places, overrides)
}

fn finish(
    path: &Path,
    chain: Vec<usize>,
    mut places: Places,
    overrides: &[String],
) -> Result<Loaded, Vec<ScenarioError>> {
    let mut errors = Vec::new();
    let mut merged = toml::Table::new();
    // Base first: the last file in `chain` is the root of the chain.
    for &k in chain.iter().rev() {
        match check_file(&mut places, k) {
            Ok(table) => merge(&mut merged, table),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(in_line_order(errors));
    }
    merged.remove("extends");
    let files_give_sectors = merged.contains_key("sectors");
    for o in overrides {
        if let Err(e) = apply_override(&mut merged, &mut places, o) {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let share_problems = sector_share_problems(&merged, files_give_sectors);
    let mut scenario: Scenario = match merged.try_into() {
        Ok(s) => s,
        Err(e) => {
            let e: toml::de::Error = e;
            return Err(vec![ScenarioError {
                path: path.to_path_buf(),
                location: None,
                line_text: None,
                message: e.message().trim().to_string(),
                hint: Some("check the values given with --set".into()),
            }]);
        }
    };
    if scenario.name.is_empty() {
        scenario.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
    }
    scenario.extends = None;
    for event in &mut scenario.events {
        event.set = flatten(std::mem::take(&mut event.set));
    }
    let mut problems = share_problems;
    problems.extend(scenario.validate());
    if !problems.is_empty() {
        let errors = problems
            .into_iter()
            .map(|p| {
                let key = places.blame(p.key.as_deref(), &p.also);
                places.error_for_key(key.as_deref(), path, p.message, p.hint)
            })
            .collect();
        return Err(in_line_order(errors));
    }
    let files = chain
        .iter()
        .map(|&k| places.sources[k].name.clone())
        .collect();
    Ok(Loaded {
        scenario,
        files,
        overrides: overrides.to_vec(),
    })
}

/// Errors grouped by file (in the order each file first appears) and, within
/// a file, in line and column order, as a person reads them.
fn in_line_order(errors: Vec<ScenarioError>) -> Vec<ScenarioError> {
    let mut files: Vec<PathBuf> = Vec::new();
    for e in &errors {
        if !files.contains(&e.path) {
            files.push(e.path.clone());
        }
    }
    let mut errors = errors;
    errors.sort_by_key(|e| {
        let file = files.iter().position(|f| *f == e.path).unwrap_or(0);
        (file, e.location.is_none(), e.location)
    });
    errors
}

/// Turns nested tables in an event's `set` into dotted keys, so that
/// `set = { city.speed_kmh = 25.0 }` (TOML's dotted keys, unquoted) means the
/// same as `set = { "city.speed_kmh" = 25.0 }`.
fn flatten(set: BTreeMap<String, toml::Value>) -> BTreeMap<String, toml::Value> {
    let mut out = BTreeMap::new();
    for (key, value) in set {
        match value {
            toml::Value::Table(t) => {
                for (k, v) in flatten(t.into_iter().collect()) {
                    out.insert(format!("{key}.{k}"), v);
                }
            }
            v => {
                out.insert(key, v);
            }
        }
    }
    out
}

/// Sectors given in a file replace the default sectors, so each must give
/// its shares: a table that only adjusts, say, productivity would otherwise
/// silently make a one-sector city.
fn sector_share_problems(merged: &toml::Table, files_give_sectors: bool) -> Vec<Problem> {
    let hint = if files_give_sectors {
        "sectors written in a scenario replace the default three, so list every sector with its budget_share and firm_share (see scenarios/capacity-cut.toml)"
    } else {
        "the scenario writes no [sectors.*] tables, so a --set of one sector's key makes it the only sector: write the sectors in the scenario file with their budget_share and firm_share (see scenarios/capacity-cut.toml), then change them"
    };
    let Some(sectors) = merged.get("sectors").and_then(|s| s.as_table()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, table) in sectors {
        let Some(table) = table.as_table() else {
            continue;
        };
        for key in ["budget_share", "firm_share"] {
            if !table.contains_key(key) {
                out.push(Problem {
                    also: table
                        .keys()
                        .map(|k| format!("sectors.{name}.{k}"))
                        .collect(),
                    key: Some(format!("sectors.{name}")),
                    message: format!("[sectors.{name}] does not give `{key}`"),
                    hint: hint.into(),
                });
            }
        }
    }
    out
}

/// Merges `top` into `base`: tables key by key, events appended, anything else replaced.
fn merge(base: &mut toml::Table, top: toml::Table) {
    for (key, value) in top {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(t)) => merge(b, t),
            (Some(toml::Value::Array(b)), toml::Value::Array(t)) if key == "events" => b.extend(t),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Writes `text` to `dir/name`, for tests that read files.
#[cfg(test)]
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}
