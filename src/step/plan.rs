//! Phase 4: firms plan (Lengnick 2013 heuristics, per firm, in parallel).
//!
//! - Expected demand is an average of last month's sales and the old
//!   expectation.
//! - Staff: unless stock is above the inventory band, open vacancies to close part of the gap
//!   between the workers needed for expected demand plus a mid-band stock and
//!   the workers on hand; above the band, lay part of the surplus off. A firm
//!   whose sales did not cover its costs last month while it had stock to
//!   sell lays off part of the staff its sales cannot pay.
//! - Wage offer: raised by a random step up to `wage_step` after a month with
//!   unfilled vacancies, unless it is already `wage_premium_cap` above the
//!   market wage (a vacancy nobody saw is not cured by pay); cut by such a step after a month in which it turned
//!   applicants away, or after `full_staff_months` fully staffed (Lengnick's
//!   rule, with the turned-away signal added so that wages answer
//!   unemployment within months rather than years). With the bank on,
//!   every offer also rises each month by `wage_indexation` of the
//!   inflation target (expectations anchored by the central bank).
//! - Price (Calvo): with probability `price_change_prob` the firm reprices at
//!   its markup over current unit cost, the markup raised by a random step up
//!   to `price_step` when stock is short, cut when it is long, and kept within
//!   [`markup_lower`, `markup_upper`] (Lengnick's band), so wage changes pass
//!   through to prices at the next repricing.
//!
//! - IMP members plan with their platform gain in productivity and a band
//!   narrowed to `forecast_band` of its width around its middle (better
//!   demand forecasts), and staff to their forecast: an over-staffed member
//!   whose stock is not short sheds part of its surplus even inside the
//!   band, so its gain lets it make its sales with fewer workers.
//!
//! Each firm writes only itself, so the phase is a parallel loop.

use rayon::prelude::*;

use crate::model::bank as model_bank;
use crate::model::capital;
use crate::model::firms::{self, WageMove};
use crate::rng::{self, Phase, StepCtx};
use crate::scenario::Scenario;
use crate::world::{FIRM_IMP, Flows, World, labour_for, output_of};

