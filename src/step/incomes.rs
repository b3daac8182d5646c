//! Phase 8: incomes, taxes, rents, dividends and exits.
//!
//! 1. Firms: a firm that cannot pay this month's wage bill and workplace rent,
//!    or that has had neither workers nor sales for `idle_exit_months`,
//!    closes: its cash goes to its owner and its workers become unemployed.
//!    The others pay wages and rent, a tax on positive profit, and pay the
//!    owner `dividend_share` of cash above a buffer of `cash_buffer_months`
//!    of costs, but never more than the month's profit after tax.
//! 2. Residents: wage less income tax, or the unemployment benefit
//!    (`benefit_share` of last month's mean wage); an equal transfer of
//!    `transfer_share` of the government's balance; dividends and closing
//!    payouts; less the rent of their dwelling (paid as far as money allows;
//!    a resident who cannot pay in full must move).
//! 3. Closed firms are removed and every reference to them is remapped in
//!    the same pass over residents (with `exits::Renumber`).
//!
//! All of it is integer cents; the phase reports the net change of each
//! holder class to the ledger.

use rayon::prelude::*;

use crate::model::bank as model_bank;
use crate::model::firms::{self, Exit};
use crate::model::labour;
use crate::par;
use crate::rng::StepCtx;
use crate::scenario::Scenario;
use crate::step::exits::{Renumber, retain_open, wind_up};
use crate::step::labour::wage_of;
use crate::step::sector_count;
use crate::world::residents::FLAG_MUST_MOVE;
use crate::world::{Exited, FirmId, Flows, Holder, World};

/// Pays the month's incomes and closes failed firms.
pub fn pay(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    // Compiled for three sectors beside the general version (see
    // `step::sector_count`): the residents' pass renumbers each one's
    // suppliers.
    match w.residents.sectors {
        3 => pay_in::<3>(w, p, ctx),
        _ => pay_in::<0>(w, p, ctx),
    }
}

