//! Placing a sweep's problems: where each value was written, in the sweep
//! file (a span) or in the design CSV (a line and column).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::scenario::{ScenarioError, line_col};

/// Where a value of a sweep was written: the sweep file (a span) or a cell
/// of the design CSV (line and column).
#[derive(Debug, Clone)]
pub(super) enum Origin {
    Sweep(std::ops::Range<usize>),
    Design { line: usize, col: usize },
}

/// The texts a sweep is read from, to place its problems.
pub(super) struct Texts<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
    pub(super) design: Option<(PathBuf, String)>,
}

impl Texts<'_> {
    pub(super) fn at(&self, origin: Option<&Origin>, message: String, hint: &str) -> ScenarioError {
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

pub(super) fn problem(
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
pub(super) struct Spans {
    pub(super) top: BTreeMap<String, std::ops::Range<usize>>,
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
    pub(super) fn top(&self, key: &str) -> Option<Origin> {
        self.top.get(key).cloned().map(Origin::Sweep)
    }

    pub(super) fn param(&self, key: &str) -> Option<Origin> {
        self.params.get(key).map(|p| Origin::Sweep(p.value.clone()))
    }

    pub(super) fn item(&self, key: &str, i: usize) -> Option<Origin> {
        let p = self.params.get(key)?;
        Some(Origin::Sweep(p.items.get(i).unwrap_or(&p.value).clone()))
    }

    pub(super) fn field(&self, key: &str, field: &str) -> Option<Origin> {
        let p = self.params.get(key)?;
        let span = p
            .fields
            .iter()
            .find(|(f, _)| f == field)
            .map_or(&p.value, |(_, s)| s);
        Some(Origin::Sweep(span.clone()))
    }
}

pub(super) fn spans(doc: &toml::de::DeTable<'_>) -> Spans {
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
