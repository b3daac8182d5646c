//! Building a city from a scenario: zones and land use, then residents, then
//! firms with a Zipf-like size distribution, then jobs and suppliers, near a
//! steady state so that the first months are not a transient. All draws come
//! from `Phase::Setup` / `Phase::City` streams.

use rayon::prelude::*;

use crate::rng::{self, AgentRng, Phase, PhaseKeys, index, stream, unit};
use crate::scenario::Scenario;
use crate::world::city::Commutes;
use crate::world::residents::{FLAG_PUBLIC, ResidentId};
use crate::world::{
    Accounts, Bank, City, Firm, FirmId, Firms, Government, Holder, Ledger, MonthCounters,
    Platforms, Resident, Residents, Sector, World, Zone, ZoneId, output_of, yuan_to_cents,
};

impl World {
    /// Builds month 0 of the city a scenario describes.
    pub fn build(s: &Scenario) -> World {
        let seed = s.simulation.seed;
        let mut city = build_city(s, seed);
        let sectors = build_sectors(s);
        let mut residents = build_residents(s, &mut city, seed);
        let mut firms = build_firms(s, &city, &sectors, seed);
        assign_jobs(s, &city, &mut residents, &mut firms, seed);
        assign_suppliers(&mut residents, &firms, sectors.len(), seed);
        settle_firms(s, &city, &mut firms);
        let mut sectors = sectors;
        set_base_prices(&firms, &mut sectors);
        price_in_capital(s, &mut firms, &mut sectors);
        let balance = seed_wealth(s, &city, &mut residents, &firms);
        let mut world = World {
            month: 0,
            city,
            residents,
            firms,
            sectors,
            government: Government {
                balance,
                benefit: 0,
                output_trend: 0.0,
                public_staff: 0,
            },
            bank: Bank::default(),
            platforms: Platforms::default(),
            ledger: Ledger::default(),
            counters: MonthCounters::default(),
            mean_wage: yuan_to_cents(s.firms.initial_wage),
            telework_jobs: f64::NAN,
        };
        world.government.public_staff =
            world.residents.people.iter().filter(|r| r.public()).count() as u64;
        world.government.benefit =
            (s.government.benefit_share * yuan_to_cents(s.firms.initial_wage) as f64) as i64;
        world.platforms.imp.owner = index(
            &mut stream(seed, 0, Phase::Setup, 5 << 40),
            world.residents.len(),
        ) as u32;
        world.platforms.ilp.owner = index(
            &mut stream(seed, 0, Phase::Setup, 6 << 40),
            world.residents.len(),
        ) as u32;
        world.refresh(s);
        // Output at set-up prices is the trend the government's purchases
        // start from.
        world.government.output_trend = world
            .firms
            .list
            .iter()
            .map(|f| f.price as f64 * f.output)
            .sum();
        if s.bank.enabled {
            // The bank's capital at set-up: its capital ratio of the firms'
            // cash, room to lend about as much as the firms hold.
            let capital = (s.bank.capital_ratio * world.firms.money() as f64) as i64;
            world.bank = Bank {
                capital,
                equity: capital,
                policy_rate: s.bank.neutral_rate + s.bank.inflation_target,
                inflation: s.bank.inflation_target,
                ..Bank::default()
            };
        }
        world.ledger = Ledger::open(world.account_totals());
        world
    }

    /// Money by holder class, recounted from every account.
    pub fn account_totals(&self) -> Accounts {
        let mut totals = Accounts::default();
        for h in Holder::ALL {
            totals[h] = match h {
                Holder::Residents => self.residents.money(),
                Holder::Firms => self.firms.money(),
                Holder::Government => self.government.balance,
                Holder::Platforms => self.platforms_money(),
                Holder::Bank => self.bank.equity,
            };
        }
        totals
    }
}

pub(crate) use crate::scenario::land::land_uses;

