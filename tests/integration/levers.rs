//! Each lever moves what it should, and by how much.
//!
//! Scenario pairs are run with the same seeds on both sides (common random
//! numbers) over `REPLICATES` seeds, on a city of `RESIDENTS` residents; a
//! test asserts that the mean paired difference of a metric has the expected
//! sign and is larger than `MARGIN_SE` standard errors of that mean, so that
//! noise cannot produce the result. The measured effects are printed (run
//! with `--nocapture` to see them).

use polis::{Row, Scenario, Simulation};

use crate::repo_path;

/// Replicates (seeds) per comparison.
const REPLICATES: u64 = 10;
/// Residents of the test city.
const RESIDENTS: u32 = 20_000;
/// How many standard errors the mean difference must clear.
const MARGIN_SE: f64 = 4.0;

/// A shipped scenario, resized for the tests.
fn scenario(name: &str, months: u32) -> Scenario {
    let mut s = Scenario::load(&repo_path(&format!("scenarios/{name}.toml")))
        .unwrap_or_else(|e| panic!("scenarios/{name}.toml does not load: {e:?}"));
    s.simulation.residents = RESIDENTS;
    s.simulation.months = months;
    s.events.retain(|e| e.month <= months);
    s
}

/// Runs a scenario with `seed` and returns its rows.
fn run(s: &Scenario, seed: u64) -> Vec<Row> {
    let mut s = s.clone();
    s.simulation.seed = seed;
    let months = s.simulation.months;
    let mut sim = Simulation::new(s.check().expect("a valid scenario"));
    (0..months)
        .map(|_| sim.step().expect("no ledger violation"))
        .collect()
}

/// Mean of `metric` over months `from..=to`.
fn window(rows: &[Row], from: u32, to: u32, metric: impl Fn(&Row) -> f64) -> f64 {
    let picked: Vec<f64> = rows
        .iter()
        .filter(|r| r.month >= from && r.month <= to)
        .map(metric)
        .collect();
    picked.iter().sum::<f64>() / picked.len() as f64
}

/// Paired differences B - A of a windowed metric over the replicates:
/// (mean, standard error of the mean, mean of A).
fn paired(
    a: &Scenario,
    b: &Scenario,
    from: u32,
    to: u32,
    metric: impl Fn(&Row) -> f64 + Copy,
) -> (f64, f64, f64) {
    let mut diffs = Vec::new();
    let mut base = Vec::new();
    for seed in 1..=REPLICATES {
        let (ra, rb) = (run(a, seed), run(b, seed));
        let (va, vb) = (window(&ra, from, to, metric), window(&rb, from, to, metric));
        diffs.push(vb - va);
        base.push(va);
    }
    let n = diffs.len() as f64;
    let mean = diffs.iter().sum::<f64>() / n;
    let var = diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt(), base.iter().sum::<f64>() / n)
}

fn assert_beyond_noise(what: &str, (mean, se, base): (f64, f64, f64), sign: f64) {
    eprintln!(
        "{what}: mean paired difference {mean:+.4} (standard error {se:.4}; baseline level {base:.4})"
    );
    assert!(
        mean * sign > MARGIN_SE * se && mean * sign > 0.0,
        "{what}: the mean paired difference {mean:+.4} does not clear {MARGIN_SE} standard errors ({se:.4}) in the expected direction"
    );
}

#[test]
fn commute_reduction_lowers_commutes_and_raises_wellbeing() {
    let (a, b) = (scenario("baseline", 48), scenario("commute-reduction", 48));
    assert_beyond_noise(
        "mean commute, months 25-48 (min)",
        paired(&a, &b, 25, 48, |r| r.mean_commute_min),
        -1.0,
    );
    assert_beyond_noise(
        "well-being, months 25-48",
        paired(&a, &b, 25, 48, |r| r.wellbeing),
        1.0,
    );
    assert_beyond_noise(
        "share working in their home zone",
        paired(&a, &b, 25, 48, |r| r.home_zone_work_share),
        1.0,
    );
}

#[test]
fn a_lower_startup_cost_raises_the_startup_rate() {
    let (a, b) = (scenario("baseline", 48), scenario("startup-threshold", 48));
    // Startups a month over firms, after the cost is halved at month 12.
    let rate = |r: &Row| r.startups as f64 / r.firms.max(1) as f64;
    let (mean, se, base) = paired(&a, &b, 13, 48, rate);
    assert_beyond_noise("monthly startup rate, months 13-48", (mean, se, base), 1.0);
    // Elasticity of startups to the cost: % change in startups over % change in cost (-50%).
    let elasticity = (mean / base) / -0.5;
    eprintln!(
        "startup rate {:.2}% -> {:.2}% a year: +{:.0}% for a 50% lower cost (elasticity {elasticity:.2})",
        base * 1200.0,
        (base + mean) * 1200.0,
        mean / base * 100.0
    );
    assert!(
        elasticity < 0.0,
        "a cheaper start must not lower the startup rate"
    );
}

