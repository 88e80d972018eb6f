//! Yard slot booking: the pure core that a yard's Durable Object runs, and that the app runs
//! on a snapshot for instant feedback.
//!
//! - [`config`]: a yard's booking settings ([`YardConfig`]): slot length, opening hours,
//!   capacity, perishable share, fee, per-role caps, closures, grace and no-show policy.
//! - [`slots`]: the calendar ([`LocalDate`], [`SlotId`], which slots a day has, whether one is
//!   open, past, closed or too far ahead) and the lane arithmetic ([`Lane`], [`LaneCounts`]).
//! - [`rules`]: each booking rule as a plain function returning `Result<_, Error>`.
//! - [`ledger`]: [`Ledger`], one yard's bookings in memory with the operations the object
//!   serves (availability, book, cancel, reschedule, check-in, no-show release, config change)
//!   and idempotency. Each operation records what it changed; the object writes
//!   [`Ledger::take_changes`] to its storage before it answers.
//! - [`refusal`]: [`BookingRefusal`], the precise reason for every refusal, carried inside
//!   [`crate::Error`].
//!
//! Time is always passed in as Unix milliseconds and ids are drawn by the caller: nothing here
//! reads a clock or draws a random number.

pub mod config;
pub mod ledger;
pub mod refusal;
pub mod rules;
pub mod slots;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod proptests;

pub use config::{Closure, ClosureCode, ClosureReason, ClosureSpan, NoShowPolicy, YardConfig};
pub use ledger::{
    BookRequest, CancelRequest, Change, DayAvailability, IdempotencyRecord, Ledger, Outcome,
    RequestFingerprint, RescheduleRequest, SlotAvailability,
};
pub use refusal::BookingRefusal;
pub use rules::TripFacts;
pub use slots::{Lane, LaneCounts, LocalDate, SlotId, SlotState, SlotTimes};

use crate::gate::slug_id;
use crate::{AccountId, Error, ErrorCode, Plate, TripId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One minute in milliseconds.
pub const MINUTE_MS: i64 = 60_000;
/// One day in milliseconds.
pub const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

slug_id!(
    /// A booking's id, drawn at random by the yard's object (e.g. `bk-4f9c2a7d1e`): it travels
    /// in URLs and in the re-issued trip pass.
    BookingId
);

/// The key a client sends with a write (`Idempotency-Key`), so that a retry returns the first
/// answer instead of booking twice: 8-64 characters of `A-Z a-z 0-9 _ -` (a UUID fits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(s: &str) -> Result<Self, Error> {
        let ok = (8..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if ok {
            Ok(IdempotencyKey(s.to_owned()))
        } else {
            Err(Error::new(
                ErrorCode::InvalidId,
                "an idempotency key is 8-64 characters of A-Z, a-z, 0-9, _ and -",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IdempotencyKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        IdempotencyKey::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Where a booking is in its life. Only `Active` bookings hold a place; the other three are
/// final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Active,
    Cancelled,
    /// Not checked in by the end of its slot plus the grace period: released and counted.
    NoShow,
    CheckedIn,
}

impl BookingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Active => "active",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::NoShow => "no_show",
            BookingStatus::CheckedIn => "checked_in",
        }
    }
}

/// A booked place in one slot of one yard, bound to one vehicle (by its normalised plate) and
/// one account. Nothing changes the plate or the account: a booking cannot be transferred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub id: BookingId,
    pub slot: SlotId,
    /// The end of the slot as it was when booked (a later change of slot length cannot move it).
    pub slot_end_ms: i64,
    /// The lane whose place it holds (a perishable trip may hold a general place).
    pub lane: Lane,
    pub account_id: AccountId,
    /// The vehicle; matched on [`Plate::normalized`], shown as typed.
    #[serde(with = "plate_text")]
    pub plate: Plate,
    pub trip_id: TripId,
    pub perishable: bool,
    /// The fee when booked, in VND (a later fee change does not touch it).
    pub fee_vnd: u64,
    pub status: BookingStatus,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// When it stopped being active: the cancel or check-in time; for a no-show, the end of the
    /// grace period (so the count does not depend on when the release ran).
    pub closed_at_ms: Option<i64>,
    /// The key of the request that created it.
    pub idempotency_key: IdempotencyKey,
}

impl Booking {
    pub fn is_active(&self) -> bool {
        self.status == BookingStatus::Active
    }

    /// The local day of its slot: the unit of "one booking per vehicle per yard-day".
    pub fn date(&self) -> LocalDate {
        LocalDate::of_instant(self.slot.start_ms)
    }

    /// When an active booking becomes a no-show: the end of its slot plus `grace_minutes`.
    pub fn no_show_at_ms(&self, grace_minutes: u16) -> i64 {
        self.slot_end_ms + i64::from(grace_minutes) * MINUTE_MS
    }
}

/// Plates are stored as typed and parsed back on load (parsing is deterministic, so the
/// normalised form is the same).
pub(crate) mod plate_text {
    use crate::Plate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(plate: &Plate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(plate.display())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Plate, D::Error> {
        let s = String::deserialize(d)?;
        Plate::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_validated() {
        assert!(IdempotencyKey::parse("3f2b9c1e-8a7d-4e6f-9b0a-1c2d3e4f5a6b").is_ok());
        assert!(IdempotencyKey::parse("abc_DEF-12").is_ok());
        for bad in [
            "",
            "short",
            "has space in it",
            "ключ-ключ-ключ",
            &"a".repeat(65),
        ] {
            assert_eq!(
                IdempotencyKey::parse(bad).unwrap_err().code(),
                ErrorCode::InvalidId,
                "{bad:?}"
            );
        }
        assert!(serde_json::from_str::<IdempotencyKey>("\"bad key\"").is_err());
    }

    #[test]
    fn bookings_round_trip_through_json() {
        let b = fixtures::booking("bk-1", fixtures::at("2026-11-28", "08:00"));
        let json = serde_json::to_string(&b).unwrap();
        let back: Booking = serde_json::from_str(&json).unwrap();
        assert_eq!(back, b);
        assert!(json.contains("\"status\":\"active\""));
        assert_eq!(BookingStatus::NoShow.as_str(), "no_show");
    }
}
