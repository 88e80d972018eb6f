//! `POST /api/sync`: the edge side of the outbox protocol (see `shared::sync`).
//!
//! Each write is dealt with in its own D1 batch (one transaction): the write's statements, its
//! recorded outcome and the client's new mark commit together or not at all. A trigger refuses
//! any mark that is not the next one, so two requests racing with the same writes cannot both
//! apply them: the loser sees a replay.
//!
//! Each recorded write keeps its digest (SHA-256 of its canonical kind and payload) and what it
//! did (the trip a cancel cancelled). A replay is answered only when it is the same write; a
//! different write under a seq already dealt with is refused (`replay_mismatch`), changes
//! nothing and is audited. Side effects of a replay come only from what was stored.

use crate::audit;
use crate::auth::password_hash::to_hex;
use crate::auth::{secrets, Principal};
use crate::error::ApiError;
use crate::queue;
use crate::rate_limits;
use crate::residents;
use crate::trips::Writer;
use crate::yard_protocol::YardClient;
use serde::Deserialize;
use serde_json::json;
use shared::pass::PassSigner;
use shared::sync::{canonical_write, check_seq, ClientId, Outcome, SeqCheck, MAX_OPS_PER_SYNC};
use shared::wire::v1::{
    CheckInPayload, Op, OpKind, SyncOp, SyncRequest, SyncResponse, SyncResultDto,
};
use shared::{AuditEvent, Error, ErrorCode, RateLimit, Role, YardId};
use worker::{D1Database, D1PreparedStatement, Env};

/// Counts the request's writes against the caller's per-account sync quota (every write sent
/// counts, replays included); over it, the whole request is refused with `rate_limited` and
/// `Retry-After`, before anything is looked at.
pub async fn count_writes(
    db: &D1Database,
    principal: &Principal,
    req: &SyncRequest,
    limits: [RateLimit; 2],
    now_ms: i64,
) -> Result<(), ApiError> {
    rate_limits::check_account_writes(
        db,
        "sync",
        principal.account_id.as_str(),
        limits,
        req.write_count(),
        now_ms,
    )
    .await
}

pub async fn sync(
    env: &Env,
    db: &D1Database,
    signer: &PassSigner,
    principal: &Principal,
    req: SyncRequest,
    now_ms: i64,
) -> Result<Synced, ApiError> {
    let client = ClientId::parse(&req.client_id)?;
    if req.ops.len() > MAX_OPS_PER_SYNC {
        return Err(ApiError::from(Error::new(
            ErrorCode::PayloadTooLarge,
            format!("at most {MAX_OPS_PER_SYNC} writes per request"),
        )));
    }
    if req.ops.iter().any(|op| op.seq == 0) {
        return Err(ApiError::from(Error::new(
            ErrorCode::MalformedBody,
            "seq starts at 1",
        )));
    }
    let mut last_seq = claim_client(db, &client, principal, now_ms).await?;
    let writer = Writer {
        db,
        signer,
        account: &principal.account_id,
        now_ms,
    };
    let mut results = Vec::with_capacity(req.ops.len());
    let mut cancelled_trips = Vec::new();
    let mut mismatches = Vec::new();
    for op in req.ops {
        let answer = match check_seq(last_seq, op.seq) {
            SeqCheck::Replay => {
                let digest = write_digest(&op.kind, &op.payload).await?;
                replayed(db, &client, &op, &digest).await?
            }
            SeqCheck::Gap { .. } => Answer::plain(deferred(op.seq)),
            SeqCheck::Next => {
                let digest = write_digest(&op.kind, &op.payload).await?;
                let admitted = admit(principal, &op, now_ms);
                // What an applied cancel cancels: its trip, which the writer checks is the
                // caller's own (or it refuses the write).
                let cancel_target = match &admitted {
                    Ok(Op::CancelTrip { trip_id }) => Some(trip_id.to_string()),
                    _ => None,
                };
                let checked = match admitted {
                    Ok(Op::CheckIn { yard, check_in }) => {
                        let key = format!("{}:{}", client.as_str(), op.seq);
                        check_in_offline(env, db, principal, yard, check_in, key, now_ms).await?
                    }
                    Ok(Op::RecordCrossing(crossing)) => {
                        residents::record_crossing(db, principal, crossing, now_ms).await?
                    }
                    Ok(write) => writer.check(write).await?,
                    Err(refused) => Err(refused),
                };
                let record = Record {
                    seq: op.seq,
                    kind: &op.kind,
                    digest: &digest,
                    applied_trip_id: cancel_target.filter(|_| checked.is_ok()),
                };
                let applied_trip_id = record.applied_trip_id.clone();
                match commit(db, &client, record, checked, now_ms).await? {
                    Some(result) => {
                        last_seq = op.seq;
                        Answer {
                            cancelled_trip: applied_trip_id
                                .filter(|_| result.outcome == Outcome::Applied),
                            result,
                            mismatch: None,
                        }
                    }
                    // Another request from this client got there first.
                    None => {
                        last_seq = current_mark(db, &client).await?;
                        replayed(db, &client, &op, &digest).await?
                    }
                }
            }
        };
        cancelled_trips.extend(answer.cancelled_trip);
        mismatches.extend(answer.mismatch);
        results.push(answer.result);
    }
    if !mismatches.is_empty() {
        record_mismatches(db, principal, &client, &mismatches, now_ms).await;
    }
    Ok(Synced {
        response: SyncResponse { last_seq, results },
        cancelled_trips,
    })
}

