//! The commented starter scenario of `polis init`: the most used keys of
//! each table at their defaults, each with its unit, range and meaning.

use super::{
    capitalised, dotted_key, group_digits, range_text, sentence, table_doc, toml_literal,
    when_text, wrap,
};
use crate::scenario::params::{self, ParamInfo};
use crate::scenario::reference;
use crate::scenario::{MAX_SECTORS, Scenario};

/// Widest comment line of the starter scenario.
const STARTER_WIDTH: usize = 78;

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
    } else if info.is_choice() {
        facts.push(format!("One of {}.", reference::choices_text(info.choices)));
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
         and a shorter run than the default so that a run takes seconds. The \
         defaults are the labour-only city (no bank, capital or public \
         purchases); the shipped scenarios/baseline.toml adds the credit \
         economy, and a scenario that starts from it says `extends = \
         \"PATH/TO/scenarios/baseline.toml\"`.",
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
}
