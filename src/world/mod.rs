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
pub use firms::{
    Exited, FIRM_IMP, FIRM_INCUBATED, Firm, FirmId, FirmSet, Firms, labour_for, output_of,
};
pub use ledger::{Accounts, Flows, Holder, Ledger};
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
    /// The trend of monthly nominal output, cents (`model::fiscal::output_trend`):
    /// what purchases and the deficit rule scale with.
    pub output_trend: f64,
    /// Residents employed by the government (fixed at set-up).
    pub public_staff: u64,
}

/// The bank (`[bank]`): it lends firms working capital, creating deposits,
/// and holds equity against its loans. Its money in the ledger is its
/// equity; its loans are credit, checked against the firms' debts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Bank {
    /// Loans outstanding, cents (the sum of the firms' debts).
    pub loans: i64,
    /// Equity, cents: capital at set-up, plus interest, less write-offs and
    /// what it remits to the government.
    pub equity: i64,
    /// Equity at set-up, cents: the least it keeps before remitting profit.
    pub capital: i64,
    /// The policy rate, per year (the Taylor rule of the last month's close).
    pub policy_rate: f64,
    /// The price index at each of the last 12 month ends, oldest first.
    pub prices: Vec<f64>,
    /// Inflation over the last 12 months as the last close measured it
    /// (the target until a year has passed), per year.
    pub inflation: f64,
}

/// One platform (IMP or ILP): a firm-like agent with its own cash.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Platform {
    /// Whether the platform operates (from the scenario, refreshed by events).
    pub enabled: bool,
    /// Cash, cents.
    pub cash: i64,
    /// Member firms (IMP) or users (ILP).
    pub members: u32,
    /// Output gain of an IMP member this month (0 when off).
    pub gain: f64,
    /// Fees collected this month, cents.
    pub fees: i64,
    /// The resident who owns the platform and receives its payouts.
    pub owner: u32,
}

/// Where the MEI bases and innovation centres are.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Places {
    /// Zones with an MEI base (a zone may hold several), in placement order.
    pub mei_bases: Vec<ZoneId>,
    /// Per zone: bases in it.
    pub bases_in_zone: Vec<u32>,
    /// Zones with an innovation centre, in placement order.
    pub centres: Vec<ZoneId>,
    /// Per zone: within reach of a centre.
    pub near_centre: Vec<bool>,
}

/// The platforms of the IMP / ILP / MEI model.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Platforms {
    /// Intelligent Manufacturing Platform.
    pub imp: Platform,
    /// Intelligent Life Platform.
    pub ilp: Platform,
    /// MEI bases and innovation centres.
    pub places: Places,
}

/// What a pass over residents needs of each one's employer, packed in 8
/// bytes: with hundreds of thousands of firms the full records do not fit in
/// cache, these do.
#[derive(Debug, Clone, Copy)]
pub struct FirmSpot {
    /// Stable firm number.
    pub serial: u32,
    /// Location.
    pub zone: ZoneId,
    /// In a manufacturing sector.
    pub manufacturing: bool,
}

impl World {
    /// The `FirmSpot` of firm `f`.
    pub fn firm_spot(&self, f: &Firm) -> FirmSpot {
        FirmSpot {
            serial: f.serial,
            zone: f.zone,
            manufacturing: self.sectors[f.sector as usize].manufacturing,
        }
    }

    /// One `FirmSpot` per firm, in firm order.
    pub fn firm_spots(&self) -> Vec<FirmSpot> {
        use rayon::prelude::*;
        crate::par::per_firm(&self.firms.list)
            .map(|f| self.firm_spot(f))
            .collect()
    }

    /// Each firm's wage offer beside its `FirmSpot`, in firm order: what a
    /// worker weighs of a job, 16 bytes a firm, one cache line a read where
    /// the full records (which a big city's cache does not hold) would cost
    /// several.
    pub fn job_quotes(&self) -> Vec<(i64, FirmSpot)> {
        use rayon::prelude::*;
        crate::par::per_firm(&self.firms.list)
            .map(|f| (f.wage, self.firm_spot(f)))
            .collect()
    }
}

