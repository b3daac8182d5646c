//! Stock-flow consistency. Each phase that moves money reports the net change
//! of every holder class ([`Holder`]) as [`Flows`]; the ledger checks that the changes add
//! up to the recorded flows across the city's boundary (none in the core), and
//! once a month it recounts every account and checks that each class holds
//! what the phases said it would. A violation is an error naming the month and
//! the phase (or, for a recount, the class of holder that drifted).

use std::ops::{Index, IndexMut};

use crate::rng::Phase;

/// A class of money holder in the city. Adding a holder (a fund) is one
/// more entry here, in [`Holder::ALL`] and in `World::account_totals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// Residents' wealth (with receivables booked but not yet paid out).
    Residents,
    /// Firms' cash.
    Firms,
    /// The government's balance.
    Government,
    /// Platforms' cash.
    Platforms,
    /// The bank's equity.
    Bank,
}

impl Holder {
    /// Every holder, in the order of [`Accounts`].
    pub const ALL: [Holder; 5] = [
        Holder::Residents,
        Holder::Firms,
        Holder::Government,
        Holder::Platforms,
        Holder::Bank,
    ];
    /// The number of holders.
    pub const COUNT: usize = Holder::ALL.len();

    /// What the holder's money is called in messages.
    pub fn account(self) -> &'static str {
        match self {
            Holder::Residents => "residents' wealth",
            Holder::Firms => "firms' cash",
            Holder::Government => "government balance",
            Holder::Platforms => "platforms' cash",
            Holder::Bank => "bank equity",
        }
    }
}

/// Cents by holder: the totals of a recount, or a phase's net changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accounts(pub [i64; Holder::COUNT]);

impl Index<Holder> for Accounts {
    type Output = i64;
    fn index(&self, h: Holder) -> &i64 {
        &self.0[h as usize]
    }
}

impl IndexMut<Holder> for Accounts {
    fn index_mut(&mut self, h: Holder) -> &mut i64 {
        &mut self.0[h as usize]
    }
}

impl Accounts {
    /// The sum over holders.
    pub fn sum(&self) -> i64 {
        self.0.iter().sum()
    }
}

/// Net money moved by one phase, cents, by holder, and across the city's
/// boundary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flows {
    /// Change of each holder's total.
    pub change: Accounts,
    /// Money paid in from outside the city (positive) or out of it (negative).
    pub external: i64,
    /// Money created by lending (positive) or destroyed by repayment and
    /// write-offs (negative): the change of the bank's loans.
    pub credit: i64,
}

impl Index<Holder> for Flows {
    type Output = i64;
    fn index(&self, h: Holder) -> &i64 {
        &self.change[h]
    }
}

impl IndexMut<Holder> for Flows {
    fn index_mut(&mut self, h: Holder) -> &mut i64 {
        &mut self.change[h]
    }
}

impl Flows {
    /// `amount` cents moved from holder `from` to holder `to`.
    pub fn transfer(from: Holder, to: Holder, amount: i64) -> Flows {
        let mut flows = Flows::default();
        flows[from] -= amount;
        flows[to] += amount;
        flows
    }

    /// These flows and `amount` cents more to (or, negative, from) `holder`.
    pub fn with(mut self, holder: Holder, amount: i64) -> Flows {
        self[holder] += amount;
        self
    }

    /// Adds another phase's flows.
    pub fn add(&mut self, o: Flows) {
        for h in Holder::ALL {
            self[h] += o[h];
        }
        self.external += o.external;
        self.credit += o.credit;
    }

    fn internal_sum(&self) -> i64 {
        self.change.sum()
    }
}

/// A broken stock-flow identity.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("ledger violation in month {month}, phase {phase}: {detail}")]
pub struct LedgerViolation {
    /// Month in which it was found.
    pub month: u32,
    /// Phase (or check) that found it.
    pub phase: String,
    /// What did not add up.
    pub detail: String,
}

/// Account totals at the start of the month and the flows recorded since.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Totals by holder at the last recount.
    pub opening: Accounts,
    /// Flows recorded since the last recount.
    pub month_flows: Flows,
    /// All money paid in from outside since set-up, cents.
    pub external_in: i64,
    /// All money paid out of the city since set-up, cents.
    pub external_out: i64,
    /// The bank's loans at the last recount, cents.
    pub opening_loans: i64,
}

impl Ledger {
    /// Starts the books from the set-up totals.
    pub fn open(totals: Accounts) -> Self {
        Self {
            opening: totals,
            ..Self::default()
        }
    }

