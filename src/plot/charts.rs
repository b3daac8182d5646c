//! Time-series charts: which metrics go together (the chart groups, with
//! titles and units from docs/OUTPUT.md), and drawing a chart as a stack of
//! panels sharing the month axis, with the months of scenario events marked.
//! A single run draws every series of a panel as a line; a sweep or
//! comparison draws one panel per metric with one line per parameter point
//! or scenario: the mean over replicates and its 95% band.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::plot::data::{Ensemble, RunData, Table};
use crate::plot::{FONT, Figure, tick};

/// One metric in a panel: a column of timeseries.csv, scaled for display.
#[derive(Debug, Clone)]
pub struct SeriesSpec {
    /// Column of timeseries.csv.
    pub column: String,
    /// Legend label.
    pub label: String,
    /// Factor applied to the values (100 for a share in %).
    pub scale: f64,
    /// A breakdown (per sector) left out of sweep and comparison charts.
    pub detail: bool,
}

/// Metrics drawn on one y axis.
#[derive(Debug, Clone)]
pub struct PanelSpec {
    /// Panel title.
    pub title: String,
    /// Label of the y axis, with the unit.
    pub unit: String,
    /// The metrics.
    pub series: Vec<SeriesSpec>,
}

/// A chart: a file of panels that share the month axis.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    /// File stem (`jobs` gives `jobs.svg`).
    pub name: &'static str,
    /// Chart title.
    pub title: &'static str,
    /// Panels, top to bottom.
    pub panels: Vec<PanelSpec>,
}

fn s(column: &str, label: &str, scale: f64) -> SeriesSpec {
    SeriesSpec {
        column: column.into(),
        label: label.into(),
        scale,
        detail: false,
    }
}

fn panel(title: &str, unit: &str, series: Vec<SeriesSpec>) -> PanelSpec {
    PanelSpec {
        title: title.into(),
        unit: unit.into(),
        series,
    }
}

/// The sectors of a timeseries header (its `output_<sector>` columns).
pub fn sectors(header: &[String]) -> Vec<String> {
    crate::metrics::columns::sectors(header)
}

/// The standard charts, for a timeseries with these sectors.
pub fn chart_specs(sectors: &[String]) -> Vec<ChartSpec> {
    let mut output = vec![s("output", "all sectors", 1e-6)];
    output.extend(sectors.iter().map(|sector| SeriesSpec {
        column: format!("output_{sector}"),
        label: sector.replace('_', " "),
        scale: 1e-6,
        detail: true,
    }));
    vec![
        ChartSpec {
            name: "jobs",
            title: "Jobs and unemployment",
            panels: vec![
                panel(
                    "Unemployment rate",
                    "% of residents",
                    vec![s("unemployment_rate", "unemployment rate", 100.0)],
                ),
                panel(
                    "Employment",
                    "residents",
                    vec![s("employed", "employed", 1.0)],
                ),
                panel(
                    "Vacancies and hires",
                    "jobs per month",
                    vec![
                        s("vacancies", "vacancies posted", 1.0),
                        s("hires", "hires", 1.0),
                    ],
                ),
            ],
        },
        ChartSpec {
            name: "output",
            title: "Output and prices",
            panels: vec![
                panel("Real output", "million yuan/month, set-up prices", output),
                panel(
                    "Household consumption",
                    "million yuan/month",
                    vec![s("consumption", "consumption", 1e-6)],
                ),
                panel(
                    "Price index",
                    "index (set-up = 1)",
                    vec![s("price_index", "price index", 1.0)],
                ),
                panel(
                    "Mean wage of the employed",
                    "yuan/month",
                    vec![s("mean_wage", "mean wage", 1.0)],
                ),
            ],
        },
        ChartSpec {
            name: "commutes",
            title: "Commutes",
            panels: vec![
                panel(
                    "One-way commute of the employed",
                    "minutes",
                    vec![
                        s("mean_commute_min", "mean", 1.0),
                        s("p90_commute_min", "90th percentile", 1.0),
                    ],
                ),
                panel(
                    "Road congestion",
                    "factor 1 + a (V/C)^b",
                    vec![s("congestion", "congestion factor", 1.0)],
                ),
                panel(
                    "Working near or at home",
                    "% of the employed",
                    vec![
                        s("home_zone_work_share", "work in their home zone", 100.0),
                        s("telework_share", "workdays teleworked", 100.0),
                    ],
                ),
            ],
        },
        ChartSpec {
            name: "firms",
            title: "Startups and exits",
            panels: vec![
                panel(
                    "Firms founded and closed",
                    "firms per month",
                    vec![
                        s("startups", "startups", 1.0),
                        s("exits", "exits", 1.0),
                        s("incubated_startups", "incubated by MEI", 1.0),
                    ],
                ),
                panel("Firms open", "firms", vec![s("firms", "firms", 1.0)]),
            ],
        },
        ChartSpec {
            name: "platforms",
            title: "Platform adoption",
            panels: vec![
                panel(
                    "IMP (manufacturing platform) members",
                    "firms",
                    vec![s("imp_members", "IMP members", 1.0)],
                ),
                panel(
                    "ILP (life platform) users",
                    "residents",
                    vec![s("ilp_users", "ILP users", 1.0)],
                ),
                panel(
                    "MEI venture funding",
                    "thousand yuan/month",
                    vec![s("venture_funding", "venture funding", 1e-3)],
                ),
            ],
        },
        ChartSpec {
            name: "inequality",
            title: "Inequality and well-being",
            panels: vec![
                panel(
                    "Gini coefficients",
                    "Gini (0 = equal, 1 = one holds all)",
                    vec![
                        s("gini_income", "disposable income", 1.0),
                        s("gini_wealth", "wealth", 1.0),
                    ],
                ),
                panel(
                    "Mean well-being",
                    "log points",
                    vec![s("wellbeing", "well-being index", 1.0)],
                ),
            ],
        },
    ]
}

