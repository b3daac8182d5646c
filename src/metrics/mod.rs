//! One row of `timeseries.csv` from the world: pure, deterministic reductions.
//!
//! Sums over residents are integers (counts, cents, fixed-point thousandths or
//! millionths), so the thread count cannot change them. Percentiles and Gini
//! coefficients come from fine histograms (0.1-minute commute bins; income and
//! wealth in bins of 1/16 of a doubling, about 4.4% wide), which are integer
//! counts too; a Gini from such bins treats each bin as equal and is within a
//! fraction of a percent of the exact one. Column units are in docs/OUTPUT.md.

use rayon::prelude::*;

pub mod columns;
mod sums;

use sums::{MICRO, gini};
pub(crate) use sums::{Sums, chunk_len};
#[cfg(test)]
use sums::{WELLBEING_GROUP, WellbeingSum, money_bin};

use columns::{COLUMNS, Format, SECTOR_COLUMNS, Value};

use crate::par;
use crate::scenario::Scenario;
use crate::world::city::{Commutes, Telework};
use crate::world::{Accounts, CENTS, Holder, Sector, World};

const COMMUTE_BINS: usize = 6000; // 0.1-minute bins up to 600 minutes

/// One month of aggregate output.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Month (1-based).
    pub month: u32,
    /// Residents.
    pub population: u64,
    /// Residents with a job.
    pub employed: u64,
    /// Unemployed over residents (every resident is in the labour force).
    pub unemployment_rate: f64,
    /// Open vacancies posted this month.
    pub vacancies: u64,
    /// Firms alive at the end of the month.
    pub firms: u64,
    /// Scenario events applied at the start of this month.
    pub events: u64,
    /// Firms founded this month.
    pub startups: u64,
    /// Firms closed this month.
    pub exits: u64,
    /// Hires this month.
    pub hires: u64,
    /// Residents who moved home this month.
    pub moves: u64,
    /// Mean gross wage of the employed, yuan/month.
    pub mean_wage: f64,
    /// Price index (set-up = 1): budget-share-weighted mean of sector prices over their set-up level.
    pub price_index: f64,
    /// Output valued at set-up prices, yuan/month.
    pub output: f64,
    /// Output valued at the firms' current prices, yuan/month.
    pub gdp_nominal: f64,
    /// Household consumption spending, cents/month (written in yuan, exactly).
    pub consumption: i128,
    /// Capital goods bought by firms this month, cents (written in yuan, exactly).
    pub investment: i128,
    /// Goods bought by the government this month, cents (written in yuan, exactly).
    pub government_purchases: i128,
    /// Mean one-way commute of the employed, minutes.
    pub mean_commute_min: f64,
    /// 90th percentile of the one-way commute of the employed, minutes.
    pub p90_commute_min: f64,
    /// Mean posted dwelling rent of residents' home zones (after this month's adjustment), yuan/month.
    pub mean_rent: f64,
    /// Gini of disposable income (negative incomes counted as 0).
    pub gini_income: f64,
    /// Gini of wealth.
    pub gini_wealth: f64,
    /// Mean well-being index (log points).
    pub wellbeing: f64,
    /// All money in the city, cents (written in yuan, exactly).
    pub money_total: i128,
    /// Government balance, cents (written in yuan, exactly).
    pub government_balance: i128,
    /// Congestion factor 1 + a (V/C)^b.
    pub congestion: f64,
    /// Firms on the IMP platform.
    pub imp_members: u64,
    /// Residents using the ILP platform.
    pub ilp_users: u64,
    /// Share of the employed's workdays worked from home.
    pub telework_share: f64,
    /// Share of the employed who work in the zone they live in.
    pub home_zone_work_share: f64,
    /// Startups incubated by MEI bases this month.
    pub incubated_startups: u64,
    /// Venture money paid in from outside the city this month, cents (written in yuan, exactly).
    pub venture_funding: i128,
    /// Successful R&D steps this month.
    pub innovations: u64,
    /// Employment-weighted mean productivity of firms, with the IMP gain (units per efficiency unit per month).
    pub mean_productivity: f64,
    /// Loans outstanding at the end of the month, cents (written in yuan, exactly).
    pub loans: i128,
    /// The bank's equity, cents (written in yuan, exactly).
    pub bank_equity: i128,
    /// The policy rate set at this month's close, per year.
    pub policy_rate: f64,
    /// Firms that closed this month owing the bank more than their cash.
    pub defaults: u64,
    /// Deposits at the end of the month, cents (written in yuan, exactly).
    pub deposits: i128,
    /// What the government owes the bank at the end of the month, cents (written in yuan, exactly).
    pub government_debt: i128,
    /// Output by sector at set-up prices, yuan/month (sector order).
    pub output_by_sector: Vec<f64>,
    /// Share of employment by sector (sector order).
    pub employment_share_by_sector: Vec<f64>,
}

