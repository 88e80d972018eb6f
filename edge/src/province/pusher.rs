//! The pusher: the outbox's records (trips' events, residents' crossings) to the province, in
//! order, until it has them all.
//!
//! One run: unless the last failure's backoff (or the province's `Retry-After`) says wait,
//! take the lease (one pusher at a time; it expires, so a pusher that died mid-push does not
//! stop the others for long), then batch after batch: read the pending records in outbox
//! order (streams with a parked record left out), plan the batch (`shared::province::delivery`),
//! sign and send it, check the answer's signature, and apply every record's disposition and
//! the pusher's state in one D1 batch. A failure (no answer, a timeout, a status other than
//! 200, a bad signature) marks nothing: the records stay pending and are sent again after the
//! backoff. A kill at any point leaves at worst records the province has but the edge has not
//! marked: they are sent again and answered `duplicate`.

use super::transport::{self, Failure};
use super::{keys, set_state, Config, SyncState};
use crate::error::ApiError;
use serde::{Deserialize, Serialize};
use shared::event::Recorded;
use shared::province::delivery::{self, Backoff, BatchLimits, Disposition, Pending};
use shared::province::record::{Batch, BatchAnswer, ProvinceRecord, RecordOutcome, RecordSubject};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env, Method};

/// How long a lease lasts: longer than a run's budget plus one request's timeout.
pub const LEASE_MS: i64 = 60_000;
/// A run stops starting batches after this long (real time), leaving the rest to the next.
const BUDGET_MS: i64 = 25_000;
const MAX_BATCHES_PER_RUN: u32 = 60;
/// Pending records read at a time (the planner picks the batch among them).
const READ_AHEAD: u32 = 1_000;
/// The longest reason kept from the province.
const MAX_REASON_CHARS: usize = 500;

/// What one run did (answered by the test hook, logged by the cron).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PushReport {
    /// `not_configured`, `not_due` (backing off), `busy` (another pusher holds the lease),
    /// `ran`.
    pub outcome: &'static str,
    pub batches: u32,
    /// Records sent (a record sent in two batches counts twice).
    pub sent: u32,
    pub acknowledged: u32,
    pub parked: u32,
    /// Records the province did not take yet (held behind an earlier one, or not answered).
    pub held: u32,
    /// The failure that ended the run, if one did.
    pub failure: Option<String>,
    pub next_attempt_at_ms: Option<i64>,
}

impl PushReport {
    fn outcome(outcome: &'static str) -> PushReport {
        PushReport {
            outcome,
            ..PushReport::default()
        }
    }
}

/// One run of the pusher at `now_ms` (the job's clock: backoff, lease and marks use it).
pub async fn push(env: &Env, db: &D1Database, now_ms: i64) -> Result<PushReport, ApiError> {
    let Some(config) = Config::from_env(env) else {
        return Ok(PushReport::outcome("not_configured"));
    };
    let state = SyncState::read(db).await?;
    if let Some(next) = state.next_attempt_at_ms.filter(|next| *next > now_ms) {
        let mut report = PushReport::outcome("not_due");
        report.next_attempt_at_ms = Some(next);
        return Ok(report);
    }
    let token = hex(&crate::auth::secrets::random_bytes::<8>()?);
    if !lease::acquire(db, &token, now_ms).await? {
        return Ok(PushReport::outcome("busy"));
    }
    let result = run_with_lease(db, &config, &token, state.failures, now_ms).await;
    if let Err(e) = lease::release(db, &token).await {
        worker::console_error!("province lease not released: {e:?}");
    }
    result
}

thread_local! {
    /// Whether this isolate is pushing after a write, and the clock of a write that came in
    /// meanwhile (the running push then runs once more, so that write's records are not left
    /// for the cron): at most one such push per isolate, many writes coalesced into it.
    static SOON: Cell<(bool, Option<i64>)> = const { Cell::new((false, None)) };
}

