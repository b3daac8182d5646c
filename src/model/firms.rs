//! Rules of the firm: production, expectations, wages, prices, staffing,
//! taxes, dividends and exit (Lengnick 2013 heuristics, with the additions
//! docs/MODEL.md lists).

use crate::world::firms::MAX_PRICE;

/// Largest wage offer per efficiency unit, cents/month (10^9 yuan): a guard
/// that keeps the wage bill exact in i64 under any wage spiral.
pub const MAX_WAGE: i64 = 100_000_000_000;

/// Output of a month's labour: `productivity * reference * (efficiency /
/// reference)^returns`, so a firm of `reference` efficiency units produces
/// `productivity` per unit and larger firms less per unit when `returns` < 1
/// (decreasing returns: the span of control, Lucas 1978).
#[inline]
pub fn output_of(productivity: f64, efficiency: f64, returns: f64, reference: f64) -> f64 {
    if efficiency <= 0.0 {
        return 0.0;
    }
    if returns == 1.0 {
        return productivity * efficiency;
    }
    productivity * reference * (efficiency / reference).powf(returns)
}

/// Efficiency units of labour needed to make `output` (the inverse of [`output_of`]).
#[inline]
pub fn labour_for(output: f64, productivity: f64, returns: f64, reference: f64) -> f64 {
    if output <= 0.0 {
        return 0.0;
    }
    if returns == 1.0 {
        return output / productivity;
    }
    reference * (output / (productivity * reference)).powf(1.0 / returns)
}

/// Expected demand, units: `firms.demand_smoothing` of last month's
/// `sales` plus the rest of the old expectation (adaptive expectations).
#[inline(always)]
pub fn expected_demand(sales: f64, expected: f64, smoothing: f64) -> f64 {
    smoothing * sales + (1.0 - smoothing) * expected
}

/// Which way a firm moves its wage offer this month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WageMove {
    /// Raise by a random step up to `firms.wage_step`.
    Raise,
    /// Cut by a random step up to `firms.wage_step`.
    Cut,
    /// Keep the offer.
    Keep,
}

/// The wage rule (Lengnick 2013, with a turned-away signal): after a month
/// with `unfilled` vacancies the firm raises its offer, unless it is already
/// `firms.wage_premium_cap` above the market wage (`below_cap` false: a
/// vacancy nobody saw is not cured by pay); after a month in which it
/// `turned_away` applicants, or after `firms.full_staff_months` months fully
/// staffed, it cuts. Returns the move and the new count of months fully
/// staffed (`months_full` before).
#[inline(always)]
pub fn wage_move(
    unfilled: bool,
    below_cap: bool,
    turned_away: bool,
    months_full: u16,
    full_staff_months: u32,
) -> (WageMove, u16) {
    if unfilled && below_cap {
        (WageMove::Raise, 0)
    } else if unfilled {
        (WageMove::Keep, 0)
    } else if turned_away {
        (WageMove::Cut, 0)
    } else {
        let full = months_full.saturating_add(1);
        if full as u32 >= full_staff_months {
            (WageMove::Cut, 0)
        } else {
            (WageMove::Keep, full)
        }
    }
}

/// The wage offer after a move: `wage` times one plus (raise) or minus
/// (cut) `step` (a draw up to `firms.wage_step`), rounded, within 1 cent
/// and [`MAX_WAGE`].
#[inline(always)]
pub fn revised_wage(wage: i64, mv: WageMove, step: f64) -> i64 {
    match mv {
        WageMove::Raise => scale(wage, 1.0 + step),
        WageMove::Cut => scale(wage, 1.0 - step),
        WageMove::Keep => wage,
    }
}

/// The monthly factor by which wage offers rise with expected inflation:
/// `share` (`firms.wage_indexation`) of the `expected` yearly inflation,
/// compounded monthly. Wage setters expect the central bank's target when
/// it is credible (Poledna et al. 2023 index wages to expected inflation).
#[inline(always)]
pub fn indexation(expected: f64, share: f64) -> f64 {
    (1.0 + share * expected).max(0.0).powf(1.0 / 12.0)
}