/// What the metrics row needs beyond the world at the end of the month:
/// the firms' totals and the sums over residents. The housing phase, the
/// month's last pass over residents, gathers it (a big city's every pass
/// costs a sweep of memory); [`row_and_accounts`] gathers the same from the
/// world alone.
#[derive(Debug, Clone)]
pub struct Tally {
    firms: FirmTotals,
    /// The month's price index.
    prices: f64,
    /// Sums over residents, filled by the caller.
    pub(crate) sums: Sums,
}

impl Tally {
    /// Starts the tally of the world's month: the firms' totals (firms do
    /// not change after the incomes phase) and empty sums.
    pub(crate) fn begin(w: &World) -> Tally {
        let firms = FirmTotals::of(w);
        let prices = firms.price_index(&w.sectors);
        Tally {
            firms,
            prices,
            sums: Sums::new(w.city.offset_km.len()),
        }
    }

    /// The month's price index.
    pub(crate) fn prices(&self) -> f64 {
        self.prices
    }
}

/// A commute in thousandths of a minute, truncated: the term that commute
/// sums add (here and in `zones.csv`), so that their means agree.
#[inline]
pub fn commute_milli(minutes: f64) -> i64 {
    (minutes * 1000.0) as i64
}

/// Sums over firms, from one pass over their records (a big city's firm
/// records are tens of megabytes, and this runs on one thread). Each float
/// sum is added in firm order, as a loop of its own would add it.
#[derive(Debug, Clone)]
struct FirmTotals {
    /// Per sector: revenue, units sold, sum of prices, firms.
    value: Vec<f64>,
    units: Vec<f64>,
    price_sum: Vec<f64>,
    firms: Vec<f64>,
    /// Per sector: employees.
    staff: Vec<u64>,
    wage_bill: i64,
    vacancies: u64,
    cash: i64,
    /// Employment-weighted productivity (with the IMP gain) and its weight.
    productivity: f64,
    weight: f64,
}

impl FirmTotals {
    fn of(w: &World) -> FirmTotals {
        let k = w.sectors.len();
        let gain = w.platforms.imp.gain;
        let mut t = FirmTotals {
            value: vec![0.0; k],
            units: vec![0.0; k],
            price_sum: vec![0.0; k],
            firms: vec![0.0; k],
            staff: vec![0; k],
            wage_bill: 0,
            vacancies: 0,
            cash: 0,
            productivity: 0.0,
            weight: 0.0,
        };
        for f in &w.firms.list {
            let s = f.sector as usize;
            t.value[s] += f.revenue as f64;
            t.units[s] += f.sales;
            t.price_sum[s] += f.price as f64;
            t.firms[s] += 1.0;
            t.staff[s] += f.employees as u64;
            t.wage_bill += f.wage_bill;
            t.vacancies += f.vacancies as u64;
            t.cash += f.cash;
            t.productivity += f.effective_productivity(gain) * f.employees as f64;
            t.weight += f.employees as f64;
        }
        t
    }

