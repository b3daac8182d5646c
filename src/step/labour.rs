//! Phase 5: the labour market.
//!
//! 1. Layoffs: a worker of a firm that lays off k of its n workers leaves
//!    with probability k/n (independent draws from each worker's stream, so
//!    the count is binomial around k and no thread order is involved), and
//!    any worker of a firm with probability `separation_rate` (a job that
//!    ends for reasons of its own).
//! 2. Search: the unemployed with probability `unemployed_search_prob` (the
//!    offer arrival rate), the employed with probability
//!    `on_the_job_search`, draw `job_offers` vacancies (a vacancy-weighted
//!    draw over firms; ILP users draw `extra_job_offers` more), each with a
//!    match quality uniform within +/- `match_spread` of the wage (the
//!    non-wage side of a job, which makes people accept longer commutes), and
//!    rank them by wage x (1 + match) minus the money cost of the days
//!    commuted (teleworkers commute fewer days), the wage taken after income
//!    tax. The unemployed apply to the best one if it is worth more than
//!    their reservation wage (the benefit plus `reservation_margin`, falling
//!    by `reservation_decline` a month unemployed); the employed apply only
//!    if it beats their job by `job_switch_gain`.
//! 3. Matching: applications are sorted by (firm, lottery ticket, resident)
//!    and each firm accepts them in that order up to its vacancies. The
//!    result is the same for any thread count.
//! 4. Recount: employees, skill sums and wage bills per firm, as integer sums.

use rayon::prelude::*;

use crate::model::labour;
use crate::par;
use crate::rng::{self, Odds, Phase, StepCtx};
use crate::scenario::Scenario;
use crate::world::city::{Commutes, Telework};
use crate::world::residents::{FLAG_ILP, Resident};
use crate::world::{Firm, FirmId, Flows, World};

pub use crate::model::labour::wage_of;

/// Residents a block of the search pass (see `match_jobs`).
/// Long enough that the reads one loop asks for have arrived when the
/// next loop starts: in the megacity, blocks of 16 left the phase about
/// 10% slower than blocks of 64 to 256.
const BLOCK: usize = 128;

/// A resident's labour draws (`PhaseKeys::bits`): draw 0 holds the layoff
/// and search coins, the low half of draw 1 the lottery ticket, draw
/// `OFFER_DRAW + o` offer o (at most 200 offers).
const OFFER_DRAW: u64 = 16;

/// 2^32: a 32-bit half of a draw over this is a uniform in [0, 1).
const TWO_32: f64 = (1u64 << 32) as f64;

