//! Targets files: for each measure of `polis validate`, a band of values
//! and its source. A file is a TOML table per measure:
//!
//! ```toml
//! name = "my city"
//!
//! [unemployment_mean]
//! low = 4.0
//! high = 6.5
//! source = "NBS, surveyed urban unemployment rate, 2015-2019"
//! ```
//!
//! It is checked like a scenario: unknown measures and keys, wrong types,
//! a band whose low end is above its high end and a missing source are
//! errors that name the file, line and column, with a hint.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::scenario::ScenarioError;

/// The largest targets file read, bytes (a handful of measures take a few
/// kilobytes).
pub const TARGETS_CAP: u64 = 1 << 20;

/// A measure's band of acceptable values.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Lowest value within the band.
    pub low: f64,
    /// Highest value within the band.
    pub high: f64,
    /// Where the band comes from.
    pub source: String,
}

impl Band {
    /// Whether `value` lies within the band (`None` for a value the run
    /// cannot tell).
    pub fn holds(&self, value: f64) -> Option<bool> {
        value
            .is_finite()
            .then_some(value >= self.low && value <= self.high)
    }
}

/// A targets file, read and checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Targets {
    /// Its `name`, if it gives one.
    pub name: Option<String>,
    /// Bands by measure name.
    pub bands: BTreeMap<String, Band>,
}

/// Reads and checks the targets file at `path`; `measures` are the names
/// a band may be given for.
pub fn load(path: &Path, measures: &[&str]) -> Result<Targets, Vec<ScenarioError>> {
    let text = crate::input::read_capped_text(path, TARGETS_CAP).map_err(|e| {
        vec![ScenarioError {
            path: path.to_path_buf(),
            location: None,
            line_text: None,
            message: e.to_string(),
            hint: Some("give the path of a targets TOML file".into()),
        }]
    })?;
    parse(&text, path, measures)
}