/// `value * factor`, rounded, within 1 cent and [`MAX_WAGE`].
#[inline(always)]
pub fn scale(value: i64, factor: f64) -> i64 {
    ((value as f64 * factor).round() as i64).clamp(1, MAX_WAGE)
}

/// The inventory band, as multiples of expected demand: from
/// `firms.inventory_lower` to `firms.inventory_upper`; an IMP `member`
/// forecasts demand better, so its band is narrowed to
/// `platforms.imp.forecast_band` of its width around its middle.
#[inline(always)]
pub fn inventory_band(lower: f64, upper: f64, member: bool, forecast_band: f64) -> (f64, f64) {
    if member {
        let mid = (lower + upper) / 2.0;
        let half = (upper - lower) / 2.0 * forecast_band;
        (mid - half, mid + half)
    } else {
        (lower, upper)
    }
}

/// A firm's staffing decision for the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Staffing {
    /// Vacancies opened.
    pub vacancies: u32,
    /// Workers to lay off.
    pub layoffs: u32,
}

/// The staffing rule. `wanted` is the staff needed for expected demand plus
/// a mid-band stock; `lower` and `upper` the inventory band (units).
/// - Losing: a firm with staff whose `revenue` did not cover its costs
///   (`cost_per_worker` times staff) while its stock was not short (at
///   least `lower`) lays off `firms.labour_adjust` of the staff its revenue
///   cannot pay.
/// - Otherwise, short of staff with stock not above the band: vacancies for
///   `firms.labour_adjust` of the gap; over-staffed with stock above the
///   band: layoffs for that share of the surplus.
///
/// Counts are rounded up and layoffs never exceed the staff.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub fn staffing(
    employees: u32,
    wanted: f64,
    inventory: f64,
    (lower, upper): (f64, f64),
    revenue: i64,
    cost_per_worker: f64,
    labour_adjust: f64,
) -> Staffing {
    let gap = wanted - employees as f64;
    let losing = employees > 0
        && inventory >= lower
        && (revenue as f64) < cost_per_worker * employees as f64;
    if losing {
        let affordable = (revenue as f64 / cost_per_worker).floor();
        let surplus = employees as f64 - affordable;
        Staffing {
            vacancies: 0,
            layoffs: ((labour_adjust * surplus).ceil() as u32).min(employees),
        }
    } else if gap > 0.0 && inventory <= upper {
        Staffing {
            vacancies: (labour_adjust * gap).ceil() as u32,
            layoffs: 0,
        }
    } else if gap < 0.0 && inventory > upper {
        Staffing {
            vacancies: 0,
            layoffs: ((labour_adjust * -gap).ceil() as u32).min(employees),
        }
    } else {
        Staffing::default()
    }
}

/// The staffing of an IMP member (while the IMP is on): the platform's
/// order data let it staff to its forecast, so where [`staffing`] leaves an
/// over-staffed member alone (`plan` with neither vacancies nor layoffs:
/// stock inside the band), the member still lays off
/// `firms.labour_adjust` of its surplus over `wanted` (rounded up) while its
/// stock is not short (at least `lower`). Its gain lets it make its
/// expected sales with fewer workers, and it sheds the rest gradually
/// rather than waiting for stock to pile up above the band.
#[inline(always)]
pub fn member_staffing(
    plan: Staffing,
    employees: u32,
    wanted: f64,
    inventory: f64,
    lower: f64,
    labour_adjust: f64,
) -> Staffing {
    let surplus = employees as f64 - wanted;
    if plan == Staffing::default() && surplus > 0.0 && inventory >= lower {
        Staffing {
            vacancies: 0,
            layoffs: ((labour_adjust * surplus).ceil() as u32).min(employees),
        }
    } else {
        plan
    }
}

