//! The columns of `timeseries.csv`, as one table: each column's name,
//! unit, format, meaning, how it is computed, and where its value comes
//! from in a [`Row`]. The CSV header and cells, the column table of
//! docs/OUTPUT.md (generated, and held equal by a test), the fields of
//! `datapackage.json` and the labels of the charts all come from it:
//! adding a column is a field of [`Row`] and one entry here.

use super::Row;

/// How a column's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A whole number.
    Integer,
    /// A number with this many decimals.
    Decimals(usize),
    /// Money: cents written in yuan with two decimals, exactly.
    Yuan,
}

impl Format {
    /// The format in words, as docs/OUTPUT.md gives it.
    pub fn words(self) -> String {
        match self {
            Format::Integer => "integer".into(),
            Format::Decimals(1) => "1 decimal".into(),
            Format::Decimals(d) => format!("{d} decimals"),
            Format::Yuan => "2 decimals".into(),
        }
    }

    /// The Frictionless Table Schema type of the column.
    pub fn schema_type(self) -> &'static str {
        match self {
            Format::Integer => "integer",
            Format::Decimals(_) | Format::Yuan => "number",
        }
    }
}

/// A value of a row, before it is formatted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A count or a measure.
    Number(f64),
    /// Money in cents.
    Cents(i128),
}

/// One column of `timeseries.csv`.
#[derive(Clone, Copy)]
pub struct Column {
    /// Header name.
    pub name: &'static str,
    /// Unit, in words.
    pub unit: &'static str,
    /// How values are written.
    pub format: Format,
    /// What it measures, in a sentence.
    pub meaning: &'static str,
    /// How it is computed, exactly.
    pub computed: &'static str,
    /// Its value in a row.
    pub value: fn(&Row) -> Value,
}

/// A column written once per sector, named `<prefix><sector>`.
#[derive(Clone, Copy)]
pub struct SectorColumn {
    /// Name before the sector's.
    pub prefix: &'static str,
    /// Unit, in words.
    pub unit: &'static str,
    /// How values are written.
    pub format: Format,
    /// What it measures, in a sentence.
    pub meaning: &'static str,
    /// How it is computed, exactly.
    pub computed: &'static str,
    /// Its value in a row for sector `s` (in the scenario's order).
    pub value: fn(&Row, usize) -> Value,
}

