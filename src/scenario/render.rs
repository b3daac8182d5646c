//! The parameter reference and scenarios rendered for people and tools: the
//! text and Markdown of `polis params` (docs/PARAMETERS.md is the Markdown),
//! the JSON Schema of scenario files (`polis schema`) and the commented
//! starter scenario of `polis init`. Everything here is generated from
//! [`reference`], so it stays true when a parameter changes.

use serde_json::{Map, Value, json};

use crate::scenario::params::{self, ParamInfo};
use crate::scenario::reference;
use crate::scenario::{MAX_SECTORS, Scenario};

/// Widest line of the plain-text reference.
const TEXT_WIDTH: usize = 100;

/// Widest comment line of the starter scenario.
const STARTER_WIDTH: usize = 78;

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

/// The parameter reference as plain text for a terminal: one block per key,
/// grouped by table, no line wider than 100 columns (but for unbreakable words).
pub fn params_text() -> String {
    const LABEL: usize = 10;
    let mut out = String::new();
    let intro = format!(
        "Every key a scenario file may set, by table. A key left out takes its default. \
         Keys \"fixed at set-up\" take effect when the city is built; the others can also \
         change during a run, in an [[events]] entry (set = {{ \"table.key\" = value }}). \
         A scenario has 1 to {MAX_SECTORS} [sectors.NAME] tables; without any it gets {}.",
        default_sector_names().replace('`', "")
    );
    for line in wrap(&intro, TEXT_WIDTH) {
        out.push_str(&line);
        out.push('\n');
    }
    for (table, rows) in reference::tables() {
        out.push('\n');
        out.push_str(&format!("[{table}]  {}\n", table_doc(table)));
        out.push_str(&"=".repeat(table.len() + 2));
        out.push('\n');
        for info in rows {
            out.push('\n');
            out.push_str(&format!("{}\n", dotted_key(info)));
            let fields = [
                ("type", reference::type_name(info.ty).to_string()),
                ("default", default_literal(info)),
                ("unit", unit_text(info).to_string()),
                ("range", range_text(info)),
                ("when", when_text(info).to_string()),
                ("meaning", sentence(info.doc)),
                ("source", info.source.to_string()),
            ];
            for (label, value) in fields {
                let indent = 4 + LABEL;
                for (i, line) in wrap(&value, TEXT_WIDTH - indent).iter().enumerate() {
                    if i == 0 {
                        out.push_str(&format!("    {label:<LABEL$}{line}\n"));
                    } else {
                        out.push_str(&format!("{:indent$}{line}\n", ""));
                    }
                }
            }
        }
    }
    out
}

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The parameter reference as Markdown (the text of docs/PARAMETERS.md).
pub fn params_markdown() -> String {
    let mut out = String::new();
    out.push_str("# Scenario parameters\n\n");
    out.push_str("Generated by `polis params --markdown`; do not edit by hand.\n\n");
    out.push_str(
        "Every key a scenario file may set, by table. A key left out of a scenario \
         takes its default. Keys *fixed at set-up* take effect when the city is built; \
         the others can also change during a run, in an `[[events]]` entry \
         (`set = { \"table.key\" = value }`). Ranges are inclusive. Money is in yuan. \
         `polis params` prints the same reference in a terminal, and `polis schema` \
         prints it as a JSON Schema for editors.\n",
    );
    for (table, rows) in reference::tables() {
        out.push_str(&format!("\n## `[{table}]`: {}\n\n", table_doc(table)));
        if table == "sectors.NAME" {
            out.push_str(&format!(
                "A scenario has 1 to {MAX_SECTORS} sectors, one `[sectors.NAME]` table each; \
                 their `budget_share` values sum to 1, and so do their `firm_share` values. \
                 A scenario without `[sectors]` gets {}. An event names a sector's key as \
                 `sectors.NAME.key`.\n\n",
                default_sector_names()
            ));
        }
        out.push_str("| Key | Type | Default | Unit | Range | Changes | Meaning | Source |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for info in rows {
            let range = if info.ty == "bool" {
                "true or false".to_string()
            } else {
                format!("`{}` to `{}`", bound(info.min), bound(info.max))
            };
            out.push_str(&format!(
                "| `{}` | {} | `{}` | {} | {} | {} | {} | {} |\n",
                dotted_key(info),
                reference::type_name(info.ty),
                default_literal(info),
                cell(unit_text(info)),
                range,
                when_text(info),
                cell(&sentence(info.doc)),
                cell(info.source)
            ));
        }
    }
    out
}

