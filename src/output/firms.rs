//! `firms.csv` and `exits.csv`: the firms one by one. `firms.csv` has a row
//! per open firm at each snapshot month (`output.firms`: every 12 months
//! and the last, or every month), `exits.csv` a row per firm that closed,
//! in the month it closed. A firm is named by its serial, which is
//! permanent and never reused; firms are written in store order, which
//! closures and foundings keep (founding order), so the files do not
//! depend on the thread count. The columns and units are in docs/OUTPUT.md.
//!
//! [`FirmRecords`] is a run observer: it writes as the run goes, into any
//! writer (a [`super::staged::Staged`] file for `polis run`).

use std::io::Write;

use crate::error::Error;
use crate::output::{cells, package};
use crate::run::Observer;
use crate::scenario::FirmsOutput;
use crate::step::Simulation;
use crate::world::{FIRM_IMP, FIRM_INCUBATED, World};

/// Whether month `month` of a run of `months` months gets a firm snapshot
/// under `setting`: every `every` months and at the last month.
pub fn is_snapshot_month(month: u32, months: u32, setting: FirmsOutput) -> bool {
    setting
        .every()
        .is_some_and(|every| crate::output::zones::is_snapshot_month(month, months, every))
}

/// The month a firm of age `age` in month `month` was founded: a firm's
/// age counts the months it has been open, its founding month included
/// (a startup is 1 month old at the end of the month it starts).
pub fn founded_month(month: u32, age: u32) -> i64 {
    month as i64 + 1 - age as i64
}

/// The first seven cells of a row of either file: month, firm_id, sector,
/// zone, founded_month, age_months and workers.
fn identity(
    line: &mut String,
    month: u32,
    serial: u32,
    sector: &str,
    zone: u16,
    age: u32,
    workers: u32,
) {
    cells::int(line, month);
    line.push(',');
    cells::int(line, serial);
    line.push(',');
    line.push_str(sector);
    line.push(',');
    cells::int(line, zone);
    line.push(',');
    cells::int(line, founded_month(month, age));
    line.push(',');
    cells::int(line, age);
    line.push(',');
    cells::int(line, workers);
}

/// Writes `firms.csv` to `firms` and `exits.csv` to `exits` as a run goes.
#[derive(Debug)]
pub struct FirmRecords<W: Write> {
    /// Months of the run.
    months: u32,
    /// How often to take a snapshot.
    setting: FirmsOutput,
    /// Where `firms.csv` goes.
    pub firms: W,
    /// Where `exits.csv` goes.
    pub exits: W,
    /// Whether the headers are written.
    started: bool,
}

impl<W: Write> FirmRecords<W> {
    /// Writes nothing yet; `setting` is the run's `output.firms` (not off).
    pub fn new(months: u32, setting: FirmsOutput, firms: W, exits: W) -> FirmRecords<W> {
        FirmRecords {
            months,
            setting,
            firms,
            exits,
            started: false,
        }
    }

    fn write(&mut self, w: &World) -> std::io::Result<()> {
        if !self.started {
            writeln!(self.firms, "{}", package::header(package::FIRMS))?;
            writeln!(self.exits, "{}", package::header(package::EXITS))?;
            self.started = true;
        }
        let month = w.month;
        let mut line = String::with_capacity(256);
        for e in &w.counters.exited {
            line.clear();
            let sector = &w.sectors[e.sector as usize].name;
            identity(
                &mut line,
                month,
                e.serial,
                sector,
                e.zone.0,
                e.age,
                e.employees,
            );
            line.push(',');
            line.push_str(e.cause.name());
            line.push('\n');
            self.exits.write_all(line.as_bytes())?;
        }
        if !is_snapshot_month(month, self.months, self.setting) {
            return Ok(());
        }
        for f in &w.firms.list {
            line.clear();
            let sector = &w.sectors[f.sector as usize].name;
            identity(
                &mut line,
                month,
                f.serial,
                sector,
                f.zone.0,
                f.age,
                f.employees,
            );
            line.push(',');
            cells::yuan(&mut line, f.wage);
            line.push(',');
            cells::yuan(&mut line, f.price);
            line.push(',');
            cells::fixed(&mut line, f.output, 3);
            line.push(',');
            cells::fixed(&mut line, f.sales, 3);
            line.push(',');
            cells::yuan(&mut line, f.revenue);
            line.push(',');
            cells::fixed(&mut line, f.inventory, 3);
            line.push(',');
            cells::yuan(&mut line, f.cash);
            line.push(',');
            cells::yuan(&mut line, f.profit);
            line.push(',');
            cells::int(&mut line, u8::from(f.flags & FIRM_IMP != 0));
            line.push(',');
            cells::int(&mut line, u8::from(f.flags & FIRM_INCUBATED != 0));
            line.push('\n');
            self.firms.write_all(line.as_bytes())?;
        }
        Ok(())
    }
}