/// Runs layoffs, search and matching, then recounts the firms' staff.
pub fn match_jobs(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    let rp = &p.residents;
    // One entry per open vacancy: a uniform draw from it is a
    // vacancy-weighted draw of a firm, with one memory access.
    let slots = vacancy_slots(&w.firms.list);
    let total = slots.len() as u64;
    let (firms, city) = (&w.firms.list, &w.city);
    let job_quotes = w.job_quotes();
    let telework = Telework::new(p);
    let ilp_on = w.platforms.ilp.enabled;
    // Wage after income tax with the match's worth, less the cost of the
    // days commuted (time valued at the net wage).
    let commutes = Commutes::new(city, &p.city);
    let keep = labour::net_share(p.government.income_tax);
    let benefit = w.government.benefit;
    let net = |i: usize, r: &Resident, f: FirmId, fit: f64| {
        let (wage, firm) = job_quotes[f.index()];
        let wage = wage_of(wage, r.skill_milli) as f64 * keep;
        let home_days = telework.share(i, r.flags & FLAG_ILP != 0, firm.serial, firm.manufacturing);
        let commute_cost = commutes.cost_cents(city, r.home, firm.zone, wage);
        labour::job_value(wage, fit, home_days, commute_cost)
    };
    // Each firm's layoff chance, compactly (see recount_staff), with the
    // chance that a job ends for reasons of its own.
    let separation = rp.separation_rate;
    let layoff_chance: Vec<f32> = par::per_firm(firms)
        .map(|f| labour::layoff_chance(f.layoffs, f.employees, separation) as f32)
        .collect();
    // Whether reading ahead pays (see `par::far`).
    let (far, far_slots) = (par::far(firms.len()), par::far(slots.len()));
    let far_people = par::far(w.residents.len());
    let keys = ctx.keys(Phase::Labour);
    let unemployed_search = Odds::new(rp.unemployed_search_prob);
    let employed_search = Odds::new(rp.on_the_job_search);
    let chunk = par::chunk_len(w.residents.len());
    // Residents go by blocks, in three loops, so that in a big city each
    // loop's reads of per-firm data were asked for by the loop before: the
    // first lays off and draws the searchers' offers (vacancy slots), the
    // second turns slots into firms, the third weighs the offers.
    let parts: Vec<Vec<Application>> = w
        .residents
        .people
        .par_chunks_mut(chunk)
        .enumerate()
        .map(|(c, people)| {
            let mut apps = Vec::new();
            // The block's searchers: index in the chunk and the end of its
            // offers in `offers`.
            let mut searchers: Vec<(usize, usize)> = Vec::with_capacity(BLOCK);
            // Offers: (vacancy slot, then firm; match quality).
            let mut offers: Vec<(usize, f64)> = Vec::new();
            // The block's searchers, by their place in the chunk.
            let mut listed = [0u32; BLOCK];
            for start in (0..people.len()).step_by(BLOCK) {
                let end = (start + BLOCK).min(people.len());
                searchers.clear();
                offers.clear();
                let mut n = 0;
                for j in start..end {
                    if far_people {
                        par::prefetch_stream(people, j);
                    }
                    if far {
                        par::prefetch_employer(&layoff_chance, people, j);
                    }
                    let r = &mut people[j];
                    let agent = (c * chunk + j) as u64;
                    // Branch-free up to the rare layoff: the chance is 0 for
                    // the unemployed and small for firms that lay no one
                    // off, and the coin is cheaper than a mispredicted
                    // branch.
                    let layoff = layoff_chance
                        .get(r.employer.index())
                        .copied()
                        .unwrap_or(0.0);
                    // One draw: its low half decides the layoff, its high
                    // half the search.
                    let coins = keys.bits(agent, 0);
                    if (rng::half(coins, 0) as f64) < layoff as f64 * TWO_32 {
                        r.employer = FirmId::NONE;
                        r.job_match = 0.0;
                    }
                    let search = if r.employer.is_none() {
                        unemployed_search
                    } else {
                        employed_search
                    };
                    // Listed without a branch on the coin, which is taken
                    // about one time in nine and so would often be
                    // mispredicted.
                    // Public employees do not search.
                    listed[n] = j as u32;
                    n += (total > 0 && !r.public() && search.hit(rng::half(coins, 1))) as usize;
                }
                for &j in &listed[..n] {
                    let j = j as usize;
                    let r = &people[j];
                    let agent = (c * chunk + j) as u64;
                    let count = rp.job_offers
                        + if ilp_on && r.flags & FLAG_ILP != 0 {
                            p.platforms.ilp.extra_job_offers
                        } else {
                            0
                        };
                    for o in 0..count as u64 {
                        // Offer o: its vacancy slot from the low half of
                        // a draw, its match quality from the high half.
                        let draw = keys.bits(agent, OFFER_DRAW + o);
                        let slot = (rng::half(draw, 0) as u64 * total) >> 32;
                        let fit =
                            rp.match_spread * (2.0 * rng::half(draw, 1) as f64 / TWO_32 - 1.0);
                        if far_slots {
                            par::prefetch(&slots, slot as usize);
                        }
                        offers.push((slot as usize, fit));
                    }
                    if far {
                        // A worker weighs its own job too.
                        par::prefetch(&job_quotes, r.employer.index());
                    }
                    searchers.push((j, offers.len()));
                }
                for offer in &mut offers {
                    offer.0 = slots[offer.0] as usize;
                    if far {
                        par::prefetch(&job_quotes, offer.0);
                    }
                }
                let mut from = 0;
                for (j, to) in searchers.drain(..) {
                    let (i, r) = (c * chunk + j, &people[j]);
                    let mut best = (f64::MIN, FirmId::NONE, 0.0);
                    for &(f, fit) in &offers[from..to] {
                        let f = FirmId(f as u32);
                        if f == r.employer {
                            continue;
                        }
                        let value = net(i, r, f, fit);
                        if value > best.0 {
                            best = (value, f, fit);
                        }
                    }
                    from = to;
                    let now =
                        (!r.employer.is_none()).then(|| net(i, r, r.employer, r.job_match as f64));
                    let reservation = labour::reservation_wage(
                        benefit,
                        rp.reservation_margin,
                        rp.reservation_decline,
                        r.months_unemployed,
                    );
                    let bar = labour::acceptance_bar(now, rp.job_switch_gain, reservation);
                    if best.1.is_none() || !labour::accepts(best.0, bar) {
                        continue;
                    }
                    // The lottery ticket: the low half of draw 1.
                    let ticket = rng::half(keys.bits(i as u64, 1), 0) as u64;
                    apps.push(Application {
                        firm_ticket: ((best.1.0 as u64) << 32) | ticket,
                        resident: i as u32,
                        fit: best.2 as f32,
                    });
                }
            }
            apps
        })
        .collect();
    let mut applications: Vec<Application> = parts.concat();
    applications.par_sort_unstable_by_key(|a| (a.firm_ticket, a.resident));

    let hires = hire(w, &applications);
    w.counters.hires = hires;
    recount_staff(w);
    Flows::default()
}

