//! The shape of one scenario file, checked over its parsed TOML before serde
//! reads it: which keys hold tables, which hold values, and of what type.
//!
//! Serde alone would read an array where a table belongs field by field in
//! order (`city = [1, 2, 3]` as width 1, height 2, zone_km 3), stop at the
//! first mistake and speak of Rust types. This walk refuses every value of
//! the wrong shape, reports every unknown key and wrong type of a file at
//! once, in words, at the place each was written, in line order.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::scenario::params::{IlpParams, ImpParams, ParamInfo, SectorParams};
use crate::scenario::reference::{self, TOP_LEVEL_KEYS};

/// A mistake in a file's shape, at a span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Slip {
    /// Where the mistake was written.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

/// The keys an event takes.
const EVENT_KEYS: [&str; 4] = ["month", "note", "set", "cut"];

/// The keys an event's `cut` takes.
const CUT_KEYS: [&str; 2] = ["sector", "share"];

/// Every slip of a parsed file, in the order they were written. `text` is
/// the file's text (to name the place of a key written twice).
pub fn check(doc: &DeTable<'_>, text: &str) -> Vec<Slip> {
    let mut out = Vec::new();
    for (key, value) in doc.iter() {
        let name = key.get_ref().as_ref();
        match name {
            "name" | "description" | "extends" => top_string(name, value, &mut out),
            "events" => events(value, text, &mut out),
            "sectors" => sectors(value, &mut out),
            "platforms" => platforms(value, &mut out),
            _ => match table_rows(name) {
                Some(rows) => params(name, rows, value, &mut out),
                None => out.push(unknown_top_level(name, key.span())),
            },
        }
    }
    out.sort_by_key(|s| (s.span.start, s.span.end));
    out
}

/// The reference rows of a top-level parameter table.
fn table_rows(name: &str) -> Option<&'static [ParamInfo]> {
    reference::tables()
        .into_iter()
        .find(|(table, _)| *table == name && !table.contains('.'))
        .map(|(_, rows)| rows)
}

fn unknown_top_level(name: &str, span: Range<usize>) -> Slip {
    let mut candidates: Vec<&str> = TOP_LEVEL_KEYS.to_vec();
    candidates.extend(
        reference::tables()
            .into_iter()
            .map(|(t, _)| t.split('.').next().unwrap_or(t)),
    );
    candidates.dedup();
    Slip {
        span,
        message: unknown_key_message(name, None),
        hint: unknown_key_hint(name, None, &candidates),
    }
}

fn top_string(name: &str, value: &Spanned<DeValue<'_>>, out: &mut Vec<Slip>) {
    if !value.get_ref().is_str() {
        out.push(Slip {
            span: value.span(),
            message: format!("`{name}` must be a string, found {}", kind(value.get_ref())),
            hint: format!("write it in quotes, for example {name} = \"...\""),
        });
    }
}

/// A value where a table belongs: never read as the table's keys in order.
fn not_a_table(what: &str, value: &DeValue<'_>, span: Range<usize>, hint: String) -> Slip {
    Slip {
        span,
        message: format!("{what} must be a table, found {}", kind(value)),
        hint,
    }
}

fn table_hint(table: &str) -> String {
    let example = reference::tables()
        .into_iter()
        .find(|(t, _)| *t == table || (t.starts_with("sectors") && table.starts_with("sectors")))
        .and_then(|(_, rows)| rows.first())
        .map_or("key".to_string(), |r| r.key.to_string());
    format!(
        "write [{table}] on a line of its own with `key = value` lines below it, or `{table} = {{ {example} = ... }}`; the values of a table are never taken in order"
    )
}

/// A parameter table: its keys must be known and their values of their type.
fn params(name: &str, rows: &[ParamInfo], value: &Spanned<DeValue<'_>>, out: &mut Vec<Slip>) {
    let DeValue::Table(table) = value.get_ref() else {
        out.push(not_a_table(
            &format!("`{name}`"),
            value.get_ref(),
            value.span(),
            table_hint(name),
        ));
        return;
    };
    let keys: Vec<&str> = rows.iter().map(|r| r.key).collect();
    for (key, v) in table.iter() {
        let field = key.get_ref().as_ref();
        let Some(info) = rows.iter().find(|r| r.key == field) else {
            out.push(Slip {
                span: key.span(),
                message: unknown_key_message(field, Some(name)),
                hint: unknown_key_hint(field, Some(name), &keys),
            });
            continue;
        };
        if let Some(slip) = typed(&format!("{name}.{field}"), info, v) {
            out.push(slip);
        }
    }
}

