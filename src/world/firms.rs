//! Firms. Ids are positions in the store; when firms exit the store is
//! compacted and every reference (employers, suppliers) is remapped in one
//! parallel pass, so ids stay dense and lookups stay direct.

use crate::world::{ResidentId, ZoneId};

/// Highest price of a unit, cents (10^12 yuan): a guard, like `MAX_WAGE`,
/// that no plausible run reaches. It keeps a price within the 47 bits the
/// goods market packs it into, beside the firm's zone.
pub const MAX_PRICE: i64 = 100_000_000_000_000;

/// Index of a firm in `Firms::list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct FirmId(pub u32);

impl FirmId {
    /// No firm (unemployed, or no supplier yet).
    pub const NONE: FirmId = FirmId(u32::MAX);

    /// The index into `Firms::list`.
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// True for `FirmId::NONE`.
    #[inline(always)]
    pub fn is_none(self) -> bool {
        self == Self::NONE
    }
}

impl Default for FirmId {
    fn default() -> Self {
        Self::NONE
    }
}

/// Flag bit: member of the IMP platform.
pub const FIRM_IMP: u8 = 1 << 0;
/// Flag bit: incubated by an MEI base.
pub const FIRM_INCUBATED: u8 = 1 << 1;

/// A firm as it closed: what `exits.csv` records of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exited {
    /// Its permanent serial.
    pub serial: u32,
    /// Months since founding.
    pub age: u32,
    /// Workers employed when it closed.
    pub employees: u32,
    /// Location.
    pub zone: ZoneId,
    /// Sector index.
    pub sector: u8,
    /// Why it closed.
    pub cause: crate::model::firms::Exit,
}

impl Exited {
    /// The record of `f` closing for `cause`.
    pub fn of(f: &Firm, cause: crate::model::firms::Exit) -> Exited {
        Exited {
            serial: f.serial,
            age: f.age,
            employees: f.employees,
            zone: f.zone,
            sector: f.sector,
            cause,
        }
    }
}

/// One firm.
#[derive(Debug, Clone, PartialEq)]
pub struct Firm {
    /// Cash, cents.
    pub cash: i64,
    /// Wage offer per efficiency unit (a worker of skill s earns s times it), cents/month.
    pub wage: i64,
    /// Price, cents per unit.
    pub price: i64,
    /// This month's sales revenue, cents.
    pub revenue: i64,
    /// This month's wage bill, cents.
    pub wage_bill: i64,
    /// This month's operating profit: revenue less the wage bill, the
    /// workplace rent and interest, before profit tax, cents (set when the
    /// firm pays).
    pub profit: i64,
    /// What the firm owes the bank, cents.
    pub debt: i64,
    /// Capital goods ordered this month, cents at current prices (set by
    /// the plan, paid in the goods market).
    pub investment: i64,
    /// The part of `investment` the firm may borrow, cents.
    pub investment_credit: i64,
    /// Capital held, cents at set-up prices (real).
    pub capital: f64,
    /// Goods in stock, units.
    pub inventory: f64,
    /// Expected monthly demand, units.
    pub expected_demand: f64,
    /// Output per efficiency unit of labour per month.
    pub productivity: f64,
    /// Last month's sales, units.
    pub sales: f64,
    /// Last month's output, units.
    pub output: f64,
    /// Sum of employees' skills, thousandths.
    pub skill_milli_sum: u64,
    /// Workers.
    pub employees: u32,
    /// Open vacancies this month.
    pub vacancies: u32,
    /// Workers to let go this month.
    pub layoffs: u32,
    /// Hires this month.
    pub hires: u32,
    /// Applicants turned away this month (more applicants than vacancies).
    pub turned_away: u32,
    /// Owner (receives dividends).
    pub owner: ResidentId,
    /// Stable firm number (set-up firms first, then startups in founding order).
    pub serial: u32,
    /// Months since founding.
    pub age: u32,
    /// What the firm's capital lets it make of its labour's output (1 when
    /// it holds the capital its output needs; `model::capital::capital_factor`).
    pub capital_factor: f32,
    /// Consecutive months fully staffed.
    pub months_full: u16,
    /// Consecutive months with neither workers nor sales.
    pub months_idle: u16,
    /// Location.
    pub zone: ZoneId,
    /// Sector index.
    pub sector: u8,
    /// `FIRM_*` bits.
    pub flags: u8,
}

