//! Every model parameter: its table, key, type, default, unit, valid range,
//! meaning and source. This file is table-like on purpose: one entry per
//! parameter, read by the loader, the validator and the reference printer.
//!
//! Money is in yuan in scenario files (people think in yuan) and in integer
//! cents inside the model.

use serde::{Deserialize, Serialize};

/// One row of the parameter reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamInfo {
    /// Table the key lives in, e.g. `city`.
    pub table: &'static str,
    /// Key inside the table.
    pub key: &'static str,
    /// Rust type, as written in the source (`f64`, `u32`, `bool`).
    pub ty: &'static str,
    /// Default, as written in the source.
    pub default: &'static str,
    /// Unit of the value.
    pub unit: &'static str,
    /// Smallest valid value (inclusive).
    pub min: f64,
    /// Largest valid value (inclusive).
    pub max: f64,
    /// What the parameter means.
    pub doc: &'static str,
    /// Where the default comes from.
    pub source: &'static str,
    /// The words a key of a word type takes (`off`, `yearly`, `monthly`);
    /// empty for numbers and booleans.
    pub choices: &'static [&'static str],
}

impl ParamInfo {
    /// Whether the key takes one of a few words rather than a number or a
    /// boolean.
    pub fn is_choice(&self) -> bool {
        !self.choices.is_empty()
    }
}

/// Values that can be range-checked.
pub trait RangeValue {
    /// The value as a number, or `None` for non-numeric values.
    fn as_number(&self) -> Option<f64>;
}
macro_rules! numeric_range_value {
    ($($t:ty),*) => { $(impl RangeValue for $t { fn as_number(&self) -> Option<f64> { Some(*self as f64) } })* };
}
numeric_range_value!(f64, u32, u64, i64);
impl RangeValue for bool {
    fn as_number(&self) -> Option<f64> {
        None
    }
}
impl RangeValue for FirmsOutput {
    fn as_number(&self) -> Option<f64> {
        None
    }
}

/// How often a run writes `firms.csv` (`output.firms`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum FirmsOutput {
    /// No `firms.csv` or `exits.csv`.
    Off,
    /// A snapshot every 12 months and at the last month.
    #[default]
    Yearly,
    /// A snapshot every month.
    Monthly,
}

impl FirmsOutput {
    /// The words `output.firms` takes, as written in a scenario.
    pub const CHOICES: &'static [&'static str] = &["off", "yearly", "monthly"];

    /// The months between snapshots; `None` when off.
    pub fn every(self) -> Option<u32> {
        match self {
            FirmsOutput::Off => None,
            FirmsOutput::Yearly => Some(12),
            FirmsOutput::Monthly => Some(1),
        }
    }
}

/// The words of a word-typed key, or none.
macro_rules! choices_or_none {
    () => {
        &[]
    };
    ($c:expr) => {
        $c
    };
}

/// A value outside its valid range.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeViolation {
    /// Dotted key, e.g. `city.width`.
    pub key: String,
    /// The value found.
    pub value: f64,
    /// The parameter's reference row.
    pub info: ParamInfo,
}

macro_rules! param_table {
    (
        $(#[doc = $tdoc:literal])*
        $name:ident, $table:literal {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $default:expr,
                    unit $unit:literal, range $lo:expr => $hi:expr,
                    $(choices $choices:expr,)? source $src:literal;
            )*
        }
    ) => {
        $(#[doc = $tdoc])*
        #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }
        impl Default for $name {
            fn default() -> Self { Self { $( $field: $default, )* } }
        }
        impl $name {
            /// The reference rows of this table, in declaration order.
            pub const REFERENCE: &'static [ParamInfo] = &[ $( ParamInfo {
                table: $table, key: stringify!($field), ty: stringify!($ty),
                default: stringify!($default), unit: $unit,
                min: $lo as f64, max: $hi as f64,
                doc: concat!($($doc),*), source: $src,
                choices: choices_or_none!($($choices)?),
            }, )* ];
            /// Values outside their ranges, with `prefix` before the key.
            pub fn range_violations(&self, prefix: &str, out: &mut Vec<RangeViolation>) {
                let mut i = 0usize;
                $(
                    if let Some(v) = RangeValue::as_number(&self.$field) {
                        let info = Self::REFERENCE[i];
                        if !(v >= info.min && v <= info.max) {
                            out.push(RangeViolation { key: format!("{prefix}{}", stringify!($field)), value: v, info });
                        }
                    }
                    i += 1;
                )*
                let _ = i;
            }
        }
    };
}

param_table! {
    /// `[simulation]`: horizon, seed and size.
    SimulationParams, "simulation" {
        /// Months to simulate (one step is one month).
        months: u32 = 120, unit "months", range 1 => 12_000,
            source "DESIGN: ten years, long enough for firm turnover and housing to settle";
        /// Seed of every random stream.
        seed: u64 = 42, unit "-", range 0 => i64::MAX,
            source "arbitrary; replicates vary it";
        /// Number of residents (one worker per household); at most 100,000 a km² of the city's area.
        residents: u32 = 100_000, unit "residents", range 100 => 50_000_000,
            source "a district-sized city that runs in about a second";
        /// Residents per firm at set-up; sets the initial firm count (never fewer firms than sectors).
        residents_per_firm: f64 = 30.0, unit "residents/firm", range 2.0 => 10_000.0,
            source "calibrated: near the firm count at which entry and exit balance in the labour-only city (mean firm size about 25; US SUSB mean about 20); the baseline's stock of firms doubles over its first decade, and with 15 or 20 it still grows by about 3,000 (MODEL.md 5)";
    }
}