/// One write's answer, with what the caller does after it.
struct Answer {
    result: SyncResultDto,
    /// The stored trip an applied cancel cancelled (now or on its first arrival).
    cancelled_trip: Option<String>,
    /// A replay that is not the recorded write.
    mismatch: Option<Mismatch>,
}

impl Answer {
    fn plain(result: SyncResultDto) -> Self {
        Answer {
            result,
            cancelled_trip: None,
            mismatch: None,
        }
    }
}

/// A replay refused because it is another write than the recorded one.
struct Mismatch {
    seq: u64,
    stored_kind: String,
    sent_kind: String,
}

/// The hex SHA-256 of the write's canonical form ([`canonical_write`]: the bytes every stored
/// digest was made from, never to change).
async fn write_digest(kind: &str, payload: &serde_json::Value) -> Result<String, ApiError> {
    let canonical = canonical_write(kind, payload);
    Ok(to_hex(&secrets::sha256(canonical.as_bytes()).await?))
}

/// Logs and audits the refused replays of one request (one entry, every seq in it). The
/// refusals stand even if the entry cannot be written (that failure is logged).
async fn record_mismatches(
    db: &D1Database,
    principal: &Principal,
    client: &ClientId,
    mismatches: &[Mismatch],
    now_ms: i64,
) {
    let writes: Vec<_> = mismatches
        .iter()
        .map(|m| json!({ "seq": m.seq, "stored_kind": m.stored_kind, "sent_kind": m.sent_kind }))
        .collect();
    worker::console_warn!(
        "sync: account {} sent {} write(s) under seqs already dealt with that differ from the \
         recorded ones (client {}): refused",
        principal.account_id,
        mismatches.len(),
        client
    );
    let audited = audit::record(
        db,
        now_ms,
        Some(principal.account_id.as_str()),
        AuditEvent::SyncReplayMismatch,
        Some(principal.account_id.as_str()),
        json!({ "client_id": client.as_str(), "writes": writes }),
    )
    .await;
    if audited.is_err() {
        worker::console_error!("sync: auditing refused replays of client {client} failed");
    }
}

/// Turns a write into the typed [`Op`] the caller may make, or says why not (reported for this
/// write alone). A yard operator's outbox carries check-ins only, an officer's residents'
/// crossings only, and nobody else's a crossing (refused before the payload is looked at);
/// everyone else's, the trip owner's writes.
fn admit(principal: &Principal, op: &SyncOp, now_ms: i64) -> Result<Op, Error> {
    let kind = OpKind::parse(&op.kind)?;
    if principal.role == Role::YardOperator && !kind.is_yard_operators() {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "a yard operator's outbox carries check-ins only",
        ));
    }
    if principal.role == Role::Officer && !kind.is_officers() {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "an officer's outbox carries residents' crossings only",
        ));
    }
    if principal.role != Role::Officer && kind.is_officers() {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "only a border officer records residents' crossings",
        ));
    }
    let write = Op::try_from(op)?;
    write.check_at(now_ms)?;
    Ok(write)
}

