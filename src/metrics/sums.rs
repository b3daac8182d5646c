//! The integer sums over residents that the metrics row and the ledger's
//! recount need, gathered in the month's last pass over residents: money
//! histograms for the Ginis, commuters by grid offset, well-being's log
//! consumption by fixed groups. Every sum is an integer, so the order in
//! which chunks merge cannot change it.

use crate::par;
use crate::world::CENTS;
use crate::world::residents::{FLAG_ILP, Resident};

pub(super) const MONEY_BINS: usize = 1 + 64 * 16; // 16 per doubling over the whole u64 range
pub(super) const MICRO: f64 = 1.0e6;

/// Sums over residents for the metrics row and the ledger's recount. Every
/// field is an integer, so the order in which chunks are merged cannot
/// change them.
///
/// Commutes are counted by grid offset between home and workplace (and by
/// whether the worker teleworks), not summed in minutes: the minutes of an
/// offset depend on the month's congestion, which the housing phase
/// computes from the same counts after its pass; and when a resident moves
/// home its count moves from one offset to another, exactly.
#[derive(Debug, Clone)]
pub(crate) struct Sums {
    /// Workers by grid offset (`City::offset`) between home and workplace:
    /// `[commuting every workday, teleworking]`.
    pub(super) trips: Vec<[u32; 2]>,
    pub(super) income_hist: Vec<[i64; 2]>,
    pub(super) wealth_hist: Vec<[i64; 2]>,
    /// Log real consumption, summed by groups (see `WellbeingSum`), in
    /// millionths.
    pub(super) log_consumption_micro: i64,
    /// The group being summed, and its members so far.
    pub(super) group: WellbeingSum,
    pub(super) members: usize,
    pub(super) wealth: i64,
    /// Receivables (owed to residents, not yet paid out).
    pub(super) owed: i64,
    /// Residents flagged as ILP users.
    pub(super) users: i64,
}

impl Sums {
    /// Empty sums for a city with `offsets` grid offsets.
    pub(crate) fn new(offsets: usize) -> Sums {
        Sums {
            trips: vec![[0; 2]; offsets],
            income_hist: vec![[0; 2]; MONEY_BINS],
            wealth_hist: vec![[0; 2]; MONEY_BINS],
            log_consumption_micro: 0,
            group: WellbeingSum::new(),
            members: 0,
            wealth: 0,
            owed: 0,
            users: 0,
        }
    }

    /// Adds a resident's money and consumption: `consumption` (cents) is
    /// last month's spending, `owed` its receivable, `prices` the month's
    /// price index. Residents come in number order, and a run of them
    /// summed into one `Sums` starts at a multiple of `WELLBEING_GROUP`
    /// (see `chunk_len`), so the groups do not depend on the thread count.
    #[inline(always)]
    pub(crate) fn add(&mut self, r: &Resident, consumption: i64, owed: i64, prices: f64) {
        let b = &mut self.income_hist[money_bin(r.income)];
        b[0] += 1;
        b[1] += r.income.max(0);
        let b = &mut self.wealth_hist[money_bin(r.wealth)];
        b[0] += 1;
        b[1] += r.wealth.max(0);
        self.wealth += r.wealth;
        self.owed += owed;
        self.users += (r.flags & FLAG_ILP != 0) as i64;
        self.group.add(consumption as f64 / CENTS as f64 / prices);
        self.members += 1;
        if self.members == WELLBEING_GROUP {
            self.end_group();
        }
    }

    /// Counts a worker's trip: `offset` from home to workplace.
    #[inline(always)]
    pub(crate) fn add_trip(&mut self, offset: usize, teleworks: bool) {
        self.trips[offset][teleworks as usize] += 1;
    }

    /// Moves a worker's trip from one offset to another (the worker moved
    /// home).
    pub(crate) fn move_trip(&mut self, from: usize, to: usize, teleworks: bool) {
        self.trips[from][teleworks as usize] -= 1;
        self.trips[to][teleworks as usize] += 1;
    }

    /// Workers by offset, `[commuting every workday, teleworking]`.
    pub(crate) fn trips(&self) -> &[[u32; 2]] {
        &self.trips
    }

    /// Closes the group being summed: at the end of every run of residents.
    pub(crate) fn end_group(&mut self) {
        self.log_consumption_micro += self.group.take_micro();
        self.members = 0;
    }

