//! The columns of a run's files other than `timeseries.csv` (whose table is
//! `metrics::columns`), and the run's `datapackage.json` (Frictionless Data
//! tabular data package: each file, its columns, types and units), so that
//! pandas, R's `frictionless` or a database reads them typed. docs/OUTPUT.md's
//! tables of these files are generated from here (`POLIS_BLESS=1 cargo test
//! --release output_md`).

use serde_json::{Value, json};

/// One column of an output file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// Column name.
    pub name: &'static str,
    /// Table Schema type: `integer`, `number` or `string`.
    pub ty: &'static str,
    /// Unit, `-` for none.
    pub unit: &'static str,
    /// How it is written.
    pub format: &'static str,
    /// What it holds.
    pub meaning: &'static str,
}

const fn f(
    name: &'static str,
    ty: &'static str,
    unit: &'static str,
    format: &'static str,
    meaning: &'static str,
) -> Field {
    Field {
        name,
        ty,
        unit,
        format,
        meaning,
    }
}

/// The columns of `zones.csv`.
pub const ZONES: &[Field] = &[
    f(
        "month",
        "integer",
        "month",
        "integer",
        "month of the snapshot, 1-based",
    ),
    f(
        "zone",
        "integer",
        "-",
        "integer",
        "zone index, row by row: `zone = y x width + x`",
    ),
    f(
        "x",
        "integer",
        "zones",
        "integer",
        "column of the zone, from 0",
    ),
    f(
        "y",
        "integer",
        "zones",
        "integer",
        "row of the zone, from 0 (the map draws row 0 at the top)",
    ),
    f(
        "land_use",
        "string",
        "-",
        "text",
        "`centre`, `residential`, `industrial` or `mixed`",
    ),
    f(
        "residents",
        "integer",
        "residents",
        "integer",
        "residents whose home is in the zone (sums to `population`)",
    ),
    f(
        "jobs",
        "integer",
        "jobs",
        "integer",
        "employed residents, wherever they live, whose employer's workplace is in the zone (sums to `employed`)",
    ),
    f(
        "rent_yuan",
        "number",
        "yuan/month",
        "2 decimals",
        "monthly rent of a dwelling in the zone, after the month's rent adjustment (as in `mean_rent`)",
    ),
    f(
        "mean_commute_min",
        "number",
        "minutes",
        "3 decimals",
        "mean one-way commute of the employed who live in the zone, at the month's congestion factor, each commute truncated to 1/1000 minute before the integer sum (as `mean_commute_min` of timeseries.csv); 0 if none of them is employed",
    ),
];

/// The columns of `firms.csv`.
pub const FIRMS: &[Field] = &[
    f(
        "month",
        "integer",
        "month",
        "integer",
        "month of the snapshot, 1-based",
    ),
    f(
        "firm_id",
        "integer",
        "-",
        "integer",
        "the firm's permanent serial: set-up firms from 0, then startups in founding order; never reused",
    ),
    f(
        "sector",
        "string",
        "-",
        "text",
        "the sector's name, as in the scenario",
    ),
    f(
        "zone",
        "integer",
        "-",
        "integer",
        "the zone of its workplace (as in `zones.csv`)",
    ),
    f(
        "founded_month",
        "integer",
        "month",
        "integer",
        "month it was founded: `month + 1 - age_months`; 0 or negative for the firms of the initial city (their ages are drawn at set-up)",
    ),
    f(
        "age_months",
        "integer",
        "months",
        "integer",
        "months it has been open, its founding month included (a startup is 1 in the month it starts)",
    ),
    f(
        "workers",
        "integer",
        "workers",
        "integer",
        "employees at the end of the month",
    ),
    f(
        "wage",
        "number",
        "yuan/month per efficiency unit",
        "2 decimals",
        "wage offer per efficiency unit of labour: a worker of skill s earns s times it",
    ),
    f(
        "price",
        "number",
        "yuan/unit",
        "2 decimals",
        "the firm's price",
    ),
    f(
        "output_units",
        "number",
        "units/month",
        "3 decimals",
        "this month's output",
    ),
    f(
        "sales_units",
        "number",
        "units/month",
        "3 decimals",
        "this month's sales",
    ),
    f(
        "revenue",
        "number",
        "yuan/month",
        "2 decimals",
        "this month's sales revenue",
    ),
    f(
        "inventory",
        "number",
        "units",
        "3 decimals",
        "stock at the end of the month",
    ),
    f(
        "cash",
        "number",
        "yuan",
        "2 decimals",
        "cash at the end of the month, after wages, rent, tax and dividends",
    ),
    f(
        "profit",
        "number",
        "yuan/month",
        "2 decimals",
        "this month's operating profit: revenue less the wage bill and workplace rent, before profit tax",
    ),
    f(
        "imp_member",
        "integer",
        "-",
        "0 or 1",
        "1 for a member of the IMP platform",
    ),
    f(
        "incubated",
        "integer",
        "-",
        "0 or 1",
        "1 for a startup incubated by an MEI base",
    ),
];