impl<W: Write> Observer for FirmRecords<W> {
    fn month(&mut self, sim: &Simulation, _: &crate::metrics::Row) -> Result<(), Error> {
        self.write(sim.world()).map_err(|source| Error::Io {
            path: "firms.csv".into(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::run;
    use crate::scenario::Scenario;
    use std::collections::BTreeMap;
    use std::path::Path;

    fn scenario(months: u32) -> Scenario {
        let text = format!("[simulation]\nresidents = 3000\nmonths = {months}\n");
        Scenario::from_toml(&text, Path::new("t.toml")).expect("valid")
    }

    #[test]
    fn firms_and_exits_follow_the_firms_by_serial() {
        let mut rec = FirmRecords::new(30, FirmsOutput::Yearly, Vec::new(), Vec::new());
        let sim = run(scenario(30).check().expect("valid"), &mut rec).expect("runs");
        let firms = String::from_utf8(rec.firms).expect("utf-8");
        let exits = String::from_utf8(rec.exits).expect("utf-8");
        let mut lines = firms.lines();
        assert_eq!(lines.next(), Some(package::header(package::FIRMS).as_str()));
        // Snapshots at 12, 24 and the last month, each every open firm.
        let mut by_month: BTreeMap<u32, Vec<u64>> = BTreeMap::new();
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), package::FIRMS.len(), "{line}");
            by_month
                .entry(cells[0].parse().expect("month"))
                .or_default()
                .push(cells[1].parse().expect("id"));
        }
        assert_eq!(by_month.keys().copied().collect::<Vec<_>>(), [12, 24, 30]);
        let last: Vec<u64> = sim
            .world()
            .firms
            .list
            .iter()
            .map(|f| f.serial as u64)
            .collect();
        assert_eq!(by_month[&30], last);
        // A firm that exits is in no later snapshot; ids are never reused.
        let mut exited = std::collections::BTreeSet::new();
        let mut exit_lines = exits.lines();
        assert_eq!(
            exit_lines.next(),
            Some(package::header(package::EXITS).as_str())
        );
        for line in exit_lines {
            let cells: Vec<&str> = line.split(',').collect();
            let (month, id): (u32, u64) = (cells[0].parse().unwrap(), cells[1].parse().unwrap());
            assert!(exited.insert(id), "firm {id} exits twice");
            assert!(["insolvent", "idle", "capacity_cut"].contains(&cells[7]));
            for (&m, ids) in &by_month {
                if m >= month {
                    assert!(
                        !ids.contains(&id),
                        "firm {id} closed in {month}, seen in {m}"
                    );
                }
            }
        }
        assert!(!exited.is_empty(), "some firms close in 30 months");
        assert_eq!(exits.lines().count() - 1, exited.len());
    }

    #[test]
    fn monthly_snapshots_take_every_month() {
        let mut rec = FirmRecords::new(5, FirmsOutput::Monthly, Vec::new(), Vec::new());
        run(scenario(5).check().expect("valid"), &mut rec).expect("runs");
        let months: std::collections::BTreeSet<&str> = std::str::from_utf8(&rec.firms)
            .expect("utf-8")
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap_or(""))
            .collect();
        assert_eq!(
            months.into_iter().collect::<Vec<_>>(),
            ["1", "2", "3", "4", "5"]
        );
    }
}
