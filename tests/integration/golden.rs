//! Golden outputs: digests of every data file (`timeseries.csv`,
//! `zones.csv`, `firms.csv`, `exits.csv`, `residents.csv`) of every shipped
//! scenario at a small size, held in `tests/golden/digests.txt`.
//!
//! Any change of output fails this test. An intended change re-blesses the
//! digests with one command, and its commit says why:
//!
//! ```text
//! POLIS_BLESS=1 cargo test --release golden
//! ```

use std::path::Path;

use sha2::{Digest, Sha256};

use super::repo_path;
use super::support::polis;

/// Residents of each golden run: small enough for seconds, large enough for
/// every sector, zone type and lever to act.
const RESIDENTS: u32 = 5_000;
/// Months of each golden run (`--steps`): up to the shipped events of month
/// 36 (`capacity-cut.toml`; `second-tier-city.toml`'s of month 60 do not fire).
const MONTHS: u32 = 36;
/// The shipped scenarios held, each run at `RESIDENTS` and `MONTHS`.
const SCENARIOS: [&str; 8] = [
    "baseline",
    "capacity-cut",
    "commute-reduction",
    "imp-ilp-mei",
    "labour-only",
    "megacity",
    "second-tier-city",
    "startup-threshold",
];
/// The files whose digests are held.
const FILES: [&str; 5] = [
    "timeseries.csv",
    "zones.csv",
    "firms.csv",
    "exits.csv",
    "residents.csv",
];

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The digest lines of a fresh run of every golden scenario.
fn digests(dir: &Path) -> String {
    let mut lines = String::new();
    for name in SCENARIOS {
        let out = dir.join(name);
        polis([
            "run",
            &format!("scenarios/{name}.toml"),
            "--set",
            &format!("simulation.residents={RESIDENTS}"),
            "--steps",
            &MONTHS.to_string(),
            "--threads",
            "2",
            "--quiet",
            "--out",
            out.to_str().expect("a UTF-8 temporary path"),
        ])
        .assert_code(0);
        for file in FILES {
            // A file the scenario's `[output]` turns off is held as absent.
            let digest = match std::fs::read(out.join(file)) {
                Ok(bytes) => sha256(&bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => "absent".into(),
                Err(e) => panic!("{name}: cannot read {file}: {e}"),
            };
            lines.push_str(&format!("{name} {file} {digest}\n"));
        }
    }
    lines
}

#[test]
fn shipped_scenarios_give_their_golden_outputs() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let fresh = digests(tmp.path());
    let held_path = repo_path("tests/golden/digests.txt");
    let header = format!(
        "# sha256 of the outputs of each shipped scenario at {RESIDENTS} residents, \
         {MONTHS} months, 2 threads.\n\
         # Re-bless after an intended change of output: POLIS_BLESS=1 cargo test --release golden\n"
    );
    if std::env::var_os("POLIS_BLESS").is_some() {
        std::fs::write(&held_path, format!("{header}{fresh}"))
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", held_path.display()));
        return;
    }
    let held = std::fs::read_to_string(&held_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", held_path.display()));
    let held: String = held
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let changed: Vec<String> = fresh
        .lines()
        .zip(held.lines())
        .filter(|(f, h)| f != h)
        .map(|(f, _)| {
            let mut words = f.split(' ');
            format!(
                "{} {}",
                words.next().unwrap_or(""),
                words.next().unwrap_or("")
            )
        })
        .collect();
    assert!(
        fresh == held,
        "outputs changed from the golden digests: {changed:?}\n\
         If the change is intended, re-bless with `POLIS_BLESS=1 cargo test --release golden` \
         and say why in the commit."
    );
}
