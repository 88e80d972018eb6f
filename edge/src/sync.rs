//! `POST /api/sync`: the edge side of the outbox protocol (see `shared::sync`).
//!
//! Each write is dealt with in its own D1 batch (one transaction): the write's statements, its
//! recorded outcome and the client's new mark commit together or not at all. A trigger refuses
//! any mark that is not the next one, so two requests racing with the same writes cannot both
//! apply them: the loser sees a replay.

use crate::auth::Principal;
use crate::http::ApiError;
use crate::queue::{self, YardQueue};
use crate::trips::Writer;
use serde::Deserialize;
use shared::pass::PassSigner;
use shared::sync::{check_seq, ClientId, Outcome, SeqCheck, MAX_OPS_PER_SYNC};
use shared::wire::v1::{CheckInPayload, OpKind, SyncResponse, SyncResultDto};
use shared::{Error, ErrorCode, Role, YardId};
use worker::{D1Database, D1PreparedStatement, Env};

/// The request body. Payloads stay raw here: a payload that does not parse is a refused write
/// (reported for that write alone), not a refused request that the phone would retry forever.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    client_id: String,
    ops: Vec<RawOp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOp {
    seq: u64,
    kind: String,
    payload: serde_json::Value,
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
    for op in req.ops {
        let cancelled_trip = (op.kind == OpKind::CancelTrip.as_str())
            .then(|| {
                op.payload
                    .get("trip_id")
                    .and_then(|t| t.as_str())
                    .map(str::to_owned)
            })
            .flatten();
        let result = match check_seq(last_seq, op.seq) {
            SeqCheck::Replay => replayed(db, &client, op.seq).await?,
            SeqCheck::Gap { .. } => deferred(op.seq),
            SeqCheck::Next => {
                let checked = match OpKind::parse(&op.kind) {
                    Ok(OpKind::CheckIn) => {
                        let key = format!("{}:{}", client.as_str(), op.seq);
                        check_in(env, db, principal, op.payload, key, now_ms).await?
                    }
                    Ok(_) if principal.role == Role::YardOperator => Err(Error::new(
                        ErrorCode::Forbidden,
                        "a yard operator's outbox carries check-ins only",
                    )),
                    Ok(kind) => writer.check(kind, op.payload).await?,
                    Err(refused) => Err(refused),
                };
                match commit(db, &client, op.seq, &op.kind, checked, now_ms).await? {
                    Some(result) => {
                        last_seq = op.seq;
                        result
                    }
                    // Another request from this client got there first.
                    None => {
                        last_seq = current_mark(db, &client).await?;
                        replayed(db, &client, op.seq).await?
                    }
                }
            }
        };
        if result.outcome == Outcome::Applied {
            cancelled_trips.extend(cancelled_trip);
        }
        results.push(result);
    }
    Ok(Synced {
        response: SyncResponse { last_seq, results },
        cancelled_trips,
    })
}

/// An operator's offline check-in: the yard's object applies it once per `client:seq` (a
/// replay after a lost answer gets the first outcome), so it needs no D1 statements here.
async fn check_in(
    env: &Env,
    db: &D1Database,
    principal: &Principal,
    payload: serde_json::Value,
    key: String,
    now_ms: i64,
) -> Result<Result<Vec<D1PreparedStatement>, Error>, ApiError> {
    let payload: CheckInPayload = match serde_json::from_value(payload) {
        Ok(p) => p,
        Err(e) => return Ok(Err(Error::new(ErrorCode::MalformedBody, e.to_string()))),
    };
    let yard = match YardId::parse(&payload.yard_id)
        .and_then(|yard| queue::may_check_in(principal, &yard).map(|()| yard))
    {
        Ok(yard) => yard,
        Err(refused) => return Ok(Err(refused)),
    };
    let yard_queue = YardQueue {
        env,
        db,
        yard,
        now_ms,
    };
    Ok(yard_queue
        .check_in_from_outbox(payload, key)
        .await?
        .map(|()| Vec::new()))
}

/// The answer, and the trips cancelled by it (replays included), whose yard bookings the
/// caller releases.
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
        return Err(ApiError::new(
            403,
            ErrorCode::Forbidden,
            "this client id belongs to another account",
        ));
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

/// Commits a write (or its refusal) with its outcome and the client's mark. `None` when the
/// mark had already moved (a concurrent request applied this seq).
async fn commit(
    db: &D1Database,
    client: &ClientId,
    seq: u64,
    kind: &str,
    checked: Result<Vec<D1PreparedStatement>, Error>,
    now_ms: i64,
) -> Result<Option<SyncResultDto>, ApiError> {
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
            "INSERT INTO sync_ops (client_id, seq, kind, outcome, code, message, at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(&[
            client.as_str().into(),
            (seq as f64).into(),
            truncate(kind, 40).into(),
            result.outcome.as_str().into(),
            crate::sql::nullable(result.code.map(|c| c.as_str())),
            crate::sql::nullable(result.message.as_deref()),
            (now_ms as f64).into(),
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

async fn replayed(db: &D1Database, client: &ClientId, seq: u64) -> Result<SyncResultDto, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        outcome: String,
        code: Option<String>,
        message: Option<String>,
    }
    let row = db
        .prepare("SELECT outcome, code, message FROM sync_ops WHERE client_id = ?1 AND seq = ?2")
        .bind(&[client.as_str().into(), (seq as f64).into()])?
        .first::<Row>(None)
        .await?
        .ok_or_else(ApiError::internal)?;
    let outcome = if row.outcome == "applied" {
        Outcome::Applied
    } else {
        Outcome::Rejected
    };
    Ok(SyncResultDto {
        seq,
        outcome,
        code: row
            .code
            .and_then(|c| serde_json::from_value(serde_json::Value::String(c)).ok()),
        message: row.message,
        replayed: true,
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
