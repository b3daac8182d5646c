//! Building a city from a scenario: zones and land use, then residents, then
//! firms with a Zipf-like size distribution, then jobs and suppliers, near a
//! steady state so that the first months are not a transient. All draws come
//! from `Phase::Setup` / `Phase::City` streams.

use rand_distr::{Distribution, LogNormal};
use rayon::prelude::*;

use crate::rng::{self, AgentRng, Phase, index, stream, unit};
use crate::scenario::Scenario;
use crate::world::city::commute_cost_cents;
use crate::world::residents::ResidentId;
use crate::world::{
    City, Firm, FirmId, Firms, Government, LandUse, Ledger, MonthCounters, Platforms, Resident,
    Residents, Sector, World, Zone, ZoneId, output_of, yuan_to_cents,
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
        for (k, sector) in sectors.iter_mut().enumerate() {
            let (sum, count) = firms
                .list
                .iter()
                .filter(|f| f.sector as usize == k)
                .fold((0.0, 0.0), |(s, c), f| {
                    (s + f.price as f64 * f.output, c + f.output)
                });
            // The sales-weighted mean, as the price index measures it later.
            sector.base_price = if count > 0.0 { sum / count } else { 1.0 };
        }
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
            },
            platforms: Platforms::default(),
            ledger: Ledger::default(),
            counters: MonthCounters::default(),
            mean_wage: yuan_to_cents(s.firms.initial_wage),
        };
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
        world.ledger = Ledger::open(world.account_totals());
        world
    }

    /// Money by holder class: residents, firms, government, platforms.
    pub fn account_totals(&self) -> [i64; 4] {
        [
            self.residents.money(),
            self.firms.money(),
            self.government.balance,
            self.platforms_money(),
        ]
    }
}

fn build_city(s: &Scenario, seed: u64) -> City {
    let p = &s.city;
    let (w, h) = (p.width as usize, p.height as usize);
    let centre = (w as f64 / 2.0, h as f64 / 2.0);
    let dist = |x: usize, y: usize| {
        let dx = x as f64 + 0.5 - centre.0;
        let dy = y as f64 + 0.5 - centre.1;
        (dx * dx + dy * dy).sqrt() * p.zone_km
    };
    let mut land = vec![LandUse::Residential; w * h];
    let mut order: Vec<usize> = (0..w * h).collect();
    // Outer half, farthest first, with ties broken by a seeded draw.
    let mut rng = stream(seed, 0, Phase::City, 0);
    let keys: Vec<f64> = (0..w * h).map(|_| unit(&mut rng)).collect();
    order.sort_by(|&a, &b| {
        let (da, db) = (dist(a % w, a / w), dist(b % w, b / w));
        db.total_cmp(&da).then(keys[a].total_cmp(&keys[b]))
    });
    for (i, l) in land.iter_mut().enumerate() {
        if dist(i % w, i / w) <= p.centre_radius_km {
            *l = LandUse::Centre;
        }
    }
    if !land.contains(&LandUse::Centre) {
        land[(h / 2) * w + w / 2] = LandUse::Centre;
    }
    let outer: Vec<usize> = order[..(w * h).div_ceil(2)]
        .iter()
        .copied()
        .filter(|&i| land[i] == LandUse::Residential)
        .collect();
    let industrial = ((w * h) as f64 * p.industrial_share).round() as usize;
    // Industrial zones: a seeded pick among the outer half.
    let mut picked = outer.clone();
    picked.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]));
    for &i in picked.iter().take(industrial) {
        land[i] = LandUse::Industrial;
    }
    let mut rest: Vec<usize> = (0..w * h)
        .filter(|&i| land[i] == LandUse::Residential)
        .collect();
    rest.sort_by(|&a, &b| {
        keys[(a * 7 + 3) % (w * h)]
            .total_cmp(&keys[(b * 7 + 3) % (w * h)])
            .then(a.cmp(&b))
    });
    let mixed = (rest.len() as f64 * p.mixed_share).round() as usize;
    for &i in rest.iter().take(mixed) {
        land[i] = LandUse::Mixed;
    }

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
    let skill = LogNormal::new(-sigma * sigma / 2.0, sigma).expect("sigma is range-checked");
    let mut zone_of = Vec::with_capacity(n);
    for (z, &count) in homes.iter().enumerate() {
        city.zones[z].occupants = count as u32;
        zone_of.extend(std::iter::repeat_n(ZoneId(z as u16), count as usize));
    }
    let people: Vec<Resident> = zone_of
        .into_par_iter()
        .enumerate()
        .map(|(i, home)| {
            let mut rng = stream(seed, 0, Phase::Setup, i as u64);
            let sk: f64 = skill.sample(&mut rng);
            Resident {
                home,
                skill_milli: (sk * 1000.0).round().clamp(50.0, 65_535.0) as u16,
                aptitude: -(1.0 - unit(&mut rng)).ln() as f32,
                ..Resident::default()
            }
        })
        .collect();
    let sectors = s.sectors.len();
    Residents {
        suppliers: vec![FirmId::NONE; n * sectors],
        receivable: vec![0; n],
        people,
        sectors,
    }
}

fn build_firms(s: &Scenario, city: &City, sectors: &[Sector], seed: u64) -> Firms {
    let n_firms = ((s.simulation.residents as f64 / s.simulation.residents_per_firm).round()
        as usize)
        .max(sectors.len());
    let shares: Vec<f64> = s.sectors.values().map(|p| p.firm_share).collect();
    let per_sector = apportion(n_firms as u64, &shares);
    let wage = yuan_to_cents(s.firms.initial_wage);
    let mut list = Vec::with_capacity(n_firms);
    for (k, &count) in per_sector.iter().enumerate() {
        let zone_weights: Vec<f64> = city
            .zones
            .iter()
            .map(|z| z.land_use.firm_weight(&s.zoning, sectors[k].manufacturing))
            .collect();
        let cumulative = cumulate(&zone_weights);
        for _ in 0..count {
            let id = list.len() as u64;
            let mut rng = stream(seed, 0, Phase::Setup, (1 << 40) + id);
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
            list.push(firm);
        }
    }
    Firms {
        next_serial: list.len() as u32,
        list,
    }
}