    /// Sector price index, set-up = 1.
    fn price_index(&self, sectors: &[Sector]) -> f64 {
        sectors
            .iter()
            .enumerate()
            .map(|(s, sector)| {
                let mean = if self.units[s] > 0.0 {
                    self.value[s] / self.units[s]
                } else if self.firms[s] > 0.0 {
                    self.price_sum[s] / self.firms[s]
                } else {
                    sector.base_price
                };
                sector.budget_share * mean / sector.base_price
            })
            .sum()
    }
}

/// Sector price index, set-up = 1: the budget-share-weighted mean of each
/// sector's mean price (revenue over units sold; the plain mean of posted
/// prices in a sector that sold nothing) over its set-up level.
pub fn price_index(w: &World) -> f64 {
    FirmTotals::of(w).price_index(&w.sectors)
}

pub use crate::model::wellbeing::wellbeing;
use crate::model::wellbeing::wellbeing_sum;

/// Computes the metrics row of the current month.
pub fn row(w: &World, p: &Scenario) -> Row {
    row_and_accounts(w, p).0
}

/// Computes the metrics row and the money of each holder class (residents,
/// firms, government, platforms; as `World::account_totals`) from the world
/// alone, in one pass over residents. A month's step takes the same from
/// the tally of the housing phase (`row_from`); this is the reference it
/// is tested against.
pub fn row_and_accounts(w: &World, p: &Scenario) -> (Row, Accounts) {
    let mut tally = Tally::begin(w);
    let prices = tally.prices;
    let spots = w.firm_spots();
    let (city, telework) = (&w.city, Telework::new(p));
    let far = par::far(spots.len());
    let (offsets, chunk) = (city.offset_km.len(), chunk_len(w.residents.len()));
    let residents = &w.residents;
    tally.sums = residents
        .people
        .par_chunks(chunk)
        .zip(residents.consumption.par_chunks(chunk))
        .zip(residents.receivable.par_chunks(chunk))
        .map(|((people, consumption), receivable)| {
            let mut sums = Sums::new(offsets);
            for (j, r) in people.iter().enumerate() {
                if far {
                    par::prefetch_employer(&spots, people, j);
                }
                if let Some(f) = spots.get(r.employer.index()) {
                    let teleworks = telework.teleworks(r.flags, f.manufacturing);
                    sums.add_trip(city.offset(r.home, f.zone), teleworks);
                }
                sums.add(r, consumption[j], receivable[j], prices);
            }
            sums.end_group();
            sums
        })
        .reduce(|| Sums::new(offsets), Sums::merge);
    row_from(w, p, tally)
}

