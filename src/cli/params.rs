//! `polis params`, `polis schema` and `polis init`: what a scenario may
//! say, and a scenario to start from.

use std::io::Write;
use std::path::PathBuf;

use polis::scenario::render;

use super::Failure;

/// `polis params`: every scenario key, as text or Markdown tables.
pub(crate) fn params(markdown: bool) -> Result<(), Failure> {
    if markdown {
        print!("{}", render::params_markdown());
    } else {
        print!("{}", render::params_text());
    }
    Ok(())
}

/// `polis schema`: the JSON Schema of scenario files.
pub(crate) fn schema() -> Result<(), Failure> {
    println!(
        "{}",
        serde_json::to_string_pretty(&render::json_schema()).expect("a JSON value serializes")
    );
    Ok(())
}

/// `polis init`: writes a starter scenario, never over an existing file.
pub(crate) fn init(name: &str) -> Result<(), Failure> {
    let path = if name.ends_with(".toml") {
        PathBuf::from(name)
    } else {
        PathBuf::from(format!("{name}.toml"))
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty() && !s.starts_with('.'));
    let Some(stem) = stem else {
        return Err(Failure::bad_input(
            format!("`{name}` is not a scenario name"),
            "give a name such as `polis init mycity`",
        ));
    };
    let text = render::starter(&stem);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Failure::bad_input(
                format!(
                    "{} already exists; polis init does not overwrite files",
                    path.display()
                ),
                "choose another name, or remove the file first",
            ));
        }
        Err(e) => {
            return Err(Failure {
                code: 1,
                error: anyhow::Error::new(e).context(format!("cannot create {}", path.display())),
            });
        }
    };
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Failure {
            code: 1,
            error: anyhow::Error::new(e).context(format!("cannot write {}", path.display())),
        })?;
    println!("wrote {}", path.display());
    if !path.is_absolute() && path.components().count() == 1 {
        println!("run it with: polis run {}", path.display());
    }
    Ok(())
}
