//! `report.html`: one page per run, sweep or comparison that opens offline
//! in any browser. Everything is inside the file (the charts and maps as
//! inline SVG, the styles in a `<style>` element); it loads no script, font
//! or style sheet, and links only to the CSV and JSON files beside it, by
//! relative name.

use std::fmt::Write;

use crate::plot::data::{Ensemble, EnsembleKind, RunData, Source, event_detail};
use crate::plot::{Format, PlotError, PlotOptions, charts, describe, maps, render};

const STYLE: &str = "
body { font-family: sans-serif; margin: 2em auto; max-width: 1000px; color: #222; padding: 0 1em; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
p.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; }
figure { margin: 1em 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eee; }
.maps { display: flex; flex-wrap: wrap; gap: 8px; }
.maps svg { width: 480px; max-width: 100%; height: auto; border: 1px solid #eee; }
code { background: #f5f5f5; padding: 0 3px; }
";

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn value_text(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        Some(x) => x.to_string(),
    }
}

fn facts_table(rows: &[(&str, String)]) -> String {
    let mut s = String::from("<table>\n");
    for (k, v) in rows {
        let _ = writeln!(s, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(v));
    }
    s.push_str("</table>\n");
    s
}

/// An SVG document as an element for inline use (no XML declaration).
fn inline_svg(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.find("<svg") {
        Some(start) => text[start..].to_string(),
        None => text.into_owned(),
    }
}

/// The page for a folder, as HTML text.
pub fn report(source: &Source) -> Result<String, PlotError> {
    let (title, dir) = match source {
        Source::Run(r) => ("polis run", &r.dir),
        Source::Ensemble(e) if e.kind == EnsembleKind::Sweep => ("polis sweep", &e.dir),
        Source::Ensemble(e) => ("polis comparison", &e.dir),
    };
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<h1>{title}: {}</h1>\n<p class=\"sub\">{}</p>",
        escape(
            &dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
        escape(&describe(source))
    );
    // Links to the data, by relative name (the page sits beside them).
    let files = [
        "timeseries.csv",
        "zones.csv",
        "firms.csv",
        "exits.csv",
        "residents.csv",
        "runs.csv",
        "summary.csv",
        "compare.csv",
        "manifest.json",
        "datapackage.json",
        "validation.csv",
    ];
    let links: Vec<String> = files
        .iter()
        .filter(|f| dir.join(f).is_file())
        .map(|f| format!("<a href=\"{f}\">{f}</a>"))
        .collect();
    let _ = writeln!(body, "<p>Data: {}</p>", links.join(" · "));
    match source {
        Source::Run(run) => {
            run_sections(run, &mut body);
            if let Some(records) = &run.validation {
                validation_section(
                    records,
                    "From <code>validation.csv</code> (<code>polis validate</code>; \
                     docs/OUTPUT.md defines each measure).",
                    &mut body,
                );
            }
        }
        Source::Ensemble(e) => {
            ensemble_sections(e, &mut body);
            if let Some(records) = &e.validation {
                let group = match e.kind {
                    EnsembleKind::Sweep => "parameter point",
                    EnsembleKind::Compare => "scenario",
                };
                let intro = format!(
                    "From <code>validation.csv</code> (<code>polis validate</code>; \
                     docs/OUTPUT.md defines each measure): per {group}, the mean of each \
                     measure over the runs that tell it, their number <code>n</code> and \
                     the 95% interval of the mean (Student t); <code>pass</code> judges \
                     the mean."
                );
                validation_section(records, &intro, &mut body);
            }
        }
    }
    body.push_str("<h2>Charts</h2>\n");
    for chart in charts(source) {
        let svg = render(&chart, Format::Svg, &chart.name)?;
        let _ = writeln!(
            body,
            "<figure id=\"chart-{}\">{}</figure>",
            chart.name,
            inline_svg(&svg)
        );
    }
    let options = PlotOptions {
        format: Format::Svg,
        maps: Vec::new(),
        map_month: None,
    };
    let maps = maps(source, &options)?;
    if let Some(first) = maps.first() {
        let _ = writeln!(
            body,
            "<h2>Map of the city, month {}</h2>\n<p>From <code>zones.csv</code>; \
             row 0 of the grid is at the top; the CBD zones are outlined.</p>\n<div class=\"maps\">",
            first.month
        );
        for m in &maps {
            let name = format!("map-{}", m.layer.name());
            let svg = render(m, Format::Svg, &name)?;
            let _ = writeln!(body, "<div id=\"{name}\">{}</div>", inline_svg(&svg));
        }
        body.push_str("</div>\n");
    }
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\
         <p class=\"sub\">Written by polis {}.</p>\n</body>\n</html>\n",
        escape(&describe(source)),
        env!("CARGO_PKG_VERSION"),
    ))
}