/// `pay` for `S` sectors (0: any number, read from the world).
fn pay_in<const S: usize>(w: &mut World, p: &Scenario, _ctx: StepCtx) -> Flows {
    let g = &p.government;
    let fp = &p.firms;
    let rent_share = p.city.commercial_rent_share;
    let bank = &p.bank;
    // The bank lends this month if its equity covered its capital ratio at
    // the start of the month (so that every firm's answer is the same
    // whatever the order firms are paid in).
    let lending =
        bank.enabled && model_bank::may_lend(w.bank.equity, w.bank.loans, bank.capital_ratio);
    let loan_rate = w.bank.policy_rate + bank.loan_spread;
    let mut flows = Flows::default();

    // Firms: pay or close. Dividends and payouts go to owners' receivables.
    // Workplace rent per worker depends on the zone alone: rounded once a zone.
    let workplace_rent: Vec<i64> = w
        .city
        .zones
        .iter()
        .map(|z| firms::workplace_rent(z.rent, rent_share))
        .collect();
    // Firms go by ranges in parallel; each range keeps its sums, its exits'
    // ages in firm order, and what its firms owe their owners by chunk of
    // residents, which are then credited in parallel (integer sums: the
    // order of the credits cannot change them).
    let (n_residents, chunk) = (w.residents.len(), par::chunk_len(w.residents.len()));
    let per = w
        .firms
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(par::MIN_LEN);
    let mut closed = vec![false; w.firms.len()];
    let ranges: Vec<FirmRange> = w
        .firms
        .list
        .par_chunks_mut(per)
        .zip(closed.par_chunks_mut(per))
        .map(|(firms, closed)| {
            let mut range = FirmRange {
                exits: 0,
                idle_exits: 0,
                defaults: 0,
                lent: 0,
                destroyed: 0,
                interest: 0,
                written_off: 0,
                exited: Vec::new(),
                owed: par::ByChunk::new(n_residents, chunk),
                firms: 0,
                residents: 0,
                taxes_and_rent: 0,
            };
            for (f, closed) in firms.iter_mut().zip(closed) {
                let rent = workplace_rent[f.zone.index()] * f.employees as i64;
                let interest = model_bank::interest(f.debt, loan_rate);
                let costs = f.wage_bill + rent + interest;
                // A firm short of cash borrows the shortfall while the bank
                // lends and its credit line allows; otherwise it closes.
                if f.cash < costs
                    && let Some(loan) = model_bank::working_capital(
                        f.cash,
                        costs,
                        f.debt,
                        bank.credit_months,
                        lending,
                    )
                {
                    f.cash += loan;
                    f.debt += loan;
                    range.firms += loan;
                    range.lent += loan;
                }
                if let Some(exit) = firms::exit(f.cash, costs, f.months_idle, fp.idle_exit_months) {
                    range.idle_exits += (exit == Exit::Idle) as u32;
                    range.exited.push(Exited::of(f, exit));
                    let wound = wind_up(f);
                    range.owed.push(f.owner.0, wound.payout);
                    range.firms -= wound.payout + wound.repaid;
                    range.residents += wound.payout;
                    range.destroyed += wound.repaid + wound.written_off;
                    range.written_off += wound.written_off;
                    range.defaults += u32::from(wound.written_off > 0);
                    *closed = true;
                    range.exits += 1;
                    continue;
                }
                let profit = f.revenue - costs;
                f.profit = profit;
                let tax = firms::profit_tax(profit, g.profit_tax);
                f.cash -= costs + tax;
                range.interest += interest;
                let buffer = firms::cash_buffer(costs, fp.cash_buffer_months);
                // The loans' instalment, then the month's profit above the
                // buffer, repay the debt before dividends.
                let due = model_bank::amortisation(f.debt, bank.loan_term_months, f.cash);
                let early =
                    model_bank::prepayment(f.cash - due, buffer, f.debt - due, profit - tax - due);
                let repaid = due + early;
                f.cash -= repaid;
                f.debt -= repaid;
                range.firms -= repaid;
                range.destroyed += repaid;
                // Dividends come out of what the month's profit leaves.
                let dividend =
                    firms::dividend(f.cash, buffer, profit - repaid, tax, fp.dividend_share);
                f.cash -= dividend;
                if dividend != 0 {
                    range.owed.push(f.owner.0, dividend);
                }
                range.firms -= costs + tax + dividend;
                range.residents += dividend;
                range.taxes_and_rent += rent + tax;
            }
            range
        })
        .collect();
    let mut exits = 0u32;
    let mut firm_taxes_and_rent = 0i64;
    let mut owed = Vec::with_capacity(ranges.len());
    for range in ranges {
        exits += range.exits;
        flows[Holder::Firms] += range.firms;
        flows[Holder::Residents] += range.residents;
        firm_taxes_and_rent += range.taxes_and_rent;
        w.counters.idle_exits += range.idle_exits;
        w.counters.defaults += range.defaults;
        // Credit: loans made, repaid and written off; interest to the bank.
        w.bank.loans += range.lent - range.destroyed;
        w.bank.equity += range.interest - range.written_off;
        flows.credit += range.lent - range.destroyed;
        flows[Holder::Bank] += range.interest - range.written_off;
        w.counters.exited.extend(&range.exited);
        owed.push(range.owed);
    }
    par::apply_by_chunk(&mut w.residents.receivable, chunk, &owed, |r, &amount| {
        *r += amount
    });
    flows[Holder::Government] += firm_taxes_and_rent;

    let n = w.residents.len() as i64;
    let transfer = crate::model::fiscal::transfers(
        w.government.balance,
        w.government.output_trend,
        g.transfer_share,
        g.debt_target,
        g.debt_adjust,
    ) / n;
    let benefit = w.government.benefit;
    let public_wage = w.mean_wage;
    // Residents' deposits earn a share of the policy rate while the bank
    // is on (paid from its equity, 3.15).
    let deposit_rate = if bank.enabled {
        bank.deposit_rate_share * w.bank.policy_rate
    } else {
        0.0
    };
    // Booked to the residents' receivables, which the pass below pays out
    // with their other income (a pass of its own only when interest is
    // paid).
    let deposit_interest: i64 = if deposit_rate > 0.0 {
        w.residents
            .people
            .par_iter()
            .zip(w.residents.receivable.par_iter_mut())
            .map(|(r, owed)| {
                let interest = model_bank::deposit_interest(r.wealth, deposit_rate);
                *owed += interest;
                interest
            })
            .sum()
    } else {
        0
    };
    let zones = &w.city.zones;
    // Per firm before the exits: its wage offer and its number after them,
    // side by side, so that paying a worker reads one cache line (the firm
    // records of a big city do not fit in cache).
    let renumber = Renumber::new(&closed);
    let jobs: Vec<(i64, FirmId)> = par::per_firm(&w.firms.list)
        .enumerate()
        .map(|(i, f)| (f.wage, renumber.get(FirmId(i as u32))))
        .collect();
    let sectors = sector_count::<S>(w.residents.sectors);
    let far = par::far(jobs.len());
    // Totals: wages, income tax, benefits, transfers, rent paid, receivables, employed.
    let totals = w
        .residents
        .people
        .par_chunks_mut(chunk)
        .zip(w.residents.suppliers.par_chunks_mut(chunk * sectors))
        .zip(w.residents.receivable.par_chunks_mut(chunk))
        .map(|((people, suppliers), receivable)| {
            let sectors = sector_count::<S>(sectors);
            let mut t = [0i64; 8];
            for j in 0..people.len() {
                if far {
                    par::prefetch_employer(&jobs, people, j);
                }
                let r = &mut people[j];
                let mut gross = 0i64;
                if !r.employer.is_none() {
                    let (offer, to) = jobs[r.employer.index()];
                    r.employer = to;
                    if r.employer.is_none() {
                        r.job_match = 0.0;
                    } else {
                        let wage = wage_of(offer, r.skill_milli);
                        let tax = labour::income_tax(wage, g.income_tax);
                        t[0] += wage;
                        t[1] += tax;
                        t[6] += 1;
                        gross += wage - tax;
                    }
                }
                if r.employer.is_none() {
                    if r.public() {
                        // A public employee: the government pays last
                        // month's mean wage scaled by its skill.
                        let wage = wage_of(public_wage, r.skill_milli);
                        let tax = labour::income_tax(wage, g.income_tax);
                        t[7] += wage;
                        t[1] += tax;
                        gross += wage - tax;
                    } else {
                        gross += benefit;
                        t[2] += benefit;
                        r.months_unemployed = r.months_unemployed.saturating_add(1);
                    }
                }
                gross += transfer + receivable[j];
                t[3] += transfer;
                t[5] += receivable[j];
                receivable[j] = 0;
                let rent = zones[r.home.index()].rent;
                let paid = rent.min(r.wealth + gross).max(0);
                t[4] += paid;
                if paid < rent {
                    r.flags |= FLAG_MUST_MOVE;
                }
                r.wealth += gross - paid;
                r.income = gross - paid;
                for s in &mut suppliers[j * sectors..(j + 1) * sectors] {
                    *s = renumber.get(*s);
                }
            }
            vec![t]
        })
        .reduce(|| vec![[0i64; 8]], par::add_bins)[0];
    let [
        wages,
        income_tax,
        benefits,
        transfers,
        rents,
        received,
        employed,
        public_wages,
    ] = totals;

    // Wage bills left the firms above; here wages reach residents (net of
    // tax). Receivables were counted as residents' money when booked, so
    // paying them out moves nothing between classes.
    flows[Holder::Residents] += wages + public_wages - income_tax + benefits + transfers - rents;
    // Deposit interest: from the bank's equity to residents.
    flows[Holder::Residents] += deposit_interest;
    flows[Holder::Bank] -= deposit_interest;
    w.bank.equity -= deposit_interest;
    flows[Holder::Government] += income_tax + rents - benefits - transfers - public_wages;
    let _ = received;
    w.government.balance +=
        firm_taxes_and_rent + income_tax + rents - benefits - transfers - public_wages;
    // Public services enter nominal output at their cost, the wages paid.
    w.counters.nominal_output_cents += public_wages as f64;

    // Close failed firms (the residents' references were renumbered above).
    if exits > 0 {
        retain_open(&mut w.firms.list, &closed);
    }
    w.counters.exits += exits;
    if employed > 0 {
        w.mean_wage = wages / employed;
    }
    w.government.benefit = (g.benefit_share * w.mean_wage as f64).floor() as i64;
    flows.add(crate::step::bank::remit(w, p));
    flows
}

