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

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::scenario::reference::{self, TOP_LEVEL_KEYS};
use crate::scenario::shape;
use crate::scenario::{Event, Problem, Scenario, ScenarioError};

/// Most files an `extends` chain may have.
const MAX_CHAIN: usize = 32;

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

/// A text a value can come from: a file, or one `--set`.
struct Source {
    name: PathBuf,
    text: String,
    /// Whether this is a `--set` (given after the files, so it wins).
    is_override: bool,
}

/// Where a value was written.
#[derive(Debug, Clone)]
struct Place {
    source: usize,
    span: Range<usize>,
}

/// The sources read and the place of every key's value and name.
#[derive(Default)]
struct Places {
    sources: Vec<Source>,
    values: BTreeMap<String, Place>,
    keys: BTreeMap<String, Place>,
}

impl Places {
    fn add_source(&mut self, name: PathBuf, text: String) -> usize {
        self.sources.push(Source {
            name,
            text,
            is_override: false,
        });
        self.sources.len() - 1
    }

    /// The key a problem is shown at: the last of its keys given with a
    /// `--set`, as that is the value just changed; otherwise its own key.
    fn blame(&self, key: Option<&str>, also: &[String]) -> Option<String> {
        key.into_iter()
            .chain(also.iter().map(String::as_str))
            .filter_map(|k| self.values.get(k).map(|p| (k, p.source)))
            .filter(|(_, source)| self.sources[*source].is_override)
            .max_by_key(|(_, source)| *source)
            .map(|(k, _)| k.to_string())
            .or_else(|| key.map(str::to_string))
    }

