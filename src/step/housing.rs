//! Phase 9: housing and commuting.
//!
//! Moves: each month a resident considers moving with probability
//! `move_prob` plus `move_prob_per_commute_hour` per hour of one-way commute
//! (always, if it could not pay its rent). It compares `move_options` zones
//! with free dwellings by amenity value minus rent minus the money cost of
//! commuting to its job, and applies to the best if it beats home by
//! `move_gain` of its income (a resident who must move takes any cheaper
//! zone). Applications are accepted per zone in lottery order up to the
//! zone's free dwellings.
//!
//! Rents: each zone's rent moves by `rent_adjust` times the relative gap
//! between its demand (occupants plus turned-away applicants, over
//! dwellings) and the target occupancy T = 1 - `vacancy_target`, that is
//! `rent_adjust * (demand - T) / T`, capped at +/- `rent_adjust` a month.
//!
//! Congestion: the citywide factor 1 + a (V/C)^b is recomputed from the
//! one-way commuter-km of all workers on the days they commute (teleworkers'
//! home days take their trips off the roads), summed in integer metres.
//! Home values count only the days commuted, too.
//!
//! Metrics: the pass over residents is the month's last, after the last
//! phase that moves money, so it also sums what the metrics row and the
//! ledger's recount need ([`metrics::Tally`]); each worker's trip is counted
//! by grid offset, and a mover's count is moved to its new offset.

use rayon::prelude::*;

use crate::metrics::{self, Sums, Tally};
use crate::model::housing;
use crate::par;
use crate::rng::{self, Phase, StepCtx};
use crate::scenario::Scenario;
use crate::step::labour::wage_of;
use crate::world::city::{Commutes, Telework};
use crate::world::residents::{FLAG_MUST_MOVE, FLAG_TELEWORK_DRAWN};
use crate::world::{City, FirmId, Flows, World, ZoneId, yuan_to_cents};