/// A value's type against its parameter's; `None` when it fits.
fn typed(key: &str, info: &ParamInfo, value: &Spanned<DeValue<'_>>) -> Option<Slip> {
    let hint = reference::range_hint(info);
    let Some(scalar) = scalar(value.get_ref()) else {
        return Some(Slip {
            span: value.span(),
            message: format!(
                "`{key}`: expected {}, found {}",
                reference::kind_with_range(info),
                kind(value.get_ref())
            ),
            hint,
        });
    };
    if let (true, toml::Value::Integer(i)) = (info.ty.starts_with('u'), &scalar) {
        let fits = *i >= 0 && (info.ty == "u64" || *i <= u32::MAX as i64);
        if !fits {
            return Some(Slip {
                span: value.span(),
                message: reference::out_of_range(key, *i as f64),
                hint,
            });
        }
    }
    if let (DeValue::Integer(i), "u32" | "u64" | "i64") = (value.get_ref(), info.ty)
        && !matches!(scalar, toml::Value::Integer(_))
    {
        // Too large even for TOML's 64 bits: out of range, not a wrong type.
        return Some(Slip {
            span: value.span(),
            message: format!("`{key}` = {} is out of range", i.as_str()),
            hint,
        });
    }
    let why = reference::check_type(info, &scalar).err()?;
    let hint = match (&scalar, info.ty) {
        (toml::Value::Float(f), "u32" | "u64" | "i64") if f.fract() == 0.0 => {
            format!("write it without a decimal point: {f}; {hint}")
        }
        _ => hint,
    };
    Some(Slip {
        span: value.span(),
        message: format!("`{key}`: {why}"),
        hint,
    })
}

/// A scalar as a `toml::Value`; `None` for arrays and tables. An integer
/// beyond 64 bits becomes a string, which no parameter takes.
fn scalar(value: &DeValue<'_>) -> Option<toml::Value> {
    Some(match value {
        DeValue::String(s) => toml::Value::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(toml::Value::Integer)
            .unwrap_or_else(|_| toml::Value::String(i.as_str().to_string())),
        DeValue::Float(f) => toml::Value::Float(
            f.as_str()
                .replace('_', "")
                .parse::<f64>()
                .unwrap_or(f64::NAN),
        ),
        DeValue::Boolean(b) => toml::Value::Boolean(*b),
        DeValue::Datetime(d) => toml::Value::Datetime(*d),
        DeValue::Array(_) | DeValue::Table(_) => return None,
    })
}

/// What a value is, in TOML's words.
pub fn kind(value: &DeValue<'_>) -> String {
    match value {
        DeValue::Array(_) => "an array".into(),
        DeValue::Table(_) => "a table".into(),
        other => scalar(other).map_or("a value".into(), |v| reference::describe(&v)),
    }
}

fn platforms(value: &Spanned<DeValue<'_>>, out: &mut Vec<Slip>) {
    let DeValue::Table(table) = value.get_ref() else {
        out.push(not_a_table(
            "`platforms`",
            value.get_ref(),
            value.span(),
            "write the platforms as [platforms.imp] and [platforms.ilp] tables".into(),
        ));
        return;
    };
    for (key, v) in table.iter() {
        match key.get_ref().as_ref() {
            "imp" => params("platforms.imp", ImpParams::REFERENCE, v, out),
            "ilp" => params("platforms.ilp", IlpParams::REFERENCE, v, out),
            other => out.push(Slip {
                span: key.span(),
                message: unknown_key_message(other, Some("platforms")),
                hint: unknown_key_hint(other, Some("platforms"), &["imp", "ilp"]),
            }),
        }
    }
}

fn sectors(value: &Spanned<DeValue<'_>>, out: &mut Vec<Slip>) {
    let hint = "sectors are tables: [sectors.services] with budget_share = 0.6, firm_share = 0.7 (see `polis params`)";
    let DeValue::Table(table) = value.get_ref() else {
        out.push(not_a_table(
            "`sectors`",
            value.get_ref(),
            value.span(),
            hint.into(),
        ));
        return;
    };
    for (key, v) in table.iter() {
        let name = format!("sectors.{}", key.get_ref());
        if v.get_ref().is_table() {
            params(&name, SectorParams::REFERENCE, v, out);
        } else {
            out.push(not_a_table(
                &format!("`{name}`"),
                v.get_ref(),
                v.span(),
                format!("write [{name}] with its keys below it; {hint}"),
            ));
        }
    }
}

