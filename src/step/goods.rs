//! Phase 7: the goods market.
//!
//! Budgets: a resident spends `propensity_income` of last month's disposable
//! income plus `propensity_wealth` of wealth (never more than its wealth),
//! split across sectors by budget shares.
//!
//! Supplier choice (Lengnick 2013): a resident buys each sector's goods from
//! one supplier. Each month, with probability `supplier_search_prob`, it
//! draws a candidate (from its home zone with probability
//! `local_search_share`, otherwise citywide) and switches if the candidate's
//! price plus travel cost is lower by `supplier_switch_gain`. A resident
//! rationed by its supplier last month searches for sure and leaves for any
//! candidate not dearer by more than that margin. When both platforms run,
//! an ILP user draws the candidate among the sector's IMP members citywide
//! with probability `platform_search_share`, and judges IMP members' goods
//! by price alone (delivered: no travel cost). With probability
//! `referral_share` a search's candidate is instead the seller of a random
//! yuan of last month's sales in the sector (word of mouth): a firm is then
//! found in proportion to its sales, so the large grow in proportion to
//! their size (Simon 1955), which gives the firm-size distribution its
//! Zipf-like tail.
//!
//! Rationing: a firm whose orders exceed its stock serves every order in the
//! same proportion (stock / orders), so the outcome does not depend on who
//! came first. A rationed resident tries one other firm of the sector in the
//! same month (a second round, rationed the same way). Budget still unspent
//! stays in the resident's wealth.

use rayon::prelude::*;

use crate::model::goods::{self, MAX_BUDGET};
use crate::par;
use crate::rng::{self, Odds, Phase, StepCtx};
use crate::scenario::{MAX_SECTORS, Scenario};
use crate::step::sector_count;
use crate::world::firms::MAX_PRICE;
use crate::world::residents::FLAG_ILP;
use crate::world::{FIRM_IMP, Firm, FirmId, FirmSet, Firms, Flows, Holder, World, ZoneId};

/// Firms grouped by sector and by (zone, sector), for candidate draws.
struct FirmIndex {
    by_sector: Vec<Vec<FirmId>>,
    /// IMP members by sector (empty when the platform is off).
    members: Vec<Vec<FirmId>>,
    /// `offsets[z * sectors + s]..offsets[z * sectors + s + 1]` indexes `local`.
    offsets: Vec<u32>,
    local: Vec<FirmId>,
    sectors: usize,
}

impl FirmIndex {
    fn build(firms: &Firms, zones: usize, sectors: usize, imp_on: bool) -> FirmIndex {
        // Each firm's (zone, sector) key and membership, gathered in
        // parallel into 5 bytes a firm: the serial loops below then read a
        // table a 25th the size of the firm records.
        let keys: Vec<(u32, bool)> = par::per_firm(&firms.list)
            .map(|f| {
                let key = f.zone.index() * sectors + f.sector as usize;
                (key as u32, imp_on && f.flags & FIRM_IMP != 0)
            })
            .collect();
        let mut by_sector = vec![Vec::new(); sectors];
        let mut members = vec![Vec::new(); sectors];
        let mut counts = vec![0u32; zones * sectors + 1];
        for (i, &(key, member)) in keys.iter().enumerate() {
            let sector = key as usize % sectors;
            by_sector[sector].push(FirmId(i as u32));
            if member {
                members[sector].push(FirmId(i as u32));
            }
            counts[key as usize + 1] += 1;
        }
        for k in 1..counts.len() {
            counts[k] += counts[k - 1];
        }
        let mut fill = counts.clone();
        let mut local = vec![FirmId::NONE; firms.len()];
        for (i, &(key, _)) in keys.iter().enumerate() {
            local[fill[key as usize] as usize] = FirmId(i as u32);
            fill[key as usize] += 1;
        }
        FirmIndex {
            by_sector,
            members,
            offsets: counts,
            local,
            sectors,
        }
    }

    fn local(&self, zone: ZoneId, sector: usize) -> &[FirmId] {
        let key = zone.index() * self.sectors + sector;
        &self.local[self.offsets[key] as usize..self.offsets[key + 1] as usize]
    }