/// The city-wide columns, in the order written.
pub const COLUMNS: &[Column] = &[
    Column {
        name: "month",
        unit: "month",
        format: Format::Integer,
        meaning: "Month (1-based).",
        computed: "month number, 1-based",
        value: |r| Value::Number(r.month as f64),
    },
    Column {
        name: "population",
        unit: "residents",
        format: Format::Integer,
        meaning: "Residents.",
        computed: "number of residents (constant over a run)",
        value: |r| Value::Number(r.population as f64),
    },
    Column {
        name: "employed",
        unit: "residents",
        format: Format::Integer,
        meaning: "Residents with a job.",
        computed: "residents with an employer at the end of the month, plus the government's public employees (`government.public_employment_share`; none by default)",
        value: |r| Value::Number(r.employed as f64),
    },
    Column {
        name: "unemployment_rate",
        unit: "share",
        format: Format::Decimals(6),
        meaning: "Unemployed over residents (every resident is in the labour force).",
        computed: "1 - employed / population (every resident is in the labour force)",
        value: |r| Value::Number(r.unemployment_rate),
    },
    Column {
        name: "vacancies",
        unit: "jobs",
        format: Format::Integer,
        meaning: "Open vacancies posted this month.",
        computed: "vacancies posted this month in the plan phase by the firms still open at the end of the month (posted, not the ones left unfilled)",
        value: |r| Value::Number(r.vacancies as f64),
    },
    Column {
        name: "firms",
        unit: "firms",
        format: Format::Integer,
        meaning: "Firms alive at the end of the month.",
        computed: "firms open at the end of the month, this month's startups included and the firms closed by a capacity cut excluded",
        value: |r| Value::Number(r.firms as f64),
    },
    Column {
        name: "events",
        unit: "events",
        format: Format::Integer,
        meaning: "Scenario events applied at the start of this month.",
        computed: "`[[events]]` entries of the scenario applied at the start of this month (docs/MODEL.md, 3.5)",
        value: |r| Value::Number(r.events as f64),
    },
    Column {
        name: "startups",
        unit: "firms",
        format: Format::Integer,
        meaning: "Firms founded this month.",
        computed: "firms founded this month, incubated ones included",
        value: |r| Value::Number(r.startups as f64),
    },
    Column {
        name: "exits",
        unit: "firms",
        format: Format::Integer,
        meaning: "Firms closed this month.",
        computed: "firms closed this month in the incomes phase (could not pay wages and workplace rent, or idle for `firms.idle_exit_months`); firms closed by a capacity cut at the start of the month are not counted here (they show in `firms`)",
        value: |r| Value::Number(r.exits as f64),
    },
    Column {
        name: "hires",
        unit: "hires",
        format: Format::Integer,
        meaning: "Hires this month.",
        computed: "residents hired this month, job-to-job moves included",
        value: |r| Value::Number(r.hires as f64),
    },
    Column {
        name: "moves",
        unit: "households",
        format: Format::Integer,
        meaning: "Residents who moved home this month.",
        computed: "residents who moved home this month",
        value: |r| Value::Number(r.moves as f64),
    },
    Column {
        name: "mean_wage",
        unit: "yuan/month",
        format: Format::Decimals(2),
        meaning: "Mean gross wage of the employed, yuan/month.",
        computed: "mean gross monthly wage of the employed: the sum of the open firms' wage bills over the sum of their workers",
        value: |r| Value::Number(r.mean_wage),
    },
    Column {
        name: "price_index",
        unit: "- (set-up near 1)",
        format: Format::Decimals(6),
        meaning: "Price index (set-up = 1): budget-share-weighted mean of sector prices over their set-up level.",
        computed: "sum over sectors of budget share x (sector mean price / sector base price); the sector mean price is this month's revenue over units sold, both rounds of the goods market included (or the unweighted mean posted price if the sector sold nothing, or the base price if it has no firms); the base price is the output-weighted mean posted price at set-up, so the index starts near 1",
        value: |r| Value::Number(r.price_index),
    },
    Column {
        name: "output",
        unit: "yuan/month at set-up prices",
        format: Format::Decimals(2),
        meaning: "Output valued at set-up prices, yuan/month.",
        computed: "real output: each firm's output this month (units, with the IMP gain for members) times its sector's base price, summed over all firms that produced, including any that closed later in the month",
        value: |r| Value::Number(r.output),
    },
    Column {
        name: "gdp_nominal",
        unit: "yuan/month",
        format: Format::Decimals(2),
        meaning: "Output valued at the producing firms' current prices, plus public services at cost, yuan/month: the city's nominal GDP.",
        computed: "each firm's output this month (units, with the IMP gain for members) times its price at the time it produced, summed over all firms that produced, including any that closed later in the month; plus the wages the government paid its public employees this month (none by default)",
        value: |r| Value::Number(r.gdp_nominal),
    },
    Column {
        name: "consumption",
        unit: "yuan/month",
        format: Format::Yuan,
        meaning: "Household consumption spending, cents/month (written in yuan, exactly).",
        computed: "households' spending on goods this month (integer sum of cents)",
        value: |r| Value::Cents(r.consumption),
    },
    Column {
        name: "investment",
        unit: "yuan/month",
        format: Format::Yuan,
        meaning: "Capital goods bought by firms, cents/month (written in yuan, exactly).",
        computed: "what firms paid for the capital goods they ordered (MODEL.md 3.11), from the stock the households left, integer sum of cents; 0 while `firms.capital_output_months` is 0",
        value: |r| Value::Cents(r.investment),
    },
    Column {
        name: "government_purchases",
        unit: "yuan/month",
        format: Format::Yuan,
        meaning: "Goods bought by the government, cents/month (written in yuan, exactly).",
        computed: "what the government paid for its purchases (`government.purchases_share` of the trend of nominal output, MODEL.md 3.11), from the stock the households left, integer sum of cents",
        value: |r| Value::Cents(r.government_purchases),
    },
    Column {
        name: "mean_commute_min",
        unit: "minutes",
        format: Format::Decimals(3),
        meaning: "Mean one-way commute of the employed, minutes.",
        computed: "mean one-way commute of the employed on a day they commute, at the congestion factor just computed (telework does not shorten it; see `telework_share`); each commute truncated to 1/1000 minute before the integer sum",
        value: |r| Value::Number(r.mean_commute_min),
    },
    Column {
        name: "p90_commute_min",
        unit: "minutes",
        format: Format::Decimals(1),
        meaning: "90th percentile of the one-way commute of the employed, minutes.",
        computed: "90th percentile of the employed's one-way commute (as in `mean_commute_min`): from a histogram of 0.1-minute bins (bin i holds commutes from i/10 to (i+1)/10 minutes; commutes of 599.9 minutes and more share the last bin), the midpoint of the first bin at which the cumulative count reaches ceil(0.9 x employed); 0 if nobody is employed",
        value: |r| Value::Number(r.p90_commute_min),
    },
    Column {
        name: "mean_rent",
        unit: "yuan/month",
        format: Format::Decimals(2),
        meaning: "Mean posted dwelling rent of residents' home zones (after this month's adjustment), yuan/month.",
        computed: "mean over residents of the current rent of their home zone's dwellings, after this month's rent adjustment (the rent due next month; not the amount paid this month)",
        value: |r| Value::Number(r.mean_rent),
    },
    Column {
        name: "gini_income",
        unit: "- (0 to 1)",
        format: Format::Decimals(6),
        meaning: "Gini of disposable income (negative incomes counted as 0).",
        computed: "Gini coefficient of residents' disposable income this month (net wage or benefit, transfer, dividends and payouts, less rent paid); incomes at or below 0 count as 0; from bins of 1/16 of a doubling (about 4.4% wide), each bin's members treated as equal",
        value: |r| Value::Number(r.gini_income),
    },
    Column {
        name: "gini_wealth",
        unit: "- (0 to 1)",
        format: Format::Decimals(6),
        meaning: "Gini of wealth.",
        computed: "Gini coefficient of residents' wealth (money held), from the same kind of bins",
        value: |r| Value::Number(r.gini_wealth),
    },
    Column {
        name: "wellbeing",
        unit: "log points",
        format: Format::Decimals(6),
        meaning: "Mean well-being index (log points).",
        computed: "mean over all residents of ln(max(1, consumption in yuan / price_index)) - 0.0085 x one-way commute minutes averaged over workdays (the commute x (1 - the share of workdays teleworked); 0 for the unemployed) - 0.5 if unemployed + 0.02 for an ILP user while the ILP is on (weights: `residents.wellbeing_commute_per_min`, `residents.wellbeing_unemployed`, `platforms.ilp.services_wellbeing`); the logarithms summed over fixed groups of 64 residents (by resident number; one logarithm a group, of the product of the members' real consumption), each group's sum truncated to millionths before the integer sum; the commute term from the count of workers at each grid offset between home and workplace (MODEL.md 3.4)",
        value: |r| Value::Number(r.wellbeing),
    },
    Column {
        name: "money_total",
        unit: "yuan",
        format: Format::Yuan,
        meaning: "All money in the city, cents (written in yuan, exactly).",
        computed: "all money in the city: residents' wealth and receivables + firms' cash + government balance + platforms' cash + the bank's equity; constant over a run except that it grows by exactly `venture_funding` and by the change of `loans` each month (stock-flow check)",
        value: |r| Value::Cents(r.money_total),
    },
    Column {
        name: "government_balance",
        unit: "yuan",
        format: Format::Yuan,
        meaning: "Government balance, cents (written in yuan, exactly).",
        computed: "the government's balance at the end of the month (may be negative)",
        value: |r| Value::Cents(r.government_balance),
    },
    Column {
        name: "congestion",
        unit: "- (>= 1)",
        format: Format::Decimals(6),
        meaning: "Congestion factor 1 + a (V/C)^b.",
        computed: "citywide congestion factor 1 + a (V/C)^b computed this month from the employed's one-way road km on the days they commute, V (each worker's km x (1 - its share of workdays teleworked)), and the road capacity C",
        value: |r| Value::Number(r.congestion),
    },
    Column {
        name: "imp_members",
        unit: "firms",
        format: Format::Integer,
        meaning: "Firms on the IMP platform.",
        computed: "firms on the IMP platform: while it is on, the firms that paid this month's fee in the platforms phase (including any that closed later in the month); while it is off, the firms still flagged as members from an earlier month (0 if it was never on)",
        value: |r| Value::Number(r.imp_members as f64),
    },
    Column {
        name: "ilp_users",
        unit: "residents",
        format: Format::Integer,
        meaning: "Residents using the ILP platform.",
        computed: "residents who use the ILP (users never stop; 0 if it was never on)",
        value: |r| Value::Number(r.ilp_users as f64),
    },
    Column {
        name: "telework_share",
        unit: "share of workdays",
        format: Format::Decimals(6),
        meaning: "Share of the employed's workdays worked from home.",
        computed: "mean over the employed of the share of workdays they work from home: `platforms.ilp.telework_days` / 5 for an ILP user in a service job that allows telework while the ILP is on, else 0; 0 if nobody is employed",
        value: |r| Value::Number(r.telework_share),
    },
    Column {
        name: "home_zone_work_share",
        unit: "share",
        format: Format::Decimals(6),
        meaning: "Share of the employed who work in the zone they live in.",
        computed: "share of the employed whose employer is in the zone they live in; 0 if nobody is employed",
        value: |r| Value::Number(r.home_zone_work_share),
    },
    Column {
        name: "incubated_startups",
        unit: "firms",
        format: Format::Integer,
        meaning: "Startups incubated by MEI bases this month.",
        computed: "startups incubated by MEI bases this month (included in `startups`)",
        value: |r| Value::Number(r.incubated_startups as f64),
    },
    Column {
        name: "venture_funding",
        unit: "yuan",
        format: Format::Yuan,
        meaning: "Venture money paid in from outside the city this month, cents (written in yuan, exactly).",
        computed: "MEI venture money paid in from outside the city this month, shared by the month's incubated startups (0 in a month with none); the only money that enters the city",
        value: |r| Value::Cents(r.venture_funding),
    },
    Column {
        name: "innovations",
        unit: "firms",
        format: Format::Integer,
        meaning: "Successful R&D steps this month.",
        computed: "firms whose own R&D succeeded this month (adoptions of startups' innovations not counted)",
        value: |r| Value::Number(r.innovations as f64),
    },
    Column {
        name: "mean_productivity",
        unit: "units per efficiency unit per month",
        format: Format::Decimals(6),
        meaning: "Employment-weighted mean productivity of firms, with the IMP gain (units per efficiency unit per month).",
        computed: "employment-weighted mean over firms of their productivity, times (1 + the IMP gain) for members while the IMP is on; 0 if nobody is employed",
        value: |r| Value::Number(r.mean_productivity),
    },
    Column {
        name: "loans",
        unit: "yuan",
        format: Format::Yuan,
        meaning: "Bank loans outstanding, cents (written in yuan, exactly).",
        computed: "the bank's loans at the end of the month, equal to the sum of the firms' debts (checked every month); 0 while `bank.enabled` is false",
        value: |r| Value::Cents(r.loans),
    },
    Column {
        name: "bank_equity",
        unit: "yuan",
        format: Format::Yuan,
        meaning: "The bank's equity, cents (written in yuan, exactly).",
        computed: "the bank's capital at set-up plus the interest it earned, less write-offs and what it remitted to the government; 0 while `bank.enabled` is false",
        value: |r| Value::Cents(r.bank_equity),
    },
    Column {
        name: "policy_rate",
        unit: "share/year",
        format: Format::Decimals(6),
        meaning: "The policy rate this month's loans were charged (plus the spread).",
        computed: "the Taylor rule of the previous month's close (MODEL.md 3.15): neutral rate + inflation over the last 12 months + response x (inflation - target) - response x (unemployment - natural rate), at least 0; the neutral rate plus the target in the first month; 0 while `bank.enabled` is false",
        value: |r| Value::Number(r.policy_rate),
    },
    Column {
        name: "defaults",
        unit: "firms",
        format: Format::Integer,
        meaning: "Firms that closed this month owing the bank more than their cash.",
        computed: "closing firms (insolvent, idle or cut) whose cash did not repay their debt, the rest written off by the bank",
        value: |r| Value::Number(r.defaults as f64),
    },
    Column {
        name: "deposits",
        unit: "yuan",
        format: Format::Yuan,
        meaning: "Deposits at the end of the month, cents (written in yuan, exactly): the money residents, firms, platforms and a government in surplus hold.",
        computed: "residents' wealth and receivables + firms' cash + platforms' cash + the government's balance when positive; equals the set-up money and venture money + loans + government debt - bank equity (the ledger's identity, checked every month)",
        value: |r| Value::Cents(r.deposits),
    },
    Column {
        name: "government_debt",
        unit: "yuan",
        format: Format::Yuan,
        meaning: "What the government owes the bank, cents (written in yuan, exactly).",
        computed: "minus the government's balance when negative, else 0: its deficits are financed by the bank (MODEL.md 3.12)",
        value: |r| Value::Cents(r.government_debt),
    },
];