/// How many firms a capacity cut closes: with the sector's firms ordered
/// least productive first and `outputs` their last month's output (their
/// capacity in use), the shortest prefix whose output reaches `share` of the
/// total, less its last firm if that leaves the closed share nearer to
/// `share` (a cut of whole firms). Firms that made nothing are in the
/// prefix if a firm after them is. A sector that made nothing: the share of
/// its firms, rounded.
pub fn capacity_cut(outputs: &[f64], share: f64) -> usize {
    // Sequential sum in the given order: the same for any thread count.
    let total: f64 = outputs.iter().sum();
    if total <= 0.0 {
        return (outputs.len() as f64 * share).round() as usize;
    }
    let target = share * total;
    let mut closed = 0.0;
    for (k, &out) in outputs.iter().enumerate() {
        if closed + out >= target {
            // Take this firm only if that lands nearer the target.
            return if closed + out - target <= target - closed {
                k + 1
            } else {
                k
            };
        }
        closed += out;
    }
    outputs.len()
}

/// Unit cost, cents a unit: the month's wage per worker (`wage` times mean
/// `skill`) plus workplace `rent` per worker, times `staff`, over the units
/// `made`.
#[inline(always)]
pub fn unit_cost(wage: i64, skill: f64, rent: f64, staff: f64, made: f64) -> f64 {
    (wage as f64 * skill + rent) * staff / made
}

/// The markup rule (Calvo repricing inside Lengnick's band): when a firm
/// reprices, its `markup` over unit cost rises by `step` (a draw up to
/// `firms.price_step`) when stock is below the band's `lower` edge, falls
/// by it above the `upper` edge, and stays inside [`firms.markup_lower`,
/// `firms.markup_upper`].
#[inline(always)]
pub fn revised_markup(
    markup: f64,
    step: f64,
    inventory: f64,
    (lower, upper): (f64, f64),
    (markup_lower, markup_upper): (f64, f64),
) -> f64 {
    let markup = if inventory < lower {
        markup * (1.0 + step)
    } else if inventory > upper {
        markup * (1.0 - step)
    } else {
        markup
    };
    markup.clamp(markup_lower, markup_upper)
}

/// The price at `markup` over `unit_cost`, cents, within 1 cent and
/// [`MAX_PRICE`].
#[inline(always)]
pub fn price_at(markup: f64, unit_cost: f64) -> i64 {
    ((markup * unit_cost).round() as i64).clamp(1, MAX_PRICE)
}

/// Why a firm closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Its cash does not cover this month's wage bill and workplace rent.
    Insolvent,
    /// It has had neither workers nor sales for `firms.idle_exit_months`.
    Idle,
    /// A capacity-cut event closed it (never returned by [`exit`]).
    CapacityCut,
}

impl Exit {
    /// The cause as `exits.csv` writes it.
    pub fn name(self) -> &'static str {
        match self {
            Exit::Insolvent => "insolvent",
            Exit::Idle => "idle",
            Exit::CapacityCut => "capacity_cut",
        }
    }
}

/// A firm's workplace rent per worker in a zone whose dwelling rent is
/// `zone_rent` cents a month: `city.commercial_rent_share` of it, rounded
/// to the cent.
#[inline]
pub fn workplace_rent(zone_rent: i64, share: f64) -> i64 {
    (zone_rent as f64 * share).round() as i64
}

/// The exit rule: a firm whose `cash` cannot pay this month's `costs`
/// closes insolvent; one that could but has been idle (no workers, no
/// sales) for `months_idle` of at least `firms.idle_exit_months` closes
/// idle; the others go on.
#[inline(always)]
pub fn exit(cash: i64, costs: i64, months_idle: u16, idle_exit_months: u32) -> Option<Exit> {
    if cash < costs {
        Some(Exit::Insolvent)
    } else if months_idle as u32 >= idle_exit_months {
        Some(Exit::Idle)
    } else {
        None
    }
}

/// Profit tax, cents: `government.profit_tax` of a positive `profit`,
/// truncated; nothing on a loss.
#[inline(always)]
pub fn profit_tax(profit: i64, rate: f64) -> i64 {
    // Truncation is floor for these non-negative amounts.
    if profit > 0 {
        (profit as f64 * rate) as i64
    } else {
        0
    }
}

/// The cash a firm keeps before paying dividends, cents:
/// `firms.cash_buffer_months` of this month's `costs`.
#[inline(always)]
pub fn cash_buffer(costs: i64, buffer_months: f64) -> i64 {
    (costs as f64 * buffer_months).round() as i64
}

