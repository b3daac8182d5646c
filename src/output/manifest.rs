//! `manifest.json`: one typed record of what a folder of output holds, for
//! a run, a sweep and a comparison alike. Every manifest has the same
//! common part (version, git commit, `kind`, overrides, seed, months,
//! threads, replicates, files and their checksums) and, by `kind`, what is
//! particular to it ([`Subject`]). The fields are listed in docs/OUTPUT.md;
//! names are stable, as `polis plot` and `polis report` read them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::experiment::SweepSpec;
use crate::scenario::{Event, Scenario};
use crate::step::Simulation;

/// Everything needed to reproduce a run, a sweep or a comparison, and what
/// a run cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// polis version.
    pub polis_version: String,
    /// Git commit the binary was built from (`unknown` outside a checkout).
    pub git_commit: String,
    /// What the folder holds, written as `kind` (`run`, `sweep` or
    /// `compare`) and the fields particular to it.
    #[serde(flatten)]
    pub subject: Subject,
    /// The `key=value` overrides applied after the scenario files, in order,
    /// as given (a run's `--set`, then `--seed` and `--steps` as
    /// `simulation.seed=N` and `simulation.months=N`; a comparison's `--set`,
    /// applied to both scenarios; none for a sweep, whose points are in
    /// `sweep`).
    pub overrides: Vec<String>,
    /// Seed of a run; the base seed of a sweep's or a comparison's
    /// replicates.
    pub seed: u64,
    /// Months simulated (by each run).
    pub months: u32,
    /// Worker threads of a run; runs at a time of a comparison. A sweep,
    /// whose shards may run with different `--jobs`, records none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// Replicates of a sweep or a comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicates: Option<u32>,
    /// The seed of each replicate, in order (sweeps and comparisons).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replicate_seeds: Vec<u64>,
    /// Files written, relative to the output folder.
    pub files: Vec<String>,
    /// Size and SHA-256 of each data file written (not of the manifest
    /// itself), so that a reader can tell that the folder's files are the
    /// ones this manifest describes.
    pub checksums: BTreeMap<String, FileSum>,
}

/// What a manifest describes, with the fields particular to each kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Subject {
    /// One run of one scenario (`polis run`).
    Run(Box<RunSubject>),
    /// A parameter sweep (`polis sweep`, `polis merge`).
    Sweep(Box<SweepSubject>),
    /// A paired comparison of two scenarios (`polis compare`).
    Compare(CompareSubject),
}

/// The kind of a manifest, as written in its `kind` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `run`.
    Run,
    /// `sweep`.
    Sweep,
    /// `compare`.
    Compare,
}

/// What a run's manifest records of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSubject {
    /// Scenario file, as given.
    pub scenario_path: String,
    /// Every file read: the scenario file first, then the files it
    /// `extends`, in order.
    pub scenario_files: Vec<String>,
    /// The resolved scenario (every parameter, defaults filled in), as at
    /// the start of the run.
    pub scenario: Scenario,
    /// The scenario's dated policy changes (also inside `scenario`), listed
    /// here for readers of the manifest.
    pub events: Vec<Event>,
    /// Wall time of the whole run, seconds.
    pub wall_seconds: f64,
    /// Time spent building the city, seconds.
    pub setup_seconds: f64,
    /// Time per phase, seconds, in phase order.
    pub phase_seconds: Vec<(String, f64)>,
    /// Agent counts.
    pub agents: AgentCounts,
    /// Bytes of state per resident.
    pub bytes_per_resident: usize,
}

/// What a sweep's manifest records of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSubject {
    /// The sweep file, as read.
    pub sweep: SweepSpec,
    /// The base scenario file.
    pub base_scenario: String,
    /// The varied parameters, in column order.
    pub parameters: Vec<String>,
    /// Parameter points.
    pub points: usize,
    /// Runs (points x replicates).
    pub runs: usize,
    /// Runs that failed.
    pub failed_runs: usize,
    /// Months averaged by `summary.csv`'s `window_*` columns, inclusive.
    pub summary_window: [u32; 2],
}

