//! The grid of a sweep's `[parameters]`: counting and expanding value
//! lists and ranges, and checking each value.

use super::place::{Origin, Spans, Texts};
use super::{MAX_RANGE_VALUES, Point, SweepSpec, Values};
use crate::scenario::{ScenarioError, reference};

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
pub(super) fn grid_count(
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

pub(super) fn grid(
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
