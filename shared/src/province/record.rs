//! What BorderPass sends the province, and what the province answers.
//!
//! `POST /v1/records` carries a [`Batch`]: records in the edge's outbox order, so each
//! subject's records are in `seq` order. Each [`ProvinceRecord`] is one domain event
//! ([`crate::event`]) of a subject ([`RecordSubject`]): a trip (`trip_id`), or a border resident
//! (`resident_id`, whose crossings are records too). Its `event_id` is the idempotency key (a
//! record sent twice is one record), `seq` its place in its subject's stream (1, 2, 3, … with no
//! gap). The province answers every record with a [`RecordResult`]; it takes a subject's records
//! only in `seq` order and answers [`RecordOutcome::Held`] for one whose predecessor it has not
//! taken, so a history never arrives out of order even when batches are retried, split or
//! duplicated.

use super::PROVINCE_API_VERSION;
use crate::event::{Event, EventId, Recorded};
use crate::resident::ResidentId;
use crate::{Country, Direction, Plate, TripId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// Whose stream a record is in: its JSON is the one field `trip_id` or `resident_id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RecordSubject {
    #[serde(rename = "trip_id")]
    Trip(TripId),
    #[serde(rename = "resident_id")]
    Resident(ResidentId),
}

impl RecordSubject {
    /// The stream an event joins, if the province receives it: a trip's events, and a
    /// resident's crossings (not their application or the officers' decisions, nor vehicles or
    /// passes).
    pub fn of(event: &Event) -> Option<RecordSubject> {
        match event {
            Event::ResidentCrossed { resident_id, .. } => {
                Some(RecordSubject::Resident(resident_id.clone()))
            }
            other => other.trip_id().cloned().map(RecordSubject::Trip),
        }
    }

    /// The stream's key as the edge stores it (`trip:<id>`, `resident:<id>`): a trip id
    /// chosen by a phone can never name a resident's stream.
    pub fn stream_key(&self) -> String {
        self.to_string()
    }

    /// Reads a [`RecordSubject::stream_key`] back.
    pub fn parse_stream_key(key: &str) -> Option<RecordSubject> {
        match key.split_once(':')? {
            ("trip", id) => TripId::parse(id).ok().map(RecordSubject::Trip),
            ("resident", id) => ResidentId::parse(id).ok().map(RecordSubject::Resident),
            _ => None,
        }
    }
}

impl fmt::Display for RecordSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordSubject::Trip(id) => write!(f, "trip:{id}"),
            RecordSubject::Resident(id) => write!(f, "resident:{id}"),
        }
    }
}

/// One record for the province: an event, placed in its subject's stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvinceRecord {
    /// The idempotency key: the province keeps one record per id, whatever the retries.
    pub event_id: EventId,
    /// The event's type (`trip.accepted`, `booking.made`, `queue.checked_in`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// The interface's version ([`PROVINCE_API_VERSION`]).
    pub version: u16,
    /// The event shape's version (`shared::event::EVENT_VERSION` when written).
    pub event_version: u16,
    /// `trip_id` or `resident_id`.
    #[serde(flatten)]
    pub subject: RecordSubject,
    /// The record's place in its subject's stream: 1 for the first, no gaps.
    pub seq: u32,
    /// When it happened at BorderPass (Unix ms).
    pub occurred_at_ms: i64,
    /// The event itself, as `shared::event` documents it.
    pub data: Event,
    /// For `trip.accepted`: the trip in the platform's own words, so nothing is typed again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declaration: Option<PlatformDeclaration>,
}

