//! Where each value of a scenario was written: the texts read (files and
//! `--set`s), the span of every key and value in them, and errors placed at
//! those spans.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::scenario::ScenarioError;

/// A text a value can come from: a file, or one `--set`.
pub(super) struct Source {
    pub(super) name: PathBuf,
    pub(super) text: String,
    /// Whether this is a `--set` (given after the files, so it wins).
    pub(super) is_override: bool,
}

/// Where a value was written.
#[derive(Debug, Clone)]
pub(super) struct Place {
    pub(super) source: usize,
    pub(super) span: Range<usize>,
}

/// The sources read and the place of every key's value and name.
#[derive(Default)]
pub(super) struct Places {
    pub(super) sources: Vec<Source>,
    pub(super) values: BTreeMap<String, Place>,
    pub(super) keys: BTreeMap<String, Place>,
}

impl Places {
    pub(super) fn add_source(&mut self, name: PathBuf, text: String) -> usize {
        self.sources.push(Source {
            name,
            text,
            is_override: false,
        });
        self.sources.len() - 1
    }

    /// The key a problem is shown at: the last of its keys given with a
    /// `--set`, as that is the value just changed; otherwise its own key.
    pub(super) fn blame(&self, key: Option<&str>, also: &[String]) -> Option<String> {
        key.into_iter()
            .chain(also.iter().map(String::as_str))
            .filter_map(|k| self.values.get(k).map(|p| (k, p.source)))
            .filter(|(_, source)| self.sources[*source].is_override)
            .max_by_key(|(_, source)| *source)
            .map(|(k, _)| k.to_string())
            .or_else(|| key.map(str::to_string))
    }

    /// An error at a span of a source.
    pub(super) fn error_at(
        &self,
        place: &Place,
        message: String,
        hint: Option<String>,
    ) -> ScenarioError {
        let source = &self.sources[place.source];
        let (line, col) = crate::scenario::line_col(&source.text, place.span.start);
        ScenarioError {
            path: source.name.clone(),
            location: Some((line, col)),
            line_text: source.text.lines().nth(line - 1).map(str::to_string),
            message,
            hint,
        }
    }

    /// An error at the value of `key`, or at the closest enclosing table
    /// that was written, or at the named file.
    pub(super) fn error_for_key(
        &self,
        key: Option<&str>,
        file: &Path,
        message: String,
        hint: String,
    ) -> ScenarioError {
        let mut k = key.map(str::to_string);
        while let Some(current) = k {
            if let Some(place) = self.values.get(&current) {
                return self.error_at(place, message, Some(hint));
            }
            k = current.rsplit_once('.').map(|(head, _)| head.to_string());
        }
        ScenarioError {
            path: file.to_path_buf(),
            location: None,
            line_text: None,
            message,
            hint: Some(hint),
        }
    }

    /// The dotted key whose value (or name) span contains `offset` in `source`.
    pub(super) fn key_at(&self, source: usize, offset: usize) -> Option<String> {
        let inside = |p: &Place| {
            p.source == source
                && p.span.start <= offset
                && offset < p.span.end.max(p.span.start + 1)
        };
        // The innermost (shortest span) match wins.
        self.keys
            .iter()
            .chain(self.values.iter())
            .filter(|(_, p)| inside(p))
            .min_by_key(|(_, p)| p.span.end - p.span.start)
            .map(|(k, _)| k.clone())
    }
}

/// Records the places of every key and value under `prefix`.
pub(super) fn record(table: &DeTable<'_>, prefix: &str, source: usize, places: &mut Places) {
    for (key, value) in table.iter() {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        places.keys.insert(
            path.clone(),
            Place {
                source,
                span: key.span(),
            },
        );
        places.values.insert(
            path.clone(),
            Place {
                source,
                span: value.span(),
            },
        );
        match value.get_ref() {
            DeValue::Table(t) => record(t, &path, source, places),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    places.values.insert(
                        item_path.clone(),
                        Place {
                            source,
                            span: item.span(),
                        },
                    );
                    if let DeValue::Table(t) = item.get_ref() {
                        record(t, &item_path, source, places);
                    }
                }
            }
            _ => {}
        }
    }
}