/// The dividend, cents: `firms.dividend_share` of the `cash` above the
/// `buffer`, but never more than the month's `profit` after `tax`, and
/// nothing without such a profit.
#[inline(always)]
pub fn dividend(cash: i64, buffer: i64, profit: i64, tax: i64, share: f64) -> i64 {
    if cash > buffer && profit > tax {
        (((cash - buffer) as f64 * share) as i64).min(profit - tax)
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_rise_with_expected_inflation_compounded_monthly() {
        assert_eq!(indexation(0.0, 1.0), 1.0);
        assert_eq!(indexation(0.03, 0.0), 1.0);
        let month = indexation(0.03, 1.0);
        assert!((month.powi(12) - 1.03).abs() < 1e-12);
        let half = indexation(0.03, 0.5);
        assert!((half.powi(12) - 1.015).abs() < 1e-12);
    }

    #[test]
    fn a_capacity_cut_closes_a_share_of_output_not_of_firms() {
        // Least productive first: small firms at the bottom.
        let outputs = [5.0, 5.0, 10.0, 30.0, 50.0];
        // 20% of 100: the first three firms make exactly 20.
        assert_eq!(capacity_cut(&outputs, 0.2), 3);
        // 12%: 10 is 2 short, 20 is 8 over; two firms.
        assert_eq!(capacity_cut(&outputs, 0.12), 2);
        // 17%: 20 is 3 over, 10 is 7 short; three firms.
        assert_eq!(capacity_cut(&outputs, 0.17), 3);
        assert_eq!(capacity_cut(&outputs, 0.0), 0);
        assert_eq!(capacity_cut(&outputs, 1.0), 5);
        // Idle firms at the bottom go with the first firm that produced.
        assert_eq!(capacity_cut(&[0.0, 0.0, 10.0, 10.0], 0.5), 3);
        // A sector that made nothing: a share of its firms.
        assert_eq!(capacity_cut(&[0.0; 10], 0.2), 2);
        assert_eq!(capacity_cut(&[], 0.2), 0);
    }

    #[test]
    fn members_shed_surplus_staff_inside_the_band() {
        let band = (10.0, 30.0);
        // In the band and over-staffed: the normal rule waits ...
        let plan = staffing(10, 7.0, 20.0, band, 1_000_000, 1_000.0, 0.5);
        assert_eq!(plan, Staffing::default());
        // ... a member sheds half the surplus of 3, rounded up.
        let s = member_staffing(plan, 10, 7.0, 20.0, band.0, 0.5);
        assert_eq!((s.vacancies, s.layoffs), (0, 2));
        // Stock short: it keeps its staff.
        assert_eq!(
            member_staffing(plan, 10, 7.0, 5.0, band.0, 0.5),
            Staffing::default()
        );
        // Not over-staffed: nothing to shed.
        assert_eq!(
            member_staffing(plan, 10, 12.0, 20.0, band.0, 0.5),
            Staffing::default()
        );
        // The normal rule's decision stands when it made one.
        let hire = Staffing {
            vacancies: 2,
            layoffs: 0,
        };
        assert_eq!(member_staffing(hire, 10, 7.0, 20.0, band.0, 0.5), hire);
        // Never more than the staff.
        assert_eq!(member_staffing(plan, 3, 0.0, 20.0, band.0, 1.0).layoffs, 3);
    }

    #[test]
    fn output_grows_with_labour_less_than_proportionally_below_constant_returns() {
        assert_eq!(output_of(2.0, 0.0, 0.9, 10.0), 0.0, "no labour, no output");
        assert_eq!(output_of(2.0, 10.0, 0.9, 10.0), 20.0, "reference size");
        assert_eq!(output_of(2.0, 7.0, 1.0, 10.0), 14.0, "constant returns");
        let (one, two) = (
            output_of(2.0, 20.0, 0.9, 10.0),
            output_of(2.0, 40.0, 0.9, 10.0),
        );
        assert!(
            two > one && two < 2.0 * one,
            "decreasing returns: {one} {two}"
        );
        for e in [0.5, 3.0, 10.0, 55.0] {
            let made = output_of(1.7, e, 0.85, 10.0);
            assert!(
                (labour_for(made, 1.7, 0.85, 10.0) - e).abs() < 1e-9,
                "inverse at {e}"
            );
        }
        assert_eq!(labour_for(0.0, 1.7, 0.85, 10.0), 0.0);
    }

    #[test]
    fn expectations_move_toward_sales() {
        assert_eq!(expected_demand(100.0, 50.0, 0.5), 75.0);
        assert_eq!(expected_demand(100.0, 50.0, 1.0), 100.0, "no memory");
        assert_eq!(expected_demand(100.0, 50.0, 0.0), 50.0, "no update");
    }

    #[test]
    fn unfilled_vacancies_raise_the_wage_unless_already_above_the_market() {
        assert_eq!(wage_move(true, true, false, 3, 24), (WageMove::Raise, 0));
        assert_eq!(wage_move(true, false, false, 3, 24), (WageMove::Keep, 0));
        // Unfilled vacancies outrank turned-away applicants.
        assert_eq!(wage_move(true, true, true, 3, 24), (WageMove::Raise, 0));
    }

    #[test]
    fn turned_away_applicants_or_long_full_staffing_cut_the_wage() {
        assert_eq!(wage_move(false, true, true, 3, 24), (WageMove::Cut, 0));
        assert_eq!(wage_move(false, true, false, 3, 24), (WageMove::Keep, 4));
        assert_eq!(wage_move(false, true, false, 23, 24), (WageMove::Cut, 0));
        assert_eq!(
            wage_move(false, true, false, u16::MAX, 70_000),
            (WageMove::Keep, u16::MAX)
        );
    }

    #[test]
    fn wage_steps_go_the_right_way_and_stay_in_bounds() {
        assert_eq!(revised_wage(10_000, WageMove::Raise, 0.05), 10_500);
        assert_eq!(revised_wage(10_000, WageMove::Cut, 0.05), 9_500);
        assert_eq!(revised_wage(10_000, WageMove::Keep, 0.05), 10_000);
        assert_eq!(revised_wage(1, WageMove::Cut, 0.9), 1, "at least a cent");
        assert_eq!(revised_wage(MAX_WAGE, WageMove::Raise, 0.5), MAX_WAGE);
    }

    #[test]
    fn members_narrow_the_band_around_its_middle() {
        assert_eq!(inventory_band(0.2, 1.0, false, 0.5), (0.2, 1.0));
        let (l, u) = inventory_band(0.2, 1.0, true, 0.5);
        assert!(
            (l - 0.4).abs() < 1e-12 && (u - 0.8).abs() < 1e-12,
            "{l} {u}"
        );
        let (l, u) = inventory_band(0.2, 1.0, true, 1.0);
        assert!(
            (l - 0.2).abs() < 1e-12 && (u - 1.0).abs() < 1e-12,
            "no gain: {l} {u}"
        );
        let (l, u) = inventory_band(0.2, 1.0, true, 0.0);
        assert!(
            (l - 0.6).abs() < 1e-12 && (u - 0.6).abs() < 1e-12,
            "a point"
        );
    }

    #[test]
    fn short_staff_opens_vacancies_and_surplus_staff_is_laid_off() {
        let band = (10.0, 30.0);
        let s = staffing(5, 9.0, 20.0, band, 1_000_000, 1_000.0, 0.5);
        assert_eq!(
            s,
            Staffing {
                vacancies: 2,
                layoffs: 0
            }
        );
        // Short of staff but stock above the band: no vacancies.
        assert_eq!(
            staffing(5, 9.0, 40.0, band, 1_000_000, 1_000.0, 0.5),
            Staffing::default()
        );
        // Surplus with stock above the band: layoffs, rounded up.
        let s = staffing(10, 7.0, 40.0, band, 1_000_000, 1_000.0, 0.5);
        assert_eq!(
            s,
            Staffing {
                vacancies: 0,
                layoffs: 2
            }
        );
        // Surplus but stock within the band: kept.
        assert_eq!(
            staffing(10, 7.0, 20.0, band, 1_000_000, 1_000.0, 0.5),
            Staffing::default()
        );
    }

    #[test]
    fn a_losing_firm_sheds_the_staff_its_revenue_cannot_pay() {
        // 10 workers at 1,000 each; revenue pays 4: surplus 6, half of it.
        let s = staffing(10, 12.0, 20.0, (10.0, 30.0), 4_500, 1_000.0, 0.5);
        assert_eq!(
            s,
            Staffing {
                vacancies: 0,
                layoffs: 3
            }
        );
        // Sold out (stock below the band): limited by output, not losing.
        let s = staffing(10, 12.0, 5.0, (10.0, 30.0), 4_500, 1_000.0, 0.5);
        assert_eq!(
            s,
            Staffing {
                vacancies: 1,
                layoffs: 0
            }
        );
        // Never more than the staff.
        let s = staffing(3, 3.0, 20.0, (10.0, 30.0), 0, 1_000.0, 1.0);
        assert_eq!(s.layoffs, 3);
    }

    #[test]
    fn markups_rise_when_stock_is_short_fall_when_long_within_the_band() {
        let band = (10.0, 30.0);
        let limits = (1.0, 1.5);
        assert_eq!(revised_markup(1.2, 0.1, 5.0, band, limits), 1.2 * 1.1);
        assert_eq!(revised_markup(1.2, 0.1, 40.0, band, limits), 1.2 * 0.9);
        assert_eq!(revised_markup(1.2, 0.1, 20.0, band, limits), 1.2);
        assert_eq!(revised_markup(1.45, 0.1, 5.0, band, limits), 1.5, "capped");
        assert_eq!(
            revised_markup(1.02, 0.1, 40.0, band, limits),
            1.0,
            "floored"
        );
        assert_eq!(
            revised_markup(3.0, 0.0, 20.0, band, limits),
            1.5,
            "back into the band"
        );
    }

    #[test]
    fn prices_follow_unit_cost_within_bounds() {
        assert_eq!(unit_cost(1_000, 1.0, 200.0, 5.0, 10.0), 600.0);
        assert!(
            unit_cost(1_100, 1.0, 200.0, 5.0, 10.0) > 600.0,
            "wages pass through"
        );
        assert_eq!(price_at(1.25, 600.0), 750);
        assert_eq!(price_at(1.0, 0.0), 1, "at least a cent");
        assert_eq!(price_at(2.0, f64::MAX), MAX_PRICE);
    }

    #[test]
    fn firms_close_when_they_cannot_pay_or_have_long_been_idle() {
        assert_eq!(exit(999, 1_000, 0, 12), Some(Exit::Insolvent));
        assert_eq!(exit(1_000, 1_000, 0, 12), None, "just able to pay");
        assert_eq!(exit(5_000, 0, 12, 12), Some(Exit::Idle));
        assert_eq!(exit(5_000, 0, 11, 12), None);
        assert_eq!(
            exit(0, 1, 12, 12),
            Some(Exit::Insolvent),
            "insolvency first"
        );
    }

    #[test]
    fn profits_are_taxed_and_dividends_come_out_of_profit_above_the_buffer() {
        assert_eq!(profit_tax(1_000, 0.25), 250);
        assert_eq!(profit_tax(-1_000, 0.25), 0, "no tax on a loss");
        assert_eq!(cash_buffer(1_000, 1.5), 1_500);
        // Cash 10,000 over a buffer of 2,000: half of 8,000 wanted, but the
        // profit after tax is 3,000.
        assert_eq!(dividend(10_000, 2_000, 4_000, 1_000, 0.5), 3_000);
        assert_eq!(dividend(10_000, 2_000, 40_000, 1_000, 0.5), 4_000);
        assert_eq!(
            dividend(1_000, 2_000, 4_000, 1_000, 0.5),
            0,
            "below the buffer"
        );
        assert_eq!(
            dividend(10_000, 2_000, 500, 500, 0.5),
            0,
            "no profit after tax"
        );
    }
}