    /// Both sums together (each already ended its last group).
    pub(crate) fn merge(mut self, o: Sums) -> Sums {
        self.log_consumption_micro += o.log_consumption_micro;
        self.wealth += o.wealth;
        self.owed += o.owed;
        self.users += o.users;
        for (a, b) in self.trips.iter_mut().zip(&o.trips) {
            a[0] += b[0];
            a[1] += b[1];
        }
        self.income_hist = par::add_bins(self.income_hist, o.income_hist);
        self.wealth_hist = par::add_bins(self.wealth_hist, o.wealth_hist);
        self
    }
}

/// Residents a chunk of a pass that fills `Sums`: a multiple of
/// `WELLBEING_GROUP`, so that groups never straddle chunks.
pub(crate) fn chunk_len(residents: usize) -> usize {
    par::chunk_len(residents).next_multiple_of(WELLBEING_GROUP)
}

/// Bin of an amount: 16 bins per doubling (the octave and the next four
/// bits), from integer operations only.
pub(super) fn money_bin(cents: i64) -> usize {
    if cents <= 0 {
        return 0;
    }
    let v = cents as u64;
    let octave = 63 - v.leading_zeros() as usize;
    let sub = if octave >= 4 {
        ((v >> (octave - 4)) & 15) as usize
    } else {
        ((v << (4 - octave)) & 15) as usize
    };
    (1 + octave * 16 + sub).min(MONEY_BINS - 1)
}

/// Gini coefficient from ascending bins of (count, sum).
pub(super) fn gini(bins: &[[i64; 2]]) -> f64 {
    let n: i64 = bins.iter().map(|b| b[0]).sum();
    let total: i128 = bins.iter().map(|b| b[1] as i128).sum();
    if n == 0 || total <= 0 {
        return 0.0;
    }
    let (mut cum, mut area) = (0i128, 0.0);
    for b in bins.iter().filter(|b| b[0] > 0) {
        let before = cum as f64 / total as f64;
        cum += b[1] as i128;
        let after = cum as f64 / total as f64;
        area += b[0] as f64 / n as f64 * (before + after);
    }
    1.0 - area
}

/// Residents whose log real consumption is summed before the sum is
/// truncated to millionths: fixed runs of resident numbers (every chunk of
/// a pass that fills `Sums` starts at a multiple of this), so the result
/// does not depend on the thread count. A group takes one logarithm, of the
/// product of its members' real consumption; a logarithm a resident took a
/// third of the metrics pass (when the metrics had a pass of their own).
pub(super) const WELLBEING_GROUP: usize = 64;

/// The log real consumption of a group of residents, summed: the
/// logarithms as one logarithm of a product (the members' mantissas, in
/// [1, 2), multiplied, and their binary exponents added: a product of 64
/// stays below 2^64).
#[derive(Debug, Clone)]
pub(super) struct WellbeingSum {
    mantissa: f64,
    exponent: i64,
}

impl WellbeingSum {
    pub(super) fn new() -> WellbeingSum {
        WellbeingSum {
            mantissa: 1.0,
            exponent: 0,
        }
    }

    /// Adds a member of real consumption `real` (yuan; counted as 1 below 1).
    #[inline(always)]
    pub(super) fn add(&mut self, real: f64) {
        // A finite number of at least 1 is normal: its bits are a biased
        // exponent and the mantissa's fraction. (`max` takes not-a-number
        // to 1; `clamp` would keep it.)
        const FRACTION: u64 = (1 << 52) - 1;
        let at_least_one = real.max(1.0);
        let bits = if at_least_one < f64::MAX {
            at_least_one
        } else {
            f64::MAX
        }
        .to_bits();
        self.exponent += (bits >> 52) as i64 - 1023;
        self.mantissa *= f64::from_bits(bits & FRACTION | 1.0f64.to_bits());
    }

    /// The group's log real consumption, summed (log points).
    pub(super) fn sum(&self) -> f64 {
        self.mantissa.ln() + self.exponent as f64 * std::f64::consts::LN_2
    }

    /// The group's sum in millionths (truncated); starts the next group.
    #[inline]
    pub(super) fn take_micro(&mut self) -> i64 {
        let micro = (self.sum() * MICRO) as i64;
        *self = WellbeingSum::new();
        micro
    }
}