/// The metrics row and the money of each holder class (as
/// [`row_and_accounts`]) from the month's tally: the sums of a pass over
/// every resident at the end of the month, taken after the last phase that
/// moves money.
pub(crate) fn row_from(w: &World, p: &Scenario, tally: Tally) -> (Row, Accounts) {
    let (firms, city) = (&w.firms.list, &w.city);
    let (totals, prices, acc) = (tally.firms, tally.prices, tally.sums);
    let n = w.residents.len();
    let telework = Telework::new(p);
    // Commutes from the counts by offset, at this month's minutes: integer
    // sums as a pass over the workers would add them one by one, and the
    // minutes of the well-being term in offset order.
    let share = telework.share_of_days();
    let telework_micro_each = (share * MICRO) as i64;
    let mut commute_hist = vec![0i64; COMMUTE_BINS];
    let (mut employed, mut commute_sum, mut telework_micro) = (0u64, 0i128, 0i64);
    // Commute sums are integers, here and by zone in `zones.csv`: a commute
    // so long that the thousandths of a minute of every resident would not
    // fit an i64 leaves the mean infinite, which the month refuses to print
    // (`check_row`), instead of a saturated or wrapped figure.
    let most_milli = i64::MAX as i128 / (n as i128).max(1);
    let mut commute_overflow = false;
    let mut workday_minutes = 0.0;
    let commutes = Commutes::new(city, &p.city);
    for (&[commuters, teleworkers], &minutes) in acc.trips.iter().zip(commutes.minutes_by_offset())
    {
        let workers = commuters as i64 + teleworkers as i64;
        if workers == 0 {
            continue;
        }
        let bin = ((minutes * 10.0) as usize).min(COMMUTE_BINS - 1);
        employed += workers as u64;
        let milli = commute_milli(minutes) as i128;
        // A NaN or a saturated cast fails the first test.
        let fits = (minutes * 1000.0) < most_milli as f64;
        commute_overflow |= !fits || milli > most_milli;
        commute_sum += workers as i128 * milli;
        commute_hist[bin] += workers;
        telework_micro += teleworkers as i64 * telework_micro_each;
        workday_minutes +=
            commuters as f64 * minutes + teleworkers as f64 * minutes * (1.0 - share);
    }
    // Offset 0 is a workplace in the home zone.
    let home_zone = acc.trips.first().map_or(0, |t| t[0] as i64 + t[1] as i64);
    // Well-being: the grouped log real consumption, and the other terms of
    // every resident summed (the commute's from the minutes above).
    // Public employees are employed but not in the commute figures: they
    // work where they live (MODEL.md 3.16).
    let public = w.government.public_staff;
    let wellbeing_total = wellbeing_sum(
        p,
        acc.log_consumption_micro as f64 / MICRO,
        workday_minutes,
        (n as u64).saturating_sub(employed + public) as f64,
        acc.users as f64,
    );
    let p90 = {
        let target = (0.9 * employed as f64).ceil() as i64;
        let mut cum = 0;
        let mut bin = 0;
        for (i, c) in commute_hist.iter().enumerate() {
            cum += c;
            if cum >= target && employed > 0 {
                bin = i;
                break;
            }
        }
        // The last bin holds every commute of 600 minutes or more: a
        // percentile there is not known, and is not written as 599.95.
        if bin == COMMUTE_BINS - 1 {
            f64::INFINITY
        } else {
            (bin as f64 + 0.5) / 10.0
        }
    };
    // The rent of every resident's home zone, summed: each zone's rent times
    // its occupants (who are kept equal to the residents living there).
    let rent: i64 = city.zones.iter().map(|z| z.rent * z.occupants as i64).sum();
    let staff = &totals.staff;
    let wage_bill = totals.wage_bill;
    let staffed: u64 = staff.iter().sum();
    let yuan = |cents: f64| cents / CENTS as f64;
    let mut accounts = Accounts::default();
    for h in Holder::ALL {
        accounts[h] = match h {
            Holder::Residents => acc.wealth + acc.owed,
            Holder::Firms => totals.cash,
            Holder::Government => w.government.balance,
            Holder::Platforms => w.platforms_money(),
            Holder::Bank => w.bank.equity,
        };
    }
    let row = Row {
        month: w.month,
        population: n as u64,
        employed: employed + public,
        unemployment_rate: if n > 0 {
            1.0 - (employed + public) as f64 / n as f64
        } else {
            0.0
        },
        vacancies: totals.vacancies,
        firms: firms.len() as u64,
        events: w.counters.events as u64,
        startups: w.counters.startups as u64,
        exits: w.counters.exits as u64,
        hires: w.counters.hires as u64,
        moves: w.counters.moves as u64,
        mean_wage: if staffed > 0 {
            yuan(wage_bill as f64 / staffed as f64)
        } else {
            0.0
        },
        price_index: prices,
        output: yuan(w.counters.real_output_cents),
        gdp_nominal: yuan(w.counters.nominal_output_cents),
        consumption: w.counters.consumption as i128,
        investment: w.counters.investment as i128,
        government_purchases: w.counters.government_purchases as i128,
        mean_commute_min: if commute_overflow {
            f64::INFINITY
        } else if employed > 0 {
            commute_sum as f64 / 1000.0 / employed as f64
        } else {
            0.0
        },
        p90_commute_min: if employed > 0 { p90 } else { 0.0 },
        mean_rent: if n > 0 {
            yuan(rent as f64 / n as f64)
        } else {
            0.0
        },
        gini_income: gini(&acc.income_hist),
        gini_wealth: gini(&acc.wealth_hist),
        wellbeing: if n > 0 {
            wellbeing_total / n as f64
        } else {
            0.0
        },
        money_total: accounts.0.iter().map(|&a| a as i128).sum(),
        government_balance: w.government.balance as i128,
        congestion: city.congestion,
        imp_members: w.platforms.imp.members as u64,
        // Only the platforms phase flags users, and it keeps their count.
        ilp_users: w.platforms.ilp.members as u64,
        telework_share: if employed > 0 {
            telework_micro as f64 / MICRO / employed as f64
        } else {
            0.0
        },
        home_zone_work_share: if employed > 0 {
            home_zone as f64 / employed as f64
        } else {
            0.0
        },
        incubated_startups: w.counters.incubated as u64,
        venture_funding: w.counters.venture as i128,
        innovations: w.counters.innovations as u64,
        mean_productivity: if totals.weight > 0.0 {
            totals.productivity / totals.weight
        } else {
            0.0
        },
        loans: w.bank.loans as i128,
        bank_equity: w.bank.equity as i128,
        // The rate this month's loans were charged (the close sets the next).
        policy_rate: w.bank.policy_rate,
        defaults: w.counters.defaults as u64,
        deposits: (accounts[Holder::Residents]
            + accounts[Holder::Firms]
            + accounts[Holder::Platforms]
            + accounts[Holder::Government].max(0)) as i128,
        government_debt: (-w.government.balance).max(0) as i128,
        output_by_sector: w
            .counters
            .real_output_by_sector
            .iter()
            .map(|&c| yuan(c))
            .collect(),
        employment_share_by_sector: staff
            .iter()
            .map(|&s| {
                if staffed > 0 {
                    s as f64 / staffed as f64
                } else {
                    0.0
                }
            })
            .collect(),
    };
    (row, accounts)
}

