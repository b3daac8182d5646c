//! `zones.csv`: a snapshot of every zone (residents, jobs, rent, mean
//! commute) at every 12th month and at the last month, for maps of the city.
//!
//! The caller takes a snapshot between steps, after a month has been
//! simulated, so the monthly step and its timings do not include it; a run
//! takes one about every 12 months. Sums over residents are integer sums in
//! per-chunk bins (`par::accumulate`), so the snapshot is byte-identical
//! for any thread count. The columns and their units are in docs/OUTPUT.md.

use crate::error::Error;
use crate::metrics;
use crate::par;
use crate::world::{CENTS, LandUse, World};

/// Column names of `zones.csv`, in order.
pub const HEADER: [&str; 9] = [
    "month",
    "zone",
    "x",
    "y",
    "land_use",
    "residents",
    "jobs",
    "rent_yuan",
    "mean_commute_min",
];

/// One zone at one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoneRow {
    /// Month of the snapshot (1-based).
    pub month: u32,
    /// Zone index (row by row from the north-west corner).
    pub zone: u32,
    /// Column of the zone.
    pub x: u16,
    /// Row of the zone.
    pub y: u16,
    /// Land use.
    pub land_use: LandUse,
    /// Residents whose home is in the zone.
    pub residents: u64,
    /// Employed residents (wherever they live) whose employer is in the zone.
    pub jobs: u64,
    /// Monthly rent of a dwelling in the zone, cents.
    pub rent_cents: i64,
    /// Sum of the one-way commutes of the employed living in the zone, each
    /// truncated to thousandths of a minute (as `mean_commute_min` of
    /// timeseries.csv).
    pub commute_milli: i64,
    /// Employed residents living in the zone.
    pub employed: u64,
}

impl ZoneRow {
    /// Mean one-way commute of the employed living here, minutes (0 if none).
    pub fn mean_commute_min(&self) -> f64 {
        if self.employed == 0 {
            0.0
        } else {
            self.commute_milli as f64 / 1000.0 / self.employed as f64
        }
    }
}

/// Whether month `month` of a run of `months` months gets a snapshot, one
/// every `every` months (`output.zones_every`) and at the last month.
pub fn is_snapshot_month(month: u32, months: u32, every: u32) -> bool {
    let every = every.max(1);
    month == months || (month > 0 && month.is_multiple_of(every))
}

/// Number of snapshots in a run of `months` months, one every `every`.
pub fn snapshots(months: u32, every: u32) -> u32 {
    let every = every.max(1);
    months / every + u32::from(!months.is_multiple_of(every))
}

/// The name of a land use in `zones.csv`.
/// The land uses' names, as `zones.csv` writes them.
pub const LAND_USES: [&str; 4] = ["centre", "residential", "industrial", "mixed"];

/// The name of a land use in `zones.csv`.
pub fn land_use_name(land_use: LandUse) -> &'static str {
    match land_use {
        LandUse::Centre => "centre",
        LandUse::Residential => "residential",
        LandUse::Industrial => "industrial",
        LandUse::Mixed => "mixed",
    }
}

/// One row per zone, in zone order, from the state after the current month.
pub fn zone_rows(w: &World) -> Vec<ZoneRow> {
    let spots = w.firm_spots();
    let city = &w.city;
    // A commute's thousandths of a minute per grid offset: the same bits as
    // `commute_milli(city.commute_minutes(home, work))`, once an offset
    // instead of once a worker.
    let milli: Vec<i64> = city
        .offset_km
        .iter()
        .map(|&km| metrics::commute_milli(city.minutes_for_km(km as f64)))
        .collect();
    // Per zone: [residents, employed living here, commute milli-minutes, jobs].
    let bins = par::accumulate::<_, 4, _, _>(
        &w.residents.people,
        city.len(),
        |_, _| {},
        |_, r, bins| {
            let home = r.home.index();
            bins[home][0] += 1;
            if !r.employer.is_none() {
                let work = spots[r.employer.index()].zone;
                bins[home][1] += 1;
                bins[home][2] += milli[city.offset(r.home, work)];
                bins[work.index()][3] += 1;
            }
        },
    );
    city.zones
        .iter()
        .zip(&bins)
        .enumerate()
        .map(|(k, (z, b))| ZoneRow {
            month: w.month,
            zone: k as u32,
            x: z.x,
            y: z.y,
            land_use: z.land_use,
            residents: b[0] as u64,
            jobs: b[3] as u64,
            rent_cents: z.rent,
            commute_milli: b[2],
            employed: b[1] as u64,
        })
        .collect()
}

