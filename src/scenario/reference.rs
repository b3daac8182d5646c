//! The parameter reference: every key with its type, default, unit, range,
//! meaning and source, looked up by dotted key. The loader uses it for
//! hints and for checking overrides and events; `polis params`, the JSON
//! Schema and docs/PARAMETERS.md are rendered from it.

use crate::scenario::params::{
    BankParams, CityParams, EntrepreneurshipParams, FirmParams, GovernmentParams, IlpParams,
    ImpParams, InnovationParams, MeiParams, OutputParams, ParamInfo, ResidentParams, SectorParams,
    SimulationParams, ZoningParams,
};

/// Top-level keys that are not parameter tables.
pub const TOP_LEVEL_KEYS: [&str; 4] = ["name", "description", "extends", "events"];

/// Keys that take effect only when the city is built: an event cannot
/// change them mid-run.
pub const SETUP_ONLY: &[&str] = &[
    "simulation.months",
    "simulation.seed",
    "simulation.residents",
    "simulation.residents_per_firm",
    "city.width",
    "city.height",
    "city.zone_km",
    "city.centre_radius_km",
    "city.industrial_share",
    "city.mixed_share",
    "city.vacancy_target",
    "city.base_rent",
    "zoning.centre_dwellings",
    "zoning.residential_dwellings",
    "zoning.industrial_dwellings",
    "zoning.mixed_dwellings",
    "zoning.centre_amenity",
    "zoning.residential_amenity",
    "zoning.industrial_amenity",
    "zoning.mixed_amenity",
    "residents.initial_unemployment",
    "residents.skill_sigma",
    "residents.initial_wealth_months",
    "firms.initial_wage",
    "firms.initial_cash_months",
    "firms.size_tail",
    "firms.initial_stock_months",
    "firms.size_weight_cap",
    "firms.reference_size",
    "output.firms",
    "output.residents_sample",
    "bank.enabled",
    "government.public_employment_share",
];

/// Sector keys that take effect only when the city is built.
pub const SETUP_ONLY_SECTOR_KEYS: &[&str] = &["firm_share", "productivity", "manufacturing"];

/// Whether a dotted key takes effect only when the city is built.
pub fn is_setup_only(key: &str) -> bool {
    if let Some(rest) = key.strip_prefix("sectors.") {
        return rest
            .rsplit_once('.')
            .is_some_and(|(_, field)| SETUP_ONLY_SECTOR_KEYS.contains(&field));
    }
    SETUP_ONLY.contains(&key)
}

/// Every parameter table's rows, in file order.
pub fn tables() -> Vec<(&'static str, &'static [ParamInfo])> {
    vec![
        ("simulation", SimulationParams::REFERENCE),
        ("city", CityParams::REFERENCE),
        ("zoning", ZoningParams::REFERENCE),
        ("residents", ResidentParams::REFERENCE),
        ("firms", FirmParams::REFERENCE),
        ("entrepreneurship", EntrepreneurshipParams::REFERENCE),
        ("government", GovernmentParams::REFERENCE),
        ("platforms.imp", ImpParams::REFERENCE),
        ("platforms.ilp", IlpParams::REFERENCE),
        ("mei", MeiParams::REFERENCE),
        ("innovation", InnovationParams::REFERENCE),
        ("bank", BankParams::REFERENCE),
        ("output", OutputParams::REFERENCE),
        ("sectors.NAME", SectorParams::REFERENCE),
    ]
}

/// Every row of the reference.
pub fn all() -> Vec<ParamInfo> {
    tables()
        .into_iter()
        .flat_map(|(_, rows)| rows.iter().copied())
        .collect()
}

/// The reference row of a dotted key (`city.width`, `sectors.services.productivity`).
pub fn lookup(key: &str) -> Option<ParamInfo> {
    let (table, field) = key.rsplit_once('.')?;
    match table.split_once('.') {
        Some(("sectors", name)) if !name.contains('.') => SectorParams::REFERENCE
            .iter()
            .find(|r| r.key == field)
            .copied(),
        _ => all()
            .into_iter()
            .find(|r| r.table == table && r.key == field && r.table != "sectors.NAME"),
    }
}

/// Whether a dotted key names a table of parameters rather than one
/// parameter (`city`, `platforms.imp`, `sectors.services`).
pub fn names_table(key: &str) -> bool {
    let key = key.trim();
    key == "platforms"
        || key == "sectors"
        || key
            .strip_prefix("sectors.")
            .is_some_and(|name| !name.is_empty() && !name.contains('.'))
        || tables()
            .iter()
            .any(|(table, _)| *table == key && *table != "sectors.NAME")
}