/// Colours of the lines, in order (Tableau 10: distinct and colour-blind
/// friendly enough).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
];

/// One line of a panel: points, and for an ensemble the 95% band.
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend label.
    pub label: String,
    /// (month, value).
    pub points: Vec<(f64, f64)>,
    /// (month, low, high), where known.
    pub band: Vec<(f64, f64, f64)>,
}

/// A panel ready to draw.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Title.
    pub title: String,
    /// y-axis label.
    pub unit: String,
    /// Lines.
    pub lines: Vec<Line>,
}

/// A chart ready to draw: panels over the months, and the event months.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem.
    pub name: String,
    /// Title.
    pub title: String,
    /// Subtitle (what was run).
    pub subtitle: String,
    /// Panels, top to bottom.
    pub panels: Vec<Panel>,
    /// Months with scenario events, and a label for each.
    pub events: Vec<(u32, String)>,
    /// First and last month.
    pub months: (f64, f64),
}

const WIDTH: u32 = 960;
const PANEL_HEIGHT: u32 = 280;
const HEADER_HEIGHT: u32 = 64;

fn series_points(table: &Table, spec: &SeriesSpec, months: &[f64]) -> Option<Vec<(f64, f64)>> {
    let values = table.values(&spec.column)?;
    Some(
        months
            .iter()
            .zip(values)
            .map(|(&m, v)| (m, v * spec.scale))
            .collect(),
    )
}

fn month_range(months: &[f64]) -> (f64, f64) {
    let first = months.iter().copied().fold(f64::INFINITY, f64::min);
    let last = months.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !first.is_finite() {
        (0.0, 1.0)
    } else {
        (first, last)
    }
}

/// The charts of a run.
pub fn run_charts(run: &RunData, subtitle: &str) -> Vec<Chart> {
    let table = &run.series;
    let months = table.values("month").unwrap_or_default();
    let fired = table.values("events").unwrap_or_default();
    let events: Vec<(u32, String)> = months
        .iter()
        .zip(&fired)
        .filter(|(_, n)| **n > 0.0)
        .map(|(&m, _)| {
            let m = m as u32;
            let notes: Vec<&str> = run
                .events
                .iter()
                .filter(|e| e.month == m)
                .map(|e| e.text.as_str())
                .collect();
            (m, notes.join("; "))
        })
        .collect();
    chart_specs(&sectors(&table.header))
        .into_iter()
        .map(|spec| Chart {
            name: spec.name.into(),
            title: spec.title.into(),
            subtitle: subtitle.into(),
            panels: spec
                .panels
                .iter()
                .map(|p| Panel {
                    title: p.title.clone(),
                    unit: p.unit.clone(),
                    lines: p
                        .series
                        .iter()
                        .filter_map(|s| {
                            Some(Line {
                                label: s.label.clone(),
                                points: series_points(table, s, &months)?,
                                band: Vec::new(),
                            })
                        })
                        .collect(),
                })
                .filter(|p| !p.lines.is_empty())
                .collect(),
            events: events.clone(),
            months: month_range(&months),
        })
        .collect()
}

