//! Maps of the city from `zones.csv`: the grid of zones, each coloured by
//! one quantity (residents, jobs, rent or mean commute) at one snapshot
//! month, with a colour bar and the CBD zones outlined.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::plot::data::ZoneCell;
use crate::plot::{FONT, Figure, tick};

/// What a map colours the zones by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// Residents living in the zone.
    Residents,
    /// Jobs in the zone.
    Jobs,
    /// Rent of a dwelling.
    Rent,
    /// Mean one-way commute of the employed living there.
    Commute,
}

impl Layer {
    /// Every layer, in the default order.
    pub const ALL: [Layer; 4] = [Layer::Residents, Layer::Jobs, Layer::Rent, Layer::Commute];

    /// The name used on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Residents => "residents",
            Layer::Jobs => "jobs",
            Layer::Rent => "rent",
            Layer::Commute => "commute",
        }
    }

    /// Title of the map and unit of the colour bar.
    fn title_unit(self) -> (&'static str, &'static str) {
        match self {
            Layer::Residents => ("Residents by home zone", "residents"),
            Layer::Jobs => ("Jobs by workplace zone", "jobs (employed)"),
            Layer::Rent => ("Dwelling rent", "yuan/month"),
            Layer::Commute => ("Mean one-way commute by home zone", "minutes"),
        }
    }

    fn value(self, z: &ZoneCell) -> f64 {
        match self {
            Layer::Residents => z.residents,
            Layer::Jobs => z.jobs,
            Layer::Rent => z.rent_yuan,
            Layer::Commute => z.mean_commute_min,
        }
    }
}

/// A map ready to draw.
#[derive(Debug, Clone)]
pub struct Map {
    /// What it shows.
    pub layer: Layer,
    /// Snapshot month.
    pub month: u32,
    /// Subtitle (what was run).
    pub subtitle: String,
    /// Zones along x and y.
    pub grid: (u32, u32),
    /// (x, y, value, is CBD) per zone.
    pub cells: Vec<(u32, u32, f64, bool)>,
}

/// The snapshot months of a zones table, ascending.
pub fn snapshot_months(zones: &[ZoneCell]) -> Vec<u32> {
    let mut months: Vec<u32> = zones.iter().map(|z| z.month).collect();
    months.sort_unstable();
    months.dedup();
    months
}

/// The map of `layer` at `month` (which must be a snapshot month).
pub fn map(zones: &[ZoneCell], layer: Layer, month: u32, subtitle: &str) -> Map {
    let cells: Vec<(u32, u32, f64, bool)> = zones
        .iter()
        .filter(|z| z.month == month)
        .map(|z| (z.x, z.y, layer.value(z), z.land_use == "centre"))
        .collect();
    let width = cells.iter().map(|c| c.0 + 1).max().unwrap_or(1);
    let height = cells.iter().map(|c| c.1 + 1).max().unwrap_or(1);
    Map {
        layer,
        month,
        subtitle: subtitle.into(),
        grid: (width, height),
        cells,
    }
}

/// A colour of the viridis scale for `t` in 0..=1 (linear between stops).
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 6] = [
        (68, 1, 84),
        (65, 68, 135),
        (42, 120, 142),
        (34, 168, 132),
        (122, 209, 81),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

const SIDE: u32 = 640;
const HEADER: u32 = 70;
const BAR: u32 = 150;

impl Figure for Map {
    fn size(&self) -> (u32, u32) {
        (SIDE + BAR + 40, SIDE + HEADER + 30)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let (title, unit) = self.layer.title_unit();
        root.draw(&Text::new(
            format!("{title}, month {}", self.month),
            (20, 10),
            (FONT, 22).into_font().color(&BLACK),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            self.subtitle.clone(),
            (20, 40),
            (FONT, 13).into_font().color(&RGBColor(90, 90, 90)),
        ))
        .map_err(err)?;
        let (lo, hi) = self
            .cells
            .iter()
            .map(|c| c.2)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let span = if hi > lo { hi - lo } else { 1.0 };
        let (w, h) = self.grid;
        let cell = (SIDE / w.max(h)).max(1) as i32;
        let (ox, oy) = (20i32, HEADER as i32);
        for &(x, y, v, _) in &self.cells {
            let (px, py) = (ox + x as i32 * cell, oy + y as i32 * cell);
            root.draw(&Rectangle::new(
                [(px, py), (px + cell, py + cell)],
                viridis((v - lo) / span).filled(),
            ))
            .map_err(err)?;
        }
        // The CBD's border outlined, so that the centre can be found on any
        // map: an edge of a CBD zone whose neighbour is not in the CBD.
        let centre: std::collections::BTreeSet<(i64, i64)> = self
            .cells
            .iter()
            .filter(|c| c.3)
            .map(|c| (c.0 as i64, c.1 as i64))
            .collect();
        let edge = ShapeStyle::from(&WHITE).stroke_width(2);
        for &(x, y) in &centre {
            let (px, py) = (ox + x as i32 * cell, oy + y as i32 * cell);
            let sides = [
                ((x, y - 1), [(px, py), (px + cell, py)]),
                ((x, y + 1), [(px, py + cell), (px + cell, py + cell)]),
                ((x - 1, y), [(px, py), (px, py + cell)]),
                ((x + 1, y), [(px + cell, py), (px + cell, py + cell)]),
            ];
            for (neighbour, line) in sides {
                if !centre.contains(&neighbour) {
                    root.draw(&PathElement::new(line, edge)).map_err(err)?;
                }
            }
        }
        // Colour bar: high at the top.
        let bx = ox + w as i32 * cell + 30;
        let bar_h = (h as i32 * cell).min(SIDE as i32);
        let steps = 64;
        for k in 0..steps {
            let t = 1.0 - k as f64 / (steps - 1) as f64;
            let y = oy + bar_h * k / steps;
            let y2 = oy + bar_h * (k + 1) / steps;
            root.draw(&Rectangle::new(
                [(bx, y), (bx + 22, y2)],
                viridis(t).filled(),
            ))
            .map_err(err)?;
        }
        let label = (FONT, 13).into_font().color(&BLACK);
        root.draw(&Text::new(tick(hi), (bx + 28, oy), label.clone()))
            .map_err(err)?;
        root.draw(&Text::new(
            tick(lo),
            (bx + 28, oy + bar_h - 14),
            label.clone(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            unit.to_string(),
            (bx, oy + bar_h + 8),
            label.clone(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            format!("{w} x {h} zones; outlined: CBD"),
            (ox, oy + h as i32 * cell + 8),
            label,
        ))
        .map_err(err)?;
        root.present().map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_colour_scale_runs_from_purple_to_yellow() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        assert_eq!(viridis(2.0), viridis(1.0));
    }
}