/// The startup cost is sunk and the starting capital is separate, so a
/// start as cheap as half a month's wage (from month 12) brings in many more
/// founders without leaving their firms without cash: the stock of firms at
/// year 10 does not fall below the baseline's.
#[test]
fn a_cheap_start_raises_startups_and_keeps_the_stock_of_firms() {
    let mut base = scenario("baseline", 120);
    base.events.clear();
    let mut cheap = base.clone();
    let mut cut = scenario("startup-threshold", 120).events[0].clone();
    cut.set.insert(
        "entrepreneurship.startup_cost_months".into(),
        toml::Value::Float(0.5),
    );
    cheap.events.push(cut);
    assert_beyond_noise(
        "startups a month, months 13-120",
        paired(&base, &cheap, 13, 120, |r| r.startups as f64),
        1.0,
    );
    let (mean, se, level) = paired(&base, &cheap, 120, 120, |r| r.firms as f64);
    eprintln!("firms in month 120: {mean:+.1} (s.e. {se:.1}) from {level:.1}");
    assert!(
        mean > 0.0,
        "a cheaper start lowered the stock of firms at year 10 by {:.1}",
        -mean
    );
}

#[test]
fn imp_membership_grows_and_raises_members_productivity_and_output() {
    let mut off = scenario("baseline", 48);
    off.events.clear();
    let mut on = off.clone();
    on.platforms.imp.enabled = true;
    // Membership grows once the platform is on.
    let rows = run(&on, 1);
    let (early, late) = (rows[5].imp_members, rows[47].imp_members);
    eprintln!("IMP members: {early} in month 6, {late} in month 48");
    assert!(
        late > early && early > 0,
        "membership should grow: {early} in month 6, {late} in month 48"
    );
    assert_beyond_noise(
        "mean productivity, months 25-48",
        paired(&off, &on, 25, 48, |r| r.mean_productivity),
        1.0,
    );
    assert_beyond_noise(
        "manufacturing output, months 25-48 (yuan/month at set-up prices)",
        paired(&off, &on, 25, 48, |r| {
            r.output_by_sector[0] + r.output_by_sector[1]
        }),
        1.0,
    );
    // Members themselves: output per efficiency unit of labour above non-members'.
    let mut sim = Simulation::new(on.clone().check().expect("a valid scenario"));
    for _ in 0..36 {
        sim.step().expect("no ledger violation");
    }
    let w = sim.world();
    let per_unit = |member: bool| {
        let (out, eff) = w
            .firms
            .list
            .iter()
            .filter(|f| {
                w.sectors[f.sector as usize].manufacturing
                    && (f.flags & polis::world::FIRM_IMP != 0) == member
            })
            .fold((0.0, 0.0), |(o, e), f| {
                (o + f.output, e + f.skill_milli_sum as f64 / 1000.0)
            });
        out / eff
    };
    let (members, others) = (per_unit(true), per_unit(false));
    eprintln!(
        "output per efficiency unit in month 36: members {members:.2}, other manufacturers {others:.2}"
    );
    assert!(
        members > others * 1.05,
        "members {members:.2} should out-produce others {others:.2} by the platform gain"
    );
}

/// The unemployed refuse offers worth less than their reservation wage, tied
/// to the benefit; a job is valued after income tax. So a higher benefit and
/// a higher income tax both raise unemployment.
#[test]
fn a_higher_benefit_or_income_tax_raises_unemployment() {
    let base = scenario("baseline", 48);
    let with = |f: &dyn Fn(&mut Scenario)| {
        let mut s = base.clone();
        f(&mut s);
        s
    };
    let unemployment = |r: &Row| r.unemployment_rate;
    let lever = |what: &str, set: fn(&mut Scenario, f64), low: f64, high: f64| {
        let (low, high) = (with(&|s| set(s, low)), with(&|s| set(s, high)));
        assert_beyond_noise(what, paired(&low, &high, 13, 48, unemployment), 1.0);
    };
    lever(
        "unemployment rate, benefit 80% against 20% of the mean wage, months 13-48",
        |s, v| s.government.benefit_share = v,
        0.2,
        0.8,
    );
    lever(
        "unemployment rate, income tax 30% against 10%, months 13-48",
        |s, v| s.government.income_tax = v,
        0.1,
        0.3,
    );
}

