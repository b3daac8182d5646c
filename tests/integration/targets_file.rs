//! The shipped targets file, `validation/first-tier-china.toml`: it loads,
//! gives every measure of `polis validate` a band with a source, and a
//! copy with a misspelt measure is refused at its file, line and column.

use polis::validate::measures::NAMES;
use polis::validate::targets;

use super::support::write;
use crate::repo_path;

/// The shipped targets file, relative to the crate root.
const SHIPPED: &str = "validation/first-tier-china.toml";

#[test]
fn the_shipped_targets_give_every_measure_a_band_and_a_source() {
    let path = repo_path(SHIPPED);
    let t = targets::load(&path, NAMES).unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        panic!("{} is refused:\n{}", path.display(), text.join("\n"))
    });
    assert!(
        t.name.as_deref().is_some_and(|n| !n.trim().is_empty()),
        "{SHIPPED} should have a name"
    );
    let missing: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|n| !t.bands.contains_key(*n))
        .collect();
    assert!(missing.is_empty(), "{SHIPPED} has no band for {missing:?}");
    for name in NAMES {
        let band = &t.bands[*name];
        assert!(
            band.low.is_finite() && band.high.is_finite() && band.low <= band.high,
            "{name}: band {} to {}",
            band.low,
            band.high
        );
        assert!(!band.source.trim().is_empty(), "{name}: empty source");
    }
}

#[test]
fn the_readme_lists_every_measure_of_the_shipped_targets() {
    let path = repo_path("validation/README.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let missing: Vec<&str> = NAMES
        .iter()
        .copied()
        .filter(|n| !text.contains(&format!("| `{n}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "validation/README.md has no table row for {missing:?}"
    );
}

#[test]
fn a_misspelt_measure_is_refused_at_its_file_line_and_column() {
    let text = std::fs::read_to_string(repo_path(SHIPPED)).expect("the shipped targets");
    let (right, wrong) = ("[unemployment_mean]", "[unemployment_maen]");
    let line = text
        .lines()
        .position(|l| l == right)
        .unwrap_or_else(|| panic!("{SHIPPED} has no {right} line"))
        + 1;
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let copy = write(tmp.path(), "misspelt.toml", &text.replacen(right, wrong, 1));
    let errors = targets::load(&copy, NAMES).expect_err("a misspelt measure is refused");
    assert_eq!(errors.len(), 1, "one mistake, one error: {errors:?}");
    let e = &errors[0];
    assert_eq!(e.path, copy);
    assert_eq!(e.location, Some((line, 2)), "{e}");
    assert_eq!(e.line_text.as_deref(), Some(wrong));
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!(
            "{}:{line}:2: unknown measure `unemployment_maen`",
            copy.display()
        )),
        "{shown}"
    );
    assert!(
        shown.contains("did you mean `unemployment_mean`?"),
        "{shown}"
    );
}
