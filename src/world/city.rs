//! Zones and commuting. A zone is a square cell of the grid with a land use,
//! dwellings, workplace capacity, an amenity level and a rent. Commute times
//! are computed from zone coordinates on demand (no zone-by-zone matrix, so a
//! city of 10,000 zones costs nothing extra), with a citywide BPR congestion
//! factor updated once a month.

use serde::Serialize;

use crate::scenario::{CityParams, ZoningParams};

/// Index of a zone in `City::zones`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[repr(transparent)]
pub struct ZoneId(pub u16);

impl ZoneId {
    /// The index into `City::zones`.
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a zone is zoned for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LandUse {
    /// Central business district: offices, shops, some dwellings.
    Centre,
    /// Mostly homes, with local services.
    Residential,
    /// Factories and warehouses.
    Industrial,
    /// Homes and workplaces side by side.
    Mixed,
}

impl LandUse {
    /// Relative density of dwellings.
    pub fn dwelling_weight(self, z: &ZoningParams) -> f64 {
        match self {
            LandUse::Centre => z.centre_dwellings,
            LandUse::Residential => z.residential_dwellings,
            LandUse::Industrial => z.industrial_dwellings,
            LandUse::Mixed => z.mixed_dwellings,
        }
    }

    /// Relative attraction for firms of a manufacturing or a service sector.
    pub fn firm_weight(self, z: &ZoningParams, manufacturing: bool) -> f64 {
        match (self, manufacturing) {
            (LandUse::Centre, false) => z.centre_services,
            (LandUse::Residential, false) => z.residential_services,
            (LandUse::Industrial, false) => z.industrial_services,
            (LandUse::Mixed, false) => z.mixed_services,
            (LandUse::Centre, true) => z.centre_manufacturing,
            (LandUse::Residential, true) => z.residential_manufacturing,
            (LandUse::Industrial, true) => z.industrial_manufacturing,
            (LandUse::Mixed, true) => z.mixed_manufacturing,
        }
    }

    /// Amenity level (the CBD is 1 by default).
    pub fn amenity(self, z: &ZoningParams) -> f64 {
        match self {
            LandUse::Centre => z.centre_amenity,
            LandUse::Residential => z.residential_amenity,
            LandUse::Industrial => z.industrial_amenity,
            LandUse::Mixed => z.mixed_amenity,
        }
    }
}

/// One zone of the grid.
#[derive(Debug, Clone, Serialize)]
pub struct Zone {
    /// Column.
    pub x: u16,
    /// Row.
    pub y: u16,
    /// Land use.
    pub land_use: LandUse,
    /// Dwellings (one household each).
    pub dwellings: u32,
    /// Households living here.
    pub occupants: u32,
    /// Amenity level (CBD = 1).
    pub amenity: f64,
    /// Monthly rent of a dwelling, cents.
    pub rent: i64,
}

/// The grid of zones and the commuting model.
#[derive(Debug, Clone, Serialize)]
pub struct City {
    /// Zones along x.
    pub width: u32,
    /// Zones along y.
    pub height: u32,
    /// Side of a zone, km.
    pub zone_km: f64,
    /// Zones, row by row.
    pub zones: Vec<Zone>,
    /// Walk and wait minutes per trip.
    pub access_min: f64,
    /// Free-flow speed, km/h.
    pub speed_kmh: f64,
    /// Road over straight-line distance.
    pub detour: f64,
    /// Current congestion factor 1 + a (V/C)^b.
    pub congestion: f64,
    /// Road distance for each grid offset (|dx|, |dy|) between two zones,
    /// km, at `|dx| * height + |dy|`: width x height entries (40 KB for a
    /// 100 x 100 city), small enough to stay in cache, so a lookup replaces a
    /// square root in the hottest loops for any city size.
    #[serde(skip)]
    pub offset_km: Vec<f32>,
    /// Each zone's grid position (x, y), the compact copy the distance
    /// lookup reads.
    #[serde(skip)]
    pub coords: Vec<[u16; 2]>,
}

impl City {
    /// Road distance between zone centres, km; within a zone, the mean
    /// distance between two random points of a square (0.5214 of its side).
    /// Read from the offset table (single precision).
    #[inline]
    pub fn distance_km(&self, a: ZoneId, b: ZoneId) -> f64 {
        let ([ax, ay], [bx, by]) = (self.coords[a.index()], self.coords[b.index()]);
        let dx = ax.abs_diff(bx) as usize;
        let dy = ay.abs_diff(by) as usize;
        self.offset_km[dx * self.height as usize + dy] as f64
    }

    /// Distance for a grid offset of `dx` by `dy` cells, in double precision
    /// (what the table holds, rounded).
    fn offset_distance_km(&self, dx: u32, dy: u32) -> f64 {
        let cells = if dx == 0 && dy == 0 {
            0.5214
        } else {
            let (dx, dy) = (dx as f64, dy as f64);
            (dx * dx + dy * dy).sqrt()
        };
        cells * self.zone_km * self.detour
    }