    /// The firms a sector-`sector` candidate of a resident living in `home`
    /// is drawn among: the sector's IMP members when `online` and there
    /// are any, else the home zone's firms when `near` and there are any,
    /// else the sector's firms citywide. Picked without a branch.
    #[inline(always)]
    fn pool(&self, home: ZoneId, sector: usize, online: bool, near: bool) -> &[FirmId] {
        let (members, local) = (&self.members[sector], self.local(home, sector));
        let online = online & !members.is_empty();
        let near = near & !local.is_empty();
        let pools = [self.by_sector[sector].as_slice(), local, members];
        pools[if online { 2 } else { near as usize }]
    }
}

/// Residents a block of the supplier-choice pass (see `trade`).
/// Long enough that the reads one loop asks for have arrived when the
/// next loop starts: in the megacity, blocks of 16 left the phase about
/// 10% slower than blocks of 64 to 256.
const BLOCK: usize = 128;

/// The goods phase's draws of a resident (`PhaseKeys::bits`): the search
/// coins of sectors 2k and 2k + 1 are the halves of draw k; a sector-s
/// search takes its pool chances from draw `POOL_DRAW + s` and its place in
/// the pool from draw `PLACE_DRAW + s` (neither when word of mouth names its
/// candidate, `REFERRAL_DRAW`).
const POOL_DRAW: u64 = 16;
/// See [`POOL_DRAW`].
const PLACE_DRAW: u64 = 32;
/// A sector-s search takes its referral coin (low half) and its place in
/// the referral sample (high half) from draw `REFERRAL_DRAW + s`.
const REFERRAL_DRAW: u64 = 48;

/// Entries of a sector's referral sample (see [`Referrals`]) for a city of
/// `residents`: a quarter of the residents, within 2^10 and 2^16. A firm's
/// chance to be referred is its share of the sector's sales whatever the
/// size; the sample costs a few instructions an entry each month (at most
/// 256 KB a sector, in cache in the megacity), so it stays a small part of
/// a month's work in a small city.
fn referral_sample(residents: usize) -> u64 {
    (residents as u64 / 4).clamp(1 << 10, 1 << 16)
}

/// Where last month's money was spent, by sector: each sector's list holds
/// [`referral_sample`] firms, each about as often as its share of the
/// sector's takings last month, so that a uniform draw from the list is the
/// seller of a random yuan spent (word of mouth, weighted by sales).
struct Referrals {
    by_sector: Vec<Vec<FirmId>>,
}

impl Referrals {
    /// The lists, by systematic sampling: the sector's firms laid end to
    /// end by last month's takings, and [`referral_sample`] points spaced
    /// evenly along them from a random start; a firm appears once for each
    /// point it covers. Empty when `on` is false or a sector sold nothing.
    fn sample(
        firms: &[Firm],
        index: &FirmIndex,
        keys: &rng::PhaseKeys,
        residents: usize,
        on: bool,
    ) -> Referrals {
        let sectors = index.by_sector.len();
        if !on {
            return Referrals {
                by_sector: vec![Vec::new(); sectors],
            };
        }
        let takings: Vec<u64> = par::per_firm(firms)
            .map(|f| f.revenue.max(0) as u64)
            .collect();
        let by_sector = index
            .by_sector
            .iter()
            .enumerate()
            .map(|(s, ids)| {
                let total: u128 = ids.iter().map(|f| takings[f.index()] as u128).sum();
                let mut list = Vec::new();
                if total == 0 {
                    return list;
                }
                // Sector s's start is the stream of agent 2^41 + s, past
                // the residents' and the second round's leftovers'
                // (2^40 + k).
                let start = rng::below(
                    keys.bits((1 << 41) + s as u64, 0),
                    total.min(u64::MAX as u128) as usize,
                ) as u128;
                // Point j lies at (j x total + start) / k along the line;
                // it falls within a firm whose takings end the line at
                // `end` when j x total + start < end x k, kept multiplied
                // out (no division a point).
                let k = referral_sample(residents) as u128;
                list.reserve(k as usize);
                let (mut point, mut end, last) = (start, 0u128, k * total);
                for &f in ids {
                    end += takings[f.index()] as u128 * k;
                    while point < last && point < end {
                        list.push(f);
                        point += total;
                    }
                }
                list
            })
            .collect();
        Referrals { by_sector }
    }

