//! Phase 8: incomes, taxes, rents, dividends and exits.
//!
//! 1. Firms: a firm that cannot pay this month's wage bill and workplace rent,
//!    or that has had neither workers nor sales for `idle_exit_months`,
//!    closes: its cash goes to its owner and its workers become unemployed.
//!    The others pay wages and rent, a tax on positive profit, and pay the
//!    owner `dividend_share` of cash above a buffer of `cash_buffer_months`
//!    of costs, but never more than the month's profit after tax.
//! 2. Residents: wage less income tax, or the unemployment benefit
//!    (`benefit_share` of last month's mean wage); an equal transfer of
//!    `transfer_share` of the government's balance; dividends and closing
//!    payouts; less the rent of their dwelling (paid as far as money allows;
//!    a resident who cannot pay in full must move).
//! 3. Closed firms are removed and every reference to them is remapped in
//!    the same pass over residents.
//!
//! All of it is integer cents; the phase reports the net change of each
//! holder class to the ledger.

use rayon::prelude::*;

use crate::rng::StepCtx;
use crate::scenario::Scenario;
use crate::step::labour::wage_of;
use crate::step::{par, sector_count};
use crate::world::residents::FLAG_MUST_MOVE;
use crate::world::{FirmId, Flows, World};

/// Pays the month's incomes and closes failed firms.
pub fn pay(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    // Compiled for three sectors beside the general version (see
    // `step::sector_count`): the residents' pass renumbers each one's
    // suppliers.
    match w.residents.sectors {
        3 => pay_in::<3>(w, p, ctx),
        _ => pay_in::<0>(w, p, ctx),
    }
}

/// `pay` for `S` sectors (0: any number, read from the world).
fn pay_in<const S: usize>(w: &mut World, p: &Scenario, _ctx: StepCtx) -> Flows {
    let g = &p.government;
    let fp = &p.firms;
    let rent_share = p.city.commercial_rent_share;
    let mut flows = Flows::default();

    // Firms: pay or close. Dividends and payouts go to owners' receivables.
    // Workplace rent per worker depends on the zone alone: rounded once a zone.
    let workplace_rent: Vec<i64> = w
        .city
        .zones
        .iter()
        .map(|z| (z.rent as f64 * rent_share).round() as i64)
        .collect();
    // Firms go by ranges in parallel; each range keeps its sums, its exits'
    // ages in firm order, and what its firms owe their owners by chunk of
    // residents, which are then credited in parallel (integer sums: the
    // order of the credits cannot change them).
    let (n_residents, chunk) = (w.residents.len(), par::chunk_len(w.residents.len()));
    let per = w
        .firms
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(par::MIN_LEN);
    let mut closed = vec![false; w.firms.len()];
    let ranges: Vec<FirmRange> = w
        .firms
        .list
        .par_chunks_mut(per)
        .zip(closed.par_chunks_mut(per))
        .map(|(firms, closed)| {
            let mut range = FirmRange {
                exits: 0,
                idle_exits: 0,
                exit_ages: Vec::new(),
                owed: par::ByChunk::new(n_residents, chunk),
                firms: 0,
                residents: 0,
                taxes_and_rent: 0,
            };
            for (f, closed) in firms.iter_mut().zip(closed) {
                let rent = workplace_rent[f.zone.index()] * f.employees as i64;
                let costs = f.wage_bill + rent;
                if f.cash < costs || f.months_idle as u32 >= fp.idle_exit_months {
                    if f.cash >= costs {
                        range.idle_exits += 1;
                    }
                    range.exit_ages.push(f.age);
                    range.owed.push(f.owner.0, f.cash);
                    range.firms -= f.cash;
                    range.residents += f.cash;
                    f.cash = 0;
                    *closed = true;
                    range.exits += 1;
                    continue;
                }
                let profit = f.revenue - costs;
                // Truncation is floor for these non-negative amounts, and
                // needs no call into the maths library.
                let tax = if profit > 0 {
                    (profit as f64 * g.profit_tax) as i64
                } else {
                    0
                };
                f.cash -= costs + tax;
                let buffer = (costs as f64 * fp.cash_buffer_months).round() as i64;
                // Dividends come out of this month's profit after tax, and
                // only above the buffer.
                let dividend = if f.cash > buffer && profit > tax {
                    (((f.cash - buffer) as f64 * fp.dividend_share) as i64).min(profit - tax)
                } else {
                    0
                };
                f.cash -= dividend;
                if dividend != 0 {
                    range.owed.push(f.owner.0, dividend);
                }
                range.firms -= costs + tax + dividend;
                range.residents += dividend;
                range.taxes_and_rent += rent + tax;
            }
            range
        })
        .collect();
    let mut exits = 0u32;
    let mut firm_taxes_and_rent = 0i64;
    let mut owed = Vec::with_capacity(ranges.len());
    for range in ranges {
        exits += range.exits;
        flows.firms += range.firms;
        flows.residents += range.residents;
        firm_taxes_and_rent += range.taxes_and_rent;
        w.counters.idle_exits += range.idle_exits;
        w.counters.exit_ages.extend(&range.exit_ages);
        owed.push(range.owed);
    }
    par::apply_by_chunk(&mut w.residents.receivable, chunk, &owed, |r, &amount| {
        *r += amount
    });
    flows.government += firm_taxes_and_rent;

    let n = w.residents.len() as i64;
    let transfer = if w.government.balance > 0 {
        (w.government.balance as f64 * g.transfer_share / n as f64).floor() as i64
    } else {
        0
    };
    let benefit = w.government.benefit;
    let zones = &w.city.zones;
    // Per firm before the exits: its wage offer and its number after them,
    // side by side, so that paying a worker reads one cache line (the firm
    // records of a big city do not fit in cache).
    let renumber = Renumber::new(&closed);
    let jobs: Vec<(i64, FirmId)> = par::per_firm(&w.firms.list)
        .enumerate()
        .map(|(i, f)| (f.wage, renumber.get(FirmId(i as u32))))
        .collect();
    let sectors = sector_count::<S>(w.residents.sectors);
    let far = par::far(jobs.len());
    // Totals: wages, income tax, benefits, transfers, rent paid, receivables, employed.
    let totals = w
        .residents
        .people
        .par_chunks_mut(chunk)
        .zip(w.residents.suppliers.par_chunks_mut(chunk * sectors))
        .zip(w.residents.receivable.par_chunks_mut(chunk))
        .map(|((people, suppliers), receivable)| {
            let sectors = sector_count::<S>(sectors);
            let mut t = [0i64; 7];
            for j in 0..people.len() {
                if far {
                    par::prefetch_employer(&jobs, people, j);
                }
                let r = &mut people[j];
                let mut gross = 0i64;
                if !r.employer.is_none() {
                    let (offer, to) = jobs[r.employer.index()];
                    r.employer = to;
                    if r.employer.is_none() {
                        r.job_match = 0.0;
                    } else {
                        let wage = wage_of(offer, r.skill_milli);
                        let tax = (wage as f64 * g.income_tax) as i64; // floor: wage >= 0
                        t[0] += wage;
                        t[1] += tax;
                        t[6] += 1;
                        gross += wage - tax;
                    }
                }
                if r.employer.is_none() {
                    gross += benefit;
                    t[2] += benefit;
                    r.months_unemployed = r.months_unemployed.saturating_add(1);
                }
                gross += transfer + receivable[j];
                t[3] += transfer;
                t[5] += receivable[j];
                receivable[j] = 0;
                let rent = zones[r.home.index()].rent;
                let paid = rent.min(r.wealth + gross).max(0);
                t[4] += paid;
                if paid < rent {
                    r.flags |= FLAG_MUST_MOVE;
                }
                r.wealth += gross - paid;
                r.income = gross - paid;
                for s in &mut suppliers[j * sectors..(j + 1) * sectors] {
                    *s = renumber.get(*s);
                }
            }
            vec![t]
        })
        .reduce(|| vec![[0i64; 7]], par::add_bins)[0];
    let [
        wages,
        income_tax,
        benefits,
        transfers,
        rents,
        received,
        employed,
    ] = totals;

    // Wage bills left the firms above; here wages reach residents (net of
    // tax). Receivables were counted as residents' money when booked, so
    // paying them out moves nothing between classes.
    flows.residents += wages - income_tax + benefits + transfers - rents;
    flows.government += income_tax + rents - benefits - transfers;
    let _ = received;
    w.government.balance += firm_taxes_and_rent + income_tax + rents - benefits - transfers;

    // Close failed firms.
    if exits > 0 {
        let mut k = 0;
        w.firms.list.retain(|_| {
            let keep = !closed[k];
            k += 1;
            keep
        });
    }
    w.counters.exits += exits;
    if employed > 0 {
        w.mean_wage = wages / employed;
    }
    w.government.benefit = (g.benefit_share * w.mean_wage as f64).floor() as i64;
    flows
}

