//! What the province says about trips: signed callbacks (`POST /api/province/status`) and the
//! pull that reconciles them (`GET /v1/status?after=<cursor>`, run by the cron), both stored
//! once per update id in `trip_timeline`; and the timeline and "received" facts the trips and
//! day lists show.
//!
//! A callback is believed only when its signature holds under `PROVINCE_CALLBACK_SECRET` at
//! the Worker's real clock (5-minute window). Every update of a callback is checked before
//! anything is stored (a bad one refuses the whole callback, nothing stored); an update for a
//! trip BorderPass does not know is answered `rejected` and not stored.

use super::transport::{self, Failure};
use super::{keys, set_state, Config, SyncState};
use crate::error::ApiError;
use crate::http::{parse_json_body, read_body_bytes};
use crate::sql::nullable;
use serde::{Deserialize, Serialize};
use shared::province::timeline::{StatusBatch, StatusUpdate, Timeline, UpdateId};
use shared::province::webhook::{self, Headers as SignedHeaders};
use shared::wire::v1::{StatusCallbackAnswer, StatusUpdateResult};
use shared::{Error, ErrorCode, TripId};
use std::collections::{BTreeMap, BTreeSet};
use worker::{D1Database, Env, Method, Request};

/// The most updates one callback or page may carry.
pub const MAX_UPDATES: usize = 500;
/// Pages read by one pull.
const MAX_PAGES_PER_PULL: u32 = 10;
const PAGE_SIZE: u32 = 200;

/// `POST /api/province/status`: a signed callback from the province.
pub async fn callback(
    env: &Env,
    db: &D1Database,
    req: &mut Request,
    now_ms: i64,
) -> Result<StatusCallbackAnswer, ApiError> {
    let Some(config) = Config::from_env(env) else {
        return Err(ApiError::not_found("the province sync is not configured"));
    };
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let (id, timestamp, signature) = (
        header(webhook::ID_HEADER),
        header(webhook::TIMESTAMP_HEADER),
        header(webhook::SIGNATURE_HEADER),
    );
    let (content_type, bytes) = read_body_bytes(req).await?;
    let signed = SignedHeaders {
        id: id.as_deref(),
        timestamp: timestamp.as_deref(),
        signature: signature.as_deref(),
    };
    let real_now_s = crate::clock::now_ms().div_euclid(1000);
    webhook::verify(&config.callback, signed, &bytes, real_now_s).map_err(Error::from)?;
    let batch: StatusBatch = parse_json_body(content_type.as_deref(), &bytes)?;
    if batch.updates.len() > MAX_UPDATES {
        return Err(Error::new(
            ErrorCode::MalformedBody,
            format!("at most {MAX_UPDATES} updates in one callback"),
        )
        .into());
    }
    for update in &batch.updates {
        update.check()?;
    }
    store(db, &batch.updates, now_ms).await
}

/// What one pull did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PullReport {
    pub pages: u32,
    pub updates: u32,
    pub stored: u32,
    pub cursor: u64,
    pub failure: Option<String>,
    /// Not run: the pusher is backing off (the province failed, or asked to wait).
    pub skipped: bool,
}

/// Reads the province's status updates after the stored cursor, page by page, storing each
/// once; the cursor moves only after a page is stored. An update that does not check (or is
/// for an unknown trip) is skipped, so one bad update cannot stop the pull for good.
pub async fn pull(env: &Env, db: &D1Database, now_ms: i64) -> Result<PullReport, ApiError> {
    let mut report = PullReport::default();
    let Some(config) = Config::from_env(env) else {
        return Ok(report);
    };
    let mut cursor = SyncState::read(db).await?.status_cursor;
    report.cursor = cursor;
    while report.pages < MAX_PAGES_PER_PULL {
        let nonce: String = crate::auth::secrets::random_bytes::<6>()?
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = format!("/v1/status?after={cursor}&limit={PAGE_SIZE}");
        let page = transport::exchange(
            &config,
            Method::Get,
            &path,
            &format!("pull_{cursor}_{nonce}"),
            "",
            None,
        )
        .await
        .and_then(|bytes| {
            serde_json::from_slice::<StatusBatch>(&bytes).map_err(|_| Failure::Unreadable)
        });
        let page = match page {
            Ok(page) => page,
            Err(failure) => {
                report.failure = Some(failure.describe());
                break;
            }
        };
        report.pages += 1;
        report.updates += page.updates.len() as u32;
        let empty = page.updates.is_empty();
        let valid: Vec<StatusUpdate> = page
            .updates
            .into_iter()
            .filter(|u| u.check().is_ok())
            .take(MAX_UPDATES)
            .collect();
        let answer = store(db, &valid, now_ms).await?;
        report.stored += answer
            .results
            .iter()
            .filter(|r| r.result == "accepted")
            .count() as u32;
        let Some(next) = page.next_cursor.filter(|next| *next > cursor) else {
            break;
        };
        cursor = next;
        let value = i64::try_from(next).unwrap_or(i64::MAX);
        set_state(db, keys::STATUS_CURSOR, Some(value), None, now_ms)?
            .run()
            .await?;
        report.cursor = cursor;
        if empty {
            break;
        }
    }
    Ok(report)
}