fn build_city(s: &Scenario, seed: u64) -> City {
    let p = &s.city;
    let (w, h) = (p.width as usize, p.height as usize);
    let land = land_uses(p, seed);

    let n = s.simulation.residents as f64;
    let stock = (n / (1.0 - p.vacancy_target)).ceil();
    let weights: Vec<f64> = land.iter().map(|l| l.dwelling_weight(&s.zoning)).collect();
    let dwellings = apportion(stock as u64, &weights);
    let mean_amenity = land.iter().map(|l| l.amenity(&s.zoning)).sum::<f64>() / land.len() as f64;
    let zones = (0..w * h)
        .map(|i| {
            let amenity = land[i].amenity(&s.zoning);
            let rent = p.base_rent + p.amenity_value * (amenity - mean_amenity);
            Zone {
                x: (i % w) as u16,
                y: (i / w) as u16,
                land_use: land[i],
                dwellings: dwellings[i] as u32,
                occupants: 0,
                amenity,
                rent: yuan_to_cents(rent.max(p.min_rent)),
            }
        })
        .collect();
    let mut city = City {
        width: p.width,
        height: p.height,
        zone_km: p.zone_km,
        zones,
        access_min: p.access_min,
        speed_kmh: p.speed_kmh,
        detour: p.detour,
        congestion: 1.0 + p.bpr_a,
        offset_km: Vec::new(),
        coords: Vec::new(),
    };
    city.tabulate_distances();
    city
}

/// Splits `total` into integer parts proportional to `weights` (largest remainders).
pub(crate) fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut parts: Vec<u64> = exact.iter().map(|e| e.floor() as u64).collect();
    let mut left = total.saturating_sub(parts.iter().sum());
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().cycle().take(weights.len() * 2) {
        if left == 0 {
            break;
        }
        if weights[i] > 0.0 {
            parts[i] += 1;
            left -= 1;
        }
    }
    parts
}

fn build_sectors(s: &Scenario) -> Vec<Sector> {
    s.sectors
        .iter()
        .map(|(name, p)| Sector {
            name: name.clone(),
            budget_share: p.budget_share,
            productivity: p.productivity,
            manufacturing: p.manufacturing,
            closed_to_entry: p.closed_to_entry,
            base_price: 1.0,
        })
        .collect()
}

fn build_residents(s: &Scenario, city: &mut City, seed: u64) -> Residents {
    let n = s.simulation.residents as usize;
    let weights: Vec<f64> = city.zones.iter().map(|z| z.dwellings as f64).collect();
    let homes = apportion(n as u64, &weights);
    let sigma = s.residents.skill_sigma;
    let mut zone_of = Vec::with_capacity(n);
    for (z, &count) in homes.iter().enumerate() {
        city.zones[z].occupants = count as u32;
        zone_of.extend(std::iter::repeat_n(ZoneId(z as u16), count as usize));
    }
    let keys = PhaseKeys::new(seed, 0, Phase::Setup);
    let (people, aptitude): (Vec<Resident>, Vec<f32>) = zone_of
        .into_par_iter()
        .enumerate()
        .map(|(i, home)| {
            let mut rng = keys.rng(i as u64);
            let sk = rng::lognormal_mean_one(&mut rng, sigma);
            let resident = Resident {
                home,
                skill_milli: (sk * 1000.0).round().clamp(50.0, 65_535.0) as u16,
                ..Resident::default()
            };
            (resident, -(1.0 - unit(&mut rng)).ln() as f32)
        })
        .unzip();
    let sectors = s.sectors.len();
    Residents {
        suppliers: vec![FirmId::NONE; n * sectors],
        consumption: vec![0; n],
        aptitude,
        receivable: vec![0; n],
        people,
        sectors,
    }
}

