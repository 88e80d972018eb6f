//! Slot and lane arithmetic.
//!
//! A yard's day (local Vietnam time, UTC+7 all year) is cut into slots of equal length from
//! opening to closing; a slot is named by its yard and start instant ([`SlotId`]). Each slot's
//! capacity is split into two lanes: the perishable share (rounded down) is kept for perishable
//! trips; general cargo may not take it; perishable trips use their lane first and overflow
//! into general places.

use super::config::{ClosureReason, YardConfig};
use super::{BookingRefusal, DAY_MS, MINUTE_MS};
use crate::time::{LocalDateTime, VIETNAM_OFFSET_SECS};
use crate::{Error, ErrorCode, YardId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Latest instant a slot may start at (year 9999), so arithmetic on request input never
/// overflows.
pub const MAX_INSTANT_MS: i64 = 253_402_300_800_000;

/// A local calendar day in Vietnam. Written `YYYY-MM-DD` on the wire, `dd/mm/yyyy` to people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalDate {
    /// Days since 1970-01-01 (local).
    days: i64,
}

impl LocalDate {
    /// The local day an instant falls on.
    pub fn of_instant(unix_ms: i64) -> Self {
        LocalDate {
            days: (unix_ms.div_euclid(1000) + VIETNAM_OFFSET_SECS).div_euclid(86_400),
        }
    }

    /// From `YYYY-MM-DD` (years 1970-9999).
    pub fn parse(s: &str) -> Result<Self, Error> {
        crate::time::parse_local_date_time(s, "00:00")
            .map(LocalDate::of_instant)
            .ok_or_else(|| Error::new(ErrorCode::InvalidWindow, "no such date"))
    }

    /// The instant of local midnight at the start of the day.
    pub fn midnight_ms(self) -> i64 {
        self.days * DAY_MS - VIETNAM_OFFSET_SECS * 1000
    }

    /// The instant at `minute` minutes after local midnight (1440 is the next midnight).
    pub fn at_minute(self, minute: u16) -> i64 {
        self.midnight_ms() + i64::from(minute) * MINUTE_MS
    }

    pub fn add_days(self, days: i64) -> Self {
        LocalDate {
            days: self.days + days,
        }
    }

    /// Whole days from `self` to `other` (negative if `other` is earlier).
    pub fn days_until(self, other: LocalDate) -> i64 {
        other.days - self.days
    }

    /// `dd/mm/yyyy`, as dates are written in Vietnam.
    pub fn date_string(self) -> String {
        LocalDateTime::from_unix_ms(self.midnight_ms()).date_string()
    }
}

impl fmt::Display for LocalDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = LocalDateTime::from_unix_ms(self.midnight_ms());
        write!(f, "{:04}-{:02}-{:02}", t.year, t.month, t.day)
    }
}

impl Serialize for LocalDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        LocalDate::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Minutes after local midnight of an instant, if it falls on a whole minute.
fn minute_of_day(unix_ms: i64) -> Option<u16> {
    let local_ms = unix_ms + VIETNAM_OFFSET_SECS * 1000;
    let in_day = local_ms.rem_euclid(DAY_MS);
    (in_day % MINUTE_MS == 0).then_some((in_day / MINUTE_MS) as u16)
}

/// A slot: one yard, one start instant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SlotId {
    pub yard: YardId,
    pub start_ms: i64,
}