/// The charts of a sweep or comparison: one panel per metric, one line per
/// group, with its 95% band.
pub fn ensemble_charts(e: &Ensemble, subtitle: &str) -> Vec<Chart> {
    let months: Vec<f64> = e.groups.iter().flat_map(|g| g.months.clone()).collect();
    let events: Vec<(u32, String)> = e.event_months.iter().map(|&m| (m, String::new())).collect();
    chart_specs(&sectors(&e.metrics))
        .into_iter()
        .map(|spec| {
            let panels = spec
                .panels
                .iter()
                .flat_map(|p| {
                    p.series.iter().filter(|s| !s.detail).filter_map(|s| {
                        let m = e.metrics.iter().position(|c| *c == s.column)?;
                        let lines = e
                            .groups
                            .iter()
                            .map(|g| Line {
                                label: format!("{} (n = {})", g.label, g.runs),
                                points: g
                                    .months
                                    .iter()
                                    .zip(&g.stats[m])
                                    .map(|(&x, st)| (x, st.0 * s.scale))
                                    .collect(),
                                band: g
                                    .months
                                    .iter()
                                    .zip(&g.stats[m])
                                    .filter(|(_, st)| st.1.is_finite() && st.2.is_finite())
                                    .map(|(&x, st)| (x, st.1 * s.scale, st.2 * s.scale))
                                    .collect(),
                            })
                            .collect();
                        let title = if p.series.len() > 1 {
                            format!("{}: {}", p.title, s.label)
                        } else {
                            p.title.clone()
                        };
                        Some(Panel {
                            title: format!("{title} (mean and 95% interval)"),
                            unit: p.unit.clone(),
                            lines,
                        })
                    })
                })
                .collect();
            Chart {
                name: spec.name.into(),
                title: spec.title.into(),
                subtitle: subtitle.into(),
                panels,
                events: events.clone(),
                months: month_range(&months),
            }
        })
        .filter(|c| !c.panels.is_empty())
        .collect()
}

/// The y range of a panel: its values with a margin, from 0 when the
/// values are positive and 0 is near, and room at the top for a legend of
/// `legend_rows` rows (which sits in the upper left), so that it hides no line.
fn y_range(panel: &Panel, legend_rows: usize) -> (f64, f64) {
    let values = panel.lines.iter().flat_map(|l| {
        l.points
            .iter()
            .map(|p| p.1)
            .chain(l.band.iter().flat_map(|b| [b.1, b.2]))
    });
    let (mut lo, mut hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if lo >= 0.0 && lo <= 0.25 * hi {
        lo = 0.0;
    }
    let span = hi - lo;
    let pad = if span > 0.0 {
        span * 0.06
    } else {
        lo.abs().max(1.0) * 0.1
    };
    if lo != 0.0 {
        lo -= pad;
    }
    hi += pad;
    // A legend row takes about 7% of a panel's plotting height.
    let legend = (0.07 * legend_rows as f64 + 0.04).min(0.6);
    hi += (hi - lo) * legend / (1.0 - legend);
    (lo, hi)
}

/// Shortens a label to `n` characters.
fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        text.chars().take(n - 1).collect::<String>() + "…"
    }
}

