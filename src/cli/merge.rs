//! `polis merge`: a sweep folder's parts joined into its tables.

use polis::experiment;

use super::Failure;
use super::args::MergeArgs;

/// `polis merge`: joins a sweep folder's parts into its tables.
pub(crate) fn merge(args: MergeArgs) -> Result<(), Failure> {
    let report = experiment::merge(&args.dir)?;
    report_merge(&report, &args.dir, args.quiet);
    Ok(())
}

pub(crate) fn report_merge(report: &experiment::MergeReport, dir: &std::path::Path, quiet: bool) {
    if report.failed > 0 {
        eprintln!(
            "warning: {} of {} runs failed; runs.csv lists them (status, message) and the tables leave them out",
            report.failed, report.runs
        );
    }
    if !quiet {
        println!(
            "merged {} runs ({} failed) in {}",
            report.runs,
            report.failed,
            dir.display()
        );
        for p in &report.files {
            println!("wrote {}", p.display());
        }
    }
}
