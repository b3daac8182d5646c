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

/// Most runs a sweep may have (points times replicates): a sweep of 100,000
/// runs keeps 200,000 part files and a plan of about 10 MB; a larger
/// experiment is split into several sweeps.
pub const MAX_RUNS: u64 = 100_000;

/// Most values one range may expand to.
pub const MAX_RANGE_VALUES: u64 = 10_000;

/// Where a value of a sweep was written: the sweep file (a span) or a cell
/// of the design CSV (line and column).
#[derive(Debug, Clone)]
enum Origin {
    Sweep(std::ops::Range<usize>),
    Design { line: usize, col: usize },
}

/// The texts a sweep is read from, to place its problems.
struct Texts<'a> {
    path: &'a Path,
    text: &'a str,
    design: Option<(PathBuf, String)>,
}

impl Texts<'_> {
    fn at(&self, origin: Option<&Origin>, message: String, hint: &str) -> ScenarioError {
        match origin {
            None => problem(self.path, self.text, None, message, hint),
            Some(Origin::Sweep(span)) => {
                problem(self.path, self.text, Some(span.clone()), message, hint)
            }
            Some(&Origin::Design { line, col }) => {
                let (path, text) = self
                    .design
                    .as_ref()
                    .map_or((self.path, ""), |(p, t)| (p.as_path(), t.as_str()));
                ScenarioError {
                    path: path.to_path_buf(),
                    location: Some((line, col)),
                    line_text: text.lines().nth(line - 1).map(str::to_string),
                    message,
                    hint: Some(hint.to_string()),
                }
            }
        }
    }
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

/// The spans of a sweep file's values: top-level keys by name, and under
/// `parameters` each parameter's value, its list items and range fields.
#[derive(Default)]
struct Spans {
    top: BTreeMap<String, std::ops::Range<usize>>,
    /// Per parameter: the value's span, its items' spans, and its range
    /// fields' names and spans.
    params: BTreeMap<String, ParamSpans>,
}

#[derive(Default, Clone)]
struct ParamSpans {
    value: std::ops::Range<usize>,
    items: Vec<std::ops::Range<usize>>,
    fields: Vec<(String, std::ops::Range<usize>)>,
}

impl Spans {
    fn top(&self, key: &str) -> Option<Origin> {
        self.top.get(key).cloned().map(Origin::Sweep)
    }

    fn param(&self, key: &str) -> Option<Origin> {
        self.params.get(key).map(|p| Origin::Sweep(p.value.clone()))
    }

    fn item(&self, key: &str, i: usize) -> Option<Origin> {
        let p = self.params.get(key)?;
        Some(Origin::Sweep(p.items.get(i).unwrap_or(&p.value).clone()))
    }

    fn field(&self, key: &str, field: &str) -> Option<Origin> {
        let p = self.params.get(key)?;
        let span = p
            .fields
            .iter()
            .find(|(f, _)| f == field)
            .map_or(&p.value, |(_, s)| s);
        Some(Origin::Sweep(span.clone()))
    }
}

fn spans(doc: &toml::de::DeTable<'_>) -> Spans {
    use toml::de::DeValue;
    let mut out = Spans::default();
    for (key, value) in doc.iter() {
        out.top.insert(key.get_ref().to_string(), value.span());
        if key.get_ref() != "parameters" {
            continue;
        }
        let DeValue::Table(params) = value.get_ref() else {
            continue;
        };
        for (name, v) in params.iter() {
            let mut p = ParamSpans {
                value: v.span(),
                ..ParamSpans::default()
            };
            match v.get_ref() {
                DeValue::Array(items) => p.items = items.iter().map(|i| i.span()).collect(),
                DeValue::Table(fields) => {
                    p.fields = fields
                        .iter()
                        .map(|(f, fv)| (f.get_ref().to_string(), fv.span()))
                        .collect()
                }
                _ => {}
            }
            out.params.insert(name.get_ref().to_string(), p);
        }
    }
    out
}