fn events(value: &Spanned<DeValue<'_>>, text: &str, out: &mut Vec<Slip>) {
    let hint = "an event is [[events]] (double brackets) with `month = N` and `set = { \"table.key\" = value }`; write `[[events]]` above each one";
    let items = match value.get_ref() {
        DeValue::Array(items) => items,
        DeValue::Table(_) => {
            out.push(Slip {
                span: value.span(),
                message: "`events` is written as one table, but events are a list".into(),
                hint: hint.into(),
            });
            return;
        }
        other => {
            out.push(Slip {
                span: value.span(),
                message: format!("`events` must be a list of events, found {}", kind(other)),
                hint: hint.into(),
            });
            return;
        }
    };
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        match item.get_ref() {
            DeValue::Table(event) => one_event(n, event, item.span(), text, out),
            other => out.push(not_a_table(
                &format!("event {n}"),
                other,
                item.span(),
                hint.into(),
            )),
        }
    }
}

fn one_event(n: usize, event: &DeTable<'_>, span: Range<usize>, text: &str, out: &mut Vec<Slip>) {
    let month_hint = "`month` is the month of the run at whose start the event applies: a whole number from 1 to `simulation.months`";
    if !event.iter().any(|(k, _)| k.get_ref() == "month") {
        out.push(Slip {
            span,
            message: format!("event {n} has no `month`"),
            hint: month_hint.into(),
        });
    }
    for (key, v) in event.iter() {
        let field = key.get_ref().as_ref();
        let value = v.get_ref();
        match field {
            "month" => {
                let whole = scalar(value).and_then(|s| s.as_integer());
                if whole.is_none_or(|m| m < 0 || m > u32::MAX as i64) {
                    let found = match whole {
                        Some(m) => format!("the whole number {m}"),
                        None => kind(value),
                    };
                    out.push(Slip {
                        span: v.span(),
                        message: format!(
                            "event {n}: `month` expected a whole number from 1, found {found}"
                        ),
                        hint: month_hint.into(),
                    });
                }
            }
            "note" if !value.is_str() => out.push(Slip {
                span: v.span(),
                message: format!("event {n}: `note` must be a string, found {}", kind(value)),
                hint: "write the note in quotes, for example note = \"tax cut\"".into(),
            }),
            "note" => {}
            "set" => match value {
                DeValue::Table(set) => repeated_keys(n, set, text, out),
                other => out.push(not_a_table(
                    &format!("event {n}: `set`"),
                    other,
                    v.span(),
                    "write set = { \"table.key\" = value, ... }".into(),
                )),
            },
            "cut" => cut(n, v, out),
            other => out.push(Slip {
                span: key.span(),
                message: format!("unknown key `{other}` in event {n}"),
                hint: unknown_key_hint(other, Some("events"), &EVENT_KEYS),
            }),
        }
    }
}

fn cut(n: usize, value: &Spanned<DeValue<'_>>, out: &mut Vec<Slip>) {
    let hint = "write cut = { sector = \"NAME\", share = 0.2 }";
    let DeValue::Table(cut) = value.get_ref() else {
        out.push(not_a_table(
            &format!("event {n}: `cut`"),
            value.get_ref(),
            value.span(),
            hint.into(),
        ));
        return;
    };
    for want in CUT_KEYS {
        if !cut.iter().any(|(k, _)| k.get_ref() == want) {
            out.push(Slip {
                span: value.span(),
                message: format!("event {n}: `cut` has no `{want}`"),
                hint: hint.into(),
            });
        }
    }
    for (key, v) in cut.iter() {
        let field = key.get_ref().as_ref();
        let fits = match field {
            "sector" => v.get_ref().is_str(),
            "share" => matches!(v.get_ref(), DeValue::Float(_) | DeValue::Integer(_)),
            other => {
                out.push(Slip {
                    span: key.span(),
                    message: format!("unknown key `{other}` in event {n}'s `cut`"),
                    hint: unknown_key_hint(other, Some("cut"), &CUT_KEYS),
                });
                continue;
            }
        };
        if !fits {
            let expected = if field == "sector" {
                "a sector's name in quotes"
            } else {
                "a number from 0 to 1"
            };
            out.push(Slip {
                span: v.span(),
                message: format!(
                    "event {n}: `cut.{field}` expected {expected}, found {}",
                    kind(v.get_ref())
                ),
                hint: hint.into(),
            });
        }
    }
}