    /// Records one phase's flows; fails if they do not balance.
    pub fn record(
        &mut self,
        month: u32,
        phase: Phase,
        flows: Flows,
    ) -> Result<(), LedgerViolation> {
        if flows.internal_sum() != flows.external + flows.credit {
            return Err(LedgerViolation {
                month,
                phase: format!("{phase:?}"),
                detail: format!(
                    "the phase moved {} cents inside the city but recorded {} cents across its boundary and {} cents of credit ({flows:?})",
                    flows.internal_sum(),
                    flows.external,
                    flows.credit
                ),
            });
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
    /// other than its opening balance plus its recorded flows, or if the
    /// bank's `loans` are not the firms' `debts` or differ from last
    /// month's by other than the credit recorded.
    pub fn close_month(
        &mut self,
        month: u32,
        totals: Accounts,
        loans: i64,
        debts: i64,
    ) -> Result<(), LedgerViolation> {
        let expected_loans = self.opening_loans + self.month_flows.credit;
        if loans != debts || loans != expected_loans {
            return Err(LedgerViolation {
                month,
                phase: "month-end recount".into(),
                detail: format!(
                    "the bank's loans are {loans} cents, the firms owe {debts}, and the phases recorded loans of {expected_loans}"
                ),
            });
        }
        self.opening_loans = loans;
        for h in Holder::ALL {
            let expected = self.opening[h] + self.month_flows[h];
            if totals[h] != expected {
                return Err(LedgerViolation {
                    month,
                    phase: "month-end recount".into(),
                    detail: format!(
                        "{} is {} cents but the phases recorded {} cents (a change of {} cents went unrecorded)",
                        h.account(),
                        totals[h],
                        expected,
                        totals[h] - expected
                    ),
                });
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
        let mut l = Ledger::open(Accounts([100, 0, 0, 0, 0]));
        let bad = Flows::default()
            .with(Holder::Residents, -10)
            .with(Holder::Firms, 9);
        let err = l.record(3, Phase::Goods, bad).unwrap_err().to_string();
        assert!(err.contains("month 3") && err.contains("Goods"), "{err}");
    }

    #[test]
    fn unrecorded_change_is_caught_at_the_recount() {
        let mut l = Ledger::open(Accounts([100, 50, 0, 0, 0]));
        l.record(
            1,
            Phase::Goods,
            Flows::transfer(Holder::Residents, Holder::Firms, 10),
        )
        .unwrap();
        assert!(l.close_month(1, Accounts([90, 60, 0, 0, 0]), 0, 0).is_ok());
        let err = l
            .close_month(2, Accounts([90, 61, 0, 0, 0]), 0, 0)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("firms' cash") && err.contains("month 2"),
            "{err}"
        );
    }

    #[test]
    fn external_inflow_balances() {
        let mut l = Ledger::open(Accounts::default());
        let inflow = Flows {
            external: 500,
            ..Flows::default().with(Holder::Firms, 500)
        };
        l.record(1, Phase::Entrepreneurship, inflow).unwrap();
        assert_eq!(l.external_in, 500);
        assert!(l.close_month(1, Accounts([0, 500, 0, 0, 0]), 0, 0).is_ok());
    }

    #[test]
    fn credit_creates_money_and_the_loans_are_recounted() {
        let mut l = Ledger::open(Accounts([100, 0, 0, 0, 10]));
        // A loan of 40 to firms: money grows by the credit.
        let loan = Flows {
            credit: 40,
            ..Flows::default().with(Holder::Firms, 40)
        };
        l.record(1, Phase::Incomes, loan).unwrap();
        // Interest of 2 to the bank, and a write-off of 5 from its equity.
        let more = Flows {
            credit: -5,
            ..Flows::transfer(Holder::Firms, Holder::Bank, 2).with(Holder::Bank, -5)
        };
        l.record(1, Phase::Incomes, more).unwrap();
        // Money moved without credit to match is refused.
        let bad = Flows::default().with(Holder::Firms, 40);
        assert!(l.record(1, Phase::Incomes, bad).is_err());
        assert!(
            l.close_month(1, Accounts([100, 38, 0, 0, 7]), 35, 35)
                .is_ok()
        );
        // Loans that are not the firms' debts, or not last month's plus
        // the credit recorded: a violation.
        let err = l
            .close_month(2, Accounts([100, 38, 0, 0, 7]), 35, 34)
            .unwrap_err()
            .to_string();
        assert!(err.contains("loans"), "{err}");
        assert!(
            l.close_month(2, Accounts([100, 38, 0, 0, 7]), 36, 36)
                .is_err()
        );
    }
}