/// Checks the shape of `[parameters]` before serde reads it: each value is
/// a list, or a range table with exactly `start`, `stop` and `step`.
fn parameter_shapes(raw: &toml::Table, spans: &Spans, texts: &Texts<'_>) -> Vec<ScenarioError> {
    let mut errors = Vec::new();
    let Some(params) = raw.get("parameters") else {
        return errors;
    };
    let Some(params) = params.as_table() else {
        errors.push(texts.at(
            spans.top("parameters").as_ref(),
            "`parameters` must be a table of parameters and their values".into(),
            "[parameters]\n\"entrepreneurship.startup_cost_months\" = [4.0, 8.0, 12.0]",
        ));
        return errors;
    };
    for (key, value) in params {
        match value {
            toml::Value::Array(_) => {}
            toml::Value::Table(fields) => {
                for (field, v) in fields {
                    if !["start", "stop", "step"].contains(&field.as_str()) {
                        let hint = reference::did_you_mean(field, ["start", "stop", "step"])
                            .map_or_else(
                                || "a range has `start`, `stop` and `step`".to_string(),
                                |b| {
                                    format!(
                                        "did you mean `{b}`? a range has `start`, `stop` and `step`"
                                    )
                                },
                            );
                        errors.push(texts.at(
                            spans.field(key, field).as_ref(),
                            format!("`{key}`: unknown key `{field}` in a range"),
                            &hint,
                        ));
                    } else if reference::as_number(v).is_none() {
                        errors.push(texts.at(
                            spans.field(key, field).as_ref(),
                            format!(
                                "`{key}`: the range's `{field}` must be a number, not {}",
                                reference::describe(v)
                            ),
                            "{ start = 6.0, stop = 12.0, step = 2.0 }",
                        ));
                    }
                }
                for field in ["start", "stop", "step"] {
                    if !fields.contains_key(field) {
                        errors.push(texts.at(
                            spans.param(key).as_ref(),
                            format!("`{key}`: the range has no `{field}`"),
                            "{ start = 6.0, stop = 12.0, step = 2.0 }",
                        ));
                    }
                }
            }
            other => errors.push(texts.at(
                spans.param(key).as_ref(),
                format!(
                    "`{key}`: give a list of values or a range, not {}",
                    reference::describe(other)
                ),
                "a list [4.0, 8.0] or a range { start = 4.0, stop = 12.0, step = 4.0 }",
            )),
        }
    }
    errors
}