/// A push soon after a write (`ctx.wait_until`): errors are only logged.
pub async fn push_soon(env: Env, now_ms: i64) {
    let (running, _) = SOON.get();
    if running {
        SOON.set((true, Some(now_ms)));
        return;
    }
    SOON.set((true, None));
    let mut at_ms = now_ms;
    loop {
        if let Ok(db) = env.d1(crate::bindings::DB_BINDING) {
            match push(&env, &db, at_ms).await {
                Ok(report) if report.failure.is_some() => {
                    worker::console_warn!("province push: {:?}", report.failure);
                }
                Ok(_) => {}
                Err(e) => worker::console_error!("province push failed: {e:?}"),
            }
        }
        match SOON.get() {
            (_, Some(again)) => {
                SOON.set((true, None));
                at_ms = again;
            }
            (_, None) => break,
        }
    }
    SOON.set((false, None));
}

#[derive(Debug, Deserialize)]
struct PendingRow {
    id: f64,
    stream_key: String,
    stream_seq: Option<f64>,
    payload: String,
}

/// A pending row made into its record (or found unreadable).
struct Candidate {
    row_id: i64,
    subject: RecordSubject,
    record: ProvinceRecord,
    json_len: usize,
}

async fn run_with_lease(
    db: &D1Database,
    config: &Config,
    token: &str,
    mut failures: u32,
    now_ms: i64,
) -> Result<PushReport, ApiError> {
    let mut report = PushReport::outcome("ran");
    let started = crate::clock::now_ms();
    while report.batches < MAX_BATCHES_PER_RUN
        && crate::clock::now_ms().saturating_sub(started) < BUDGET_MS
    {
        let blocked = parked_streams(db).await?;
        let candidates = read_pending(db, now_ms).await?;
        if candidates.is_empty() {
            break;
        }
        let pending: Vec<Pending<'_>> = candidates
            .iter()
            .map(|c| Pending {
                subject: &c.subject,
                bytes: c.json_len,
            })
            .collect();
        let chosen = delivery::plan_batch(&pending, &blocked, BatchLimits::DEFAULT);
        if chosen.is_empty() {
            break;
        }
        let chosen: Vec<&Candidate> = chosen.iter().map(|&i| &candidates[i]).collect();
        let batch = Batch::new(chosen.iter().map(|c| c.record.clone()).collect());
        let body = serde_json::to_string(&batch).map_err(|_| ApiError::internal())?;
        report.batches += 1;
        report.sent += chosen.len() as u32;
        let answer_id = format!("ans_{}", batch.batch_id);
        let answer = transport::exchange(
            config,
            Method::Post,
            "/v1/records",
            &batch.batch_id,
            &body,
            Some(&answer_id),
        )
        .await
        .and_then(|bytes| {
            serde_json::from_slice::<BatchAnswer>(&bytes).map_err(|_| Failure::Unreadable)
        });
        let answer = match answer {
            Ok(answer) => answer,
            Err(failure) => {
                failures = failures.saturating_add(1);
                let retry_after = failure
                    .retry_after()
                    .and_then(|h| delivery::retry_after_ms(h, now_ms));
                let jitter = f64::from(crate::auth::secrets::random_bytes::<1>()?[0]) / 255.0;
                let next =
                    Backoff::DEFAULT.next_attempt_at_ms(now_ms, failures, retry_after, jitter);
                let text = failure.describe();
                db.batch(vec![
                    set_state(db, keys::FAILURES, Some(failures.into()), None, now_ms)?,
                    set_state(db, keys::NEXT_ATTEMPT, Some(next), None, now_ms)?,
                    set_state(db, keys::LAST_ERROR, None, Some(&text), now_ms)?,
                ])
                .await?;
                report.failure = Some(text);
                report.next_attempt_at_ms = Some(next);
                break;
            }
        };
        let progress = apply(db, &chosen, &answer, now_ms, &mut report).await?;
        failures = 0;
        if !lease::renew(db, token, now_ms).await? || !progress {
            // Another pusher took over, or the province took none of these: stop for now.
            break;
        }
    }
    Ok(report)
}

/// The streams (trips, residents) with a parked record: their later records wait.
async fn parked_streams(db: &D1Database) -> Result<BTreeSet<RecordSubject>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        stream_key: String,
    }
    let rows = db
        .prepare(
            "SELECT DISTINCT stream_key FROM edge_outbox
             WHERE province_parked_at_ms IS NOT NULL AND stream_key IS NOT NULL",
        )
        .all()
        .await?
        .results::<Row>()?;
    Ok(rows
        .into_iter()
        .filter_map(|r| RecordSubject::parse_stream_key(&r.stream_key))
        .collect())
}

