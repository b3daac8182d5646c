//! # polis: an agent-based simulator of a city's economy
//!
//! Residents, firms and platforms live in a grid of zones and evolve month by
//! month under a scenario file that sets the levers of the IMP / ILP / MEI
//! urban model. Every run writes time-series CSV.
//!
//! ## Agents and stores
//! - [`world::Residents`]: one worker per household: home, employer, wealth
//!   (integer cents), skill, founder aptitude, suppliers.
//! - [`world::Firms`]: sector, zone, owner, productivity, staff, wage offer,
//!   price, stock, cash (integer cents).
//! - [`world::City`]: zones with dwellings, rents and amenities; commute
//!   times with BPR congestion.
//! - [`world::Government`], [`world::Platforms`], [`world::Ledger`].
//!
//! ## One month ([`Simulation::step`])
//! The stages of [`step::PIPELINE`], in order: 1. events, 2. platform
//! adoption, 3. entrepreneurship, 4. firms plan, 5. labour market,
//! 6. production, 7. goods market, 8. incomes and exits, 9. housing and
//! congestion, 10. metrics row and ledger recount. Each phase gathers the
//! inputs of the behavioural rules in [`model`] (one pure function per
//! rule), calls them and applies the results. A [`Simulation`] runs only a
//! [`Checked`] scenario.
//!
//! [`run::run`] builds a city and runs a scenario's months, handing each to
//! a [`run::Observer`] (rows, zone snapshots, window sums, progress): runs,
//! sweeps, comparisons and benchmarks all use it.
//!
//! ## Determinism contract
//! The same scenario and seed give byte-identical output for any thread
//! count. Every random draw comes from a stream keyed by (seed, month, phase,
//! agent) ([`rng`]); conflicts (the last vacancy, the last dwelling, the last
//! unit of stock) are settled by sorted lotteries or proportional rationing,
//! never by thread order; every parallel sum over agents is an integer sum
//! (float sums run sequentially in a fixed order); no hash-map order reaches
//! the output.
//!
//! ## Stock-flow consistency
//! Money is integer cents. Each phase reports the net money it moved per
//! holder class ([`world::Holder`]) and the ledger checks it balances; each month the ledger
//! recounts every account ([`world::Ledger`]).
//!
//! ## Pictures
//! [`plot`] draws charts, maps and a report page from the files a run,
//! sweep or comparison wrote; the model does not depend on it.
//!
//! docs/ARCHITECTURE.md maps the layers and gives recipes for adding a
//! stage, a money holder, a column and a lever.
//!
//! The library does no process-level I/O: no printing, no argument parsing,
//! no exit. The `polis` binary does those.

#![warn(missing_docs)]

pub mod bench;
pub mod error;
pub mod experiment;
pub mod input;
pub mod metrics;
pub mod model;
pub mod output;
pub mod par;
pub mod plot;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod step;
pub mod validate;
pub mod world;

pub use error::Error;
pub use metrics::Row;
pub use scenario::{Checked, Scenario};
pub use step::Simulation;
pub use world::World;