/// ILP adoption follows the closed-form Bass curve F(t) = (1 - e^-(p+q)t)
/// / (1 + (q/p) e^-(p+q)t) within 2 points, month by month, for the
/// shipped (p, q) and for two other pairs: a slow start with strong
/// imitation, and a fast start with weak imitation.
#[test]
fn ilp_adoption_follows_the_bass_curve() {
    let shipped = scenario("baseline", 60).platforms.ilp;
    for (p, q) in [(shipped.bass_p, shipped.bass_q), (0.002, 0.5), (0.05, 0.05)] {
        let mut s = scenario("baseline", 60);
        s.simulation.residents = 200_000;
        s.events.clear();
        s.platforms.ilp.enabled = true;
        s.platforms.ilp.potential = 1.0;
        s.platforms.ilp.bass_p = p;
        s.platforms.ilp.bass_q = q;
        let bass = |t: f64| (1.0 - (-(p + q) * t).exp()) / (1.0 + q / p * (-(p + q) * t).exp());
        let rows = run(&s, 1);
        let mut worst = (0.0f64, 0u32);
        for r in &rows {
            let share = r.ilp_users as f64 / r.population as f64;
            let gap = (share - bass(r.month as f64)).abs();
            if gap > worst.0 {
                worst = (gap, r.month);
            }
        }
        eprintln!(
            "ILP users (p {p}, q {q}): {:.1}% at month 12, {:.1}% at month 36, {:.1}% at month 60; \
             largest gap to the Bass curve {:.2} points (month {})",
            rows[11].ilp_users as f64 / 2000.0,
            rows[35].ilp_users as f64 / 2000.0,
            rows[59].ilp_users as f64 / 2000.0,
            worst.0 * 100.0,
            worst.1
        );
        assert!(
            rows[59].ilp_users as f64 / 200_000.0 > 0.1,
            "(p {p}, q {q}): the test needs adoption under way"
        );
        assert!(
            worst.0 < 0.02,
            "(p {p}, q {q}): adoption strays {:.2} points from the Bass curve at month {}",
            worst.0 * 100.0,
            worst.1
        );
    }
}

#[test]
fn a_capacity_cut_closes_the_sector_s_least_productive_firms_and_the_negative_list_blocks_entry() {
    // The cut closes the least productive firms that made 20% of the
    // sector's output, so output per worker rises with the closure.
    let s = scenario("capacity-cut", 48);
    let sector = s
        .sector_names()
        .iter()
        .position(|n| n == "basic_manufacturing")
        .expect("the sector exists");
    for seed in 1..=3 {
        let mut s = s.clone();
        s.simulation.seed = seed;
        let mut sim = Simulation::new(s.check().expect("a valid scenario"));
        for _ in 0..35 {
            sim.step().expect("no ledger violation");
        }
        let count = |sim: &Simulation| {
            sim.world()
                .firms
                .list
                .iter()
                .filter(|f| f.sector as usize == sector)
                .count()
        };
        let least_productive = |sim: &Simulation| {
            sim.world()
                .firms
                .list
                .iter()
                .filter(|f| f.sector as usize == sector)
                .map(|f| f.productivity)
                .fold(f64::INFINITY, f64::min)
        };
        // Units made per worker in the sector, last month.
        let per_worker = |sim: &Simulation| {
            let (made, staff) = sim
                .world()
                .firms
                .list
                .iter()
                .filter(|f| f.sector as usize == sector)
                .fold((0.0, 0u64), |(o, n), f| {
                    (o + f.output, n + f.employees as u64)
                });
            made / staff as f64
        };
        let lowest = least_productive(&sim);
        let (before, next_serial) = (count(&sim), sim.world().firms.next_serial);
        let productivity_before = per_worker(&sim);
        let row = sim.step().expect("no ledger violation");
        let after = count(&sim);
        assert_eq!(row.events, 1, "the event fires in month 36");
        assert!(
            after < before,
            "seed {seed}: {before} firms before the cut, {after} after"
        );
        let productivity_after = per_worker(&sim);
        assert!(
            productivity_after > productivity_before * 1.01,
            "seed {seed}: output per worker {productivity_before:.2} before the cut, {productivity_after:.2} after"
        );
        let survivors_min = least_productive(&sim);
        assert!(
            survivors_min >= lowest,
            "the least productive firms go first"
        );
        for _ in 36..48 {
            sim.step().expect("no ledger violation");
        }
        let entrants = sim
            .world()
            .firms
            .list
            .iter()
            .filter(|f| f.sector as usize == sector && f.serial >= next_serial)
            .count();
        assert_eq!(
            entrants, 0,
            "seed {seed}: the closed sector got {entrants} new firms"
        );
        eprintln!(
            "seed {seed}: basic manufacturing firms {before} -> {after} at the cut, output per worker \
             {productivity_before:.2} -> {productivity_after:.2}; no entrants in 12 months"
        );
    }
}

