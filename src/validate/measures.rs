//! The stylized facts of one run, from its `timeseries.csv` and, for the
//! others, its zone snapshots, its firm records (`firms.csv`, `exits.csv`)
//! and its resident sample (`residents.csv`): each measure's value with
//! its definition.

use std::collections::BTreeMap;

use super::estimators::{
    HP_LAMBDA_QUARTERLY, correlation, excess_kurtosis, fit_power_law, growth_per_year, hp_filter,
    ols, top_share,
};

/// The names of every measure, in the order written: those of
/// [`of_series`], [`of_zones`], [`of_firms`] and [`of_residents`].
pub const NAMES: &[&str] = &[
    "unemployment_mean",
    "unemployment_sd",
    "beveridge_correlation",
    "okun_coefficient",
    "phillips_slope",
    "inflation_per_year",
    "nominal_wage_growth",
    "real_wage_growth",
    "firm_count_trend",
    "startup_rate",
    "exit_rate",
    "commute_mean",
    "commute_p90",
    "home_zone_work_share",
    "gini_income",
    "gini_wealth",
    "consumption_share",
    "density_gradient",
    "density_gradient_r2",
    "rent_gradient",
    "rent_gradient_r2",
    "centre_job_share",
    "centre_resident_share",
    "firm_size_tail_exponent",
    "firm_size_xmin",
    "firm_growth_kurtosis",
    "survival_1y",
    "survival_2y",
    "survival_4y",
    "top10_income_share",
    "top10_wealth_share",
];

/// Firms in the size tail a power-law fit needs at least (Clauset, Shalizi
/// and Newman 2009 find fits of fewer than about 50 values unreliable).
pub const MIN_TAIL: usize = 50;

/// One measured fact.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// Short name, as in `validation.csv`.
    pub name: &'static str,
    /// Its value (not a number when the run cannot tell, e.g. a window
    /// too short for a yearly figure).
    pub value: f64,
    /// Unit, in words.
    pub unit: &'static str,
    /// How it is computed.
    pub definition: &'static str,
}

impl Measure {
    /// A measure's value with its name, unit and definition.
    fn new(
        name: &'static str,
        value: f64,
        unit: &'static str,
        definition: &'static str,
    ) -> Measure {
        Measure {
            name,
            value,
            unit,
            definition,
        }
    }
}

/// A zone at one snapshot month: its distance to the centre (km), its land
/// use, residents, jobs and rent (yuan/month).
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneAt {
    /// Distance from the zone's centre to the city's centre, km.
    pub km: f64,
    /// Whether the zone is the central business district.
    pub centre: bool,
    /// Residents living in the zone.
    pub residents: f64,
    /// Jobs in the zone.
    pub jobs: f64,
    /// Dwelling rent, yuan/month.
    pub rent: f64,
}

/// The run's series, by column name, over months `window` (inclusive).
struct Series<'a> {
    header: &'a [String],
    rows: Vec<&'a Vec<f64>>,
}

impl Series<'_> {
    fn column(&self, name: &str) -> Vec<f64> {
        match self.header.iter().position(|h| h == name) {
            Some(k) => self.rows.iter().map(|r| r[k]).collect(),
            None => Vec::new(),
        }
    }
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.iter().sum::<f64>() / v.len() as f64
}

