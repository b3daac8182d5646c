//! Scenario files: TOML in, a validated [`Scenario`] out.
//!
//! Loading has two stages. Serde reads each file into the parameter tables of
//! [`params`], rejecting unknown keys and wrong types with the place of the
//! mistake; then [`Scenario::validate`] checks ranges and combinations, and
//! the loader ([`load`]) puts each problem back at the line where its value
//! was written (in the file, in a file it `extends`, or in a `--set`).
//! Nothing here touches the simulation state.

pub mod land;
pub mod load;
pub mod params;
pub mod reference;
pub mod render;
pub mod shape;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use load::Loaded;
pub use params::{
    BankParams, CityParams, EntrepreneurshipParams, FirmParams, FirmsOutput, GovernmentParams,
    IlpParams, ImpParams, InnovationParams, MeiParams, OutputParams, ParamInfo, ResidentParams,
    SectorParams, SimulationParams, ZoningParams,
};

/// `[platforms]`: the two platform tables.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct PlatformsParams {
    /// `[platforms.imp]`.
    pub imp: ImpParams,
    /// `[platforms.ilp]`.
    pub ilp: IlpParams,
}

/// Most sectors a scenario may have (a resident keeps one flag bit per sector).
pub const MAX_SECTORS: usize = 8;

/// Most zones a city may have (zone ids are 16-bit).
pub const MAX_ZONES: u64 = 65_535;

/// Densest a city may be, residents per km² of its area (the densest urban
/// districts in the world hold about 50,000).
pub const MAX_DENSITY: f64 = 100_000.0;

/// A whole scenario: every parameter of a run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Another scenario this one starts from (a path relative to this file);
    /// resolved by the loader and not kept in the resolved scenario.
    #[serde(default, skip_serializing)]
    pub extends: Option<String>,
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
    /// What each land use holds.
    #[serde(default)]
    pub zoning: ZoningParams,
    /// Residents' behaviour.
    #[serde(default)]
    pub residents: ResidentParams,
    /// Firms' behaviour.
    #[serde(default)]
    pub firms: FirmParams,
    /// Founding firms.
    #[serde(default)]
    pub entrepreneurship: EntrepreneurshipParams,
    /// The IMP and ILP platforms.
    #[serde(default)]
    pub platforms: PlatformsParams,
    /// MEI incubator bases.
    #[serde(default)]
    pub mei: MeiParams,
    /// Innovation and its spread.
    #[serde(default)]
    pub innovation: InnovationParams,
    /// Taxes and transfers.
    #[serde(default)]
    pub government: GovernmentParams,
    /// The bank and its policy rate.
    #[serde(default)]
    pub bank: BankParams,
    /// What a run writes besides `timeseries.csv`.
    #[serde(default)]
    pub output: OutputParams,
    /// Sectors by name (in name order).
    #[serde(default = "params::default_sectors")]
    pub sectors: BTreeMap<String, SectorParams>,
    /// Dated policy changes, in the order written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
}

/// A dated change of parameters: `[[events]]` with `month` and `set`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Month at whose start the change applies (1 = the first month).
    pub month: u32,
    /// A label for output and charts.
    #[serde(default)]
    pub note: String,
    /// Dotted keys and their new values, e.g. `"entrepreneurship.startup_cost_months" = 3.0`.
    #[serde(default)]
    pub set: BTreeMap<String, toml::Value>,
    /// A capacity cut: close the least productive firms that made a share of a sector's output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut: Option<CapacityCut>,
}

/// `cut = { sector = "basic_manufacturing", share = 0.2 }` in an event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CapacityCut {
    /// The sector whose firms are cut.
    pub sector: String,
    /// Share of the sector's output (last month) whose firms close, least productive first.
    pub share: f64,
}