/// A number as JSON, whole for integer keys.
fn json_number(x: f64, integer: bool) -> Value {
    if integer {
        if x >= i64::MAX as f64 {
            Value::from(i64::MAX)
        } else {
            Value::from(x as i64)
        }
    } else {
        Value::from(x)
    }
}

/// The JSON Schema of one parameter.
fn param_schema(info: &ParamInfo) -> Value {
    let mut s = Map::new();
    let integer = is_integer_type(info.ty);
    let ty = match info.ty {
        "f64" => "number",
        "u32" | "u64" | "i64" => "integer",
        "bool" => "boolean",
        "String" => "string",
        _ => "string",
    };
    s.insert("type".into(), ty.into());
    if matches!(info.ty, "f64" | "u32" | "u64" | "i64") {
        let min = if matches!(info.ty, "u32" | "u64") {
            info.min.max(0.0)
        } else {
            info.min
        };
        s.insert("minimum".into(), json_number(min, integer));
        s.insert("maximum".into(), json_number(info.max, integer));
    }
    if let Some(default) = default_value(info) {
        s.insert("default".into(), default);
    }
    let mut description = format!("{} Unit: {}.", sentence(info.doc), unit_text(info));
    if info.ty != "bool" {
        description.push_str(&format!(" Range: {}.", range_text(info)));
    }
    description.push_str(&format!(
        " {} Source: {}",
        sentence(&capitalised(when_text(info))),
        sentence(info.source)
    ));
    s.insert("description".into(), description.into());
    Value::Object(s)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The JSON Schema of one parameter table.
fn table_schema(table: &str, rows: &[ParamInfo]) -> Value {
    let properties: Map<String, Value> = rows
        .iter()
        .map(|info| (info.key.to_string(), param_schema(info)))
        .collect();
    json!({
        "type": "object",
        "description": format!("[{table}]: {}.", table_doc(table)),
        "additionalProperties": false,
        "properties": properties,
    })
}

/// Puts the schema of a table at its place: `platforms.imp` is the `imp`
/// property of a `platforms` object.
fn insert_table(properties: &mut Map<String, Value>, table: &str, schema: Value) {
    match table.split_once('.') {
        None => {
            properties.insert(table.into(), schema);
        }
        Some((head, rest)) => {
            let parent = properties.entry(head.to_string()).or_insert_with(|| {
                json!({
                    "type": "object",
                    "description": format!("[{head}.*] tables."),
                    "additionalProperties": false,
                    "properties": {},
                })
            });
            if let Some(inner) = parent.get_mut("properties").and_then(Value::as_object_mut) {
                insert_table(inner, rest, schema);
            }
        }
    }
}

/// The JSON Schema (draft 2020-12) of scenario files, for editors that
/// check TOML against a schema.
pub fn json_schema() -> Value {
    let mut properties = Map::new();
    properties.insert(
        "name".into(),
        json!({
            "type": "string",
            "description": "A short name, used for the default output folder (out/NAME). Default: the file's name without .toml."
        }),
    );
    properties.insert(
        "description".into(),
        json!({
            "type": "string",
            "description": "A sentence on what the scenario models."
        }),
    );
    properties.insert(
        "extends".into(),
        json!({
            "type": "string",
            "description": "Another scenario this one starts from, a path relative to this file; this file's values replace its values key by key, and events accumulate."
        }),
    );
    let mut event_keys = Vec::new();
    let mut sector_keys = Vec::new();
    for (table, rows) in reference::tables() {
        for info in rows {
            if table == "sectors.NAME" {
                sector_keys.push(info.key);
            } else if !is_setup_only(info) {
                event_keys.push(dotted_key(info));
            }
        }
        if table == "sectors.NAME" {
            let mut sector = table_schema(table, rows);
            sector["description"] = json!(format!(
                "[sectors.NAME]: {}. Sectors' budget_share values sum to 1, and so do their firm_share values.",
                table_doc(table)
            ));
            properties.insert(
                "sectors".into(),
                json!({
                    "type": "object",
                    "description": format!(
                        "Sectors of production by name, 1 to {MAX_SECTORS}. Default: {}.",
                        default_sector_names().replace('`', "")
                    ),
                    "minProperties": 1,
                    "maxProperties": MAX_SECTORS,
                    "additionalProperties": sector,
                }),
            );
        } else {
            insert_table(&mut properties, table, table_schema(table, rows));
        }
    }
    properties.insert(
        "events".into(),
        json!({
            "type": "array",
            "description": "Dated policy changes, [[events]] with month, note and set.",
            "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["month", "set"],
                "properties": {
                    "month": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "Month at whose start the change applies (1 = the first month); at most simulation.months."
                    },
                    "note": {
                        "type": "string",
                        "description": "A label for output and charts."
                    },
                    "set": {
                        "type": "object",
                        "description": "Dotted keys and their new values, e.g. { \"government.income_tax\" = 0.2 }; keys fixed at set-up cannot change.",
                        "minProperties": 1,
                        "propertyNames": {
                            "anyOf": [
                                { "enum": event_keys },
                                { "pattern": format!("^sectors\\.[^.]+\\.({})$", sector_keys.join("|")) }
                            ]
                        },
                        "additionalProperties": { "type": ["number", "boolean"] }
                    }
                }
            }
        }),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "polis scenario",
        "description": "A scenario file of polis: the parameters of one simulated city. Every key is optional; `polis params` explains each.",
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    })
}