/// The columns of `exits.csv`.
pub const EXITS: &[Field] = &[
    f(
        "month",
        "integer",
        "month",
        "integer",
        "month the firm closed, 1-based",
    ),
    f(
        "firm_id",
        "integer",
        "-",
        "integer",
        "its permanent serial, as in `firms.csv`",
    ),
    f("sector", "string", "-", "text", "the sector's name"),
    f(
        "zone",
        "integer",
        "-",
        "integer",
        "the zone of its workplace",
    ),
    f(
        "founded_month",
        "integer",
        "month",
        "integer",
        "month it was founded, as in `firms.csv`",
    ),
    f(
        "age_months",
        "integer",
        "months",
        "integer",
        "months it had been open when it closed, the month of closing included",
    ),
    f(
        "workers_before",
        "integer",
        "workers",
        "integer",
        "employees when it closed (they become unemployed)",
    ),
    f(
        "cause",
        "string",
        "-",
        "text",
        "`insolvent` (cash short of the month's wage bill and workplace rent), `idle` (no workers and no sales for `firms.idle_exit_months`) or `capacity_cut` (closed by a capacity-cut event)",
    ),
];

/// The columns of `residents.csv`.
pub const RESIDENTS: &[Field] = &[
    f(
        "month",
        "integer",
        "month",
        "integer",
        "month of the snapshot, 1-based",
    ),
    f(
        "resident_id",
        "integer",
        "-",
        "integer",
        "the resident's number, from 0 (residents never leave)",
    ),
    f(
        "home_zone",
        "integer",
        "-",
        "integer",
        "the zone of its home",
    ),
    f(
        "work_zone",
        "integer",
        "-",
        "integer or empty",
        "the zone of its workplace; empty when unemployed",
    ),
    f(
        "employer_id",
        "integer",
        "-",
        "integer or empty",
        "its employer's `firm_id`; empty when unemployed",
    ),
    f(
        "wage",
        "number",
        "yuan/month",
        "2 decimals",
        "gross wage of its current job (skill x the employer's wage offer); 0 when unemployed",
    ),
    f(
        "income",
        "number",
        "yuan/month",
        "2 decimals",
        "this month's disposable income: wage after income tax, benefits, transfers, dividends and payouts, less the rent paid",
    ),
    f(
        "wealth",
        "number",
        "yuan",
        "2 decimals",
        "savings at the end of the month",
    ),
    f(
        "rent",
        "number",
        "yuan/month",
        "2 decimals",
        "rent of a dwelling in its home zone, after the month's adjustment",
    ),
    f(
        "commute_min",
        "number",
        "minutes",
        "3 decimals or empty",
        "one-way commute from home to workplace at the month's congestion; empty when unemployed",
    ),
    f(
        "teleworks",
        "integer",
        "-",
        "0 or 1",
        "1 when its job lets it work from home some days (an ILP user in a service job that allows it)",
    ),
    f(
        "ilp_user",
        "integer",
        "-",
        "0 or 1",
        "1 for a user of the ILP platform",
    ),
    f(
        "founder",
        "integer",
        "-",
        "0 or 1",
        "1 when it owns an open firm",
    ),
    f(
        "wellbeing",
        "number",
        "log points",
        "6 decimals",
        "its well-being as the `wellbeing` column defines it: ln real consumption, less the commute and unemployment terms, plus the ILP services term",
    ),
];

/// A file's header line: its columns' names, comma-separated (the
/// agent-level files write theirs from here).
pub fn header(fields: &[Field]) -> String {
    fields.iter().map(|f| f.name).collect::<Vec<_>>().join(",")
}

/// The columns of a run's file, by name; `None` for `timeseries.csv`
/// (see `metrics::columns`) and unknown files.
pub fn fields(file: &str) -> Option<&'static [Field]> {
    match file {
        "zones.csv" => Some(ZONES),
        "firms.csv" => Some(FIRMS),
        "exits.csv" => Some(EXITS),
        "residents.csv" => Some(RESIDENTS),
        _ => None,
    }
}

/// The primary key of a run's file.
fn primary_key(file: &str) -> Value {
    match file {
        "timeseries.csv" => json!("month"),
        "zones.csv" => json!(["month", "zone"]),
        "firms.csv" => json!(["month", "firm_id"]),
        "exits.csv" => json!("firm_id"),
        "residents.csv" => json!(["month", "resident_id"]),
        _ => json!([]),
    }
}