/// A slot's start and end instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotTimes {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl YardConfig {
    /// The slot that starts at `start_ms`, if one does: on the slot grid of its local day,
    /// within opening hours.
    pub fn slot_at(&self, start_ms: i64) -> Option<SlotTimes> {
        if !(0..MAX_INSTANT_MS).contains(&start_ms) {
            return None;
        }
        let minute = minute_of_day(start_ms)?;
        let on_grid = minute >= self.opens_minute
            && (minute - self.opens_minute).is_multiple_of(self.slot_minutes)
            && u32::from(minute) + u32::from(self.slot_minutes) <= u32::from(self.closes_minute);
        on_grid.then(|| SlotTimes {
            start_ms,
            end_ms: start_ms + i64::from(self.slot_minutes) * MINUTE_MS,
        })
    }

    /// Every slot of a local day, in order (closures and the clock aside).
    pub fn slots_of(&self, date: LocalDate) -> Vec<SlotTimes> {
        let count = (self.closes_minute - self.opens_minute) / self.slot_minutes;
        (0..count)
            .map(|i| {
                let start_ms = date.at_minute(self.opens_minute + i * self.slot_minutes);
                SlotTimes {
                    start_ms,
                    end_ms: start_ms + i64::from(self.slot_minutes) * MINUTE_MS,
                }
            })
            .collect()
    }

    /// The closure covering any part of `slot`, if any.
    pub fn closure_over(&self, slot: SlotTimes) -> Option<&ClosureReason> {
        self.closures
            .iter()
            .find(|c| {
                let (from, until) = c.span.range_ms();
                from < slot.end_ms && slot.start_ms < until
            })
            .map(|c| &c.reason)
    }

    /// Whether a slot can be booked at `now_ms`, and if not why.
    pub fn slot_state(&self, slot: SlotTimes, now_ms: i64) -> SlotState {
        if slot.start_ms <= now_ms {
            SlotState::Past
        } else if let Some(reason) = self.closure_over(slot) {
            SlotState::Closed {
                reason: reason.clone(),
            }
        } else if LocalDate::of_instant(now_ms).days_until(LocalDate::of_instant(slot.start_ms))
            > i64::from(self.horizon_days)
        {
            SlotState::TooFarAhead
        } else {
            SlotState::Open
        }
    }

    /// The capacity of one slot, per lane.
    pub fn lane_capacity(&self) -> LaneCounts {
        LaneCounts::split(self.capacity_per_slot, self.perishable_percent)
    }
}

/// Whether a slot can be booked now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SlotState {
    Open,
    /// Started or over.
    Past,
    /// Closed by the yard, with the reason to show.
    Closed {
        reason: ClosureReason,
    },
    /// Beyond the yard's booking horizon.
    TooFarAhead,
}

impl SlotState {
    /// `Ok` if open, else the refusal (with the closure's English reason).
    pub fn check(&self) -> Result<(), Error> {
        match self {
            SlotState::Open => Ok(()),
            SlotState::Past => Err(BookingRefusal::SlotInPast.into()),
            SlotState::TooFarAhead => Err(BookingRefusal::SlotTooFarAhead.into()),
            SlotState::Closed { reason } => Err(BookingRefusal::YardClosed
                .error(format!("the yard is closed then ({})", reason.english()))),
        }
    }
}

/// A slot's two lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    General,
    Perishable,
}

impl Lane {
    pub fn as_str(self) -> &'static str {
        match self {
            Lane::General => "general",
            Lane::Perishable => "perishable",
        }
    }
}

/// A number of places per lane: a capacity, what is booked or what is left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaneCounts {
    pub general: u32,
    pub perishable: u32,
}

impl LaneCounts {
    /// Splits a slot's capacity: `percent` of it, rounded down, is perishable; the rest general.
    /// Capacity 10 at 20 % is 2 perishable and 8 general places.
    pub fn split(capacity: u32, percent: u8) -> Self {
        let perishable = (u64::from(capacity) * u64::from(percent.min(100)) / 100) as u32;
        LaneCounts {
            general: capacity - perishable,
            perishable,
        }
    }

    pub fn get(self, lane: Lane) -> u32 {
        match lane {
            Lane::General => self.general,
            Lane::Perishable => self.perishable,
        }
    }

    pub fn add(&mut self, lane: Lane) {
        match lane {
            Lane::General => self.general += 1,
            Lane::Perishable => self.perishable += 1,
        }
    }

    pub fn total(self) -> u32 {
        self.general + self.perishable
    }

    /// What is left of `self` (a capacity) once `booked` is taken; never below zero.
    pub fn minus(self, booked: LaneCounts) -> LaneCounts {
        LaneCounts {
            general: self.general.saturating_sub(booked.general),
            perishable: self.perishable.saturating_sub(booked.perishable),
        }
    }