/// The per-sector columns, written after [`COLUMNS`]: each one for every
/// sector, in the scenario's order of sectors.
pub const SECTOR_COLUMNS: &[SectorColumn] = &[
    SectorColumn {
        prefix: "output_",
        unit: "yuan/month at set-up prices",
        format: Format::Decimals(2),
        meaning: "Output by sector at set-up prices.",
        computed: "real output of one sector, as `output` (the per-sector columns add up to `output` up to rounding)",
        value: |r, s| Value::Number(r.output_by_sector[s]),
    },
    SectorColumn {
        prefix: "employment_share_",
        unit: "share",
        format: Format::Decimals(6),
        meaning: "Share of employment by sector.",
        computed: "the sector's workers over all workers, counted at the open firms; 0 if nobody is employed",
        value: |r, s| Value::Number(r.employment_share_by_sector[s]),
    },
];

/// One column of a written header: its name, and its entry in the tables.
#[derive(Clone, Copy)]
pub struct Described<'a> {
    /// Header name.
    pub name: &'a str,
    /// Unit, in words.
    pub unit: &'static str,
    /// How values are written.
    pub format: Format,
    /// What it measures, in a sentence.
    pub meaning: &'static str,
}

/// The column called `name` in a header of these `sectors`, if any.
pub fn describe<'a>(name: &'a str, sectors: &[String]) -> Option<Described<'a>> {
    if let Some(c) = COLUMNS.iter().find(|c| c.name == name) {
        return Some(Described {
            name,
            unit: c.unit,
            format: c.format,
            meaning: c.meaning,
        });
    }
    SECTOR_COLUMNS.iter().find_map(|c| {
        let sector = name.strip_prefix(c.prefix)?;
        sectors.iter().any(|s| s == sector).then_some(Described {
            name,
            unit: c.unit,
            format: c.format,
            meaning: c.meaning,
        })
    })
}