param_table! {
    /// `[city]`: zones, land use, dwellings, commuting.
    CityParams, "city" {
        /// Zones along the x axis; width x height is at most 65,535 zones.
        width: u32 = 10, unit "zones", range 1 => 1_000, source "DESIGN: 10 x 10 grid";
        /// Zones along the y axis; width x height is at most 65,535 zones.
        height: u32 = 10, unit "zones", range 1 => 1_000, source "DESIGN: 10 x 10 grid";
        /// Side of a square zone.
        zone_km: f64 = 2.0, unit "km", range 0.1 => 50.0, source "DESIGN: 2 km zones (a 20 x 20 km city)";
        /// Zones whose centre lies within this distance of the city centre are the CBD.
        centre_radius_km: f64 = 3.0, unit "km", range 0.0 => 1_000.0,
            source "a CBD of about 4% of the area, as in a monocentric city";
        /// Share of zones zoned industrial, drawn among the outer half of the city.
        industrial_share: f64 = 0.15, unit "share of zones", range 0.0 => 0.5,
            source "industrial land is 15-25% of Chinese urban construction land (GB 50137-2011)";
        /// Share of the remaining zones zoned mixed-use (jobs and homes side by side).
        mixed_share: f64 = 0.10, unit "share of zones", range 0.0 => 1.0,
            source "baseline with little mixed-use zoning; the commute-reduction lever raises it";
        /// Target share of vacant dwellings; sets the housing stock and the rent rule.
        vacancy_target: f64 = 0.05, unit "share of dwellings", range 0.005 => 0.5,
            source "a typical frictional vacancy rate";
        /// Time to walk, wait and park on each one-way trip.
        access_min: f64 = 10.0, unit "minutes", range 0.0 => 120.0,
            source "walk and wait time of urban transit trips";
        /// Free-flow door-to-door speed.
        speed_kmh: f64 = 18.0, unit "km/h", range 1.0 => 200.0,
            source "calibrated: mean commute near Beijing's 47 min / Shanghai's 40 min";
        /// Road distance over straight-line distance.
        detour: f64 = 1.3, unit "ratio", range 1.0 => 3.0, source "detour index 1.2-1.4 (Ballou et al. 2002)";
        /// BPR congestion coefficient a in 1 + a (V/C)^b.
        bpr_a: f64 = 0.15, unit "-", range 0.0 => 10.0, source "US Bureau of Public Roads (1964)";
        /// BPR congestion exponent b in 1 + a (V/C)^b.
        bpr_b: f64 = 4.0, unit "-", range 0.0 => 10.0, source "US Bureau of Public Roads (1964)";
        /// Road capacity C, as one-way commuter-km per resident.
        road_capacity_km: f64 = 9.0, unit "km/resident", range 0.01 => 1_000.0,
            source "calibrated so that V/C is near 1 at the baseline";
        /// Fare and running cost per km of a trip.
        fare_per_km: f64 = 0.5, unit "yuan/km", range 0.0 => 100.0,
            source "a mix of metro fares (about 0.3 yuan/km) and car running costs";
        /// Value of travel time as a share of the hourly wage.
        value_of_time_share: f64 = 0.5, unit "share of hourly wage", range 0.0 => 5.0,
            source "transport-economics convention (Small 2012)";
        /// Commuting days per month.
        workdays: f64 = 22.0, unit "days/month", range 0.0 => 31.0, source "five-day week";
        /// Paid hours per workday (turns a monthly wage into an hourly one).
        hours_per_workday: f64 = 8.0, unit "hours/day", range 1.0 => 24.0, source "the statutory 8-hour day (China Labour Law)";
        /// Money value of one unit of zone amenity (CBD = 1).
        amenity_value: f64 = 1_500.0, unit "yuan/month", range 0.0 => 1.0e7,
            source "calibrated: CBD rents about 1.4 times residential zones' at set-up, before demand moves them";
        /// Initial rent of a dwelling, before demand moves it.
        base_rent: f64 = 2_500.0, unit "yuan/month", range 0.0 => 1.0e7,
            source "about a quarter of the mean wage (Beijing, 2023)";
        /// Monthly rent change per unit of excess demand for a zone's dwellings.
        rent_adjust: f64 = 0.05, unit "1/month", range 0.0 => 1.0,
            source "rents adjust over a few years (partial adjustment)";
        /// Floor of a zone's rent.
        min_rent: f64 = 300.0, unit "yuan/month", range 0.0 => 1.0e7, source "keeps rents positive";
        /// Firms' rent per worker as a share of the zone's dwelling rent.
        commercial_rent_share: f64 = 0.2, unit "share of dwelling rent", range 0.0 => 10.0,
            source "office rent of a few square metres per worker";
    }
}

