//! The measures of a run folder's agent-level files: `firms.csv` and
//! `exits.csv` ([`measures::of_firms`]) and `residents.csv`
//! ([`measures::of_residents`]). A file the run did not write (its
//! `[output]` turned it off) gives measures the run cannot tell.

use std::path::Path;

use super::measures::{self, ExitAt, FirmAt, Measure, ResidentAt};
use crate::error::Error;

/// Reads `file` of the run folder `dir`, keeping for each record the
/// cells of `columns` parsed by `parse`; `None` when the folder has no
/// such file.
fn read<T>(
    dir: &Path,
    file: &str,
    columns: &[&str],
    parse: impl Fn(&[&str]) -> Option<T>,
) -> Result<Option<Vec<T>>, Error> {
    let path = dir.join(file);
    if !path.exists() {
        return Ok(None);
    }
    let bad = |message: String| Error::Io {
        path: path.display().to_string(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, message),
    };
    let mut reader = csv::Reader::from_path(&path).map_err(|e| bad(e.to_string()))?;
    let header = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let at: Vec<usize> = columns
        .iter()
        .map(|c| {
            header
                .iter()
                .position(|h| h == *c)
                .ok_or_else(|| bad(format!("no column `{c}`")))
        })
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(e.to_string()))?;
        let cells: Vec<&str> = at.iter().map(|&k| record.get(k).unwrap_or("")).collect();
        out.push(parse(&cells).ok_or_else(|| {
            bad(format!(
                "line {}: a value of {} is not a number",
                line + 2,
                columns.join(", ")
            ))
        })?);
    }
    Ok(Some(out))
}

/// The firm and resident measures of the run folder `dir` over months
/// `window` (inclusive; the whole run if `None`).
pub fn of_run_folder(dir: &Path, window: Option<[u32; 2]>) -> Result<Vec<Measure>, Error> {
    let firms = read(
        dir,
        "firms.csv",
        &["month", "firm_id", "founded_month", "workers"],
        |c| {
            Some(FirmAt {
                month: c[0].parse().ok()?,
                id: c[1].parse().ok()?,
                founded: c[2].parse().ok()?,
                workers: c[3].parse().ok()?,
            })
        },
    )?;
    let exits = read(
        dir,
        "exits.csv",
        &["month", "firm_id", "founded_month"],
        |c| {
            Some(ExitAt {
                month: c[0].parse().ok()?,
                id: c[1].parse().ok()?,
                founded: c[2].parse().ok()?,
            })
        },
    )?;
    let residents = read(dir, "residents.csv", &["month", "income", "wealth"], |c| {
        Some(ResidentAt {
            month: c[0].parse().ok()?,
            income: c[1].parse().ok()?,
            wealth: c[2].parse().ok()?,
        })
    })?;
    let mut all = match (firms, exits) {
        (Some(f), Some(e)) => measures::of_firms(&f, &e, window),
        // Without the files, every firm measure is one the run cannot tell.
        _ => measures::of_firms(&[], &[], window)
            .into_iter()
            .map(|m| Measure {
                value: f64::NAN,
                ..m
            })
            .collect(),
    };
    all.extend(measures::of_residents(
        residents.as_deref().unwrap_or(&[]),
        window,
    ));
    Ok(all)
}
