//! Reading the files of an output folder: text and JSON within their size
//! caps, CSV records and numeric tables, each problem a [`PlotError::Input`]
//! naming the file.

use std::path::Path;

use super::Table;
use crate::plot::PlotError;

pub(super) fn bad(path: &Path, message: impl Into<String>, hint: impl Into<String>) -> PlotError {
    PlotError::Input {
        path: path.display().to_string(),
        message: message.into(),
        hint: hint.into(),
    }
}

/// The error for a file that could not be opened or read.
pub(super) fn unreadable(path: &Path, e: std::io::Error, hint: &str) -> PlotError {
    let what = if e.kind() == std::io::ErrorKind::NotFound {
        "is missing".to_string()
    } else {
        format!("cannot be read: {e}")
    };
    bad(path, what, hint)
}

pub(super) fn read_text(path: &Path, cap: u64, hint: &str) -> Result<String, PlotError> {
    crate::input::read_capped_text(path, cap).map_err(|e| match e {
        crate::input::ReadError::Io { source, .. } => unreadable(path, source, hint),
        other => bad(path, other.what(), other.hint()),
    })
}

pub(super) fn read_json(path: &Path, hint: &str) -> Result<serde_json::Value, PlotError> {
    let text = read_text(path, crate::input::JSON_CAP, hint)?;
    serde_json::from_str(&text).map_err(|e| bad(path, format!("is not valid JSON: {e}"), hint))
}

/// Reads a CSV file into string records (header first).
pub(super) fn read_records(path: &Path, hint: &str) -> Result<Vec<Vec<String>>, PlotError> {
    let text = read_text(path, crate::input::TABLE_CAP, hint)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out: Vec<Vec<String>> = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| bad(path, format!("line {}: {e}", i + 1), hint))?;
        if let Some(head) = out.first()
            && rec.len() != head.len()
        {
            return Err(bad(
                path,
                format!(
                    "line {} has {} values for {} columns",
                    i + 1,
                    rec.len(),
                    head.len()
                ),
                hint,
            ));
        }
        out.push(rec.iter().map(str::to_string).collect());
    }
    if out.is_empty() {
        return Err(bad(path, "is empty", hint));
    }
    Ok(out)
}

/// Reads a CSV file of numbers whose first column is `first`, one row at a
/// time: `on_row(header, values)` for each row, in file order. Returns the
/// header. A long sweep table is never held whole in memory.
pub(super) fn stream_table(
    path: &Path,
    first: &str,
    hint: &str,
    mut on_row: impl FnMut(&[String], &[f64]) -> Result<(), PlotError>,
) -> Result<Vec<String>, PlotError> {
    let file = std::fs::File::open(path).map_err(|e| unreadable(path, e, hint))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(str::to_string).collect(),
        Some(Err(e)) => return Err(bad(path, format!("line 1: {e}"), hint)),
        None => return Err(bad(path, "is empty", hint)),
    };
    if header.first().map(String::as_str) != Some(first) {
        return Err(bad(
            path,
            format!(
                "does not start with a `{first}` column (its header is `{}`)",
                header.iter().take(4).cloned().collect::<Vec<_>>().join(",")
            ),
            hint,
        ));
    }
    let mut row = Vec::with_capacity(header.len());
    let mut count = 0usize;
    for (i, rec) in records.enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad(path, format!("line {line}: {e}"), hint))?;
        if rec.len() != header.len() {
            return Err(bad(
                path,
                format!(
                    "line {line} has {} values for {} columns",
                    rec.len(),
                    header.len()
                ),
                hint,
            ));
        }
        row.clear();
        for (cell, name) in rec.iter().zip(&header) {
            let value: f64 = cell
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    bad(
                        path,
                        format!("line {line}: `{cell}` in column `{name}` is not a finite number"),
                        hint,
                    )
                })?;
            row.push(value);
        }
        on_row(&header, &row)?;
        count += 1;
    }
    if count == 0 {
        return Err(bad(path, "has a header but no rows", hint));
    }
    Ok(header)
}

/// Reads a CSV file of numbers whose first column is `first`.
pub(super) fn read_table(path: &Path, first: &str, hint: &str) -> Result<Table, PlotError> {
    let mut rows = Vec::new();
    let header = stream_table(path, first, hint, |_, row| {
        rows.push(row.to_vec());
        Ok(())
    })?;
    Ok(Table { header, rows })
}

/// `DIR/validation.csv`, if `polis validate` wrote one: the header, then
/// one record per measure (and group, for a sweep or comparison). Its
/// first column is `first`: `measure` for a run, `point` for a sweep or
/// comparison.
pub(super) fn read_validation(
    dir: &Path,
    first: &str,
) -> Result<Option<Vec<Vec<String>>>, PlotError> {
    let path = dir.join("validation.csv");
    if !path.is_file() {
        return Ok(None);
    }
    let hint = "run `polis validate DIR` again";
    let records = read_records(&path, hint)?;
    if records[0].first().map(String::as_str) != Some(first) {
        return Err(bad(
            &path,
            format!("is not a table of measures (its first column is not `{first}`)"),
            hint,
        ));
    }
    Ok(Some(records))
}
