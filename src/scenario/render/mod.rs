//! The parameter reference and scenarios rendered for people and tools: the
//! text and Markdown of `polis params` (docs/PARAMETERS.md is the Markdown),
//! the JSON Schema of scenario files (`polis schema`) and the commented
//! starter scenario of `polis init`. Everything here is generated from
//! [`reference`](mod@crate::scenario::reference), so it stays true when a parameter changes.

mod schema;
mod starter;
mod text;

use serde_json::Value;

use crate::scenario::params::{self, ParamInfo};
use crate::scenario::reference;

pub use schema::json_schema;
pub use starter::starter;
pub use text::{params_markdown, params_text};

/// What each table holds, for headings.
fn table_doc(table: &str) -> &'static str {
    match table {
        "simulation" => "horizon, seed and size",
        "city" => "zones, land use, dwellings, commuting",
        "residents" => "skills, wealth, consumption, search and moving",
        "firms" => "production plans, wages, prices, dividends and exit",
        "entrepreneurship" => "founding firms",
        "zoning" => "what each land use holds",
        "government" => "taxes, benefits and transfers",
        "platforms.imp" => "the Intelligent Manufacturing Platform, which firms join for a fee",
        "platforms.ilp" => "the Intelligent Life Platform, used by residents",
        "mei" => "Mass Entrepreneurship and Innovation bases (incubators)",
        "innovation" => "productivity steps and their spread",
        "bank" => "the bank: credit to firms and the policy rate",
        "output" => "what a run writes besides timeseries.csv",
        "sectors.NAME" => "one sector of production (NAME is the sector's name)",
        _ => "",
    }
}

/// The dotted key of a reference row (`city.width`, `sectors.NAME.budget_share`).
pub fn dotted_key(info: &ParamInfo) -> String {
    format!("{}.{}", info.table, info.key)
}

/// True when the key takes effect only when the city is built.
pub fn is_setup_only(info: &ParamInfo) -> bool {
    reference::is_setup_only(&dotted_key(info))
}

/// "fixed at set-up" or "can change in an event".
pub fn when_text(info: &ParamInfo) -> &'static str {
    if is_setup_only(info) {
        "fixed at set-up"
    } else {
        "can change in an event"
    }
}

fn is_integer_type(ty: &str) -> bool {
    matches!(ty, "u32" | "u64" | "i64")
}

/// The default of a row as a JSON value, parsed from the Rust literal in
/// [`ParamInfo::default`] (`100_000`, `1_500.0`, `1.0e7`, `false`); `None`
/// for an expression that is not a plain literal.
pub fn default_value(info: &ParamInfo) -> Option<Value> {
    if info.is_choice() {
        return reference::default_choice(info).map(|c| Value::String(c.to_string()));
    }
    let text: String = info.default.chars().filter(|c| *c != '_').collect();
    let text = text.trim();
    match info.ty {
        "bool" => text.parse::<bool>().ok().map(Value::Bool),
        "u32" | "u64" => text
            .trim_end_matches(info.ty)
            .parse::<u64>()
            .ok()
            .map(Value::from),
        "i64" => text
            .trim_end_matches(info.ty)
            .parse::<i64>()
            .ok()
            .map(Value::from),
        "f64" => text
            .trim_end_matches("f64")
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Value::from),
        "String" => text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix(".into()").or(Some(t)))
            .and_then(|t| t.strip_suffix('"'))
            .map(|t| Value::String(t.to_string())),
        _ => None,
    }
}

/// Digits with `_` between thousands, from 10_000 up (as TOML allows).
fn group_digits(digits: &str) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits),
    };
    if digits.len() <= 4 {
        return format!("{sign}{digits}");
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A bound of a range, as a person reads it.
fn bound(x: f64) -> String {
    if x >= i64::MAX as f64 {
        group_digits(&i64::MAX.to_string())
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        group_digits(&(x as i64).to_string())
    } else {
        format!("{x}")
    }
}

/// A float as a TOML literal: always with a decimal point or an exponent.
fn float_literal(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}.0", group_digits(&(x as i64).to_string()))
    } else {
        format!("{x:?}")
    }
}

/// A TOML value as it would be written in a scenario file.
fn toml_literal(value: &toml::Value) -> String {
    match value {
        toml::Value::Integer(i) => group_digits(&i.to_string()),
        toml::Value::Float(f) => float_literal(*f),
        other => other.to_string(),
    }
}

/// The default of a row as it would be written in a scenario file, or the
/// source text when it is not a plain literal.
pub fn default_literal(info: &ParamInfo) -> String {
    match default_value(info) {
        Some(Value::Number(n)) if info.ty == "f64" => n
            .as_f64()
            .map_or_else(|| info.default.to_string(), float_literal),
        Some(Value::Number(n)) => group_digits(&n.to_string()),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::String(s)) => toml::Value::String(s).to_string(),
        _ => info.default.to_string(),
    }
}

/// The valid range of a row in words: `1 to 1_000`, or `true or false`.
pub fn range_text(info: &ParamInfo) -> String {
    if info.ty == "bool" {
        "true or false".into()
    } else if info.is_choice() {
        reference::choices_text(info.choices)
    } else {
        format!("{} to {}", bound(info.min), bound(info.max))
    }
}

/// The unit of a row, with `-` spelled out.
fn unit_text(info: &ParamInfo) -> &'static str {
    if info.unit == "-" { "none" } else { info.unit }
}

/// Splits `text` into lines of at most `width` characters (longer words
/// stand alone on their line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    // Code in backticks is not broken across lines.
    const KEEP: char = '\u{0}';
    let mut inside = false;
    let text: String = text
        .chars()
        .map(|c| {
            if c == '`' {
                inside = !inside;
            }
            if inside && c == ' ' { KEEP } else { c }
        })
        .collect();
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word = word.replace(KEEP, " ");
        let word = word.as_str();
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A sentence with a full stop at its end.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// The names of the sectors a scenario without `[sectors]` gets.
fn default_sector_names() -> String {
    params::default_sectors()
        .keys()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_parses() {
        for info in reference::all() {
            assert!(
                default_value(&info).is_some(),
                "{}: default {:?} does not parse",
                dotted_key(&info),
                info.default
            );
        }
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group_digits("100000"), "100_000");
        assert_eq!(group_digits("1000"), "1000");
        assert_eq!(group_digits("12000"), "12_000");
        assert_eq!(float_literal(1500.0), "1500.0");
        assert_eq!(float_literal(1.0e7), "10_000_000.0");
        assert_eq!(float_literal(0.0085), "0.0085");
        assert_eq!(bound(i64::MAX as f64), "9_223_372_036_854_775_807");
    }
}
