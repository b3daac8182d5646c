//! `residents.csv`: a fixed sample of residents (`output.residents_sample`
//! of them), one row each at every zone snapshot month (`output.zones_every`
//! and the last month), for the distributions of income and wealth and for
//! panels. Who is in the sample is a fixed draw per (seed, resident)
//! ([`crate::rng::in_sample`]); residents never leave, so the same
//! residents are written each time, in resident order, for any thread
//! count. The columns and units are in docs/OUTPUT.md.

use std::io::Write;

use crate::error::Error;
use crate::metrics;
use crate::model::labour::wage_of;
use crate::model::telework::Telework;
use crate::model::wellbeing::wellbeing;
use crate::output::{cells, package};
use crate::run::Observer;
use crate::step::Simulation;
use crate::world::residents::FLAG_ILP;
use crate::world::{CENTS, World};

/// The residents of a sample of `share` of `residents` in a run with
/// `seed`, in resident order.
pub fn sample(seed: u64, residents: usize, share: f64) -> Vec<u32> {
    if share <= 0.0 {
        return Vec::new();
    }
    (0..residents as u32)
        .filter(|&i| crate::rng::in_sample(seed, i as u64, share))
        .collect()
}

/// Writes `residents.csv` to `out` as a run goes.
#[derive(Debug)]
pub struct ResidentSample<W: Write> {
    /// Months of the run.
    months: u32,
    /// The sampled residents, in order.
    pub members: Vec<u32>,
    /// Where `residents.csv` goes.
    pub out: W,
    /// Whether the header is written.
    started: bool,
}

impl<W: Write> ResidentSample<W> {
    /// The sample of a run of `months` months of `residents` residents
    /// with `seed`, `share` of them.
    pub fn new(months: u32, seed: u64, residents: usize, share: f64, out: W) -> ResidentSample<W> {
        ResidentSample {
            months,
            members: sample(seed, residents, share),
            out,
            started: false,
        }
    }

    fn write(&mut self, sim: &Simulation) -> std::io::Result<()> {
        if !self.started {
            writeln!(self.out, "{}", package::header(package::RESIDENTS))?;
            self.started = true;
        }
        let (w, p): (&World, _) = (sim.world(), sim.scenario());
        let every = p.output.zones_every;
        if !crate::output::zones::is_snapshot_month(w.month, self.months, every) {
            return Ok(());
        }
        let prices = metrics::price_index(w);
        let telework = Telework::new(p);
        let mut founder = vec![false; w.residents.len()];
        for f in &w.firms.list {
            founder[f.owner.0 as usize] = true;
        }
        let mut line = String::with_capacity(160);
        for &i in &self.members {
            let k = i as usize;
            let r = &w.residents.people[k];
            let home_rent = w.city.zones[r.home.index()].rent;
            let ilp = r.flags & FLAG_ILP != 0;
            let real_consumption = w.residents.consumption[k] as f64 / CENTS as f64 / prices;
            line.clear();
            cells::int(&mut line, w.month);
            line.push(',');
            cells::int(&mut line, i);
            line.push(',');
            cells::int(&mut line, r.home.0);
            line.push(',');
            let (wage, commute, teleworks, workday_min) = match w.firms.list.get(r.employer.index())
            {
                Some(f) => {
                    let manufacturing = w.sectors[f.sector as usize].manufacturing;
                    let minutes = w.city.commute_minutes(r.home, f.zone);
                    let share = telework.share_of_job(r.flags, manufacturing);
                    cells::int(&mut line, f.zone.0);
                    line.push(',');
                    cells::int(&mut line, f.serial);
                    (
                        wage_of(f.wage, r.skill_milli),
                        Some(minutes),
                        telework.teleworks(r.flags, manufacturing),
                        minutes * (1.0 - share),
                    )
                }
                None => {
                    line.push(',');
                    (0, None, false, 0.0)
                }
            };
            let unemployed = r.unemployed();
            let wb = wellbeing(p, real_consumption, workday_min, unemployed, ilp);
            for cents in [wage, r.income, r.wealth, home_rent] {
                line.push(',');
                cells::yuan(&mut line, cents);
            }
            line.push(',');
            if let Some(minutes) = commute {
                cells::fixed(&mut line, minutes, 3);
            }
            for flag in [teleworks, ilp, founder[k]] {
                line.push(',');
                cells::int(&mut line, u8::from(flag));
            }
            line.push(',');
            cells::fixed(&mut line, wb, 6);
            line.push('\n');
            self.out.write_all(line.as_bytes())?;
        }
        Ok(())
    }
}

impl<W: Write> Observer for ResidentSample<W> {
    fn month(&mut self, sim: &Simulation, _: &crate::metrics::Row) -> Result<(), Error> {
        self.write(sim).map_err(|source| Error::Io {
            path: "residents.csv".into(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::run;
    use crate::scenario::Scenario;
    use std::path::Path;

    #[test]
    fn the_sample_is_fixed_nested_and_near_its_share() {
        let small = sample(7, 100_000, 0.01);
        let large = sample(7, 100_000, 0.05);
        // About 1,000 of 100,000 (binomial sd about 31).
        assert!((880..1120).contains(&small.len()), "{}", small.len());
        assert!((4700..5300).contains(&large.len()), "{}", large.len());
        assert!(small.iter().all(|i| large.binary_search(i).is_ok()));
        assert_eq!(small, sample(7, 100_000, 0.01));
        assert_ne!(small, sample(8, 100_000, 0.01));
        assert!(sample(7, 1000, 0.0).is_empty());
        assert_eq!(sample(7, 1000, 1.0).len(), 1000);
    }

    #[test]
    fn the_same_residents_are_written_at_each_snapshot() {
        let text = "[simulation]\nresidents = 2000\nmonths = 14\n[output]\nzones_every = 6\nresidents_sample = 0.05\n";
        let s = Scenario::from_toml(text, Path::new("t.toml")).expect("valid");
        let mut rec = ResidentSample::new(14, s.simulation.seed, 2000, 0.05, Vec::new());
        let sim = run(s.check().expect("valid"), &mut rec).expect("runs");
        let text = String::from_utf8(rec.out).expect("utf-8");
        let mut by_month: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
        for line in text.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), package::RESIDENTS.len(), "{line}");
            // The unemployed have no workplace, employer or commute.
            assert_eq!(cells[3].is_empty(), cells[4].is_empty());
            assert_eq!(cells[3].is_empty(), cells[9].is_empty());
            by_month.entry(cells[0]).or_default().push(cells[1]);
        }
        assert_eq!(
            by_month.keys().copied().collect::<Vec<_>>(),
            ["12", "14", "6"]
        );
        let ids = &by_month["6"];
        assert_eq!(ids.len(), rec.members.len());
        assert!(by_month.values().all(|v| v == ids));
        // The last snapshot's wealth is the residents' wealth now.
        let last: Vec<&str> = text.lines().filter(|l| l.starts_with("14,")).collect();
        for (line, &i) in last.iter().zip(&rec.members) {
            let wealth = sim.world().residents.people[i as usize].wealth;
            assert_eq!(
                line.split(',').nth(7),
                Some(crate::metrics::yuan_text(wealth as i128).as_str())
            );
        }
    }
}