    /// An error at a span of a source.
    fn error_at(&self, place: &Place, message: String, hint: Option<String>) -> ScenarioError {
        let source = &self.sources[place.source];
        let (line, col) = super::line_col(&source.text, place.span.start);
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
    fn error_for_key(
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
    fn key_at(&self, source: usize, offset: usize) -> Option<String> {
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

/// Reads the file and every file it extends; returns their source indices,
/// the named file first. A cycle or an unreadable file is an error placed at
/// the `extends` that leads to it.
fn read_chain(path: &Path, places: &mut Places) -> Result<Vec<usize>, Vec<ScenarioError>> {
    let mut chain: Vec<usize> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut next = path.to_path_buf();
    let mut via: Option<Place> = None;
    loop {
        let text = match crate::input::read_capped_text(&next, crate::input::TOML_CAP) {
            Ok(t) => t,
            Err(e) => {
                let message = format!("the scenario file {e}");
                let hint = match e {
                    crate::input::ReadError::Io { .. } => {
                        "check the path (an `extends` path is relative to the file that names it)"
                            .to_string()
                    }
                    _ => e.hint().to_string(),
                };
                return Err(vec![match &via {
                    Some(place) => places.error_at(place, message, Some(hint)),
                    None => ScenarioError {
                        path: next,
                        location: None,
                        line_text: None,
                        message,
                        hint: Some(hint),
                    },
                }]);
            }
        };
        let canonical = std::fs::canonicalize(&next).unwrap_or_else(|_| next.clone());
        if let Some(first) = seen.iter().position(|p| *p == canonical) {
            let mut names: Vec<String> = chain[first..]
                .iter()
                .map(|&k| places.sources[k].name.display().to_string())
                .collect();
            names.push(next.display().to_string());
            let place = via.expect("a repeated file is reached through an extends");
            return Err(vec![places.error_at(
                &place,
                format!("`extends` makes a cycle: {}", names.join(" -> ")),
                Some("a scenario cannot extend itself, directly or through others".into()),
            )]);
        }
        if chain.len() >= MAX_CHAIN {
            return Err(vec![ScenarioError {
                path: path.to_path_buf(),
                location: None,
                line_text: None,
                message: format!("the `extends` chain is longer than {MAX_CHAIN} files"),
                hint: Some("flatten the chain".into()),
            }]);
        }
        let k = places.add_source(next.clone(), text);
        chain.push(k);
        seen.push(canonical);
        // Find `extends` (a syntax error is reported later, by check_file).
        let Ok(doc) = DeTable::parse(&places.sources[k].text) else {
            break;
        };
        let Some((_, value)) = doc
            .get_ref()
            .iter()
            .find(|(key, _)| key.get_ref() == "extends")
        else {
            break;
        };
        let place = Place {
            source: k,
            span: value.span(),
        };
        let Some(target) = value.get_ref().as_str() else {
            return Err(vec![places.error_at(
                &place,
                "`extends` must be a string: the path of another scenario".into(),
                Some("for example extends = \"baseline.toml\"".into()),
            )]);
        };
        let base = next.parent().unwrap_or(Path::new(""));
        next = base.join(target);
        via = Some(place);
    }
    Ok(chain)
}

/// Checks one file on its own (syntax, unknown keys, types), records the
/// places of its keys and values, and returns its table.
fn check_file(places: &mut Places, k: usize) -> Result<toml::Table, Vec<ScenarioError>> {
    let text = places.sources[k].text.clone();
    let doc = match DeTable::parse(&text) {
        Ok(doc) => doc,
        Err(e) => return Err(vec![syntax_error(places, k, &e)]),
    };
    record(doc.get_ref(), "", k, places);
    let slips = super::shape::check(doc.get_ref(), &text);
    if !slips.is_empty() {
        return Err(slips
            .into_iter()
            .map(|s| {
                let place = Place {
                    source: k,
                    span: s.span,
                };
                places.error_at(&place, s.message, Some(s.hint))
            })
            .collect());
    }
    // Serde reads what the walk above accepted; any complaint left is
    // still put into words and located.
    if let Err(e) = toml::from_str::<Scenario>(&text) {
        return Err(vec![serde_error(places, k, &e)]);
    }
    toml::from_str::<toml::Table>(&text).map_err(|e| vec![syntax_error(places, k, &e)])
}

fn syntax_error(places: &Places, k: usize, e: &toml::de::Error) -> ScenarioError {
    let span = e.span().unwrap_or(0..0);
    let text = &places.sources[k].text;
    let start = span.start.min(text.len());
    // What follows the error on its line, to name common slips plainly.
    let rest = text[start..]
        .lines()
        .next()
        .unwrap_or("")
        .split('#')
        .next()
        .unwrap_or("")
        .trim();
    let before = text[..start].rsplit('\n').next().unwrap_or("").trim_end();
    let (message, hint) = if rest.is_empty() && before.ends_with('=') {
        (
            "a value is missing after `=`".to_string(),
            "write a value, for example `width = 10`".to_string(),
        )
    } else if rest.contains('%') {
        (
            format!("`{rest}` is not a value: numbers are written without units or % signs"),
            percent_hint(rest),
        )
    } else {
        (
            format!("TOML syntax error: {}", e.message().trim()),
            comma_hint(before, rest).unwrap_or_else(|| {
                "see https://toml.io for the syntax; strings need quotes, tables are [name]"
                    .to_string()
            }),
        )
    };
    places.error_at(&Place { source: k, span }, message, Some(hint))
}

/// "write shares as decimals: 10% is 0.10", with the number written.
fn percent_hint(rest: &str) -> String {
    let number = rest.split('%').next().unwrap_or("").trim().replace('_', "");
    match number.parse::<f64>() {
        Ok(p) if p.is_finite() => {
            let mut share = reference::plain(p / 100.0);
            let decimals = share.split_once('.').map_or(0, |(_, d)| d.len());
            if decimals < 2 {
                share = format!("{:.2}", p / 100.0);
            }
            format!("write shares as decimals: {number}% is {share}")
        }
        _ => "write shares as decimals: 20% is 0.20".to_string(),
    }
}

/// A number with a comma in it (`20,000` or `2,5`): how TOML writes it.
fn comma_hint(before: &str, rest: &str) -> Option<String> {
    let after = rest.strip_prefix(',')?;
    let head: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let tail: String = after.chars().take_while(char::is_ascii_digit).collect();
    if head.is_empty() || tail.is_empty() {
        return None;
    }
    let groups: Vec<&str> = after.split(',').collect();
    if groups
        .iter()
        .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
    {
        let joined = format!("{head}_{}", groups.join("_"));
        Some(format!(
            "TOML groups digits with `_`, not commas: write `{joined}` (or `{}`)",
            joined.replace('_', "")
        ))
    } else {
        Some(format!(
            "a decimal takes a point, not a comma: write `{head}.{tail}`"
        ))
    }
}

/// Records the places of every key and value under `prefix`.
fn record(table: &DeTable<'_>, prefix: &str, source: usize, places: &mut Places) {
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

/// Turns serde's complaint about one file into a located error with a hint.
fn serde_error(places: &Places, k: usize, e: &toml::de::Error) -> ScenarioError {
    let span = e.span().unwrap_or(0..0);
    let place = Place {
        source: k,
        span: span.clone(),
    };
    let message = e.message().trim().to_string();
    let key = places.key_at(k, span.start);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let unknown = rest.split('`').next().unwrap_or("");
        let candidates: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let table = key
            .as_deref()
            .and_then(|k| k.rsplit_once('.').map(|(t, _)| strip_index(t)));
        return places.error_at(
            &place,
            shape::unknown_key_message(unknown, table.as_deref()),
            Some(shape::unknown_key_hint(
                unknown,
                table.as_deref(),
                &candidates,
            )),
        );
    }
    let info = key
        .as_deref()
        .and_then(|k| reference::lookup(&strip_index(k)));
    let hint = match (&key, info) {
        (_, Some(info)) => reference::range_hint(&info),
        (Some(k), None) if k.starts_with("sectors") => {
            "sectors are tables: [sectors.services] with budget_share = 0.6, firm_share = 0.7 (see `polis params`)".into()
        }
        (Some(k), None) if k.starts_with("events") => {
            "an event is [[events]] with `month = N` and `set = { \"table.key\" = value }`".into()
        }
        _ => "`polis params` lists every key with its type and range".into(),
    };
    let what = key
        .as_deref()
        .map(|k| format!("{}: ", human_key(k)))
        .unwrap_or_default();
    // Serde speaks of Rust types ("expected u32", "found map"); say what the
    // key takes and what was written, in TOML's words.
    let written = written_kind(&places.sources[k].text, span.start);
    let plain = ["invalid type: ", "invalid value: "]
        .iter()
        .find_map(|prefix| {
            let rest = message.strip_prefix(prefix)?;
            let found = rest.split(", expected").next()?;
            let expected = match info {
                Some(info) if found.starts_with("integer `-") && info.ty.starts_with('u') => {
                    "a whole number of 0 or more".to_string()
                }
                Some(info) => reference::type_name(info.ty).to_string(),
                None => rest
                    .split(", expected ")
                    .nth(1)
                    .unwrap_or("another kind of value")
                    .replace("struct SectorParams", "a [sectors.NAME] table")
                    .replace("a map", "a table"),
            };
            let found = written.map(str::to_string).unwrap_or_else(|| {
                found
                    .replace("floating point", "the number")
                    .replace("sequence", "an array")
                    .replace("map", "a table")
            });
            Some(format!("{what}expected {expected}, found {found}"))
        });
    places.error_at(
        &place,
        plain.unwrap_or_else(|| format!("{what}{message}")),
        Some(hint),
    )
}

/// What kind of TOML value starts at `offset`, when serde's name for it
/// would mislead (a date is a "map" to serde).
fn written_kind(text: &str, offset: usize) -> Option<&'static str> {
    let rest = text.get(offset..)?.trim_start();
    let first = rest.chars().next()?;
    if first == '[' {
        Some("an array")
    } else if first == '{' {
        Some("an inline table")
    } else if first.is_ascii_digit()
        && rest.len() >= 10
        && rest.as_bytes().get(4) == Some(&b'-')
        && rest.as_bytes().get(7) == Some(&b'-')
    {
        Some("a date")
    } else {
        None
    }
}

/// A dotted key as a person reads it: `events[0].month` is "event 1's
/// `month`" (events are counted from 1, as everywhere else).
fn human_key(key: &str) -> String {
    if let Some(rest) = key.strip_prefix("events[")
        && let Some((index, tail)) = rest.split_once(']')
        && let Ok(i) = index.parse::<usize>()
    {
        let tail = tail.trim_start_matches('.');
        return if tail.is_empty() {
            format!("event {}", i + 1)
        } else {
            format!("event {}'s `{tail}`", i + 1)
        };
    }
    format!("`{key}`")
}

fn strip_index(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut skip = false;
    for c in key.chars() {
        match c {
            '[' => skip = true,
            ']' => skip = false,
            _ if !skip => out.push(c),
            _ => {}
        }
    }
    out
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

/// Sets `value` at a dotted `key`, creating tables on the way.
pub fn set_path(table: &mut toml::Table, key: &str, value: toml::Value) {
    let mut parts = key.split('.').peekable();
    let mut current = table;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            current.insert(part.to_string(), value);
            return;
        }
        let entry = current
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !entry.is_table() {
            *entry = toml::Value::Table(toml::Table::new());
        }
        current = entry.as_table_mut().expect("made a table above");
    }
}

/// Parses a command-line value as TOML; a bare word is taken as a string.
fn parse_value(text: &str) -> Option<toml::Value> {
    let doc = format!("v = {text}");
    match toml::from_str::<toml::Table>(&doc) {
        Ok(mut t) => t.remove("v"),
        Err(_) if !text.is_empty() && !text.contains(['"', '\'', '[', '{', '\n']) => {
            Some(toml::Value::String(text.to_string()))
        }
        Err(_) => None,
    }
}

/// Applies one `key=value` override, checking the key and the value's type.
fn apply_override(
    merged: &mut toml::Table,
    places: &mut Places,
    text: &str,
) -> Result<(), ScenarioError> {
    if let Some(e) = control_character(text) {
        return Err(e);
    }
    let k = places.add_source(PathBuf::from("--set"), text.to_string());
    places.sources[k].is_override = true;
    let Some((key, value_text)) = text.split_once('=') else {
        return Err(places.error_at(
            &Place {
                source: k,
                span: 0..text.len(),
            },
            format!("`--set {text}` has no `=`"),
            Some("write --set table.key=value, for example --set city.width=12".into()),
        ));
    };
    let (key, value_text) = (key.trim(), value_text.trim());
    let value_start = text.len() - text[text.find('=').unwrap_or(0) + 1..].trim_start().len();
    let key_place = Place {
        source: k,
        span: 0..key.len(),
    };
    let value_place = Place {
        source: k,
        span: value_start..text.len(),
    };
    let sectors: Vec<String> = merged
        .get("sectors")
        .and_then(|s| s.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_else(|| {
            crate::scenario::params::default_sectors()
                .into_keys()
                .collect()
        });
    if let Some((message, hint)) = not_settable(key) {
        return Err(places.error_at(&key_place, message, Some(hint)));
    }
    let info = if TOP_LEVEL_KEYS[..2].contains(&key) {
        None
    } else {
        reference::lookup(key)
    };
    if info.is_none() && !TOP_LEVEL_KEYS[..2].contains(&key) {
        let known = reference::known_keys(&sectors);
        let hint = match reference::did_you_mean(key, known.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`?"),
            None => "`polis params` lists every key".into(),
        };
        return Err(places.error_at(&key_place, format!("unknown key `{key}`"), Some(hint)));
    }
    let Some(value) = parse_value(value_text) else {
        return Err(places.error_at(
            &value_place,
            format!("`{value_text}` is not a TOML value"),
            Some("numbers as 12 or 2.5, booleans as true, strings in quotes".into()),
        ));
    };
    if info.is_none() && !value.is_str() {
        return Err(places.error_at(
            &value_place,
            format!(
                "`{key}` must be a string, found {}",
                reference::describe(&value)
            ),
            Some(format!("for example --set {key}=\"my city\"")),
        ));
    }
    if let Some(info) = info
        && let Err(why) = reference::check_type(&info, &value)
    {
        return Err(places.error_at(
            &value_place,
            format!("`{key}`: {why}"),
            Some(reference::range_hint(&info)),
        ));
    }
    set_path(merged, key, value);
    places.values.insert(key.to_string(), value_place);
    Ok(())
}

/// A `--set` holding a newline, tab or other control character: refused
/// whole, as TOML would read only part of it and drop the rest unseen.
fn control_character(text: &str) -> Option<ScenarioError> {
    let (at, c) = text.char_indices().find(|(_, c)| c.is_control())?;
    let escape = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let shown = escape(text);
    let column = escape(&text[..at]).chars().count() + 1;
    let name = match c {
        '\n' => "a newline".to_string(),
        '\r' => "a carriage return".to_string(),
        '\t' => "a tab".to_string(),
        c => format!("the control character U+{:04X}", c as u32),
    };
    Some(ScenarioError {
        path: PathBuf::from("--set"),
        location: Some((1, column)),
        line_text: Some(shown.clone()),
        message: format!("`--set {shown}` holds {name}, which a --set may not"),
        hint: Some(
            "give one key=value a --set, on one line, without control characters (a string value goes in quotes)"
                .into(),
        ),
    })
}

/// Why a key cannot be given with `--set` (a table, events, extends), if so.
fn not_settable(key: &str) -> Option<(String, String)> {
    if key == "events" || key == "extends" {
        return Some((
            format!("`{key}` cannot be given with --set"),
            format!("write `{key}` in the scenario file"),
        ));
    }
    if reference::names_table(key) {
        return Some((
            format!("`{key}` is a table, and --set sets one of its keys at a time"),
            format!(
                "write --set {key}.KEY=VALUE once a key (for example --set {}); `polis params` lists the keys",
                example_key(key)
            ),
        ));
    }
    None
}

/// A key of the table `table`, with its default, for an example.
fn example_key(table: &str) -> String {
    let rows = if table.starts_with("sectors") {
        Some(crate::scenario::params::SectorParams::REFERENCE)
    } else {
        reference::tables()
            .into_iter()
            .find(|(t, _)| *t == table)
            .map(|(_, rows)| rows)
    };
    let table = if table == "sectors" {
        "sectors.services"
    } else if table == "platforms" {
        "platforms.imp"
    } else {
        table
    };
    match rows.and_then(|r| r.first()) {
        Some(row) => format!("{table}.{}={}", row.key, row.default.replace('_', "")),
        None => format!("{table}.enabled=true"),
    }
}

/// Problems with event `i`: its month, its keys, their types and ranges,
/// and the scenario that results once it (and the events before it) apply.
pub fn event_problems(s: &Scenario, i: usize, e: &Event) -> Vec<Problem> {
    let mut out = Vec::new();
    let at = |suffix: &str| Some(format!("events[{i}].{suffix}"));
    let months = s.simulation.months;
    if e.month == 0 || e.month > months {
        out.push(Problem {
            also: Vec::new(),
            key: at("month"),
            message: format!(
                "event {} is in month {}, outside the run's months 1 to {months}",
                i + 1,
                e.month
            ),
            hint: "set `month` within `simulation.months`, or lengthen the run".into(),
        });
    }
    if e.set.is_empty() && e.cut.is_none() {
        out.push(Problem {
            also: Vec::new(),
            key: at("set"),
            message: format!("event {} changes nothing", i + 1),
            hint: "give it `set = { \"table.key\" = value }` or `cut = { sector = \"NAME\", share = 0.2 }`".into(),
        });
    }
    if let Some(cut) = &e.cut {
        if !s.sectors.contains_key(&cut.sector) {
            let names = s.sector_names();
            let hint = match reference::did_you_mean(&cut.sector, names.iter().map(String::as_str))
            {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("the sectors are: {}", names.join(", ")),
            };
            out.push(Problem {
                also: Vec::new(),
                key: at("cut.sector"),
                message: format!("event {} cuts unknown sector `{}`", i + 1, cut.sector),
                hint,
            });
        }
        if !(cut.share > 0.0 && cut.share <= 1.0) {
            out.push(Problem {
                also: Vec::new(),
                key: at("cut.share"),
                message: format!(
                    "event {} cuts a share of {} of the sector's firms",
                    i + 1,
                    cut.share
                ),
                hint: "`share` is a share of firms, above 0 and at most 1".into(),
            });
        }
    }
    let sectors = s.sector_names();
    for (key, value) in &e.set {
        let place = at(&format!("set.{key}"));
        let Some(info) = reference::lookup(key).filter(|_| {
            !key.starts_with("sectors.")
                || sectors
                    .iter()
                    .any(|n| key.starts_with(&format!("sectors.{n}.")))
        }) else {
            let known = reference::known_keys(&sectors);
            // `income_tax` for `government.income_tax`: match the last part first.
            let by_suffix: Vec<&String> = known
                .iter()
                .filter(|k| k.rsplit('.').next() == Some(key.as_str()))
                .collect();
            let hint = if !by_suffix.is_empty() {
                format!("keys in `set` are dotted: did you mean `{}`?", by_suffix[0])
            } else if let Some(sector) = key
                .strip_prefix("sectors.")
                .and_then(|k| k.split('.').next())
                .filter(|n| !sectors.iter().any(|s| s == n))
            {
                format!(
                    "there is no sector `{sector}`; the sectors are: {}",
                    sectors.join(", ")
                )
            } else {
                match reference::did_you_mean(key, known.iter().map(String::as_str)) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "`polis params` lists every key".into(),
                }
            };
            let (message, hint) = if reference::names_table(key) {
                (
                    format!(
                        "event {} sets `{key}`, which is a table, not one parameter",
                        i + 1
                    ),
                    format!(
                        "set one key of it at a time, for example set = {{ \"{}\" }}",
                        example_key(key).replace('=', "\" = ")
                    ),
                )
            } else {
                (format!("event {} sets unknown key `{key}`", i + 1), hint)
            };
            out.push(Problem {
                also: Vec::new(),
                key: place,
                message,
                hint,
            });
            continue;
        };
        if reference::is_setup_only(key) {
            out.push(Problem {
                also: Vec::new(),
                key: place,
                message: format!(
                    "`{key}` is fixed when the city is built; event {} cannot change it",
                    i + 1
                ),
                hint: "set it in the scenario's tables instead".into(),
            });
            continue;
        }
        if let Err(why) = reference::check_type(&info, value) {
            out.push(Problem {
                also: Vec::new(),
                key: place,
                message: format!("`{key}`: {why}"),
                hint: reference::range_hint(&info),
            });
            continue;
        }
        if let Some(v) = reference::as_number(value)
            && !(v >= info.min && v <= info.max)
        {
            out.push(Problem {
                also: Vec::new(),
                key: place,
                message: reference::out_of_range(key, v),
                hint: reference::range_hint(&info),
            });
        }
    }
    if out.is_empty() {
        // The scenario as it stands after this event and every earlier one.
        let mut after = s.clone();
        after.events.clear();
        let mut earlier: Vec<&Event> = s.events.iter().filter(|x| x.month <= e.month).collect();
        earlier.sort_by_key(|x| x.month);
        for x in earlier {
            if let Err(why) = after.apply_settings(&x.set) {
                out.push(Problem {
                    also: Vec::new(),
                    key: at("set"),
                    message: format!("event {} cannot apply: {why}", i + 1),
                    hint: String::new(),
                });
                return out;
            }
        }
        // A problem the scenario has before any event is not this event's.
        let mut before = s.clone();
        before.events.clear();
        let known: Vec<String> = before
            .validate_values()
            .into_iter()
            .map(|p| p.message)
            .collect();
        for p in after
            .validate_values()
            .into_iter()
            .filter(|p| !known.contains(&p.message))
        {
            out.push(Problem {
                also: Vec::new(),
                key: at("set"),
                message: format!("after event {} (month {}): {}", i + 1, e.month, p.message),
                hint: p.hint,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn extends_chain_merges_base_first() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", "[city]\nwidth = 7\nheight = 7\n");
        write(
            dir.path(),
            "b.toml",
            "extends = \"a.toml\"\n[city]\nwidth = 8\n",
        );
        let c = write(
            dir.path(),
            "c.toml",
            "extends = \"b.toml\"\n[simulation]\nresidents = 5000\n",
        );
        let loaded = load(&c, &[]).unwrap();
        assert_eq!(
            (loaded.scenario.city.width, loaded.scenario.city.height),
            (8, 7)
        );
        assert_eq!(loaded.scenario.simulation.residents, 5000);
        assert_eq!(loaded.files.len(), 3);
    }

    #[test]
    fn extends_cycle_names_the_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", "extends = \"b.toml\"\n");
        let b = write(dir.path(), "b.toml", "extends = \"a.toml\"\n");
        let err = load(&b, &[]).unwrap_err();
        let text = err[0].to_string();
        assert!(
            text.contains("cycle") && text.contains("a.toml") && text.contains("b.toml"),
            "{text}"
        );
        assert_eq!(err[0].location, Some((1, 11)), "{text}");
    }

    #[test]
    fn problems_in_a_base_point_into_the_base() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", "[city]\nzone_km = -3.0\n");
        let b = write(dir.path(), "b.toml", "extends = \"a.toml\"\n");
        let err = load(&b, &[]).unwrap_err();
        assert!(err[0].path.ends_with("a.toml"), "{}", err[0]);
        assert_eq!(err[0].location, Some((2, 11)), "{}", err[0]);
    }

    #[test]
    fn overrides_are_checked_and_applied() {
        let dir = tempfile::tempdir().unwrap();
        let a = write(dir.path(), "a.toml", "");
        let ok = load(
            &a,
            &[
                "city.width=12".into(),
                "entrepreneurship.startup_cost_months=2".into(),
            ],
        )
        .unwrap();
        assert_eq!(ok.scenario.city.width, 12);
        assert_eq!(ok.scenario.entrepreneurship.startup_cost_months, 2.0);
        let err = load(&a, &["city.widht=12".into()]).unwrap_err();
        assert!(
            err[0].to_string().contains("did you mean `city.width`"),
            "{}",
            err[0]
        );
        let err = load(&a, &["city.width=wide".into()]).unwrap_err();
        assert!(err[0].to_string().contains("whole number"), "{}", err[0]);
        let err = load(&a, &["city.zone_km=-1".into()]).unwrap_err();
        assert!(err[0].to_string().contains("--set"), "{}", err[0]);
    }

    #[test]
    fn events_are_validated_at_load_time() {
        let path = Path::new("e.toml");
        let ok =
            "[[events]]\nmonth = 12\nset = { \"entrepreneurship.startup_cost_months\" = 6.0 }\n";
        assert!(from_text(ok, path, &[]).is_ok());
        let late = "[simulation]\nmonths = 24\n[[events]]\nmonth = 36\nset = { \"city.speed_kmh\" = 25.0 }\n";
        let err = from_text(late, path, &[]).unwrap_err();
        assert_eq!(err[0].location, Some((4, 9)), "{}", err[0]);
        let typo = "[[events]]\nmonth = 2\nset = { \"city.sped_kmh\" = 25.0 }\n";
        let err = from_text(typo, path, &[]).unwrap_err();
        assert!(
            err[0].to_string().contains("did you mean `city.speed_kmh`"),
            "{}",
            err[0]
        );
        let setup = "[[events]]\nmonth = 2\nset = { \"city.width\" = 12 }\n";
        assert!(
            from_text(setup, path, &[]).unwrap_err()[0]
                .message
                .contains("fixed when the city is built")
        );
        let dotted = "[[events]]\nmonth = 2\nset = { city.speed_kmh = 25.0 }\n";
        let loaded = from_text(dotted, path, &[]).expect("unquoted dotted keys mean the same");
        assert!(loaded.scenario.events[0].set.contains_key("city.speed_kmh"));
        let range = "[[events]]\nmonth = 2\nset = { \"government.income_tax\" = 2.0 }\n";
        assert!(
            from_text(range, path, &[]).unwrap_err()[0]
                .message
                .contains("out of range")
        );
    }
}