/// The sectors of a timeseries header: the names after the first sector
/// column's prefix (`output_<sector>`), in header order.
pub fn sectors(header: &[String]) -> Vec<String> {
    let prefix = SECTOR_COLUMNS[0].prefix;
    header
        .iter()
        .filter_map(|h| h.strip_prefix(prefix).map(str::to_string))
        .collect()
}

/// The column table of docs/OUTPUT.md's `timeseries.csv` section, as
/// Markdown.
pub fn markdown() -> String {
    let mut s = String::from(
        "| # | column | unit | format | meaning | computation |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    let cell = |t: &str| t.replace('|', "\\|");
    for (k, c) in COLUMNS.iter().enumerate() {
        s.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} |\n",
            k + 1,
            c.name,
            cell(c.unit),
            c.format.words(),
            cell(c.meaning),
            cell(c.computed)
        ));
    }
    let n = COLUMNS.len();
    for (k, c) in SECTOR_COLUMNS.iter().enumerate() {
        // "K" is the number of sectors: "2K" for twice that.
        let times = |m: usize| match m {
            0 => String::new(),
            1 => "+K".into(),
            m => format!("+{m}K"),
        };
        let (first, last) = (
            format!("{}{}", n + 1, times(k)),
            format!("{n}{}", times(k + 1)),
        );
        s.push_str(&format!(
            "| {first} ... {last} | `{}<sector>` | {} | {} | {} | {} |\n",
            c.prefix,
            cell(c.unit),
            c.format.words(),
            cell(c.meaning),
            cell(c.computed)
        ));
    }
    // The per-sector columns of a default run, numbered.
    let sectors: Vec<String> = crate::scenario::params::default_sectors()
        .into_keys()
        .collect();
    s.push_str(&format!(
        "\nK is the number of sectors. The per-sector columns follow the sectors in\n\
         alphabetical order of their names (the order of the scenario's sector table\n\
         after loading), first all `{}<sector>` columns, then all\n\
         `{}<sector>` columns. With the default sectors the last {}\n\
         columns are:\n\n| # | column | unit | format |\n| --- | --- | --- | --- |\n",
        SECTOR_COLUMNS[0].prefix,
        SECTOR_COLUMNS[SECTOR_COLUMNS.len() - 1].prefix,
        SECTOR_COLUMNS.len() * sectors.len()
    ));
    let mut k = n;
    for c in SECTOR_COLUMNS {
        for sector in &sectors {
            k += 1;
            s.push_str(&format!(
                "| {k} | `{}{sector}` | {} | {} |\n",
                c.prefix,
                cell(c.unit),
                c.format.words()
            ));
        }
    }
    s.push_str(&format!("\nA default run therefore has {k} columns.\n"));
    s
}