/// One key of an event's `set` spelled twice (`"city.speed_kmh"` and
/// `city.speed_kmh` name the same key): refused, rather than one silently
/// winning.
fn repeated_keys(n: usize, set: &DeTable<'_>, text: &str, out: &mut Vec<Slip>) {
    let mut seen: BTreeMap<String, Range<usize>> = BTreeMap::new();
    let mut keys = Vec::new();
    dotted(set, "", &mut keys);
    // The later spelling is the one flagged, whatever order the map keeps.
    keys.sort_by_key(|(_, span)| span.start);
    for (key, span) in keys {
        if let Some(first) = seen.get(&key) {
            let (l1, c1) = super::line_col(text, first.start);
            let (l2, c2) = super::line_col(text, span.start);
            out.push(Slip {
                span: span.clone(),
                message: format!(
                    "event {n} sets `{key}` twice: at line {l1}, column {c1} and at line {l2}, column {c2}"
                ),
                hint: format!(
                    "give each key once; `\"{key}\"` (quoted) and `{key}` (dotted) name the same key"
                ),
            });
        } else {
            seen.insert(key, span);
        }
    }
}

/// The dotted keys of a `set` table and the span of each one's name.
fn dotted(table: &DeTable<'_>, prefix: &str, out: &mut Vec<(String, Range<usize>)>) {
    for (key, value) in table.iter() {
        let name = format!("{prefix}{}", key.get_ref());
        match value.get_ref() {
            DeValue::Table(inner) => dotted(inner, &format!("{name}."), out),
            _ => out.push((name, key.span())),
        }
    }
}

/// "unknown key `x` in \[table\]".
pub fn unknown_key_message(unknown: &str, table: Option<&str>) -> String {
    match table {
        Some("events") => format!("unknown key `{unknown}` in an event"),
        Some(t) => format!("unknown key `{unknown}` in [{t}]"),
        None => format!("unknown key `{unknown}` at the top level"),
    }
}

/// The most useful hint for an unknown key: the top-level key written under a
/// table, the table a parameter belongs in, or the closest key.
pub fn unknown_key_hint(unknown: &str, table: Option<&str>, candidates: &[&str]) -> String {
    if table.is_some() && TOP_LEVEL_KEYS.contains(&unknown) {
        return format!(
            "`{unknown}` is a top-level key: move it above the first [table] header (keys below a header belong to that table)"
        );
    }
    let homes: Vec<String> = reference::all()
        .iter()
        .filter(|r| r.key == unknown)
        .map(|r| r.table.to_string())
        .collect();
    if table == Some("events") && !homes.is_empty() {
        return format!(
            "an event takes `month`, `note`, `set` and `cut`; change a parameter with set = {{ \"{}.{unknown}\" = value }}",
            homes[0]
        );
    }
    if !homes.is_empty() && table.is_none_or(|t| !homes.iter().any(|h| h == t)) {
        return format!(
            "`{unknown}` belongs in [{}]: put it under that table's header",
            homes.join("] or [")
        );
    }
    if let Some(best) = reference::did_you_mean(unknown, candidates.iter().copied()) {
        return format!("did you mean `{best}`?");
    }
    if candidates.is_empty() {
        "this table takes no such key; `polis params` lists every key".into()
    } else {
        format!(
            "the keys here are: {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slips(text: &str) -> Vec<Slip> {
        let doc = DeTable::parse(text).expect("TOML");
        check(doc.get_ref(), text)
    }

    #[test]
    fn array_where_a_table_belongs_is_refused() {
        for table in ["simulation", "city", "government", "mei"] {
            let text = format!("{table} = [1, 2, 3]\n");
            let found = slips(&text);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].span.start, table.len() + 3, "{found:?}");
            assert!(found[0].message.contains("must be a table"), "{found:?}");
        }
    }

    #[test]
    fn key_spelled_twice_in_a_set_is_refused() {
        let text =
            "[[events]]\nmonth = 2\nset = { \"city.speed_kmh\" = 20.0, city.speed_kmh = 25.0 }\n";
        let found = slips(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("twice"), "{found:?}");
    }

    #[test]
    fn every_mistake_of_a_file_is_found_in_line_order() {
        let text = "[city]\nwidht = 3\nheight = \"x\"\n[simulation]\nmonths = 2.0\nseed = [1]\n";
        let found = slips(text);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.windows(2).all(|w| w[0].span.start < w[1].span.start));
    }

    #[test]
    fn a_valid_shape_has_no_slips() {
        let text = "name = \"x\"\n[city]\nwidth = 3\n[platforms.imp]\nenabled = true\n[sectors.a]\nbudget_share = 1.0\nfirm_share = 1.0\n[[events]]\nmonth = 2\nset = { city.speed_kmh = 20.0 }\ncut = { sector = \"a\", share = 0.1 }\n";
        assert_eq!(slips(text), Vec::new());
    }
}
