//! Phase 3: founding firms, and MEI incubation.
//!
//! A resident founds a firm with a monthly hazard of `founding_hazard` x its
//! aptitude (x `mei.hazard_multiplier` in a zone with an MEI base) when its
//! wealth covers what it must put up. Founding costs two things:
//! - the startup cost, sunk: `startup_cost_months` of the mean wage times
//!   the project's scale, a lognormal draw of mean 1 and log-sd
//!   `project_scale_sigma` (projects differ; this is what makes the startup
//!   rate respond to the cost smoothly rather than all at once). It is paid
//!   to the government as fees (registration, licences, land and fit-out
//!   charges), which it spends like its other revenue;
//! - the starting capital, `starting_capital_months` of the wage bill the
//!   firm plans, which becomes the firm's cash. With the bank on and
//!   lending, the bank lends `bank.founding_loan_share` of it to the firm
//!   (a founding loan, the firm's debt) and the founder puts up the rest;
//!   otherwise the founder puts up all of it.
//!
//! So a cheaper start lowers the threshold without leaving the new firm
//! without cash. MEI bases offer `slots_per_base` incubator places a month
//! to this month's would-be founders, best aptitude first (ties by resident
//! id). An incubated founder pays only `1 - subsidy_share` of what it would
//! put up (the government pays the rest), so MEI also lets founders who
//! could not afford the full outlay start; its firm gets `training_gain`
//! more productivity; and this month's `venture_fund` is paid in from
//! outside the city, shared equally by this month's incubated firms (a
//! recorded inflow). The founder owns the firm.
//! Decisions are drawn in parallel; firms are created in resident order.

use rayon::prelude::*;

use crate::model::bank as model_bank;
use crate::model::founding;
use crate::par;
use crate::rng::{Phase, StepCtx};
use crate::scenario::Scenario;
use crate::world::build::{cumulate, pick};
use crate::world::residents::ResidentId;
use crate::world::{FIRM_INCUBATED, Firm, Flows, Holder, World, ZoneId, yuan_to_cents};

struct Founding {
    /// Its productivity over its sector's mean.
    draw: f64,
    resident: u32,
    sector: u8,
    zone: ZoneId,
    aptitude: f32,
    /// The project's startup cost (sunk): the cost times its scale.
    cost: i64,
    /// The firm's starting capital.
    capital: i64,
    can_pay_full: bool,
    incubated: bool,
}