fn build_firms(s: &Scenario, city: &City, sectors: &[Sector], seed: u64) -> Firms {
    let n_firms = s.firms_at_setup();
    let shares: Vec<f64> = s.sectors.values().map(|p| p.firm_share).collect();
    let per_sector = apportion(n_firms as u64, &shares);
    let wage = yuan_to_cents(s.firms.initial_wage);
    let mut list = Vec::with_capacity(n_firms);
    let keys = PhaseKeys::new(seed, 0, Phase::Setup);
    for (k, &count) in per_sector.iter().enumerate() {
        let zone_weights: Vec<f64> = city
            .zones
            .iter()
            .map(|z| z.land_use.firm_weight(&s.zoning, sectors[k].manufacturing))
            .collect();
        let cumulative = cumulate(&zone_weights);
        for _ in 0..count {
            let id = list.len() as u64;
            let mut rng = keys.rng((1 << 40) + id);
            let zone = pick(&cumulative, &mut rng).unwrap_or(0);
            let owner = ResidentId(index(&mut rng, s.simulation.residents as usize) as u32);
            let mut firm = Firm::new(
                k as u8,
                ZoneId(zone as u16),
                owner,
                id as u32,
                wage,
                sectors[k].productivity,
            );
            firm.age = 24 + index(&mut rng, 120) as u32;
            // Firms of a sector differ in productivity (mean 1 around the
            // sector's); the draw comes last so the others are unchanged.
            firm.productivity *= crate::model::founding::productivity_draw(
                s.entrepreneurship.productivity_sigma,
                crate::rng::normal(&mut rng),
            );
            list.push(firm);
        }
    }
    Firms {
        next_serial: list.len() as u32,
        list,
    }
}

/// Residents (or suppliers' slots, times the sectors) a block of the
/// set-up's weighted draws: each block draws its targets, then finds them,
/// then reads what it found, so that in a big city each loop's reads were
/// asked for by the loop before.
const BLOCK: usize = 64;

/// Running sums of weights, for weighted draws, with a guide table
/// (Chen and Asau 1974) that finds a draw's place in a few reads instead of
/// a bisection: set-up draws tens of millions of firms out of hundreds of
/// thousands, and each bisection step there is a cache miss.
pub(crate) struct Cumulative {
    /// Running sums of the weights (negative weights count as 0).
    sums: Vec<f64>,
    /// For `sums.len()` buckets splitting 0..total evenly, bucket `b`'s
    /// entry: the first sum above `bound(b)` (infinity if none), how many
    /// sums are at most `bound(b)`, and how many at most `bound(b + 1)`. With
    /// a bucket a weight, most draws are settled by this one entry.
    guide: Vec<(f64, u32, u32)>,
    /// The total weight over the buckets (a bucket's width), and the
    /// buckets over the total weight (0 when the total is not positive):
    /// the bounds and guesses multiply rather than divide.
    width: f64,
    per_weight: f64,
}

impl Cumulative {
    /// The total weight (0 when there are no weights).
    pub(crate) fn total(&self) -> f64 {
        self.sums.last().copied().unwrap_or(0.0)
    }

    /// The lower end of bucket `b`, non-decreasing in `b`; the table and the
    /// draws compute it alike (which buckets hold which sums only speeds up
    /// the search: the answer depends on the sums alone).
    fn bound(&self, b: usize) -> f64 {
        b as f64 * self.width
    }

    /// A draw's target: a uniform in 0..total from `rng` (one uniform
    /// drawn); `None`, drawing nothing, if all weights are 0. The draw's
    /// index is `locate(target)`.
    pub(crate) fn target(&self, rng: &mut AgentRng) -> Option<f64> {
        let total = self.total();
        (total > 0.0).then(|| unit(rng) * total)
    }

    /// Asks ahead for the guide entry `locate(target)` will read: in a big
    /// city the guide does not fit in cache, and set-up makes tens of
    /// millions of draws.
    pub(crate) fn prefetch(&self, target: f64) {
        crate::par::prefetch(&self.guide, self.guess(target));
    }
}