/// Reads and validates a sweep file and expands it to a plan. The runs are
/// counted before anything is expanded; every point is then checked by
/// loading the base scenario with the point's values, and a bad value is
/// reported where the sweep file (or the design CSV) wrote it, before
/// anything runs.
pub fn load_sweep(path: &Path) -> Result<Plan, Vec<ScenarioError>> {
    let text = crate::input::read_capped_text(path, crate::input::TOML_CAP).map_err(|e| {
        vec![problem(
            path,
            "",
            None,
            format!("the sweep file {}", e.what()),
            e.hint(),
        )]
    })?;
    let doc = toml::de::DeTable::parse(&text).map_err(|e| {
        vec![problem(
            path,
            &text,
            e.span(),
            format!("TOML syntax error: {}", e.message().trim()),
            "see https://toml.io for the syntax; strings need quotes, tables are [name]",
        )]
    })?;
    let spans = spans(doc.get_ref());
    let mut texts = Texts {
        path,
        text: &text,
        design: None,
    };
    let raw: toml::Table = toml::from_str(&text).map_err(|e| {
        vec![problem(
            path,
            &text,
            e.span(),
            e.message().trim().to_string(),
            "check the syntax",
        )]
    })?;
    let shape_errors = parameter_shapes(&raw, &spans, &texts);
    if !shape_errors.is_empty() {
        return Err(shape_errors);
    }
    let spec: SweepSpec = toml::from_str(&text).map_err(|e| {
        vec![problem(path, &text, e.span(), e.message().trim().to_string(), "a sweep has `base`, `replicates`, `seed`, `months`, `window`, `[parameters]` or `design` (see README, Experiments)")]
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let base_path = dir.join(&spec.base);
    let mut errors = Vec::new();
    if spec.replicates == 0 {
        errors.push(texts.at(
            spans.top("replicates").as_ref(),
            "`replicates` must be at least 1".into(),
            "replicates = 10",
        ));
    }
    if spec.seed > i64::MAX as u64 {
        errors.push(texts.at(
            spans.top("seed").as_ref(),
            "`seed` must be below 2^63".into(),
            "seed = 1",
        ));
    }
    if spec.design.is_some() && !spec.parameters.is_empty() {
        errors.push(texts.at(
            spans.top("design").as_ref(),
            "give either `[parameters]` or `design`, not both".into(),
            "a design CSV already lists every point",
        ));
    }
    if spec.design.is_none() && spec.parameters.is_empty() && spans.top.contains_key("parameters") {
        errors.push(texts.at(
            spans.top("parameters").as_ref(),
            "`[parameters]` is empty: the sweep varies nothing".into(),
            "name a parameter and its values, or leave out [parameters] to run replicates of the base alone",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Count the runs before expanding anything.
    let points_count: Option<u64> = match &spec.design {
        Some(_) => None,
        None => Some(grid_count(&spec, &spans, &texts, &mut errors)),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(points) = points_count {
        check_run_count(points, spec.replicates, &spans, &texts, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    let base = match Scenario::load(&base_path) {
        Ok(s) => Some(s),
        Err(e) => {
            errors.push(texts.at(
                spans.top("base").as_ref(),
                format!("the base scenario {} does not load", base_path.display()),
                "fix the base scenario; its own errors follow",
            ));
            errors.extend(e);
            None
        }
    };
    let (parameters, points, origins) = match &spec.design {
        Some(design) => {
            let design_path = dir.join(design);
            let (parameters, points, origins) =
                read_design(&design_path, &spans, &mut texts, &mut errors);
            if errors.is_empty() {
                check_run_count(
                    points.len() as u64,
                    spec.replicates,
                    &spans,
                    &texts,
                    &mut errors,
                );
            }
            (parameters, points, origins)
        }
        None => grid(&spec, &spans, &texts, &mut errors),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let base = base.expect("no errors means the base loaded");
    let months = spec.months.unwrap_or(base.simulation.months);
    // Check every point by loading the base with its values; a problem with
    // a value is placed where the sweep or its design wrote it.
    for (point, origin) in points.iter().zip(&origins) {
        let overrides: Vec<String> = point
            .values
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .chain([format!("simulation.months={months}")])
            .collect();
        if let Err(e) = Scenario::load_with(&base_path, &overrides) {
            for err in e {
                let from_point = (err.path.as_os_str() == "--set")
                    .then(|| {
                        point.values.iter().position(|(k, v)| {
                            err.line_text.as_deref() == Some(&format!("{k}={v}"))
                        })
                    })
                    .flatten();
                let message = format!("point {}: {}", point.sample_id, err.message);
                let hint = err.hint.clone().unwrap_or_default();
                errors.push(match from_point {
                    Some(k) => texts.at(origin.get(k), message, &hint),
                    None if err.path.as_os_str() == "--set" => {
                        texts.at(spans.top("months").as_ref(), message, &hint)
                    }
                    None => ScenarioError { message, ..err },
                });
            }
        }
    }
    let window = spec
        .window
        .unwrap_or([months.saturating_sub(11).max(1), months]);
    if window[0] < 1 || window[0] > window[1] || window[1] > months {
        errors.push(texts.at(
            spans.top("window").as_ref(),
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

/// Refuses a sweep of more than [`MAX_RUNS`] runs, giving the count.
fn check_run_count(
    points: u64,
    replicates: u32,
    spans: &Spans,
    texts: &Texts<'_>,
    errors: &mut Vec<ScenarioError>,
) {
    let runs = points.saturating_mul(replicates as u64);
    if runs > MAX_RUNS {
        let at = if replicates as u64 > MAX_RUNS || !spans.top.contains_key("parameters") {
            spans.top("replicates").or_else(|| spans.top("design"))
        } else {
            spans.top("parameters").or_else(|| spans.top("design"))
        };
        errors.push(texts.at(
            at.as_ref(),
            format!(
                "the sweep has {runs} runs ({points} points x {replicates} replicates), more than the {MAX_RUNS} a sweep may have"
            ),
            "vary fewer values, use fewer replicates, or split the experiment into several sweeps",
        ));
    }
}

/// A value as TOML text.
fn toml_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// Values of a range, counted without expanding it; `None` when it is not
/// a valid range.
fn range_count(start: f64, stop: f64, step: f64) -> Option<f64> {
    if !(step > 0.0 && stop >= start && start.is_finite() && stop.is_finite()) {
        return None;
    }
    Some(((stop - start) / step + 1e-9).floor() + 1.0)
}

/// The number of grid points, checking each parameter's range; errors are
/// pushed for bad ranges.
fn grid_count(
    spec: &SweepSpec,
    spans: &Spans,
    texts: &Texts<'_>,
    errors: &mut Vec<ScenarioError>,
) -> u64 {
    let mut count: u64 = 1;
    for (key, values) in &spec.parameters {
        let n = match values {
            Values::List(v) => v.len() as f64,
            Values::Range { start, stop, step } => match range_count(*start, *stop, *step) {
                None => {
                    errors.push(texts.at(
                        spans.param(key).as_ref(),
                        format!("`{key}`: a range needs step > 0 and stop >= start"),
                        "{ start = 6.0, stop = 12.0, step = 2.0 }",
                    ));
                    continue;
                }
                Some(n) if n > MAX_RANGE_VALUES as f64 => {
                    errors.push(texts.at(
                        spans.param(key).as_ref(),
                        format!("`{key}`: the range has {n} values, more than {MAX_RANGE_VALUES}"),
                        "use a larger step",
                    ));
                    continue;
                }
                Some(n) => n,
            },
        };
        count = count.saturating_mul(n as u64);
    }
    count
}

fn grid(
    spec: &SweepSpec,
    spans: &Spans,
    texts: &Texts<'_>,
    errors: &mut Vec<ScenarioError>,
) -> (Vec<String>, Vec<Point>, Vec<Vec<Origin>>) {
    // Per parameter: its values as TOML text, each with where it was written.
    type Axis = (String, Vec<(String, Option<Origin>)>);
    let mut axes: Vec<Axis> = Vec::new();
    for (key, values) in &spec.parameters {
        let place = spans.param(key);
        let Some(info) = reference::lookup(key) else {
            let known = reference::known_keys(&[]);
            let hint = reference::did_you_mean(key, known.iter().map(String::as_str)).map_or_else(
                || "`polis params` lists every key".to_string(),
                |b| format!("did you mean `{b}`?"),
            );
            errors.push(texts.at(place.as_ref(), format!("unknown parameter `{key}`"), &hint));
            continue;
        };
        let whole = info.ty.starts_with('u') || info.ty.starts_with('i');
        let list: Vec<(toml::Value, Option<Origin>)> = match values {
            Values::List(v) => v
                .iter()
                .enumerate()
                .map(|(i, x)| (x.clone(), spans.item(key, i)))
                .collect(),
            Values::Range { start, stop, step } => {
                let Some(n) = range_count(*start, *stop, *step) else {
                    continue;
                };
                if whole && (start.fract() != 0.0 || step.fract() != 0.0) {
                    let (field, v) = if start.fract() != 0.0 {
                        ("start", start)
                    } else {
                        ("step", step)
                    };
                    errors.push(texts.at(
                        spans.field(key, field).as_ref(),
                        format!(
                            "`{key}` takes whole numbers, but the range's {field} is {v}: its values would round into duplicate points"
                        ),
                        "give a whole start and step, for example { start = 2000, stop = 10000, step = 2000 }",
                    ));
                    continue;
                }
                (0..n as u64)
                    .map(|k| {
                        let v = start + step * k as f64;
                        // Round away float noise: 0.1 + 0.2 becomes 0.3.
                        let v = (v * 1e9).round() / 1e9;
                        let value = if whole {
                            toml::Value::Integer(v.round() as i64)
                        } else {
                            toml::Value::Float(v)
                        };
                        (value, place.clone())
                    })
                    .collect()
            }
        };
        if list.is_empty() {
            errors.push(texts.at(
                place.as_ref(),
                format!("`{key}` has no values"),
                "give at least one value",
            ));
            continue;
        }
        let mut seen: Vec<f64> = Vec::new();
        let mut seen_text: Vec<String> = Vec::new();
        for (v, origin) in &list {
            if let Err(why) = reference::check_type(&info, v) {
                errors.push(texts.at(
                    origin.as_ref(),
                    format!("`{key}`: {why}"),
                    &reference::range_hint(&info),
                ));
                continue;
            }
            let repeated = match reference::as_number(v) {
                Some(x) => {
                    let r = seen.contains(&x);
                    seen.push(x);
                    r
                }
                None => {
                    let t = toml_text(v);
                    let r = seen_text.contains(&t);
                    seen_text.push(t);
                    r
                }
            };
            if repeated {
                errors.push(texts.at(
                    origin.as_ref(),
                    format!(
                        "`{key}` lists {} twice: the sweep would run the same points twice",
                        toml_text(v)
                    ),
                    "list each value once (use `replicates` to run a point several times)",
                ));
            }
        }
        axes.push((
            key.clone(),
            list.into_iter().map(|(v, o)| (toml_text(&v), o)).collect(),
        ));
    }
    if !errors.is_empty() {
        return (Vec::new(), Vec::new(), Vec::new());
    }
    // Each point's values and where each was written.
    type Partial = (Vec<(String, String)>, Vec<Origin>);
    let mut points: Vec<Partial> = vec![(Vec::new(), Vec::new())];
    for (key, values) in &axes {
        points = points
            .into_iter()
            .flat_map(|(p, o)| {
                values.iter().map(move |(v, origin)| {
                    let (mut q, mut r) = (p.clone(), o.clone());
                    q.push((key.clone(), v.clone()));
                    r.push(origin.clone().unwrap_or(Origin::Sweep(0..0)));
                    (q, r)
                })
            })
            .collect();
    }
    let (points, origins): (Vec<Point>, Vec<Vec<Origin>>) = points
        .into_iter()
        .enumerate()
        .map(|(i, (values, origins))| {
            (
                Point {
                    sample_id: format!("p{:04}", i + 1),
                    values,
                },
                origins,
            )
        })
        .unzip();
    (axes.into_iter().map(|(k, _)| k).collect(), points, origins)
}

/// Reads a design CSV: a `sample_id` column and one column per parameter,
/// one point a line. Every problem names the design's line and column.
fn read_design(
    design: &Path,
    spans: &Spans,
    texts: &mut Texts<'_>,
    errors: &mut Vec<ScenarioError>,
) -> (Vec<String>, Vec<Point>, Vec<Vec<Origin>>) {
    let empty = (Vec::new(), Vec::new(), Vec::new());
    let design_text = match crate::input::read_capped_text(design, crate::input::DESIGN_CAP) {
        Ok(t) => t,
        Err(e) => {
            errors.push(texts.at(
                spans.top("design").as_ref(),
                format!("the design {} {}", design.display(), e.what()),
                match e {
                    crate::input::ReadError::Io { .. } => "the path is relative to the sweep file",
                    _ => e.hint(),
                },
            ));
            return empty;
        }
    };
    texts.design = Some((design.to_path_buf(), design_text.clone()));
    let texts: &Texts<'_> = texts;
    let at = |line: usize, col: usize| Some(Origin::Design { line, col });
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(design_text.as_bytes());
    let mut records = reader.records();
    // Column of field `k` of a record: the bytes of the fields before it
    // and their commas, plus one (exact for fields without quotes).
    let col_of = |rec: &csv::StringRecord, k: usize| rec.range(k).map_or(1, |r| r.start + k + 1);
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            errors.push(texts.at(
                at(1, 1).as_ref(),
                format!("the design's header is not CSV: {e}"),
                "first line: sample_id,table.key,...",
            ));
            return empty;
        }
        None => {
            errors.push(texts.at(
                at(1, 1).as_ref(),
                "the design is empty".into(),
                "first line: sample_id,table.key,..., then one line per point",
            ));
            return empty;
        }
    };
    if header.get(0).map(str::trim) != Some("sample_id") {
        errors.push(texts.at(
            at(1, 1).as_ref(),
            "the design's first column must be `sample_id`".into(),
            "sample_id,table.key,... as written by SALib or the EMA Workbench",
        ));
        return empty;
    }
    let keys: Vec<String> = header
        .iter()
        .skip(1)
        .map(|k| k.trim().to_string())
        .collect();
    for (k, key) in keys.iter().enumerate() {
        let col = col_of(&header, k + 1);
        if keys[..k].contains(key) {
            errors.push(texts.at(
                at(1, col).as_ref(),
                format!("the design's column `{key}` appears twice"),
                "give each parameter one column",
            ));
        } else if reference::lookup(key).is_none() {
            let known = reference::known_keys(&[]);
            let hint = reference::did_you_mean(key, known.iter().map(String::as_str)).map_or_else(
                || "`polis params` lists every key".to_string(),
                |b| format!("did you mean `{b}`?"),
            );
            errors.push(texts.at(
                at(1, col).as_ref(),
                format!("the design's column `{key}` is not a parameter"),
                &hint,
            ));
        }
    }
    if !errors.is_empty() {
        return empty;
    }
    let mut points = Vec::new();
    let mut origins = Vec::new();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(texts.at(
                    at(line.max(1), 1).as_ref(),
                    format!("the design is not CSV: {e}"),
                    "one point a line, values separated by commas",
                ));
                break;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.len() == 1 && record.get(0).is_some_and(|c| c.trim().is_empty()) {
            continue; // a blank line
        }
        if record.len() != header.len() {
            errors.push(texts.at(
                at(line, 1).as_ref(),
                format!(
                    "design line {line} has {} values for {} columns",
                    record.len(),
                    header.len()
                ),
                "every line needs a sample_id and a value per parameter",
            ));
            continue;
        }
        let id = record.get(0).unwrap_or("").trim().to_string();
        if id.is_empty() {
            errors.push(texts.at(
                at(line, 1).as_ref(),
                format!("design line {line} has an empty sample_id"),
                "give every point a sample id",
            ));
        } else if let Some(first) = ids.insert(id.clone(), line) {
            errors.push(texts.at(
                at(line, 1).as_ref(),
                format!("sample_id `{id}` repeats (first on line {first})"),
                "sample ids must be unique",
            ));
        }
        let mut values = Vec::with_capacity(keys.len());
        let mut cells = Vec::with_capacity(keys.len());
        for (k, key) in keys.iter().enumerate() {
            let cell = record.get(k + 1).unwrap_or("").trim().to_string();
            let col = col_of(&record, k + 1);
            if cell.is_empty() {
                errors.push(texts.at(
                    at(line, col).as_ref(),
                    format!("design line {line}: the value of `{key}` is empty"),
                    "every point needs a value of every parameter",
                ));
            }
            cells.push(Origin::Design { line, col });
            values.push((key.clone(), cell));
        }
        let normalised: Vec<String> = values
            .iter()
            .map(|(_, v)| {
                v.parse::<f64>()
                    .map_or_else(|_| v.clone(), |x| format!("{x:e}"))
            })
            .collect();
        if let Some(first) = rows.insert(normalised, id.clone()) {
            errors.push(texts.at(
                at(line, 1).as_ref(),
                format!("design line {line} repeats the values of point `{first}`"),
                "list each point once (use `replicates` to run a point several times)",
            ));
        }
        points.push(Point {
            sample_id: id,
            values,
        });
        origins.push(cells);
    }
    if points.is_empty() && errors.is_empty() {
        errors.push(texts.at(
            at(1, 1).as_ref(),
            "the design has no points".into(),
            "one line per point after the header",
        ));
    }
    (keys, points, origins)
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