/// Founds this month's firms.
pub fn found_firms(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    let e = &p.entrepreneurship;
    let mei = &p.mei;
    let cost = founding::startup_cost(e.startup_cost_months, w.mean_wage);
    let slots = w.platforms.places.mei_bases.len() * mei.slots_per_base as usize;
    let subsidy_share = if slots > 0 { mei.subsidy_share } else { 0.0 };
    let sigma = e.project_scale_sigma;
    // The bank lends founding loans this month if its equity covered its
    // capital ratio at the start of the phase (the same answer for every
    // founder, as in the incomes phase).
    let bank = &p.bank;
    let lending =
        bank.enabled && model_bank::may_lend(w.bank.equity, w.bank.loans, bank.capital_ratio);
    let loan_share = if lending {
        bank.founding_loan_share
    } else {
        0.0
    };
    // A new firm starts at its sector's means over the firms open now.
    let templates = sector_templates(w);
    let open: Vec<f64> = w
        .sectors
        .iter()
        .map(|s| {
            if s.closed_to_entry {
                0.0
            } else {
                s.budget_share
            }
        })
        .collect();
    let sector_cumulative = cumulate(&open);
    if sector_cumulative.total() <= 0.0 || e.founding_hazard <= 0.0 {
        return Flows::default();
    }
    let zone_cumulative: Vec<crate::world::build::Cumulative> = w
        .sectors
        .iter()
        .map(|s| {
            cumulate(
                &w.city
                    .zones
                    .iter()
                    .map(|z| z.land_use.firm_weight(&p.zoning, s.manufacturing))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let (city, sectors, bases) = (&w.city, &w.sectors, &w.platforms.places.bases_in_zone);
    let keys = ctx.keys(Phase::Entrepreneurship);
    // Resident i's founding this month, if it founds a firm.
    // The largest boost a home zone can give: a coin at or above the hazard
    // this allows is no founding whatever the zone, and the resident's
    // record need not be read (a big city's records are hundreds of
    // megabytes; the aptitudes a tenth of that).
    let most_boost = mei.hazard_multiplier.max(1.0);
    let found = |i: usize, people: &[crate::world::Resident], j: usize, aptitude: f32| {
        let coin = keys.coin(i as u64, 0);
        if !founding::founds(coin, e.founding_hazard, most_boost, aptitude) {
            return None;
        }
        let r = &people[j];
        let boost = if bases[r.home.index()] > 0 {
            mei.hazard_multiplier
        } else {
            1.0
        };
        if !founding::founds(coin, e.founding_hazard, boost, aptitude) {
            return None;
        }
        let mut rng = keys.rng(i as u64);
        // Projects differ in scale (lognormal, mean 1): the cost sunk.
        let scale = founding::project_scale(sigma, crate::rng::normal(&mut rng));
        let project_cost = founding::project_capital(cost, scale);
        let sector = pick(&sector_cumulative, &mut rng)?;
        // A bigger project also needs more starting capital.
        let capital = founding::project_capital(
            founding::starting_capital(
                e.starting_capital_months,
                e.startup_staff,
                templates[sector].0,
            ),
            scale,
        );
        // The least it must put up: with an incubator's subsidy.
        let least = founding::outlay(project_cost, capital, loan_share, subsidy_share).own;
        if r.wealth < least.max(1) {
            return None;
        }
        let full = founding::outlay(project_cost, capital, loan_share, 0.0).own;
        // Founders open where they live when the zoning allows the sector.
        let home_ok = city.zones[r.home.index()]
            .land_use
            .firm_weight(&p.zoning, sectors[sector].manufacturing)
            >= 1.0;
        let zone = if home_ok {
            r.home
        } else {
            ZoneId(pick(&zone_cumulative[sector], &mut rng)? as u16)
        };
        // Its productivity relative to its sector's mean (drawn last).
        let draw = founding::productivity_draw(e.productivity_sigma, crate::rng::normal(&mut rng));
        Some(Founding {
            draw,
            resident: i as u32,
            sector: sector as u8,
            zone,
            aptitude,
            cost: project_cost,
            capital,
            can_pay_full: r.wealth >= full,
            incubated: false,
        })
    };
    // Chunks of residents in order, so the foundings come in resident order.
    let chunk = par::chunk_len(w.residents.len());
    let mut foundings: Vec<Founding> = w
        .residents
        .people
        .par_chunks(chunk)
        .zip(w.residents.aptitude.par_chunks(chunk))
        .enumerate()
        .flat_map_iter(|(c, (people, aptitude))| {
            let mut found_here = Vec::new();
            for (j, &a) in aptitude.iter().enumerate() {
                found_here.extend(found(c * chunk + j, people, j, a));
            }
            found_here
        })
        .collect();
    // Incubator places go to the best aptitudes (ties by resident id); the
    // others found alone if they can pay their project's full capital.
    let mut order: Vec<usize> = (0..foundings.len()).collect();
    order.sort_by(|&a, &b| {
        foundings[b]
            .aptitude
            .total_cmp(&foundings[a].aptitude)
            .then(foundings[a].resident.cmp(&foundings[b].resident))
    });
    for &k in order.iter().take(slots) {
        foundings[k].incubated = true;
    }
    foundings.retain(|f| f.incubated || f.can_pay_full);
    if foundings.is_empty() {
        return Flows::default();
    }
    let incubated = foundings.iter().filter(|f| f.incubated).count() as i64;
    let fund = if incubated > 0 {
        yuan_to_cents(mei.venture_fund)
    } else {
        0
    };
    let mut flows = Flows::default();
    let mut venture_paid = 0i64;
    let mut subsidies = 0i64;
    let mut k_incubated = 0i64;
    for f in &foundings {
        let (wage, price, productivity) = templates[f.sector as usize];
        let expected = e.startup_staff as f64 * productivity;
        let (share, venture) = if f.incubated {
            // The fund is shared equally; the first firms take the remainder cents.
            let venture = fund / incubated + i64::from(k_incubated < fund % incubated);
            k_incubated += 1;
            (subsidy_share, venture)
        } else {
            (0.0, 0)
        };
        let o = founding::outlay(f.cost, f.capital, loan_share, share);
        w.residents.people[f.resident as usize].wealth -= o.own;
        flows[Holder::Residents] -= o.own;
        flows[Holder::Government] += o.fees - o.subsidy;
        flows[Holder::Firms] += o.capital + venture;
        flows.external += venture;
        flows.credit += o.loan;
        venture_paid += venture;
        subsidies += o.subsidy;
        w.government.balance += o.fees - o.subsidy;
        w.bank.loans += o.loan;
        let training = if f.incubated {
            1.0 + mei.training_gain
        } else {
            1.0
        };
        let mut firm = Firm::new(
            f.sector,
            f.zone,
            ResidentId(f.resident),
            w.firms.next_serial,
            wage,
            productivity * training * f.draw,
        );
        firm.cash = o.capital + venture;
        firm.debt = o.loan;
        firm.price = founding::entry_price(price, e.startup_discount);
        firm.expected_demand = expected;
        firm.sales = expected;
        firm.flags = if f.incubated { FIRM_INCUBATED } else { 0 };
        w.firms.list.push(firm);
        w.firms.next_serial += 1;
    }
    w.counters.startups += foundings.len() as u32;
    w.counters.incubated += incubated as u32;
    w.counters.venture += venture_paid;
    w.counters.subsidies += subsidies;
    flows
}

/// Per sector: mean wage offer, mean price and mean productivity of its
/// firms (a new firm starts at its sector's means).
fn sector_templates(w: &World) -> Vec<(i64, i64, f64)> {
    let k = w.sectors.len();
    let mut sums = vec![(0i128, 0i128, 0.0f64, 0u64); k];
    for f in &w.firms.list {
        let s = &mut sums[f.sector as usize];
        s.0 += f.wage as i128;
        s.1 += f.price as i128;
        s.2 += f.productivity;
        s.3 += 1;
    }
    sums.iter()
        .enumerate()
        .map(|(i, &(wage, price, prod, n))| {
            if n == 0 {
                let base = w.sectors[i].base_price.round() as i64;
                (w.mean_wage, base.max(1), w.sectors[i].productivity)
            } else {
                (
                    (wage / n as i128) as i64,
                    (price / n as i128) as i64,
                    prod / n as f64,
                )
            }
        })
        .collect()
}