/// The keys a starter scenario writes, by table: the ones a first scenario
/// most often changes. A table not named here gets its first keys.
const STARTER_KEYS: &[(&str, &[&str])] = &[
    ("simulation", &["months", "seed", "residents"]),
    (
        "city",
        &[
            "width",
            "height",
            "zone_km",
            "mixed_share",
            "speed_kmh",
            "fare_per_km",
            "base_rent",
        ],
    ),
    (
        "zoning",
        &[
            "centre_services",
            "mixed_services",
            "industrial_manufacturing",
        ],
    ),
    (
        "residents",
        &["propensity_income", "unemployed_search_prob", "move_prob"],
    ),
    (
        "firms",
        &[
            "initial_wage",
            "wage_step",
            "price_change_prob",
            "markup_upper",
        ],
    ),
    (
        "entrepreneurship",
        &["startup_cost_months", "founding_hazard", "startup_staff"],
    ),
    (
        "government",
        &[
            "income_tax",
            "profit_tax",
            "benefit_share",
            "transfer_share",
        ],
    ),
    ("platforms.imp", &["enabled", "fee", "efficiency_gain"]),
    (
        "platforms.ilp",
        &["enabled", "bass_p", "bass_q", "telework_jobs"],
    ),
    ("mei", &["bases", "subsidy_share", "hazard_multiplier"]),
    ("innovation", &["rd_success_prob", "step", "centres"]),
];

/// Keys a starter scenario writes of a table that [`STARTER_KEYS`] does not name.
const STARTER_OTHER_KEYS: usize = 3;

/// The value at a dotted path of a TOML table.
fn get_path<'a>(table: &'a toml::Table, path: &str) -> Option<&'a toml::Value> {
    let mut parts = path.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}

