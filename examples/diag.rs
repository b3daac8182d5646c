use polis::{Scenario, Simulation};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let s = Scenario::load(std::path::Path::new(&path)).unwrap();
    let mut sim = Simulation::new(s);
    let w = sim.world();
    let inc: i64 = w.residents.people.iter().map(|r| r.income).sum();
    let wealth: i64 = w.residents.people.iter().map(|r| r.wealth).sum();
    let rev: f64 = w.firms.list.iter().map(|f| f.price as f64 * f.output).sum();
    let wb: f64 = w.firms.list.iter().map(|f| f.wage as f64 * f.skill_milli_sum as f64 / 1000.0).sum();
    let rent: i64 = w.residents.people.iter().map(|r| w.city.zones[r.home.index()].rent).sum();
    println!("income {:.3e} wealth {:.3e} C* {:.3e} revenue {:.3e} wagebill {:.3e} rent {:.3e} gov {:.3e}", inc as f64, wealth as f64, 0.7*inc as f64+0.05*wealth as f64, rev, wb, rent as f64, w.government.balance as f64);
    for k in 0..w.sectors.len() { let v: f64 = w.firms.list.iter().filter(|f| f.sector as usize==k).map(|f| f.price as f64 * f.output).sum(); println!("sector {} supply {:.3e} demand {:.3e}", w.sectors[k].name, v, w.sectors[k].budget_share * (0.7*inc as f64+0.05*wealth as f64)); }
    for _ in 0..3 { let r = sim.step().unwrap(); let w = sim.world();
      let inc: i64 = w.residents.people.iter().map(|r| r.income).sum();
      let rev: i64 = w.firms.list.iter().map(|f| f.revenue).sum();
      let inv: f64 = w.firms.list.iter().map(|f| f.inventory*f.price as f64).sum();
      let rationed = w.residents.people.iter().filter(|r| r.rationed != 0).count();
      println!("m{} cons {:.3e} income {:.3e} rev {:.3e} inv {:.3e} rationed {} unemp {:.3}", r.month, r.consumption*100.0, inc as f64, rev as f64, inv, rationed, r.unemployment_rate); }
}