param_table! {
    /// `[zoning]`: what each land use holds. Weights are relative: dwellings
    /// and firms are shared out among zones in proportion to them.
    ZoningParams, "zoning" {
        /// Dwelling density of CBD zones.
        centre_dwellings: f64 = 1.0, unit "relative weight", range 0.0 => 1.0e3,
            source "CBDs mix offices with housing";
        /// Dwelling density of residential zones (the land uses a city has cannot all weigh 0).
        residential_dwellings: f64 = 1.2, unit "relative weight", range 0.0 => 1.0e3,
            source "housing estates are the densest housing";
        /// Dwelling density of industrial zones.
        industrial_dwellings: f64 = 0.1, unit "relative weight", range 0.0 => 1.0e3,
            source "a few dormitories in industrial parks";
        /// Dwelling density of mixed-use zones.
        mixed_dwellings: f64 = 1.0, unit "relative weight", range 0.0 => 1.0e3,
            source "mixed-use blocks keep most of their housing";
        /// Attraction of CBD zones for service firms.
        centre_services: f64 = 8.0, unit "relative weight", range 0.0 => 1.0e3,
            source "calibrated: services cluster in the CBD, as in a monocentric city";
        /// Attraction of residential zones for service firms (local shops).
        residential_services: f64 = 0.15, unit "relative weight", range 0.0 => 1.0e3,
            source "neighbourhood services";
        /// Attraction of industrial zones for service firms.
        industrial_services: f64 = 0.3, unit "relative weight", range 0.0 => 1.0e3,
            source "business services near factories";
        /// Attraction of mixed-use zones for service firms.
        mixed_services: f64 = 1.5, unit "relative weight", range 0.0 => 1.0e3,
            source "mixed use allows offices next to homes";
        /// Attraction of CBD zones for manufacturing firms.
        centre_manufacturing: f64 = 0.2, unit "relative weight", range 0.0 => 1.0e3,
            source "headquarters-style light manufacturing only";
        /// Attraction of residential zones for manufacturing firms (zoned out).
        residential_manufacturing: f64 = 0.0, unit "relative weight", range 0.0 => 1.0e3,
            source "residential zoning excludes factories";
        /// Attraction of industrial zones for manufacturing firms.
        industrial_manufacturing: f64 = 5.0, unit "relative weight", range 0.0 => 1.0e3,
            source "factories locate in industrial parks";
        /// Attraction of mixed-use zones for manufacturing firms.
        mixed_manufacturing: f64 = 1.5, unit "relative weight", range 0.0 => 1.0e3,
            source "mixed use allows workshops next to homes";
        /// Amenity of CBD zones (the scale: CBD = 1).
        centre_amenity: f64 = 1.0, unit "amenity units", range 0.0 => 100.0, source "the scale";
        /// Amenity of residential zones.
        residential_amenity: f64 = 0.4, unit "amenity units", range 0.0 => 100.0, source "parks and schools, fewer shops";
        /// Amenity of industrial zones.
        industrial_amenity: f64 = 0.0, unit "amenity units", range 0.0 => 100.0, source "noise and traffic";
        /// Amenity of mixed-use zones.
        mixed_amenity: f64 = 0.6, unit "amenity units", range 0.0 => 100.0, source "shops and services near homes";
    }
}

param_table! {
    /// `[residents]`: skills, wealth, consumption, search and moving.
    ResidentParams, "residents" {
        /// Share of residents unemployed at set-up.
        initial_unemployment: f64 = 0.06, unit "share", range 0.0 => 1.0,
            source "near the model's own steady state (China's surveyed urban rate is about 5%)";
        /// Standard deviation of log skill (skill is lognormal with mean 1).
        skill_sigma: f64 = 0.5, unit "log points", range 0.0 => 3.0,
            source "dispersion of log wages in Chinese cities, about 0.5-0.7; `baseline.toml` sets 0.7";
        /// Initial wealth in months of disposable income.
        initial_wealth_months: f64 = 6.0, unit "months of income", range 0.0 => 1_000.0,
            source "the steady state of the consumption rule: (1 - propensity_income) / propensity_wealth = 6";
        /// Share of monthly disposable income consumed.
        propensity_income: f64 = 0.7, unit "share", range 0.0 => 1.0,
            source "Caiani et al. (2016) use 0.9; lowered for China's high household saving rate";
        /// How fast the propensity to consume out of income falls with income: the propensity is `propensity_income` times (income / mean income) to the power of minus this (0: the same for all).
        saving_gradient: f64 = 0.0, unit "-", range 0.0 => 5.0,
            source "off (0) in the labour-only city; `baseline.toml` sets 0.45 (MODEL.md 3.16); saving rates rise from near 0 in the bottom quintile of permanent income to 25-50% in the top (Dynan, Skinner & Zeldes 2004); China's urban saving rates rise likewise by income quintile (NBS household survey)";
        /// Share of wealth consumed each month.
        propensity_wealth: f64 = 0.05, unit "share/month", range 0.0 => 1.0,
            source "Caiani et al. (2016)-style wealth effect";
        /// Monthly chance to look for a cheaper supplier in each sector.
        supplier_search_prob: f64 = 0.1, unit "1/month", range 0.0 => 1.0, source "Lengnick (2013) uses 0.25 with seven suppliers a household; one supplier a sector here, so stickier";
        /// Relative price gain needed to switch supplier.
        supplier_switch_gain: f64 = 0.05, unit "share of price", range 0.0 => 1.0, source "Lengnick (2013) uses 1% with seven suppliers a household; 5% here, as a household has one supplier a sector and switching costs more";
        /// Chance that a supplier candidate is drawn from the home zone rather than citywide.
        local_search_share: f64 = 0.5, unit "share", range 0.0 => 1.0,
            source "residents know nearby shops best";
        /// Chance that a supplier search's candidate is the seller of a random yuan of last month's sales in its sector (word of mouth) rather than a firm drawn from the home zone or the city.
        referral_share: f64 = 0.0, unit "share", range 0.0 => 1.0,
            source "off (0) in the labour-only city; growth in proportion to size (Simon 1955) gives Zipf's law for firm sizes (Axtell 2001, Science 293: exponent about 1); `baseline.toml`'s 0.3 (calibrated) brings the tail exponent from about 2 to 1.3";
        /// Shopping travel cost per km of distance, as a share of the price.
        shopping_cost_per_km: f64 = 0.01, unit "share of price/km", range 0.0 => 1.0,
            source "a few trips a month, each a small share of the basket";
        /// Monthly chance that an unemployed resident finds openings to apply to (offer arrival rate).
        unemployed_search_prob: f64 = 0.35, unit "1/month", range 0.0 => 1.0,
            source "job-finding rates of 0.3-0.45 a month (Shimer 2005, US)";
        /// Job offers a searcher compares each month.
        job_offers: u32 = 3, unit "offers", range 1 => 100, source "Lengnick (2013) samples a few firms";
        /// Spread of the non-wage match quality of a job offer, as a share of the wage (uniform, +/-).
        match_spread: f64 = 0.3, unit "share of wage", range 0.0 => 5.0,
            source "calibrated: commutes as long as Beijing's and Shanghai's need job heterogeneity";
        /// Monthly chance that a job at a firm ends for reasons of its own (a quit into unemployment, a match that stops paying), on top of the firm's planned layoffs.
        separation_rate: f64 = 0.0, unit "1/month", range 0.0 => 1.0,
            source "off (0) in the labour-only city; monthly separation rates into unemployment vary less across 27 OECD countries than job-finding rates (Hobijn & Sahin 2009, abstract checked; their rates not checked here); `baseline.toml`'s 1.25% (calibrated) gives frictional unemployment near China's surveyed 5%";
        /// Monthly chance that an employed resident searches for a better job.
        on_the_job_search: f64 = 0.1, unit "1/month", range 0.0 => 1.0, source "Lengnick (2013): 0.1";
        /// Relative gain in wage minus commute cost needed to change jobs.
        job_switch_gain: f64 = 0.1, unit "share", range 0.0 => 10.0, source "switching costs";
        /// Base monthly chance of considering a move.
        move_prob: f64 = 0.01, unit "1/month", range 0.0 => 1.0,
            source "about 11% of households move a year (US CPS); China lower";
        /// Extra monthly chance of considering a move per hour of one-way commute.
        move_prob_per_commute_hour: f64 = 0.02, unit "1/month/hour", range 0.0 => 1.0,
            source "long commutes raise moving (Clark et al. 2003)";
        /// Zones a mover compares.
        move_options: u32 = 5, unit "zones", range 1 => 1_000, source "a short housing search";
        /// Gain needed to move, as a share of monthly income.
        move_gain: f64 = 0.05, unit "share of income", range 0.0 => 10.0, source "moving costs";
        /// Well-being loss per minute of one-way commute.
        wellbeing_commute_per_min: f64 = 0.0085, unit "log points/minute", range 0.0 => 1.0,
            source "Stutzer & Frey (2008): a 1-hour one-way commute is worth a 40% income loss, ln(0.6)/60";
        /// Well-being loss of being unemployed.
        wellbeing_unemployed: f64 = 0.5, unit "log points", range 0.0 => 10.0,
            source "Winkelmann & Winkelmann (1998): unemployment hurts beyond the income loss";
        /// Reservation wage of a newly unemployed resident above the benefit: a job's worth after income tax and commuting must exceed benefit x (1 + this).
        reservation_margin: f64 = 0.05, unit "share of benefit", range 0.0 => 10.0,
            source "Mortensen (1977): the reservation wage is the benefit plus the worth of searching on; Krueger & Mueller (2016) find it starts high";
        /// Monthly fall of the reservation wage over a spell of unemployment.
        reservation_decline: f64 = 0.04, unit "share/month", range 0.0 => 1.0,
            source "Krueger & Mueller (2016): reported reservation wages fall 2.5-7% a year, more slowly than a calibrated search model says they should; much faster here, as the model's benefit never runs out (China's runs out after 12-24 months and is capped below the minimum wage), and 4% keeps the baseline's unemployment within 3-12%";
    }
}

