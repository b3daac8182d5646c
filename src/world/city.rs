//! Zones and commuting. A zone is a square cell of the grid with a land use,
//! dwellings, workplace capacity, an amenity level and a rent. Commute times
//! are computed from zone coordinates on demand (no zone-by-zone matrix, so a
//! city of 10,000 zones costs nothing extra), with a citywide BPR congestion
//! factor updated once a month.

use serde::Serialize;

use crate::scenario::CityParams;

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

pub use crate::scenario::land::LandUse;

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
        self.offset_km[self.offset(a, b)] as f64
    }

    /// Index of the grid offset between two zones in `offset_km` (and in
    /// the tables of [`Commutes`]).
    #[inline]
    pub fn offset(&self, a: ZoneId, b: ZoneId) -> usize {
        let ([ax, ay], [bx, by]) = (self.coords[a.index()], self.coords[b.index()]);
        let dx = ax.abs_diff(bx) as usize;
        let dy = ay.abs_diff(by) as usize;
        dx * self.height as usize + dy
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

/// The commute of every grid offset at the city's current congestion,
/// tabulated once per phase: one-way minutes, and the two parts of the
/// monthly commute cost that do not depend on the wage. The cost is time
/// valued at a share of the hourly wage plus fares, for two trips a workday:
/// `2 workdays (minutes / 60 x value_of_time_share x wage / (workdays x
/// hours_per_workday) + km x fare_per_km x 100)` cents a month. Each entry is
/// computed with the arithmetic of that formula and of
/// [`City::commute_minutes`], in the same order, so a lookup gives the same
/// bits as evaluating them for each resident; the loops over residents skip
/// three divisions a commute. A table is valid until the congestion or the commuting
/// parameters change: build it where it is used.
#[derive(Debug, Clone)]
pub struct Commutes {
    /// One-way minutes per offset.
    minutes: Vec<f64>,
    /// Per offset: minutes / 60 x value-of-time share, and km x fare x 100.
    costs: Vec<[f64; 2]>,
    /// Trips a month (two a workday).
    trips: f64,
    /// Hours worked a month, the divisor of the hourly wage.
    hours: f64,
}

impl Commutes {
    /// The table of `city` under the commuting parameters `p`.
    pub fn new(city: &City, p: &CityParams) -> Commutes {
        let minutes: Vec<f64> = city
            .offset_km
            .iter()
            .map(|&km| city.minutes_for_km(km as f64))
            .collect();
        let costs = city
            .offset_km
            .iter()
            .zip(&minutes)
            .map(|(&km, &min)| {
                [
                    min / 60.0 * p.value_of_time_share,
                    km as f64 * p.fare_per_km * 100.0,
                ]
            })
            .collect();
        Commutes {
            minutes,
            costs,
            trips: 2.0 * p.workdays,
            hours: p.workdays.max(1.0) * p.hours_per_workday,
        }
    }

    /// One-way commute minutes for each grid offset (see [`City::offset`]).
    pub fn minutes_by_offset(&self) -> &[f64] {
        &self.minutes
    }

    /// One-way commute minutes between two zones: `city.commute_minutes(a, b)`.
    #[inline]
    pub fn minutes(&self, city: &City, a: ZoneId, b: ZoneId) -> f64 {
        self.minutes[city.offset(a, b)]
    }

    /// Monthly money cost of commuting between two zones for a monthly wage
    /// of `wage` cents (the formula above, at the pair's minutes and km).
    #[inline]
    pub fn cost_cents(&self, city: &City, a: ZoneId, b: ZoneId, wage: f64) -> f64 {
        let [time, fare] = self.costs[city.offset(a, b)];
        let hourly_wage = wage / self.hours;
        self.trips * (time * hourly_wage + fare)
    }
}

pub use crate::model::telework::Telework;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use std::path::Path;

    /// The monthly commute cost, written out once per commute: what the
    /// table must reproduce.
    fn commute_cost_cents(p: &CityParams, minutes: f64, km: f64, wage: f64) -> f64 {
        let trips = 2.0 * p.workdays;
        let hourly_wage = wage / (p.workdays.max(1.0) * p.hours_per_workday);
        trips * (minutes / 60.0 * p.value_of_time_share * hourly_wage + km * p.fare_per_km * 100.0)
    }

    /// The commute table gives the same bits as the formulas it replaces,
    /// for every ordered pair of zones, at a congestion and parameters that
    /// make every term count.
    #[test]
    fn commute_table_equals_the_formulas_bit_for_bit() {
        let text = "[city]\nwidth = 9\nheight = 5\nzone_km = 1.3\ncentre_radius_km = 1.0\n\
                    fare_per_km = 0.7\nvalue_of_time_share = 0.37\nworkdays = 21.5\n\
                    hours_per_workday = 7.5\n[simulation]\nresidents = 500\nmonths = 1\n";
        let s = Scenario::from_toml(text, Path::new("t.toml")).expect("a valid scenario");
        let mut city = crate::world::World::build(&s).city;
        city.congestion = 1.2345678901;
        let table = Commutes::new(&city, &s.city);
        for a in 0..city.len() {
            for b in 0..city.len() {
                let (a, b) = (ZoneId(a as u16), ZoneId(b as u16));
                let minutes = city.commute_minutes(a, b);
                assert_eq!(table.minutes(&city, a, b).to_bits(), minutes.to_bits());
                for wage in [0.0, 1.0, 123_456.789, 1.5e9] {
                    let want = commute_cost_cents(&s.city, minutes, city.distance_km(a, b), wage);
                    let got = table.cost_cents(&city, a, b, wage);
                    assert_eq!(got.to_bits(), want.to_bits(), "{a:?} {b:?} {wage}");
                }
            }
        }
    }

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
