//! An external design: reading a sweep's design CSV into points, each
//! problem placed at its line and column.

use std::collections::BTreeMap;
use std::path::Path;

use super::Point;
use super::place::{Origin, Spans, Texts};
use crate::scenario::{ScenarioError, reference};

/// Reads a design CSV: a `sample_id` column and one column per parameter,
/// one point a line. Every problem names the design's line and column.
pub(super) fn read_design(
    design: &Path,
    spans: &Spans,
    texts: &mut Texts<'_>,
    errors: &mut Vec<ScenarioError>,
) -> (Vec<String>, Vec<Point>, Vec<Vec<Origin>>) {
    let empty = (Vec::new(), Vec::new(), Vec::new());
    let design_text = match crate::input::read_capped_text(design, crate::input::DESIGN_CAP) {
        Ok(t) => t,
        Err(e) => {
            errors.push(texts.at(
                spans.top("design").as_ref(),
                format!("the design {} {}", design.display(), e.what()),
                match e {
                    crate::input::ReadError::Io { .. } => "the path is relative to the sweep file",
                    _ => e.hint(),
                },
            ));
            return empty;
        }
    };
    texts.design = Some((design.to_path_buf(), design_text.clone()));
    let texts: &Texts<'_> = texts;
    let at = |line: usize, col: usize| Some(Origin::Design { line, col });
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(design_text.as_bytes());
    let mut records = reader.records();
    // Column of field `k` of a record: the bytes of the fields before it
    // and their commas, plus one (exact for fields without quotes).
    let col_of = |rec: &csv::StringRecord, k: usize| rec.range(k).map_or(1, |r| r.start + k + 1);
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            errors.push(texts.at(
                at(1, 1).as_ref(),
                format!("the design's header is not CSV: {e}"),
                "first line: sample_id,table.key,...",
            ));
            return empty;
        }
        None => {
            errors.push(texts.at(
                at(1, 1).as_ref(),
                "the design is empty".into(),
                "first line: sample_id,table.key,..., then one line per point",
            ));
            return empty;
        }
    };
    if header.get(0).map(str::trim) != Some("sample_id") {
        errors.push(texts.at(
            at(1, 1).as_ref(),
            "the design's first column must be `sample_id`".into(),
            "sample_id,table.key,... as written by SALib or the EMA Workbench",
        ));
        return empty;
    }
    let keys: Vec<String> = header
        .iter()
        .skip(1)
        .map(|k| k.trim().to_string())
        .collect();
    for (k, key) in keys.iter().enumerate() {
        let col = col_of(&header, k + 1);
        if keys[..k].contains(key) {
            errors.push(texts.at(
                at(1, col).as_ref(),
                format!("the design's column `{key}` appears twice"),
                "give each parameter one column",
            ));
        } else if reference::lookup(key).is_none() {
            let known = reference::known_keys(&[]);
            let hint = reference::did_you_mean(key, known.iter().map(String::as_str)).map_or_else(
                || "`polis params` lists every key".to_string(),
                |b| format!("did you mean `{b}`?"),
            );
            errors.push(texts.at(
                at(1, col).as_ref(),
                format!("the design's column `{key}` is not a parameter"),
                &hint,
            ));
        }
    }
    if !errors.is_empty() {
        return empty;
    }
    let mut points = Vec::new();
    let mut origins = Vec::new();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(texts.at(
                    at(line.max(1), 1).as_ref(),
                    format!("the design is not CSV: {e}"),
                    "one point a line, values separated by commas",
                ));
                break;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.len() == 1 && record.get(0).is_some_and(|c| c.trim().is_empty()) {
            continue; // a blank line
        }
        if record.len() != header.len() {
            errors.push(texts.at(
                at(line, 1).as_ref(),
                format!(
                    "design line {line} has {} values for {} columns",
                    record.len(),
                    header.len()
                ),
                "every line needs a sample_id and a value per parameter",
            ));
            continue;
        }
        let id = record.get(0).unwrap_or("").trim().to_string();
        if id.is_empty() {
            errors.push(texts.at(
                at(line, 1).as_ref(),
                format!("design line {line} has an empty sample_id"),
                "give every point a sample id",
            ));
        } else if let Some(first) = ids.insert(id.clone(), line) {
            errors.push(texts.at(
                at(line, 1).as_ref(),
                format!("sample_id `{id}` repeats (first on line {first})"),
                "sample ids must be unique",
            ));
        }
        let mut values = Vec::with_capacity(keys.len());
        let mut cells = Vec::with_capacity(keys.len());
        for (k, key) in keys.iter().enumerate() {
            let cell = record.get(k + 1).unwrap_or("").trim().to_string();
            let col = col_of(&record, k + 1);
            if cell.is_empty() {
                errors.push(texts.at(
                    at(line, col).as_ref(),
                    format!("design line {line}: the value of `{key}` is empty"),
                    "every point needs a value of every parameter",
                ));
            }
            cells.push(Origin::Design { line, col });
            values.push((key.clone(), cell));
        }
        let normalised: Vec<String> = values
            .iter()
            .map(|(_, v)| {
                v.parse::<f64>()
                    .map_or_else(|_| v.clone(), |x| format!("{x:e}"))
            })
            .collect();
        if let Some(first) = rows.insert(normalised, id.clone()) {
            errors.push(texts.at(
                at(line, 1).as_ref(),
                format!("design line {line} repeats the values of point `{first}`"),
                "list each point once (use `replicates` to run a point several times)",
            ));
        }
        points.push(Point {
            sample_id: id,
            values,
        });
        origins.push(cells);
    }
    if points.is_empty() && errors.is_empty() {
        errors.push(texts.at(
            at(1, 1).as_ref(),
            "the design has no points".into(),
            "one line per point after the header",
        ));
    }
    (keys, points, origins)
}