/// The running sums and guide table of `weights`.
pub(crate) fn cumulate(weights: &[f64]) -> Cumulative {
    let mut acc = 0.0;
    let sums: Vec<f64> = weights
        .iter()
        .map(|w| {
            acc += w.max(0.0);
            acc
        })
        .collect();
    let total = sums.last().copied().unwrap_or(0.0);
    let buckets = sums.len() as f64;
    let mut c = Cumulative {
        guide: vec![(f64::INFINITY, 0, 0); sums.len()],
        sums,
        width: total / buckets,
        per_weight: if total > 0.0 { buckets / total } else { 0.0 },
    };
    // How many sums are at most each bucket's lower bound.
    let mut at = 0;
    let below: Vec<u32> = (0..c.guide.len())
        .map(|b| {
            let bound = c.bound(b);
            while at < c.sums.len() && c.sums[at] <= bound {
                at += 1;
            }
            at as u32
        })
        .collect();
    for b in 0..c.guide.len() {
        let (lo, hi) = (
            below[b],
            below.get(b + 1).copied().unwrap_or(c.sums.len() as u32),
        );
        let first = c.sums.get(lo as usize).copied().unwrap_or(f64::INFINITY);
        c.guide[b] = (first, lo, hi);
    }
    c
}

/// A draw from the distribution given by running sums; `None` if all
/// weights are 0. The first index whose running sum exceeds a uniform target
/// (the last index if rounding leaves none): exactly what a bisection of all
/// the sums would find, looked up between two guide entries.
pub(crate) fn pick(cumulative: &Cumulative, rng: &mut AgentRng) -> Option<usize> {
    cumulative.target(rng).map(|t| cumulative.locate(t))
}

impl Cumulative {
    /// The bucket of `target`, give or take one.
    fn guess(&self, target: f64) -> usize {
        ((target * self.per_weight) as usize).min(self.guide.len().saturating_sub(1))
    }

    /// The first index whose running sum exceeds `target` (in 0..total),
    /// or the last index if none does. Needs at least one positive weight.
    fn locate(&self, target: f64) -> usize {
        let (sums, guide) = (&self.sums, &self.guide);
        // The bucket whose bounds hold the target; the first guess is off by
        // one at most, where rounding puts the target on a bound.
        let mut b = self.guess(target);
        while b > 0 && self.bound(b) > target {
            b -= 1;
        }
        while b + 1 < guide.len() && self.bound(b + 1) <= target {
            b += 1;
        }
        // Sums before `lo` are at most bound(b) <= target; those from `hi`
        // on exceed bound(b + 1) > target: the answer is in lo..=hi.
        let (first, lo, hi) = guide[b];
        let (lo, hi) = (lo as usize, hi as usize);
        let at = if target < first {
            lo
        } else if lo + 1 >= hi {
            hi
        } else {
            lo + 1 + sums[lo + 1..hi].partition_point(|&c| c <= target)
        };
        at.min(sums.len() - 1)
    }
}