    /// The referred firm of sector `s` at the 32-bit uniform `u` (the high
    /// half of 64 bits for [`rng::below`]), if the sample has any.
    #[inline(always)]
    fn pick(&self, s: usize, u: u32) -> Option<&FirmId> {
        let list = &self.by_sector[s];
        list.get(rng::below((u as u64) << 32, list.len()))
    }
}

// Sector coins fit below the search draws, and each sector's draws below
// the next kind's.
const _: () = assert!(MAX_SECTORS <= 16);

// A search names its resident's place in the block in a byte.
const _: () = assert!(BLOCK <= 256);

/// Runs the month's purchases.
pub fn trade(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    // The passes over residents loop over the sectors for every resident:
    // compiled for three sectors (the shipped scenarios' number) those
    // loops unroll; in the megacity the goods phase took 3 to 7% less time
    // (two alternating pairs of 24-month runs). Any other number takes the
    // general version.
    match w.sectors.len() {
        3 => trade_in::<3>(w, p, ctx),
        _ => trade_in::<0>(w, p, ctx),
    }
}

/// `trade` for `S` sectors (0: any number, read from the world).
fn trade_in<const S: usize>(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    let rp = &p.residents;
    let sectors = sector_count::<S>(w.sectors.len());
    let shares: Vec<f64> = w.sectors.iter().map(|s| s.budget_share).collect();
    let imp_on = w.platforms.imp.enabled;
    let ilp_on = w.platforms.ilp.enabled;
    let index = FirmIndex::build(&w.firms, w.city.len(), sectors, imp_on);
    let (firms, city) = (&w.firms.list, &w.city);
    let n = w.residents.len();
    let chunk = par::chunk_len(n);
    // The mean disposable income the propensity to consume is measured
    // against (an integer sum: the same on any number of threads; a pass
    // over residents only when the propensity falls with income).
    let graded = rp.saving_gradient != 0.0;
    let mean_income = if graded && n > 0 {
        w.residents
            .people
            .par_iter()
            .map(|r| r.income as i128)
            .sum::<i128>() as f64
            / n as f64
    } else {
        0.0
    };
    // A resident's budget in a sector. Without a saving gradient it is
    // computed again in the second pass rather than stored: in a big city
    // the store costs more memory traffic than the arithmetic. With one,
    // its power of income costs more than the store, so the first pass
    // keeps each budget (its bits) in the resident's `consumption` entry,
    // which the second pass reads and then overwrites with what was spent.
    let budget_of = |r: &crate::world::Resident| -> f64 {
        let propensity = if graded {
            goods::propensity_at(
                rp.propensity_income,
                r.income,
                mean_income,
                rp.saving_gradient,
            )
        } else {
            rp.propensity_income
        };
        goods::budget(r.income, r.wealth, propensity, rp.propensity_wealth)
    };
    // Price plus travel; an ILP user buys an IMP member's goods delivered.
    // What a shopper compares, packed in 8 bytes a firm (price in cents, at
    // most `MAX_PRICE` < 2^47, above the zone and the online bit): the firm
    // records of a big city do not fit in cache, these do better.
    let quotes: Vec<u64> = par::per_firm(firms)
        .map(|f| pack_quote(f.price, f.zone, imp_on && f.flags & FIRM_IMP != 0))
        .collect();
    let score = |home: ZoneId, user: bool, f: FirmId| {
        let (price, zone, online) = unpack_quote(quotes[f.index()]);
        let km = city.distance_km(home, zone);
        goods::supplier_score(price as f64, km, rp.shopping_cost_per_km, user && online)
    };

    let keys = ctx.keys(Phase::Goods);
    // Whether reading ahead pays (see `par::far`).
    let far = par::far(firms.len());
    let search_odds = Odds::new(rp.supplier_search_prob);
    let platform_odds = Odds::new(p.platforms.ilp.platform_search_share);
    let local_odds = Odds::new(rp.local_search_share);
    let referral_on = rp.referral_share > 0.0;
    let referral_odds = Odds::new(rp.referral_share);
    // Where last month's money went, read before this month's sales.
    let referrals = Referrals::sample(firms, &index, &keys, n, referral_on);
    // Choose suppliers and place orders; total the orders per firm.
    let orders = w
        .residents
        .people
        .par_chunks(chunk)
        .zip(w.residents.suppliers.par_chunks_mut(chunk * sectors))
        .zip(w.residents.consumption.par_chunks_mut(chunk))
        .enumerate()
        .map(|(c, ((people, suppliers), kept))| {
            let sectors = sector_count::<S>(sectors);
            let mut local = vec![[0i64; 1]; firms.len()];
            // Residents go by blocks. The first loop picks out the block's
            // searches (a resident and a sector each) without a branch on
            // the coin, which is taken about one time in ten and so would be
            // mispredicted often; the next three go through the searches
            // alone: draw each candidate (its place in a pool of firms), read
            // the candidates, compare their quotes. In a big city each of
            // these loops' per-firm reads was asked for by the loop before.
            // The last loop places every resident's orders.
            let mut searches = [(0u8, 0u8); BLOCK * MAX_SECTORS];
            let mut drawn: [Option<&FirmId>; BLOCK * MAX_SECTORS] = [None; BLOCK * MAX_SECTORS];
            let blocks = people
                .chunks(BLOCK)
                .zip(suppliers.chunks_mut(BLOCK * sectors));
            for (b, (block, slots)) in blocks.enumerate() {
                let first = (c * chunk + b * BLOCK) as u64;
                let mut n = 0;
                for (j, r) in block.iter().enumerate() {
                    let mut coins = 0;
                    for s in 0..sectors {
                        if s % 2 == 0 {
                            coins = keys.bits(first + j as u64, (s / 2) as u64);
                        }
                        let slot = slots[j * sectors + s];
                        let search = slot.is_none()
                            | (r.rationed & (1 << s) != 0)
                            | search_odds.hit(rng::half(coins, s));
                        searches[n] = (j as u8, s as u8);
                        n += search as usize;
                        if far {
                            par::prefetch(&local, slot.index());
                        }
                    }
                }
                let searches = &searches[..n];
                // A search's draws: whether word of mouth names the
                // candidate, and if not, which pool (two chances) and the
                // place in it. The pool is picked without a branch. (Draws
                // are keyed, so one not made shifts no other.)
                for (&(j, s), candidate) in searches.iter().zip(&mut drawn) {
                    let (r, s) = (&block[j as usize], s as usize);
                    let agent = first + j as u64;
                    // Word of mouth: the seller of a random yuan of the
                    // sector's sales last month (a pool draw when the
                    // sector sold nothing).
                    if referral_on {
                        let referral = keys.bits(agent, REFERRAL_DRAW + s as u64);
                        if referral_odds.hit(rng::half(referral, 0))
                            && let Some(f) = referrals.pick(s, rng::half(referral, 1))
                        {
                            *candidate = Some(f);
                            continue;
                        }
                    }
                    let chances = keys.bits(agent, POOL_DRAW + s as u64);
                    let user = ilp_on && r.flags & FLAG_ILP != 0;
                    let pool = index.pool(
                        r.home,
                        s,
                        user & platform_odds.hit(rng::half(chances, 0)),
                        local_odds.hit(rng::half(chances, 1)),
                    );
                    let k = rng::below(keys.bits(agent, PLACE_DRAW + s as u64), pool.len());
                    if far {
                        par::prefetch(pool, k);
                    }
                    *candidate = pool.get(k);
                }
                if far {
                    for (&(j, s), candidate) in searches.iter().zip(&drawn) {
                        if let &Some(&f) = candidate {
                            for f in [f, slots[j as usize * sectors + s as usize]] {
                                par::prefetch(&quotes, f.index());
                                par::prefetch(&local, f.index());
                            }
                        }
                    }
                }
                for (&(j, s), candidate) in searches.iter().zip(&drawn) {
                    let (r, s) = (&block[j as usize], s as usize);
                    let Some(&candidate) = *candidate else {
                        continue;
                    };
                    let user = ilp_on && r.flags & FLAG_ILP != 0;
                    let slot = &mut slots[j as usize * sectors + s];
                    if slot.is_none()
                        || goods::switches_supplier(
                            score(r.home, user, candidate),
                            score(r.home, user, *slot),
                            r.rationed & (1 << s) != 0,
                            rp.supplier_switch_gain,
                        )
                    {
                        *slot = candidate;
                    }
                }
                for (j, (r, slots)) in block.iter().zip(slots.chunks(sectors)).enumerate() {
                    let budget = budget_of(r);
                    if graded {
                        kept[b * BLOCK + j] = budget.to_bits() as i64;
                    }
                    for (s, slot) in slots.iter().enumerate() {
                        let b = cents(budget * shares[s]);
                        if !slot.is_none() {
                            local[slot.index()][0] += b;
                        }
                    }
                }
            }
            local
        })
        .reduce(|| vec![[0i64; 1]; firms.len()], par::add_bins);

    // Each firm serves the same share of every order.
    let fill = fill_shares(firms, &orders);
    // The firms that ration (the others serve every order in full, and a
    // shopper of theirs need not read `fill`), and one member past the last
    // firm standing for a missing supplier: whether a supplier rations or
    // is missing is one lookup, without a branch.
    let n_firms = fill.len();
    let short = FirmSet::from_fn(n_firms + 1, |i| i == n_firms || fill[i] < 1.0);
    let lacks = |f: FirmId| short.contains(FirmId(f.0.min(n_firms as u32)));

    let suppliers = &w.residents.suppliers;
    let parts: Vec<(Vec<[i64; 1]>, Vec<Leftover>)> = w
        .residents
        .people
        .par_chunks_mut(chunk)
        .zip(suppliers.par_chunks(chunk * sectors))
        .zip(w.residents.consumption.par_chunks_mut(chunk))
        .enumerate()
        .map(|(c, ((people, suppliers), consumption))| {
            let sectors = sector_count::<S>(sectors);
            let mut local = vec![[0i64; 1]; firms.len()];
            let mut leftovers = Vec::new();
            // Which of a resident's suppliers ration or are missing, a bit a
            // sector: found `AHEAD` residents early (to ask for the rationing
            // firms' fill and takings in a big city) and kept in a ring until
            // used.
            let mask = |j: usize, local: &[[i64; 1]]| {
                let mut m = 0u8;
                let Some(slots) = suppliers.get(j * sectors..(j + 1) * sectors) else {
                    return 0;
                };
                for (s, &f) in slots.iter().enumerate() {
                    let lacks = lacks(f);
                    // (A missing supplier's index is past every array.)
                    if far && lacks {
                        par::prefetch(&fill, f.index());
                        par::prefetch(local, f.index());
                    }
                    m |= (lacks as u8) << s;
                }
                m
            };
            let mut ring = [0u8; par::AHEAD];
            for (j, m) in ring.iter_mut().enumerate() {
                *m = mask(j, &local);
            }
            for (j, (r, consumption)) in people.iter_mut().zip(consumption).enumerate() {
                let short =
                    std::mem::replace(&mut ring[j % par::AHEAD], mask(j + par::AHEAD, &local));
                let budget = if graded {
                    f64::from_bits(*consumption as u64)
                } else {
                    budget_of(r)
                };
                // Most residents are served in full by every supplier: they
                // pay their budgets, with no branch a sector.
                if short == 0 {
                    let spent: i64 = shares.iter().map(|&share| cents(budget * share)).sum();
                    r.wealth -= spent;
                    *consumption = spent;
                    r.rationed = 0;
                    continue;
                }
                let mut spent = 0i64;
                let mut rationed = 0u8;
                for s in 0..sectors {
                    let f = suppliers[j * sectors + s];
                    let b = cents(budget * shares[s]);
                    if b <= 0 {
                        continue;
                    }
                    let pay = if f.is_none() {
                        0
                    } else if short & (1 << s) != 0 {
                        goods::served(b, fill[f.index()])
                    } else {
                        b
                    };
                    if pay < b {
                        rationed |= 1 << s;
                        leftovers.push(Leftover {
                            resident: (c * chunk + j) as u32,
                            home: r.home,
                            sector: s as u8,
                            budget: b - pay,
                        });
                    }
                    // A firm that serves every order in full earns exactly its
                    // orders; only rationing firms need their takings summed.
                    if pay > 0 {
                        if short & (1 << s) != 0 {
                            local[f.index()][0] += pay;
                        }
                        spent += pay;
                    }
                }
                r.wealth -= spent;
                *consumption = spent;
                r.rationed = rationed;
            }
            (local, leftovers)
        })
        .collect();
    let (bins, leftovers): (Vec<_>, Vec<_>) = parts.into_iter().unzip();
    let mut revenue = bins
        .into_par_iter()
        .reduce(|| vec![[0i64; 1]; firms.len()], par::add_bins);
    par::per_firm_mut(&mut revenue)
        .zip(&orders)
        .zip(&fill)
        .for_each(|((r, o), &f)| {
            if f >= 1.0 {
                r[0] = o[0];
            }
        });
    let mut spent_total: i64 = par::per_firm(&revenue).map(|r| r[0]).sum();
    par::per_firm_mut(&mut w.firms.list)
        .zip(&revenue)
        .for_each(|(f, r)| {
            // The month's first sale: last month's takings are forgotten.
            f.revenue = 0;
            f.sales = 0.0;
            f.sell(r[0]);
        });
    spent_total += second_round(w, p, ctx, &index, &leftovers, chunk);
    w.counters.consumption = spent_total;
    let mut flows = Flows::transfer(Holder::Residents, Holder::Firms, spent_total);
    flows.add(crate::step::demand::buy(w, p));
    flows
}