/// The measures of `polis validate` (the records of `validation.csv`,
/// header first), after `intro` (HTML).
fn validation_section(records: &[Vec<String>], intro: &str, body: &mut String) {
    let _ = writeln!(body, "<h2>Validation</h2>\n<p>{intro}</p>\n<table>");
    for (i, record) in records.iter().enumerate() {
        let cell = if i == 0 { "th" } else { "td" };
        body.push_str("<tr>");
        for value in record {
            let _ = write!(body, "<{cell}>{}</{cell}>", escape(value));
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</table>\n");
}

fn run_sections(run: &RunData, body: &mut String) {
    let m = &run.manifest;
    let get = |p: &str| value_text(m.pointer(p));
    body.push_str("<h2>Scenario and run</h2>\n");
    body.push_str(&facts_table(&[
        ("scenario", get("/scenario/name")),
        ("description", get("/scenario/description")),
        ("scenario files", get("/scenario_files")),
        ("overrides", get("/overrides")),
        ("seed", get("/seed")),
        ("months", get("/months")),
        ("residents", get("/agents/residents")),
        ("zones", get("/agents/zones")),
        ("firms at set-up / at the end", {
            format!(
                "{} / {}",
                get("/agents/firms_start"),
                get("/agents/firms_end")
            )
        }),
        ("threads, wall time", {
            let wall = m
                .get("wall_seconds")
                .and_then(|w| w.as_f64())
                .unwrap_or(f64::NAN);
            format!("{}, {wall:.2} s", get("/threads"))
        }),
        ("polis version, git commit", {
            format!("{}, {}", get("/polis_version"), get("/git_commit"))
        }),
    ]));
    // The last month, for a first look at the numbers.
    if let Some(last) = run.series.rows.last() {
        let mut rows = Vec::new();
        for (column, label, scale, unit) in [
            ("unemployment_rate", "unemployment rate", 100.0, "%"),
            ("mean_wage", "mean wage", 1.0, "yuan/month"),
            ("output", "real output", 1e-6, "million yuan/month"),
            ("mean_commute_min", "mean one-way commute", 1.0, "minutes"),
            ("mean_rent", "mean rent", 1.0, "yuan/month"),
            ("firms", "firms", 1.0, "firms"),
            ("gini_income", "Gini of income", 1.0, ""),
            ("wellbeing", "well-being", 1.0, "log points"),
        ] {
            if let Some(k) = run.series.column(column) {
                let v = last[k] * scale;
                let text = if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.3}")
                };
                rows.push(format!(
                    "<tr><th>{label}</th><td class=\"n\">{text}</td><td>{unit}</td></tr>"
                ));
            }
        }
        let month = run.series.column("month").map_or(0.0, |k| last[k]);
        let _ = writeln!(
            body,
            "<h3>Month {month}</h3>\n<table>\n{}\n</table>",
            rows.join("\n")
        );
    }
    body.push_str("<h2>Events</h2>\n");
    let events = m.get("events").and_then(|e| e.as_array());
    match events {
        Some(list) if !list.is_empty() => {
            body.push_str("<table>\n<tr><th>month</th><th>note</th><th>what it does</th></tr>\n");
            for e in list {
                let _ = writeln!(
                    body,
                    "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&value_text(e.get("month"))),
                    escape(&value_text(e.get("note"))),
                    escape(&event_detail(e))
                );
            }
            body.push_str("</table>\n<p>Dashed lines mark the months of events on the charts (an event after the last month simulated does not fire).</p>\n");
        }
        _ => body.push_str("<p>The scenario has no events.</p>\n"),
    }
}