/// Accepts `applications` (sorted by firm, then lottery order) up to each
/// firm's vacancies, and returns the number of hires. Firms take their
/// applications by ranges of firms in parallel (a firm's own applications
/// in their order, so the result is that of one loop; a small city's firms
/// are one range, see `par::MIN_LEN`); each searcher
/// applies once, so the hired residents' records are then written by
/// chunks of residents, in any order.
fn hire(w: &mut World, applications: &[Application]) -> u32 {
    let firm_of = |a: &Application| (a.firm_ticket >> 32) as usize;
    let per = w
        .firms
        .len()
        .div_ceil(rayon::current_num_threads())
        .max(par::MIN_LEN);
    let (n, chunk) = (w.residents.len(), par::chunk_len(w.residents.len()));
    let far_firms = par::far(w.firms.len());
    // Per range of firms, the hires: resident, firm and match quality.
    let hired: Vec<par::ByChunk<(u32, f32)>> = w
        .firms
        .list
        .par_chunks_mut(per)
        .enumerate()
        .map(|(r, part)| {
            let first = r * per;
            let from = applications.partition_point(|a| firm_of(a) < first);
            let to = applications.partition_point(|a| firm_of(a) < first + part.len());
            let mut hired = par::ByChunk::new(n, chunk);
            let mine = &applications[from..to];
            for (k, a) in mine.iter().enumerate() {
                if far_firms && let Some(next) = mine.get(k + par::AHEAD) {
                    par::prefetch(part, firm_of(next) - first);
                }
                let firm = &mut part[firm_of(a) - first];
                if firm.hires < firm.vacancies {
                    firm.hires += 1;
                    hired.push(a.resident, (firm_of(a) as u32, a.fit));
                } else {
                    firm.turned_away += 1;
                }
            }
            hired
        })
        .collect();
    par::apply_by_chunk(&mut w.residents.people, chunk, &hired, |r, &(f, fit)| {
        r.employer = FirmId(f);
        // The new job's telework draw is made in the housing pass.
        Telework::forget_job(&mut r.flags);
        r.months_unemployed = 0;
        r.job_match = fit;
    });
    hired.iter().map(|h| h.len() as u32).sum()
}

/// One entry per open vacancy, firm by firm: firm i's number repeated its
/// `vacancies` times. Built in parallel by ranges of firms, each filling
/// its own stretch of the list.
fn vacancy_slots(firms: &[Firm]) -> Vec<u32> {
    let vacancies: Vec<u32> = par::per_firm(firms).map(|f| f.vacancies).collect();
    let per = par::MIN_LEN;
    let totals: Vec<usize> = vacancies
        .par_chunks(per)
        .map(|part| part.iter().map(|&v| v as usize).sum())
        .collect();
    let mut slots = vec![0u32; totals.iter().sum()];
    let mut stretches = Vec::with_capacity(totals.len());
    let mut rest = slots.as_mut_slice();
    for &total in &totals {
        let (stretch, after) = rest.split_at_mut(total);
        stretches.push(stretch);
        rest = after;
    }
    vacancies
        .par_chunks(per)
        .zip(stretches)
        .enumerate()
        .for_each(|(r, (part, stretch))| {
            let mut at = 0;
            for (k, &v) in part.iter().enumerate() {
                stretch[at..at + v as usize].fill((r * per + k) as u32);
                at += v as usize;
            }
        });
    slots
}

/// A job application, in 16 bytes. Applications are matched in the order
/// of (firm, lottery ticket, resident): `firm_ticket` holds the firm above
/// the ticket.
#[derive(Clone, Copy)]
struct Application {
    firm_ticket: u64,
    resident: u32,
    /// Match quality of the offer.
    fit: f32,
}

/// Employees, skill sums and wage bills per firm, from the residents.
pub fn recount_staff(w: &mut World) {
    // Per firm, the three counts beside the wage offer, in one aligned
    // 32-byte entry: counting a worker reads and writes one cache line (a big
    // city's per-firm arrays do not fit in cache). Each chunk of residents
    // counts into a copy; the copies' counts are added (integers, so the
    // grouping cannot change them).
    #[derive(Clone, Copy)]
    #[repr(C, align(32))]
    struct Staff {
        employees: i64,
        skill_milli: i64,
        wage_bill: i64,
        wage: i64,
    }
    let empty: Vec<Staff> = par::per_firm(&w.firms.list)
        .map(|f| Staff {
            employees: 0,
            skill_milli: 0,
            wage_bill: 0,
            wage: f.wage,
        })
        .collect();
    let far = par::far(empty.len());
    let people = &w.residents.people;
    let staff = people
        .par_chunks(par::chunk_len_with_bins(people.len(), empty.len()))
        .map(|part| {
            let mut staff = empty.clone();
            for (j, r) in part.iter().enumerate() {
                if far {
                    par::prefetch_stream(part, j);
                    par::prefetch_employer_at::<{ par::AHEAD_TIGHT }, _>(&staff, part, j);
                }
                if let Some(s) = staff.get_mut(r.employer.index()) {
                    s.employees += 1;
                    s.skill_milli += r.skill_milli as i64;
                    s.wage_bill += wage_of(s.wage, r.skill_milli);
                }
            }
            staff
        })
        .reduce_with(|mut a, b| {
            for (x, y) in a.iter_mut().zip(&b) {
                x.employees += y.employees;
                x.skill_milli += y.skill_milli;
                x.wage_bill += y.wage_bill;
            }
            a
        })
        .unwrap_or(empty);
    par::per_firm_mut(&mut w.firms.list)
        .zip(&staff)
        .for_each(|(f, s)| {
            f.employees = s.employees as u32;
            f.skill_milli_sum = s.skill_milli as u64;
            f.wage_bill = s.wage_bill;
        });
}