/// Employs 94% of residents. Each worker's sector is drawn by budget share
/// (so that each sector's output matches what households will buy); within
/// it, the worker draws a few firms with probability proportional to a
/// Pareto size weight and takes the best wage net of commute cost, so firm
/// sizes start Zipf-like and commutes plausible.
fn assign_jobs(s: &Scenario, city: &City, residents: &mut Residents, firms: &mut Firms, seed: u64) {
    let keys = PhaseKeys::new(seed, 0, Phase::Setup);
    let alpha = s.firms.size_tail;
    let commutes = Commutes::new(city, &s.city);
    let sectors: Vec<&crate::scenario::SectorParams> = s.sectors.values().collect();
    // Each sector's firms with their zones: a draw reads one small entry,
    // not a firm's whole record.
    let mut members: Vec<Vec<(FirmId, ZoneId)>> = vec![Vec::new(); sectors.len()];
    for (i, f) in firms.list.iter().enumerate() {
        members[f.sector as usize].push((FirmId(i as u32), f.zone));
    }
    let cumulative: Vec<Cumulative> = members
        .iter()
        .map(|ids| {
            let weights: Vec<f64> = ids
                .iter()
                .map(|&(f, _)| {
                    let mut rng = keys.rng((2 << 40) + f.0 as u64);
                    (1.0 - unit(&mut rng))
                        .powf(-1.0 / alpha)
                        .min(s.firms.size_weight_cap)
                })
                .collect();
            cumulate(&weights)
        })
        .collect();
    let demand: Vec<f64> = sectors
        .iter()
        .enumerate()
        .map(|(k, p)| {
            if members[k].is_empty() {
                0.0
            } else {
                p.budget_share / p.productivity
            }
        })
        .collect();
    let sector_cumulative = cumulate(&demand);
    // Each resident's draws are its own: decide in parallel, then count.
    // Resident i's stream decides whether it starts unemployed, then the
    // sector it looks for work in, then its offers.
    let offers = s.residents.job_offers as usize;
    let public_share = s.government.public_employment_share;
    let far = crate::par::far(firms.len());
    let chunk = crate::par::chunk_len(residents.len());
    residents
        .people
        .par_chunks_mut(chunk)
        .enumerate()
        .for_each(|(c, people)| {
            // By blocks: draw the block's offers (asking ahead for the guide
            // entries they will read), find the offered firms (asking ahead
            // for their entries), then weigh them. Per resident of the
            // block: its sector (None: no search) and its offers' draws,
            // then places among the sector's firms.
            let mut sector = [None; BLOCK];
            let mut drawn = vec![(0.0, 0); BLOCK * offers];
            let mut count = [0; BLOCK];
            for (b, block) in people.chunks_mut(BLOCK).enumerate() {
                for (j, r) in block.iter_mut().enumerate() {
                    let i = c * chunk + b * BLOCK + j;
                    (sector[j], count[j]) = (None, 0);
                    // A public employee, from a stream of its own (drawn
                    // only when the government employs anyone, so that the
                    // other draws are the same either way).
                    if public_share > 0.0
                        && rng::chance(&mut keys.rng((7 << 40) + i as u64), public_share)
                    {
                        r.flags |= FLAG_PUBLIC;
                        continue;
                    }
                    let mut rng = keys.rng((3 << 40) + i as u64);
                    if rng::chance(&mut rng, s.residents.initial_unemployment) {
                        r.months_unemployed = 1;
                        continue;
                    }
                    let Some(k) = pick(&sector_cumulative, &mut rng) else {
                        continue;
                    };
                    sector[j] = Some(k);
                    for d in &mut drawn[j * offers..(j + 1) * offers] {
                        let Some(target) = cumulative[k].target(&mut rng) else {
                            break;
                        };
                        if far {
                            cumulative[k].prefetch(target);
                        }
                        d.0 = target;
                        count[j] += 1;
                    }
                }
                for j in 0..block.len() {
                    let Some(k) = sector[j] else {
                        continue;
                    };
                    for d in &mut drawn[j * offers..j * offers + count[j]] {
                        d.1 = cumulative[k].locate(d.0);
                        if far {
                            crate::par::prefetch(&members[k], d.1);
                        }
                    }
                }
                for (j, r) in block.iter_mut().enumerate() {
                    let Some(k) = sector[j] else {
                        continue;
                    };
                    let wage = s.firms.initial_wage * 100.0 * r.skill_milli as f64 / 1000.0;
                    let mut best = (f64::MIN, FirmId::NONE);
                    for &(_, at) in &drawn[j * offers..j * offers + count[j]] {
                        let (f, zone) = members[k][at];
                        let cost = commutes.cost_cents(city, r.home, zone, wage);
                        if wage - cost > best.0 {
                            best = (wage - cost, f);
                        }
                    }
                    r.employer = best.1;
                }
            }
        });
    let staff = crate::par::accumulate::<_, 2, _, _>(
        &residents.people,
        firms.len(),
        |r, bins| {
            if far {
                crate::par::prefetch(bins, r.employer.index());
            }
        },
        |_, r, bins| {
            if !r.employer.is_none() {
                bins[r.employer.index()][0] += 1;
                bins[r.employer.index()][1] += r.skill_milli as i64;
            }
        },
    );
    for (firm, st) in firms.list.iter_mut().zip(staff) {
        firm.employees = st[0] as u32;
        firm.skill_milli_sum = st[1] as u64;
    }
}