/// Stores checked updates, once per update id; unknown trips are `rejected`.
async fn store(
    db: &D1Database,
    updates: &[StatusUpdate],
    now_ms: i64,
) -> Result<StatusCallbackAnswer, ApiError> {
    if updates.is_empty() {
        return Ok(StatusCallbackAnswer {
            results: Vec::new(),
        });
    }
    let trip_ids: BTreeSet<&str> = updates.iter().map(|u| u.trip_id.as_str()).collect();
    let known = existing(db, "SELECT id AS v FROM trips", "id", trip_ids).await?;
    let update_ids: BTreeSet<&str> = updates.iter().map(|u| u.update_id.as_str()).collect();
    let mut seen = existing(
        db,
        "SELECT update_id AS v FROM trip_timeline",
        "update_id",
        update_ids,
    )
    .await?;
    let mut statements = Vec::new();
    let mut results = Vec::with_capacity(updates.len());
    for update in updates {
        let (result, reason) = if !known.contains(update.trip_id.as_str()) {
            (
                "rejected",
                Some("unknown_trip: BorderPass has no such trip".to_owned()),
            )
        } else if !seen.insert(update.update_id.as_str().to_owned()) {
            ("duplicate", None)
        } else {
            statements.push(
                db.prepare(
                    "INSERT OR IGNORE INTO trip_timeline
                       (update_id, trip_id, step, force, verdict, reason, note, at_ms, received_at_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .bind(&[
                    update.update_id.as_str().into(),
                    update.trip_id.as_str().into(),
                    word(&update.step)?.into(),
                    word(&update.force)?.into(),
                    word(&update.verdict)?.into(),
                    nullable(update.reason.map(|r| word(&r)).transpose()?.as_deref()),
                    nullable(update.note.as_deref()),
                    (update.at_ms as f64).into(),
                    (now_ms as f64).into(),
                ])?,
            );
            ("accepted", None)
        };
        results.push(StatusUpdateResult {
            update_id: update.update_id.clone(),
            result: result.to_owned(),
            reason,
        });
    }
    if !statements.is_empty() {
        db.batch(statements).await?;
    }
    Ok(StatusCallbackAnswer { results })
}

/// Which of `values` exist as `column` of the query's table.
async fn existing(
    db: &D1Database,
    select: &str,
    column: &str,
    values: BTreeSet<&str>,
) -> Result<BTreeSet<String>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        v: String,
    }
    let list = serde_json::to_string(&values).map_err(|_| ApiError::internal())?;
    let rows = db
        .prepare(format!(
            "{select} WHERE {column} IN (SELECT value FROM json_each(?1))"
        ))
        .bind(&[list.into()])?
        .all()
        .await?
        .results::<Row>()?;
    Ok(rows.into_iter().map(|r| r.v).collect())
}

/// A unit enum from its wire word.
fn parse<T: serde::de::DeserializeOwned>(word: String) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(word)).ok()
}

/// A unit enum's wire word (`gate_in`, `border_guard`, `confirmed`, …).
fn word<T: Serialize>(value: &T) -> Result<String, ApiError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(ApiError::internal()),
    }
}

#[derive(Deserialize)]
struct TimelineRow {
    update_id: String,
    trip_id: String,
    step: String,
    force: String,
    verdict: String,
    reason: Option<String>,
    note: Option<String>,
    at_ms: f64,
}

impl TimelineRow {
    fn into_update(self) -> Option<StatusUpdate> {
        Some(StatusUpdate {
            update_id: UpdateId::parse(&self.update_id).ok()?,
            trip_id: TripId::parse(&self.trip_id).ok()?,
            step: parse(self.step)?,
            force: parse(self.force)?,
            verdict: parse(self.verdict)?,
            reason: match self.reason {
                Some(r) => Some(parse(r)?),
                None => None,
            },
            note: self.note,
            at_ms: self.at_ms as i64,
        })
    }
}