/// A problem with a scenario, located where possible.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file (or `--set` for a command-line override).
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
        if let (Some(text), Some((line, col))) = (&self.line_text, self.location) {
            // A tab is one column wide here, as in `col`.
            let text = text.replace('\t', " ");
            let gutter = line.to_string().len();
            write!(
                f,
                "\n {:gutter$} |\n {line} | {text}\n {:gutter$} | {}^",
                "",
                "",
                " ".repeat(col.saturating_sub(1))
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// A validation problem before it is located: the dotted key it concerns
/// (if any), what is wrong, and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The key whose value is wrong (located by the loader).
    pub key: Option<String>,
    /// Other keys whose values the problem involves (the parts of a
    /// combination): when one of them was given with `--set`, the problem
    /// is shown there, as that is the value just changed.
    pub also: Vec<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl Problem {
    /// The same problem, also involving `keys`.
    fn involving<S: AsRef<str>>(mut self, keys: impl IntoIterator<Item = S>) -> Problem {
        self.also
            .extend(keys.into_iter().map(|k| k.as_ref().to_string()));
        self
    }

    fn at(key: &str, message: String, hint: String) -> Problem {
        Problem {
            also: Vec::new(),
            key: Some(key.to_string()),
            message,
            hint,
        }
    }
}

/// A scenario that passed every check of [`Scenario::validate`]: the only
/// kind a [`crate::Simulation`] runs, so that an unchecked scenario (one
/// built or changed in code after loading) cannot run.
#[derive(Debug, Clone)]
pub struct Checked(Scenario);

impl Checked {
    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.0
    }

    /// The scenario, to run or change (a changed one must be checked again).
    pub fn into_inner(self) -> Scenario {
        self.0
    }

    /// The same scenario run for its first `months` months only (at least
    /// 1, at most its own): events after them stay in the scenario but
    /// never fire. A prefix of a checked run needs no new check.
    pub fn first_months(mut self, months: u32) -> Checked {
        let sim = &mut self.0.simulation;
        sim.months = months.clamp(1, sim.months);
        self
    }
}

impl std::ops::Deref for Checked {
    type Target = Scenario;
    fn deref(&self) -> &Scenario {
        &self.0
    }
}

impl Scenario {
    /// Checks every value and event ([`Scenario::validate`]) and returns the
    /// scenario as [`Checked`], or its problems as errors (without a place
    /// in a file: the values may have been set in code).
    pub fn check(self) -> Result<Checked, Vec<ScenarioError>> {
        let problems = self.validate();
        if problems.is_empty() {
            return Ok(Checked(self));
        }
        Err(problems
            .into_iter()
            .map(|p| ScenarioError {
                path: PathBuf::from(format!("scenario {}", self.name)),
                location: None,
                line_text: None,
                message: match &p.key {
                    Some(key) => format!("`{key}`: {}", p.message),
                    None => p.message,
                },
                hint: Some(p.hint).filter(|h| !h.is_empty()),
            })
            .collect())
    }

    /// Reads and validates a scenario file (with its `extends` chain).
    pub fn load(path: &Path) -> Result<Scenario, Vec<ScenarioError>> {
        load::load(path, &[]).map(|l| l.scenario)
    }

    /// Reads a scenario file, applies `key=value` overrides, and validates.
    pub fn load_with(path: &Path, overrides: &[String]) -> Result<Loaded, Vec<ScenarioError>> {
        load::load(path, overrides)
    }

    /// Parses and validates scenario text (no `extends`); `path` is used in
    /// messages only.
    pub fn from_toml(text: &str, path: &Path) -> Result<Scenario, Vec<ScenarioError>> {
        load::from_text(text, path, &[]).map(|l| l.scenario)
    }

    /// Checks ranges and combinations, including every event's changes.
    pub fn validate(&self) -> Vec<Problem> {
        let mut out = self.validate_values();
        for (i, e) in self.events.iter().enumerate() {
            out.extend(load::event_problems(self, i, e));
        }
        out
    }

    /// Checks ranges and combinations of the parameter values.
    pub fn validate_values(&self) -> Vec<Problem> {
        let mut ranges = Vec::new();
        self.simulation.range_violations("simulation.", &mut ranges);
        self.city.range_violations("city.", &mut ranges);
        self.zoning.range_violations("zoning.", &mut ranges);
        self.residents.range_violations("residents.", &mut ranges);
        self.firms.range_violations("firms.", &mut ranges);
        self.entrepreneurship
            .range_violations("entrepreneurship.", &mut ranges);
        self.government.range_violations("government.", &mut ranges);
        self.platforms
            .imp
            .range_violations("platforms.imp.", &mut ranges);
        self.platforms
            .ilp
            .range_violations("platforms.ilp.", &mut ranges);
        self.mei.range_violations("mei.", &mut ranges);
        self.innovation.range_violations("innovation.", &mut ranges);
        self.bank.range_violations("bank.", &mut ranges);
        self.output.range_violations("output.", &mut ranges);
        let mut out: Vec<Problem> = ranges
            .into_iter()
            .map(|v| {
                Problem::at(
                    &v.key,
                    reference::out_of_range(&v.key, v.value),
                    reference::range_hint(&v.info),
                )
            })
            .collect();
        self.validate_sectors(&mut out);
        self.validate_combinations(&mut out);
        out
    }

    fn validate_combinations(&self, out: &mut Vec<Problem>) {
        if self.firms.inventory_lower > self.firms.inventory_upper {
            out.push(
                Problem::at(
                    "firms.inventory_lower",
                    format!(
                        "`firms.inventory_lower` = {} is above `firms.inventory_upper` = {}",
                        self.firms.inventory_lower, self.firms.inventory_upper
                    ),
                    "the inventory band needs lower <= upper".into(),
                )
                .involving(["firms.inventory_upper"]),
            );
        }
        if self.firms.markup_lower > self.firms.markup_upper {
            out.push(
                Problem::at(
                    "firms.markup_lower",
                    format!(
                        "`firms.markup_lower` = {} is above `firms.markup_upper` = {}",
                        self.firms.markup_lower, self.firms.markup_upper
                    ),
                    "the markup band needs lower <= upper".into(),
                )
                .involving(["firms.markup_upper"]),
            );
        }
        // Fewer firms than sectors is no problem: the city is built with at
        // least one firm a sector's worth (see world::build).
        let sim = &self.simulation;
        let zones = self.city.width as u64 * self.city.height as u64;
        if zones > MAX_ZONES {
            out.push(
                Problem::at(
                    "city.width",
                    format!(
                        "a {} x {} city has {} zones, more than {}",
                        self.city.width,
                        self.city.height,
                        reference::grouped(zones as f64),
                        reference::grouped(MAX_ZONES as f64)
                    ),
                    "keep `city.width` x `city.height` at most 65,535 zones: use larger zones (`city.zone_km`) and fewer of them".into(),
                )
                .involving(["city.height"]),
            );
        }
        // A city of no zones is out of range (said above), and has no
        // density or land uses to check.
        if zones == 0 {
            return;
        }
        let area = zones as f64 * self.city.zone_km * self.city.zone_km;
        let density = sim.residents as f64 / area;
        if density > MAX_DENSITY {
            out.push(Problem::at(
                "simulation.residents",
                format!(
                    "{} residents in {area:.1} km² is {density:.0} residents/km², more dwellings than the city can hold (at most {MAX_DENSITY:.0}/km²)",
                    sim.residents
                ),
                "enlarge the city (`city.width`, `city.height`, `city.zone_km`) or lower `simulation.residents`".into(),
            ).involving(["city.width", "city.height", "city.zone_km"]));
        }
        if zones <= MAX_ZONES && !self.has_dwellings() {
            out.push(
                Problem::at(
                    "zoning.residential_dwellings",
                    "no zone of the city holds dwellings: every land use the city has weighs 0 in `zoning.*_dwellings`".into(),
                    "give a positive dwelling weight to a land use the city has (centre, residential, industrial, mixed)".into(),
                )
                .involving([
                    "zoning.centre_dwellings",
                    "zoning.industrial_dwellings",
                    "zoning.mixed_dwellings",
                    "city.industrial_share",
                    "city.mixed_share",
                ]),
            );
        }
    }

    /// Whether some zone of the city this scenario builds has a positive
    /// dwelling weight (the residents need homes). Which land uses a city
    /// has depends on its size and shares, not on the seed.
    fn has_dwellings(&self) -> bool {
        land::land_uses(&self.city, self.simulation.seed)
            .iter()
            .any(|l| l.dwelling_weight(&self.zoning) > 0.0)
    }

    fn validate_sectors(&self, out: &mut Vec<Problem>) {
        if self.sectors.is_empty() || self.sectors.len() > MAX_SECTORS {
            out.push(Problem {
                also: Vec::new(),
                key: Some("sectors".into()),
                message: format!("{} sectors given", self.sectors.len()),
                hint: format!("a scenario needs 1 to {MAX_SECTORS} [sectors.NAME] tables"),
            });
        }
        for (name, s) in &self.sectors {
            let mut v = Vec::new();
            s.range_violations(&format!("sectors.{name}."), &mut v);
            out.extend(v.into_iter().map(|v| {
                Problem::at(
                    &v.key,
                    reference::out_of_range(&v.key, v.value),
                    reference::range_hint(&v.info),
                )
            }));
        }
        for key in ["budget_share", "firm_share"] {
            if self.sectors.is_empty() {
                break;
            }
            let total: f64 = self
                .sectors
                .values()
                .map(|s| {
                    if key == "budget_share" {
                        s.budget_share
                    } else {
                        s.firm_share
                    }
                })
                .sum();
            if (total - 1.0).abs() > 1e-6 {
                let first = self
                    .sectors
                    .keys()
                    .next()
                    .map(|n| format!("sectors.{n}.{key}"));
                out.push(Problem {
                    also: self
                        .sectors
                        .keys()
                        .map(|n| format!("sectors.{n}.{key}"))
                        .collect(),
                    key: first,
                    message: format!(
                        "the sectors' `{key}` values sum to {}, not 1",
                        reference::plain(total)
                    ),
                    hint: format!(
                        "adjust `{key}` in the [sectors.*] tables so that they add up to 1"
                    ),
                });
            }
        }
    }

    /// Firms the city is built with: one per `simulation.residents_per_firm`
    /// residents, and never fewer than the sectors, so that a small city
    /// with large firms still runs.
    pub fn firms_at_setup(&self) -> usize {
        ((self.simulation.residents as f64 / self.simulation.residents_per_firm).round() as usize)
            .max(self.sectors.len())
    }

    /// The sector names in model order (their index is the sector id).
    pub fn sector_names(&self) -> Vec<String> {
        self.sectors.keys().cloned().collect()
    }

    /// Applies dotted-key settings (an event's or an override's) to this
    /// scenario. The keys and values were validated at load time.
    pub fn apply_settings(&mut self, set: &BTreeMap<String, toml::Value>) -> Result<(), String> {
        let mut table = toml::Table::try_from(&*self).map_err(|e| e.to_string())?;
        for (key, value) in set {
            load::set_path(&mut table, key, value.clone());
        }
        let events = std::mem::take(&mut self.events);
        table.remove("events");
        let mut next: Scenario = table
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        next.events = events;
        *self = next;
        Ok(())
    }
}

/// 1-based (line, column) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
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
    fn unknown_key_is_located_with_a_suggestion() {
        let err = Scenario::from_toml("[city]\nwidht = 3\n", Path::new("x.toml")).unwrap_err();
        assert_eq!(err[0].location, Some((2, 1)), "{}", err[0]);
        assert!(err[0].message.contains("widht"), "{}", err[0]);
        assert!(
            err[0].hint.as_deref().unwrap_or("").contains("`width`"),
            "{}",
            err[0]
        );
    }

    #[test]
    fn out_of_range_value_is_located() {
        let err = Scenario::from_toml("[city]\nzone_km = -1.0\n", Path::new("x.toml")).unwrap_err();
        assert!(err[0].message.contains("city.zone_km"), "{}", err[0]);
        assert_eq!(err[0].location, Some((2, 11)), "{}", err[0]);
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

    #[test]
    fn settings_apply_to_a_scenario() {
        let mut s = Scenario {
            sectors: params::default_sectors(),
            ..Scenario::default()
        };
        let mut set = BTreeMap::new();
        set.insert("city.speed_kmh".to_string(), toml::Value::Float(30.0));
        s.apply_settings(&set).unwrap();
        assert_eq!(s.city.speed_kmh, 30.0);
    }
}