/// What a range of firms did in the incomes phase (see `pay`).
struct FirmRange {
    /// Firms that closed.
    exits: u32,
    /// Firms that closed idle (they could pay).
    idle_exits: u32,
    /// The firms that closed, in firm order.
    exited: Vec<Exited>,
    /// Dividends and closing payouts, cents, by owner.
    owed: par::ByChunk<i64>,
    /// Net flows of firms and residents, cents.
    firms: i64,
    residents: i64,
    /// Workplace rent and profit tax paid to the government, cents.
    taxes_and_rent: i64,
    /// Firms that closed owing the bank more than their cash.
    defaults: u32,
    /// New loans, cents.
    lent: i64,
    /// Debt repaid or written off, cents.
    destroyed: i64,
    /// Interest paid to the bank, cents.
    interest: i64,
    /// Debt written off, cents.
    written_off: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pass compiled for three sectors must do exactly what the
    /// general one does: on copies of the same world, two years in (firms
    /// closing, suppliers to renumber), both give the same flows,
    /// residents, suppliers, receivables and firms.
    #[test]
    fn three_sector_pass_equals_the_general_one() {
        let (scenario, world) = crate::step::default_city_after(3000, 24);
        let (mut general, mut three) = (world.clone(), world);
        assert_eq!(three.residents.sectors, 3, "the default has 3 sectors");
        // A second payday in month 24: firms left short of a month's costs
        // close, and their suppliers' numbers must be remapped.
        let ctx = StepCtx::new(scenario.simulation.seed, 24);
        let before = general.counters.exits;
        let flows = pay_in::<0>(&mut general, &scenario, ctx);
        assert!(
            general.counters.exits > before,
            "the test needs firms that close"
        );
        assert_eq!(pay_in::<3>(&mut three, &scenario, ctx), flows);
        assert_eq!(general.residents.people, three.residents.people);
        assert_eq!(general.residents.suppliers, three.residents.suppliers);
        assert_eq!(general.residents.receivable, three.residents.receivable);
        assert_eq!(general.firms.list, three.firms.list);
    }
}