/// The timelines of an account's trips (trips the province said nothing about are absent).
pub async fn timelines_of_account(
    db: &D1Database,
    account: &shared::AccountId,
) -> Result<BTreeMap<String, Timeline>, ApiError> {
    let rows = db
        .prepare(
            "SELECT tl.update_id, tl.trip_id, tl.step, tl.force, tl.verdict, tl.reason, tl.note,
               tl.at_ms
             FROM trip_timeline tl JOIN trips t ON t.id = tl.trip_id
             WHERE t.account_id = ?1",
        )
        .bind(&[account.as_str().into()])?
        .all()
        .await?
        .results::<TimelineRow>()?;
    let mut by_trip: BTreeMap<String, Vec<StatusUpdate>> = BTreeMap::new();
    for row in rows {
        let trip = row.trip_id.clone();
        match row.into_update() {
            Some(update) => by_trip.entry(trip).or_default().push(update),
            None => worker::console_error!("unreadable trip_timeline row for {trip}"),
        }
    }
    Ok(by_trip
        .into_iter()
        .map(|(trip, updates)| (trip, Timeline::fold(&updates)))
        .collect())
}

/// Which of an account's trips the province has received (their `trip.accepted` record
/// acknowledged).
pub async fn received_trips_of_account(
    db: &D1Database,
    account: &shared::AccountId,
) -> Result<BTreeSet<String>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        trip_id: String,
    }
    let rows = db
        .prepare(
            "SELECT o.trip_id FROM edge_outbox o JOIN trips t ON t.id = o.trip_id
             WHERE t.account_id = ?1 AND o.topic = 'trip.accepted' AND o.sent_at_ms IS NOT NULL",
        )
        .bind(&[account.as_str().into()])?
        .all()
        .await?
        .results::<Row>()?;
    Ok(rows.into_iter().map(|r| r.trip_id).collect())
}

/// Which of `trip_ids` the province has received.
pub async fn received_trips(db: &D1Database, trip_ids: &[String]) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        trip_id: String,
    }
    if trip_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(trip_ids).map_err(|_| ApiError::internal())?;
    let rows = db
        .prepare(
            "SELECT DISTINCT trip_id FROM edge_outbox
             WHERE topic = 'trip.accepted' AND sent_at_ms IS NOT NULL
               AND trip_id IN (SELECT value FROM json_each(?1))",
        )
        .bind(&[ids.into()])?
        .all()
        .await?
        .results::<Row>()?;
    Ok(rows.into_iter().map(|r| r.trip_id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::province::timeline::{Force, HoldReason, Step, Verdict};

    /// `trip_timeline` stores each enum as its wire word: every value must read back as itself,
    /// or a stored update would be dropped from the timeline.
    #[test]
    fn stored_words_read_back() {
        for step in Step::ALL {
            assert_eq!(parse::<Step>(word(&step).unwrap()), Some(step));
        }
        for force in Force::ALL {
            assert_eq!(parse::<Force>(word(&force).unwrap()), Some(force));
        }
        for verdict in [Verdict::Confirmed, Verdict::Held, Verdict::Rejected] {
            assert_eq!(parse::<Verdict>(word(&verdict).unwrap()), Some(verdict));
        }
        for reason in [
            HoldReason::Inspection,
            HoldReason::Documents,
            HoldReason::FeesUnpaid,
            HoldReason::Other,
        ] {
            assert_eq!(parse::<HoldReason>(word(&reason).unwrap()), Some(reason));
        }
        assert_eq!(parse::<Step>("gate_sideways".into()), None);
    }

    #[test]
    fn a_row_becomes_its_update_or_nothing() {
        let row = |step: &str| TimelineRow {
            update_id: "st-1".into(),
            trip_id: "t-abcdefghijkm".into(),
            step: step.into(),
            force: "customs".into(),
            verdict: "held".into(),
            reason: Some("documents".into()),
            note: Some("Thiếu tờ khai".into()),
            at_ms: 1_800_000_000_000.0,
        };
        let update = row("yard_in").into_update().unwrap();
        assert_eq!(update.step, Step::YardIn);
        assert_eq!(update.reason, Some(HoldReason::Documents));
        assert_eq!(update.at_ms, 1_800_000_000_000);
        assert!(row("nowhere").into_update().is_none());
    }
}