impl Row {
    /// Column names ([`columns::COLUMNS`], then [`columns::SECTOR_COLUMNS`]
    /// for each sector).
    pub fn header(sectors: &[String]) -> Vec<String> {
        let mut h: Vec<String> = COLUMNS.iter().map(|c| c.name.to_string()).collect();
        for c in SECTOR_COLUMNS {
            h.extend(sectors.iter().map(|s| format!("{}{s}", c.prefix)));
        }
        h
    }

    /// The row's values in header order, each as it is written.
    fn cells(&self) -> Vec<Cell> {
        let cell = |value: Value, format: Format| match (value, format) {
            (Value::Cents(c), _) => Cell::Cents(c),
            (Value::Number(x), Format::Integer) => Cell::Number(x, 0),
            (Value::Number(x), Format::Decimals(d)) => Cell::Number(x, d),
            (Value::Number(x), Format::Yuan) => Cell::Number(x, 2),
        };
        let mut v: Vec<Cell> = COLUMNS
            .iter()
            .map(|c| cell((c.value)(self), c.format))
            .collect();
        let sectors = self.output_by_sector.len();
        for c in SECTOR_COLUMNS {
            v.extend((0..sectors).map(|s| cell((c.value)(self, s), c.format)));
        }
        v
    }

    /// The first column whose value cannot be written as a result: a number
    /// that is not finite (an overflow upstream), or money beyond what an
    /// i64 of cents holds. Returns its index in the header and its value as
    /// text.
    pub fn out_of_limits(&self) -> Option<(usize, String)> {
        self.cells()
            .into_iter()
            .enumerate()
            .find_map(|(k, cell)| match cell {
                Cell::Number(x, _) if !x.is_finite() => {
                    Some((k, format!("not a finite number ({x})")))
                }
                Cell::Cents(c) if i64::try_from(c).is_err() => Some((k, cell.text())),
                _ => None,
            })
    }