/// Each resident buys each sector's goods from a firm drawn with probability
/// proportional to that firm's output, so demand starts matched to supply.
fn assign_suppliers(residents: &mut Residents, firms: &Firms, sectors: usize, seed: u64) {
    let pools: Vec<(Vec<FirmId>, Cumulative)> = (0..sectors)
        .map(|k| {
            let ids: Vec<FirmId> = (0..firms.len())
                .filter(|&f| firms.list[f].sector as usize == k)
                .map(|f| FirmId(f as u32))
                .collect();
            let weights: Vec<f64> = ids
                .iter()
                .map(|&f| firms.list[f.index()].skill_milli_sum as f64 + 1.0)
                .collect();
            let cumulative = cumulate(&weights);
            (ids, cumulative)
        })
        .collect();
    let far = crate::par::far(firms.len());
    let keys = PhaseKeys::new(seed, 0, Phase::Setup);
    let chunk = crate::par::chunk_len(residents.len()) * sectors;
    residents
        .suppliers
        .par_chunks_mut(chunk)
        .enumerate()
        .for_each(|(c, slots)| {
            // By blocks of slots: draw each slot's target (asking ahead for
            // the guide entry), find its place among the sector's firms
            // (asking ahead for the entry), then take the firm. Blocks start
            // at a resident's first slot: slot j of a block is sector j %
            // sectors.
            // Per slot of the block: its target and then its place among
            // the sector's firms (None: the sector has no weight).
            let mut drawn: Vec<Option<(f64, usize)>> = vec![None; BLOCK * sectors];
            for (b, block) in slots.chunks_mut(BLOCK * sectors).enumerate() {
                for (j, d) in drawn[..block.len()].iter_mut().enumerate() {
                    // Slot (resident i, sector k) is number i * sectors + k.
                    let (at, k) = (c * chunk + b * BLOCK * sectors + j, j % sectors);
                    let target = pools[k].1.target(&mut keys.rng((4 << 40) + at as u64));
                    if far && let Some(target) = target {
                        pools[k].1.prefetch(target);
                    }
                    *d = target.map(|t| (t, 0));
                }
                for (j, d) in drawn[..block.len()].iter_mut().enumerate() {
                    if let Some((target, place)) = d {
                        let pool = &pools[j % sectors];
                        *place = pool.1.locate(*target);
                        if far {
                            crate::par::prefetch(&pool.0, *place);
                        }
                    }
                }
                for (j, (slot, d)) in block.iter_mut().zip(&drawn).enumerate() {
                    if let Some((_, place)) = d {
                        *slot = pools[j % sectors].0[*place];
                    }
                }
            }
        });
}

