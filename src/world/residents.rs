//! Residents: one worker per household. The fields most phases read sit in
//! one 32-byte record, two to a cache line, so that a month's scans over
//! millions of residents move as few bytes as they can. Fields that one or
//! two phases use sit in arrays of their own: each resident's current
//! supplier per sector (`sectors` entries per resident), last month's
//! consumption (goods and metrics), founder aptitude (entrepreneurship) and
//! money owed within the month (incomes).

use crate::world::{FirmId, ZoneId};

/// Index of a resident; residents never leave, so ids are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct ResidentId(pub u32);

/// Flag bit: uses the ILP platform.
pub const FLAG_ILP: u8 = 1 << 0;
/// Flag bit: could not pay the full rent last month and must move.
pub const FLAG_MUST_MOVE: u8 = 1 << 1;
/// Flag bit: the current job allows telework, that is the fixed draw of
/// (resident, employer's serial) falls below `platforms.ilp.telework_jobs`
/// ([`crate::world::city::Telework::allows`]); valid with
/// `FLAG_TELEWORK_DRAWN`. Drawn once a job (in the housing pass of the
/// month of the hire) and for everyone when the threshold changes, so that
/// the monthly passes over residents need not draw it again.
pub const FLAG_TELEWORK_JOB: u8 = 1 << 2;
/// Flag bit: `FLAG_TELEWORK_JOB` holds the draw of the current job (cleared
/// by a hire, set by the housing pass).
pub const FLAG_TELEWORK_DRAWN: u8 = 1 << 3;
/// Flag bit: employed by the government (drawn at set-up with chance
/// `government.public_employment_share`); has no employer among the firms,
/// does not search and is paid a public wage.
pub const FLAG_PUBLIC: u8 = 1 << 4;

/// One household: the fields that most phases read.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Resident {
    /// Wealth, cents (never negative).
    pub wealth: i64,
    /// Last month's disposable income (after tax and rent), cents.
    pub income: i64,
    /// Employer, or `FirmId::NONE`.
    pub employer: FirmId,
    /// Non-wage quality of the current job match, as a share of the wage
    /// (drawn with the offer; 0 when unemployed).
    pub job_match: f32,
    /// Home zone.
    pub home: ZoneId,
    /// Skill in thousandths (lognormal, mean 1000).
    pub skill_milli: u16,
    /// Months without a job (0 when employed).
    pub months_unemployed: u16,
    /// `FLAG_*` bits.
    pub flags: u8,
    /// Bit s set: rationed by the sector-s supplier last month.
    pub rationed: u8,
}

impl Resident {
    /// Whether the government employs the resident (`FLAG_PUBLIC`).
    #[inline(always)]
    pub fn public(&self) -> bool {
        self.flags & FLAG_PUBLIC != 0
    }

    /// Whether the resident is out of work: no employer among the firms and
    /// not a public employee.
    #[inline(always)]
    pub fn unemployed(&self) -> bool {
        self.employer.is_none() && !self.public()
    }
}

/// The residents' store.
#[derive(Debug, Clone, Default)]
pub struct Residents {
    /// The households.
    pub people: Vec<Resident>,
    /// Current supplier per (resident, sector): `people.len() * sectors` entries.
    pub suppliers: Vec<FirmId>,
    /// Last month's consumption spending per resident, cents.
    pub consumption: Vec<i64>,
    /// Founder aptitude per resident (exponential, mean 1).
    pub aptitude: Vec<f32>,
    /// Money owed to each resident by firms this month (dividends, closing
    /// payouts), paid out in the incomes phase, cents.
    pub receivable: Vec<i64>,
    /// Sectors (stride of `suppliers`).
    pub sectors: usize,
}

impl Residents {
    /// Number of residents.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// True when there are no residents.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    /// Total wealth plus money owed to residents, cents.
    pub fn money(&self) -> i64 {
        use rayon::prelude::*;
        let wealth: i64 = self.people.par_iter().map(|r| r.wealth).sum();
        let owed: i64 = self.receivable.par_iter().sum();
        wealth + owed
    }

    /// Bytes of state per resident (record, suppliers, consumption,
    /// aptitude, receivable).
    pub fn bytes_per_resident(&self) -> usize {
        Residents::bytes_per_resident_with(self.sectors)
    }

    /// Bytes of state per resident in a city of `sectors` sectors: what
    /// `bytes_per_resident` reports, known before the city is built.
    pub fn bytes_per_resident_with(sectors: usize) -> usize {
        use std::mem::size_of;
        size_of::<Resident>()
            + sectors * size_of::<FirmId>()
            + size_of::<i64>() // consumption
            + size_of::<f32>() // aptitude
            + size_of::<i64>() // receivable
    }
}

// Two records to a cache line: the scans over residents depend on it.
const _: () = assert!(std::mem::size_of::<Resident>() == 32);