param_table! {
    /// `[firms]`: production plans, wages, prices, dividends and exit.
    FirmParams, "firms" {
        /// Initial wage per efficiency unit (the mean wage at mean skill).
        initial_wage: f64 = 10_000.0, unit "yuan/month", range 1.0 => 1.0e8,
            source "NBS 2023: urban non-private average wage about 10,000 yuan/month";
        /// Lower edge of the inventory band (at most `inventory_upper`).
        inventory_lower: f64 = 0.25, unit "months of demand", range 0.0 => 100.0, source "Lengnick (2013)";
        /// Upper edge of the inventory band (at least `inventory_lower`).
        inventory_upper: f64 = 1.0, unit "months of demand", range 0.0 => 100.0, source "Lengnick (2013)";
        /// Weight of last month's sales in expected demand.
        demand_smoothing: f64 = 0.5, unit "share", range 0.0 => 1.0, source "adaptive expectations";
        /// Share of the gap between wanted and actual staff closed each month.
        labour_adjust: f64 = 0.3, unit "share/month", range 0.0 => 1.0,
            source "hiring and firing take months";
        /// Largest random step of a wage-offer change.
        wage_step: f64 = 0.019, unit "share", range 0.0 => 1.0,
            source "Lengnick (2013): 0.019; `baseline.toml` sets 0.005: with credit money the wider steps gave inflation above 4% a year (MODEL.md 3.16)";
        /// A firm that fails to fill vacancies raises its offer only while it pays less than the market wage plus this share.
        wage_premium_cap: f64 = 0.02, unit "share of market wage", range 0.0 => 10.0,
            source "firms benchmark pay against the going wage; keeps unseen vacancies from ratcheting wages up";
        /// Months fully staffed before the wage offer is cut.
        full_staff_months: u32 = 24, unit "months", range 1 => 1_000, source "Lengnick (2013): 24";
        /// Share of expected inflation (the bank's inflation target while it is on; none while money is a fixed stock) built into every wage offer each month.
        wage_indexation: f64 = 1.0, unit "share", range 0.0 => 1.0,
            source "wage setters expect the central bank's target when it is credible (Poledna et al. 2023 index wages to expected inflation); no anchor without the bank; `baseline.toml` sets 0.7 (MODEL.md 3.16)";
        /// Chance a firm may change its price in a month (Calvo).
        price_change_prob: f64 = 0.75, unit "1/month", range 0.0 => 1.0, source "Lengnick (2013): 0.75";
        /// Largest random step of a price change.
        price_step: f64 = 0.02, unit "share", range 0.0 => 1.0, source "Lengnick (2013): 0.02";
        /// Lowest markup over unit cost at which a firm still cuts prices (at most `markup_upper`).
        markup_lower: f64 = 1.025, unit "ratio", range 0.0 => 100.0, source "Lengnick (2013): 1.025";
        /// Highest markup over unit cost at which a firm still raises prices (at least `markup_lower`).
        markup_upper: f64 = 1.15, unit "ratio", range 0.0 => 100.0, source "Lengnick (2013): 1.15";
        /// Cash kept as a buffer, in months of costs; dividends are paid above it.
        cash_buffer_months: f64 = 3.0, unit "months of costs", range 0.0 => 1_000.0,
            source "small firms hold one to three months of costs (JPMorgan Chase Institute 2016)";
        /// Share of cash above the buffer paid out to the owner each month.
        dividend_share: f64 = 0.5, unit "share/month", range 0.0 => 1.0, source "Lengnick (2013) pays all; smoothed";
        /// Cash at set-up, in months of the firm's wage bill.
        initial_cash_months: f64 = 4.0, unit "months of costs", range 0.0 => 1_000.0,
            source "a buffer so that set-up firms do not fail at once";
        /// Months with no workers and no sales before a firm closes.
        idle_exit_months: u32 = 12, unit "months", range 1 => 1_000, source "dormant firms are struck off";
        /// Returns to scale: output grows as efficiency units of labour to this power.
        returns_to_scale: f64 = 1.0, unit "-", range 0.1 => 1.0,
            source "plant-level returns near or slightly below 1 (Basu & Fernald 1997); the span of control (Lucas 1978) limits firm size";
        /// Firm size, in efficiency units of labour, at which output per unit equals the sector's productivity.
        reference_size: f64 = 20.0, unit "efficiency units", range 1.0 => 1.0e6,
            source "the mean firm size at set-up";
        /// Stock at set-up, in months of output.
        initial_stock_months: f64 = 0.5, unit "months of output", range 0.0 => 100.0,
            source "inside the inventory band, so set-up firms neither hire nor fire at once";
        /// Largest Pareto size weight of a firm at set-up (the smallest is 1).
        size_weight_cap: f64 = 100.0, unit "ratio", range 1.0 => 1.0e6,
            source "keeps the largest set-up firm near a few hundred workers in the baseline";
        /// Pareto tail exponent of initial firm sizes.
        size_tail: f64 = 1.05, unit "-", range 0.2 => 10.0, source "Axtell (2001): Zipf exponent about 1";
        /// Capital a firm needs, in months of its output valued at set-up prices (the capital-output ratio).
        capital_output_months: f64 = 0.0, unit "months of output", range 0.0 => 1_000.0,
            source "off (0) in the labour-only city; `baseline.toml` sets 36, a capital-output ratio of 3 years (China: 2.5-3.5, Penn World Table 10; Bai, Hsieh & Qian 2006; MODEL.md 3.16)";
        /// Share of capital worn out each month.
        depreciation: f64 = 0.0075, unit "share/month", range 0.0 => 1.0,
            source "about 9% a year, the depreciation rate of Chinese capital estimates (Bai, Hsieh & Qian 2006; Penn World Table 10: 4-10%)";
        /// How much a firm's output falls for want of capital: output is scaled by 1 - elasticity x (1 - capital / capital needed).
        capital_elasticity: f64 = 0.3, unit "-", range 0.0 => 1.0,
            source "the capital share of income, about 0.3-0.45 in China (Bai, Hsieh & Qian 2006)";
        /// How strongly the capital wanted per unit of output answers the real loan rate: the power of the neoclassical ratio (rate at the steady state + depreciation) / (rate + depreciation); 0 ignores the rate.
        investment_rate_elasticity: f64 = 0.3, unit "-", range 0.0 => 5.0,
            source "Jorgenson (1963) user cost of capital gives 1 for a Cobb-Douglas technology; damped because the rule has no adjustment cost beyond `investment_adjust` (not calibrated)";
        /// Share of the gap between capital needed and capital held that a firm orders each month, on top of replacing depreciation.
        investment_adjust: f64 = 0.02, unit "share/month", range 0.0 => 1.0,
            source "a capital gap closes over about four years; 0.1 (a year's time to build, Kydland & Prescott 1982) swung investment between 1% and 95% of output; `baseline.toml` sets 0.01, about eight years (MODEL.md 3.16)";
    }
}