/// Updates every firm's plan for the month. Moves no money.
pub fn plan(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    let fp = &p.firms;
    let bank = &p.bank;
    let capital_on = fp.capital_output_months > 0.0;
    // The price level of capital goods (a pass over firms: only with
    // capital on).
    let capital_price = if capital_on {
        crate::step::demand::capital_price(w)
    } else {
        1.0
    };
    // The bank lends this month if its equity covers its capital ratio now
    // (the same answer for every firm).
    let lending =
        bank.enabled && model_bank::may_lend(w.bank.equity, w.bank.loans, bank.capital_ratio);
    let loan_rate = w.bank.policy_rate + bank.loan_spread;
    // The capital wanted per unit of output falls as the real loan rate
    // rises above its steady-state value (the neutral rate plus the
    // spread): how the policy rate reaches demand.
    let months = if bank.enabled {
        fp.capital_output_months
            * capital::rate_scale(
                loan_rate - w.bank.inflation,
                bank.neutral_rate + bank.loan_spread,
                12.0 * fp.depreciation,
            )
            .powf(fp.investment_rate_elasticity)
    } else {
        fp.capital_output_months
    };
    let base_prices: Vec<f64> = w.sectors.iter().map(|s| s.base_price).collect();
    let rent_share = p.city.commercial_rent_share;
    let zones = &w.city.zones;
    // The market wage per efficiency unit: last month's wage bills over the
    // skills they paid for (integer sums, so the same for any thread count).
    let (bill, skill): (i64, u64) = crate::par::per_firm(&w.firms.list)
        .map(|f| (f.wage_bill, f.skill_milli_sum))
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let market_wage = if skill > 0 {
        bill as f64 * 1000.0 / skill as f64
    } else {
        f64::INFINITY
    };
    let raise_cap = market_wage * (1.0 + fp.wage_premium_cap);
    // Every offer also rises with the inflation wage setters expect.
    let indexation = firms::indexation(
        if bank.enabled {
            bank.inflation_target
        } else {
            0.0
        },
        fp.wage_indexation,
    );
    let imp_on = w.platforms.imp.enabled;
    let imp_gain = w.platforms.imp.gain;
    let forecast_band = p.platforms.imp.forecast_band;
    let keys = ctx.keys(Phase::Plan);
    // A firm's draws are keyed by its permanent serial, not its place in
    // the store, so that they stay the same when earlier firms close (and
    // common random numbers in `compare` pair the same firms).
    w.firms.list.par_iter_mut().for_each(|f| {
        let mut rng = keys.rng(f.serial as u64);
        f.age += 1;
        f.expected_demand = firms::expected_demand(f.sales, f.expected_demand, fp.demand_smoothing);
        let idle = f.employees == 0 && f.sales <= 0.0;
        f.months_idle = if idle {
            f.months_idle.saturating_add(1)
        } else {
            0
        };

        // Wage offer: respond to last month's hiring.
        let (wage_move, months_full) = firms::wage_move(
            f.vacancies > f.hires,
            (f.wage as f64) < raise_cap,
            f.turned_away > 0,
            f.months_full,
            fp.full_staff_months,
        );
        f.months_full = months_full;
        if wage_move != WageMove::Keep {
            f.wage = firms::revised_wage(f.wage, wage_move, fp.wage_step * rng::unit(&mut rng));
        }
        if indexation != 1.0 {
            f.wage = firms::scale(f.wage, indexation);
        }

        // Staff for expected demand plus a mid-band stock.
        let skill = if f.employees > 0 {
            f.skill_milli_sum as f64 / 1000.0 / f.employees as f64
        } else {
            1.0
        };
        let (returns, reference) = (fp.returns_to_scale, fp.reference_size);
        // IMP members forecast demand better: their band is narrower.
        let member = f.flags & FIRM_IMP != 0 && imp_on;
        let (band_lower, band_upper) = firms::inventory_band(
            fp.inventory_lower,
            fp.inventory_upper,
            member,
            forecast_band,
        );
        let band = (
            band_lower * f.expected_demand,
            band_upper * f.expected_demand,
        );
        let (lower, upper) = band;
        // Staff are planned at the labour's productivity with the capital
        // it needs: a firm short of capital makes less (3.16) but does not
        // hire more to make up for it (capital and labour are not
        // substitutes in the short run); its price, below, covers the cost
        // of what it does make.
        let productivity = f.labour_productivity(imp_gain);
        let wanted_output = (f.expected_demand + (lower + upper) / 2.0 - f.inventory).max(0.0);
        let wanted = (labour_for(wanted_output, productivity, returns, reference) / skill).ceil();
        let rent = zones[f.zone.index()].rent as f64 * rent_share;
        let cost_per_worker = f.wage as f64 * skill + rent;
        let staffing = firms::staffing(
            f.employees,
            wanted,
            f.inventory,
            band,
            f.revenue,
            cost_per_worker,
            fp.labour_adjust,
        );
        // IMP members staff to their forecast: surplus staff go gradually.
        let staffing = if member {
            firms::member_staffing(
                staffing,
                f.employees,
                wanted,
                f.inventory,
                lower,
                fp.labour_adjust,
            )
        } else {
            staffing
        };
        f.vacancies = staffing.vacancies;
        f.layoffs = staffing.layoffs;
        f.hires = 0;
        f.turned_away = 0;

        // Price: Calvo adjustment inside the markup band over unit cost, at
        // the current staff (one worker if none).
        let staff = f.employees.max(1) as f64;
        // The unit cost is the one it makes at: a firm short of capital
        // makes less with its staff, and prices that in (diminishing
        // returns to labour while capital is fixed: the short-run supply
        // curve slopes up).
        let made = output_of(
            f.effective_productivity(imp_gain),
            skill * staff,
            returns,
            reference,
        )
        .max(1e-9);
        let base_price = base_prices[f.sector as usize];
        let unit_cost = firms::unit_cost(f.wage, skill, rent, staff, made)
            + capital::capital_cost_per_unit(
                fp.depreciation,
                fp.capital_output_months,
                base_price,
                capital_price,
            );
        if rng::chance(&mut rng, fp.price_change_prob) {
            let step = fp.price_step * rng::unit(&mut rng);
            let markup = firms::revised_markup(
                f.price as f64 / unit_cost,
                step,
                f.inventory,
                band,
                (fp.markup_lower, fp.markup_upper),
            );
            f.price = firms::price_at(markup, unit_cost);
        }

        // Capital goods for the sales it expects: replace what wears out and
        // close part of the gap, paid from cash above the buffer and
        // loans against the capital.
        if !capital_on {
            return;
        }
        // Capacity for the output it expects to sell (smoothed demand),
        // not for this month's staff plan, which swings with its stock.
        let needed = capital::capital_needed(f.expected_demand, base_price, months);
        let order = capital::investment_order(
            f.capital,
            needed,
            fp.depreciation,
            fp.investment_adjust,
            capital_price,
        );
        let costs = (cost_per_worker * f.employees as f64) as i64;
        let capital_value = f.capital * capital_price;
        let limit = if lending {
            capital::investment_credit_limit(
                (bank.credit_months * costs as f64) as i64,
                bank.loan_to_value,
                capital_value,
            )
        } else {
            0.0
        };
        let (own, loan) = capital::investment_finance(
            order,
            f.cash,
            firms::cash_buffer(costs, fp.cash_buffer_months),
            f.debt,
            limit,
        );
        f.investment = own + loan;
        f.investment_credit = loan;
    });
    Flows::default()
}