fn sd(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return f64::NAN;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// Means of consecutive blocks of `k` values (a last partial block is
/// dropped): monthly to quarterly (3) or yearly (12).
fn blocks(v: &[f64], k: usize) -> Vec<f64> {
    v.chunks_exact(k).map(mean).collect()
}

/// The measures of a run's monthly `rows` (in `header` order, `month`
/// first) over months `window` (inclusive; the whole run if `None`).
pub fn of_series(header: &[String], rows: &[Vec<f64>], window: Option<[u32; 2]>) -> Vec<Measure> {
    let month = header.iter().position(|h| h == "month").unwrap_or(0);
    let series = Series {
        header,
        rows: rows
            .iter()
            .filter(|r| {
                let m = r[month] as u32;
                window.is_none_or(|[from, to]| m >= from && m <= to)
            })
            .collect(),
    };
    let u = series.column("unemployment_rate");
    let population = series.column("population");
    let vacancy_rate: Vec<f64> = series
        .column("vacancies")
        .iter()
        .zip(&population)
        .map(|(v, n)| if *n > 0.0 { v / n } else { 0.0 })
        .collect();
    let output = series.column("output");
    let prices = series.column("price_index");
    let wages = series.column("mean_wage");
    let real_wages: Vec<f64> = wages.iter().zip(&prices).map(|(w, p)| w / p).collect();
    let firms = series.column("firms");
    // Cyclical parts of quarterly means.
    let cycle = |v: &[f64]| hp_filter(&blocks(v, 3), HP_LAMBDA_QUARTERLY).1;
    let log = |v: &[f64]| v.iter().map(|x| x.max(1e-12).ln()).collect::<Vec<_>>();
    let u_cycle = cycle(&u);
    let beveridge = correlation(&u_cycle, &cycle(&vacancy_rate)).unwrap_or(f64::NAN);
    let okun = ols(&cycle(&log(&output)), &u_cycle)
        // Points of unemployment per per cent of output.
        .map_or(f64::NAN, |l| l.slope);
    // Phillips: yearly price inflation on the year's mean unemployment.
    let yearly_prices = blocks(&prices, 12);
    let inflation: Vec<f64> = yearly_prices
        .windows(2)
        .map(|w| (w[1] / w[0] - 1.0) * 100.0)
        .collect();
    let yearly_u: Vec<f64> = blocks(&u, 12).iter().skip(1).map(|x| x * 100.0).collect();
    let phillips = ols(&yearly_u, &inflation).map_or(f64::NAN, |l| l.slope);
    let per_year = |name: &str| {
        let v = series.column(name);
        let years = v.len() as f64 / 12.0;
        v.iter().sum::<f64>() / years / mean(&firms) * 100.0
    };
    let total = |name: &str| series.column(name).iter().sum::<f64>();
    // Nominal output where the run has it (consumption is nominal too).
    let nominal = total("gdp_nominal");
    let consumption_share = total("consumption")
        / if series.header.iter().any(|h| h == "gdp_nominal") {
            nominal
        } else {
            total("output")
        }
        * 100.0;
    let firm_trend = growth_per_year(&firms, 1.0)
        .map_or(f64::NAN, |g| ((1.0 + g / 100.0).powi(10) - 1.0) * 100.0);
    let growth = |v: &[f64]| growth_per_year(v, 1.0).unwrap_or(f64::NAN);
    let m = Measure::new;
    vec![
        m(
            "unemployment_mean",
            mean(&u) * 100.0,
            "% of residents",
            "mean of the monthly unemployment rate",
        ),
        m(
            "unemployment_sd",
            sd(&u) * 100.0,
            "points",
            "standard deviation of the monthly unemployment rate",
        ),
        m(
            "beveridge_correlation",
            beveridge,
            "-",
            "correlation of the cyclical parts (HP filter, lambda 1600, of quarterly means) of the unemployment and vacancy rates",
        ),
        m(
            "okun_coefficient",
            okun,
            "points per %",
            "slope of the unemployment rate's cyclical part (points) on log output's (per cent), quarterly means, HP lambda 1600",
        ),
        m(
            "phillips_slope",
            phillips,
            "points per point",
            "slope of yearly price inflation (%) on the year's mean unemployment rate (%), from the second year",
        ),
        m(
            "inflation_per_year",
            growth(&prices),
            "%/year",
            "compound growth of price_index (least-squares slope of its log)",
        ),
        m(
            "nominal_wage_growth",
            growth(&wages),
            "%/year",
            "compound growth of mean_wage",
        ),
        m(
            "real_wage_growth",
            growth(&real_wages),
            "%/year",
            "compound growth of mean_wage / price_index",
        ),
        m(
            "firm_count_trend",
            firm_trend,
            "%/decade",
            "compound growth of the number of firms, over ten years",
        ),
        m(
            "startup_rate",
            per_year("startups"),
            "% of firms a year",
            "startups a year over the mean number of firms",
        ),
        m(
            "exit_rate",
            per_year("exits"),
            "% of firms a year",
            "exits a year over the mean number of firms",
        ),
        m(
            "commute_mean",
            mean(&series.column("mean_commute_min")),
            "minutes",
            "mean of mean_commute_min",
        ),
        m(
            "commute_p90",
            mean(&series.column("p90_commute_min")),
            "minutes",
            "mean of p90_commute_min",
        ),
        m(
            "home_zone_work_share",
            mean(&series.column("home_zone_work_share")) * 100.0,
            "% of the employed",
            "mean of home_zone_work_share",
        ),
        m(
            "gini_income",
            mean(&series.column("gini_income")),
            "-",
            "mean of gini_income",
        ),
        m(
            "gini_wealth",
            mean(&series.column("gini_wealth")),
            "-",
            "mean of gini_wealth",
        ),
        m(
            "consumption_share",
            consumption_share,
            "% of output",
            "household consumption over nominal output (gdp_nominal; output at set-up prices for runs written before that column), summed over the window",
        ),
    ]
}

/// The spatial measures of one zone snapshot: residential density and rent
/// gradients (ln on distance to the centre, residential zones with
/// residents: Clark 1951) and the centre's shares of jobs and residents.
pub fn of_zones(zones: &[ZoneAt]) -> Vec<Measure> {
    let lived: Vec<&ZoneAt> = zones
        .iter()
        .filter(|z| !z.centre && z.residents > 0.0)
        .collect();
    let km: Vec<f64> = lived.iter().map(|z| z.km).collect();
    let density: Vec<f64> = lived.iter().map(|z| z.residents.ln()).collect();
    let rent: Vec<f64> = lived
        .iter()
        .filter(|z| z.rent > 0.0)
        .map(|z| z.rent.ln())
        .collect();
    let rent_km: Vec<f64> = lived
        .iter()
        .filter(|z| z.rent > 0.0)
        .map(|z| z.km)
        .collect();
    let d = ols(&km, &density);
    let r = ols(&rent_km, &rent);
    let share = |f: fn(&ZoneAt) -> f64| {
        let all: f64 = zones.iter().map(f).sum();
        let centre: f64 = zones.iter().filter(|z| z.centre).map(f).sum();
        if all > 0.0 {
            centre / all * 100.0
        } else {
            f64::NAN
        }
    };
    let m = Measure::new;
    vec![
        m(
            "density_gradient",
            d.map_or(f64::NAN, |l| l.slope),
            "ln residents per km",
            "least-squares slope of ln residents on km to the centre, zones outside the centre with residents",
        ),
        m(
            "density_gradient_r2",
            d.map_or(f64::NAN, |l| l.r2),
            "-",
            "R-squared of that fit",
        ),
        m(
            "rent_gradient",
            r.map_or(f64::NAN, |l| l.slope),
            "ln yuan per km",
            "least-squares slope of ln rent on km to the centre, the same zones",
        ),
        m(
            "rent_gradient_r2",
            r.map_or(f64::NAN, |l| l.r2),
            "-",
            "R-squared of that fit",
        ),
        m(
            "centre_job_share",
            share(|z| z.jobs),
            "% of jobs",
            "jobs in the centre over all jobs",
        ),
        m(
            "centre_resident_share",
            share(|z| z.residents),
            "% of residents",
            "residents of the centre over all residents",
        ),
    ]
}

/// One firm in one snapshot of `firms.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FirmAt {
    /// Snapshot month.
    pub month: u32,
    /// Permanent firm id.
    pub id: u64,
    /// Month the firm was founded (0 or negative for the firms of the
    /// initial city).
    pub founded: i64,
    /// Workers employed.
    pub workers: f64,
}

