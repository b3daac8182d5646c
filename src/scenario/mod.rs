//! Scenario files: TOML in, a validated [`Scenario`] out.
//!
//! Loading has two stages. Serde reads the file into the parameter tables of
//! [`params`], rejecting unknown keys and wrong types; then [`Scenario::validate`]
//! checks ranges and combinations. Nothing here touches the simulation state.
//! The loader reports problems as [`ScenarioError`]s with the file, line and
//! column where it has them.

pub mod params;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use params::{
    CityParams, EntrepreneurshipParams, FirmParams, GovernmentParams, ParamInfo, ResidentParams,
    SectorParams, SimulationParams,
};

/// Most sectors a scenario may have (a resident keeps one flag bit per sector).
pub const MAX_SECTORS: usize = 8;

/// A whole scenario: every parameter of a run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A short name, used for the default output folder.
    #[serde(default)]
    pub name: String,
    /// A sentence on what the scenario models.
    #[serde(default)]
    pub description: String,
    /// Horizon, seed and size.
    #[serde(default)]
    pub simulation: SimulationParams,
    /// Zones and commuting.
    #[serde(default)]
    pub city: CityParams,
    /// Residents' behaviour.
    #[serde(default)]
    pub residents: ResidentParams,
    /// Firms' behaviour.
    #[serde(default)]
    pub firms: FirmParams,
    /// Founding firms.
    #[serde(default)]
    pub entrepreneurship: EntrepreneurshipParams,
    /// Taxes and transfers.
    #[serde(default)]
    pub government: GovernmentParams,
    /// Sectors by name (in name order).
    #[serde(default = "params::default_sectors")]
    pub sectors: BTreeMap<String, SectorParams>,
}

