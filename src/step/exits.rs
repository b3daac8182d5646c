//! Closing firms, written once: a closing firm's cash goes to its owner,
//! its workers become unemployed, every reference to it is renumbered away
//! ([`Renumber`]) and it leaves the store ([`retain_open`]).
//!
//! The incomes phase closes insolvent and idle firms (`model::firms::exit`)
//! with these parts inside its own pass over residents, which also pays
//! wages; [`close_firms`] is the stand-alone version (a capacity cut).

use rayon::prelude::*;

use crate::model::firms::Exit;
use crate::par;
use crate::world::{Exited, Firm, FirmId, Flows, Holder, World};

/// What winding a firm up moved: its cash repays its debt first
/// (`repaid`, money destroyed), the rest goes to its owner (`payout`), and
/// the debt its cash cannot cover is written off by the bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WoundUp {
    /// Cash paid to the owner, cents.
    pub payout: i64,
    /// Debt repaid from the cash, cents.
    pub repaid: i64,
    /// Debt written off, cents.
    pub written_off: i64,
}

impl WoundUp {
    /// These amounts as the flows of firms, residents and the bank, and the
    /// credit they destroy.
    pub(crate) fn flows(self) -> Flows {
        let mut flows = Flows::default();
        flows[Holder::Firms] -= self.payout + self.repaid;
        flows[Holder::Residents] += self.payout;
        flows[Holder::Bank] -= self.written_off;
        flows.credit -= self.repaid + self.written_off;
        flows
    }
}

/// Winds a closing firm up, leaving it no cash and no debt.
#[inline]
pub(crate) fn wind_up(f: &mut Firm) -> WoundUp {
    let cash = std::mem::take(&mut f.cash);
    let debt = std::mem::take(&mut f.debt);
    let repaid = crate::model::bank::repayment(cash, 0, debt);
    WoundUp {
        payout: cash - repaid,
        repaid,
        written_off: debt - repaid,
    }
}

/// Drops the firms marked in `closed` (one flag per firm) from `list`; the
/// others keep their order.
pub(crate) fn retain_open(list: &mut Vec<Firm>, closed: &[bool]) {
    let mut k = 0;
    list.retain(|_| {
        let keep = !closed[k];
        k += 1;
        keep
    });
}

/// Closes the firms marked in `close` (one flag per firm) outside the
/// incomes phase; returns the flows.
pub fn close_firms(w: &mut World, close: &[bool]) -> Flows {
    let mut flows = Flows::default();
    let mut closed = 0u32;
    for (f, &close) in w.firms.list.iter_mut().zip(close) {
        if close {
            w.counters.exited.push(Exited::of(f, Exit::CapacityCut));
            let wound = wind_up(f);
            w.residents.receivable[f.owner.0 as usize] += wound.payout;
            w.bank.loans -= wound.repaid + wound.written_off;
            w.bank.equity -= wound.written_off;
            w.counters.defaults += u32::from(wound.written_off > 0);
            flows.add(wound.flows());
            closed += 1;
        }
    }
    if closed == 0 {
        return flows;
    }
    let renumber = Renumber::new(close);
    let sectors = w.residents.sectors;
    let chunk = par::chunk_len(w.residents.len());
    w.residents
        .people
        .par_chunks_mut(chunk)
        .zip(w.residents.suppliers.par_chunks_mut(chunk * sectors))
        .for_each(|(people, suppliers)| {
            for (j, r) in people.iter_mut().enumerate() {
                if !r.employer.is_none() {
                    r.employer = renumber.get(r.employer);
                    if r.employer.is_none() {
                        r.job_match = 0.0;
                    }
                }
                for s in &mut suppliers[j * sectors..(j + 1) * sectors] {
                    *s = renumber.get(*s);
                }
            }
        });
    retain_open(&mut w.firms.list, close);
    w.counters.exits += closed;
    w.counters.cut_exits += closed;
    crate::step::labour::recount_staff(w);
    flows
}

/// Firm numbers after the exits, by blocks of 64 firms: the number of firms
/// left before each block, and for each firm of the block the number of its
/// block's firms closed before it (`CLOSED` for a closed firm). The tables
/// take 1.06 bytes a firm (a big city's per-firm table of numbers does not
/// fit in the processor's own cache; these do), and a lookup is an addition
/// and a subtraction, with no branch on whether the block lost firms (late
/// in a big city's run about 40% of the blocks do each month, and such a
/// branch was often mispredicted).
pub(crate) struct Renumber {
    /// Firms left before each block.
    before: Vec<u32>,
    /// Per block and firm: the block's firms closed before it, or `CLOSED`.
    gaps: Vec<[u8; 64]>,
}

/// A closed firm's entry in `Renumber::gaps`.
const CLOSED: u8 = u8::MAX;

impl Renumber {
    /// The numbering after the firms marked in `closed` close (the firms
    /// left keep their order).
    pub(crate) fn new(closed: &[bool]) -> Renumber {
        let blocks = closed.len().div_ceil(64);
        let mut before = Vec::with_capacity(blocks);
        let mut gaps = vec![[0u8; 64]; blocks];
        let mut left = 0u32;
        for (block, gaps) in closed.chunks(64).zip(&mut gaps) {
            before.push(left);
            let mut closed_before = 0u8;
            for (&closed, gap) in block.iter().zip(gaps.iter_mut()) {
                if closed {
                    *gap = CLOSED;
                    closed_before += 1;
                } else {
                    *gap = closed_before;
                    left += 1;
                }
            }
        }
        Renumber { before, gaps }
    }

    /// The new number of firm `f`: `NONE` if it closed (or was `NONE`).
    #[inline(always)]
    pub(crate) fn get(&self, f: FirmId) -> FirmId {
        let (block, k) = (f.index() / 64, f.index() % 64);
        let Some(gaps) = self.gaps.get(block) else {
            return FirmId::NONE;
        };
        match gaps[k] {
            CLOSED => FirmId::NONE,
            gap => FirmId(self.before[block] + k as u32 - gap as u32),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbering_by_blocks_equals_the_per_firm_table() {
        // Blocks of 64: the first loses its two end firms, the second and
        // fifth none, the third all, the fourth one, the last its last firm.
        let n = 64 * 5 + 17;
        let closed = |i: usize| [0, 63, 200, n - 1].contains(&i) || (128..192).contains(&i);
        let mut remap = vec![FirmId::NONE; n];
        let mut left = 0;
        for (i, to) in remap.iter_mut().enumerate() {
            if !closed(i) {
                *to = FirmId(left);
                left += 1;
            }
        }
        let renumber = Renumber::new(&remap.iter().map(|to| to.is_none()).collect::<Vec<_>>());
        for (i, &to) in remap.iter().enumerate() {
            assert_eq!(renumber.get(FirmId(i as u32)), to, "firm {i}");
        }
        assert_eq!(renumber.get(FirmId::NONE), FirmId::NONE);
        assert_eq!(renumber.get(FirmId(n as u32 + 64)), FirmId::NONE);
    }
}