pub use crate::model::firms::{labour_for, output_of};

impl Firm {
    /// A sale of `paid` cents at the firm's price: its takings and cash
    /// grow by the payment, its sales by the units bought, and its stock
    /// falls by them (never below 0).
    #[inline(always)]
    pub fn sell(&mut self, paid: i64) {
        let sold = crate::model::goods::units_bought(paid, self.price);
        self.revenue += paid;
        self.cash += paid;
        self.sales += sold;
        self.inventory = (self.inventory - sold).max(0.0);
    }

    /// A firm with no staff, stock, cash or history yet.
    pub fn new(
        sector: u8,
        zone: ZoneId,
        owner: ResidentId,
        serial: u32,
        wage: i64,
        productivity: f64,
    ) -> Firm {
        Firm {
            cash: 0,
            wage,
            price: 1,
            revenue: 0,
            wage_bill: 0,
            profit: 0,
            debt: 0,
            investment: 0,
            investment_credit: 0,
            capital: 0.0,
            inventory: 0.0,
            expected_demand: 0.0,
            productivity,
            sales: 0.0,
            output: 0.0,
            skill_milli_sum: 0,
            employees: 0,
            vacancies: 0,
            layoffs: 0,
            hires: 0,
            turned_away: 0,
            owner,
            serial,
            age: 0,
            capital_factor: 1.0,
            months_full: 0,
            months_idle: 0,
            zone,
            sector,
            flags: 0,
        }
    }

    /// Productivity including the IMP gain of a member (`gain` is 0 when the
    /// platform is off): what its labour would make with the capital it
    /// needs.
    #[inline]
    pub fn labour_productivity(&self, imp_gain: f64) -> f64 {
        if self.flags & FIRM_IMP != 0 {
            self.productivity * (1.0 + imp_gain)
        } else {
            self.productivity
        }
    }

    /// [`Firm::labour_productivity`] times what the firm's capital lets it
    /// make of it (`capital_factor`).
    #[inline]
    pub fn effective_productivity(&self, imp_gain: f64) -> f64 {
        self.labour_productivity(imp_gain) * self.capital_factor as f64
    }
}

/// A set of firms, one bit each: 45 KB at 360,000 firms, small enough to stay
/// in cache where a per-firm array of the full records (or even of f64s)
/// would not. The hot passes test it first and read the per-firm data only
/// for the firms in it.
#[derive(Debug, Clone)]
pub struct FirmSet {
    words: Vec<u64>,
}

impl FirmSet {
    /// The firms `0..len` for which `member(index)` is true.
    pub fn from_fn(len: usize, member: impl Fn(usize) -> bool) -> FirmSet {
        let mut words = vec![0u64; len.div_ceil(64)];
        for i in (0..len).filter(|&i| member(i)) {
            words[i / 64] |= 1 << (i % 64);
        }
        FirmSet { words }
    }

    /// Whether `f` is in the set (never `FirmId::NONE`).
    #[inline(always)]
    pub fn contains(&self, f: FirmId) -> bool {
        let i = f.index();
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// The firms' store.
#[derive(Debug, Clone, Default)]
pub struct Firms {
    /// Alive firms.
    pub list: Vec<Firm>,
    /// Serial number of the next firm founded.
    pub next_serial: u32,
}

impl Firms {
    /// Number of firms.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when there are no firms.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Total cash, cents.
    pub fn money(&self) -> i64 {
        self.list.iter().map(|f| f.cash).sum()
    }

    /// Total debt to the bank, cents.
    pub fn debt(&self) -> i64 {
        self.list.iter().map(|f| f.debt).sum()
    }
}