/// Each firm's share of every order it serves (the rationing rule,
/// [`goods::fill_share`]), from its orders of the round, cents.
fn fill_shares(firms: &[Firm], orders: &[[i64; 1]]) -> Vec<f64> {
    par::per_firm(firms)
        .zip(orders)
        .map(|(f, &[o])| goods::fill_share(f.inventory, f.price, o))
        .collect()
}

/// A budget share in whole cents, truncated: `x` is a budget (0 to
/// `MAX_BUDGET`) times a budget share (0 to 1). Truncation is the floor for
/// these non-negative amounts; the conversion needs no guard against
/// not-a-number or overflow, which a plain `as` adds to every one of the
/// tens of millions a month.
#[inline(always)]
fn cents(x: f64) -> i64 {
    debug_assert!((0.0..=MAX_BUDGET).contains(&x), "{x}");
    // SAFETY: x is finite and within 0..=2^62, so its truncation fits i64.
    unsafe { x.to_int_unchecked::<i64>() }
}

// The price guard fits the packing.
const _: () = assert!(MAX_PRICE < 1 << 47);

/// A firm's price (cents, 1 to `MAX_PRICE` < 2^47), zone and online flag in
/// one word: the price above 17 bits, the zone above 1, the flag in bit 0.
#[inline(always)]
fn pack_quote(price: i64, zone: ZoneId, online: bool) -> u64 {
    ((price.clamp(0, MAX_PRICE) as u64) << 17) | ((zone.0 as u64) << 1) | online as u64
}