/// What a comparison's manifest records of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareSubject {
    /// Scenario A, as given.
    pub scenario_a: String,
    /// Scenario B, as given.
    pub scenario_b: String,
    /// Every file read for A.
    pub scenario_a_files: Vec<String>,
    /// Every file read for B.
    pub scenario_b_files: Vec<String>,
    /// Months averaged, inclusive.
    pub window: [u32; 2],
}

/// What a manifest records of a file it vouches for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    /// Size, bytes.
    pub bytes: u64,
    /// SHA-256, 64 lowercase hex digits.
    pub sha256: String,
}

impl FileSum {
    /// The size and checksum of `bytes`.
    pub fn of(bytes: &[u8]) -> FileSum {
        FileSum {
            bytes: bytes.len() as u64,
            sha256: crate::input::sha256_hex(bytes),
        }
    }
}

/// A writer that also sums what goes through it, for the [`FileSum`] of
/// a file written as a stream.
#[derive(Debug)]
pub struct Summing<W> {
    /// Where the bytes go.
    pub inner: W,
    hasher: sha2::Sha256,
    bytes: u64,
}

impl<W> Summing<W> {
    /// Sums what is written to `inner`.
    pub fn new(inner: W) -> Summing<W> {
        Summing {
            inner,
            hasher: sha2::Digest::new(),
            bytes: 0,
        }
    }

