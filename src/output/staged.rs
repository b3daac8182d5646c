//! A file too large to hold in memory, written as a stream while a run goes
//! on, and put in place only when the run's other files are: it grows under
//! the temporary name [`super::atomic_write`] uses (`.NAME.tmp-PID`, which
//! [`super::remove_stale_temporaries`] clears if the process is killed),
//! and [`Staged::commit`] renames it over its final name. Dropped without a
//! commit (the run failed), it is removed: a run writes its files whole or
//! not at all.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::output::manifest::{FileSum, Summing};

/// A file being written under its temporary name.
#[derive(Debug)]
pub struct Staged {
    /// The name it takes when committed.
    path: PathBuf,
    /// Where it is written meanwhile.
    tmp: PathBuf,
    /// The open file, its size and checksum summed as it is written; `None`
    /// once committed.
    out: Option<BufWriter<Summing<File>>>,
}

impl Staged {
    /// Starts the file that will be `path` (its folder must exist).
    pub fn create(path: &Path) -> Result<Staged, Error> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(super::temporary_name(&name, std::process::id()));
        let file = File::create(&tmp).map_err(|source| Error::Io {
            path: tmp.display().to_string(),
            source,
        })?;
        Ok(Staged {
            path: path.to_path_buf(),
            tmp,
            out: Some(BufWriter::with_capacity(1 << 20, Summing::new(file))),
        })
    }

    /// The name the file takes when committed.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the file to disk and returns its size and SHA-256; it keeps
    /// its temporary name until [`Staged::commit`].
    pub fn finish(&mut self) -> Result<FileSum, Error> {
        let io = |source| Error::Io {
            path: self.tmp.display().to_string(),
            source,
        };
        let out = self.out.as_mut().ok_or_else(|| {
            io(std::io::Error::other(
                "the file was already put in place".to_string(),
            ))
        })?;
        out.flush().map_err(io)?;
        out.get_ref().inner.sync_all().map_err(io)?;
        Ok(out.get_ref().sum())
    }

    /// Renames the finished file over its final name.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        self.finish()?;
        drop(self.out.take());
        std::fs::rename(&self.tmp, &self.path).map_err(|source| Error::Io {
            path: self.path.display().to_string(),
            source,
        })?;
        Ok(self.path.clone())
    }
}

impl Write for Staged {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.out {
            Some(out) => out.write(buf),
            None => Err(std::io::Error::other("the file was already put in place")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.out {
            Some(out) => out.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committed_file_appears_whole_and_a_dropped_one_leaves_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("firms.csv");
        let mut staged = Staged::create(&path).expect("created");
        staged.write_all(b"a,b\n1,2\n").expect("written");
        assert!(!path.exists(), "not in place before the commit");
        let sum = staged.finish().expect("finished");
        assert_eq!(sum, FileSum::of(b"a,b\n1,2\n"));
        staged.commit().expect("committed");
        assert_eq!(std::fs::read(&path).expect("read"), b"a,b\n1,2\n");

        let other = dir.path().join("exits.csv");
        let mut staged = Staged::create(&other).expect("created");
        staged.write_all(b"half a fi").expect("written");
        drop(staged);
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("firms.csv")]);
    }
}
