//! The `polis` command line: parses arguments, calls the library, renders
//! errors and picks the exit code (0 ok, 1 failure while running, 2 bad input).
//! The commands are in `cli/`, one module each.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command};

/// A closed pipe (`polis params | head`) ends the program quietly, as it ends
/// any standard Unix tool, rather than in a panic from `println!`. Output
/// files are written whole or not at all either way.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: sets the default action for SIGPIPE at start-up, before any
    // other thread exists; no handler code runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Run(args) => cli::run::run(args),
        Command::Check(args) => cli::check::check(args),
        Command::Params { markdown } => cli::params::params(markdown),
        Command::Schema => cli::params::schema(),
        Command::Init { name } => cli::params::init(&name),
        Command::Sweep(args) => cli::sweep::sweep(args),
        Command::Merge(args) => cli::merge::merge(args),
        Command::Compare(args) => cli::compare::compare(args),
        Command::Plot(args) => cli::plot::plot(args),
        Command::Report(args) => cli::report::report(args),
        Command::Validate(args) => cli::validate::validate(args),
        Command::Bench(args) => cli::bench::bench(args),
        Command::BenchOne(args) => cli::bench::bench_one(args),
        Command::BenchStep(args) => cli::bench::bench_step(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if f.code == 2 {
                eprintln!("{}", f.error);
            } else {
                eprintln!("error: {:#}", f.error);
            }
            ExitCode::from(f.code)
        }
    }
}