/// `zones.csv` as bytes.
pub fn zones_csv(rows: &[ZoneRow]) -> Result<Vec<u8>, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Error::Io {
        path: "zones.csv".into(),
        source: std::io::Error::other(e),
    };
    w.write_record(HEADER).map_err(io)?;
    for r in rows {
        w.write_record([
            r.month.to_string(),
            r.zone.to_string(),
            r.x.to_string(),
            r.y.to_string(),
            land_use_name(r.land_use).to_string(),
            r.residents.to_string(),
            r.jobs.to_string(),
            format!("{:.2}", r.rent_cents as f64 / CENTS as f64),
            format!("{:.3}", r.mean_commute_min()),
        ])
        .map_err(io)?;
    }
    w.into_inner().map_err(|e| Error::Io {
        path: "zones.csv".into(),
        source: e.into_error(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{Rows, run};
    use crate::scenario::Scenario;
    use std::path::Path;

    #[test]
    fn snapshot_months_are_every_nth_and_the_last() {
        let months = |every| -> Vec<u32> {
            (1..=30)
                .filter(|&m| is_snapshot_month(m, 30, every))
                .collect()
        };
        assert_eq!(months(12), vec![12, 24, 30]);
        assert_eq!(months(7), vec![7, 14, 21, 28, 30]);
        assert_eq!(months(1).len(), 30);
        assert_eq!(months(100), vec![30]);
        for every in [1, 7, 12, 100] {
            assert_eq!(
                snapshots(30, every) as usize,
                months(every).len(),
                "every {every}"
            );
        }
        assert_eq!(snapshots(24, 12), 2);
        assert_eq!(snapshots(5, 12), 1);
    }

    /// `output.zones_every` sets the months of zones.csv.
    #[test]
    fn zones_every_sets_the_snapshot_months() {
        let text = "[simulation]\nresidents = 800\nmonths = 10\n[output]\nzones_every = 4\n";
        let scenario = Scenario::from_toml(text, Path::new("t.toml")).expect("valid");
        let mut zones = crate::run::ZoneSnapshots::new(10);
        run(scenario.check().expect("valid"), &mut zones).expect("runs");
        let mut months: Vec<u32> = zones.rows.iter().map(|z| z.month).collect();
        months.dedup();
        assert_eq!(months, vec![4, 8, 10]);
    }

    #[test]
    fn zone_totals_add_up_to_the_city() {
        let text = "[simulation]\nresidents = 3000\nmonths = 3\n";
        let scenario = Scenario::from_toml(text, Path::new("t.toml")).expect("valid");
        let mut rows = Rows::default();
        let sim = run(scenario.check().expect("valid"), &mut rows).expect("no ledger violation");
        let row = rows.0.last().expect("three months ran");
        let zones = zone_rows(sim.world());
        assert_eq!(zones.len(), sim.world().city.len());
        let residents: u64 = zones.iter().map(|z| z.residents).sum();
        let jobs: u64 = zones.iter().map(|z| z.jobs).sum();
        let employed: u64 = zones.iter().map(|z| z.employed).sum();
        let milli: i64 = zones.iter().map(|z| z.commute_milli).sum();
        assert_eq!(residents, row.population, "residents by zone");
        assert_eq!(jobs, row.employed, "jobs by zone");
        assert_eq!(employed, row.employed, "employed by home zone");
        let mean = milli as f64 / 1000.0 / employed as f64;
        assert!(
            (mean - row.mean_commute_min).abs() < 1e-9,
            "zone commutes average to the city's: {mean} vs {}",
            row.mean_commute_min
        );
        let csv = String::from_utf8(zones_csv(&zones).expect("csv")).expect("utf-8");
        assert!(csv.starts_with(
            "month,zone,x,y,land_use,residents,jobs,rent_yuan,mean_commute_min\n3,0,0,0,"
        ));
    }
}
