//! The border residents' rules as dated data (`shared/data/resident_rules.json`): each value
//! has an effective-from date, so a change of the allowance, the monthly count of duty-free
//! days or the stamp interval is a change of data, not of code.
//!
//! The value in force on a local (Asia/Ho_Chi_Minh) date is the one with the latest
//! `effective_from` on or before it. Every series starts on or before 2020-01-01, the first
//! day BorderPass knows (`time::EARLIEST_INSTANT_MS`), so every checked instant has a value.

use crate::time::EARLIEST_INSTANT_MS;
use crate::time::{local_day, parse_iso_day, LocalDay};
use crate::{Error, ErrorCode};
use serde::Deserialize;
use std::sync::OnceLock;

/// One value of a rule and the local date it holds from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated {
    pub effective_from: LocalDay,
    pub value: i64,
}

/// One rule's history, sorted by date, never empty, starting on or before 2020-01-01.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedSeries(Vec<Dated>);

impl DatedSeries {
    /// Checks the entries: dates valid and strictly increasing (no duplicates), values
    /// positive, the first on or before 2020-01-01.
    pub fn new(name: &str, entries: &[(String, i64)]) -> Result<Self, Error> {
        let bad = |why: String| Error::new(ErrorCode::Internal, format!("rule {name}: {why}"));
        let first_day = local_day(EARLIEST_INSTANT_MS);
        let mut out: Vec<Dated> = Vec::with_capacity(entries.len());
        for (date, value) in entries {
            let day = parse_iso_day(date).ok_or_else(|| bad(format!("{date} is not a date")))?;
            if *value <= 0 {
                return Err(bad(format!("{date}: values are positive")));
            }
            if let Some(prev) = out.last() {
                if day <= prev.effective_from {
                    return Err(bad(format!("{date}: dates are sorted, each once")));
                }
            }
            out.push(Dated {
                effective_from: day,
                value: *value,
            });
        }
        match out.first() {
            Some(first) if first.effective_from <= first_day => Ok(DatedSeries(out)),
            _ => Err(bad("the first entry is on or before 2020-01-01".into())),
        }
    }

    /// The value in force on a local day (the latest entry on or before it; the first entry
    /// for days before it, which a checked instant never is).
    pub fn on(&self, day: LocalDay) -> i64 {
        self.0
            .iter()
            .rev()
            .find(|d| d.effective_from <= day)
            .unwrap_or(&self.0[0])
            .value
    }

    /// The value in force at an instant (its local day).
    pub fn at(&self, unix_ms: i64) -> i64 {
        self.on(local_day(unix_ms))
    }
}

/// The three rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentRules {
    pub daily_allowance_vnd: DatedSeries,
    pub duty_free_days_per_month: DatedSeries,
    pub stamp_interval_days: DatedSeries,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[allow(dead_code)]
    source: String,
    daily_allowance_vnd: Vec<Entry>,
    duty_free_days_per_month: Vec<Entry>,
    stamp_interval_days: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    effective_from: String,
    value: i64,
}

impl ResidentRules {
    /// Parses and checks a rules file (the JSON of `shared/data/resident_rules.json`).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let file: RulesFile = serde_json::from_str(json)
            .map_err(|e| Error::new(ErrorCode::Internal, format!("resident rules: {e}")))?;
        let series = |name: &str, v: &[Entry]| {
            let entries: Vec<(String, i64)> = v
                .iter()
                .map(|e| (e.effective_from.clone(), e.value))
                .collect();
            DatedSeries::new(name, &entries)
        };
        let rules = ResidentRules {
            daily_allowance_vnd: series("daily_allowance_vnd", &file.daily_allowance_vnd)?,
            duty_free_days_per_month: series(
                "duty_free_days_per_month",
                &file.duty_free_days_per_month,
            )?,
            stamp_interval_days: series("stamp_interval_days", &file.stamp_interval_days)?,
        };
        Ok(rules)
    }

    /// The rules shipped with this build, parsed and checked once (a test checks the file).
    pub fn current() -> &'static ResidentRules {
        static RULES: OnceLock<ResidentRules> = OnceLock::new();
        RULES.get_or_init(|| {
            ResidentRules::from_json(include_str!("../../data/resident_rules.json"))
                .expect("shared/data/resident_rules.json is checked by its test")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_are_the_decisions_figures() {
        let r = ResidentRules::current();
        let t = crate::time::parse_local_date_time("2026-11-28", "08:00").unwrap();
        assert_eq!(r.daily_allowance_vnd.at(t), 2_000_000);
        assert_eq!(r.duty_free_days_per_month.at(t), 4);
        assert_eq!(r.stamp_interval_days.at(t), 10);
        assert_eq!(r.stamp_interval_days.at(EARLIEST_INSTANT_MS), 10);
    }

    fn e(d: &str, v: i64) -> (String, i64) {
        (d.to_owned(), v)
    }

    #[test]
    fn the_latest_entry_on_or_before_a_day_holds() {
        let s = DatedSeries::new("x", &[e("2020-01-01", 1), e("2026-12-15", 2)]).unwrap();
        assert_eq!(s.on(parse_iso_day("2026-12-14").unwrap()), 1);
        assert_eq!(s.on(parse_iso_day("2026-12-15").unwrap()), 2);
        assert_eq!(s.on(parse_iso_day("2030-01-01").unwrap()), 2);
        // Local midnight in Vietnam, not UTC's: 2026-12-14T17:00Z is 00:00 on the 15th.
        let midnight = crate::time::parse_local_date_time("2026-12-15", "00:00").unwrap();
        assert_eq!(s.at(midnight - 1), 1);
        assert_eq!(s.at(midnight), 2);
    }

    #[test]
    fn bad_series_are_refused() {
        for bad in [
            vec![],
            vec![e("2021-01-01", 1)],
            vec![e("2020-01-01", 0)],
            vec![e("2020-01-01", -5)],
            vec![e("2020-01-01", 1), e("2020-01-01", 2)],
            vec![e("2020-01-01", 1), e("2024-01-01", 2), e("2023-01-01", 3)],
            vec![e("2020-02-30", 1)],
        ] {
            assert!(DatedSeries::new("x", &bad).is_err(), "{bad:?}");
        }
        assert!(DatedSeries::new("x", &[e("2019-06-01", 1)]).is_ok());
    }

    #[test]
    fn a_rules_file_with_an_unknown_field_or_bad_value_is_refused() {
        let ok = include_str!("../../data/resident_rules.json");
        assert!(ResidentRules::from_json(ok).is_ok());
        let bad = ok.replace("\"value\": 4", "\"value\": 0");
        assert!(ResidentRules::from_json(&bad).is_err());
        let extra = ok.replacen("\"source\"", "\"typo\": 1, \"source\"", 1);
        assert!(ResidentRules::from_json(&extra).is_err());
    }
}
