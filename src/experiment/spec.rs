//! The sweep file and the plan it expands to: points, runs, seeds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::rng::mix64;
use crate::scenario::{Scenario, ScenarioError, line_col, reference};

/// A sweep file, as written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// The base scenario, relative to the sweep file.
    pub base: String,
    /// Replicates per parameter point.
    #[serde(default = "default_replicates")]
    pub replicates: u32,
    /// Base seed; replicate r runs with `replicate_seed(seed, r)`.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Months to simulate, overriding the base scenario's.
    #[serde(default)]
    pub months: Option<u32>,
    /// Parameters to vary: dotted key -> values or `{ start, stop, step }`.
    #[serde(default)]
    pub parameters: BTreeMap<String, Values>,
    /// An external design: a CSV file with `sample_id` and one column per parameter.
    #[serde(default)]
    pub design: Option<String>,
    /// Months over which `summary.csv` averages (first, last); default the last 12.
    #[serde(default)]
    pub window: Option<[u32; 2]>,
}

fn default_replicates() -> u32 {
    1
}

fn default_seed() -> u64 {
    1
}

/// Values of one parameter: a list, or an inclusive numeric range.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Values {
    /// Explicit values.
    List(Vec<toml::Value>),
    /// `start`, `start + step`, ... up to `stop` (inclusive, within a tolerance).
    Range {
        /// First value.
        start: f64,
        /// Last value (inclusive).
        stop: f64,
        /// Increment (positive).
        step: f64,
    },
}

/// One parameter point: its id and its values, in key order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Point {
    /// `p0001`-style for a grid; the design's `sample_id` for a design.
    pub sample_id: String,
    /// Dotted key and value, as TOML text (`12`, `2.5`, `true`).
    pub values: Vec<(String, String)>,
}

/// One run of the plan.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct RunSpec {
    /// Run number, from 0, in (point, replicate) order.
    pub run_id: u32,
    /// Index of the point.
    pub point: u32,
    /// Replicate number, from 0.
    pub replicate: u32,
    /// Seed of the run.
    pub seed: u64,
}

/// A sweep expanded: everything needed to run and merge it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Plan {
    /// The sweep file as written.
    pub spec: SweepSpec,
    /// The base scenario's path, resolved.
    pub base_path: PathBuf,
    /// Names of the varied parameters, in column order.
    pub parameters: Vec<String>,
    /// Parameter points.
    pub points: Vec<Point>,
    /// Runs.
    pub runs: Vec<RunSpec>,
    /// Sector names of the base scenario (for column names).
    pub sectors: Vec<String>,
    /// Months each run simulates.
    pub months: u32,
    /// Months averaged in the summary's window (first, last).
    pub window: [u32; 2],
}

/// Which runs a process does: those with `run_id % count == index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 0.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Whether this shard does `run`.
    pub fn owns(&self, run: &RunSpec) -> bool {
        run.run_id % self.count == self.index
    }

    /// Parses `I/N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not I/N (for example 0/4)"))?;
        let index: u32 = i
            .trim()
            .parse()
            .map_err(|_| format!("`{i}` is not a shard number"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a shard count"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "shard {index}/{count}: the index must be below the count, counting from 0"
            ));
        }
        Ok(Shard { index, count })
    }
}

/// The seed of replicate `r`: a hash of the base seed and `r`, the same at
/// every parameter point (common random numbers), below 2^63 so that it is a
/// valid scenario seed.
pub fn replicate_seed(base: u64, r: u32) -> u64 {
    mix64(base ^ mix64(0x5EED_0000_0000_0000 | r as u64)) >> 1
}

fn problem(
    path: &Path,
    text: &str,
    span: Option<std::ops::Range<usize>>,
    message: String,
    hint: &str,
) -> ScenarioError {
    let location = span.map(|s| line_col(text, s.start));
    ScenarioError {
        path: path.to_path_buf(),
        location,
        line_text: location.and_then(|(l, _)| text.lines().nth(l - 1).map(str::to_string)),
        message,
        hint: Some(hint.to_string()),
    }
}

/// Span of the first occurrence of `needle` in `text`, for locating a key.
fn find(text: &str, needle: &str) -> Option<std::ops::Range<usize>> {
    text.find(needle).map(|i| i..i + needle.len())
}

