//! Charts, maps and the report page, drawn from an output folder's files.
//!
//! This module reads what `polis run`, `polis sweep` and `polis compare`
//! wrote (CSV and JSON) and draws pictures of it; it never touches the
//! simulation, and the model does not know it exists. Everything is drawn
//! in memory first, so bad input is found before a file is written; the
//! caller then writes the files with [`crate::output::atomic_write`].
//!
//! - [`data`]: reading a run, sweep or comparison folder back.
//! - [`charts`](mod@charts): the chart groups and the time-series panels.
//! - [`map`]: zone maps from `zones.csv`.
//! - [`report`]: `report.html`, one self-contained page.
//!
//! Pictures are drawn with `plotters`, in pure Rust. SVG text is left to the
//! viewer's sans-serif font; PNG text is rasterised from DejaVu Sans, which
//! is compiled in (`assets/fonts/`), so no system font library is needed.

pub mod charts;
pub mod data;
pub mod map;
pub mod report;

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

pub use data::{Source, load};
pub use map::Layer;

/// The font family every chart asks for.
pub const FONT: &str = "sans-serif";

/// DejaVu Sans (licence: assets/fonts/LICENSE-DejaVu.txt).
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the bundled font with plotters, once per process.
fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled in and known to parse (a unit test checks).
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES);
    });
}

/// What can go wrong while plotting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The folder or a file in it is not what a plot needs, or an option
    /// does not fit it (bad input).
    #[error("error: {path}: {message}\n  = hint: {hint}")]
    Input {
        /// The folder or file.
        path: String,
        /// What is wrong.
        message: String,
        /// What to do.
        hint: String,
    },
    /// Drawing failed (a bug, or a backend that could not encode).
    #[error("drawing {figure}: {message}")]
    Draw {
        /// The chart or map.
        figure: String,
        /// Why.
        message: String,
    },
}

/// Picture file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Scalable vector graphics: small, sharp, text searchable.
    Svg,
    /// A bitmap, for slides and documents that do not take SVG.
    Png,
}

impl Format {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
        }
    }
}

/// What `polis plot` draws.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotOptions {
    /// Picture format.
    pub format: Format,
    /// Map layers; empty means all four (for a run).
    pub maps: Vec<Layer>,
    /// Snapshot month of the maps; `None` means the last one.
    pub map_month: Option<u32>,
}