#[test]
fn the_venture_fund_is_exactly_the_ledger_inflow() {
    let s = scenario("imp-ilp-mei", 48);
    let mut sim = Simulation::new(s.check().expect("a valid scenario"));
    let start = sim.world().money_total();
    let mut venture = 0i64;
    let mut incubated = 0u64;
    for _ in 0..48 {
        let row = sim.step().expect("no ledger violation");
        venture += sim.world().counters.venture;
        incubated += row.incubated_startups;
    }
    let w = sim.world();
    eprintln!(
        "venture money paid in: {:.2} yuan to {incubated} incubated startups",
        venture as f64 / 100.0
    );
    assert!(
        venture > 0 && incubated > 0,
        "the MEI bases incubate and the fund pays in"
    );
    assert_eq!(
        w.ledger.external_in, venture,
        "the ledger's inflow is the venture money, to the cent"
    );
    assert_eq!(w.ledger.external_out, 0);
    // Credit money besides: the loans outstanding (none at set-up).
    assert_eq!(
        w.money_total() - start,
        venture + w.bank.loans,
        "money in the city grew by exactly the inflow and the loans"
    );
}

/// The Alonso-Muth-Mills check: in a city built for it (every job in the
/// centre, equal skills and amenities, a commute cost of fares alone, no
/// moving threshold), residents are indifferent between zones only when
/// rent falls with road distance to the centre by exactly the monthly
/// commute cost of a kilometre, 2 x workdays x fare_per_km. The rent rule
/// must find that gradient: the fitted slope of rent on road km across
/// residential zones within 10% of it, after 20 years.
#[test]
fn rents_find_the_alonso_muth_mills_gradient() {
    let text = "[simulation]\nresidents = 6000\nmonths = 240\n\
                [city]\nwidth = 9\nheight = 9\nzone_km = 2.0\ncentre_radius_km = 1.0\n\
                industrial_share = 0.0\nmixed_share = 0.0\nvalue_of_time_share = 0.0\n\
                rent_adjust = 0.02\n\
                [zoning]\ncentre_dwellings = 0.0\nresidential_manufacturing = 0.0\n\
                residential_services = 0.0\ncentre_manufacturing = 5.0\ncentre_services = 5.0\n\
                residential_amenity = 1.0\ncentre_amenity = 1.0\n\
                [residents]\nskill_sigma = 0.0\nmove_prob = 0.05\nmove_gain = 0.0\n\
                move_options = 20\n";
    let scenario = Scenario::from_toml(text, std::path::Path::new("amm.toml")).expect("valid");
    let theory = -2.0 * scenario.city.workdays * scenario.city.fare_per_km * 100.0;
    let mut sim = Simulation::new(scenario.clone().check().expect("a valid scenario"));
    for _ in 0..scenario.simulation.months {
        sim.step().expect("a month runs");
    }
    let city = &sim.world().city;
    let centre = (0..city.len())
        .map(|z| polis::world::ZoneId(z as u16))
        .find(|z| city.zones[z.index()].land_use == polis::world::LandUse::Centre)
        .expect("a centre zone");
    let (km, rent): (Vec<f64>, Vec<f64>) = (0..city.len())
        .map(|z| polis::world::ZoneId(z as u16))
        .filter(|z| city.zones[z.index()].land_use == polis::world::LandUse::Residential)
        .map(|z| {
            (
                city.distance_km(z, centre),
                city.zones[z.index()].rent as f64,
            )
        })
        .unzip();
    let line = polis::validate::estimators::ols(&km, &rent).expect("a fit");
    eprintln!(
        "rent gradient {:.0} cents per road km against {theory:.0} in theory (R-squared {:.3}, {} zones)",
        line.slope, line.r2, line.n
    );
    assert!(
        (line.slope / theory - 1.0).abs() < 0.10,
        "rent falls {:.0} cents per km; the commute cost implies {theory:.0}",
        line.slope
    );
    assert!(line.r2 > 0.8, "R-squared {:.3}", line.r2);
}