/// The next pending records in outbox order. A row the edge cannot read (it never should) is
/// parked with `edge_unreadable`, so it holds its own stream back, not every stream.
async fn read_pending(db: &D1Database, now_ms: i64) -> Result<Vec<Candidate>, ApiError> {
    let rows = db
        .prepare(
            "SELECT id, stream_key, stream_seq, payload FROM edge_outbox
             WHERE sent_at_ms IS NULL AND stream_key IS NOT NULL AND province_parked_at_ms IS NULL
               AND stream_key NOT IN (SELECT stream_key FROM edge_outbox
                                      WHERE province_parked_at_ms IS NOT NULL
                                        AND stream_key IS NOT NULL)
             ORDER BY id LIMIT ?1",
        )
        .bind(&[f64::from(READ_AHEAD).into()])?
        .all()
        .await?
        .results::<PendingRow>()?;
    let mut candidates = Vec::with_capacity(rows.len());
    let mut unreadable = Vec::new();
    for row in rows {
        let row_id = row.id as i64;
        let made = (|| {
            let subject = RecordSubject::parse_stream_key(&row.stream_key)?;
            let seq = u32::try_from(row.stream_seq? as i64).ok()?;
            let recorded: Recorded = serde_json::from_str(&row.payload).ok()?;
            let record = ProvinceRecord::of(&recorded, seq)?;
            if record.subject != subject {
                return None;
            }
            let json_len = serde_json::to_string(&record).ok()?.len();
            Some(Candidate {
                row_id,
                subject,
                record,
                json_len,
            })
        })();
        match made {
            Some(c) => candidates.push(c),
            None => {
                worker::console_error!("outbox row {row_id} cannot be made a province record");
                unreadable.push(park(
                    db,
                    row_id,
                    now_ms,
                    "edge_unreadable",
                    "the edge could not read this outbox row",
                )?);
            }
        }
    }
    if !unreadable.is_empty() {
        db.batch(unreadable).await?;
        // Their streams are blocked now: read again without them.
        return Box::pin(read_pending(db, now_ms)).await;
    }
    Ok(candidates)
}

/// Applies the province's answer to the batch's records and resets the failure count, in one
/// D1 batch. Returns whether anything moved (a record acknowledged or parked).
async fn apply(
    db: &D1Database,
    chosen: &[&Candidate],
    answer: &BatchAnswer,
    now_ms: i64,
    report: &mut PushReport,
) -> Result<bool, ApiError> {
    let outcomes: BTreeMap<&str, &RecordOutcome> = answer
        .results
        .iter()
        .map(|r| (r.event_id.as_str(), &r.outcome))
        .collect();
    let mut marks = Vec::new();
    let mut resend_from = Vec::new();
    let mut moved = false;
    for candidate in chosen {
        let outcome = outcomes.get(candidate.record.event_id.as_str()).copied();
        match delivery::dispose(outcome) {
            Disposition::Acknowledge => {
                report.acknowledged += 1;
                moved = true;
                marks.push(
                    db.prepare(
                        "UPDATE edge_outbox SET sent_at_ms = ?2,
                           province_attempts = province_attempts + 1
                         WHERE id = ?1 AND sent_at_ms IS NULL",
                    )
                    .bind(&[(candidate.row_id as f64).into(), (now_ms as f64).into()])?,
                );
            }
            Disposition::Park {
                reason_code,
                reason,
            } => {
                report.parked += 1;
                moved = true;
                marks.push(park(db, candidate.row_id, now_ms, &reason_code, &reason)?);
            }
            Disposition::SendAgain => {
                report.held += 1;
                marks.push(
                    db.prepare(
                        "UPDATE edge_outbox SET province_attempts = province_attempts + 1
                         WHERE id = ?1",
                    )
                    .bind(&[(candidate.row_id as f64).into()])?,
                );
                // The province is missing an earlier record the edge thought delivered (its
                // storage lost it): those records are pending again, so nothing is dropped.
                if let Some(RecordOutcome::Held { expected_seq }) = outcome {
                    if *expected_seq < candidate.record.seq {
                        resend_from.push(
                            db.prepare(
                                "UPDATE edge_outbox SET sent_at_ms = NULL
                                 WHERE stream_key = ?1 AND stream_seq >= ?2 AND stream_seq < ?3
                                   AND sent_at_ms IS NOT NULL",
                            )
                            .bind(&[
                                candidate.subject.stream_key().into(),
                                f64::from(*expected_seq).into(),
                                f64::from(candidate.record.seq).into(),
                            ])?,
                        );
                    }
                }
            }
        }
    }
    let progress = moved || !resend_from.is_empty();
    marks.extend(resend_from);
    marks.push(set_state(db, keys::FAILURES, Some(0), None, now_ms)?);
    marks.push(set_state(db, keys::NEXT_ATTEMPT, None, None, now_ms)?);
    marks.push(set_state(
        db,
        keys::LAST_SUCCESS,
        Some(now_ms),
        None,
        now_ms,
    )?);
    db.batch(marks).await?;
    Ok(progress)
}

