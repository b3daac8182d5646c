//! Reading a scenario file and the files it `extends`, and checking each
//! file on its own before they are merged.

use std::path::{Path, PathBuf};

use toml::de::DeTable;

use super::diagnose::{serde_error, syntax_error};
use super::places::{Place, Places, record};
use crate::scenario::{Scenario, ScenarioError};

/// Most files an `extends` chain may have.
const MAX_CHAIN: usize = 32;

/// Reads the file and every file it extends; returns their source indices,
/// the named file first. A cycle or an unreadable file is an error placed at
/// the `extends` that leads to it.
pub(super) fn read_chain(
    path: &Path,
    places: &mut Places,
) -> Result<Vec<usize>, Vec<ScenarioError>> {
    let mut chain: Vec<usize> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut next = path.to_path_buf();
    let mut via: Option<Place> = None;
    loop {
        let text = match crate::input::read_capped_text(&next, crate::input::TOML_CAP) {
            Ok(t) => t,
            Err(e) => {
                let message = format!("the scenario file {e}");
                let hint = match e {
                    crate::input::ReadError::Io { .. } => {
                        "check the path (an `extends` path is relative to the file that names it)"
                            .to_string()
                    }
                    _ => e.hint().to_string(),
                };
                return Err(vec![match &via {
                    Some(place) => places.error_at(place, message, Some(hint)),
                    None => ScenarioError {
                        path: next,
                        location: None,
                        line_text: None,
                        message,
                        hint: Some(hint),
                    },
                }]);
            }
        };
        let canonical = std::fs::canonicalize(&next).unwrap_or_else(|_| next.clone());
        if let Some(first) = seen.iter().position(|p| *p == canonical) {
            let mut names: Vec<String> = chain[first..]
                .iter()
                .map(|&k| places.sources[k].name.display().to_string())
                .collect();
            names.push(next.display().to_string());
            let place = via.expect("a repeated file is reached through an extends");
            return Err(vec![places.error_at(
                &place,
                format!("`extends` makes a cycle: {}", names.join(" -> ")),
                Some("a scenario cannot extend itself, directly or through others".into()),
            )]);
        }
        if chain.len() >= MAX_CHAIN {
            return Err(vec![ScenarioError {
                path: path.to_path_buf(),
                location: None,
                line_text: None,
                message: format!("the `extends` chain is longer than {MAX_CHAIN} files"),
                hint: Some("flatten the chain".into()),
            }]);
        }
        let k = places.add_source(next.clone(), text);
        chain.push(k);
        seen.push(canonical);
        // Find `extends` (a syntax error is reported later, by check_file).
        let Ok(doc) = DeTable::parse(&places.sources[k].text) else {
            break;
        };
        let Some((_, value)) = doc
            .get_ref()
            .iter()
            .find(|(key, _)| key.get_ref() == "extends")
        else {
            break;
        };
        let place = Place {
            source: k,
            span: value.span(),
        };
        let Some(target) = value.get_ref().as_str() else {
            return Err(vec![places.error_at(
                &place,
                "`extends` must be a string: the path of another scenario".into(),
                Some("for example extends = \"baseline.toml\"".into()),
            )]);
        };
        let base = next.parent().unwrap_or(Path::new(""));
        next = base.join(target);
        via = Some(place);
    }
    Ok(chain)
}

/// Checks one file on its own (syntax, unknown keys, types), records the
/// places of its keys and values, and returns its table.
pub(super) fn check_file(places: &mut Places, k: usize) -> Result<toml::Table, Vec<ScenarioError>> {
    let text = places.sources[k].text.clone();
    let doc = match DeTable::parse(&text) {
        Ok(doc) => doc,
        Err(e) => return Err(vec![syntax_error(places, k, &e)]),
    };
    record(doc.get_ref(), "", k, places);
    let slips = crate::scenario::shape::check(doc.get_ref(), &text);
    if !slips.is_empty() {
        return Err(slips
            .into_iter()
            .map(|s| {
                let place = Place {
                    source: k,
                    span: s.span,
                };
                places.error_at(&place, s.message, Some(s.hint))
            })
            .collect());
    }
    // Serde reads what the walk above accepted; any complaint left is
    // still put into words and located.
    if let Err(e) = toml::from_str::<Scenario>(&text) {
        return Err(vec![serde_error(places, k, &e)]);
    }
    toml::from_str::<toml::Table>(&text).map_err(|e| vec![syntax_error(places, k, &e)])
}

#[cfg(test)]
mod tests {
    use crate::scenario::load::{load, write};

    #[test]
    fn extends_chain_merges_base_first() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", "[city]\nwidth = 7\nheight = 7\n");
        write(
            dir.path(),
            "b.toml",
            "extends = \"a.toml\"\n[city]\nwidth = 8\n",
        );
        let c = write(
            dir.path(),
            "c.toml",
            "extends = \"b.toml\"\n[simulation]\nresidents = 5000\n",
        );
        let loaded = load(&c, &[]).unwrap();
        assert_eq!(
            (loaded.scenario.city.width, loaded.scenario.city.height),
            (8, 7)
        );
        assert_eq!(loaded.scenario.simulation.residents, 5000);
        assert_eq!(loaded.files.len(), 3);
    }

    #[test]
    fn extends_cycle_names_the_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", "extends = \"b.toml\"\n");
        let b = write(dir.path(), "b.toml", "extends = \"a.toml\"\n");
        let err = load(&b, &[]).unwrap_err();
        let text = err[0].to_string();
        assert!(
            text.contains("cycle") && text.contains("a.toml") && text.contains("b.toml"),
            "{text}"
        );
        assert_eq!(err[0].location, Some((1, 11)), "{text}");
    }

    #[test]
    fn problems_in_a_base_point_into_the_base() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", "[city]\nzone_km = -3.0\n");
        let b = write(dir.path(), "b.toml", "extends = \"a.toml\"\n");
        let err = load(&b, &[]).unwrap_err();
        assert!(err[0].path.ends_with("a.toml"), "{}", err[0]);
        assert_eq!(err[0].location, Some((2, 11)), "{}", err[0]);
    }
}