/// Reads and validates a sweep file and expands it to a plan. Every point is
/// checked by loading the base scenario with the point's values, so a bad
/// value is reported before anything runs.
pub fn load_sweep(path: &Path) -> Result<Plan, Vec<ScenarioError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![problem(
            path,
            "",
            None,
            format!("cannot read the sweep file: {e}"),
            "check the path",
        )]
    })?;
    let spec: SweepSpec = toml::from_str(&text).map_err(|e| {
        vec![problem(path, &text, e.span(), e.message().trim().to_string(), "a sweep has `base`, `replicates`, `seed`, `[parameters]` or `design` (see README, Experiments)")]
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let base_path = dir.join(&spec.base);
    let mut errors = Vec::new();
    if spec.replicates == 0 {
        errors.push(problem(
            path,
            &text,
            find(&text, "replicates"),
            "`replicates` must be at least 1".into(),
            "replicates = 10",
        ));
    }
    if spec.seed > i64::MAX as u64 {
        errors.push(problem(
            path,
            &text,
            find(&text, "seed"),
            "`seed` must be below 2^63".into(),
            "seed = 1",
        ));
    }
    if spec.design.is_some() && !spec.parameters.is_empty() {
        errors.push(problem(
            path,
            &text,
            find(&text, "design"),
            "give either `[parameters]` or `design`, not both".into(),
            "a design CSV already lists every point",
        ));
    }
    let base = match Scenario::load(&base_path) {
        Ok(s) => Some(s),
        Err(e) => {
            errors.push(problem(
                path,
                &text,
                find(&text, "base"),
                format!("the base scenario {} does not load", base_path.display()),
                "fix the base scenario; its own errors follow",
            ));
            errors.extend(e);
            None
        }
    };
    let (parameters, points) = match &spec.design {
        Some(design) => read_design(&dir.join(design), path, &text, &mut errors),
        None => grid(&spec, path, &text, &mut errors),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let base = base.expect("no errors means the base loaded");
    let months = spec.months.unwrap_or(base.simulation.months);
    // Check every point by loading the base with its values.
    for point in &points {
        let overrides: Vec<String> = point
            .values
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .chain([format!("simulation.months={months}")])
            .collect();
        if let Err(e) = Scenario::load_with(&base_path, &overrides) {
            for mut err in e {
                err.message = format!("point {}: {}", point.sample_id, err.message);
                errors.push(err);
            }
        }
    }
    let window = spec
        .window
        .unwrap_or([months.saturating_sub(11).max(1), months]);
    if window[0] < 1 || window[0] > window[1] || window[1] > months {
        errors.push(problem(
            path,
            &text,
            find(&text, "window"),
            format!("`window` {window:?} is not within months 1 to {months}"),
            "window = [first, last], for example [49, 60]",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let runs = (0..points.len() as u32)
        .flat_map(|p| (0..spec.replicates).map(move |r| (p, r)))
        .enumerate()
        .map(|(id, (point, replicate))| RunSpec {
            run_id: id as u32,
            point,
            replicate,
            seed: replicate_seed(spec.seed, replicate),
        })
        .collect();
    Ok(Plan {
        sectors: base.sector_names(),
        spec,
        base_path,
        parameters,
        points,
        runs,
        months,
        window,
    })
}

/// A value as TOML text.
fn toml_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

fn grid(
    spec: &SweepSpec,
    path: &Path,
    text: &str,
    errors: &mut Vec<ScenarioError>,
) -> (Vec<String>, Vec<Point>) {
    let mut axes: Vec<(String, Vec<String>)> = Vec::new();
    for (key, values) in &spec.parameters {
        let place = find(text, key);
        let Some(info) = reference::lookup(key) else {
            let known = reference::known_keys(&[]);
            let hint = reference::did_you_mean(key, known.iter().map(String::as_str)).map_or_else(
                || "`polis params` lists every key".to_string(),
                |b| format!("did you mean `{b}`?"),
            );
            errors.push(problem(
                path,
                text,
                place,
                format!("unknown parameter `{key}`"),
                &hint,
            ));
            continue;
        };
        let list: Vec<toml::Value> = match values {
            Values::List(v) => v.clone(),
            Values::Range { start, stop, step } => {
                if step.is_nan() || *step <= 0.0 || stop < start {
                    errors.push(problem(
                        path,
                        text,
                        place,
                        format!("`{key}`: a range needs step > 0 and stop >= start"),
                        "{ start = 6.0, stop = 12.0, step = 2.0 }",
                    ));
                    continue;
                }
                let n = ((stop - start) / step + 1e-9).floor() as usize + 1;
                if n > 10_000 {
                    errors.push(problem(
                        path,
                        text,
                        place,
                        format!("`{key}`: the range has {n} values"),
                        "use a larger step",
                    ));
                    continue;
                }
                (0..n)
                    .map(|k| {
                        let v = start + step * k as f64;
                        // Round away float noise: 0.1 + 0.2 becomes 0.3.
                        let v = (v * 1e9).round() / 1e9;
                        if info.ty.starts_with('u') {
                            toml::Value::Integer(v.round() as i64)
                        } else {
                            toml::Value::Float(v)
                        }
                    })
                    .collect()
            }
        };
        if list.is_empty() {
            errors.push(problem(
                path,
                text,
                place,
                format!("`{key}` has no values"),
                "give at least one value",
            ));
            continue;
        }
        for v in &list {
            if let Err(why) = reference::check_type(&info, v) {
                errors.push(problem(
                    path,
                    text,
                    place.clone(),
                    format!("`{key}`: {why}"),
                    &reference::range_hint(&info),
                ));
            }
        }
        axes.push((key.clone(), list.iter().map(toml_text).collect()));
    }
    let mut points = vec![Vec::<(String, String)>::new()];
    for (key, values) in &axes {
        points = points
            .into_iter()
            .flat_map(|p| {
                values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push((key.clone(), v.clone()));
                    q
                })
            })
            .collect();
    }
    let points = points
        .into_iter()
        .enumerate()
        .map(|(i, values)| Point {
            sample_id: format!("p{:04}", i + 1),
            values,
        })
        .collect();
    (axes.into_iter().map(|(k, _)| k).collect(), points)
}

fn read_design(
    design: &Path,
    path: &Path,
    text: &str,
    errors: &mut Vec<ScenarioError>,
) -> (Vec<String>, Vec<Point>) {
    let place = find(text, "design");
    let mut reader = match csv::Reader::from_path(design) {
        Ok(r) => r,
        Err(e) => {
            errors.push(problem(
                path,
                text,
                place,
                format!("cannot read the design {}: {e}", design.display()),
                "the path is relative to the sweep file",
            ));
            return (vec![], vec![]);
        }
    };
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            errors.push(problem(
                path,
                text,
                place,
                format!("the design has no header: {e}"),
                "first line: sample_id,table.key,...",
            ));
            return (vec![], vec![]);
        }
    };
    if header.first().map(String::as_str) != Some("sample_id") {
        errors.push(problem(
            design,
            "",
            None,
            "the design's first column must be `sample_id`".into(),
            "sample_id,table.key,... as written by SALib or the EMA Workbench",
        ));
        return (vec![], vec![]);
    }
    let keys: Vec<String> = header[1..].to_vec();
    for key in &keys {
        if reference::lookup(key).is_none() {
            errors.push(problem(
                design,
                "",
                None,
                format!("the design's column `{key}` is not a parameter"),
                "`polis params` lists every key",
            ));
        }
    }
    let mut points = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (line, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(problem(
                    design,
                    "",
                    None,
                    format!("design line {}: {e}", line + 2),
                    "every line needs a value per column",
                ));
                continue;
            }
        };
        let id = record.get(0).unwrap_or("").to_string();
        if !seen.insert(id.clone()) {
            errors.push(problem(
                design,
                "",
                None,
                format!("design line {}: sample_id `{id}` repeats", line + 2),
                "sample ids must be unique",
            ));
        }
        let values = keys
            .iter()
            .cloned()
            .zip(record.iter().skip(1).map(|v| v.trim().to_string()))
            .collect();
        points.push(Point {
            sample_id: id,
            values,
        });
    }
    if points.is_empty() {
        errors.push(problem(
            design,
            "",
            None,
            "the design has no points".into(),
            "one line per sample",
        ));
    }
    (keys, points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicate_seeds_are_valid_distinct_and_stable() {
        let seeds: Vec<u64> = (0..100).map(|r| replicate_seed(7, r)).collect();
        assert!(seeds.iter().all(|&s| s <= i64::MAX as u64));
        let unique: std::collections::BTreeSet<_> = seeds.iter().collect();
        assert_eq!(unique.len(), 100);
        assert_eq!(replicate_seed(7, 3), seeds[3]);
    }

    #[test]
    fn shards_split_runs_without_overlap() {
        let runs: Vec<RunSpec> = (0..10)
            .map(|i| RunSpec {
                run_id: i,
                point: 0,
                replicate: i,
                seed: 0,
            })
            .collect();
        let shards: Vec<Shard> = (0..3).map(|i| Shard { index: i, count: 3 }).collect();
        for r in &runs {
            assert_eq!(shards.iter().filter(|s| s.owns(r)).count(), 1);
        }
        assert!(Shard::parse("3/3").is_err());
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 1, count: 4 }));
    }
}