/// Checks targets `text` (read from `path`, for messages).
pub fn parse(text: &str, path: &Path, measures: &[&str]) -> Result<Targets, Vec<ScenarioError>> {
    let error = |span: std::ops::Range<usize>, message: String, hint: &str| {
        let (line, col) = crate::scenario::line_col(text, span.start);
        ScenarioError {
            path: PathBuf::from(path),
            location: Some((line, col)),
            line_text: text.lines().nth(line - 1).map(str::to_string),
            message,
            hint: (!hint.is_empty()).then(|| hint.to_string()),
        }
    };
    let doc = DeTable::parse(text).map_err(|e| {
        vec![error(
            e.span().unwrap_or(0..0),
            format!("TOML syntax error: {}", e.message().trim()),
            "see https://toml.io for the syntax; strings need quotes, tables are [name]",
        )]
    })?;
    let mut targets = Targets::default();
    let mut errors = Vec::new();
    for (key, value) in doc.get_ref().iter() {
        let name = key.get_ref().as_ref();
        let span = key.span();
        match (name, value.get_ref()) {
            ("name", DeValue::String(s)) => targets.name = Some(s.to_string()),
            ("name", _) => errors.push(error(span, "`name` must be a string".into(), "")),
            (_, DeValue::Table(fields)) if measures.contains(&name) => {
                let (mut low, mut high, mut source) = (None, None, None);
                for (field, v) in fields.iter() {
                    let number = match v.get_ref() {
                        DeValue::Float(f) => f.to_string().parse::<f64>().ok(),
                        DeValue::Integer(i) => i.to_string().parse::<f64>().ok(),
                        _ => None,
                    };
                    match (field.get_ref().as_ref(), number, v.get_ref()) {
                        ("low", Some(x), _) => low = Some((x, v.span())),
                        ("high", Some(x), _) => high = Some((x, v.span())),
                        ("source", _, DeValue::String(s)) => source = Some(s.to_string()),
                        ("low" | "high", None, _) => errors.push(error(
                            v.span(),
                            format!("`{name}.{}` must be a number", field.get_ref()),
                            "",
                        )),
                        ("source", _, _) => errors.push(error(
                            v.span(),
                            format!("`{name}.source` must be a string"),
                            "",
                        )),
                        (other, _, _) => errors.push(error(
                            field.span(),
                            format!("unknown key `{other}` in [{name}]"),
                            "a measure's table takes `low`, `high` and `source`",
                        )),
                    }
                }
                match (low, high) {
                    (Some((low, span)), Some((high, _))) if low > high => errors.push(error(
                        span,
                        format!("[{name}]: `low` = {low} is above `high` = {high}"),
                        "give the band's low end first",
                    )),
                    (Some((low, _)), Some((high, _))) => match source {
                        Some(source) if !source.trim().is_empty() => {
                            targets
                                .bands
                                .insert(name.to_string(), Band { low, high, source });
                        }
                        _ => errors.push(error(
                            span,
                            format!("[{name}] has no `source`"),
                            "say where the band comes from: a statistic, a paper, a survey",
                        )),
                    },
                    _ => errors.push(error(
                        span,
                        format!("[{name}] needs both `low` and `high`"),
                        "give the band as low = ... and high = ...",
                    )),
                }
            }
            (_, DeValue::Table(_)) => {
                let hint = match crate::scenario::reference::did_you_mean(
                    name,
                    measures.iter().copied(),
                ) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "docs/OUTPUT.md lists the measures of validation.csv".to_string(),
                };
                errors.push(error(span, format!("unknown measure `{name}`"), &hint));
            }
            _ => errors.push(error(
                span,
                format!("`{name}` must be a table of `low`, `high` and `source`"),
                "write it as [name] with low = ..., high = ... and source = \"...\"",
            )),
        }
    }
    if errors.is_empty() {
        Ok(targets)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEASURES: [&str; 2] = ["unemployment_mean", "gini_income"];

    fn check(text: &str) -> Result<Targets, Vec<ScenarioError>> {
        parse(text, Path::new("t.toml"), &MEASURES)
    }

    #[test]
    fn a_good_file_gives_its_bands() {
        let t =
            check("name = \"test\"\n[unemployment_mean]\nlow = 4\nhigh = 6.5\nsource = \"NBS\"\n")
                .expect("valid");
        let band = &t.bands["unemployment_mean"];
        assert_eq!(
            (band.low, band.high, band.source.as_str()),
            (4.0, 6.5, "NBS")
        );
        assert_eq!(band.holds(5.0), Some(true));
        assert_eq!(band.holds(7.0), Some(false));
        assert_eq!(band.holds(f64::NAN), None);
        assert_eq!(t.name.as_deref(), Some("test"));
    }

    #[test]
    fn mistakes_are_placed_and_explained() {
        let first = |text: &str| check(text).expect_err("refused")[0].to_string();
        let e = first("[unemployment_maen]\nlow = 1\nhigh = 2\nsource = \"x\"\n");
        assert!(
            e.starts_with("t.toml:1:2: unknown measure `unemployment_maen`"),
            "{e}"
        );
        assert!(e.contains("did you mean `unemployment_mean`?"), "{e}");
        let e = first("[gini_income]\nlow = 0.5\nhigh = 0.4\nsource = \"x\"\n");
        assert!(
            e.starts_with("t.toml:2:7: [gini_income]: `low` = 0.5 is above"),
            "{e}"
        );
        let e = first("[gini_income]\nlow = 0.4\nhigh = 0.5\n");
        assert!(e.contains("has no `source`"), "{e}");
        let e = first("[gini_income]\nlow = \"a\"\nhigh = 0.5\nsource = \"x\"\n");
        assert!(
            e.starts_with("t.toml:2:7: `gini_income.low` must be a number"),
            "{e}"
        );
        let e = first("[gini_income]\nlow = 0.4\nhigh = 0.5\nsource = \"x\"\nsauce = 1\n");
        assert!(
            e.contains("t.toml:5:1: unknown key `sauce` in [gini_income]"),
            "{e}"
        );
        let e = first("gini_income = 3\n");
        assert!(e.contains("must be a table"), "{e}");
        let e = first("[gini_income\n");
        assert!(e.starts_with("t.toml:1:"), "{e}");
        assert!(e.contains("TOML syntax error"), "{e}");
    }
}
