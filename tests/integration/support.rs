//! Running the `polis` binary in tests, and small file helpers, shared by
//! the command-line test modules.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a finished `polis` process left behind.
pub struct Outcome {
    /// The arguments, joined for messages.
    pub args: String,
    /// Exit code (None if killed by a signal).
    pub code: Option<i32>,
    /// Everything printed on stdout.
    pub stdout: String,
    /// Everything printed on stderr.
    pub stderr: String,
}

impl Outcome {
    /// The command, its exit code and its output, for assertion messages.
    pub fn describe(&self) -> String {
        format!(
            "`polis {}` exited with {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args, self.code, self.stdout, self.stderr
        )
    }

    /// The exit code is `code`, and nothing panicked.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "polis panicked:\n{}",
            self.describe()
        );
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}:\n{}",
            self.describe()
        );
        self
    }

    /// Exit code 2 (bad input), explained on stderr, and no panic.
    pub fn assert_bad_input(&self) -> &Self {
        self.assert_code(2);
        assert!(
            !self.stderr.trim().is_empty(),
            "bad input should be explained on stderr:\n{}",
            self.describe()
        );
        self
    }

    /// stdout contains `needle`.
    pub fn assert_stdout_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout should contain {needle:?}:\n{}",
            self.describe()
        );
        self
    }

    /// stderr contains `needle`.
    pub fn assert_stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr should contain {needle:?}:\n{}",
            self.describe()
        );
        self
    }
}

/// The `polis` binary with `args`, with no Slurm array variables inherited
/// (a test run inside a job array must not turn every sweep into a shard),
/// and the arguments joined for messages.
pub fn command<I, S>(args: I) -> (Command, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<_> = args
        .into_iter()
        .map(|a| a.as_ref().to_os_string())
        .collect();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_polis"));
    cmd.args(&args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("SLURM_ARRAY_TASK_COUNT")
        .env_remove("SLURM_ARRAY_TASK_MIN");
    let text = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    (cmd, text)
}

/// Runs a prepared command to the end.
pub fn finish(mut cmd: Command, args: String) -> Outcome {
    let output = cmd.output().expect("cannot start the polis binary");
    Outcome {
        args,
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `polis ARGS` in the crate root.
pub fn polis<I, S>(args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    polis_in(None, args)
}

/// Runs `polis ARGS` in folder `dir` (the crate root if `None`).
pub fn polis_in<I, S>(dir: Option<&Path>, args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let (mut cmd, text) = command(args);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    finish(cmd, text)
}

/// Writes `text` to `dir/name`.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path
}