/// The price, zone and online flag packed by `pack_quote`.
#[inline(always)]
fn unpack_quote(q: u64) -> (i64, ZoneId, bool) {
    ((q >> 17) as i64, ZoneId((q >> 1) as u16), q & 1 != 0)
}

/// Budget a rationed resident still wants to spend in a sector.
struct Leftover {
    resident: u32,
    /// The resident's home, kept here so that the second round need not
    /// read the resident's record.
    home: ZoneId,
    sector: u8,
    budget: i64,
}

/// Per range of firms, the (firm, payment) pairs of a part of the
/// second round's leftovers, in leftover order.
type Payments = Vec<Vec<(FirmId, i64)>>;

/// Residents rationed by their supplier try one other firm of the sector in
/// the same month (Lengnick 2013 households try further trading partners).
/// Each draws a candidate with stock left; candidates ration the new orders
/// proportionally, like the first round. The resident keeps its supplier and
/// its rationed flag, which makes it look for another next month. Returns the
/// money spent.
///
/// `parts[c]` holds, in resident order, the leftovers of the `c`-th chunk of
/// `chunk` residents; a leftover's stream is keyed by its place in all the
/// leftovers, so the draws do not depend on how the residents were split.
fn second_round(
    w: &mut World,
    p: &Scenario,
    ctx: StepCtx,
    index: &FirmIndex,
    parts: &[Vec<Leftover>],
    chunk: usize,
) -> i64 {
    let rp = &p.residents;
    let firms = &w.firms.list;
    // The firms with stock left.
    let stocked = FirmSet::from_fn(firms.len(), |i| firms[i].inventory > 0.0);
    let far = par::far(firms.len());
    let keys = ctx.keys(Phase::Goods);
    let local_odds = Odds::new(rp.local_search_share);
    // Where each part starts among all the leftovers.
    let starts: Vec<usize> = parts
        .iter()
        .scan(0, |at, part| {
            let start = *at;
            *at += part.len();
            Some(start)
        })
        .collect();
    let choices: Vec<Vec<FirmId>> = parts
        .par_iter()
        .zip(&starts)
        .map(|(part, &start)| {
            let mut choices = vec![FirmId::NONE; part.len()];
            // By blocks: draw each candidate's place in its pool, then read
            // the candidates (asked for ahead in a big city).
            let mut drawn: [Option<&FirmId>; BLOCK] = [None; BLOCK];
            for (b, block) in part.chunks(BLOCK).enumerate() {
                for (j, l) in block.iter().enumerate() {
                    // Leftover k's draws are those of agent 2^40 + k: the
                    // local chance from draw 0, the place from draw 1.
                    let agent = (1 << 40) + (start + b * BLOCK + j) as u64;
                    let near = local_odds.hit(rng::half(keys.bits(agent, 0), 0));
                    let pool = index.pool(l.home, l.sector as usize, false, near);
                    let at = rng::below(keys.bits(agent, 1), pool.len());
                    if far {
                        par::prefetch(pool, at);
                    }
                    drawn[j] = pool.get(at);
                }
                for (j, d) in drawn[..block.len()].iter().enumerate() {
                    if let &Some(&f) = d
                        && stocked.contains(f)
                    {
                        choices[b * BLOCK + j] = f;
                    }
                }
            }
            choices
        })
        .collect();
    let orders = parts
        .par_iter()
        .zip(&choices)
        .fold(
            || vec![[0i64; 1]; firms.len()],
            |mut bins, (part, choices)| {
                for (k, (l, f)) in part.iter().zip(choices).enumerate() {
                    if far && let Some(next) = choices.get(k + par::AHEAD) {
                        par::prefetch(&bins, next.index());
                    }
                    if !f.is_none() {
                        bins[f.index()][0] += l.budget;
                    }
                }
                bins
            },
        )
        .reduce(|| vec![[0i64; 1]; firms.len()], par::add_bins);
    let fill = fill_shares(firms, &orders);
    // Firms take their payments in leftover order (their sales and stock
    // are floats, so the order is kept). In a big city each thread takes a
    // range of firms: the payments are sorted into the ranges here, in
    // leftover order, so that a thread reads only its own.
    let per = if far {
        firms.len().div_ceil(rayon::current_num_threads()).max(1)
    } else {
        firms.len().max(1)
    };
    let ranges = firms.len().div_ceil(per).max(1);
    // What each leftover pays, and the residents pay it: part `c` is the
    // leftovers of the `c`-th chunk of residents. Per part: the money spent,
    // and per range of firms the (firm, payment) pairs.
    let pays: Vec<(i64, Payments)> = w
        .residents
        .people
        .par_chunks_mut(chunk)
        .zip(w.residents.consumption.par_chunks_mut(chunk))
        .zip(parts)
        .zip(&choices)
        .enumerate()
        .map(|(c, (((people, consumption), part), choices))| {
            let mut spent = 0i64;
            let mut paid = vec![Vec::new(); ranges];
            for (k, (l, &f)) in part.iter().zip(choices).enumerate() {
                if far
                    && let (Some(next), Some(ahead)) =
                        (choices.get(k + par::AHEAD), part.get(k + par::AHEAD))
                {
                    par::prefetch(&fill, next.index());
                    // The residents come in order, but far apart.
                    let at = ahead.resident as usize - c * chunk;
                    par::prefetch(people, at);
                    par::prefetch(consumption, at);
                }
                let pay = match fill.get(f.index()) {
                    Some(&share) => goods::served(l.budget, share),
                    None => 0,
                };
                if pay == 0 {
                    continue;
                }
                let at = l.resident as usize - c * chunk;
                people[at].wealth -= pay;
                consumption[at] += pay;
                spent += pay;
                paid[f.index() / per].push((f, pay));
            }
            (spent, paid)
        })
        .collect();
    let spent = pays.iter().map(|p| p.0).sum();
    w.firms
        .list
        .par_chunks_mut(per)
        .enumerate()
        .for_each(|(r, part)| {
            let first = r * per;
            for (_, paid) in &pays {
                let paid = &paid[r];
                for (k, &(f, pay)) in paid.iter().enumerate() {
                    if far && let Some(&(next, _)) = paid.get(k + par::AHEAD) {
                        par::prefetch(part, next.index() - first);
                    }
                    part[f.index() - first].sell(pay);
                }
            }
        });
    spent
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The passes compiled for three sectors must do exactly what the
    /// general ones do: on copies of the same world, a few months in
    /// (suppliers chosen, searches and rationing under way), both give the
    /// same flows, residents, suppliers, consumption and firms.
    #[test]
    fn three_sector_passes_equal_the_general_ones() {
        let (mut scenario, world) = crate::step::default_city_after(3000, 3);
        // With word of mouth, so that its draws are compared too.
        scenario.residents.referral_share = 0.3;
        let (mut general, mut three) = (world.clone(), world);
        assert_eq!(three.sectors.len(), 3, "the default scenario has 3 sectors");
        let ctx = StepCtx::new(scenario.simulation.seed, 4);
        let flows = trade_in::<0>(&mut general, &scenario, ctx);
        assert_eq!(trade_in::<3>(&mut three, &scenario, ctx), flows);
        assert!(flows[Holder::Firms] > 0, "residents bought goods");
        assert_eq!(general.residents.people, three.residents.people);
        assert_eq!(general.residents.suppliers, three.residents.suppliers);
        assert_eq!(general.residents.consumption, three.residents.consumption);
        assert_eq!(general.firms.list, three.firms.list);
    }

    /// Word of mouth finds firms by their sales: in each sector's sample a
    /// firm appears within one entry of the sample's size times its share
    /// of the sector's takings (systematic sampling), firms that sold
    /// nothing never appear, and the sample has its full size.
    #[test]
    fn referrals_follow_last_months_sales() {
        let (_, world) = crate::step::default_city_after(3000, 3);
        let firms = &world.firms.list;
        let sectors = world.sectors.len();
        let index = FirmIndex::build(&world.firms, world.city.len(), sectors, false);
        let keys = StepCtx::new(7, 4).keys(Phase::Goods);
        let n = world.residents.len();
        let referrals = Referrals::sample(firms, &index, &keys, n, true);
        let k = referral_sample(n);
        assert_eq!(k, 1024, "a small city's sample is at its floor");
        for (s, ids) in index.by_sector.iter().enumerate() {
            let list = &referrals.by_sector[s];
            assert_eq!(list.len() as u64, k, "sector {s}");
            let total: i64 = ids.iter().map(|f| firms[f.index()].revenue.max(0)).sum();
            assert!(total > 0, "sector {s} sold something");
            let mut seen = 0;
            for f in ids {
                let count = list.iter().filter(|&&g| g == *f).count() as f64;
                let expected = k as f64 * firms[f.index()].revenue.max(0) as f64 / total as f64;
                assert!(
                    (count - expected).abs() < 1.0 + 1e-9,
                    "{count} vs {expected}"
                );
                if firms[f.index()].revenue <= 0 {
                    assert_eq!(count, 0.0);
                }
                seen += count as u64;
            }
            assert_eq!(seen, k, "every entry is a firm of the sector");
        }
        // Off: no sample, and no draw is needed.
        let off = Referrals::sample(firms, &index, &keys, n, false);
        assert!(off.by_sector.iter().all(Vec::is_empty));
        assert_eq!(off.pick(0, u32::MAX), None);
        // A pick is uniform over the list: the two ends of the draw.
        let list = &referrals.by_sector[0];
        assert_eq!(referrals.pick(0, 0), list.first());
        assert_eq!(referrals.pick(0, u32::MAX), list.last());
    }

    #[test]
    fn quotes_keep_price_zone_and_flag_at_their_extremes() {
        for price in [1, 2, 999_999, MAX_PRICE - 1, MAX_PRICE] {
            for zone in [0, 1, 4_321, u16::MAX] {
                for online in [false, true] {
                    let q = pack_quote(price, ZoneId(zone), online);
                    assert_eq!(unpack_quote(q), (price, ZoneId(zone), online));
                }
            }
        }
    }
}