param_table! {
    /// `[entrepreneurship]`: founding firms.
    EntrepreneurshipParams, "entrepreneurship" {
        /// The startup cost a founder pays (sunk: registration, licences, fit-out; paid to the government as fees), in months of the mean wage (the startup threshold).
        startup_cost_months: f64 = 12.0, unit "months of mean wage", range 0.0 => 1_000.0,
            source "registration, licences, premises and fit-out a small firm cannot resell: about a year of a wage before China's 2014 registration reform";
        /// Monthly founding hazard of a resident of aptitude 1 who can pay the cost.
        founding_hazard: f64 = 0.003, unit "1/month", range 0.0 => 1.0,
            source "calibrated with `starting_capital_months`: about 7-8% of firms a year are new (US BDS, 2010s: 8-10%), with unemployment inside 3-12% after the first year";
        /// Dispersion of startup projects' scale: a project needs the startup cost times a lognormal scale of mean 1 and this log-sd.
        project_scale_sigma: f64 = 1.0, unit "log points", range 0.0 => 5.0,
            source "startup capital is highly dispersed (Hurst & Lusardi 2004); calibrated so that halving the cost raises startups by tens of percent, as after reforms in Portugal and China";
        /// Staff a founder plans for in the first month.
        startup_staff: u32 = 3, unit "workers", range 1 => 10_000, source "most startups are small";
        /// Price of a startup relative to its sector's mean, to win customers.
        startup_discount: f64 = 0.03, unit "share of price", range 0.0 => 0.9, source "entry pricing";
        /// A new firm's starting capital (its first cash), in months of the wage bill it plans (`startup_staff` at its sector's mean wage offer); put up by the founder, or lent by the bank when it is on.
        starting_capital_months: f64 = 12.0, unit "months of planned wage bill", range 0.0 => 1_000.0,
            source "calibrated: with a year of payroll 61-62% of new firms survive a year and 40-42% two (baseline, seeds 42, 7, 2024, 120 months); with 3 months, 25% and 18%; US firm survival is about 80% and 69% (BDS)";
        /// Dispersion of a firm's productivity when it starts (at set-up and at founding) around its sector's mean: lognormal, mean 1, this log-sd.
        productivity_sigma: f64 = 0.1, unit "log points", range 0.0 => 2.0,
            source "firms in one industry differ widely in productivity (Syverson 2004: a 90/10 ratio near 2 within US manufacturing industries); narrower here, as prices follow unit costs and customers compare prices";
    }
}

