//! D1's copies of what the yard's object stored: changed bookings (`bookings`, and the trip's
//! claim in `trip_bookings` once a booking ends), changed queue entries (`queue_entries`), the
//! yard's figures (`yard_queue_stats`) and the yard's events (`edge_outbox`, in order).
//!
//! One copy runs at a time (see [`copy_in_order`]), in one D1 batch; only after the batch
//! committed are its marks cleared and its events deleted here. A copy that fails is retried
//! by the next call or alarm; a batch repeated after a crash changes nothing (upserts, and the
//! outbox ignores an event id it has).

use super::sqlite::{from_json, rust_error};
use crate::bindings::DB_BINDING;
use serde::Deserialize;
use shared::booking::{Booking, BookingStatus};
use shared::event::Recorded;
use shared::queue::{Entry, QueueStats};
use shared::YardId;
use std::cell::Cell;
use worker::{D1Database, D1PreparedStatement, Env, Result, SqlStorage};

/// Events copied per batch (a yard that was cut off from D1 catches up over a few calls).
const EVENTS_PER_COPY: i64 = 200;

/// One copy to D1 at a time: a call that arrives while a copy is waiting on D1 asks it to go
/// round again instead of racing it (an older batch landing last would leave D1 stale, and
/// events would reach the outbox out of order).
#[derive(Default)]
pub struct CopyState {
    running: Cell<bool>,
    again: Cell<bool>,
}

/// Runs `copy` until nothing new was asked of it meanwhile. Each round reads the marks of what
/// changed and clears only the marks it copied at their version, so a change made during a
/// round is copied by the next one (or, after a failure, by the next call).
pub async fn copy_in_order<F, Fut>(state: &CopyState, mut copy: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    state.again.set(true);
    if state.running.replace(true) {
        return;
    }
    while state.again.replace(false) {
        if let Err(e) = copy().await {
            worker::console_error!("copying the yard to D1 failed (kept for the next call): {e:?}");
            break;
        }
    }
    state.running.set(false);
}

/// A changed row and the version of its mark.
#[derive(Deserialize)]
struct MarkedRow {
    json: String,
    v: i64,
}

#[derive(Deserialize)]
struct EventRow {
    seq: i64,
    json: String,
}

/// Copies what changed (and `stats`, when the figures are due) in one batch.
pub async fn copy(
    env: &Env,
    sql: &SqlStorage,
    yard: &YardId,
    stats: Option<&QueueStats>,
) -> Result<()> {
    let bookings: Vec<MarkedRow> = sql
        .exec(
            "SELECT b.json, m.v FROM booking_d1_marks m JOIN bookings b ON b.id = m.id",
            None,
        )?
        .to_array()?;
    let entries: Vec<MarkedRow> = sql
        .exec(
            "SELECT e.json, m.v FROM queue_d1_marks m JOIN queue_entries e ON e.id = m.id",
            None,
        )?
        .to_array()?;
    let events: Vec<EventRow> = sql
        .exec(
            "SELECT seq, json FROM yard_events ORDER BY seq LIMIT ?1",
            vec![EVENTS_PER_COPY.into()],
        )?
        .to_array()?;
    if bookings.is_empty() && entries.is_empty() && events.is_empty() && stats.is_none() {
        return Ok(());
    }
    let db = env.d1(DB_BINDING)?;
    let mut statements = Vec::new();
    let mut booking_marks = Vec::new();
    for row in &bookings {
        let b: Booking = from_json(&row.json)?;
        statements.extend(booking_statements(&db, &b, &row.json)?);
        booking_marks.push((b.id.to_string(), row.v));
    }
    let mut entry_marks = Vec::new();
    for row in &entries {
        let e: Entry = from_json(&row.json)?;
        statements.push(entry_statement(&db, yard, &e, &row.json)?);
        entry_marks.push((e.id.to_string(), row.v));
    }
    if let Some(stats) = stats {
        statements.push(stats_statement(&db, yard, stats)?);
    }
    for row in &events {
        let recorded: Recorded = from_json(&row.json)?;
        statements
            .push(crate::outbox::record(&db, &recorded).map_err(|e| rust_error(e.body().message))?);
    }
    db.batch(statements).await?;
    for (id, v) in booking_marks {
        sql.exec(
            "DELETE FROM booking_d1_marks WHERE id = ?1 AND v = ?2",
            vec![id.into(), v.into()],
        )?;
    }
    for (id, v) in entry_marks {
        sql.exec(
            "DELETE FROM queue_d1_marks WHERE id = ?1 AND v = ?2",
            vec![id.into(), v.into()],
        )?;
    }
    if let Some(last) = events.last() {
        sql.exec(
            "DELETE FROM yard_events WHERE seq <= ?1",
            vec![last.seq.into()],
        )?;
    }
    Ok(())
}

fn booking_statements(
    db: &D1Database,
    b: &Booking,
    json: &str,
) -> Result<Vec<D1PreparedStatement>> {
    let mut statements = vec![db
        .prepare(
            "INSERT INTO bookings (id, yard_id, account_id, trip_id, slot_start_ms, status, json,
               updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(id) DO UPDATE SET slot_start_ms = excluded.slot_start_ms,
               status = excluded.status, json = excluded.json, updated_at_ms = excluded.updated_at_ms",
        )
        .bind(&[
            b.id.as_str().into(),
            b.slot.yard.as_str().into(),
            b.account_id.as_str().into(),
            b.trip_id.as_str().into(),
            (b.slot.start_ms as f64).into(),
            b.status.as_str().into(),
            json.into(),
            (b.updated_at_ms as f64).into(),
        ])?];
    if matches!(b.status, BookingStatus::Cancelled | BookingStatus::NoShow) {
        // The booking ended: its trip may be booked again (here or at another yard).
        statements.push(
            db.prepare(
                "DELETE FROM trip_bookings WHERE trip_id = ?1 AND yard_id = ?2
                   AND account_id = ?3 AND idem_key = ?4",
            )
            .bind(&[
                b.trip_id.as_str().into(),
                b.slot.yard.as_str().into(),
                b.account_id.as_str().into(),
                b.idempotency_key.as_str().into(),
            ])?,
        );
    }
    Ok(statements)
}

fn entry_statement(
    db: &D1Database,
    yard: &YardId,
    e: &Entry,
    json: &str,
) -> Result<D1PreparedStatement> {
    let updated = [e.closed_at_ms, e.called_at_ms, e.first_called_at_ms]
        .into_iter()
        .flatten()
        .fold(e.recorded_at_ms.max(e.queued_at_ms), i64::max);
    db.prepare(
        "INSERT INTO queue_entries (id, yard_id, trip_id, account_id, status, json,
           updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, json = excluded.json,
           updated_at_ms = excluded.updated_at_ms",
    )
    .bind(&[
        e.id.as_str().into(),
        yard.as_str().into(),
        e.trip_id.as_str().into(),
        e.account_id.as_str().into(),
        e.status.as_str().into(),
        json.into(),
        (updated as f64).into(),
    ])
}

fn stats_statement(
    db: &D1Database,
    yard: &YardId,
    stats: &QueueStats,
) -> Result<D1PreparedStatement> {
    let json = serde_json::to_string(stats).map_err(rust_error)?;
    db.prepare(
        "INSERT INTO yard_queue_stats (yard_id, json, updated_at_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT(yard_id) DO UPDATE SET json = excluded.json,
           updated_at_ms = excluded.updated_at_ms",
    )
    .bind(&[
        yard.as_str().into(),
        json.into(),
        (stats.as_of_ms as f64).into(),
    ])
}