    /// The lane a trip gets with `self` places left, or why it gets none.
    ///
    /// - General cargo takes a general place; it may not ask for a perishable one.
    /// - Perishable cargo takes a perishable place, else (overflow) a general one; it may ask
    ///   for one lane only, and then gets that lane or nothing.
    pub fn lane_for(self, perishable: bool, wanted: Option<Lane>) -> Result<Lane, Error> {
        let order: &[Lane] = match (perishable, wanted) {
            (false, Some(Lane::Perishable)) => {
                return Err(BookingRefusal::PerishableOnly.into());
            }
            (false, _) | (true, Some(Lane::General)) => &[Lane::General],
            (true, Some(Lane::Perishable)) => &[Lane::Perishable],
            (true, None) => &[Lane::Perishable, Lane::General],
        };
        order
            .iter()
            .copied()
            .find(|lane| self.get(*lane) > 0)
            .ok_or_else(|| {
                let what = if perishable { "perishable" } else { "general" };
                BookingRefusal::SlotFull.error(format!("no place left for {what} cargo"))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{at, config};
    use super::*;
    use proptest::prelude::*;

    fn refusal(e: Error) -> BookingRefusal {
        BookingRefusal::of(&e).unwrap()
    }

    #[test]
    fn dates_parse_print_and_find_their_midnight() {
        let d = LocalDate::parse("2026-11-28").unwrap();
        assert_eq!(d.to_string(), "2026-11-28");
        assert_eq!(d.date_string(), "28/11/2026");
        assert_eq!(d.midnight_ms(), at("2026-11-28", "00:00"));
        assert_eq!(LocalDate::of_instant(at("2026-11-28", "23:59")), d);
        assert_eq!(
            LocalDate::of_instant(at("2026-11-29", "00:00")),
            d.add_days(1)
        );
        assert_eq!(d.days_until(d.add_days(3)), 3);
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            "\"2026-11-28\"".to_string()
        );
        assert_eq!(
            serde_json::from_str::<LocalDate>("\"2026-11-28\"").unwrap(),
            d
        );
        assert!(LocalDate::parse("2026-02-30").is_err());
        assert!(serde_json::from_str::<LocalDate>("\"28/11/2026\"").is_err());
    }

    #[test]
    fn a_day_has_its_slots_from_opening_to_closing() {
        let c = config(); // 06:00-22:00, 60 min
        let d = LocalDate::parse("2026-11-28").unwrap();
        let slots = c.slots_of(d);
        assert_eq!(slots.len(), 16);
        assert_eq!(slots[0].start_ms, at("2026-11-28", "06:00"));
        assert_eq!(slots[15].end_ms, at("2026-11-28", "22:00"));
        let mut half = config();
        half.slot_minutes = 30;
        assert_eq!(half.slots_of(d).len(), 32);
    }

    #[test]
    fn only_slot_starts_within_opening_hours_are_slots() {
        let c = config();
        assert!(c.slot_at(at("2026-11-28", "06:00")).is_some());
        assert!(c.slot_at(at("2026-11-28", "21:00")).is_some());
        assert_eq!(
            c.slot_at(at("2026-11-28", "21:00")).unwrap().end_ms,
            at("2026-11-28", "22:00")
        );
        for (d, t) in [
            ("2026-11-28", "05:00"),
            ("2026-11-28", "22:00"),
            ("2026-11-28", "06:30"),
            ("2026-11-28", "00:00"),
        ] {
            assert!(c.slot_at(at(d, t)).is_none(), "{t}");
        }
        assert!(c.slot_at(at("2026-11-28", "06:00") + 1).is_none());
        assert!(c.slot_at(-1).is_none());
        assert!(c.slot_at(i64::MAX).is_none());
    }

    #[test]
    fn slot_states_say_past_closed_too_far_or_open() {
        let mut c = config();
        let now = at("2026-11-28", "08:30");
        let slot = |t: &str| c.slot_at(at("2026-11-28", t)).unwrap();
        assert_eq!(c.slot_state(slot("08:00"), now), SlotState::Past);
        assert_eq!(
            c.slot_state(slot("08:00"), at("2026-11-28", "08:00")),
            SlotState::Past
        );
        assert_eq!(c.slot_state(slot("09:00"), now), SlotState::Open);
        c.closures.push(super::super::fixtures::closure_hours(
            at("2026-11-28", "09:30"),
            at("2026-11-28", "11:00"),
        ));
        let slot = |t: &str| c.slot_at(at("2026-11-28", t)).unwrap();
        assert!(matches!(
            c.slot_state(slot("09:00"), now),
            SlotState::Closed { .. }
        ));
        assert!(matches!(
            c.slot_state(slot("10:00"), now),
            SlotState::Closed { .. }
        ));
        assert_eq!(c.slot_state(slot("11:00"), now), SlotState::Open);
        let far = c.slot_at(at("2026-11-28", "09:00") + 15 * DAY_MS).unwrap();
        assert_eq!(c.slot_state(far, now), SlotState::TooFarAhead);
        let edge = c.slot_at(at("2026-11-28", "21:00") + 14 * DAY_MS).unwrap();
        assert_eq!(c.slot_state(edge, now), SlotState::Open);
        assert_eq!(
            refusal(SlotState::Past.check().unwrap_err()),
            BookingRefusal::SlotInPast
        );
        assert_eq!(
            refusal(SlotState::TooFarAhead.check().unwrap_err()),
            BookingRefusal::SlotTooFarAhead
        );
    }

    #[test]
    fn capacity_ten_at_twenty_percent_is_two_perishable_and_eight_general() {
        let cap = LaneCounts::split(10, 20);
        assert_eq!(
            cap,
            LaneCounts {
                general: 8,
                perishable: 2
            }
        );
        assert_eq!(LaneCounts::split(25, 60).perishable, 15);
        assert_eq!(LaneCounts::split(3, 50).perishable, 1);
        assert_eq!(LaneCounts::split(5, 0).general, 5);
        assert_eq!(LaneCounts::split(5, 100).perishable, 5);
    }

    #[test]
    fn perishables_use_their_lane_then_overflow_into_general() {
        let left = LaneCounts {
            general: 3,
            perishable: 1,
        };
        assert_eq!(left.lane_for(true, None).unwrap(), Lane::Perishable);
        let no_perishable = LaneCounts {
            general: 3,
            perishable: 0,
        };
        assert_eq!(no_perishable.lane_for(true, None).unwrap(), Lane::General);
        assert_eq!(
            refusal(
                no_perishable
                    .lane_for(true, Some(Lane::Perishable))
                    .unwrap_err()
            ),
            BookingRefusal::SlotFull
        );
        assert_eq!(
            left.lane_for(true, Some(Lane::General)).unwrap(),
            Lane::General
        );
        assert_eq!(
            refusal(LaneCounts::default().lane_for(true, None).unwrap_err()),
            BookingRefusal::SlotFull
        );
    }

    #[test]
    fn general_cargo_never_takes_perishable_places() {
        let only_perishable = LaneCounts {
            general: 0,
            perishable: 2,
        };
        assert_eq!(
            refusal(only_perishable.lane_for(false, None).unwrap_err()),
            BookingRefusal::SlotFull
        );
        assert_eq!(
            refusal(
                only_perishable
                    .lane_for(false, Some(Lane::Perishable))
                    .unwrap_err()
            ),
            BookingRefusal::PerishableOnly
        );
        let left = LaneCounts {
            general: 1,
            perishable: 2,
        };
        assert_eq!(left.lane_for(false, None).unwrap(), Lane::General);
    }

    proptest! {
        #[test]
        fn lane_split_adds_up_and_respects_the_share(cap in 0u32..=1000, pct in 0u8..=100) {
            let s = LaneCounts::split(cap, pct);
            prop_assert_eq!(s.total(), cap);
            prop_assert!(u64::from(s.perishable) * 100 <= u64::from(cap) * u64::from(pct));
        }

        #[test]
        // Days BorderPass accepts (2020-01-01 to 2099-12-31): instants outside the range are
        // refused before any slot arithmetic (day 0 once failed: its first slot starts before
        // 1970, a negative instant no caller can send).
        fn every_slot_of_a_day_is_a_slot_and_on_that_day(day in 18_262i64..47_482, thirty in any::<bool>()) {
            let mut c = config();
            c.slot_minutes = if thirty { 30 } else { 60 };
            let d = LocalDate { days: day };
            for s in c.slots_of(d) {
                prop_assert_eq!(c.slot_at(s.start_ms), Some(s));
                prop_assert_eq!(LocalDate::of_instant(s.start_ms), d);
                prop_assert_eq!(LocalDate::of_instant(s.end_ms - 1), d);
            }
        }
    }
}