/// The `datapackage.json` of a run named `name` whose data files are
/// `files` (`timeseries.csv` first) and whose sectors are `sectors`.
pub fn run_package(name: &str, files: &[&str], sectors: &[String]) -> Value {
    let field = |name: &str, ty: &str, description: String| json!({ "name": name, "type": ty, "description": description });
    let resources: Vec<Value> = files
        .iter()
        .map(|&file| {
            let columns: Vec<Value> = match fields(file) {
                Some(fs) => fs
                    .iter()
                    .map(|c| {
                        field(
                            c.name,
                            c.ty,
                            format!("{} Unit: {}.", sentence(c.meaning), c.unit),
                        )
                    })
                    .collect(),
                None => {
                    let names = crate::metrics::Row::header(sectors);
                    let sector_names = crate::metrics::columns::sectors(&names);
                    names
                        .iter()
                        .map(
                            |m| match crate::metrics::columns::describe(m, &sector_names) {
                                Some(c) => field(
                                    m,
                                    c.format.schema_type(),
                                    format!("{} Unit: {}.", c.meaning, c.unit),
                                ),
                                None => field(m, "number", "see docs/OUTPUT.md".into()),
                            },
                        )
                        .collect()
                }
            };
            let stem = file.trim_end_matches(".csv");
            json!({
                "name": stem, "path": file, "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "schema": { "fields": columns, "primaryKey": primary_key(file) }
            })
        })
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": "polis-run",
        "title": format!("polis run of {name}"),
        "resources": resources,
    })
}

/// `text` with a capital first letter and a final full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut s: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

/// A file's columns as a markdown table for docs/OUTPUT.md.
pub fn markdown(fields: &[Field]) -> String {
    let mut s =
        String::from("| # | column | unit | format | meaning |\n| --- | --- | --- | --- | --- |\n");
    for (k, c) in fields.iter().enumerate() {
        s.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            k + 1,
            c.name,
            c.unit,
            c.format,
            c.meaning.replace('|', "\\|")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_name_the_columns_the_files_write() {
        let names = |fs: &[Field]| fs.iter().map(|c| c.name).collect::<Vec<_>>();
        assert_eq!(names(ZONES), crate::output::zones::HEADER);
        for c in [ZONES, FIRMS, EXITS, RESIDENTS].concat() {
            assert!(
                ["integer", "number", "string"].contains(&c.ty),
                "{}",
                c.name
            );
            assert!(!c.meaning.is_empty() && !c.unit.is_empty(), "{}", c.name);
        }
    }

    #[test]
    fn a_run_package_describes_each_file_and_column() {
        let sectors = vec!["services".to_string()];
        let p = run_package(
            "baseline",
            &["timeseries.csv", "zones.csv", "firms.csv"],
            &sectors,
        );
        let resources = p["resources"].as_array().expect("resources");
        assert_eq!(resources.len(), 3);
        assert_eq!(resources[2]["path"], "firms.csv");
        let fields = resources[2]["schema"]["fields"].as_array().expect("fields");
        assert_eq!(fields.len(), FIRMS.len());
        assert_eq!(fields[1]["name"], "firm_id");
        let series = resources[0]["schema"]["fields"].as_array().expect("fields");
        assert_eq!(series.len(), crate::metrics::Row::header(&sectors).len());
        assert_eq!(series[0]["type"], "integer");
    }

    /// docs/OUTPUT.md holds each file's generated table between its markers.
    #[test]
    fn output_md_holds_the_generated_file_tables() {
        let _one_writer = crate::metrics::columns::DOCS
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/OUTPUT.md");
        let mut text = std::fs::read_to_string(&path).expect("docs/OUTPUT.md");
        let bless = std::env::var_os("POLIS_BLESS").is_some();
        for (file, fs) in [
            ("zones.csv", ZONES),
            ("firms.csv", FIRMS),
            ("exits.csv", EXITS),
            ("residents.csv", RESIDENTS),
        ] {
            let begin = format!("<!-- {file} columns: generated from src/output/package.rs -->\n");
            let end = format!("<!-- end of {file} columns -->");
            let (Some(a), Some(b)) = (text.find(&begin), text.find(&end)) else {
                panic!("docs/OUTPUT.md lacks the markers {begin:?} and {end:?}");
            };
            let fresh = markdown(fs);
            if bless {
                text = format!("{}{begin}{fresh}{}", &text[..a], &text[b..]);
            } else {
                assert!(
                    text[a + begin.len()..b] == fresh,
                    "docs/OUTPUT.md's table of {file} is not the one src/output/package.rs gives; \
                     run `POLIS_BLESS=1 cargo test --release output_md`"
                );
            }
        }
        if bless {
            std::fs::write(&path, text).expect("write docs/OUTPUT.md");
        }
    }
}
