//! Reading the files a person hands polis, with a cap on their size.
//!
//! A scenario, a sweep file, a design CSV or a manifest is read whole before
//! it is parsed, so an unbounded read (`polis run /dev/zero`, a manifest of a
//! gigabyte) would grow memory until the machine gives out. Every such read
//! goes through [`read_capped`], which refuses a regular file larger than its
//! cap before reading a byte of it, and stops reading a stream (a pipe, a
//! device) one byte past the cap. The caps are far above any real file:
//!
//! | What | Cap | The largest shipped or written |
//! |---|---|---|
//! | scenario and sweep files (TOML) | [`TOML_CAP`], 4 MiB | a few KB |
//! | design CSV of a sweep | [`DESIGN_CAP`], 64 MiB | 100,000 points of 20 parameters is about 20 MB |
//! | manifests and plans (JSON) | [`JSON_CAP`], 64 MiB | a sweep of 10,000 runs writes a plan of about 2 MB |
//! | tables that `plot` and `report` read whole (`zones.csv`, `runs.csv`, `compare.csv`) | [`TABLE_CAP`], 1 GiB | the megacity's `zones.csv` is about 7 MB |
//!
//! Output tables that can be long (a sweep's `timeseries.csv`) are read a
//! row at a time instead, and have no cap.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest scenario or sweep file (TOML) read, in bytes.
pub const TOML_CAP: u64 = 4 << 20;

/// Largest design CSV read, in bytes.
pub const DESIGN_CAP: u64 = 64 << 20;

/// Largest manifest, plan or other JSON file read, in bytes.
pub const JSON_CAP: u64 = 64 << 20;

/// Largest table read whole by `polis plot` or `polis report`, in bytes.
pub const TABLE_CAP: u64 = 1 << 30;

/// Why a capped read failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// The file is larger than the cap (for a stream: it went on past it).
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap, bytes.
        cap: u64,
        /// The file's size when it is known (a regular file), bytes.
        size: Option<u64>,
    },
    /// The file is not UTF-8 text (only from [`read_capped_text`]).
    NotText {
        /// The file.
        path: PathBuf,
        /// Offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// The file could not be opened or read.
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

impl ReadError {
    /// The message without the path: what is wrong with the file.
    pub fn what(&self) -> String {
        match self {
            ReadError::TooLarge { cap, size, .. } => match size {
                Some(size) => format!(
                    "is {}, larger than the {} polis reads from such a file",
                    bytes(*size),
                    bytes(*cap)
                ),
                None => format!(
                    "goes on past the {} polis reads from such a file",
                    bytes(*cap)
                ),
            },
            ReadError::NotText { offset, .. } => {
                format!("is not UTF-8 text (byte {offset} is not)")
            }
            ReadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                "does not exist".to_string()
            }
            ReadError::Io { source, .. } => format!("cannot be read: {source}"),
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            ReadError::TooLarge { .. } => {
                "check that this is the file you meant: polis's own files are far smaller"
            }
            ReadError::NotText { .. } => "save the file as UTF-8 text",
            ReadError::Io { .. } => "check the path",
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::TooLarge { path, .. }
            | ReadError::NotText { path, .. }
            | ReadError::Io { path, .. } => path,
        }
    }

    /// True when the file does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.path().display(), self.what())
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Reads `path` whole if it holds at most `cap` bytes. A regular file larger
/// than `cap` is refused from its size, before any of it is read; a stream is
/// read until it ends or passes `cap`.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a folder, not a file",
        )));
    }
    if meta.is_file() && meta.len() > cap {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            cap,
            size: Some(meta.len()),
        });
    }
    let mut bytes = Vec::with_capacity(if meta.is_file() {
        meta.len() as usize
    } else {
        0
    });
    file.take(cap + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            cap,
            size: meta.is_file().then_some(bytes.len() as u64),
        });
    }
    Ok(bytes)
}

/// [`read_capped`], as UTF-8 text.
pub fn read_capped_text(path: &Path, cap: u64) -> Result<String, ReadError> {
    let bytes = read_capped(path, cap)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotText {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// The SHA-256 of `bytes`, as 64 lowercase hex digits: what a manifest or a
/// sweep's part records of a file it vouches for, so that a truncated or
/// mismatched file is found before it is trusted.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A byte count in words: `512 bytes`, `4 MiB`, `1.5 GiB`.
pub fn bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    let x = n as f64;
    if x < KIB {
        format!("{n} bytes")
    } else if x < KIB * KIB {
        trim(x / KIB, "KiB")
    } else if x < KIB * KIB * KIB {
        trim(x / (KIB * KIB), "MiB")
    } else {
        trim(x / (KIB * KIB * KIB), "GiB")
    }
}

fn trim(x: f64, unit: &str) -> String {
    let text = format!("{x:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_regular_file_is_refused_from_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        let file = std::fs::File::create(&path).unwrap();
        // A sparse file of 1 GiB: refused without reading it.
        file.set_len(1 << 30).unwrap();
        let err = read_capped(&path, TOML_CAP).unwrap_err();
        assert!(
            matches!(err, ReadError::TooLarge { size: Some(s), .. } if s == 1 << 30),
            "{err}"
        );
        assert!(err.to_string().contains("1 GiB"), "{err}");
        assert!(err.to_string().contains("4 MiB"), "{err}");
    }

    #[test]
    fn an_endless_stream_stops_one_byte_past_the_cap() {
        let err = read_capped(Path::new("/dev/zero"), 1000).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::TooLarge {
                    size: None,
                    cap: 1000,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("goes on past"), "{err}");
    }

    #[test]
    fn files_up_to_the_cap_are_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "a = 1\n").unwrap();
        assert_eq!(read_capped_text(&path, 6).unwrap(), "a = 1\n");
        assert!(matches!(
            read_capped_text(&path, 5),
            Err(ReadError::TooLarge { .. })
        ));
        std::fs::write(&path, b"a = \xff\n").unwrap();
        assert!(matches!(
            read_capped_text(&path, 100),
            Err(ReadError::NotText { offset: 4, .. })
        ));
        assert!(read_capped(dir.path(), 100).is_err(), "a folder is refused");
        assert!(
            read_capped(&dir.path().join("none"), 100)
                .unwrap_err()
                .is_not_found()
        );
    }

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn byte_counts_read_in_binary_units() {
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(4 << 20), "4 MiB");
        assert_eq!(bytes(3 << 29), "1.5 GiB");
    }
}