impl Figure for Chart {
    fn size(&self) -> (u32, u32) {
        (
            WIDTH,
            HEADER_HEIGHT + PANEL_HEIGHT * self.panels.len().max(1) as u32,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(err)?;
        let (header, body) = root.split_vertically(HEADER_HEIGHT);
        header
            .draw(&Text::new(
                self.title.clone(),
                (20, 10),
                (FONT, 24).into_font().color(&BLACK),
            ))
            .map_err(err)?;
        header
            .draw(&Text::new(
                clip(&self.subtitle, 120),
                (20, 40),
                (FONT, 13).into_font().color(&RGBColor(90, 90, 90)),
            ))
            .map_err(err)?;
        let areas = body.split_evenly((self.panels.len().max(1), 1));
        for (k, (panel, area)) in self.panels.iter().zip(&areas).enumerate() {
            self.draw_panel(panel, area, k == 0).map_err(err)?;
        }
        root.present().map_err(err)
    }
}

impl Chart {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        panel: &Panel,
        area: &DrawingArea<DB, Shift>,
        first: bool,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let (x0, mut x1) = self.months;
        if x1 <= x0 {
            x1 = x0 + 1.0;
        }
        let event_rows = if first { self.events.len().min(6) } else { 0 };
        let (y0, y1) = y_range(panel, panel.lines.len() + event_rows);
        let mut chart = ChartBuilder::on(area)
            .caption(&panel.title, (FONT, 17))
            .margin_left(12)
            .margin_right(24)
            .margin_bottom(6)
            .x_label_area_size(40)
            .y_label_area_size(84)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .x_desc("month")
            .y_desc(panel.unit.as_str())
            .axis_desc_style((FONT, 14))
            .label_style((FONT, 12))
            .light_line_style(RGBColor(246, 246, 246))
            .bold_line_style(RGBColor(215, 215, 215))
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v))
            .x_labels(12)
            .y_labels(6)
            .draw()?;
        let event_style = ShapeStyle::from(&RGBColor(110, 110, 110)).stroke_width(1);
        for (i, (month, note)) in self.events.iter().enumerate() {
            let m = *month as f64;
            let series =
                chart.draw_series(DashedLineSeries::new([(m, y0), (m, y1)], 6, 4, event_style))?;
            if first && i < 6 {
                let text = if note.is_empty() {
                    format!("event, month {month}")
                } else {
                    clip(&format!("month {month}: {note}"), 60)
                };
                series
                    .label(text)
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], event_style));
            }
        }
        for (i, line) in panel.lines.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            if line.band.len() > 1 {
                let polygon: Vec<(f64, f64)> = line
                    .band
                    .iter()
                    .map(|b| (b.0, b.2))
                    .chain(line.band.iter().rev().map(|b| (b.0, b.1)))
                    .collect();
                chart.draw_series(std::iter::once(Polygon::new(
                    polygon,
                    color.mix(0.18).filled(),
                )))?;
            }
            let style = ShapeStyle::from(&color).stroke_width(2);
            chart
                .draw_series(LineSeries::new(
                    line.points.iter().copied().filter(|p| p.1.is_finite()),
                    style,
                ))?
                .label(clip(&line.label, 70))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font((FONT, 12))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .draw()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every series of the standard charts draws a column of the columns
    /// table (`metrics::columns`), so a renamed or removed column cannot
    /// leave a chart drawing nothing.
    #[test]
    fn every_chart_series_is_a_column_of_the_table() {
        let sectors: Vec<String> = ["services", "basic_manufacturing"]
            .map(String::from)
            .to_vec();
        for spec in chart_specs(&sectors) {
            for panel in &spec.panels {
                for series in &panel.series {
                    assert!(
                        crate::metrics::columns::describe(&series.column, &sectors).is_some(),
                        "chart {} draws {}, which no column of the table is",
                        spec.name,
                        series.column
                    );
                }
            }
        }
    }

    fn panel(values: &[f64]) -> Panel {
        Panel {
            title: "t".into(),
            unit: "u".into(),
            lines: vec![Line {
                label: "l".into(),
                points: values
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| (i as f64, v))
                    .collect(),
                band: Vec::new(),
            }],
        }
    }

    #[test]
    fn y_ranges_hold_the_values_and_room_for_the_legend() {
        let (lo, hi) = y_range(&panel(&[2.0, 20.0]), 0);
        assert_eq!(lo, 0.0, "positive values near 0 start at 0");
        assert!(hi > 20.0);
        let (_, roomy) = y_range(&panel(&[2.0, 20.0]), 4);
        assert!(roomy > hi, "legend rows add room at the top");
        let (lo, hi) = y_range(&panel(&[100.0, 101.0]), 1);
        assert!(lo > 90.0 && lo < 100.0 && hi > 101.0, "{lo}..{hi}");
        assert_eq!(y_range(&panel(&[f64::NAN]), 1), (0.0, 1.0));
    }

    #[test]
    fn every_chart_column_is_a_timeseries_column() {
        let sectors = vec!["services".to_string()];
        let header = crate::metrics::Row::header(&sectors);
        for chart in chart_specs(&sectors) {
            for p in &chart.panels {
                for s in &p.series {
                    assert!(header.contains(&s.column), "{} is not a column", s.column);
                }
            }
        }
    }
}
