//! Domain events: typed, versioned records of what happened.
//!
//! Every accepted change records its event in the same transaction as the change: a D1 batch
//! for the Worker's writes, the object's own storage for a yard's. Events reach the edge's
//! outbox (`edge_outbox`) in order, each once: this is the stream the province sync pushes.
//!
//! An event's JSON is `{"id", "v", "at_ms", "type", ...fields}`, `type` being
//! [`Event::kind`]. Consumers read `v` first: a
//! change of a variant's fields is a new version, never a silent change of meaning.

use crate::booking::{BookingId, Lane};
use crate::pass::{PassId, PassKind};
use crate::queue::QueueEntryId;
use crate::resident::{
    CrossingDirection, CrossingId, GoodsLine, ResidentDecision, ResidentId, ResidentStatus,
};
use crate::{AccountId, Direction, Error, ErrorCode, GateId, TripId, VehicleId, YardId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The version of the event shapes this code writes.
pub const EVENT_VERSION: u16 = 1;

/// An event's id: its idempotency key downstream. The Worker draws one at random
/// (`ev-` and 16 hex characters); a yard's object numbers its own (`<yard>.<n>`, gap-free per
/// yard, so a copy that is retried is recognised as the same event).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EventId(String);

impl EventId {
    pub fn parse(s: &str) -> Result<Self, Error> {
        let ok = (4..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b));
        if ok {
            Ok(EventId(s.to_owned()))
        } else {
            Err(Error::new(ErrorCode::InvalidId, "not an event id"))
        }
    }

    /// The id of the `seq`-th event of a yard.
    pub fn of_yard(yard: &YardId, seq: u64) -> Self {
        EventId(format!("{yard}.{seq}"))
    }

    /// An id from 8 random bytes (the Worker's events).
    pub fn from_random(bytes: [u8; 8]) -> Self {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        EventId(format!("ev-{hex}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EventId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        EventId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub id: EventId,
    /// The shape's version ([`EVENT_VERSION`] when written by this code).
    #[serde(rename = "v")]
    pub version: u16,
    pub at_ms: i64,
    #[serde(flatten)]
    pub event: Event,
}

impl Recorded {
    pub fn new(id: EventId, at_ms: i64, event: Event) -> Self {
        Recorded {
            id,
            version: EVENT_VERSION,
            at_ms,
            event,
        }
    }
}

/// Why a booking was released by the yard rather than cancelled by its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseReason {
    /// Not checked in by the end of its slot and the grace period.
    NoShow,
    /// Its trip was cancelled, its account disabled, or its plate verified for another
    /// account: the Worker asked the yard to release it.
    ByYard,
}

/// What happened. Field names are the wire's; every id is typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    #[serde(rename = "vehicle.registered")]
    VehicleRegistered {
        vehicle_id: VehicleId,
        account_id: AccountId,
        /// As typed by its owner (display form).
        plate: String,
        trailer: Option<String>,
    },
    #[serde(rename = "vehicle.verified")]
    VehicleVerified {
        vehicle_id: VehicleId,
        account_id: AccountId,
        /// The operator or officer who saw the papers.
        by: AccountId,
    },
    #[serde(rename = "trip.accepted")]
    TripCreated {
        trip_id: TripId,
        account_id: AccountId,
        vehicle_id: VehicleId,
        plate: String,
        trailer: Option<String>,
        gate: GateId,
        direction: Direction,
        cargo: String,
        perishable: bool,
        hs_code: Option<String>,
        weight_kg: u32,
        declaration: Option<String>,
        window_from_ms: i64,
        window_to_ms: i64,
    },
    #[serde(rename = "trip.declaration_set")]
    DeclarationAdded {
        trip_id: TripId,
        declaration: String,
    },
    #[serde(rename = "trip.cancelled")]
    TripCancelled { trip_id: TripId },
    #[serde(rename = "trip.completed")]
    TripCompleted { trip_id: TripId },
    #[serde(rename = "pass.issued")]
    PassIssued {
        pass_id: PassId,
        kind: PassKind,
        /// The trip (or, for a resident pass, the resident) it is for.
        subject: String,
        valid_from_ms: i64,
        valid_until_ms: i64,
    },
    #[serde(rename = "pass.revoked")]
    PassRevoked {
        pass_id: PassId,
        subject: String,
        /// `cancelled`, `superseded`, `completed`, `disabled`.
        reason: String,
    },
    #[serde(rename = "booking.made")]
    BookingMade {
        booking_id: BookingId,
        trip_id: TripId,
        yard_id: YardId,
        slot_start_ms: i64,
        lane: Lane,
    },
    #[serde(rename = "booking.cancelled")]
    BookingCancelled {
        booking_id: BookingId,
        trip_id: TripId,
        yard_id: YardId,
    },
    #[serde(rename = "booking.rescheduled")]
    BookingRescheduled {
        booking_id: BookingId,
        trip_id: TripId,
        yard_id: YardId,
        from_start_ms: i64,
        slot_start_ms: i64,
        lane: Lane,
    },
    #[serde(rename = "booking.released")]
    BookingReleased {
        booking_id: BookingId,
        trip_id: TripId,
        yard_id: YardId,
        reason: ReleaseReason,
    },
    #[serde(rename = "queue.checked_in")]
    CheckedIn {
        entry_id: QueueEntryId,
        trip_id: TripId,
        yard_id: YardId,
        lane: Lane,
        booking_id: Option<BookingId>,
        scanned_at_ms: i64,
    },
    #[serde(rename = "queue.called")]
    Called {
        entry_id: QueueEntryId,
        trip_id: TripId,
        yard_id: YardId,
        lane: Lane,
    },
    #[serde(rename = "queue.served")]
    Served {
        entry_id: QueueEntryId,
        trip_id: TripId,
        yard_id: YardId,
    },
    #[serde(rename = "queue.absent")]
    Absent {
        entry_id: QueueEntryId,
        trip_id: TripId,
        yard_id: YardId,
        /// The vehicle missed its turn this many times; at the yard's limit it is a no-show.
        absences: u8,
        no_show: bool,
    },
    #[serde(rename = "queue.moved")]
    Moved {
        entry_id: QueueEntryId,
        trip_id: TripId,
        yard_id: YardId,
        position: u32,
        reason: String,
        by: AccountId,
    },
    /// A resident applied for a resident pass (no name and no ID number: the event carries
    /// neither).
    #[serde(rename = "resident.applied")]
    ResidentApplied {
        resident_id: ResidentId,
        account_id: AccountId,
        commune_id: String,
        home_gate: GateId,
    },
    /// An officer of the home gate decided on a resident (approved, refused, suspended,
    /// reinstated, revoked), with the reason where one is needed.
    #[serde(rename = "resident.decided")]
    ResidentDecided {
        resident_id: ResidentId,
        decision: ResidentDecision,
        status: ResidentStatus,
        reason: Option<String>,
        by: AccountId,
    },
    /// A resident crossed, recorded by an officer (offline too: the event's `at_ms` is the
    /// scan's time). Facts only: the allowance is computed from all crossings.
    #[serde(rename = "resident.crossed")]
    ResidentCrossed {
        crossing_id: CrossingId,
        resident_id: ResidentId,
        gate: GateId,
        direction: CrossingDirection,
        goods: Vec<GoodsLine>,
        goods_total_vnd: i64,
        by: AccountId,
    },
}

impl Event {
    /// The event's type as written in its JSON and in `edge_outbox.topic` (`trip.accepted`, …):
    /// `<entity>.<what happened>`, stable across versions.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::VehicleRegistered { .. } => "vehicle.registered",
            Event::VehicleVerified { .. } => "vehicle.verified",
            Event::TripCreated { .. } => "trip.accepted",
            Event::DeclarationAdded { .. } => "trip.declaration_set",
            Event::TripCancelled { .. } => "trip.cancelled",
            Event::TripCompleted { .. } => "trip.completed",
            Event::PassIssued { .. } => "pass.issued",
            Event::PassRevoked { .. } => "pass.revoked",
            Event::BookingMade { .. } => "booking.made",
            Event::BookingCancelled { .. } => "booking.cancelled",
            Event::BookingRescheduled { .. } => "booking.rescheduled",
            Event::BookingReleased { .. } => "booking.released",
            Event::CheckedIn { .. } => "queue.checked_in",
            Event::Called { .. } => "queue.called",
            Event::Served { .. } => "queue.served",
            Event::Absent { .. } => "queue.absent",
            Event::Moved { .. } => "queue.moved",
            Event::ResidentApplied { .. } => "resident.applied",
            Event::ResidentDecided { .. } => "resident.decided",
            Event::ResidentCrossed { .. } => "resident.crossed",
        }
    }

    /// The trip the event belongs to, if any: the province receives a trip's events in order.
    pub fn trip_id(&self) -> Option<&TripId> {
        match self {
            Event::VehicleRegistered { .. }
            | Event::VehicleVerified { .. }
            | Event::PassIssued { .. }
            | Event::PassRevoked { .. }
            | Event::ResidentApplied { .. }
            | Event::ResidentDecided { .. }
            | Event::ResidentCrossed { .. } => None,
            Event::TripCreated { trip_id, .. }
            | Event::DeclarationAdded { trip_id, .. }
            | Event::TripCancelled { trip_id }
            | Event::TripCompleted { trip_id }
            | Event::BookingMade { trip_id, .. }
            | Event::BookingCancelled { trip_id, .. }
            | Event::BookingRescheduled { trip_id, .. }
            | Event::BookingReleased { trip_id, .. }
            | Event::CheckedIn { trip_id, .. }
            | Event::Called { trip_id, .. }
            | Event::Served { trip_id, .. }
            | Event::Absent { trip_id, .. }
            | Event::Moved { trip_id, .. } => Some(trip_id),
        }
    }

    /// The entity the event is about (what `edge_outbox.entity_id` holds).
    pub fn entity_id(&self) -> String {
        match self {
            Event::VehicleRegistered { vehicle_id, .. }
            | Event::VehicleVerified { vehicle_id, .. } => vehicle_id.to_string(),
            Event::PassIssued { pass_id, .. } | Event::PassRevoked { pass_id, .. } => {
                pass_id.to_string()
            }
            Event::BookingMade { booking_id, .. }
            | Event::BookingCancelled { booking_id, .. }
            | Event::BookingRescheduled { booking_id, .. }
            | Event::BookingReleased { booking_id, .. } => booking_id.to_string(),
            Event::CheckedIn { entry_id, .. }
            | Event::Called { entry_id, .. }
            | Event::Served { entry_id, .. }
            | Event::Absent { entry_id, .. }
            | Event::Moved { entry_id, .. } => entry_id.to_string(),
            Event::TripCreated { trip_id, .. }
            | Event::DeclarationAdded { trip_id, .. }
            | Event::TripCancelled { trip_id }
            | Event::TripCompleted { trip_id } => trip_id.to_string(),
            Event::ResidentApplied { resident_id, .. }
            | Event::ResidentDecided { resident_id, .. } => resident_id.to_string(),
            Event::ResidentCrossed { crossing_id, .. } => crossing_id.to_string(),
        }
    }

    /// The resident the event belongs to, if any.
    pub fn resident_id(&self) -> Option<&ResidentId> {
        match self {
            Event::ResidentApplied { resident_id, .. }
            | Event::ResidentDecided { resident_id, .. }
            | Event::ResidentCrossed { resident_id, .. } => Some(resident_id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yard() -> YardId {
        YardId::parse("hn-fruit").unwrap()
    }

    #[test]
    fn a_recorded_event_is_flat_json_with_its_version_and_type() {
        let recorded = Recorded::new(
            EventId::of_yard(&yard(), 7),
            1_800_000_000_000,
            Event::Served {
                entry_id: QueueEntryId::parse("q-1a2b3c4d5e").unwrap(),
                trip_id: TripId::parse("t-1").unwrap(),
                yard_id: yard(),
            },
        );
        let json = serde_json::to_value(&recorded).unwrap();
        assert_eq!(json["id"], "hn-fruit.7");
        assert_eq!(json["v"], 1);
        assert_eq!(json["type"], "queue.served");
        assert_eq!(json["trip_id"], "t-1");
        let back: Recorded = serde_json::from_value(json).unwrap();
        assert_eq!(back, recorded);
        assert_eq!(back.event.kind(), "queue.served");
        assert_eq!(back.event.trip_id().map(TripId::as_str), Some("t-1"));
    }

    #[test]
    fn the_json_type_is_the_kind() {
        let event = Event::TripCancelled {
            trip_id: TripId::parse("t-1").unwrap(),
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["type"], event.kind());
    }

    #[test]
    fn event_ids_are_checked() {
        assert!(EventId::parse("ev-0011223344556677").is_ok());
        assert_eq!(
            EventId::from_random([0xab; 8]).as_str(),
            "ev-abababababababab"
        );
        for bad in ["", "ev", "EV-1", "ev 1", "ev/1", &"x".repeat(65)] {
            assert!(EventId::parse(bad).is_err(), "{bad:?}");
        }
    }
}
