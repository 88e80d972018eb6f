//! A border resident's crossings and the pure fold that gives the day's allowance, the
//! month's duty-free days and the stamp.
//!
//! Crossings are append-only events recorded by officers, offline too, so they reach the
//! ledger late, out of order and from two phones at once. [`ResidentLedger::from_crossings`]
//! therefore sorts them by `(at_ms, id)` and counts an id once (the first in that order):
//! any order and any merge of the same crossings give the same figures.
//!
//! The rules, each value taken on the crossing's local date (Asia/Ho_Chi_Minh, UTC+7):
//! - Only `in` crossings with goods use the allowance. Goods going out are not counted.
//! - A day is a *duty-free day* when it has an `in` crossing with goods worth more than 0 while
//!   the month still had a duty-free day left. On such a day goods are duty-free up to the
//!   day's allowance in total; above it the excess is taxable.
//! - Once the month's duty-free days are used up, the goods of a new day are all taxable.
//!   Days and months end at local midnight.
//! - The stamp: a crossing is stamped when the resident has no stamp yet, or when it is at or
//!   after the last stamp plus the stamp interval in days (exactly at the boundary is due).

use super::id::HolderDigest;
use super::rules::ResidentRules;
use crate::gate::slug_id;
use crate::time::check_instant_ms;
use crate::time::{day_start_ms, local_day, local_month, LocalDay};
use crate::{Error, ErrorCode, GateId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

slug_id!(
    /// A crossing's id, drawn by the officer's app (e.g. `x-7k2m9q4xw1`), so an offline crossing
    /// is counted once however often it is sent.
    CrossingId
);

const DAY_MS: i64 = 86_400_000;

/// Which way the resident crosses: `in` enters Vietnam, `out` leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CrossingDirection {
    In,
    Out,
}

/// One line of goods: what it is and what it is worth. Its JSON is
/// `{"description", "value_vnd"}`, checked when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "GoodsLineJson")]
pub struct GoodsLine {
    description: String,
    value_vnd: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GoodsLineJson {
    description: String,
    value_vnd: i64,
}

impl TryFrom<GoodsLineJson> for GoodsLine {
    type Error = Error;

    fn try_from(json: GoodsLineJson) -> Result<Self, Error> {
        GoodsLine::new(&json.description, json.value_vnd)
    }
}

impl GoodsLine {
    pub const MAX_DESCRIPTION_CHARS: usize = 120;
    /// 10 billion VND: anything above is a typing error, not a resident's small trade.
    pub const MAX_VALUE_VND: i64 = 10_000_000_000;

    pub fn new(description: &str, value_vnd: i64) -> Result<Self, Error> {
        let description = description.trim();
        let n = description.chars().count();
        if n == 0 || n > Self::MAX_DESCRIPTION_CHARS || description.chars().any(char::is_control) {
            return Err(Error::new(
                ErrorCode::InvalidGoods,
                "a goods line has a description of 1-120 characters",
            ));
        }
        if !(0..=Self::MAX_VALUE_VND).contains(&value_vnd) {
            return Err(Error::new(
                ErrorCode::InvalidGoods,
                "a goods value is 0 to 10,000,000,000 VND",
            ));
        }
        Ok(GoodsLine {
            description: description.to_owned(),
            value_vnd,
        })
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    pub fn value_vnd(&self) -> i64 {
        self.value_vnd
    }
}

/// A recorded crossing, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    pub id: CrossingId,
    pub resident: HolderDigest,
    pub at_ms: i64,
    pub direction: CrossingDirection,
    goods: Vec<GoodsLine>,
    pub recorded_by: GateId,
}

impl Crossing {
    pub const MAX_GOODS_LINES: usize = 20;