/// Running sums of weights, for weighted draws by bisection.
pub(crate) fn cumulate(weights: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    weights
        .iter()
        .map(|w| {
            acc += w.max(0.0);
            acc
        })
        .collect()
}

/// A draw from the distribution given by running sums; `None` if all weights are 0.
pub(crate) fn pick(cumulative: &[f64], rng: &mut AgentRng) -> Option<usize> {
    let total = *cumulative.last()?;
    if total <= 0.0 {
        return None;
    }
    let target = unit(rng) * total;
    Some(
        cumulative
            .partition_point(|&c| c <= target)
            .min(cumulative.len() - 1),
    )
}

/// Employs 94% of residents. Each worker's sector is drawn by budget share
/// (so that each sector's output matches what households will buy); within
/// it, the worker draws a few firms with probability proportional to a
/// Pareto size weight and takes the best wage net of commute cost, so firm
/// sizes start Zipf-like and commutes plausible.
fn assign_jobs(s: &Scenario, city: &City, residents: &mut Residents, firms: &mut Firms, seed: u64) {
    let alpha = s.firms.size_tail;
    let sectors: Vec<&crate::scenario::SectorParams> = s.sectors.values().collect();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); sectors.len()];
    for (i, f) in firms.list.iter().enumerate() {
        members[f.sector as usize].push(i);
    }
    let cumulative: Vec<Vec<f64>> = members
        .iter()
        .map(|ids| {
            let weights: Vec<f64> = ids
                .iter()
                .map(|&f| {
                    let mut rng = stream(seed, 0, Phase::Setup, (2 << 40) + f as u64);
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
    let list = &firms.list;
    residents
        .people
        .par_iter_mut()
        .enumerate()
        .for_each(|(i, r)| {
            let mut rng = stream(seed, 0, Phase::Setup, (3 << 40) + i as u64);
            if rng::chance(&mut rng, s.residents.initial_unemployment) {
                r.months_unemployed = 1;
                return;
            }
            let Some(k) = pick(&sector_cumulative, &mut rng) else {
                return;
            };
            let wage = s.firms.initial_wage * 100.0 * r.skill_milli as f64 / 1000.0;
            let mut best = (f64::MIN, usize::MAX);
            for _ in 0..s.residents.job_offers {
                let Some(j) = pick(&cumulative[k], &mut rng) else {
                    break;
                };
                let f = members[k][j];
                let zone = list[f].zone;
                let cost = commute_cost_cents(
                    &s.city,
                    city.commute_minutes(r.home, zone),
                    city.distance_km(r.home, zone),
                    wage,
                );
                if wage - cost > best.0 {
                    best = (wage - cost, f);
                }
            }
            if best.1 != usize::MAX {
                r.employer = FirmId(best.1 as u32);
            }
        });
    let staff =
        crate::step::par::accumulate::<_, 2, _>(&residents.people, firms.len(), |_, r, bins| {
            if !r.employer.is_none() {
                bins[r.employer.index()][0] += 1;
                bins[r.employer.index()][1] += r.skill_milli as i64;
            }
        });
    for (firm, st) in firms.list.iter_mut().zip(staff) {
        firm.employees = st[0] as u32;
        firm.skill_milli_sum = st[1] as u64;
    }
}

/// Each resident buys each sector's goods from a firm drawn with probability
/// proportional to that firm's output, so demand starts matched to supply.
fn assign_suppliers(residents: &mut Residents, firms: &Firms, sectors: usize, seed: u64) {
    let pools: Vec<(Vec<usize>, Vec<f64>)> = (0..sectors)
        .map(|k| {
            let ids: Vec<usize> = (0..firms.len())
                .filter(|&f| firms.list[f].sector as usize == k)
                .collect();
            let weights: Vec<f64> = ids
                .iter()
                .map(|&f| firms.list[f].skill_milli_sum as f64 + 1.0)
                .collect();
            let cumulative = cumulate(&weights);
            (ids, cumulative)
        })
        .collect();
    residents
        .suppliers
        .par_chunks_mut(sectors)
        .enumerate()
        .for_each(|(i, slots)| {
            for (k, slot) in slots.iter_mut().enumerate() {
                let mut rng = stream(seed, 0, Phase::Setup, (4 << 40) + (i * sectors + k) as u64);
                if let Some(j) = pick(&pools[k].1, &mut rng) {
                    *slot = FirmId(pools[k].0[j] as u32);
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
    let mut wages = 0.0;
    let mut unemployed = 0.0;
    for r in &residents.people {
        match r.employer {
            FirmId::NONE => unemployed += 1.0,
            f => wages += firms.list[f.index()].wage as f64 * r.skill_milli as f64 / 1000.0,
        }
        revenue += city.zones[r.home.index()].rent as f64;
    }
    revenue += g.income_tax * wages - unemployed * benefit;
    let transfer = (revenue / n).max(0.0);
    residents
        .people
        .par_iter_mut()
        .zip(dividends)
        .for_each(|(r, dividend)| {
            let net = match r.employer {
                FirmId::NONE => benefit,
                f => {
                    firms.list[f.index()].wage as f64 * r.skill_milli as f64 / 1000.0
                        * (1.0 - g.income_tax)
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
