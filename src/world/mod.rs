//! The state of a city: zones, residents, firms, government, platforms and
//! the ledger, each in its own store so that a phase can read one store while
//! writing another (the rapier pattern). Nothing here decides behaviour: the
//! rules live in `step/`.

pub(crate) mod build;
pub mod city;
pub mod firms;
pub mod ledger;
pub mod residents;

pub use city::{City, LandUse, Zone, ZoneId};
pub use firms::{Firm, FirmId, Firms, labour_for, output_of};
pub use ledger::{Flows, Ledger};
pub use residents::{Resident, ResidentId, Residents};

use serde::Serialize;

/// Cents per yuan: money is an integer number of cents everywhere in the model.
pub const CENTS: i64 = 100;

/// Converts yuan from a scenario to cents, rounding to the nearest cent.
pub fn yuan_to_cents(yuan: f64) -> i64 {
    (yuan * CENTS as f64).round() as i64
}

/// The city government: collects taxes and land rent, pays benefits and
/// transfers. The city owns the land (as Chinese cities do), so dwelling and
/// workplace rents are government revenue.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Government {
    /// Cash, cents.
    pub balance: i64,
    /// Unemployment benefit paid this month to each unemployed resident, cents.
    pub benefit: i64,
}

/// One platform (IMP or ILP): a firm-like agent with its own cash. Its levers
/// come with the platform rules; in the core it is switched off and idle.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Platform {
    /// Whether the platform operates.
    pub enabled: bool,
    /// Cash, cents.
    pub cash: i64,
    /// Member firms (IMP) or users (ILP).
    pub members: u32,
}

/// An MEI base: an incubator in a zone.
#[derive(Debug, Clone, Serialize)]
pub struct MeiBase {
    /// Where the base is.
    pub zone: ZoneId,
    /// Startups it can incubate a month.
    pub slots: u32,
}

/// The platforms of the IMP / ILP / MEI model.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Platforms {
    /// Intelligent Manufacturing Platform.
    pub imp: Platform,
    /// Intelligent Life Platform.
    pub ilp: Platform,
    /// Mass Entrepreneurship and Innovation bases.
    pub mei_bases: Vec<MeiBase>,
}

/// What the model knows about a sector.
#[derive(Debug, Clone)]
pub struct Sector {
    /// Name from the scenario.
    pub name: String,
    /// Share of household spending.
    pub budget_share: f64,
    /// Productivity of a new firm (units per efficiency unit per month).
    pub productivity: f64,
    /// Locates in industrial and mixed zones.
    pub manufacturing: bool,
    /// No entry (negative list).
    pub closed_to_entry: bool,
    /// Mean price at set-up (cents per unit): the base of the price index.
    pub base_price: f64,
}

/// Counters of the month's events, reset at the start of each month.
#[derive(Debug, Clone, Default)]
pub struct MonthCounters {
    /// Scenario events applied at the start of the month.
    pub events: u32,
    /// Firms founded.
    pub startups: u32,
    /// Firms closed.
    pub exits: u32,
    /// Firms closed this month after `idle_exit_months` with no staff or sales.
    pub idle_exits: u32,
    /// Ages (months) of the firms closed this month, in firm order.
    pub exit_ages: Vec<u32>,
    /// Residents hired.
    pub hires: u32,
    /// Residents who moved home.
    pub moves: u32,
    /// Household spending, cents.
    pub consumption: i64,
    /// Output valued at set-up prices, cents.
    pub real_output_cents: f64,
    /// Output by sector valued at set-up prices, cents.
    pub real_output_by_sector: Vec<f64>,
}

/// The whole state of a city.
#[derive(Debug, Clone)]
pub struct World {
    /// Months simulated so far.
    pub month: u32,
    /// Zones and commuting.
    pub city: City,
    /// Residents (one worker per household).
    pub residents: Residents,
    /// Firms, alive ones only (ids are compacted when firms exit).
    pub firms: Firms,
    /// Sectors, indexed by `Firm::sector`.
    pub sectors: Vec<Sector>,
    /// The city government.
    pub government: Government,
    /// IMP, ILP, MEI.
    pub platforms: Platforms,
    /// Money accounts check.
    pub ledger: Ledger,
    /// This month's event counters.
    pub counters: MonthCounters,
    /// Mean gross wage of the employed at the last payday, cents/month.
    pub mean_wage: i64,
}

impl World {
    /// Refreshes the copies of parameters the world keeps (travel speeds,
    /// sector shares and entry rules) after an event changed the scenario.
    pub fn refresh(&mut self, p: &crate::scenario::Scenario) {
        let c = &p.city;
        let detour_changed = self.city.detour != c.detour;
        self.city.access_min = c.access_min;
        self.city.speed_kmh = c.speed_kmh;
        self.city.detour = c.detour;
        if detour_changed {
            self.city.tabulate_distances();
        }
        for (sector, params) in self.sectors.iter_mut().zip(p.sectors.values()) {
            sector.budget_share = params.budget_share;
            sector.closed_to_entry = params.closed_to_entry;
        }
    }

    /// All money in the city, cents: residents + firms + government + platforms.
    pub fn money_total(&self) -> i64 {
        self.residents.money()
            + self.firms.money()
            + self.government.balance
            + self.platforms_money()
    }

    /// Money held by platforms, cents.
    pub fn platforms_money(&self) -> i64 {
        self.platforms.imp.cash + self.platforms.ilp.cash
    }
}
