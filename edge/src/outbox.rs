//! The edge outbox (`edge_outbox`): the one place that writes domain events to D1.
//!
//! A handler builds its change as D1 statements and adds [`record`]'s statement for each event
//! to the same batch, so the change and its event commit together or not at all. A yard's
//! object copies its own events here with [`record`] as well: the unique event id makes a
//! repeated copy a no-op (`INSERT OR IGNORE`), so none is doubled.
//!
//! An event the province receives also gets its place in its subject's stream (a trip's, or a
//! resident's crossings: `stream_key` from `RecordSubject::stream_key`, and `stream_seq`: 1, 2,
//! 3, … in the order the events reach the outbox), computed in the same statement so two
//! inserts cannot take the same place; the province sync ([`crate::province`]) sends each
//! stream's records in that order and marks them here once the province acknowledges them.

use crate::error::ApiError;
use shared::event::{Event, EventId, Recorded};
use shared::province::record::RecordSubject;
use worker::{D1Database, D1PreparedStatement};

/// A new event recorded by the Worker at `now_ms`, with a random id.
pub fn new_event(event: Event, now_ms: i64) -> Result<Recorded, ApiError> {
    let bytes = crate::auth::secrets::random_bytes::<8>()?;
    Ok(Recorded::new(EventId::from_random(bytes), now_ms, event))
}

/// The statement that appends `recorded` to the outbox (nothing if its id is already there).
pub fn record(db: &D1Database, recorded: &Recorded) -> Result<D1PreparedStatement, ApiError> {
    insert(db, recorded, When::Always)
}

/// Like [`record`], but the event is written only if the statement just before it in the
/// batch changed a row (SQLite's `changes()`): for a guarded update (`… WHERE status = ?`)
/// that a concurrent change may have made a no-op, so no event reports what did not happen.
pub fn record_if_changed(
    db: &D1Database,
    recorded: &Recorded,
) -> Result<D1PreparedStatement, ApiError> {
    insert(db, recorded, When::PreviousChanged)
}

/// Whether an event's row is written unconditionally or only after a change.
enum When {
    Always,
    PreviousChanged,
}

fn insert(
    db: &D1Database,
    recorded: &Recorded,
    when: When,
) -> Result<D1PreparedStatement, ApiError> {
    let payload = serde_json::to_string(recorded).map_err(|_| ApiError::internal())?;
    let trip = recorded.event.trip_id().map(|t| t.to_string());
    let stream = RecordSubject::of(&recorded.event).map(|s| s.stream_key());
    let null = || wasm_bindgen::JsValue::NULL;
    Ok(db
        .prepare(match when {
            When::Always => {
                "INSERT OR IGNORE INTO edge_outbox
                   (event_id, version, topic, entity_id, trip_id, payload, created_at_ms,
                    stream_key, stream_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, CASE WHEN ?8 IS NULL THEN NULL ELSE
                   (SELECT COALESCE(MAX(stream_seq), 0) + 1 FROM edge_outbox WHERE stream_key = ?8) END)"
            }
            When::PreviousChanged => {
                "INSERT OR IGNORE INTO edge_outbox
                   (event_id, version, topic, entity_id, trip_id, payload, created_at_ms,
                    stream_key, stream_seq)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, CASE WHEN ?8 IS NULL THEN NULL ELSE
                   (SELECT COALESCE(MAX(stream_seq), 0) + 1 FROM edge_outbox WHERE stream_key = ?8) END
                 WHERE changes() > 0"
            }
        })
        .bind(&[
            recorded.id.as_str().into(),
            f64::from(recorded.version).into(),
            recorded.event.kind().into(),
            recorded.event.entity_id().into(),
            trip.map_or_else(null, |t| t.as_str().into()),
            payload.into(),
            (recorded.at_ms as f64).into(),
            stream.map_or_else(null, |s| s.as_str().into()),
        ])?)
}

/// [`new_event`] and [`record`] in one step, for a handler's batch.
pub fn record_new(
    db: &D1Database,
    event: Event,
    now_ms: i64,
) -> Result<D1PreparedStatement, ApiError> {
    record(db, &new_event(event, now_ms)?)
}
