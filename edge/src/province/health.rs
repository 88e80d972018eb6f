//! The admin's view of the sync (`GET /api/admin/province-sync`) and the retry of a parked
//! record (`POST /api/admin/province-sync/parked/{id}/retry`, audited).

use super::{Config, SyncState};
use crate::auth::Principal;
use crate::error::ApiError;
use serde::Deserialize;
use shared::province::record::RecordSubject;
use shared::wire::v1::{ParkedRecordDto, ProvinceSyncHealth, RetryParkedResponse};
use shared::AuditEvent;
use worker::{D1Database, Env};

/// The parked records listed at most.
const MAX_PARKED: u32 = 200;

pub async fn health(
    env: &Env,
    db: &D1Database,
    now_ms: i64,
) -> Result<ProvinceSyncHealth, ApiError> {
    #[derive(Deserialize)]
    struct Waiting {
        pending: f64,
        oldest: Option<f64>,
    }
    #[derive(Deserialize)]
    struct Parked {
        id: f64,
        event_id: Option<String>,
        topic: String,
        stream_key: Option<String>,
        stream_seq: Option<f64>,
        plate: Option<String>,
        province_reason_code: Option<String>,
        province_reason: Option<String>,
        province_parked_at_ms: f64,
        held_behind: f64,
    }
    let state = SyncState::read(db).await?;
    let waiting = db
        .prepare(
            "SELECT COUNT(*) AS pending, MIN(created_at_ms) AS oldest FROM edge_outbox
             WHERE sent_at_ms IS NULL AND stream_key IS NOT NULL",
        )
        .first::<Waiting>(None)
        .await?;
    let parked = db
        .prepare(
            "SELECT o.id, o.event_id, o.topic, o.stream_key, o.stream_seq, v.plate,
               o.province_reason_code, o.province_reason, o.province_parked_at_ms,
               (SELECT COUNT(*) FROM edge_outbox later WHERE later.stream_key = o.stream_key
                  AND later.stream_seq > o.stream_seq AND later.sent_at_ms IS NULL) AS held_behind
             FROM edge_outbox o
             LEFT JOIN trips t ON t.id = o.trip_id
             LEFT JOIN vehicles v ON v.id = t.vehicle_id
             WHERE o.province_parked_at_ms IS NOT NULL
             ORDER BY o.province_parked_at_ms, o.id LIMIT ?1",
        )
        .bind(&[f64::from(MAX_PARKED).into()])?
        .all()
        .await?
        .results::<Parked>()?;
    let (pending, oldest) = waiting.map_or((0, None), |w| (w.pending as u64, w.oldest));
    Ok(ProvinceSyncHealth {
        configured: Config::from_env(env).is_some(),
        pending,
        lag_ms: oldest.map_or(0, |o| now_ms.saturating_sub(o as i64).max(0)),
        last_success_at_ms: state.last_success_at_ms,
        failures: state.failures,
        last_error: state.last_error,
        next_attempt_at_ms: state.next_attempt_at_ms.filter(|next| *next > now_ms),
        parked: parked
            .into_iter()
            .map(|p| {
                let subject = p
                    .stream_key
                    .as_deref()
                    .and_then(RecordSubject::parse_stream_key);
                let (trip_id, resident_id) = match subject {
                    Some(RecordSubject::Trip(id)) => (Some(id.to_string()), None),
                    Some(RecordSubject::Resident(id)) => (None, Some(id.to_string())),
                    None => (None, None),
                };
                ParkedRecordDto {
                    id: p.id as i64,
                    event_id: p.event_id.unwrap_or_default(),
                    kind: p.topic,
                    trip_id,
                    resident_id,
                    seq: p.stream_seq.map_or(0, |s| s as u32),
                    plate: p.plate,
                    reason_code: p.province_reason_code.unwrap_or_default(),
                    reason: p.province_reason.unwrap_or_default(),
                    parked_at_ms: p.province_parked_at_ms as i64,
                    held_behind: p.held_behind as u64,
                }
            })
            .collect(),
    })
}

/// Makes a parked record pending again (after the cause was fixed, at the province or here),
/// audited in the same batch. `not_found` unless the record is parked now.
pub async fn retry_parked(
    db: &D1Database,
    me: &Principal,
    id: i64,
    now_ms: i64,
) -> Result<RetryParkedResponse, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        event_id: Option<String>,
        trip_id: Option<String>,
        stream_key: Option<String>,
        province_reason_code: Option<String>,
    }
    let not_parked = || ApiError::not_found(format!("no parked province record {id}"));
    let row = db
        .prepare(
            "SELECT event_id, trip_id, stream_key, province_reason_code FROM edge_outbox
             WHERE id = ?1 AND province_parked_at_ms IS NOT NULL AND sent_at_ms IS NULL",
        )
        .bind(&[(id as f64).into()])?
        .first::<Row>(None)
        .await?
        .ok_or_else(not_parked)?;
    let event_id = row.event_id.unwrap_or_default();
    let detail = serde_json::json!({
        "outbox_id": id,
        "event_id": event_id,
        "trip_id": row.trip_id,
        "stream": row.stream_key,
        "reason_code": row.province_reason_code,
    });
    let results = db
        .batch(vec![
            db.prepare(
                "UPDATE edge_outbox SET province_parked_at_ms = NULL, province_reason_code = NULL,
                   province_reason = NULL
                 WHERE id = ?1 AND province_parked_at_ms IS NOT NULL AND sent_at_ms IS NULL",
            )
            .bind(&[(id as f64).into()])?,
            crate::audit::entry_if_changed(
                db,
                now_ms,
                Some(me.account_id.as_str()),
                AuditEvent::ProvinceRecordRetried,
                Some(&event_id),
                detail,
            )?,
        ])
        .await?;
    let changed = results
        .first()
        .and_then(|r| r.meta().ok().flatten())
        .and_then(|m| m.changes)
        .unwrap_or(0);
    if changed == 0 {
        // Another admin's retry (or a push) got there first.
        return Err(not_parked());
    }
    Ok(RetryParkedResponse { id, event_id })
}
