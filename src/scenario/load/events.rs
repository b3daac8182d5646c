//! Checking a scenario's `[[events]]`: their months, the keys they set, and
//! the scenario that results once each applies.

use super::overrides::example_key;
use crate::scenario::reference;
use crate::scenario::{Event, Problem, Scenario};

/// Problems with event `i`: its month, its keys, their types and ranges,
/// and the scenario that results once it (and the events before it) apply.
pub fn event_problems(s: &Scenario, i: usize, e: &Event) -> Vec<Problem> {
    let mut out = Vec::new();
    let at = |suffix: &str| Some(format!("events[{i}].{suffix}"));
    let months = s.simulation.months;
    if e.month == 0 || e.month > months {
        out.push(Problem {
            also: Vec::new(),
            key: at("month"),
            message: format!(
                "event {} is in month {}, outside the run's months 1 to {months}",
                i + 1,
                e.month
            ),
            hint: "set `month` within `simulation.months`, or lengthen the run".into(),
        });
    }
    if e.set.is_empty() && e.cut.is_none() {
        out.push(Problem {
            also: Vec::new(),
            key: at("set"),
            message: format!("event {} changes nothing", i + 1),
            hint: "give it `set = { \"table.key\" = value }` or `cut = { sector = \"NAME\", share = 0.2 }`".into(),
        });
    }
    if let Some(cut) = &e.cut {
        if !s.sectors.contains_key(&cut.sector) {
            let names = s.sector_names();
            let hint = match reference::did_you_mean(&cut.sector, names.iter().map(String::as_str))
            {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!("the sectors are: {}", names.join(", ")),
            };
            out.push(Problem {
                also: Vec::new(),
                key: at("cut.sector"),
                message: format!("event {} cuts unknown sector `{}`", i + 1, cut.sector),
                hint,
            });
        }
        if !(cut.share > 0.0 && cut.share <= 1.0) {
            out.push(Problem {
                also: Vec::new(),
                key: at("cut.share"),
                message: format!(
                    "event {} cuts a share of {} of the sector's firms",
                    i + 1,
                    cut.share
                ),
                hint: "`share` is a share of firms, above 0 and at most 1".into(),
            });
        }
    }
    let sectors = s.sector_names();
    for (key, value) in &e.set {
        let place = at(&format!("set.{key}"));
        let Some(info) = reference::lookup(key).filter(|_| {
            !key.starts_with("sectors.")
                || sectors
                    .iter()
                    .any(|n| key.starts_with(&format!("sectors.{n}.")))
        }) else {
            let known = reference::known_keys(&sectors);
            // `income_tax` for `government.income_tax`: match the last part first.
            let by_suffix: Vec<&String> = known
                .iter()
                .filter(|k| k.rsplit('.').next() == Some(key.as_str()))
                .collect();
            let hint = if !by_suffix.is_empty() {
                format!("keys in `set` are dotted: did you mean `{}`?", by_suffix[0])
            } else if let Some(sector) = key
                .strip_prefix("sectors.")
                .and_then(|k| k.split('.').next())
                .filter(|n| !sectors.iter().any(|s| s == n))
            {
                format!(
                    "there is no sector `{sector}`; the sectors are: {}",
                    sectors.join(", ")
                )
            } else {
                match reference::did_you_mean(key, known.iter().map(String::as_str)) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "`polis params` lists every key".into(),
                }
            };
            let (message, hint) = if reference::names_table(key) {
                (
                    format!(
                        "event {} sets `{key}`, which is a table, not one parameter",
                        i + 1
                    ),
                    format!(
                        "set one key of it at a time, for example set = {{ \"{}\" }}",
                        example_key(key).replace('=', "\" = ")
                    ),
                )
            } else {
                (format!("event {} sets unknown key `{key}`", i + 1), hint)
            };
            out.push(Problem {
                also: Vec::new(),
                key: place,
                message,
                hint,
            });
            continue;
        };
        if reference::is_setup_only(key) {
            out.push(Problem {
                also: Vec::new(),
                key: place,
                message: format!(
                    "`{key}` is fixed when the city is built; event {} cannot change it",
                    i + 1
                ),
                hint: "set it in the scenario's tables instead".into(),
            });
            continue;
        }
        if let Err(why) = reference::check_type(&info, value) {
            out.push(Problem {
                also: Vec::new(),
                key: place,
                message: format!("`{key}`: {why}"),
                hint: reference::range_hint(&info),
            });
            continue;
        }
        if let Some(v) = reference::as_number(value)
            && !(v >= info.min && v <= info.max)
        {
            out.push(Problem {
                also: Vec::new(),
                key: place,
                message: reference::out_of_range(key, v),
                hint: reference::range_hint(&info),
            });
        }
    }
    if out.is_empty() {
        // The scenario as it stands after this event and every earlier one.
        let mut after = s.clone();
        after.events.clear();
        let mut earlier: Vec<&Event> = s.events.iter().filter(|x| x.month <= e.month).collect();
        earlier.sort_by_key(|x| x.month);
        for x in earlier {
            if let Err(why) = after.apply_settings(&x.set) {
                out.push(Problem {
                    also: Vec::new(),
                    key: at("set"),
                    message: format!("event {} cannot apply: {why}", i + 1),
                    hint: String::new(),
                });
                return out;
            }
        }
        // A problem the scenario has before any event is not this event's.
        let mut before = s.clone();
        before.events.clear();
        let known: Vec<String> = before
            .validate_values()
            .into_iter()
            .map(|p| p.message)
            .collect();
        for p in after
            .validate_values()
            .into_iter()
            .filter(|p| !known.contains(&p.message))
        {
            out.push(Problem {
                also: Vec::new(),
                key: at("set"),
                message: format!("after event {} (month {}): {}", i + 1, e.month, p.message),
                hint: p.hint,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::load::from_text;

    #[test]
    fn events_are_validated_at_load_time() {
        let path = Path::new("e.toml");
        let ok =
            "[[events]]\nmonth = 12\nset = { \"entrepreneurship.startup_cost_months\" = 6.0 }\n";
        assert!(from_text(ok, path, &[]).is_ok());
        let late = "[simulation]\nmonths = 24\n[[events]]\nmonth = 36\nset = { \"city.speed_kmh\" = 25.0 }\n";
        let err = from_text(late, path, &[]).unwrap_err();
        assert_eq!(err[0].location, Some((4, 9)), "{}", err[0]);
        let typo = "[[events]]\nmonth = 2\nset = { \"city.sped_kmh\" = 25.0 }\n";
        let err = from_text(typo, path, &[]).unwrap_err();
        assert!(
            err[0].to_string().contains("did you mean `city.speed_kmh`"),
            "{}",
            err[0]
        );
        let setup = "[[events]]\nmonth = 2\nset = { \"city.width\" = 12 }\n";
        assert!(
            from_text(setup, path, &[]).unwrap_err()[0]
                .message
                .contains("fixed when the city is built")
        );
        let dotted = "[[events]]\nmonth = 2\nset = { city.speed_kmh = 25.0 }\n";
        let loaded = from_text(dotted, path, &[]).expect("unquoted dotted keys mean the same");
        assert!(loaded.scenario.events[0].set.contains_key("city.speed_kmh"));
        let range = "[[events]]\nmonth = 2\nset = { \"government.income_tax\" = 2.0 }\n";
        assert!(
            from_text(range, path, &[]).unwrap_err()[0]
                .message
                .contains("out of range")
        );
    }
}
