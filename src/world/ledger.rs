//! Stock-flow consistency. Each phase that moves money reports the net change
//! of every holder class as [`Flows`]; the ledger checks that the changes add
//! up to the recorded flows across the city's boundary (none in the core), and
//! once a month it recounts every account and checks that each class holds
//! what the phases said it would. A violation is an error naming the month and
//! the phase (or, for a recount, the class of holder that drifted).

use crate::error::{Error, LedgerViolation};
use crate::rng::Phase;

/// Net money moved by one phase, cents, by holder class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flows {
    /// Change of residents' total wealth.
    pub residents: i64,
    /// Change of firms' total cash.
    pub firms: i64,
    /// Change of the government's balance.
    pub government: i64,
    /// Change of platforms' cash.
    pub platforms: i64,
    /// Money paid in from outside the city (positive) or out of it (negative).
    pub external: i64,
}

impl Flows {
    /// Adds another phase's flows.
    pub fn add(&mut self, o: Flows) {
        self.residents += o.residents;
        self.firms += o.firms;
        self.government += o.government;
        self.platforms += o.platforms;
        self.external += o.external;
    }

    fn internal_sum(&self) -> i64 {
        self.residents + self.firms + self.government + self.platforms
    }
}

/// Account totals at the start of the month and the flows recorded since.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Totals by class at the last recount: residents, firms, government, platforms.
    pub opening: [i64; 4],
    /// Flows recorded since the last recount.
    pub month_flows: Flows,
    /// All money paid in from outside since set-up, cents.
    pub external_in: i64,
    /// All money paid out of the city since set-up, cents.
    pub external_out: i64,
}

impl Ledger {
    /// Starts the books from the set-up totals.
    pub fn open(totals: [i64; 4]) -> Self {
        Self {
            opening: totals,
            ..Self::default()
        }
    }

    /// Records one phase's flows; fails if they do not balance.
    pub fn record(&mut self, month: u32, phase: Phase, flows: Flows) -> Result<(), Error> {
        if flows.internal_sum() != flows.external {
            return Err(Error::Ledger(LedgerViolation {
                month,
                phase: format!("{phase:?}"),
                detail: format!(
                    "the phase moved {} cents inside the city but recorded {} cents across its boundary ({flows:?})",
                    flows.internal_sum(),
                    flows.external
                ),
            }));
        }
        if flows.external >= 0 {
            self.external_in += flows.external;
        } else {
            self.external_out -= flows.external;
        }
        self.month_flows.add(flows);
        Ok(())
    }

    /// Recounts the accounts at the end of a month; fails if any class holds
    /// other than its opening balance plus its recorded flows.
    pub fn close_month(&mut self, month: u32, totals: [i64; 4]) -> Result<(), Error> {
        let f = self.month_flows;
        let expected = [
            self.opening[0] + f.residents,
            self.opening[1] + f.firms,
            self.opening[2] + f.government,
            self.opening[3] + f.platforms,
        ];
        let names = [
            "residents' wealth",
            "firms' cash",
            "government balance",
            "platforms' cash",
        ];
        for k in 0..4 {
            if totals[k] != expected[k] {
                return Err(Error::Ledger(LedgerViolation {
                    month,
                    phase: "month-end recount".into(),
                    detail: format!(
                        "{} is {} cents but the phases recorded {} cents (a change of {} cents went unrecorded)",
                        names[k],
                        totals[k],
                        expected[k],
                        totals[k] - expected[k]
                    ),
                }));
            }
        }
        self.opening = totals;
        self.month_flows = Flows::default();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unbalanced_phase_is_named() {
        let mut l = Ledger::open([100, 0, 0, 0]);
        let bad = Flows {
            residents: -10,
            firms: 9,
            ..Flows::default()
        };
        let err = l.record(3, Phase::Goods, bad).unwrap_err().to_string();
        assert!(err.contains("month 3") && err.contains("Goods"), "{err}");
    }

    #[test]
    fn unrecorded_change_is_caught_at_the_recount() {
        let mut l = Ledger::open([100, 50, 0, 0]);
        l.record(
            1,
            Phase::Goods,
            Flows {
                residents: -10,
                firms: 10,
                ..Flows::default()
            },
        )
        .unwrap();
        assert!(l.close_month(1, [90, 60, 0, 0]).is_ok());
        let err = l.close_month(2, [90, 61, 0, 0]).unwrap_err().to_string();
        assert!(
            err.contains("firms' cash") && err.contains("month 2"),
            "{err}"
        );
    }

    #[test]
    fn external_inflow_balances() {
        let mut l = Ledger::open([0; 4]);
        let inflow = Flows {
            firms: 500,
            external: 500,
            ..Flows::default()
        };
        l.record(1, Phase::Entrepreneurship, inflow).unwrap();
        assert_eq!(l.external_in, 500);
        assert!(l.close_month(1, [0, 500, 0, 0]).is_ok());
    }
}