    /// The row's values as numbers, in header order.
    pub fn values(&self) -> Vec<f64> {
        self.cells().iter().map(Cell::value).collect()
    }

    /// The row's values, formatted for CSV in header order.
    pub fn record(&self) -> Vec<String> {
        self.cells().iter().map(Cell::text).collect()
    }
}

/// One value of a row, as it is written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    /// A number and its decimals.
    Number(f64, usize),
    /// Money in cents, written in yuan with two decimals, exactly.
    Cents(i128),
}

impl Cell {
    fn value(&self) -> f64 {
        match *self {
            Cell::Number(x, _) => x,
            Cell::Cents(c) => c as f64 / CENTS as f64,
        }
    }

    fn text(&self) -> String {
        match *self {
            Cell::Number(x, decimals) => format!("{x:.decimals$}"),
            Cell::Cents(c) => yuan_text(c),
        }
    }
}

/// Cents as yuan with two decimals, exactly (`-0.50`, `1234.05`): the same
/// text as formatting `c / 100` as a float while a float holds it exactly,
/// and still exact beyond.
pub fn yuan_text(cents: i128) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_sums_the_log_consumption_of_its_members() {
        // Real consumption from below 1 (counted as 1) to far above any
        // plausible level, and odd values: zero, not a number, infinity.
        let mut real: Vec<f64> = (0..WELLBEING_GROUP)
            .map(|k| 0.37 * 1.9f64.powi(k as i32 % 40) + k as f64)
            .collect();
        real[3] = 0.0;
        real[5] = f64::NAN;
        real[7] = 1.0e300;
        let mut group = WellbeingSum::new();
        let mut one_by_one = 0.0;
        for &x in &real {
            group.add(x);
            let x = if x.is_nan() { 1.0 } else { x };
            one_by_one += x.max(1.0).ln();
        }
        let sum = group.sum();
        assert!(
            (sum - one_by_one).abs() < 1e-9 * one_by_one.abs(),
            "grouped {sum} against one by one {one_by_one}"
        );
        // Taking the sum starts an empty group, which sums to 0.
        assert_eq!(group.take_micro(), (sum * MICRO) as i64);
        assert_eq!(group.take_micro(), 0);
        // An infinite consumption counts as the largest finite one.
        let mut group = WellbeingSum::new();
        group.add(f64::INFINITY);
        assert!((group.sum() - f64::MAX.ln()).abs() < 1e-9);
    }

    #[test]
    fn gini_of_equal_values_is_zero_and_of_one_holder_near_one() {
        let mut bins = vec![[0i64; 2]; 4];
        bins[2] = [10, 1000];
        assert!(gini(&bins).abs() < 1e-12);
        let mut bins = vec![[0i64; 2]; 4];
        bins[0] = [99, 0];
        bins[3] = [1, 1000];
        assert!((gini(&bins) - 0.99).abs() < 1e-9, "{}", gini(&bins));
    }

    #[test]
    fn money_is_written_to_the_cent_beyond_what_a_float_holds() {
        assert_eq!(yuan_text(0), "0.00");
        assert_eq!(yuan_text(-50), "-0.50");
        assert_eq!(yuan_text(123_405), "1234.05");
        // Where a float still holds every cent, the text is the float's.
        for c in [1i128, 99, 100, -101, 987_654_321, -(1 << 50) + 7] {
            assert_eq!(yuan_text(c), format!("{:.2}", c as f64 / 100.0), "{c}");
        }
        // 2^53 + 1 cents: a float rounds it to 2^53, the text does not.
        let c = (1i128 << 53) + 1;
        assert_eq!(yuan_text(c), "90071992547409.93");
        assert_eq!(format!("{:.2}", c as f64 / 100.0), "90071992547409.92");
    }

    #[test]
    fn money_bins_are_ordered() {
        let mut last = 0;
        for v in [0, 1, 2, 100, 10_000, 1_000_000, i64::MAX / 4] {
            let b = money_bin(v);
            assert!(b >= last);
            last = b;
        }
    }
}