/// Sets prices at the middle of the markup band over unit cost, demand at
/// output, half a month of stock, and cash for a few months of costs.
fn settle_firms(s: &Scenario, city: &City, firms: &mut Firms) {
    let p = &s.firms;
    let markup = (p.markup_lower + p.markup_upper) / 2.0;
    for f in &mut firms.list {
        let eff = f.skill_milli_sum as f64 / 1000.0;
        let rent_per_worker = city.zones[f.zone.index()].rent as f64 * s.city.commercial_rent_share;
        let made = output_of(
            f.productivity,
            eff.max(1.0),
            p.returns_to_scale,
            p.reference_size,
        );
        let unit_cost =
            (f.wage as f64 * eff.max(1.0) + rent_per_worker * f.employees.max(1) as f64) / made;
        f.price =
            ((unit_cost * markup).round().max(1.0) as i64).min(crate::world::firms::MAX_PRICE);
        f.output = output_of(f.productivity, eff, p.returns_to_scale, p.reference_size);
        f.expected_demand = f.output;
        f.sales = f.output;
        f.inventory = p.initial_stock_months * f.output;
        f.wage_bill = (f.wage as f64 * eff).round() as i64;
        f.revenue = (f.price as f64 * f.output).round() as i64;
        let costs = f.wage as f64 * eff.max(1.0) + rent_per_worker * f.employees.max(1) as f64;
        f.cash = (costs * p.initial_cash_months).round() as i64;
    }
}

/// Each sector's base price: the output-weighted mean of its firms' set-up
/// prices, as the price index measures prices later (1 for a sector
/// without output).
fn set_base_prices(firms: &Firms, sectors: &mut [Sector]) {
    for (k, sector) in sectors.iter_mut().enumerate() {
        let (sum, count) = firms
            .list
            .iter()
            .filter(|f| f.sector as usize == k)
            .fold((0.0, 0.0), |(s, c), f| {
                (s + f.price as f64 * f.output, c + f.output)
            });
        sector.base_price = if count > 0.0 { sum / count } else { 1.0 };
    }
}

/// With capital on (`firms.capital_output_months` > 0): each firm holds the
/// capital its output needs, and its price also marks up the capital that
/// wears out making a unit, at the sector's set-up price. A sector's set-up
/// price b then solves b = m x (c + depreciation x months x b) for the mean
/// markup m and labour cost c, so prices rise by 1 / (1 - m x depreciation
/// x months) over the labour-cost prices (and the sector's base price is
/// recomputed from them).
fn price_in_capital(s: &Scenario, firms: &mut Firms, sectors: &mut [Sector]) {
    let p = &s.firms;
    if p.capital_output_months <= 0.0 {
        return;
    }
    let markup = (p.markup_lower + p.markup_upper) / 2.0;
    let wear = markup * p.depreciation * p.capital_output_months;
    let scale = if wear < 0.9 { 1.0 / (1.0 - wear) } else { 10.0 };
    for f in &mut firms.list {
        let base = sectors[f.sector as usize].base_price * scale;
        let added = (wear * base).round() as i64;
        f.price = (f.price + added).clamp(1, crate::world::firms::MAX_PRICE);
        f.revenue = (f.price as f64 * f.output).round() as i64;
    }
    set_base_prices(firms, sectors);
    for f in &mut firms.list {
        let base = sectors[f.sector as usize].base_price;
        f.capital = crate::model::capital::capital_needed(f.output, base, p.capital_output_months);
    }
}