/// Zones ranked for MEI bases and innovation centres: the CBD first, then
/// mixed-use zones, each by distance to the city centre (ties by index).
fn ranked_zones(city: &City) -> Vec<ZoneId> {
    let (cx, cy) = (
        city.width as f64 / 2.0 - 0.5,
        city.height as f64 / 2.0 - 0.5,
    );
    let rank = |l: LandUse| match l {
        LandUse::Centre => 0,
        LandUse::Mixed => 1,
        LandUse::Residential => 2,
        LandUse::Industrial => 3,
    };
    let mut zones: Vec<usize> = (0..city.len()).collect();
    zones.sort_by(|&a, &b| {
        let (za, zb) = (&city.zones[a], &city.zones[b]);
        let da = (za.x as f64 - cx).powi(2) + (za.y as f64 - cy).powi(2);
        let db = (zb.x as f64 - cx).powi(2) + (zb.y as f64 - cy).powi(2);
        rank(za.land_use)
            .cmp(&rank(zb.land_use))
            .then(da.total_cmp(&db))
            .then(a.cmp(&b))
    });
    let preferred: Vec<ZoneId> = zones
        .iter()
        .filter(|&&z| matches!(city.zones[z].land_use, LandUse::Centre | LandUse::Mixed))
        .map(|&z| ZoneId(z as u16))
        .collect();
    if preferred.is_empty() {
        zones.into_iter().map(|z| ZoneId(z as u16)).collect()
    } else {
        preferred
    }
}

/// Places `mei.bases` bases and `innovation.centres` centres on the ranked
/// zones, cycling when there are more than zones.
pub fn place_bases_and_centres(city: &City, p: &crate::scenario::Scenario) -> Places {
    let ranked = ranked_zones(city);
    let take =
        |n: u32| -> Vec<ZoneId> { (0..n as usize).map(|k| ranked[k % ranked.len()]).collect() };
    let mei_bases = take(p.mei.bases);
    let centres = take(p.innovation.centres);
    let mut bases_in_zone = vec![0u32; city.len()];
    for z in &mei_bases {
        bases_in_zone[z.index()] += 1;
    }
    let near_centre = (0..city.len())
        .map(|z| {
            centres
                .iter()
                .any(|&c| city.distance_km(ZoneId(z as u16), c) <= p.innovation.centre_reach_km)
        })
        .collect();
    Places {
        mei_bases,
        bases_in_zone,
        centres,
        near_centre,
    }
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
    /// The firms closed this month, in the order they closed (firm order
    /// within a phase).
    pub exited: Vec<Exited>,
    /// Residents hired.
    pub hires: u32,
    /// Residents who moved home.
    pub moves: u32,
    /// Startups incubated by MEI bases.
    pub incubated: u32,
    /// Venture money paid in from outside the city, cents.
    pub venture: i64,
    /// Subsidies paid to incubated founders, cents.
    pub subsidies: i64,
    /// Successful R&D steps (own innovations, not adoptions).
    pub innovations: u32,
    /// Firms closed by a capacity cut.
    pub cut_exits: u32,
    /// Firms that closed owing the bank (their debt written off).
    pub defaults: u32,
    /// Household spending, cents.
    pub consumption: i64,
    /// Capital goods bought by firms, cents.
    pub investment: i64,
    /// Goods bought by the government, cents.
    pub government_purchases: i64,
    /// Output valued at set-up prices, cents.
    pub real_output_cents: f64,
    /// Output valued at the producing firms' prices this month, cents.
    pub nominal_output_cents: f64,
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
    /// The bank.
    pub bank: Bank,
    /// IMP, ILP, MEI.
    pub platforms: Platforms,
    /// Money accounts check.
    pub ledger: Ledger,
    /// This month's event counters.
    pub counters: MonthCounters,
    /// Mean gross wage of the employed at the last payday, cents/month.
    pub mean_wage: i64,
    /// The `platforms.ilp.telework_jobs` that the residents'
    /// `FLAG_TELEWORK_JOB` bits were drawn against (not a number before
    /// they are first drawn).
    pub telework_jobs: f64,
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
        self.platforms.imp.enabled = p.platforms.imp.enabled;
        self.platforms.ilp.enabled = p.platforms.ilp.enabled;
        self.platforms.places = place_bases_and_centres(&self.city, p);
        if self.telework_jobs.to_bits() != p.platforms.ilp.telework_jobs.to_bits() {
            self.draw_telework_jobs(p);
        }
    }

    /// Sets every employed resident's `FLAG_TELEWORK_JOB` from its job's
    /// fixed draw against the scenario's `telework_jobs`.
    fn draw_telework_jobs(&mut self, p: &crate::scenario::Scenario) {
        use rayon::prelude::*;
        let telework = city::Telework::new(p);
        let serials: Vec<u32> = crate::par::per_firm(&self.firms.list)
            .map(|f| f.serial)
            .collect();
        let chunk = crate::par::chunk_len(self.residents.len());
        self.residents
            .people
            .par_chunks_mut(chunk)
            .enumerate()
            .for_each(|(c, people)| {
                for (j, r) in people.iter_mut().enumerate() {
                    match serials.get(r.employer.index()) {
                        Some(&serial) => telework.draw_job(&mut r.flags, c * chunk + j, serial),
                        None => city::Telework::forget_job(&mut r.flags),
                    }
                }
            });
        self.telework_jobs = p.platforms.ilp.telework_jobs;
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
