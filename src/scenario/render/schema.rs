//! The JSON Schema of scenario files (`polis schema`), for editors that
//! check TOML against a schema.

use serde_json::{Map, Value, json};

use super::{
    capitalised, default_sector_names, default_value, dotted_key, is_integer_type, is_setup_only,
    range_text, sentence, table_doc, unit_text, when_text,
};
use crate::scenario::MAX_SECTORS;
use crate::scenario::params::ParamInfo;
use crate::scenario::reference;

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
    if info.is_choice() {
        s.insert("enum".into(), info.choices.into());
    }
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
    if info.ty != "bool" && !info.is_choice() {
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

#[cfg(test)]
mod tests {
    use super::*;

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