param_table! {
    /// `[government]`: taxes, benefits and transfers; the city owns the land.
    GovernmentParams, "government" {
        /// Flat tax on wages.
        income_tax: f64 = 0.10, unit "share of wage", range 0.0 => 1.0,
            source "China's individual income tax plus contributions, low average rate";
        /// Tax on positive monthly profits.
        profit_tax: f64 = 0.25, unit "share of profit", range 0.0 => 1.0, source "China's corporate income tax: 25%";
        /// Unemployment benefit as a share of last month's mean wage.
        benefit_share: f64 = 0.4, unit "share of mean wage", range 0.0 => 2.0,
            source "replacement rates of 40-60% (OECD); Chinese insurance pays less";
        /// Share of a positive government balance paid out each month as an equal transfer.
        transfer_share: f64 = 0.5, unit "share/month", range 0.0 => 1.0,
            source "the city spends land revenue on residents within a few months";
        /// Share of residents the government employs (drawn at set-up; they do not search and are paid the mean wage scaled by their skill).
        public_employment_share: f64 = 0.0, unit "share of residents", range 0.0 => 0.9,
            source "off (0), in the baseline too (MODEL.md 3.16); public administration, education, health and social work employ about a tenth of China's urban workers (NBS, China Statistical Yearbook, urban non-private units)";
        /// Goods the government buys each month, as a share of the trend of nominal output.
        purchases_share: f64 = 0.0, unit "share of nominal output", range 0.0 => 0.9,
            source "off (0) in the labour-only city; `baseline.toml` sets 0.15, near government final consumption, 16-17% of China's GDP (NBS, 2015-2023)";
        /// Public debt the deficit rule lets the government run, in years of the trend of nominal output: transfers pay out the balance above minus this.
        debt_target: f64 = 0.0, unit "years of nominal output", range 0.0 => 10.0,
            source "off (0) in the labour-only city: the government pays out its surplus alone; `baseline.toml` sets 0.5, near China's general government debt, 50-60% of GDP (IMF Fiscal Monitor 2023, official definition)";
        /// Share of the room between public debt and the debt the rule allows that is spent each month (as transfers).
        debt_adjust: f64 = 0.0167, unit "share/month", range 0.0 => 1.0,
            source "deficits move debt toward its target over about five years, a plan period";
    }
}

param_table! {
    /// `[bank]`: one bank that lends firms working capital, creating the
    /// deposits it lends; the policy rate follows a Taylor rule.
    BankParams, "bank" {
        /// Whether the bank lends (off: money is a fixed stock, as before credit was built).
        enabled: bool = false, unit "-", range 0 => 0,
            source "off in the labour-only city (a fixed money stock); `baseline.toml` switches it on (MODEL.md 3.15)";
        /// The real neutral rate of the Taylor rule.
        neutral_rate: f64 = 0.02, unit "share/year", range 0.0 => 0.5,
            source "Taylor (1993): 2%";
        /// The inflation target of the Taylor rule.
        inflation_target: f64 = 0.03, unit "share/year", range 0.0 => 0.5,
            source "the People's Bank of China's CPI target: around 3% (Government Work Reports)";
        /// Response of the policy rate to inflation above target, beyond one for one.
        inflation_response: f64 = 0.5, unit "-", range 0.0 => 10.0,
            source "Taylor (1993): 0.5 (1.5 in all)";
        /// Response of the policy rate to unemployment above its natural rate.
        unemployment_response: f64 = 1.0, unit "-", range 0.0 => 10.0,
            source "Taylor's 0.5 on the output gap times an Okun coefficient of about 2";
        /// The unemployment rate at which the rule neither eases nor tightens.
        natural_unemployment: f64 = 0.05, unit "share", range 0.0 => 1.0,
            source "China's surveyed urban unemployment target: about 5.5% (Government Work Reports)";
        /// Loan rate over the policy rate.
        loan_spread: f64 = 0.02, unit "share/year", range 0.0 => 0.5,
            source "the 1-year Loan Prime Rate runs about 1.5-2 points over the 7-day policy repo rate (not checked here)";
        /// Capital the bank holds against its loans; it lends no more while below it.
        capital_ratio: f64 = 0.105, unit "share of loans", range 0.0 => 1.0,
            source "Basel III minimum total capital with the conservation buffer, 10.5% (China's regulation for non-systemic banks)";
        /// Most a firm may owe, in months of its wage bill and workplace rent.
        credit_months: f64 = 0.5, unit "months of costs", range 0.0 => 120.0,
            source "calibrated with the bank on: the stock of firms is stationary (-1.7%/decade, 95% interval -7.7 to +4.2; 3 replicates, 120 months) with entry 8.2% and exit 7.6% a year; 3 months (a quarter's costs) makes it grow 28%/decade with exits of 4.3%";
        /// Most a firm may owe against its capital, as a share of the capital's value at current prices (on top of its credit line).
        loan_to_value: f64 = 0.1, unit "share of capital value", range 0.0 => 1.0,
            source "Chinese banks lend 50-70% of collateral value on equipment and property; with 0.25 to 0.5 loans grew faster than output for 30 years, so 0.1; with 0.15-0.2 the baseline's unemployment fell to 0.3-1.6% (MODEL.md 3.16)";
        /// Term of a firm's loans: each month it repays its debt over this many months.
        loan_term_months: f64 = 36.0, unit "months", range 0.0 => 600.0,
            source "medium-term loans of one to five years are most of Chinese firms' bank credit (PBoC credit statistics)";
        /// Interest the bank pays on residents' deposits, as a share of the policy rate (0: none).
        deposit_rate_share: f64 = 0.0, unit "share of policy rate", range 0.0 => 1.0,
            source "off (0), in the baseline too: paid out while the policy rate is high, it works against the tightening (MODEL.md 3.16); China's one-year deposit benchmark rate, 1.5%, is 0.6-0.75 of the 7-day reverse repo rate of 2.0-2.5% (PBoC, 2016-2023)";
        /// Share of a new firm's starting capital the bank lends (the founder puts up the rest).
        founding_loan_share: f64 = 0.4, unit "share of starting capital", range 0.0 => 1.0,
            source "outside debt, mostly bank loans, is about 40% of new firms' first-year capital (Robb & Robinson 2014, Kauffman Firm Survey)";
    }
}