/// Something that draws itself on a plotters area of its own size.
pub trait Figure {
    /// Width and height, pixels.
    fn size(&self) -> (u32, u32);
    /// Draws on `root`, which has [`Figure::size`].
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

/// A figure as SVG or PNG bytes.
pub fn render(figure: &impl Figure, format: Format, name: &str) -> Result<Vec<u8>, PlotError> {
    register_font();
    let (w, h) = figure.size();
    let draw_error = |message: String| PlotError::Draw {
        figure: name.to_string(),
        message,
    };
    match format {
        Format::Svg => {
            let mut text = String::new();
            {
                let root = SVGBackend::with_string(&mut text, (w, h)).into_drawing_area();
                figure.draw(&root).map_err(draw_error)?;
            }
            Ok(text.into_bytes())
        }
        Format::Png => {
            let mut pixels = vec![255u8; w as usize * h as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
                figure.draw(&root).map_err(draw_error)?;
            }
            let mut bytes = Vec::new();
            let mut encoder = png::Encoder::new(&mut bytes, w, h);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            // Charts are mostly flat colour: the best compression makes them
            // a fraction of the default's size for little time.
            encoder.set_compression(png::Compression::Best);
            encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
            encoder
                .write_header()
                .and_then(|mut writer| writer.write_image_data(&pixels))
                .map_err(|e| draw_error(format!("encoding PNG: {e}")))?;
            Ok(bytes)
        }
    }
}

/// A number for an axis or a colour bar: few digits, thousands as `k`,
/// millions as `M`.
pub fn tick(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() {
        return "0".into();
    }
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if a >= 1e9 {
        trim(format!("{:.2}", v / 1e9)) + "G"
    } else if a >= 1e6 {
        trim(format!("{:.2}", v / 1e6)) + "M"
    } else if a >= 1e4 {
        trim(format!("{:.1}", v / 1e3)) + "k"
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        trim(format!("{v:.2}"))
    } else {
        trim(format!("{v:.4}"))
    }
}

/// One line saying what a folder holds, for chart subtitles.
pub fn describe(source: &Source) -> String {
    let text = |v: &serde_json::Value, key: &str| {
        v.get(key)
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
            .unwrap_or_default()
    };
    match source {
        Source::Run(run) => {
            let m = &run.manifest;
            let residents = m
                .pointer("/agents/residents")
                .map(|v| v.to_string())
                .unwrap_or_default();
            format!(
                "run of {} (scenario {}): {residents} residents, {} months, seed {}",
                text(m, "scenario_path"),
                m.pointer("/scenario/name")
                    .and_then(|v| v.as_str())
                    .unwrap_or("?"),
                text(m, "months"),
                text(m, "seed"),
            )
        }
        Source::Ensemble(e) => match e.kind {
            data::EnsembleKind::Sweep => format!(
                "sweep of {}: {} points x {} replicates, {} months",
                text(&e.manifest, "base_scenario"),
                text(&e.manifest, "points"),
                text(&e.manifest, "replicates"),
                text(&e.manifest, "months"),
            ),
            data::EnsembleKind::Compare => format!(
                "comparison of {} (A) and {} (B): {} paired replicates, {} months",
                text(&e.manifest, "scenario_a"),
                text(&e.manifest, "scenario_b"),
                text(&e.manifest, "replicates"),
                text(&e.manifest, "months"),
            ),
        },
    }
}

/// The time-series charts of a folder, ready to draw.
pub fn charts(source: &Source) -> Vec<charts::Chart> {
    let subtitle = describe(source);
    match source {
        Source::Run(run) => charts::run_charts(run, &subtitle),
        Source::Ensemble(e) => charts::ensemble_charts(e, &subtitle),
    }
}

/// The maps `options` asks for, checked against the folder.
pub fn maps(source: &Source, options: &PlotOptions) -> Result<Vec<map::Map>, PlotError> {
    let run = match source {
        Source::Run(run) => run,
        Source::Ensemble(e) => {
            if options.maps.is_empty() && options.map_month.is_none() {
                return Ok(Vec::new());
            }
            return Err(PlotError::Input {
                path: e.dir.display().to_string(),
                message: "--map and --map-month need the folder of a single run \
                          (a sweep or comparison keeps no zones.csv)"
                    .into(),
                hint: "plot a run folder (`polis run SCENARIO --out DIR`), or leave out --map and --map-month".into(),
            });
        }
    };
    let Some(zones) = &run.zones else {
        if options.maps.is_empty() && options.map_month.is_none() {
            return Ok(Vec::new());
        }
        return Err(PlotError::Input {
            path: run.dir.join("zones.csv").display().to_string(),
            message: "is missing, so no map can be drawn".into(),
            hint: "run the scenario again with this version of polis, which writes zones.csv"
                .into(),
        });
    };
    let months = map::snapshot_months(zones);
    let month = match options.map_month {
        None => *months.last().unwrap_or(&0),
        Some(m) if months.contains(&m) => m,
        Some(m) => {
            let list: Vec<String> = months.iter().map(u32::to_string).collect();
            return Err(PlotError::Input {
                path: run.dir.join("zones.csv").display().to_string(),
                message: format!("has no snapshot of month {m} (--map-month {m})"),
                hint: format!(
                    "zones.csv has the months {}; choose one of them",
                    list.join(", ")
                ),
            });
        }
    };
    let layers: &[Layer] = if options.maps.is_empty() {
        &Layer::ALL
    } else {
        &options.maps
    };
    let subtitle = describe(source);
    Ok(layers
        .iter()
        .map(|&l| map::map(zones, l, month, &subtitle))
        .collect())
}

/// Every picture `polis plot` makes of a folder, as (file name, bytes), in
/// memory: the charts, then the maps.
pub fn plot(source: &Source, options: &PlotOptions) -> Result<Vec<(String, Vec<u8>)>, PlotError> {
    let ext = options.format.extension();
    let maps = maps(source, options)?;
    let mut files = Vec::new();
    for chart in charts(source) {
        let name = format!("{}.{ext}", chart.name);
        files.push((name.clone(), render(&chart, options.format, &name)?));
    }
    for m in &maps {
        let name = format!("map-{}.{ext}", m.layer.name());
        files.push((name.clone(), render(m, options.format, &name)?));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_parses() {
        assert!(plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok());
    }

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(0.0), "0");
        assert_eq!(tick(1_250_000.0), "1.25M");
        assert_eq!(tick(45_000.0), "45k");
        assert_eq!(tick(120.0), "120");
        assert_eq!(tick(2.5), "2.5");
        assert_eq!(tick(0.0425), "0.0425");
    }
}