fn park(
    db: &D1Database,
    row_id: i64,
    now_ms: i64,
    reason_code: &str,
    reason: &str,
) -> Result<D1PreparedStatement, ApiError> {
    let code: String = reason_code.chars().take(64).collect();
    let reason: String = reason.chars().take(MAX_REASON_CHARS).collect();
    Ok(db
        .prepare(
            "UPDATE edge_outbox SET province_parked_at_ms = ?2, province_reason_code = ?3,
               province_reason = ?4, province_attempts = province_attempts + 1
             WHERE id = ?1 AND sent_at_ms IS NULL",
        )
        .bind(&[
            (row_id as f64).into(),
            (now_ms as f64).into(),
            code.into(),
            JsValue::from(reason),
        ])?)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The single-pusher lease in `system_state`.
mod lease {
    use super::{keys, LEASE_MS};
    use crate::error::ApiError;
    use serde::Deserialize;
    use worker::D1Database;

    #[derive(Deserialize)]
    struct Holder {
        text_value: Option<String>,
    }

    /// Takes the lease if it is free or expired; whether `token` holds it now.
    pub async fn acquire(db: &D1Database, token: &str, now_ms: i64) -> Result<bool, ApiError> {
        db.prepare(
            "INSERT INTO system_state (key, int_value, text_value, updated_at_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(key) DO UPDATE SET int_value = excluded.int_value,
               text_value = excluded.text_value, updated_at_ms = excluded.updated_at_ms
             WHERE system_state.text_value IS NULL OR system_state.int_value IS NULL
                OR system_state.int_value <= ?4",
        )
        .bind(&[
            keys::LEASE.into(),
            ((now_ms.saturating_add(LEASE_MS)) as f64).into(),
            token.into(),
            (now_ms as f64).into(),
        ])?
        .run()
        .await?;
        holds(db, token).await
    }

    /// Extends the lease; `false` if another pusher took it meanwhile.
    pub async fn renew(db: &D1Database, token: &str, now_ms: i64) -> Result<bool, ApiError> {
        db.prepare(
            "UPDATE system_state SET int_value = ?2, updated_at_ms = ?3
             WHERE key = ?1 AND text_value = ?4",
        )
        .bind(&[
            keys::LEASE.into(),
            ((now_ms.saturating_add(LEASE_MS)) as f64).into(),
            (now_ms as f64).into(),
            token.into(),
        ])?
        .run()
        .await?;
        holds(db, token).await
    }

    pub async fn release(db: &D1Database, token: &str) -> Result<(), ApiError> {
        db.prepare(
            "UPDATE system_state SET text_value = NULL, int_value = NULL
             WHERE key = ?1 AND text_value = ?2",
        )
        .bind(&[keys::LEASE.into(), token.into()])?
        .run()
        .await?;
        Ok(())
    }

    async fn holds(db: &D1Database, token: &str) -> Result<bool, ApiError> {
        let holder = db
            .prepare("SELECT text_value FROM system_state WHERE key = ?1")
            .bind(&[keys::LEASE.into()])?
            .first::<Holder>(None)
            .await?;
        Ok(holder.and_then(|h| h.text_value).as_deref() == Some(token))
    }
}
