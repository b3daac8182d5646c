//! The readable tables of `polis bench` and of `polis run --timings`.

use std::fmt::Write as _;

use super::Report;
use crate::step::Timings;

/// A count with a metric suffix: `12.3 M`, `850 k`.
pub fn si(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let (value, unit) = if x.abs() >= 1e9 {
        (x / 1e9, " G")
    } else if x.abs() >= 1e6 {
        (x / 1e6, " M")
    } else if x.abs() >= 1e3 {
        (x / 1e3, " k")
    } else {
        (x, "")
    };
    let decimals = if value.abs() >= 100.0 {
        0
    } else if value.abs() >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.decimals$}{unit}")
}

/// A byte count in MB or GB.
pub(super) fn mb(bytes: Option<u64>) -> String {
    match bytes {
        None => "n/a".into(),
        Some(b) if b >= 1_000_000_000 => format!("{:.2} GB", b as f64 / 1e9),
        Some(b) => format!("{:.1} MB", b as f64 / 1e6),
    }
}

/// Lines of cells, left-aligned first column, right-aligned others.
fn grid(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c == 0 {
                let _ = write!(line, "{cell:<w$}", w = widths[0]);
            } else {
                let _ = write!(line, "  {cell:>w$}", w = widths[c]);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The readable tables of a report: throughput and memory per case and
/// thread count, speed-ups, and seconds per phase.
pub fn render(report: &Report) -> String {
    let mut rows = vec![
        [
            "scenario",
            "residents",
            "months",
            "threads",
            "res-months/s",
            "per core",
            "wall s",
            "set-up s",
            "set-up",
            "peak RSS",
            "B/resident",
            "runs",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for f in &report.results {
        rows.push(vec![
            f.scenario.clone(),
            f.residents.to_string(),
            f.months.to_string(),
            f.threads.to_string(),
            si(f.resident_months_per_second),
            si(f.per_core_resident_months_per_second),
            format!("{:.3}", f.wall_seconds),
            format!("{:.3}", f.setup_seconds),
            format!("{:.1}%", 100.0 * f.setup_share),
            mb(f.peak_rss_bytes),
            f.bytes_per_resident
                .map_or("n/a".into(), |b| format!("{b:.0}")),
            f.repeats.to_string(),
        ]);
    }
    let mut out = format!(
        "polis {} ({}) on {} cores ({})\n\n",
        report.polis_version,
        report.git_commit.chars().take(12).collect::<String>(),
        report.machine.cores,
        report.machine.model
    );
    out.push_str(&grid(&rows));
    if !report.speedup.is_empty() {
        out.push_str("\nspeed-up over 1 thread (medians of this invocation):\n");
        for s in &report.speedup {
            let _ = writeln!(
                out,
                "  {}: {:.2}x at {} threads ({:.0}% parallel efficiency)",
                s.scenario,
                s.ratio,
                s.threads,
                100.0 * s.ratio / s.threads as f64
            );
        }
    }
    let names: Vec<String> = report
        .results
        .first()
        .map(|f| f.phase_seconds.0.iter().map(|(n, _)| n.clone()).collect())
        .unwrap_or_default();
    if !names.is_empty() {
        out.push_str("\nseconds per phase (median; set-up and all months):\n");
        let mut head = vec!["phase".to_string()];
        head.extend(
            report
                .results
                .iter()
                .map(|f| format!("{}/{}t", f.scenario, f.threads)),
        );
        let mut rows = vec![head];
        let mut setup = vec!["set-up".to_string()];
        setup.extend(
            report
                .results
                .iter()
                .map(|f| format!("{:.3}", f.setup_seconds)),
        );
        rows.push(setup);
        for name in &names {
            let mut row = vec![name.clone()];
            row.extend(report.results.iter().map(|f| {
                f.phase_seconds
                    .get(name)
                    .map_or("n/a".into(), |s| format!("{s:.3}"))
            }));
            rows.push(row);
        }
        out.push_str(&grid(&rows));
    }
    out
}

/// The wall-time table of one run (`polis run --timings`): per phase its
/// seconds, its share of the run and its time per month; then set-up, the
/// rest (loading the scenario, recording rows) and the total `wall`.
pub fn timings_table(timings: &Timings, months: u32, wall: f64) -> String {
    let months_f = months.max(1) as f64;
    let share = |s: f64| format!("{:.1}%", 100.0 * s / wall);
    let per_month = |s: f64| format!("{:.3} ms", 1e3 * s / months_f);
    let mut rows = vec![
        ["phase", "seconds", "share", "per month"]
            .map(String::from)
            .to_vec(),
    ];
    let table = timings.table();
    for &(name, s) in &table {
        rows.push(vec![
            name.to_string(),
            format!("{s:.4}"),
            share(s),
            per_month(s),
        ]);
    }
    let months_total: f64 = table.iter().map(|(_, s)| s).sum();
    rows.push(vec![
        format!("all {months} months"),
        format!("{months_total:.4}"),
        share(months_total),
        per_month(months_total),
    ]);
    rows.push(vec![
        "set-up".into(),
        format!("{:.4}", timings.setup),
        share(timings.setup),
        String::new(),
    ]);
    let other = (wall - months_total - timings.setup).max(0.0);
    rows.push(vec![
        "other".into(),
        format!("{other:.4}"),
        share(other),
        String::new(),
    ]);
    rows.push(vec![
        "total".into(),
        format!("{wall:.4}"),
        share(wall),
        String::new(),
    ]);
    grid(&rows)
}