param_table! {
    /// `[platforms.imp]`: the Intelligent Manufacturing Platform, an industrial
    /// internet platform (COSMOPlat in the seeds) that firms join for a fee.
    ImpParams, "platforms.imp" {
        /// Whether the platform operates.
        enabled: bool = false, unit "-", range 0 => 0, source "off in the baseline; scenarios switch it on";
        /// Monthly fee a member firm pays the platform.
        fee: f64 = 3_000.0, unit "yuan/month", range 0.0 => 1.0e9,
            source "industrial-internet subscriptions for small manufacturers cost a few thousand yuan a month";
        /// Output gain of a member firm when few firms are members.
        efficiency_gain: f64 = 0.10, unit "share of output", range 0.0 => 2.0,
            source "conservative: Haier and the seeds claim +20-40% for connected factories; independent plant studies find about 10%";
        /// How much the gain grows with membership: gain x (1 + network_effect x member share of firms).
        network_effect: f64 = 1.0, unit "-", range 0.0 => 100.0,
            source "the gain doubles when every firm is on the platform (more partners, data and orders)";
        /// Monthly chance that a firm reviews whether to join or leave.
        review_prob: f64 = 0.1, unit "1/month", range 0.0 => 1.0,
            source "firms revisit such decisions about once a year";
        /// Members' inventory band, as a share of the normal band's width (better demand forecasts).
        forecast_band: f64 = 0.5, unit "share of band", range 0.0 => 1.0,
            source "platform order data halves forecast errors (a stylised assumption)";
        /// Share of the platform's cash above one month of fees paid out to its owner each month.
        payout_share: f64 = 0.5, unit "share/month", range 0.0 => 1.0, source "as for firms' dividends";
    }
}

param_table! {
    /// `[platforms.ilp]`: the Intelligent Life Platform, used by residents.
    IlpParams, "platforms.ilp" {
        /// Whether the platform operates.
        enabled: bool = false, unit "-", range 0 => 0, source "off in the baseline; scenarios switch it on";
        /// Bass innovation coefficient p (adoption without peers).
        bass_p: f64 = 0.005, unit "1/month", range 0.0 => 1.0,
            source "Sultan, Farley & Lehmann (1990): p about 0.03 a year; faster for China's mobile internet (CNNIC)";
        /// Bass imitation coefficient q (adoption through peers).
        bass_q: f64 = 0.08, unit "1/month", range 0.0 => 10.0,
            source "Sultan, Farley & Lehmann (1990): q about 0.38 a year; China's mobile apps spread faster";
        /// Share of residents who would ever use the platform (the Bass market potential m).
        potential: f64 = 0.9, unit "share of residents", range 0.0 => 1.0,
            source "about 90% of Chinese urban residents use mobile internet (CNNIC 2023)";
        /// Broadband price relative to the baseline: the p and q of adoption scale by its inverse to the power broadband_elasticity.
        broadband_cost: f64 = 1.0, unit "relative price", range 0.01 => 100.0,
            source "seeds: cheaper broadband; 1 = today's price";
        /// Elasticity of adoption speed to the broadband price.
        broadband_elasticity: f64 = 0.5, unit "-", range 0.0 => 10.0,
            source "broadband demand price elasticities of 0.5-1 (Galperin & Ruzzier 2013)";
        /// Extra job offers a user compares when searching.
        extra_job_offers: u32 = 2, unit "offers", range 0 => 100, source "online job boards widen search";
        /// Share of a user's supplier searches that look at IMP members citywide, delivered at no travel cost.
        platform_search_share: f64 = 0.5, unit "share", range 0.0 => 1.0,
            source "about half of Chinese retail goods spending is online (NBS 2023: about a quarter of all retail sales, more for manufactures)";
        /// Share of service jobs that allow telework.
        telework_jobs: f64 = 0.4, unit "share of service jobs", range 0.0 => 1.0,
            source "about 37% of jobs can be done at home (Dingel & Neiman 2020)";
        /// Days a week a user in such a job works from home.
        telework_days: f64 = 1.0, unit "days/week", range 0.0 => 5.0,
            source "hybrid work settles near one to two days a week (Barrero, Bloom & Davis 2023)";
        /// Well-being gain of a user from platform services.
        services_wellbeing: f64 = 0.02, unit "log points", range 0.0 => 10.0,
            source "seeds: residents do nearly everything by phone; a small gain, like 2% more consumption";
    }
}