/// Moves residents, adjusts rents and updates congestion; returns the
/// month's sums for the metrics row. Moves no money.
pub fn move_and_price(w: &mut World, p: &Scenario, ctx: StepCtx) -> (Flows, Tally) {
    let rp = &p.residents;
    let cp = &p.city;
    let city = &w.city;
    let zones = city.len();
    // Zones' value to a resident working in `work` (None: unemployed).
    let telework = Telework::new(p);
    let commutes = Commutes::new(city, cp);
    // Work is (zone, wage, share of days at home).
    let value = |z: ZoneId, work: Option<(ZoneId, f64, f64)>| {
        let zone = &city.zones[z.index()];
        let commute = work.map_or(0.0, |(wz, wage, home_days)| {
            (1.0 - home_days) * commutes.cost_cents(city, z, wz, wage)
        });
        housing::zone_value(cp.amenity_value, zone.amenity, zone.rent, commute)
    };
    let keys = ctx.keys(Phase::Housing);
    // The chance of considering a move at the longest commute in the table,
    // or at 10 hours when some commute is longer (a commute counts for 10
    // hours at most): the same arithmetic as below, which grows with the
    // minutes.
    let longest = commutes
        .minutes_by_offset()
        .iter()
        .fold(0.0, |a: f64, &m| a.max(m));
    let considered_below =
        housing::move_chance(rp.move_prob, rp.move_prob_per_commute_hour, longest);
    // Workplaces (zone, telework) and wages, compactly.
    let jobs = w.job_quotes();
    // Per grid offset, the one-way metres a worker adds to the roads on
    // the days it commutes, with no telework and with a teleworker's days
    // (the only two shares of days at home): the congestion term, computed
    // once an offset instead of once a worker.
    let metres_by_offset: Vec<[i64; 2]> = city
        .offset_km
        .iter()
        .map(|&km| {
            [0.0, telework.share_of_days()]
                .map(|home_days| (km as f64 * (1.0 - home_days) * 1000.0) as i64)
        })
        .collect();
    // A worker's trip: the grid offset from `home` to its workplace, and
    // whether it teleworks (None without a job).
    let trip = |flags: u8, home: ZoneId, employer: FirmId| -> Option<(usize, bool)> {
        let f = jobs.get(employer.index())?.1;
        Some((
            city.offset(home, f.zone),
            telework.teleworks(flags, f.manufacturing),
        ))
    };
    let decide = |i: usize, r: &crate::world::Resident| -> Option<u128> {
        let must = r.flags & FLAG_MUST_MOVE != 0;
        // One coin decides; the job and commute are looked up only when the
        // coin is low enough for them to matter (below the chance at the
        // city's longest commute, or at 10 hours, the most a commute counts
        // for).
        let u = keys.coin(i as u64, 0);
        if !must && u >= considered_below {
            return None;
        }
        let work_zone = (!r.employer.is_none()).then(|| jobs[r.employer.index()].1.zone);
        let commute_min = work_zone.map(|wz| commutes.minutes(city, r.home, wz));
        if !housing::considers_moving(
            u,
            must,
            rp.move_prob,
            rp.move_prob_per_commute_hour,
            commute_min,
        ) {
            return None;
        }
        let work = (!r.employer.is_none()).then(|| {
            let (wage, spot) = jobs[r.employer.index()];
            let home_days = telework.share_of_job(r.flags, spot.manufacturing);
            (spot.zone, wage_of(wage, r.skill_milli) as f64, home_days)
        });
        let mut rng = keys.rng(i as u64);
        let here = value(r.home, work);
        let mut best = (f64::MIN, r.home);
        for _ in 0..rp.move_options {
            let z = ZoneId(rng::index(&mut rng, zones) as u16);
            let zone = &city.zones[z.index()];
            if z == r.home || zone.occupants >= zone.dwellings {
                continue;
            }
            let v = value(z, work);
            if v > best.0 {
                best = (v, z);
            }
        }
        let home_rent = city.zones[r.home.index()].rent;
        let cheaper = city.zones[best.1.index()].rent < home_rent;
        if best.1 == r.home || !housing::moves(best.0, here, r.income, rp.move_gain, must, cheaper)
        {
            return None;
        }
        let ticket = rng::index(&mut rng, u32::MAX as usize) as u128;
        Some(((best.1.0 as u128) << 64) | (ticket << 32) | i as u128)
    };
    // One pass decides the moves and tallies the month's metrics (the
    // month's last pass over residents; workers' trips are counted by
    // offset, and movers' counts moved below).
    let mut tally = metrics::Tally::begin(w);
    let prices = tally.prices();
    let far = par::far(jobs.len());
    let far_people = par::far(w.residents.len());
    let chunk = metrics::chunk_len(w.residents.len());
    let offsets = city.offset_km.len();
    let parts: Vec<(Vec<u128>, Sums)> = w
        .residents
        .people
        .par_chunks_mut(chunk)
        .zip(w.residents.consumption.par_chunks(chunk))
        .zip(w.residents.receivable.par_chunks(chunk))
        .enumerate()
        .map(|(c, ((people, consumption), receivable))| {
            let mut apps = Vec::new();
            let mut sums = Sums::new(offsets);
            for j in 0..people.len() {
                if far_people {
                    par::prefetch_stream(people, j);
                }
                if far {
                    par::prefetch_employer(&jobs, people, j);
                }
                let i = c * chunk + j;
                let r = &mut people[j];
                // A job taken this month gets its telework draw.
                if r.flags & FLAG_TELEWORK_DRAWN == 0
                    && let Some((_, spot)) = jobs.get(r.employer.index())
                {
                    telework.draw_job(&mut r.flags, i, spot.serial);
                }
                let r = &people[j];
                if let Some((offset, teleworks)) = trip(r.flags, r.home, r.employer) {
                    sums.add_trip(offset, teleworks);
                }
                sums.add(r, consumption[j], receivable[j], prices);
                apps.extend(decide(i, r));
            }
            sums.end_group();
            (apps, sums)
        })
        .collect();
    let mut applications = Vec::new();
    let mut sums = Sums::new(offsets);
    for (apps, part) in parts {
        applications.extend(apps);
        sums = sums.merge(part);
    }
    applications.par_sort_unstable();

    let mut turned_away = vec![0u32; zones];
    let mut moves = 0u32;
    let mut occupants: Vec<u32> = city.zones.iter().map(|z| z.occupants).collect();
    let resident = |a: u128| (a & 0xFFFF_FFFF) as usize;
    for (k, &a) in applications.iter().enumerate() {
        if far_people {
            // The resident, then (once its record is in) its employer's spot.
            if let Some(&next) = applications.get(k + par::AHEAD) {
                par::prefetch(&w.residents.people, resident(next));
            }
            if let Some(&next) = applications.get(k + par::AHEAD / 2) {
                let employer = w.residents.people[resident(next)].employer;
                par::prefetch(&jobs, employer.index());
            }
        }
        let (z, i) = ((a >> 64) as usize, resident(a));
        if occupants[z] < city.zones[z].dwellings {
            let r = &mut w.residents.people[i];
            let (old, new) = (r.home, ZoneId(z as u16));
            occupants[old.index()] -= 1;
            occupants[z] += 1;
            r.home = new;
            r.flags &= !FLAG_MUST_MOVE;
            moves += 1;
            // The mover's trip changes with its home.
            if let (Some((from, teleworks)), Some((to, _))) = (
                trip(r.flags, old, r.employer),
                trip(r.flags, new, r.employer),
            ) {
                sums.move_trip(from, to, teleworks);
            }
        } else {
            turned_away[z] += 1;
        }
    }
    w.counters.moves = moves;
    for (zone, n) in w.city.zones.iter_mut().zip(occupants) {
        zone.occupants = n;
    }
    adjust_rents(&mut w.city, p, &turned_away);
    // Commuter-metres from the trips by offset: integer terms, the same as
    // a sum over workers.
    let metres: i64 = sums
        .trips()
        .iter()
        .zip(&metres_by_offset)
        .map(|(&[commuters, teleworkers], &[full, part])| {
            commuters as i64 * full + teleworkers as i64 * part
        })
        .sum();
    let capacity = p.city.road_capacity_km * w.residents.len() as f64;
    w.city.congestion = City::bpr(&p.city, metres as f64 / 1000.0, capacity);
    tally.sums = sums;
    (Flows::default(), tally)
}

fn adjust_rents(city: &mut City, p: &Scenario, turned_away: &[u32]) {
    let cp = &p.city;
    let floor = yuan_to_cents(cp.min_rent);
    for (zone, &extra) in city.zones.iter_mut().zip(turned_away) {
        if zone.dwellings == 0 {
            continue;
        }
        let change = housing::rent_change(
            zone.occupants,
            extra,
            zone.dwellings,
            cp.vacancy_target,
            cp.rent_adjust,
        );
        zone.rent = housing::revised_rent(zone.rent, change, floor);
    }
}