    /// One-way commute minutes between two zones at the current congestion.
    #[inline]
    pub fn commute_minutes(&self, a: ZoneId, b: ZoneId) -> f64 {
        self.minutes_for_km(self.distance_km(a, b))
    }

    /// One-way commute minutes for a trip of `km` at the current congestion.
    #[inline]
    pub fn minutes_for_km(&self, km: f64) -> f64 {
        self.access_min + km / self.speed_kmh * 60.0 * self.congestion
    }

    /// Fills the offset table and the zones' coordinates; called at set-up
    /// and when an event changes `city.detour`.
    pub fn tabulate_distances(&mut self) {
        self.coords = self.zones.iter().map(|z| [z.x, z.y]).collect();
        let (w, h) = (self.width, self.height);
        self.offset_km = (0..w * h)
            .map(|k| self.offset_distance_km(k / h, k % h) as f32)
            .collect();
    }

    /// The BPR factor for commuter-km `v` against capacity `c`.
    pub fn bpr(p: &CityParams, v: f64, c: f64) -> f64 {
        1.0 + p.bpr_a * (v / c.max(1e-9)).powf(p.bpr_b)
    }

    /// Number of zones.
    pub fn len(&self) -> usize {
        self.zones.len()
    }

    /// True when the city has no zones.
    pub fn is_empty(&self) -> bool {
        self.zones.is_empty()
    }
}

/// Monthly money cost of commuting, cents: time valued at a share of the
/// hourly wage plus fares, for two trips a workday.
#[inline]
pub fn commute_cost_cents(p: &CityParams, minutes: f64, km: f64, monthly_wage_cents: f64) -> f64 {
    let trips = 2.0 * p.workdays;
    let hourly_wage = monthly_wage_cents / (p.workdays.max(1.0) * p.hours_per_workday);
    trips * (minutes / 60.0 * p.value_of_time_share * hourly_wage + km * p.fare_per_km * 100.0)
}

/// Who works from home, and how much (an ILP lever). A resident teleworks
/// `telework_days` of five workdays when the ILP is on, it is a user, its
/// job is in a service sector, and the job allows it: a fixed draw per
/// (resident, firm) below `telework_jobs`, so a job keeps its answer.
#[derive(Debug, Clone, Copy)]
pub struct Telework {
    on: bool,
    jobs: f64,
    share_of_days: f64,
    seed: u64,
}

impl Telework {
    /// The rule of a scenario.
    pub fn new(p: &crate::scenario::Scenario) -> Telework {
        let ilp = &p.platforms.ilp;
        Telework {
            on: ilp.enabled && ilp.telework_days > 0.0 && ilp.telework_jobs > 0.0,
            jobs: ilp.telework_jobs,
            share_of_days: (ilp.telework_days / 5.0).min(1.0),
            seed: p.simulation.seed,
        }
    }

    /// Share of workdays resident `i` works from home at firm `firm_serial`.
    #[inline]
    pub fn share(&self, i: usize, ilp_user: bool, firm_serial: u32, manufacturing: bool) -> f64 {
        if !self.on || !ilp_user || manufacturing {
            return 0.0;
        }
        let z = crate::rng::mix64(
            self.seed ^ crate::rng::mix64((i as u64) ^ ((firm_serial as u64) << 32) ^ 0x7E1E_3A6B),
        );
        if ((z >> 11) as f64 / (1u64 << 53) as f64) < self.jobs {
            self.share_of_days
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use std::path::Path;

    /// The offset table gives, for every ordered pair of zones of a city that
    /// is not square, the distance computed from the zones' positions.
    #[test]
    fn offset_table_matches_the_distance_of_every_pair() {
        let text = "[city]\nwidth = 7\nheight = 4\nzone_km = 1.5\ncentre_radius_km = 1.0\n\
                    [simulation]\nresidents = 500\nmonths = 1\n";
        let s = Scenario::from_toml(text, Path::new("t.toml")).expect("a valid scenario");
        let city = crate::world::World::build(&s).city;
        assert_eq!(city.offset_km.len(), 7 * 4);
        for a in 0..city.len() {
            for b in 0..city.len() {
                let (za, zb) = (&city.zones[a], &city.zones[b]);
                let (dx, dy) = (za.x as f64 - zb.x as f64, za.y as f64 - zb.y as f64);
                let cells = if a == b {
                    0.5214
                } else {
                    (dx * dx + dy * dy).sqrt()
                };
                let want = (cells * city.zone_km * city.detour) as f32 as f64;
                let got = city.distance_km(ZoneId(a as u16), ZoneId(b as u16));
                assert_eq!(got, want, "zones {a} and {b}");
            }
        }
    }
}
