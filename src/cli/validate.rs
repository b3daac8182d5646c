//! `polis validate`: the stylized facts of a run (its time series, zone
//! snapshots and agent-level files) or of each point or scenario of a sweep
//! or comparison (its runs' time series), printed and written to
//! DIR/validation.csv.

use polis::Error;
use polis::output;
use polis::plot::Source;
use polis::validate::measures::{self, Measure, ZoneAt};
use polis::validate::targets::{self, Targets};

use super::Failure;
use super::args::ValidateArgs;

/// The columns of validation.csv.
const HEADER: &str = "measure,value,target_low,target_high,pass,source";

/// `polis validate`: computes the measures of a run folder.
pub(crate) fn validate(args: ValidateArgs) -> Result<(), Failure> {
    let targets = match &args.targets {
        Some(path) => targets::load(path, measures::NAMES).map_err(Error::Scenario)?,
        None => Targets::default(),
    };
    let source = polis::plot::load(&args.dir).map_err(Error::from)?;
    let run = match source {
        Source::Run(run) => run,
        Source::Ensemble(ensemble) => return validate_ensemble(&args, &ensemble, &targets),
    };
    let months = run.series.rows.len() as u32;
    if let Some([from, to]) = args.window
        && (to > months || to - from < 11)
    {
        return Err(Failure::bad_input(
            format!(
                "--window {from}:{to}: the run has months 1 to {months}, and a window needs at least 12 of them"
            ),
            &format!("give a window within 1:{months} of at least 12 months"),
        ));
    }
    let mut all = measures::of_series(&run.series.header, &run.series.rows, args.window);
    if let Some(zones) = &run.zones {
        // The last snapshot within the window.
        let last = args.window.map_or(u32::MAX, |[_, to]| to);
        if let Some(month) = zones.iter().map(|z| z.month).filter(|&m| m <= last).max() {
            let city = &run.manifest["scenario"]["city"];
            let (w, h, km) = (
                city["width"].as_f64().unwrap_or(0.0),
                city["height"].as_f64().unwrap_or(0.0),
                city["zone_km"].as_f64().unwrap_or(1.0),
            );
            let at: Vec<ZoneAt> = zones
                .iter()
                .filter(|z| z.month == month)
                .map(|z| ZoneAt {
                    km: (z.x as f64 + 0.5 - w / 2.0).hypot(z.y as f64 + 0.5 - h / 2.0) * km,
                    centre: z.land_use == "centre",
                    residents: z.residents,
                    jobs: z.jobs,
                    rent: z.rent_yuan,
                })
                .collect();
            all.extend(measures::of_zones(&at));
        }
    }
    all.extend(polis::validate::micro::of_run_folder(
        &args.dir,
        args.window,
    )?);
    let csv = validation_csv(&all, &targets)?;
    let path = args.dir.join("validation.csv");
    output::atomic_write(&path, &csv)?;
    if !args.quiet {
        print!("{}", table(&all, &targets));
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// A value as written: 6 significant decimals, or empty when the run
/// cannot tell.
fn number(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

/// validation.csv: each measure with its band, whether the value lies in
/// it, and the band's source (empty without a band).
fn validation_csv(all: &[Measure], targets: &Targets) -> Result<Vec<u8>, Failure> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Failure {
        code: 1,
        error: anyhow::anyhow!("writing validation.csv: {e}"),
    };
    w.write_record(HEADER.split(',')).map_err(io)?;
    for m in all {
        let band = targets.bands.get(m.name);
        let pass = verdict(band, m.value, "no");
        w.write_record([
            m.name,
            &number(m.value),
            &band.map_or(String::new(), |b| b.low.to_string()),
            &band.map_or(String::new(), |b| b.high.to_string()),
            pass,
            band.map_or("", |b| b.source.as_str()),
        ])
        .map_err(io)?;
    }
    w.into_inner().map_err(|e| Failure {
        code: 1,
        error: anyhow::anyhow!("writing validation.csv: {e}"),
    })
}

/// "yes" when `value` lies in `band`, `no` when not, empty without a band
/// or a value.
fn verdict(band: Option<&targets::Band>, value: f64, no: &'static str) -> &'static str {
    band.and_then(|b| b.holds(value))
        .map_or("", |p| if p { "yes" } else { no })
}

/// The measures as a table for people, with their bands when given.
fn table(all: &[Measure], targets: &Targets) -> String {
    let mut s = format!(
        "{:<24} {:>12}  {:<22} {:<17} {}\n",
        "measure", "value", "unit", "target", "pass"
    );
    for m in all {
        let value = if m.value.is_finite() {
            format!("{:.3}", m.value)
        } else {
            "-".into()
        };
        let band = targets.bands.get(m.name);
        let target = band.map_or(String::new(), |b| format!("{} to {}", b.low, b.high));
        let pass = verdict(band, m.value, "NO");
        s.push_str(&format!(
            "{:<24} {:>12}  {:<22} {:<17} {}\n",
            m.name, value, m.unit, target, pass
        ));
    }
    s
}

/// `polis validate` on a sweep or comparison folder: the measures of each
/// run's series, summarised per parameter point or scenario, written to
/// DIR/validation.csv and printed as a table per group.
fn validate_ensemble(
    args: &ValidateArgs,
    ensemble: &polis::plot::data::Ensemble,
    targets: &polis::validate::targets::Targets,
) -> Result<(), Failure> {
    use polis::plot::data::EnsembleKind;
    use polis::validate::ensemble::{self, Kind};
    let kind = match ensemble.kind {
        EnsembleKind::Sweep => Kind::Sweep,
        EnsembleKind::Compare => Kind::Compare,
    };
    let measured = ensemble::measure(&ensemble.dir, kind, args.window)?;
    let months = measured.months;
    if let Some([from, to]) = args.window
        && (to > months || to - from < 11)
    {
        return Err(Failure::bad_input(
            format!(
                "--window {from}:{to}: the runs have months 1 to {months}, and a window needs at least 12 of them"
            ),
            &format!("give a window within 1:{months} of at least 12 months"),
        ));
    }
    let csv = ensemble::validation_csv(&measured, targets)?;
    let path = args.dir.join("validation.csv");
    polis::output::atomic_write(&path, &csv)?;
    if !args.quiet {
        print!("{}", ensemble_tables(&measured, targets));
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The measures of a sweep or comparison for people: per group, the runs
/// used, then each measure's mean, n and 95% interval with its band.
fn ensemble_tables(
    measured: &polis::validate::ensemble::Measured,
    targets: &polis::validate::targets::Targets,
) -> String {
    use polis::validate::ensemble::{Kind, verdict};
    let number = |x: f64| {
        if x.is_finite() {
            format!("{x:.3}")
        } else {
            "-".to_string()
        }
    };
    let mut s = String::new();
    for g in &measured.groups {
        let what = match measured.kind {
            Kind::Sweep => "point",
            Kind::Compare => "scenario",
        };
        let label = if g.label.is_empty() {
            String::new()
        } else {
            format!(" ({})", g.label)
        };
        let failed = if g.failed > 0 {
            format!(", {} failed", g.failed)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "{what} {}{label}: {} of {} runs used{failed}\n",
            g.point,
            g.runs.len(),
            g.listed
        ));
        s.push_str(&format!(
            "  {:<24} {:>12} {:>4}  {:<26} {:<22} {:<17} {}\n",
            "measure", "mean", "n", "95% interval", "unit", "target", "pass"
        ));
        for (k, (name, unit)) in measured.names.iter().enumerate() {
            let summary = g.summary(k);
            let interval = if summary.low.is_finite() {
                format!("[{}, {}]", number(summary.low), number(summary.high))
            } else {
                String::new()
            };
            let band = targets.bands.get(*name);
            let target = band.map_or(String::new(), |b| format!("{} to {}", b.low, b.high));
            let pass = match verdict(band, summary.mean) {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "",
            };
            let line = format!(
                "  {:<24} {:>12} {:>4}  {:<26} {:<22} {:<17} {}",
                name,
                number(summary.mean),
                summary.n,
                interval,
                unit,
                target,
                pass
            );
            s.push_str(line.trim_end());
            s.push('\n');
        }
        s.push('\n');
    }
    let unmeasured: Vec<&str> = targets
        .bands
        .keys()
        .map(String::as_str)
        .filter(|name| !measured.names.iter().any(|(n, _)| n == name))
        .collect();
    if !unmeasured.is_empty() {
        s.push_str(&format!(
            "not measured (a sweep or comparison keeps no zone, firm or resident files), bands left unused: {}\n",
            unmeasured.join(", ")
        ));
    }
    s
}
