//! `polis validate`: a run's stylized facts, printed and written to
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
        Source::Ensemble(_) => {
            return Err(Failure::bad_input(
                format!(
                    "{}: polis validate reads the folder of one run; sweeps and comparisons are not supported yet",
                    args.dir.display()
                ),
                "give the --out folder of `polis run`",
            ));
        }
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