    pub fn new(
        id: CrossingId,
        resident: HolderDigest,
        at_ms: i64,
        direction: CrossingDirection,
        goods: Vec<GoodsLine>,
        recorded_by: GateId,
    ) -> Result<Self, Error> {
        let at_ms = check_instant_ms(at_ms)?;
        if goods.len() > Self::MAX_GOODS_LINES {
            return Err(Error::new(
                ErrorCode::InvalidGoods,
                "a crossing has at most 20 goods lines",
            ));
        }
        Ok(Crossing {
            id,
            resident,
            at_ms,
            direction,
            goods,
            recorded_by,
        })
    }

    pub fn goods(&self) -> &[GoodsLine] {
        &self.goods
    }

    /// The goods' total value (at most 20 × 10 billion: no overflow).
    pub fn goods_total_vnd(&self) -> i64 {
        self.goods.iter().map(GoodsLine::value_vnd).sum()
    }
}

/// What the rules make of one crossing (recorded or proposed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub duty_free_vnd: i64,
    pub taxable_excess_vnd: i64,
    /// The crossing makes its day a duty-free day (the month's count goes up by one).
    pub uses_a_day: bool,
    /// The crossing is stamped (no stamp yet, or the interval has passed).
    pub stamp_due: bool,
}

/// The fold of a resident's crossings.
#[derive(Debug, Clone)]
pub struct ResidentLedger<'r> {
    rules: &'r ResidentRules,
    /// The crossings, sorted by `(at_ms, id)`, each id once, with their assessments.
    crossings: Vec<(Crossing, Assessment)>,
    /// Duty-free days and the duty-free value used on each.
    duty_free_days: BTreeMap<LocalDay, i64>,
    last_stamp_at_ms: Option<i64>,
    /// The last stamp before the crossings given (see [`ResidentLedger::resume`]).
    stamp_before_ms: Option<i64>,
}

impl<'r> ResidentLedger<'r> {
    pub fn from_crossings(crossings: &[Crossing], rules: &'r ResidentRules) -> Self {
        Self::resume(None, crossings, rules)
    }

    /// The fold of the crossings after a cut, given the last stamp before it
    /// (`stamp_before_ms`): what a phone computes from [`ResidentLedger::history_since`]'s part
    /// of the history. The day's and the month's figures are exact for any day after the cut's
    /// month has begun; the stamp is exact whatever the cut.
    pub fn resume(
        stamp_before_ms: Option<i64>,
        crossings: &[Crossing],
        rules: &'r ResidentRules,
    ) -> Self {
        let mut sorted: Vec<&Crossing> = crossings.iter().collect();
        sorted.sort_by(|a, b| (a.at_ms, &a.id).cmp(&(b.at_ms, &b.id)));
        let mut seen = BTreeSet::new();
        let mut ledger = ResidentLedger {
            rules,
            crossings: Vec::with_capacity(sorted.len()),
            duty_free_days: BTreeMap::new(),
            last_stamp_at_ms: stamp_before_ms,
            stamp_before_ms,
        };
        for c in sorted {
            if !seen.insert(&c.id) {
                continue;
            }
            let total = match c.direction {
                CrossingDirection::In => c.goods_total_vnd(),
                CrossingDirection::Out => 0,
            };
            let a = ledger.assess(total, c.at_ms);
            if a.stamp_due {
                ledger.last_stamp_at_ms = Some(c.at_ms);
            }
            if a.duty_free_vnd > 0 || a.uses_a_day {
                *ledger.duty_free_days.entry(local_day(c.at_ms)).or_insert(0) += a.duty_free_vnd;
            }
            ledger.crossings.push((c.clone(), a));
        }
        ledger
    }

    /// The part of the history a phone needs from `since_ms` on: the last stamp before it and
    /// the crossings at or after it (see [`ResidentLedger::resume`]).
    pub fn history_since(&self, since_ms: i64) -> (Option<i64>, Vec<Crossing>) {
        let stamp_before = self
            .crossings
            .iter()
            .filter(|(c, a)| c.at_ms < since_ms && a.stamp_due)
            .map(|(c, _)| c.at_ms)
            .next_back();
        let stamp_before = stamp_before.or(self.stamp_before_ms);
        let after = self
            .crossings
            .iter()
            .filter(|(c, _)| c.at_ms >= since_ms)
            .map(|(c, _)| c.clone())
            .collect();
        (stamp_before, after)
    }