/// Wealth at a few months of income, and last month's income as if the
/// economy had been running: wages net of tax or the benefit, the owner's
/// dividends, and the equal transfer that recycles the city's net revenue
/// (land rents and taxes less benefits). Returns the government balance
/// that pays that transfer at the steady state of the transfer rule.
fn seed_wealth(s: &Scenario, city: &City, residents: &mut Residents, firms: &Firms) -> i64 {
    let g = &s.government;
    let n = residents.len() as f64;
    let wage0 = yuan_to_cents(s.firms.initial_wage) as f64;
    let benefit = g.benefit_share * wage0;
    let mut dividends = vec![0.0; residents.len()];
    let mut revenue = 0.0;
    for f in &firms.list {
        let rent = city.zones[f.zone.index()].rent as f64
            * s.city.commercial_rent_share
            * f.employees as f64;
        let wage_bill = f.wage as f64 * f.skill_milli_sum as f64 / 1000.0;
        let profit = f.price as f64 * f.output - wage_bill - rent;
        dividends[f.owner.0 as usize] += profit.max(0.0) * (1.0 - g.profit_tax);
        revenue += rent + profit.max(0.0) * g.profit_tax;
    }
    // The firms' wage offers, compactly: each worker reads its employer's.
    let offers: Vec<i64> = firms.list.iter().map(|f| f.wage).collect();
    // Public employees are paid the set-up wage scaled by their skill.
    let public_wage = |r: &crate::world::Resident| wage0 * r.skill_milli as f64 / 1000.0;
    let mut wages = 0.0;
    let mut public_wages = 0.0;
    let mut unemployed = 0.0;
    for r in &residents.people {
        match r.employer {
            FirmId::NONE if r.public() => public_wages += public_wage(r),
            FirmId::NONE => unemployed += 1.0,
            f => wages += offers[f.index()] as f64 * r.skill_milli as f64 / 1000.0,
        }
        revenue += city.zones[r.home.index()].rent as f64;
    }
    revenue += g.income_tax * (wages + public_wages) - unemployed * benefit - public_wages;
    let transfer = (revenue / n).max(0.0);
    residents
        .people
        .par_iter_mut()
        .zip(dividends)
        .for_each(|(r, dividend)| {
            let net = match r.employer {
                FirmId::NONE if r.public() => public_wage(r) * (1.0 - g.income_tax),
                FirmId::NONE => benefit,
                f => {
                    offers[f.index()] as f64 * r.skill_milli as f64 / 1000.0 * (1.0 - g.income_tax)
                }
            } + transfer
                + dividend;
            let rent = city.zones[r.home.index()].rent as f64;
            r.income = (net - rent).round() as i64;
            // At the steady state of the consumption rule wealth is
            // (1 - propensity_income) / propensity_wealth months of disposable income.
            r.wealth = (s.residents.initial_wealth_months * r.income.max(0) as f64).round() as i64;
        });
    if g.transfer_share > 0.0 {
        (transfer * n / g.transfer_share).round() as i64
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The draw by plain bisection of all the running sums.
    fn bisect(sums: &[f64], target: f64) -> usize {
        sums.partition_point(|&c| c <= target).min(sums.len() - 1)
    }

    #[test]
    fn guided_draws_equal_a_bisection_of_all_sums() {
        // Uneven weights with zeros, runs of equal sums, a single heavy
        // weight, and weights whose sums round: the cases where a guide
        // bucket could be off by one.
        let mut cases: Vec<Vec<f64>> = vec![
            vec![1.0],
            vec![0.0, 0.0, 3.0, 0.0],
            vec![1e-300, 1.0, 1e300],
            vec![0.1; 1000],
            (0..5000).map(|i| ((i * 7919) % 13) as f64).collect(),
        ];
        let mut rng = stream(9, 0, Phase::Setup, 1);
        cases.push((0..20_000).map(|_| unit(&mut rng).powi(8)).collect());
        for weights in &cases {
            let c = cumulate(weights);
            for k in 0..4000 {
                let seed_a = stream(11, 0, Phase::Setup, k);
                let (mut a, mut b) = (seed_a.clone(), seed_a);
                let target = unit(&mut b) * c.total();
                assert_eq!(pick(&c, &mut a), Some(bisect(&c.sums, target)));
            }
            // Targets on the guide's bounds and on the sums themselves.
            for b in 0..c.guide.len().min(3000) {
                let below = if b > 0 { c.sums[b - 1] } else { 0.0 };
                for target in [
                    c.bound(b),
                    c.sums[b],
                    below.next_up(),
                    c.sums[b].next_down(),
                ] {
                    if (0.0..c.total()).contains(&target) {
                        assert_eq!(c.locate(target), bisect(&c.sums, target), "target {target}");
                    }
                }
            }
        }
        assert_eq!(pick(&cumulate(&[0.0, 0.0]), &mut rng), None);
        assert_eq!(pick(&cumulate(&[]), &mut rng), None);
    }
}