/// A problem with a scenario, located where possible.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file (or `<string>` for in-memory scenarios).
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a place in the file.
    pub location: Option<(usize, usize)>,
    /// The offending line of the file, when located.
    pub line_text: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, col)) = self.location {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": {}", self.message)?;
        if let (Some(text), Some((_, col))) = (&self.line_text, self.location) {
            write!(
                f,
                "\n    {text}\n    {}^",
                " ".repeat(col.saturating_sub(1))
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, Vec<ScenarioError>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![ScenarioError {
                path: path.to_path_buf(),
                location: None,
                line_text: None,
                message: format!("cannot read the scenario: {e}"),
                hint: Some("check the path; scenarios live in scenarios/".into()),
            }]
        })?;
        let mut scenario = Self::from_toml(&text, path)?;
        if scenario.name.is_empty() {
            scenario.name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into());
        }
        Ok(scenario)
    }

    /// Parses and validates scenario text; `path` is used in messages only.
    pub fn from_toml(text: &str, path: &Path) -> Result<Scenario, Vec<ScenarioError>> {
        let scenario: Scenario = toml::from_str(text).map_err(|e| {
            let location = e.span().map(|s| line_col(text, s.start));
            vec![ScenarioError {
                path: path.to_path_buf(),
                location,
                line_text: location.map(|(l, _)| text.lines().nth(l - 1).unwrap_or("").to_string()),
                message: e.message().trim().to_string(),
                hint: Some("docs/MODEL.md lists every key with its type, unit and range".into()),
            }]
        })?;
        let problems = scenario.validate();
        if problems.is_empty() {
            Ok(scenario)
        } else {
            Err(problems
                .into_iter()
                .map(|(message, hint)| ScenarioError {
                    path: path.to_path_buf(),
                    location: None,
                    line_text: None,
                    message,
                    hint: Some(hint),
                })
                .collect())
        }
    }

    /// Checks ranges and combinations; returns (message, hint) pairs.
    pub fn validate(&self) -> Vec<(String, String)> {
        let mut ranges = Vec::new();
        self.simulation.range_violations("simulation.", &mut ranges);
        self.city.range_violations("city.", &mut ranges);
        self.residents.range_violations("residents.", &mut ranges);
        self.firms.range_violations("firms.", &mut ranges);
        self.entrepreneurship
            .range_violations("entrepreneurship.", &mut ranges);
        self.government.range_violations("government.", &mut ranges);
        let mut out: Vec<(String, String)> = ranges
            .into_iter()
            .map(|v| {
                (
                    format!("`{}` = {} is out of range", v.key, v.value),
                    format!(
                        "use a value from {} to {} ({}); the default is {}",
                        v.info.min, v.info.max, v.info.unit, v.info.default
                    ),
                )
            })
            .collect();
        self.validate_sectors(&mut out);
        if self.firms.inventory_lower > self.firms.inventory_upper {
            out.push((
                "`firms.inventory_lower` is above `firms.inventory_upper`".into(),
                "the inventory band needs lower <= upper".into(),
            ));
        }
        if self.firms.markup_lower > self.firms.markup_upper {
            out.push((
                "`firms.markup_lower` is above `firms.markup_upper`".into(),
                "the markup band needs lower <= upper".into(),
            ));
        }
        let firms = self.simulation.residents as f64 / self.simulation.residents_per_firm;
        if firms < self.sectors.len() as f64 {
            out.push((
                format!(
                    "{firms:.0} firms at set-up cannot cover {} sectors",
                    self.sectors.len()
                ),
                "raise `simulation.residents` or lower `simulation.residents_per_firm`".into(),
            ));
        }
        out
    }

    fn validate_sectors(&self, out: &mut Vec<(String, String)>) {
        if self.sectors.is_empty() || self.sectors.len() > MAX_SECTORS {
            out.push((
                format!("{} sectors given", self.sectors.len()),
                format!("a scenario needs 1 to {MAX_SECTORS} sectors"),
            ));
        }
        for (name, s) in &self.sectors {
            for (key, v) in [
                ("budget_share", s.budget_share),
                ("firm_share", s.firm_share),
            ] {
                if !(0.0..=1.0).contains(&v) {
                    out.push((
                        format!("`sectors.{name}.{key}` = {v} is out of range"),
                        "use a share from 0 to 1".into(),
                    ));
                }
            }
            if !(s.productivity > 0.0 && s.productivity.is_finite()) {
                out.push((
                    format!(
                        "`sectors.{name}.productivity` = {} must be positive",
                        s.productivity
                    ),
                    "output per efficiency unit of labour, for example 100".into(),
                ));
            }
        }
        for (key, total) in [
            (
                "budget_share",
                self.sectors.values().map(|s| s.budget_share).sum::<f64>(),
            ),
            (
                "firm_share",
                self.sectors.values().map(|s| s.firm_share).sum::<f64>(),
            ),
        ] {
            if (total - 1.0).abs() > 1e-6 {
                out.push((
                    format!("the sectors' `{key}` values sum to {total}, not 1"),
                    format!("adjust `{key}` in the [sectors.*] tables so that they add up to 1"),
                ));
            }
        }
    }

    /// The sector names in model order (their index is the sector id).
    pub fn sector_names(&self) -> Vec<String> {
        self.sectors.keys().cloned().collect()
    }
}

/// 1-based (line, column) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_the_defaults() {
        let s = Scenario::from_toml("", Path::new("x.toml")).unwrap();
        assert_eq!(s.simulation, SimulationParams::default());
        assert_eq!(s.sectors.len(), 3);
    }

    #[test]
    fn unknown_key_is_located() {
        let err = Scenario::from_toml("[city]\nwidht = 3\n", Path::new("x.toml")).unwrap_err();
        assert_eq!(err[0].location, Some((2, 1)), "{}", err[0]);
        assert!(err[0].message.contains("widht"), "{}", err[0]);
    }

    #[test]
    fn out_of_range_value_is_named() {
        let err = Scenario::from_toml("[city]\nzone_km = -1.0\n", Path::new("x.toml")).unwrap_err();
        assert!(err[0].message.contains("city.zone_km"), "{}", err[0]);
    }

    #[test]
    fn budget_shares_must_sum_to_one() {
        let text = "[sectors.a]\nbudget_share = 0.5\nfirm_share = 1.0\n";
        let err = Scenario::from_toml(text, Path::new("x.toml")).unwrap_err();
        assert!(
            err.iter().any(|e| e.message.contains("budget_share")),
            "{err:?}"
        );
    }
}