/// One firm's exit, from `exits.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExitAt {
    /// Month of the exit.
    pub month: u32,
    /// Permanent firm id.
    pub id: u64,
    /// Month the firm was founded (0 or negative for the firms of the
    /// initial city).
    pub founded: i64,
}

/// The firm measures of a run's firm snapshots and exits, over months
/// `window` (inclusive; all if `None`):
/// - the size tail: a discrete power law fitted to the workers of the
///   firms with any at the last snapshot (Clauset, Shalizi and Newman
///   2009: x_min minimises the Kolmogorov-Smirnov distance, at least
///   [`MIN_TAIL`] firms in the tail), reported as Zipf's exponent zeta of
///   P(S >= s) ~ s^-zeta, which is alpha - 1 (Axtell 2001);
/// - the excess kurtosis of yearly growth rates ln(workers a year later /
///   workers) of the firms with workers in two snapshots 12 months apart
///   (snapshots at multiples of 12 months; Stanley et al. 1996);
/// - survival: of the firms founded in the run (founding month at least
///   1, within the window), those founded at least k years before the
///   window's end, the share open for their first 12k months (closing, if
///   at all, in month founded + 12k or later), for k = 1, 2 and 4, all
///   founding cohorts pooled.
pub fn of_firms(firms: &[FirmAt], exits: &[ExitAt], window: Option<[u32; 2]>) -> Vec<Measure> {
    let within = |m: u32| window.is_none_or(|[from, to]| m >= from && m <= to);
    let end = window.map_or_else(
        || {
            let last_snap = firms.iter().map(|f| f.month).max().unwrap_or(0);
            let last_exit = exits.iter().map(|e| e.month).max().unwrap_or(0);
            last_snap.max(last_exit)
        },
        |[_, to]| to,
    );
    // The size tail, at the last snapshot within the window.
    let last = firms.iter().map(|f| f.month).filter(|&m| within(m)).max();
    let sizes: Vec<f64> = firms
        .iter()
        .filter(|f| Some(f.month) == last && f.workers > 0.0)
        .map(|f| f.workers)
        .collect();
    let fit = fit_power_law(&sizes, MIN_TAIL, true);
    // Yearly growth rates of firms present in consecutive yearly snapshots.
    let mut by_firm: BTreeMap<(u64, u32), f64> = BTreeMap::new();
    for f in firms
        .iter()
        .filter(|f| f.month % 12 == 0 && within(f.month) && f.workers > 0.0)
    {
        by_firm.insert((f.id, f.month), f.workers);
    }
    let growth: Vec<f64> = by_firm
        .iter()
        .filter_map(|(&(id, month), &w)| {
            by_firm
                .get(&(id, month + 12))
                .map(|&later| (later / w).ln())
        })
        .collect();
    // Survival: each firm founded within the window, with its exit month.
    let mut founded: BTreeMap<u64, (i64, Option<u32>)> = BTreeMap::new();
    for f in firms {
        founded.entry(f.id).or_insert((f.founded, None));
    }
    for e in exits {
        founded.insert(e.id, (e.founded, Some(e.month)));
    }
    let survival = |years: u32| {
        let horizon = 12 * years as i64;
        let (mut born, mut alive) = (0u64, 0u64);
        for &(start, exit) in founded.values() {
            // Open its first `horizon` months, founding month included: it
            // closes, if at all, in month start + horizon or later.
            if start >= 1 && within(start as u32) && start + horizon <= end as i64 {
                born += 1;
                if exit.is_none_or(|m| m as i64 >= start + horizon) {
                    alive += 1;
                }
            }
        }
        if born > 0 {
            alive as f64 / born as f64 * 100.0
        } else {
            f64::NAN
        }
    };
    let m = Measure::new;
    vec![
        m(
            "firm_size_tail_exponent",
            fit.map_or(f64::NAN, |f| f.alpha - 1.0),
            "-",
            "Zipf's exponent zeta of P(workers >= s) ~ s^-zeta above x_min: discrete maximum likelihood, x_min by the Kolmogorov-Smirnov distance (Clauset, Shalizi and Newman 2009), last firm snapshot",
        ),
        m(
            "firm_size_xmin",
            fit.map_or(f64::NAN, |f| f.x_min),
            "workers",
            "the x_min of that fit",
        ),
        m(
            "firm_growth_kurtosis",
            excess_kurtosis(&growth).unwrap_or(f64::NAN),
            "-",
            "excess kurtosis of ln(workers a year later / workers), firms with workers in both yearly snapshots",
        ),
        m(
            "survival_1y",
            survival(1),
            "% of new firms",
            "share of the firms founded in the run still open a year after founding, cohorts pooled",
        ),
        m(
            "survival_2y",
            survival(2),
            "% of new firms",
            "the same two years after founding",
        ),
        m(
            "survival_4y",
            survival(4),
            "% of new firms",
            "the same four years after founding",
        ),
    ]
}