/// Held by the tests that check (and, blessing, rewrite) docs/OUTPUT.md
/// (here and in `output::package`), so that two never rewrite it at once.
#[cfg(test)]
pub(crate) static DOCS: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_sector_prefixes_clash_with_no_column() {
        let mut names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "a column name is written twice");
        for c in SECTOR_COLUMNS {
            assert!(
                COLUMNS.iter().all(|k| !k.name.starts_with(c.prefix)),
                "{} could be read as a sector column",
                c.prefix
            );
        }
    }

    #[test]
    fn every_column_is_described_in_words() {
        for c in COLUMNS {
            for (what, text) in [
                ("unit", c.unit),
                ("meaning", c.meaning),
                ("computed", c.computed),
            ] {
                assert!(!text.trim().is_empty(), "{}: no {what}", c.name);
            }
        }
    }

    /// docs/OUTPUT.md holds the table [`markdown`] writes, between its
    /// markers; `POLIS_BLESS=1 cargo test --release output_md` writes it there.
    #[test]
    fn output_md_holds_the_generated_column_table() {
        let _one_writer = DOCS.lock().unwrap_or_else(|e| e.into_inner());
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/OUTPUT.md");
        let text = std::fs::read_to_string(&path).expect("docs/OUTPUT.md");
        let (begin, end) = (
            "<!-- timeseries columns: generated from src/metrics/columns.rs -->\n",
            "<!-- end of timeseries columns -->",
        );
        let (Some(a), Some(b)) = (text.find(begin), text.find(end)) else {
            panic!("docs/OUTPUT.md lacks the markers {begin:?} and {end:?}");
        };
        let fresh = markdown();
        if std::env::var_os("POLIS_BLESS").is_some() {
            let text = format!("{}{begin}{fresh}{}", &text[..a], &text[b..]);
            std::fs::write(&path, text).expect("write docs/OUTPUT.md");
            return;
        }
        assert!(
            text[a + begin.len()..b] == fresh,
            "docs/OUTPUT.md's column table is not the one src/metrics/columns.rs gives; \
             run `POLIS_BLESS=1 cargo test --release output_md`"
        );
    }

    #[test]
    fn described_columns_are_found_by_name() {
        let sectors = vec!["services".to_string()];
        assert_eq!(
            describe("mean_wage", &sectors).map(|d| d.unit),
            Some("yuan/month")
        );
        assert!(describe("output_services", &sectors).is_some());
        assert!(
            describe("output_mining", &sectors).is_none(),
            "not a sector of the run"
        );
        assert!(describe("no_such_column", &sectors).is_none());
    }
}