/// A trip's declaration in the words of Lạng Sơn's platform (`numberHQ`, gate code, the
/// Vietnamese or Chinese plate, trailer, HS code, value in VND).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformDeclaration {
    /// The gate's code (BorderPass's gate id, e.g. `huu-nghi`).
    pub gate_code: String,
    /// `export` (to China) or `import`.
    pub direction: Direction,
    /// The plate when Vietnamese (`29C-123.45`), else absent.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "plateVN")]
    pub plate_vn: Option<String>,
    /// The plate when Chinese (`桂A12345`), else absent.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "plateCN")]
    pub plate_cn: Option<String>,
    pub trailer: Option<String>,
    pub cargo: String,
    pub perishable: bool,
    pub hs_code: Option<String>,
    pub weight_kg: u32,
    /// The goods' value in VND: not asked by BorderPass yet, so always absent today.
    #[serde(rename = "valueVND")]
    pub value_vnd: Option<u64>,
    /// The customs declaration number (the platform's `numberHQ`), once the driver has it.
    #[serde(rename = "numberHQ")]
    pub number_hq: Option<String>,
    pub arrival_from_ms: i64,
    pub arrival_to_ms: i64,
}

impl ProvinceRecord {
    /// The record for a recorded event at `seq` in its subject's stream; `None` for an event
    /// the province does not receive ([`RecordSubject::of`]).
    pub fn of(recorded: &Recorded, seq: u32) -> Option<ProvinceRecord> {
        let subject = RecordSubject::of(&recorded.event)?;
        Some(ProvinceRecord {
            event_id: recorded.id.clone(),
            kind: recorded.event.kind().to_owned(),
            version: PROVINCE_API_VERSION,
            event_version: recorded.version,
            subject,
            seq,
            occurred_at_ms: recorded.at_ms,
            declaration: PlatformDeclaration::of(&recorded.event),
            data: recorded.event.clone(),
        })
    }
}

impl PlatformDeclaration {
    fn of(event: &Event) -> Option<PlatformDeclaration> {
        let Event::TripCreated {
            plate,
            trailer,
            gate,
            direction,
            cargo,
            perishable,
            hs_code,
            weight_kg,
            declaration,
            window_from_ms,
            window_to_ms,
            ..
        } = event
        else {
            return None;
        };
        let chinese = Plate::parse(plate).is_ok_and(|p| p.country() == Country::Cn);
        let (plate_vn, plate_cn) = if chinese {
            (None, Some(plate.clone()))
        } else {
            (Some(plate.clone()), None)
        };
        Some(PlatformDeclaration {
            gate_code: gate.to_string(),
            direction: *direction,
            plate_vn,
            plate_cn,
            trailer: trailer.clone(),
            cargo: cargo.clone(),
            perishable: *perishable,
            hs_code: hs_code.clone(),
            weight_kg: *weight_kg,
            value_vnd: None,
            number_hq: declaration.clone(),
            arrival_from_ms: *window_from_ms,
            arrival_to_ms: *window_to_ms,
        })
    }
}

/// `POST /v1/records`: records in outbox order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// The batch's id (also its `webhook-id`): the same records retried make the same id.
    pub batch_id: String,
    pub records: Vec<ProvinceRecord>,
}

impl Batch {
    /// A batch of `records`, its id drawn from their event ids.
    pub fn new(records: Vec<ProvinceRecord>) -> Batch {
        let mut digest = Sha256::new();
        for record in &records {
            digest.update(record.event_id.as_str().as_bytes());
            digest.update(b"\n");
        }
        let hex: String = digest.finalize()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Batch {
            batch_id: format!("batch_{hex}"),
            records,
        }
    }
}

/// The province's answer to a batch: one result per record it read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchAnswer {
    pub results: Vec<RecordResult>,
}

/// What the province did with one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordResult {
    pub event_id: EventId,
    #[serde(flatten)]
    pub outcome: RecordOutcome,
}

/// The answer for one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum RecordOutcome {
    /// Taken now.
    Accepted,
    /// Taken before (same event id): nothing changed.
    Duplicate,
    /// Not taken: the subject's record `expected_seq` has not arrived. Send it first.
    Held { expected_seq: u32 },
    /// Refused as invalid: the province will not take it as it is.
    Rejected { reason_code: String, reason: String },
}
