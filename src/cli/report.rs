//! `polis report`: the report page of a run, sweep or comparison folder.

use polis::Error;
use polis::output;

use super::Failure;
use super::args::ReportArgs;

/// `polis report`: writes DIR/report.html.
pub(crate) fn report(args: ReportArgs) -> Result<(), Failure> {
    let source = polis::plot::load(&args.dir).map_err(Error::from)?;
    let html = polis::plot::report::report(&source).map_err(Error::from)?;
    let path = args.dir.join("report.html");
    output::atomic_write(&path, html.as_bytes())?;
    if !args.quiet {
        println!("wrote {}", path.display());
    }
    Ok(())
}