/// Sector keys a starter scenario writes for each sector.
const STARTER_SECTOR_KEYS: &[&str] = &["budget_share", "firm_share", "manufacturing"];

/// Values of a starter scenario that differ from the defaults, so that it
/// runs in seconds.
const STARTER_VALUES: &[(&str, &str, i64)] = &[
    ("simulation", "months", 60),
    ("simulation", "residents", 20_000),
];

/// Comment lines on a key: its meaning, then unit, range, default (when the
/// value written differs from it) and whether an event can change it.
fn key_comment(info: &ParamInfo, changed_from: Option<String>) -> String {
    let mut facts = Vec::new();
    if info.unit != "-" {
        facts.push(format!("Unit: {}.", info.unit));
    }
    if info.ty == "bool" {
        facts.push("True or false.".into());
    } else {
        facts.push(format!("Range: {}.", range_text(info)));
    }
    if let Some(default) = changed_from {
        facts.push(format!("Default: {default}."));
    }
    facts.push(sentence(&capitalised(when_text(info))));
    let mut out = comment_block(&sentence(info.doc));
    out.push_str(&comment_block(&facts.join(" ")));
    out
}

fn comment_block(text: &str) -> String {
    wrap(text, STARTER_WIDTH - 2)
        .into_iter()
        .map(|l| format!("# {l}\n"))
        .collect()
}