/// An operator's offline check-in: the yard's object applies it once per `client:seq` (a
/// replay after a lost answer gets the first outcome), so it needs no D1 statements here (its
/// event is the yard's).
async fn check_in_offline(
    env: &Env,
    db: &D1Database,
    principal: &Principal,
    yard: YardId,
    check_in: CheckInPayload,
    key: String,
    now_ms: i64,
) -> Result<Result<Vec<D1PreparedStatement>, Error>, ApiError> {
    if let Err(refused) = queue::may_check_in(principal, &yard) {
        return Ok(Err(refused));
    }
    let yard_queue = YardClient {
        env,
        db,
        yard,
        now_ms,
    };
    Ok(yard_queue
        .check_in_from_outbox(check_in, key)
        .await?
        .map(|()| Vec::new()))
}

/// The answer, and the trips cancelled by it (exact replays included: the stored trip), whose
/// yard bookings the caller releases (after checking they are the caller's and cancelled).
pub struct Synced {
    pub response: SyncResponse,
    pub cancelled_trips: Vec<String>,
}

/// Registers the client on its first sync; refuses a client id that belongs to someone else.
async fn claim_client(
    db: &D1Database,
    client: &ClientId,
    principal: &Principal,
    now_ms: i64,
) -> Result<u64, ApiError> {
    db.prepare(
        "INSERT INTO sync_clients (client_id, account_id, last_seq, last_sync_at_ms)
         VALUES (?1, ?2, 0, ?3) ON CONFLICT (client_id) DO NOTHING",
    )
    .bind(&[
        client.as_str().into(),
        principal.account_id.as_str().into(),
        (now_ms as f64).into(),
    ])?
    .run()
    .await?;
    let row = read_client(db, client).await?;
    if row.account_id != principal.account_id.as_str() {
        return Err(ApiError::from(Error::new(
            ErrorCode::Forbidden,
            "this client id belongs to another account",
        )));
    }
    Ok(row.last_seq as u64)
}

async fn current_mark(db: &D1Database, client: &ClientId) -> Result<u64, ApiError> {
    Ok(read_client(db, client).await?.last_seq as u64)
}

async fn read_client(db: &D1Database, client: &ClientId) -> Result<ClientRow, ApiError> {
    db.prepare("SELECT account_id, last_seq FROM sync_clients WHERE client_id = ?1")
        .bind(&[client.as_str().into()])?
        .first::<ClientRow>(None)
        .await?
        .ok_or_else(ApiError::internal)
}

/// What is recorded of one write besides its outcome.
struct Record<'a> {
    seq: u64,
    kind: &'a str,
    digest: &'a str,
    /// The trip an accepted `trip.cancel` cancels.
    applied_trip_id: Option<String>,
}