/// All dotted keys a scenario may set, with `sectors` expanded for `sector_names`.
pub fn known_keys(sector_names: &[String]) -> Vec<String> {
    let mut keys = Vec::new();
    for (table, rows) in tables() {
        if table == "sectors.NAME" {
            for name in sector_names {
                keys.extend(rows.iter().map(|r| format!("sectors.{name}.{}", r.key)));
            }
        } else {
            keys.extend(rows.iter().map(|r| format!("{table}.{}", r.key)));
        }
    }
    keys
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "`key` = value is out of range".
pub fn out_of_range(key: &str, value: f64) -> String {
    format!("`{key}` = {value} is out of range")
}

/// What a key takes: type, range, unit and default.
pub fn range_hint(info: &ParamInfo) -> String {
    let kind = type_name(info.ty);
    let key = format!("{}.{}", info.table, info.key);
    if info.ty == "bool" {
        return format!("`{key}` takes {kind}; the default is {}", info.default);
    }
    if info.is_choice() {
        return format!(
            "`{key}` takes {}; the default is \"{}\"",
            kind_with_range(info),
            default_choice(info).unwrap_or(info.default)
        );
    }
    format!(
        "`{key}` takes {} ({}); the default is {}",
        kind_with_range(info),
        info.unit,
        info.default.replace('_', "")
    )
}

/// What a key takes, in words: "a whole number from 1 to 1,000".
pub fn kind_with_range(info: &ParamInfo) -> String {
    let kind = type_name(info.ty);
    if info.ty == "bool" {
        return kind.to_string();
    }
    if info.is_choice() {
        return format!("one of {}", choices_text(info.choices));
    }
    format!("{kind} from {} to {}", grouped(info.min), grouped(info.max))
}

/// The words of a word-typed key in prose: `"off"`, `"yearly"` or
/// `"monthly"` (quoted, as a scenario writes them).
pub fn choices_text(choices: &[&str]) -> String {
    let quoted: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// The default of a word-typed key as its word (`FirmsOutput::Yearly` is
/// `yearly`), if it is one of its words.
pub fn default_choice(info: &ParamInfo) -> Option<&'static str> {
    let variant = info.default.rsplit("::").next()?.trim();
    info.choices
        .iter()
        .copied()
        .find(|c| c.eq_ignore_ascii_case(variant))
}

/// A number as a person writes it in prose: thousands grouped by commas,
/// fractions to at most six significant decimals (`0.6000000000000001` is 0.6).
pub fn grouped(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x.fract() != 0.0 {
        return plain(x);
    }
    let digits = number(x);
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None => ("", digits),
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// A fraction rounded to the precision a person reads (1e-9 relative),
/// so that sums of decimals print as written.
pub fn plain(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (9 - x.abs().log10().floor() as i32).clamp(0, 17) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// What a key takes in plain words: its type's name, or its words.
pub fn kind_name(info: &ParamInfo) -> String {
    if info.is_choice() {
        format!("one of {}", choices_text(info.choices))
    } else {
        type_name(info.ty).to_string()
    }
}

/// A plain-words name of a Rust type.
pub fn type_name(ty: &str) -> &'static str {
    match ty {
        "f64" => "a number",
        "u32" | "u64" => "a whole number",
        "i64" => "a whole number",
        "bool" => "true or false",
        "String" => "a string",
        _ => "a value",
    }
}

fn number(x: f64) -> String {
    if x >= i64::MAX as f64 {
        return i64::MAX.to_string();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Checks that a TOML value has the type a key takes; `Err` says why not.
pub fn check_type(info: &ParamInfo, value: &toml::Value) -> Result<(), String> {
    if info.is_choice() {
        return match value {
            toml::Value::String(s) if info.choices.contains(&s.as_str()) => Ok(()),
            toml::Value::String(s) => Err(match did_you_mean(s, info.choices.iter().copied()) {
                Some(best) => format!(
                    "expected {} but found \"{s}\": did you mean \"{best}\"?",
                    kind_with_range(info)
                ),
                None => format!("expected {} but found \"{s}\"", kind_with_range(info)),
            }),
            other => Err(format!(
                "expected {} but found {}",
                kind_with_range(info),
                describe(other)
            )),
        };
    }
    let ok = match (info.ty, value) {
        ("f64", toml::Value::Float(_) | toml::Value::Integer(_)) => true,
        ("u32" | "u64", toml::Value::Integer(i)) => {
            *i >= 0 && (info.ty == "u64" || *i <= u32::MAX as i64)
        }
        ("i64", toml::Value::Integer(_)) => true,
        ("bool", toml::Value::Boolean(_)) => true,
        ("String", toml::Value::String(_)) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected {} but found {}",
            kind_with_range(info),
            describe(value)
        ))
    }
}

/// The number a numeric TOML value holds.
pub fn as_number(value: &toml::Value) -> Option<f64> {
    match value {
        toml::Value::Float(f) => Some(*f),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

/// A value as a person would name it: `a string "ten"`.
pub fn describe(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("a string \"{s}\""),
        toml::Value::Integer(i) => format!("the whole number {i}"),
        toml::Value::Float(f) => format!("the number {f}"),
        toml::Value::Boolean(b) => format!("the boolean {b}"),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(_) => "an array".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_found() {
        for row in all() {
            let key = if row.table == "sectors.NAME" {
                format!("sectors.x.{}", row.key)
            } else {
                format!("{}.{}", row.table, row.key)
            };
            assert_eq!(lookup(&key).map(|r| r.key), Some(row.key), "{key}");
        }
        assert!(lookup("city.nothing").is_none());
    }

    #[test]
    fn setup_only_keys_exist() {
        for key in SETUP_ONLY {
            assert!(lookup(key).is_some(), "{key} is not a parameter");
        }
    }

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(grouped(1_000.0), "1,000");
        assert_eq!(grouped(50_000_000.0), "50,000,000");
        assert_eq!(grouped(-2.0), "-2");
        assert_eq!(plain(0.1 + 0.2 + 0.3), "0.6");
        assert_eq!(plain(1.15), "1.15");
        assert_eq!(plain(0.0006), "0.0006");
    }

    #[test]
    fn typos_get_suggestions() {
        assert_eq!(
            did_you_mean("widht", ["width", "height", "zone_km"]),
            Some("width")
        );
        assert_eq!(did_you_mean("zzzz", ["width", "height"]), None);
    }
}
