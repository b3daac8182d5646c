//! `polis check`: a scenario, checked and fully resolved.

use super::args::CheckArgs;
use super::{Failure, load};

/// `polis check`: loads and validates, then prints the resolved scenario.
pub(crate) fn check(args: CheckArgs) -> Result<(), Failure> {
    let loaded = load(&args.scenario, &args.set, &[])?;
    let text = toml::to_string_pretty(&loaded.scenario).map_err(|e| Failure {
        code: 1,
        error: anyhow::Error::new(e).context("writing the resolved scenario as TOML"),
    })?;
    let files: Vec<String> = loaded
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let mut out = format!("# resolved from {}\n", files.join(", "));
    if !loaded.overrides.is_empty() {
        out.push_str(&format!("# overrides: {}\n", loaded.overrides.join(", ")));
    }
    out.push('\n');
    out.push_str(&text);
    print!("{out}");
    Ok(())
}