/// One sampled resident in one snapshot of `residents.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResidentAt {
    /// Snapshot month.
    pub month: u32,
    /// Income this month, yuan.
    pub income: f64,
    /// Wealth, yuan.
    pub wealth: f64,
}

/// The distribution measures of the resident sample at its last snapshot
/// within `window` (inclusive; all if `None`): the top 10%'s shares of
/// income and wealth.
pub fn of_residents(residents: &[ResidentAt], window: Option<[u32; 2]>) -> Vec<Measure> {
    let within = |m: u32| window.is_none_or(|[from, to]| m >= from && m <= to);
    let last = residents
        .iter()
        .map(|r| r.month)
        .filter(|&m| within(m))
        .max();
    let at: Vec<&ResidentAt> = residents.iter().filter(|r| Some(r.month) == last).collect();
    let share = |f: fn(&ResidentAt) -> f64| {
        let v: Vec<f64> = at.iter().map(|r| f(r)).collect();
        if v.is_empty() {
            f64::NAN
        } else {
            top_share(&v, 0.1) * 100.0
        }
    };
    let m = Measure::new;
    vec![
        m(
            "top10_income_share",
            share(|r| r.income),
            "% of income",
            "the income of the top 10% of the resident sample over all its income, last snapshot",
        ),
        m(
            "top10_wealth_share",
            share(|r| r.wealth),
            "% of wealth",
            "the wealth of the top 10% of the resident sample over all its wealth (negative wealth counts as 0), last snapshot",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn value(ms: &[Measure], name: &str) -> f64 {
        ms.iter()
            .find(|m| m.name == name)
            .map(|m| m.value)
            .expect(name)
    }

    /// A synthetic run with known trends: prices grow 2% a year, wages
    /// 5%, firms fall 1% a year, 10 startups and 5 exits a month over
    /// 1,000 firms, unemployment alternating 6% and 8%, consumption 60%
    /// of output.
    #[test]
    fn the_measures_of_a_synthetic_run_are_its_known_values() {
        let h = header(&[
            "month",
            "population",
            "unemployment_rate",
            "vacancies",
            "firms",
            "startups",
            "exits",
            "mean_wage",
            "price_index",
            "output",
            "consumption",
        ]);
        let rows: Vec<Vec<f64>> = (1..=120)
            .map(|m| {
                let t = m as f64 / 12.0;
                vec![
                    m as f64,
                    1000.0,
                    if m % 2 == 0 { 0.06 } else { 0.08 },
                    50.0,
                    1000.0 * 0.99f64.powf(t),
                    10.0,
                    5.0,
                    8000.0 * 1.05f64.powf(t),
                    1.02f64.powf(t),
                    1.0e6,
                    6.0e5,
                ]
            })
            .collect();
        let ms = of_series(&h, &rows, None);
        assert!((value(&ms, "unemployment_mean") - 7.0).abs() < 1e-9);
        assert!((value(&ms, "inflation_per_year") - 2.0).abs() < 1e-6);
        assert!((value(&ms, "nominal_wage_growth") - 5.0).abs() < 1e-6);
        let real = (1.05 / 1.02 - 1.0) * 100.0;
        assert!((value(&ms, "real_wage_growth") - real).abs() < 1e-6);
        let decade = (0.99f64.powi(10) - 1.0) * 100.0;
        assert!((value(&ms, "firm_count_trend") - decade).abs() < 1e-6);
        let mean_firms = rows.iter().map(|r| r[4]).sum::<f64>() / 120.0;
        assert!((value(&ms, "startup_rate") - 120.0 / mean_firms * 100.0).abs() < 1e-9);
        assert!((value(&ms, "exit_rate") - 60.0 / mean_firms * 100.0).abs() < 1e-9);
        assert!((value(&ms, "consumption_share") - 60.0).abs() < 1e-9);
        // With nominal output (gdp_nominal) in the run, the share is of it.
        let mut h2 = h.clone();
        h2.push("gdp_nominal".into());
        let rows2: Vec<Vec<f64>> = rows
            .iter()
            .map(|r| {
                let mut r = r.clone();
                let consumption = r[10];
                r.push(consumption / 0.8);
                r
            })
            .collect();
        let ms2 = of_series(&h2, &rows2, None);
        assert!((value(&ms2, "consumption_share") - 80.0).abs() < 1e-9);
        // A window keeps only its months.
        let late = of_series(&h, &rows, Some([61, 120]));
        assert!((value(&late, "inflation_per_year") - 2.0).abs() < 1e-6);
    }

    #[test]
    fn a_beveridge_curve_and_okun_law_of_a_synthetic_cycle() {
        // A cycle: output up, unemployment down, vacancies up, together.
        let h = header(&[
            "month",
            "population",
            "unemployment_rate",
            "vacancies",
            "output",
        ]);
        let rows: Vec<Vec<f64>> = (1..=240)
            .map(|m| {
                let c = (m as f64 * std::f64::consts::TAU / 36.0).sin();
                vec![
                    m as f64,
                    1000.0,
                    0.07 - 0.01 * c,
                    50.0 + 10.0 * c,
                    1.0e6 * (0.02 * c).exp(),
                ]
            })
            .collect();
        let ms = of_series(&h, &rows, None);
        assert!(value(&ms, "beveridge_correlation") < -0.95, "{ms:?}");
        // 1 point of unemployment for 2% of output: -0.5 points per %
        // (a fraction per log point: -0.01 / 0.02).
        let okun = value(&ms, "okun_coefficient");
        assert!((okun + 0.5).abs() < 0.05, "Okun {okun}");
    }

    #[test]
    fn names_lists_every_measure_in_order() {
        let mut names: Vec<&str> = of_series(&header(&["month"]), &[], None)
            .iter()
            .map(|m| m.name)
            .collect();
        names.extend(of_zones(&[]).iter().map(|m| m.name));
        names.extend(of_firms(&[], &[], None).iter().map(|m| m.name));
        names.extend(of_residents(&[], None).iter().map(|m| m.name));
        assert_eq!(names, NAMES);
    }

    #[test]
    fn spatial_measures_of_a_city_with_known_gradients() {
        // ln residents = 7 - 0.1 km, ln rent = 8 - 0.05 km.
        let mut zones: Vec<ZoneAt> = (1..=20)
            .map(|k| {
                let km = k as f64;
                ZoneAt {
                    km,
                    centre: false,
                    residents: (7.0 - 0.1 * km).exp(),
                    jobs: 10.0,
                    rent: (8.0 - 0.05 * km).exp(),
                }
            })
            .collect();
        zones.push(ZoneAt {
            km: 0.0,
            centre: true,
            residents: 0.0,
            jobs: 800.0,
            rent: 5000.0,
        });
        let ms = of_zones(&zones);
        assert!((value(&ms, "density_gradient") + 0.1).abs() < 1e-9);
        assert!((value(&ms, "rent_gradient") + 0.05).abs() < 1e-9);
        assert!((value(&ms, "density_gradient_r2") - 1.0).abs() < 1e-9);
        assert!((value(&ms, "centre_job_share") - 80.0).abs() < 1e-9);
        assert_eq!(value(&ms, "centre_resident_share"), 0.0);
    }

    #[test]
    fn firm_measures_of_a_synthetic_population_are_known() {
        // Sizes at month 24 from the quantiles of a discrete Zipf tail with
        // zeta 1.1 above 20 workers, plus small firms below it.
        let zeta = 1.1;
        let n = 4000;
        let mut firms: Vec<FirmAt> = (1..=n)
            .map(|i| FirmAt {
                month: 24,
                id: i as u64,
                founded: 0,
                workers: (20.0 * (n as f64 / (i as f64 - 0.5)).powf(1.0 / zeta)).floor(),
            })
            .collect();
        firms.extend((0..2000).map(|i| FirmAt {
            month: 24,
            id: 10_000 + i,
            founded: 0,
            workers: 1.0 + (i % 5) as f64,
        }));
        // Growth from month 12 to 24: half the firms doubled, half halved:
        // a two-point distribution, excess kurtosis -2.
        firms.extend(firms.clone().iter().map(|f| FirmAt {
            month: 12,
            workers: if f.id % 2 == 0 {
                f.workers / 2.0
            } else {
                f.workers * 2.0
            },
            ..*f
        }));
        // Ten firms founded in month 1: three exit in month 6, two in month
        // 20; one founded in month 50 is too young for any horizon.
        let mut exits = Vec::new();
        for i in 0..10u64 {
            let id = 100_000 + i;
            match i {
                0..=2 => exits.push(ExitAt {
                    month: 6,
                    id,
                    founded: 1,
                }),
                3..=4 => exits.push(ExitAt {
                    month: 20,
                    id,
                    founded: 1,
                }),
                _ => firms.push(FirmAt {
                    month: 60,
                    id,
                    founded: 1,
                    workers: 0.0,
                }),
            }
        }
        firms.push(FirmAt {
            month: 60,
            id: 200_000,
            founded: 50,
            workers: 0.0,
        });
        let ms = of_firms(&firms, &exits, Some([1, 60]));
        // The last snapshot in the window is month 60, whose firms have no
        // workers: no tail.
        assert!(value(&ms, "firm_size_tail_exponent").is_nan());
        assert!((value(&ms, "survival_1y") - 70.0).abs() < 1e-9);
        assert!((value(&ms, "survival_2y") - 50.0).abs() < 1e-9);
        assert!((value(&ms, "survival_4y") - 50.0).abs() < 1e-9);
        let ms = of_firms(&firms, &exits, Some([1, 24]));
        let zeta_hat = value(&ms, "firm_size_tail_exponent");
        assert!((zeta_hat - zeta).abs() < 0.1, "zeta {zeta_hat}");
        assert!(value(&ms, "firm_size_xmin") >= 15.0, "{ms:?}");
        let k = value(&ms, "firm_growth_kurtosis");
        assert!((k + 2.0).abs() < 1e-9, "kurtosis {k}");
        // By month 24 only the one-year horizon has its cohort.
        assert!((value(&ms, "survival_1y") - 70.0).abs() < 1e-9);
        assert!(value(&ms, "survival_4y").is_nan());
    }

    #[test]
    fn top_shares_of_a_known_sample() {
        // Incomes 1..=20: the top two hold 39 of 210; wealth of one in
        // twenty holds everything.
        let rs: Vec<ResidentAt> = (1..=20)
            .map(|i| ResidentAt {
                month: 12,
                income: i as f64,
                wealth: if i == 7 { 500.0 } else { 0.0 },
            })
            .chain((1..=20).map(|i| ResidentAt {
                month: 6,
                income: 1.0,
                wealth: i as f64,
            }))
            .collect();
        let ms = of_residents(&rs, None);
        assert!((value(&ms, "top10_income_share") - 39.0 / 210.0 * 100.0).abs() < 1e-9);
        assert!((value(&ms, "top10_wealth_share") - 100.0).abs() < 1e-9);
        let ms = of_residents(&rs, Some([1, 11]));
        assert!((value(&ms, "top10_income_share") - 10.0).abs() < 1e-9);
        assert!(value(&of_residents(&[], None), "top10_wealth_share").is_nan());
    }
}