fn ensemble_sections(e: &Ensemble, body: &mut String) {
    let m = &e.manifest;
    let get = |p: &str| value_text(m.pointer(p));
    match e.kind {
        EnsembleKind::Sweep => {
            body.push_str("<h2>Sweep</h2>\n");
            body.push_str(&facts_table(&[
                ("base scenario", get("/base_scenario")),
                ("parameters", get("/parameters")),
                ("points", get("/points")),
                ("replicates", get("/replicates")),
                (
                    "runs (failed)",
                    format!("{} ({})", get("/runs"), get("/failed_runs")),
                ),
                ("months", get("/months")),
                ("summary window", get("/summary_window")),
                ("polis version, git commit", {
                    format!("{}, {}", get("/polis_version"), get("/git_commit"))
                }),
            ]));
        }
        EnsembleKind::Compare => {
            body.push_str("<h2>Comparison</h2>\n");
            body.push_str(&facts_table(&[
                ("scenario A", get("/scenario_a")),
                ("scenario B", get("/scenario_b")),
                ("overrides (both)", get("/overrides")),
                ("replicates", get("/replicates")),
                ("months", get("/months")),
                ("window averaged", get("/window")),
                ("polis version, git commit", {
                    format!("{}, {}", get("/polis_version"), get("/git_commit"))
                }),
            ]));
            compare_table(e, body);
        }
    }
    body.push_str("<h2>Groups</h2>\n<table>\n<tr><th>line</th><th>runs</th></tr>\n");
    for g in &e.groups {
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
            escape(&g.label),
            g.runs
        );
    }
    body.push_str("</table>\n<p>Each chart shows, per month, the mean over the replicates of a line and its 95% interval (Student t) as a band.</p>\n");
    body.push_str("<h2>Events</h2>\n");
    if e.event_months.is_empty() {
        body.push_str("<p>No run applied an event.</p>\n");
    } else {
        let months: Vec<String> = e.event_months.iter().map(u32::to_string).collect();
        let _ = writeln!(
            body,
            "<p>Scenario events applied in months {} (dashed lines on the charts); the scenario files list them.</p>",
            months.join(", ")
        );
    }
}

fn compare_table(e: &Ensemble, body: &mut String) {
    let Some((head, rows)) = e.compare_rows.split_first() else {
        return;
    };
    let k = |name: &str| head.iter().position(|h| h == name);
    let (Some(metric), Some(a), Some(b), Some(d), Some(lo), Some(hi)) = (
        k("metric"),
        k("mean_a"),
        k("mean_b"),
        k("diff_mean"),
        k("diff_ci_low"),
        k("diff_ci_high"),
    ) else {
        return;
    };
    let num = |s: &str| {
        s.parse::<f64>()
            .map_or_else(|_| escape(s), |v| format!("{v:.4}"))
    };
    body.push_str("<h3>B - A over the window (compare.csv)</h3>\n<table>\n<tr><th>metric</th><th>mean A</th><th>mean B</th><th>B - A</th><th>95% interval</th><th></th></tr>\n");
    for r in rows {
        let cell = |i: usize| r.get(i).map(String::as_str).unwrap_or("");
        let excludes = cell(lo).parse::<f64>().is_ok_and(|l| l > 0.0)
            || cell(hi).parse::<f64>().is_ok_and(|h| h < 0.0);
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">[{}, {}]</td><td>{}</td></tr>",
            escape(cell(metric)),
            num(cell(a)),
            num(cell(b)),
            num(cell(d)),
            num(cell(lo)),
            num(cell(hi)),
            if excludes { "*" } else { "" }
        );
    }
    body.push_str("</table>\n<p>* the 95% interval of B - A leaves out 0.</p>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_svg_inlined_without_declaration() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        let svg = br#"<?xml version="1.0"?><svg width="1"></svg>"#;
        assert_eq!(inline_svg(svg), r#"<svg width="1"></svg>"#);
    }
}