/// What a range of firms did in the incomes phase (see `pay`).
struct FirmRange {
    /// Firms that closed.
    exits: u32,
    /// Firms that closed idle (they could pay).
    idle_exits: u32,
    /// Ages of the firms that closed, in firm order.
    exit_ages: Vec<u32>,
    /// Dividends and closing payouts, cents, by owner.
    owed: par::ByChunk<i64>,
    /// Net flows of firms and residents, cents.
    firms: i64,
    residents: i64,
    /// Workplace rent and profit tax paid to the government, cents.
    taxes_and_rent: i64,
}

/// Firm numbers after the exits, by blocks of 64 firms: the number of firms
/// left before each block, and for each firm of the block the number of its
/// block's firms closed before it (`CLOSED` for a closed firm). The tables
/// take 1.06 bytes a firm (a big city's per-firm table of numbers does not
/// fit in the processor's own cache; these do), and a lookup is an addition
/// and a subtraction, with no branch on whether the block lost firms (late
/// in a big city's run about 40% of the blocks do each month, and such a
/// branch was often mispredicted).
struct Renumber {
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
    fn new(closed: &[bool]) -> Renumber {
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
    fn get(&self, f: FirmId) -> FirmId {
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

    /// The pass compiled for three sectors must do exactly what the
    /// general one does: on copies of the same world, two years in (firms
    /// closing, suppliers to renumber), both give the same flows,
    /// residents, suppliers, receivables and firms.
    #[test]
    fn three_sector_pass_equals_the_general_one() {
        let (scenario, world) = crate::step::default_city_after(3000, 24);
        let (mut general, mut three) = (world.clone(), world);
        assert_eq!(three.residents.sectors, 3, "the default has 3 sectors");
        // A second payday in month 24: firms left short of a month's costs
        // close, and their suppliers' numbers must be remapped.
        let ctx = StepCtx::new(scenario.simulation.seed, 24);
        let before = general.counters.exits;
        let flows = pay_in::<0>(&mut general, &scenario, ctx);
        assert!(
            general.counters.exits > before,
            "the test needs firms that close"
        );
        assert_eq!(pay_in::<3>(&mut three, &scenario, ctx), flows);
        assert_eq!(general.residents.people, three.residents.people);
        assert_eq!(general.residents.suppliers, three.residents.suppliers);
        assert_eq!(general.residents.receivable, three.residents.receivable);
        assert_eq!(general.firms.list, three.firms.list);
    }

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