/// A commented starter scenario named `name` that runs as it is: every
/// table with its most used keys at their defaults (a smaller, shorter city
/// than the default), each with its unit, range and meaning, and an example
/// event left commented out.
pub fn starter(name: &str) -> String {
    let defaults = toml::Table::try_from(Scenario {
        sectors: params::default_sectors(),
        ..Scenario::default()
    })
    .expect("the default scenario serializes");
    let file = format!("{name}.toml");
    let mut out = String::new();
    out.push_str(&format!("# {name}: a polis scenario.\n#\n"));
    out.push_str(&comment_block(
        "A scenario sets the parameters of one simulated city: its size and horizon, \
         its residents, firms and government, its sectors of production, and dated \
         policy changes (events). Every key is optional: a key left out takes its \
         default, so change what you need and delete the rest. The keys below are \
         the ones most often changed, set to their defaults, with a smaller city \
         and a shorter run than the default so that a run takes seconds.",
    ));
    out.push_str("#\n");
    out.push_str(&comment_block(&format!(
        "Check it with `polis check {file}` (it prints the scenario with every \
         default filled in), run it with `polis run {file}`, and try a change \
         without editing with `polis run {file} --set city.speed_kmh=25`."
    )));
    out.push('\n');
    out.push_str(&format!(
        "name = {}\n",
        toml::Value::String(name.to_string())
    ));
    out.push_str("description = \"A starter scenario: a small city with the default levers\"\n");
    for (table, rows) in reference::tables() {
        if table == "sectors.NAME" {
            continue;
        }
        let keys: Vec<&str> = match STARTER_KEYS.iter().find(|(t, _)| *t == table) {
            Some((_, keys)) => keys.to_vec(),
            None => rows
                .iter()
                .take(STARTER_OTHER_KEYS)
                .map(|r| r.key)
                .collect(),
        };
        let doc = table_doc(table);
        out.push('\n');
        if !doc.is_empty() {
            out.push_str(&comment_block(&sentence(&capitalised(doc))));
        }
        out.push_str(&format!("[{table}]\n"));
        for key in keys {
            let Some(info) = rows.iter().find(|r| r.key == key) else {
                continue;
            };
            let Some(default) = get_path(&defaults, &dotted_key(info)).map(toml_literal) else {
                continue;
            };
            let changed = STARTER_VALUES
                .iter()
                .find(|(t, k, _)| *t == table && *k == key)
                .map(|(_, _, v)| group_digits(&v.to_string()));
            let (value, changed_from) = match changed {
                Some(v) => (v, Some(default)),
                None => (default, None),
            };
            out.push('\n');
            out.push_str(&key_comment(info, changed_from));
            out.push_str(&format!("{key} = {value}\n"));
        }
    }
    out.push('\n');
    out.push_str(&comment_block(&format!(
        "Sectors of production: 1 to {MAX_SECTORS} [sectors.NAME] tables, named as \
         you like. Their budget_share values sum to 1, and so do their firm_share \
         values. These are the default sectors."
    )));
    let sectors = defaults
        .get("sectors")
        .and_then(|s| s.as_table())
        .cloned()
        .unwrap_or_default();
    for (i, (sector, values)) in sectors.iter().enumerate() {
        out.push_str(&format!("[sectors.{sector}]\n"));
        for key in STARTER_SECTOR_KEYS {
            let Some(info) = params::SectorParams::REFERENCE
                .iter()
                .find(|r| r.key == *key)
            else {
                continue;
            };
            let Some(value) = values.get(*key).map(toml_literal) else {
                continue;
            };
            if i == 0 {
                out.push_str(&key_comment(info, None));
            }
            out.push_str(&format!("{key} = {value}\n"));
        }
        out.push('\n');
    }
    out.push_str(&comment_block(
        "Events change keys during a run, at the start of a month. Remove the # \
         in front of the four lines below to cut the income tax from month 24 on. \
         An event may set any key that is not fixed at set-up; sector keys are \
         written \"sectors.NAME.key\".",
    ));
    out.push_str("# [[events]]\n");
    out.push_str("# month = 24\n");
    out.push_str("# note = \"income tax cut\"\n");
    out.push_str("# set = { \"government.income_tax\" = 0.05 }\n");
    out.push('\n');
    out.push_str(&comment_block(
        "Every key, with its unit, range, meaning and source: run `polis params`.",
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
    fn starter_keys_exist() {
        let tables = reference::tables();
        for (table, keys) in STARTER_KEYS {
            let rows = tables
                .iter()
                .find(|(t, _)| t == table)
                .unwrap_or_else(|| panic!("no table [{table}]"))
                .1;
            for key in *keys {
                assert!(rows.iter().any(|r| r.key == *key), "{table}.{key}");
            }
        }
        for key in STARTER_SECTOR_KEYS {
            assert!(
                params::SectorParams::REFERENCE
                    .iter()
                    .any(|r| r.key == *key),
                "sectors.NAME.{key}"
            );
        }
    }

    #[test]
    fn starter_loads_with_and_without_its_event() {
        let text = starter("demo");
        let s = Scenario::from_toml(&text, Path::new("demo.toml"))
            .unwrap_or_else(|e| panic!("{}\n{text}", e[0]));
        assert_eq!(s.name, "demo");
        assert_eq!(s.simulation.residents, 20_000);
        assert!(s.events.is_empty());
        let mut uncommented = text.clone();
        for line in ["[[events]]", "month = ", "note = ", "set = {"] {
            uncommented = uncommented.replace(&format!("\n# {line}"), &format!("\n{line}"));
        }
        let s = Scenario::from_toml(&uncommented, Path::new("demo.toml"))
            .unwrap_or_else(|e| panic!("{}\n{uncommented}", e[0]));
        assert_eq!(s.events.len(), 1);
    }

    #[test]
    fn text_fits_100_columns() {
        for line in params_text().lines() {
            let long_word = line.split_whitespace().any(|w| w.chars().count() > 40);
            assert!(
                line.chars().count() <= TEXT_WIDTH || long_word,
                "too wide: {line}"
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

    #[test]
    fn schema_has_every_key() {
        let schema = json_schema();
        for info in reference::all() {
            let p = if info.table == "sectors.NAME" {
                &schema["properties"]["sectors"]["additionalProperties"]["properties"][info.key]
            } else {
                let mut table = &schema;
                for part in info.table.split('.') {
                    table = &table["properties"][part];
                }
                &table["properties"][info.key]
            };
            assert!(p.is_object(), "{}", dotted_key(&info));
        }
    }
}