/// Commits a write (or its refusal) with its outcome and the client's mark. `None` when the
/// mark had already moved (a concurrent request applied this seq).
async fn commit(
    db: &D1Database,
    client: &ClientId,
    record: Record<'_>,
    checked: Result<Vec<D1PreparedStatement>, Error>,
    now_ms: i64,
) -> Result<Option<SyncResultDto>, ApiError> {
    let Record {
        seq,
        kind,
        digest,
        applied_trip_id,
    } = record;
    let (write, result) = match checked {
        Ok(statements) => (statements, outcome(seq, Outcome::Applied, None)),
        Err(refused) => (Vec::new(), outcome(seq, Outcome::Rejected, Some(&refused))),
    };
    // The mark moves first: a request racing with the same write fails right here (the trigger
    // refuses a mark that is not the next one) before its write can trip over the winner's.
    let mut statements = vec![
        db.prepare(
            "UPDATE sync_clients SET last_seq = ?2, last_sync_at_ms = ?3 WHERE client_id = ?1",
        )
        .bind(&[
            client.as_str().into(),
            (seq as f64).into(),
            (now_ms as f64).into(),
        ])?,
        db.prepare(
            "INSERT INTO sync_ops (client_id, seq, kind, outcome, code, message, at_ms, digest,
               applied_trip_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .bind(&[
            client.as_str().into(),
            (seq as f64).into(),
            truncate(kind, 40).into(),
            result.outcome.as_str().into(),
            crate::sql::nullable(result.code.map(|c| c.as_str())),
            crate::sql::nullable(result.message.as_deref()),
            (now_ms as f64).into(),
            digest.into(),
            crate::sql::nullable(applied_trip_id.as_deref()),
        ])?,
    ];
    statements.extend(write);
    match db.batch(statements).await {
        Ok(_) => Ok(Some(result)),
        Err(e) => {
            // Nothing was committed. If the mark has reached this seq anyway, another request
            // dealt with it: answer as a replay. Otherwise it is our failure: the phone retries.
            if current_mark(db, client).await? >= seq {
                return Ok(None);
            }
            worker::console_error!("sync batch failed: {e}");
            Err(ApiError::internal())
        }
    }
}

/// A seq already dealt with: the recorded outcome if this is the recorded write (same digest;
/// for rows from before digests were kept, the same kind), with the trip it cancelled;
/// otherwise a refusal (`replay_mismatch`) that reveals nothing of the recorded write.
async fn replayed(
    db: &D1Database,
    client: &ClientId,
    op: &SyncOp,
    digest: &str,
) -> Result<Answer, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        kind: String,
        outcome: String,
        code: Option<String>,
        message: Option<String>,
        digest: Option<String>,
        applied_trip_id: Option<String>,
    }
    let row = db
        .prepare(
            "SELECT kind, outcome, code, message, digest, applied_trip_id FROM sync_ops
             WHERE client_id = ?1 AND seq = ?2",
        )
        .bind(&[client.as_str().into(), (op.seq as f64).into()])?
        .first::<Row>(None)
        .await?
        .ok_or_else(ApiError::internal)?;
    let same = match &row.digest {
        Some(stored) => stored == digest,
        // Recorded before 0007: only the kind is known. Such a replay is answered, but repeats
        // no side effect (nothing says what it did).
        None => row.kind == truncate(&op.kind, 40),
    };
    if !same {
        let refused = Error::new(
            ErrorCode::ReplayMismatch,
            "this seq was dealt with for another write; nothing changed",
        );
        return Ok(Answer {
            result: SyncResultDto {
                replayed: true,
                ..outcome(op.seq, Outcome::Rejected, Some(&refused))
            },
            cancelled_trip: None,
            mismatch: Some(Mismatch {
                seq: op.seq,
                stored_kind: row.kind,
                sent_kind: truncate(&op.kind, 40).to_owned(),
            }),
        });
    }
    let outcome = if row.outcome == "applied" {
        Outcome::Applied
    } else {
        Outcome::Rejected
    };
    Ok(Answer {
        result: SyncResultDto {
            seq: op.seq,
            outcome,
            code: row
                .code
                .and_then(|c| serde_json::from_value(serde_json::Value::String(c)).ok()),
            message: row.message,
            replayed: true,
        },
        // Releasing a cancelled trip's bookings again is harmless, and retries a release that
        // failed: only for the stored trip of an applied cancel.
        cancelled_trip: row
            .applied_trip_id
            .filter(|_| outcome == Outcome::Applied && row.digest.is_some()),
        mismatch: None,
    })
}

fn deferred(seq: u64) -> SyncResultDto {
    outcome(seq, Outcome::Deferred, None)
}

fn outcome(seq: u64, outcome: Outcome, refused: Option<&Error>) -> SyncResultDto {
    SyncResultDto {
        seq,
        outcome,
        code: refused.map(Error::code),
        message: refused.map(|e| truncate(e.detail(), 300).to_owned()),
        replayed: false,
    }
}

fn truncate(s: &str, max_chars: usize) -> &str {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[derive(Deserialize)]
struct ClientRow {
    account_id: String,
    last_seq: f64,
}