param_table! {
    /// `[mei]`: Mass Entrepreneurship and Innovation bases (incubators).
    MeiParams, "mei" {
        /// Incubator bases; placed in the CBD and mixed-use zones, best first.
        bases: u32 = 0, unit "bases", range 0 => 1_000, source "none in the baseline";
        /// Startups each base can incubate a month.
        slots_per_base: u32 = 2, unit "startups/month", range 0 => 10_000,
            source "seeds: Zhongguancun Inno Way incubates about 50 a month for a whole nation; a city base far fewer";
        /// Share of the startup cost an incubated founder is spared (paid by the government).
        subsidy_share: f64 = 0.5, unit "share of startup cost", range 0.0 => 1.0,
            source "seeds: lowering the threshold of entrepreneurship";
        /// Productivity gain of an incubated firm from founder training.
        training_gain: f64 = 0.05, unit "share of productivity", range 0.0 => 2.0,
            source "incubation raises startup survival and growth (Lukeš et al. 2019)";
        /// Venture money paid in from outside the city each month, shared by that month's incubated startups.
        venture_fund: f64 = 0.0, unit "yuan/month", range 0.0 => 1.0e12,
            source "seeds: 53.96 billion yuan raised nationally in 2016; per city far less";
        /// Founding hazard of a resident living in a zone with a base, relative to elsewhere.
        hazard_multiplier: f64 = 2.0, unit "ratio", range 0.0 => 1.0e3,
            source "incubators recruit and train founders nearby";
    }
}

param_table! {
    /// `[innovation]`: productivity steps and their spread.
    InnovationParams, "innovation" {
        /// Monthly chance that a firm's R&D succeeds.
        rd_success_prob: f64 = 0.01, unit "1/month", range 0.0 => 1.0,
            source "about one product or process innovation in eight years for a typical firm (CIS surveys: ~40% innovate in three years, small steps)";
        /// Productivity step of a success.
        step: f64 = 0.03, unit "share of productivity", range 0.0 => 10.0,
            source "with the chance above, about 0.4% a year of firm-level productivity growth without policy";
        /// Innovation centres, placed in the CBD and mixed-use zones.
        centres: u32 = 0, unit "centres", range 0 => 1_000, source "seeds: 40 national manufacturing innovation centres by 2025; none in the baseline";
        /// R&D success chance multiplier for firms within `centre_reach_km` of a centre.
        centre_boost: f64 = 1.0, unit "added ratio", range 0.0 => 100.0, source "centres share labs and know-how: the chance doubles";
        /// Distance within which a centre helps.
        centre_reach_km: f64 = 4.0, unit "km", range 0.0 => 1.0e4, source "a short drive; knowledge spillovers decay within a few km (Arzaghi & Henderson 2008)";
        /// R&D success chance multiplier of IMP members.
        imp_boost: f64 = 0.5, unit "added ratio", range 0.0 => 100.0, source "platform data and partners speed process innovation";
        /// Age below which a firm counts as a startup whose innovations spread.
        startup_age_months: u32 = 36, unit "months", range 0 => 10_000, source "firms under three years are startups";
        /// Share of a sector's incumbents that adopt a startup's innovation.
        adoption_share: f64 = 0.923, unit "share of firms", range 0.0 => 1.0, source "seeds: 92.3% of startups' ideas adopted by manufacturers";
        /// What a startup's innovation adds to its sector's incumbents together, in multiples of its own step (shared among the adopters).
        spillover: f64 = 3.0, unit "multiples of the step", range 0.0 => 1_000.0,
            source "social returns to R&D are 2-4 times the private ones (Jones & Williams 1998)";
    }
}

param_table! {
    /// `[sectors.NAME]`: one sector of production.
    SectorParams, "sectors.NAME" {
        /// Share of household spending on this sector; the sectors' shares sum to 1.
        budget_share: f64 = 1.0, unit "share", range 0.0 => 1.0,
            source "NBS 2023 household survey: manufactured goods about 40%, services about 60%";
        /// Share of firms in this sector at set-up; the sectors' shares sum to 1.
        firm_share: f64 = 1.0, unit "share", range 0.0 => 1.0, source "services hold most firms";
        /// Output per efficiency unit of labour at set-up.
        productivity: f64 = 100.0, unit "units/efficiency unit/month", range 1e-6 => 1e12,
            source "a scale: prices come out in yuan per unit";
        /// Manufacturing firms locate in industrial and mixed zones.
        manufacturing: bool = false, unit "-", range 0 => 0, source "zoning";
        /// Flags a sector in excess capacity (steel, coal), the target of capacity cuts.
        excess_capacity: bool = false, unit "-", range 0 => 0, source "seeds: capacity cuts in steel and coal";
        /// No new firms may enter (a negative list).
        closed_to_entry: bool = false, unit "-", range 0 => 0, source "seeds: a negative list for market entry";
    }
}

param_table! {
    /// `[output]`: what a run writes besides `timeseries.csv`.
    OutputParams, "output" {
        /// Months between the zone snapshots of `zones.csv` (the last month always has one).
        zones_every: u32 = 12, unit "months", range 1 => 12_000,
            source "a yearly snapshot: maps at a glance, a small file";
        /// How often `firms.csv` holds a row per open firm (`off`, `yearly` or `monthly`); `exits.csv` is written unless `off`.
        firms: FirmsOutput = FirmsOutput::Yearly, unit "-", range 0 => 0,
            choices FirmsOutput::CHOICES,
            source "yearly, as business registers and the BLS survival tables count firms";
        /// Share of residents followed in `residents.csv` at every zone snapshot month (0 writes none); the same residents each time, drawn by a hash of the seed and resident index.
        residents_sample: f64 = 0.01, unit "share of residents", range 0.0 => 1.0,
            source "1%, as in a 1% census microdata sample: 1,000 of the baseline's 100,000 residents";
    }
}

/// The default sectors: basic and advanced manufacturing, and services.
pub fn default_sectors() -> std::collections::BTreeMap<String, SectorParams> {
    let sector = |budget_share, firm_share, manufacturing| SectorParams {
        budget_share,
        firm_share,
        manufacturing,
        ..SectorParams::default()
    };
    [
        ("basic_manufacturing".to_string(), sector(0.25, 0.2, true)),
        (
            "advanced_manufacturing".to_string(),
            sector(0.15, 0.1, true),
        ),
        ("services".to_string(), sector(0.60, 0.7, false)),
    ]
    .into_iter()
    .collect()
}