    /// The crossings as counted (sorted, each id once) with what the rules made of each.
    pub fn crossings(&self) -> &[(Crossing, Assessment)] {
        &self.crossings
    }

    /// What an `in` crossing with goods worth `goods_total_vnd` at `at_ms` would get, given the
    /// crossings so far (an `out` crossing is assessed with a total of 0).
    pub fn assess(&self, goods_total_vnd: i64, at_ms: i64) -> Assessment {
        let total = goods_total_vnd.max(0);
        let day = local_day(at_ms);
        let allowance = self.rules.daily_allowance_vnd.on(day);
        let (duty_free_vnd, uses_a_day) = if total == 0 {
            (0, false)
        } else if let Some(used) = self.duty_free_days.get(&day) {
            (total.min((allowance - used).max(0)), false)
        } else if self.days_used_in_month_of(at_ms) < self.rules.duty_free_days_per_month.on(day) {
            (total.min(allowance), true)
        } else {
            (0, false)
        };
        Assessment {
            duty_free_vnd,
            taxable_excess_vnd: total - duty_free_vnd,
            uses_a_day,
            stamp_due: self.stamp_due_at(at_ms),
        }
    }

    fn days_used_in_month_of(&self, at_ms: i64) -> i64 {
        let month = local_month(at_ms);
        self.duty_free_days
            .keys()
            .filter(|d| local_month(day_start_ms(**d)) == month)
            .count() as i64
    }

    /// Duty-free value used on `now_ms`'s local day.
    pub fn used_today_vnd(&self, now_ms: i64) -> i64 {
        self.duty_free_days
            .get(&local_day(now_ms))
            .copied()
            .unwrap_or(0)
    }

    /// Duty-free value left on `now_ms`'s local day: the day's allowance less what was used,
    /// or 0 when the day is not a duty-free day and the month has none left.
    pub fn allowance_left_today_vnd(&self, now_ms: i64) -> i64 {
        let day = local_day(now_ms);
        let allowance = self.rules.daily_allowance_vnd.on(day);
        match self.duty_free_days.get(&day) {
            Some(used) => (allowance - used).max(0),
            None if self.duty_free_days_left_this_month(now_ms) > 0 => allowance,
            None => 0,
        }
    }

    pub fn duty_free_days_used_this_month(&self, now_ms: i64) -> i64 {
        self.days_used_in_month_of(now_ms)
    }

    pub fn duty_free_days_left_this_month(&self, now_ms: i64) -> i64 {
        let limit = self.rules.duty_free_days_per_month.at(now_ms);
        (limit - self.days_used_in_month_of(now_ms)).max(0)
    }

    pub fn last_stamp_at_ms(&self) -> Option<i64> {
        self.last_stamp_at_ms
    }

    /// When the next stamp is due: the last stamp plus the interval in force on `now_ms`'s
    /// date; `None` when the resident has no stamp yet (due at once).
    pub fn next_stamp_due_at_ms(&self, now_ms: i64) -> Option<i64> {
        self.last_stamp_at_ms
            .map(|last| last + self.rules.stamp_interval_days.at(now_ms) * DAY_MS)
    }

    /// Whether a crossing at `now_ms` is stamped.
    pub fn stamp_due(&self, now_ms: i64) -> bool {
        self.stamp_due_at(now_ms)
    }

    fn stamp_due_at(&self, at_ms: i64) -> bool {
        match self.next_stamp_due_at_ms(at_ms) {
            None => true,
            Some(due) => at_ms >= due,
        }
    }
}

impl fmt::Display for CrossingDirection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CrossingDirection::In => "in",
            CrossingDirection::Out => "out",
        })
    }
}
