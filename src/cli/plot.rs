//! `polis plot`: charts and maps of a run, sweep or comparison folder.

use anyhow::Context;

use polis::Error;
use polis::output;

use super::Failure;
use super::args::{MapLayer, PlotArgs, PlotFormat};

/// `polis plot`: draws every chart (and a run's maps) in memory, then
/// writes them, so that bad input writes nothing.
pub(crate) fn plot(args: PlotArgs) -> Result<(), Failure> {
    let source = polis::plot::load(&args.dir).map_err(Error::from)?;
    let options = polis::plot::PlotOptions {
        format: match args.format {
            PlotFormat::Svg => polis::plot::Format::Svg,
            PlotFormat::Png => polis::plot::Format::Png,
        },
        maps: args
            .map
            .iter()
            .map(|m| match m {
                MapLayer::Residents => polis::plot::Layer::Residents,
                MapLayer::Jobs => polis::plot::Layer::Jobs,
                MapLayer::Rent => polis::plot::Layer::Rent,
                MapLayer::Commute => polis::plot::Layer::Commute,
            })
            .collect(),
        map_month: args.map_month,
    };
    let files = polis::plot::plot(&source, &options).map_err(Error::from)?;
    let out = args.out.unwrap_or_else(|| args.dir.join("plots"));
    std::fs::create_dir_all(&out)
        .with_context(|| format!("cannot create {}", out.display()))
        .map_err(|error| Failure { code: 1, error })?;
    for (name, bytes) in &files {
        let path = out.join(name);
        output::atomic_write(&path, bytes)?;
        if !args.quiet {
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}
