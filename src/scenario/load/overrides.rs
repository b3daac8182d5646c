//! `--set key=value` overrides: parsing them, checking the key and the
//! value's type, and setting them into the merged scenario.

use std::path::PathBuf;

use super::places::{Place, Places};
use crate::scenario::ScenarioError;
use crate::scenario::reference::{self, TOP_LEVEL_KEYS};

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
pub(super) fn apply_override(
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
pub(super) fn example_key(table: &str) -> String {
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

#[cfg(test)]
mod tests {
    use crate::scenario::load::{load, write};

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
}
