//! Putting TOML's and serde's complaints about one file into plain words,
//! with a hint, at the place they concern.

use super::places::{Place, Places};
use crate::scenario::reference;
use crate::scenario::{ScenarioError, shape};

pub(super) fn syntax_error(places: &Places, k: usize, e: &toml::de::Error) -> ScenarioError {
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

/// Turns serde's complaint about one file into a located error with a hint.
pub(super) fn serde_error(places: &Places, k: usize, e: &toml::de::Error) -> ScenarioError {
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
                Some(info) => reference::kind_name(&info),
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