    /// The size and SHA-256 of what was written so far.
    pub fn sum(&self) -> FileSum {
        let digest = sha2::Digest::finalize(self.hasher.clone());
        FileSum {
            bytes: self.bytes,
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
}

impl<W: std::io::Write> std::io::Write for Summing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        sha2::Digest::update(&mut self.hasher, &buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Agent counts at the start and end of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentCounts {
    /// Residents.
    pub residents: usize,
    /// Zones.
    pub zones: usize,
    /// Firms at set-up.
    pub firms_start: usize,
    /// Firms at the end.
    pub firms_end: usize,
}

/// The git commit this binary was built from.
pub fn git_commit() -> &'static str {
    option_env!("POLIS_GIT_COMMIT").unwrap_or("unknown")
}

/// Paths as text, for a manifest.
pub fn path_texts(paths: &[PathBuf]) -> Vec<String> {
    paths.iter().map(|p| p.display().to_string()).collect()
}

impl Manifest {
    /// A manifest of this version of polis about `subject`; no files yet.
    pub fn new(subject: Subject, overrides: Vec<String>, seed: u64, months: u32) -> Manifest {
        Manifest {
            polis_version: env!("CARGO_PKG_VERSION").into(),
            git_commit: git_commit().into(),
            subject,
            overrides,
            seed,
            months,
            threads: None,
            replicates: None,
            replicate_seeds: Vec::new(),
            files: Vec::new(),
            checksums: BTreeMap::new(),
        }
    }

    /// The manifest of a finished run of `scenario` (as it was at the start:
    /// events change the simulation's own copy), read from `path` and
    /// `files` with `overrides`, that `sim` simulated on `threads` threads in
    /// `wall_seconds`. Its files are filled in when they are written
    /// ([`crate::output::write_run`]).
    pub fn of_run(
        path: &Path,
        files: &[PathBuf],
        overrides: Vec<String>,
        scenario: &Scenario,
        sim: &Simulation,
        threads: usize,
        wall_seconds: f64,
    ) -> Manifest {
        let world = sim.world();
        let subject = RunSubject {
            scenario_path: path.display().to_string(),
            scenario_files: path_texts(files),
            scenario: scenario.clone(),
            events: scenario.events.clone(),
            wall_seconds,
            setup_seconds: sim.timings().setup,
            phase_seconds: sim
                .timings()
                .table()
                .into_iter()
                .map(|(n, s)| (n.to_string(), s))
                .collect(),
            agents: AgentCounts {
                residents: world.residents.len(),
                zones: world.city.len(),
                firms_start: scenario.firms_at_setup(),
                firms_end: world.firms.len(),
            },
            bytes_per_resident: world.residents.bytes_per_resident(),
        };
        Manifest {
            threads: Some(threads),
            ..Manifest::new(
                Subject::Run(Box::new(subject)),
                overrides,
                scenario.simulation.seed,
                scenario.simulation.months,
            )
        }
    }

    /// What the manifest describes.
    pub fn kind(&self) -> Kind {
        match self.subject {
            Subject::Run(_) => Kind::Run,
            Subject::Sweep(_) => Kind::Sweep,
            Subject::Compare(_) => Kind::Compare,
        }
    }

    /// Records the files written (`names`, in order) and the checksums of
    /// the data files among them (`data`: name and bytes).
    pub fn set_files(&mut self, names: &[&str], data: &[(&str, FileSum)]) {
        self.files = names.iter().map(|f| f.to_string()).collect();
        self.checksums = data
            .iter()
            .map(|(name, sum)| (name.to_string(), sum.clone()))
            .collect();
    }

    /// The manifest as pretty-printed JSON.
    pub fn to_json(&self) -> Result<Vec<u8>, crate::error::Error> {
        serde_json::to_vec_pretty(self).map_err(|e| crate::error::Error::Io {
            path: "manifest.json".into(),
            source: std::io::Error::other(e),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_writes_its_kind_and_reads_back() {
        let text = "[simulation]\nresidents = 1000\nmonths = 2\nseed = 9\n";
        let scenario = Scenario::from_toml(text, Path::new("t.toml")).expect("valid");
        let sim = crate::run::run(scenario.clone().check().expect("valid"), &mut ()).expect("runs");
        let mut run = Manifest::of_run(
            Path::new("t.toml"),
            &[PathBuf::from("t.toml")],
            vec!["simulation.seed=9".into()],
            &scenario,
            &sim,
            3,
            0.5,
        );
        if let Subject::Run(r) = &mut run.subject {
            // Timings of this machine, replaced by figures that print exactly.
            r.setup_seconds = 0.25;
            for (_, s) in &mut r.phase_seconds {
                *s = 0.125;
            }
        }
        run.set_files(&["a.csv", "manifest.json"], &[("a.csv", FileSum::of(b"x"))]);
        let compare = Manifest {
            replicates: Some(2),
            replicate_seeds: vec![4, 5],
            ..Manifest::new(
                Subject::Compare(CompareSubject {
                    scenario_a: "a.toml".into(),
                    scenario_b: "b.toml".into(),
                    scenario_a_files: vec!["a.toml".into()],
                    scenario_b_files: vec!["b.toml".into()],
                    window: [1, 2],
                }),
                vec![],
                1,
                2,
            )
        };
        for (manifest, kind, name) in [
            (&run, Kind::Run, "run"),
            (&compare, Kind::Compare, "compare"),
        ] {
            assert_eq!(manifest.kind(), kind);
            let json: serde_json::Value =
                serde_json::from_slice(&manifest.to_json().unwrap()).unwrap();
            assert_eq!(json["kind"], name);
            assert_eq!(json["polis_version"], env!("CARGO_PKG_VERSION"));
            let back: Manifest = serde_json::from_value(json).expect("reads back");
            assert_eq!(&back, manifest);
        }
        let json: serde_json::Value = serde_json::from_slice(&run.to_json().unwrap()).unwrap();
        assert_eq!(json["seed"], 9);
        assert_eq!(json["months"], 2);
        assert_eq!(json["threads"], 3);
        assert_eq!(json["scenario"]["simulation"]["residents"], 1000);
        assert!(json.get("replicates").is_none());
        assert_eq!(json["checksums"]["a.csv"]["bytes"], 1);
    }

    #[test]
    fn a_summing_writer_sums_what_it_wrote() {
        use std::io::Write;
        let mut w = Summing::new(Vec::new());
        w.write_all(b"month,").unwrap();
        w.write_all(b"x\n").unwrap();
        assert_eq!(w.sum(), FileSum::of(b"month,x\n"));
        assert_eq!(w.inner, b"month,x\n");
    }
}
