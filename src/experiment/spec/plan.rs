//! Reading a sweep file: its syntax, the shape of `[parameters]`, its
//! settings, and the plan it expands to, each point checked against the
//! base scenario.

use std::path::Path;

use super::design::read_design;
use super::grid::{grid, grid_count};
use super::place::{Spans, Texts, problem, spans};
use super::{MAX_RUNS, Plan, RunSpec, SweepSpec, replicate_seed};
use crate::scenario::{Scenario, ScenarioError, reference};

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
