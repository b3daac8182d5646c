//! The run loop: builds a scenario's city and simulates it month by month,
//! handing each month to an [`Observer`]. A run, each run of a sweep or a
//! comparison, a benchmark run and the tests all go through [`run`] (or
//! [`run_months`] on a city already built); what they keep of a month (its
//! row, a zone snapshot, a window's sums, a progress bar) is an observer's
//! business, never a loop of their own.
//!
//! Observers compose: a tuple of observers is an observer that calls each
//! in order, and `&mut O` is one too, so the caller keeps its observers and
//! reads them after the run.
//!
//! An observer runs between steps, outside the timed phases, so what it
//! does is not counted in [`Simulation::timings`]; it must not change the
//! simulation (it only gets `&Simulation`), so observing a run never changes
//! its output.

use crate::error::Error;
use crate::metrics::Row;
use crate::output::zones::{self, ZoneRow};
use crate::scenario::Checked;
use crate::step::Simulation;

/// What watches a run: called once after each month is simulated.
pub trait Observer {
    /// Month `row.month` has been simulated; `sim` holds the state after it.
    /// An error stops the run and is its result.
    fn month(&mut self, sim: &Simulation, row: &Row) -> Result<(), Error> {
        let _ = (sim, row);
        Ok(())
    }
}

/// Watches nothing: the rows are computed and dropped.
impl Observer for () {
    fn month(&mut self, _: &Simulation, row: &Row) -> Result<(), Error> {
        std::hint::black_box(row);
        Ok(())
    }
}

impl<O: Observer + ?Sized> Observer for &mut O {
    fn month(&mut self, sim: &Simulation, row: &Row) -> Result<(), Error> {
        (**self).month(sim, row)
    }
}

macro_rules! tuple_observer {
    ($($name:ident . $i:tt),+) => {
        /// Each observer of the tuple, in order.
        impl<$($name: Observer),+> Observer for ($($name,)+) {
            fn month(&mut self, sim: &Simulation, row: &Row) -> Result<(), Error> {
                $(self.$i.month(sim, row)?;)+
                Ok(())
            }
        }
    };
}

tuple_observer!(A.0, B.1);
tuple_observer!(A.0, B.1, C.2);
tuple_observer!(A.0, B.1, C.2, D.3);
tuple_observer!(A.0, B.1, C.2, D.3, E.4);

/// An observer that may be absent (an output that is off).
impl<O: Observer> Observer for Option<O> {
    fn month(&mut self, sim: &Simulation, row: &Row) -> Result<(), Error> {
        match self {
            Some(o) => o.month(sim, row),
            None => Ok(()),
        }
    }
}

/// Builds `scenario`'s city and simulates all its months
/// (`simulation.months`), calling `observer` after each; returns the
/// simulation as the last month left it (its world and timings).
pub fn run<O: Observer + ?Sized>(scenario: Checked, observer: &mut O) -> Result<Simulation, Error> {
    let months = scenario.simulation.months;
    let mut sim = Simulation::new(scenario);
    run_months(&mut sim, months, observer)?;
    Ok(sim)
}

/// Simulates `months` more months of `sim`, calling `observer` after each.
pub fn run_months<O: Observer + ?Sized>(
    sim: &mut Simulation,
    months: u32,
    observer: &mut O,
) -> Result<(), Error> {
    for _ in 0..months {
        let row = sim.step()?;
        observer.month(sim, &row)?;
    }
    Ok(())
}

/// Keeps every month's row, in month order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows(pub Vec<Row>);

impl Rows {
    /// Room for `months` rows.
    pub fn with_capacity(months: u32) -> Rows {
        Rows(Vec::with_capacity(months as usize))
    }
}

impl Observer for Rows {
    fn month(&mut self, _: &Simulation, row: &Row) -> Result<(), Error> {
        self.0.push(row.clone());
        Ok(())
    }
}

/// Keeps a snapshot of every zone at the snapshot months of a run of
/// `months` months, one every `output.zones_every` months and the last
/// ([`zones::is_snapshot_month`]): the rows of `zones.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneSnapshots {
    /// Months of the run.
    pub months: u32,
    /// The snapshots so far, month by month, each in zone order.
    pub rows: Vec<ZoneRow>,
}

