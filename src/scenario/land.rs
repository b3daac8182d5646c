//! Land use: what each zone of the city a scenario builds is zoned for.
//! It depends on the scenario alone (its size, shares and seed), so the
//! loader can check it before any world is built.

use serde::Serialize;

use crate::rng::{Phase, stream, unit};
use crate::scenario::{CityParams, ZoningParams};

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

/// The land use of each zone, row by row: the CBD round the centre, a
/// seeded pick of industrial zones among the outer half, then a seeded pick
/// of mixed-use zones among the rest. How many zones each use gets depends
/// on the city's size and shares only, not on the seed.
pub(crate) fn land_uses(p: &CityParams, seed: u64) -> Vec<LandUse> {
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
    land
}