impl ZoneSnapshots {
    /// No snapshot yet, for a run of `months` months.
    pub fn new(months: u32) -> ZoneSnapshots {
        ZoneSnapshots {
            months,
            rows: Vec::new(),
        }
    }
}

impl Observer for ZoneSnapshots {
    fn month(&mut self, sim: &Simulation, row: &Row) -> Result<(), Error> {
        let every = sim.scenario().output.zones_every;
        if zones::is_snapshot_month(row.month, self.months, every) {
            self.rows.extend(zones::zone_rows(sim.world()));
        }
        Ok(())
    }
}

/// Sums each metric (every column of `timeseries.csv` but `month`) over
/// the months of a window, inclusive, in month order.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowSums {
    /// First and last month summed.
    pub window: [u32; 2],
    /// One sum per metric (empty until the window's first month).
    pub sums: Vec<f64>,
    /// Months summed.
    pub count: u32,
}

impl WindowSums {
    /// Nothing summed yet over `window`.
    pub fn new(window: [u32; 2]) -> WindowSums {
        WindowSums {
            window,
            sums: Vec::new(),
            count: 0,
        }
    }

    /// Each metric's mean over the window (NaN where no month was summed).
    pub fn means(&self) -> Vec<f64> {
        let count = self.count as f64;
        self.sums.iter().map(|s| s / count).collect()
    }
}

impl Observer for WindowSums {
    fn month(&mut self, _: &Simulation, row: &Row) -> Result<(), Error> {
        if row.month >= self.window[0] && row.month <= self.window[1] {
            let values = &row.values()[1..];
            if self.sums.is_empty() {
                self.sums = vec![0.0; values.len()];
            }
            for (s, v) in self.sums.iter_mut().zip(values) {
                *s += v;
            }
            self.count += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use std::path::Path;

    fn small(months: u32) -> Scenario {
        let text = format!("[simulation]\nresidents = 1500\nmonths = {months}\n");
        Scenario::from_toml(&text, Path::new("t.toml")).expect("valid")
    }

    /// Counts months, and stops the run at `stop`.
    struct Stopper {
        seen: Vec<u32>,
        stop: u32,
    }

    impl Observer for Stopper {
        fn month(&mut self, _: &Simulation, row: &Row) -> Result<(), Error> {
            self.seen.push(row.month);
            if row.month == self.stop {
                return Err(Error::Sweep("stopped".into()));
            }
            Ok(())
        }
    }

    #[test]
    fn observers_see_every_month_in_order_and_compose() {
        let mut rows = Rows::default();
        let mut zones = ZoneSnapshots::new(13);
        let mut sums = WindowSums::new([12, 13]);
        let sim = run(
            small(13).check().expect("valid"),
            &mut (&mut rows, &mut zones, &mut sums),
        )
        .expect("runs");
        assert_eq!(
            rows.0.iter().map(|r| r.month).collect::<Vec<_>>(),
            (1..=13).collect::<Vec<_>>()
        );
        assert_eq!(sim.world().month, 13);
        // Snapshots at month 12 and the last, each of every zone.
        let zones_per = sim.world().city.len();
        assert_eq!(zones.rows.len(), 2 * zones_per);
        assert_eq!(zones.rows[0].month, 12);
        assert_eq!(zones.rows[zones_per].month, 13);
        assert_eq!(sums.count, 2);
        let population = (rows.0[11].population + rows.0[12].population) as f64 / 2.0;
        assert_eq!(sums.means()[0], population);
        // A second run of the same scenario gives the same rows, observed
        // or not.
        let mut again = Rows::default();
        run(small(13).check().expect("valid"), &mut again).expect("runs");
        assert_eq!(again, rows);
    }

    #[test]
    fn an_observer_error_stops_the_run() {
        let mut stopper = Stopper {
            seen: Vec::new(),
            stop: 2,
        };
        let mut sim = Simulation::new(small(5).check().expect("valid"));
        let result = run_months(&mut sim, 5, &mut stopper);
        assert!(matches!(result, Err(Error::Sweep(m)) if m == "stopped"));
        assert_eq!(stopper.seen, vec![1, 2]);
        run_months(&mut sim, 1, &mut ()).expect("runs on");
        assert_eq!(sim.world().month, 3);
    }
}
