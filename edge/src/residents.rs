//! Border residents (issue 13): applications, the officers' decisions and the crossings their
//! phones record. Thin handlers: the rules are `shared::resident`'s (statuses and decisions,
//! crossings and the ledger) and `shared::wire::v1`'s (the checked application, the figures).
//!
//! The citizen ID number is stored nowhere: only its holder digest (the first 8 bytes of
//! HMAC-SHA256 under the Worker secret `RESIDENT_ID_KEY`, 64 hex characters; `.dev.vars`
//! locally, made by setup) and its last 4 digits. Without the secret no application is taken.
//!
//! Every change commits in one D1 batch with its audit entry and its event
//! ([`crate::outbox::record`]); an approval or reinstatement issues a resident pass
//! ([`ResidentPass`] through [`passes::issue`]), a suspension or revocation revokes the
//! resident's passes ([`passes::revoke`]), so they reach the deny-list.

use crate::audit;
use crate::auth::password_hash::from_hex;
use crate::auth::{secrets, Principal};
use crate::error::ApiError;
use crate::gates;
use crate::outbox;
use crate::passes::{self, RevokedBecause};
use crate::trips::Checked;
use serde::Deserialize;
use serde_json::json;
use shared::event::{Event, EventId, Recorded};
use shared::pass::{PassSigner, ResidentPass, SubjectRef};
use shared::resident::{
    Crossing, HolderDigest, ResidentDecision, ResidentId, ResidentIdNumber, ResidentLedger,
    ResidentRules, ResidentStatus,
};
use shared::time::{day_start_ms, LocalDateTime};
use shared::wire::v1::{
    CrossingDto, GoodsLineDto, ResidentApplication, ResidentApplicationDto, ResidentDecisionDto,
    ResidentDto, ResidentHistoryDto, ResidentSummaryDto, ResidentsResponse,
};
use shared::{AuditEvent, Error, ErrorCode, GateId};
use std::collections::HashMap;
use worker::{D1Database, D1PreparedStatement, Env};

/// The secret the holder digests are keyed with.
pub const ID_KEY_SECRET: &str = "RESIDENT_ID_KEY";

/// How far after the edge's clock a crossing's scan may be (a phone's clock runs a little
/// fast): beyond it, `time_out_of_range`.
pub const MAX_SCAN_AHEAD_MS: i64 = 10 * 60 * 1000;

/// The holder digest of an ID number: the first 8 bytes of HMAC-SHA256(`RESIDENT_ID_KEY`,
/// [`ResidentIdNumber::digest_input`]). A missing or malformed secret is a deployment fault:
/// `internal`, saying so (there is no fallback key).
async fn holder_digest(env: &Env, number: &ResidentIdNumber) -> Result<HolderDigest, ApiError> {
    let not_configured = |why: &str| {
        worker::console_error!("{ID_KEY_SECRET} {why}: no resident application can be taken");
        ApiError::internal_with(
            "resident applications are not configured on this edge (RESIDENT_ID_KEY is missing)",
        )
    };
    let hex = env
        .secret(ID_KEY_SECRET)
        .map(|v| v.to_string())
        .map_err(|_| not_configured("is not set"))?;
    let key: [u8; 32] = from_hex(hex.trim())
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| not_configured("is not 64 hex characters"))?;
    let mac = secrets::hmac_sha256(&key, &number.digest_input()).await?;
    let mut digest = [0u8; 8];
    digest.copy_from_slice(&mac[..8]);
    Ok(HolderDigest(digest))
}

/// `POST /api/residents`: the caller's application. `(true, dto)` when stored now (201);
/// `(false, dto)` for the same application sent again while pending (200, nothing doubled).
pub async fn apply(
    env: &Env,
    db: &D1Database,
    me: &Principal,
    body: ResidentApplicationDto,
    now_ms: i64,
) -> Result<(bool, ResidentDto), ApiError> {
    let application = ResidentApplication::parse(&body, now_ms)?;
    if !gates::gate_exists(db, &application.home_gate).await? {
        return Err(ApiError::not_found(format!(
            "no gate {}",
            application.home_gate
        )));
    }
    let digest = holder_digest(env, &application.id_number).await?;
    if let Some(answer) = already_applied(db, me, &application, &digest, now_ms).await? {
        return answer.map(|dto| (false, dto));
    }
    let id = ResidentId::from_random(secrets::random_bytes::<8>()?);
    let applied = Event::ResidentApplied {
        resident_id: id.clone(),
        account_id: me.account_id.clone(),
        commune_id: application.commune_id.clone(),
        home_gate: application.home_gate.clone(),
    };
    let batch = vec![
        db.prepare(
            "INSERT INTO residents (id, account_id, status, name, commune_id, home_gate, id_last4,
               holder_digest, border_pass_number, border_pass_expires_day, applied_at_ms)
             VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .bind(&[
            id.as_str().into(),
            me.account_id.as_str().into(),
            application.name.as_str().into(),
            application.commune_id.as_str().into(),
            application.home_gate.as_str().into(),
            application.id_number.last4().into(),
            digest.to_hex().into(),
            application.border_pass_number.as_str().into(),
            (application.border_pass_expires_day as f64).into(),
            (now_ms as f64).into(),
        ])?,
        audit::entry(
            db,
            now_ms,
            Some(me.account_id.as_str()),
            AuditEvent::ResidentApplied,
            Some(id.as_str()),
            json!({
                "resident_id": id.as_str(),
                "commune_id": application.commune_id,
                "home_gate": application.home_gate.as_str(),
            }),
        )?,
        outbox::record_new(db, applied, now_ms)?,
    ];
    if let Err(e) = db.batch(batch).await {
        // The unique indexes refuse a second open application of the account or of the ID:
        // an application racing this one got there first.
        if let Some(answer) = already_applied(db, me, &application, &digest, now_ms).await? {
            return answer.map(|dto| (false, dto));
        }
        return Err(e.into());
    }
    let row = resident_by_id(db, id.as_str())
        .await?
        .ok_or_else(ApiError::internal)?;
    Ok((true, to_dto(&row, &[], now_ms, None)?))
}

/// An open application (not refused) of the caller or of the same ID: the same application
/// still pending is answered again; anything else is `resident_application_exists`.
async fn already_applied(
    db: &D1Database,
    me: &Principal,
    application: &ResidentApplication,
    digest: &HolderDigest,
    now_ms: i64,
) -> Result<Option<Result<ResidentDto, ApiError>>, ApiError> {
    let open = db
        .prepare(
            "SELECT * FROM residents WHERE status != 'refused' AND (account_id = ?1 OR holder_digest = ?2)
             ORDER BY account_id = ?1 DESC",
        )
        .bind(&[me.account_id.as_str().into(), digest.to_hex().into()])?
        .first::<ResidentRow>(None)
        .await?;
    let Some(row) = open else {
        return Ok(None);
    };
    let same = row.account_id == me.account_id.as_str()
        && row.status == ResidentStatus::Pending.as_str()
        && row.holder_digest == digest.to_hex()
        && row.name == application.name.as_str()
        && row.commune_id == application.commune_id
        && row.home_gate == application.home_gate.as_str()
        && row.border_pass_number == application.border_pass_number
        && row.border_pass_expires_day as i64 == application.border_pass_expires_day;
    if same {
        return Ok(Some(to_dto(&row, &[], now_ms, None)));
    }
    let message = if row.account_id == me.account_id.as_str() {
        "this account already has an application for a resident pass"
    } else {
        "this citizen ID already has an application for a resident pass"
    };
    Ok(Some(Err(ApiError::from(Error::new(
        ErrorCode::ResidentApplicationExists,
        message,
    )))))
}

/// `GET /api/residents/me`: the caller's latest application, with the signed pass while
/// approved.
pub async fn me(db: &D1Database, me: &Principal, now_ms: i64) -> Result<ResidentDto, ApiError> {
    let row = db
        .prepare(
            "SELECT * FROM residents WHERE account_id = ?1
             ORDER BY applied_at_ms DESC, rowid DESC LIMIT 1",
        )
        .bind(&[me.account_id.as_str().into()])?
        .first::<ResidentRow>(None)
        .await?
        .ok_or_else(|| ApiError::not_found("this account has not applied for a resident pass"))?;
    let crossings = crossings_of(db, "c.resident_id = ?1", row.id.as_str()).await?;
    let pass = if row.status == ResidentStatus::Approved.as_str() {
        current_pass(db, &row.id, now_ms).await?
    } else {
        None
    };
    to_dto(
        &row,
        crossings.get(&row.id).map_or(&[][..], Vec::as_slice),
        now_ms,
        pass,
    )
}

/// `GET /api/residents[?status=]`: the residents of the officer's gate (never with a pass),
/// pending first, then by name.
pub async fn list(
    db: &D1Database,
    me: &Principal,
    status: Option<String>,
    now_ms: i64,
) -> Result<ResidentsResponse, ApiError> {
    let gate = officers_gate(me)?;
    let status = status
        .map(|s| {
            ResidentStatus::parse(s.trim()).map_err(|_| {
                Error::new(
                    ErrorCode::MalformedBody,
                    "`status` is pending, approved, refused, suspended or revoked",
                )
            })
        })
        .transpose()?;
    let rows = db
        .prepare(
            "SELECT * FROM residents WHERE home_gate = ?1 AND (?2 IS NULL OR status = ?2)
             ORDER BY status != 'pending', name, id",
        )
        .bind(&[
            gate.as_str().into(),
            crate::sql::nullable(status.map(ResidentStatus::as_str)),
        ])?
        .all()
        .await?
        .results::<ResidentRow>()?;
    let crossings = crossings_of(db, "r.home_gate = ?1", gate.as_str()).await?;
    let residents = rows
        .iter()
        .map(|row| {
            let of = crossings.get(&row.id).map_or(&[][..], Vec::as_slice);
            to_dto(row, of, now_ms, None)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ResidentsResponse {
        residents,
        as_of_ms: now_ms,
    })
}

/// `POST /api/residents/{id}/decisions`: an officer of the resident's home gate decides.
pub async fn decide(
    db: &D1Database,
    signer: &PassSigner,
    me: &Principal,
    raw_id: &str,
    body: ResidentDecisionDto,
    now_ms: i64,
) -> Result<ResidentDto, ApiError> {
    let no_such = || ApiError::not_found("no such resident");
    let id = ResidentId::parse(raw_id).map_err(|_| no_such())?;
    let row = resident_by_id(db, id.as_str()).await?.ok_or_else(no_such)?;
    let gate = officers_gate(me)?;
    if row.home_gate != gate.as_str() {
        return Err(ApiError::from(Error::new(
            ErrorCode::Forbidden,
            "this resident's home gate is another gate",
        )));
    }
    let (decision, reason) = body.checked()?;
    let before = ResidentStatus::parse(&row.status).map_err(|_| ApiError::internal())?;
    let after = before.after(decision)?;
    let reason = reason.map(|r| r.as_str().to_owned());
    #[derive(Deserialize)]
    struct Count {
        n: f64,
    }
    let decided = db
        .prepare("SELECT COUNT(*) AS n FROM resident_decisions WHERE resident_id = ?1")
        .bind(&[id.as_str().into()])?
        .first::<Count>(None)
        .await?
        .map_or(0, |c| c.n as i64);
    let mut batch = vec![
        db.prepare(
            "UPDATE residents SET status = ?2, decided_at_ms = ?3, decided_by = ?4, reason = ?5
             WHERE id = ?1 AND status = ?6",
        )
        .bind(&[
            id.as_str().into(),
            after.as_str().into(),
            (now_ms as f64).into(),
            me.account_id.as_str().into(),
            crate::sql::nullable(reason.as_deref()),
            before.as_str().into(),
        ])?,
        // Numbered from what was read: a decision that raced this one took the number, and
        // this batch fails as a whole.
        db.prepare(
            "INSERT INTO resident_decisions (resident_id, seq, decision, from_status, to_status,
               reason, by_account, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(&[
            id.as_str().into(),
            ((decided + 1) as f64).into(),
            decision.as_str().into(),
            before.as_str().into(),
            after.as_str().into(),
            crate::sql::nullable(reason.as_deref()),
            me.account_id.as_str().into(),
            (now_ms as f64).into(),
        ])?,
        audit::entry(
            db,
            now_ms,
            Some(me.account_id.as_str()),
            AuditEvent::ResidentDecided,
            Some(id.as_str()),
            json!({
                "resident_id": id.as_str(),
                "decision": decision.as_str(),
                "from": before.as_str(),
                "to": after.as_str(),
                "reason": reason,
            }),
        )?,
        outbox::record_new(
            db,
            Event::ResidentDecided {
                resident_id: id.clone(),
                decision,
                status: after,
                reason: reason.clone(),
                by: me.account_id.clone(),
            },
            now_ms,
        )?,
    ];
    let subject = SubjectRef::resident(&id);
    match decision {
        ResidentDecision::Approve | ResidentDecision::Reinstate => {
            let holder = HolderDigest::parse_hex(&row.holder_digest)?;
            let home = GateId::parse(&row.home_gate)?;
            let pass = ResidentPass::new(
                &id,
                holder,
                &home,
                now_ms,
                row.border_pass_expires_day as i64,
            )?;
            batch.extend(passes::issue(db, signer, &pass, now_ms)?.statements);
        }
        ResidentDecision::Suspend => {
            batch.extend(passes::revoke(db, &subject, RevokedBecause::Suspended, now_ms).await?)
        }
        ResidentDecision::Revoke => {
            batch.extend(passes::revoke(db, &subject, RevokedBecause::Revoked, now_ms).await?)
        }
        ResidentDecision::Refuse => {}
    }
    if let Err(e) = db.batch(batch).await {
        let now = resident_by_id(db, id.as_str()).await?;
        if now.is_some_and(|r| r.status != row.status) {
            return Err(ApiError::from(Error::new(
                ErrorCode::InvalidResidentState,
                "another officer decided on this resident meanwhile",
            )));
        }
        return Err(e.into());
    }
    let row = resident_by_id(db, id.as_str())
        .await?
        .ok_or_else(ApiError::internal)?;
    let crossings = crossings_of(db, "c.resident_id = ?1", row.id.as_str()).await?;
    to_dto(
        &row,
        crossings.get(&row.id).map_or(&[][..], Vec::as_slice),
        now_ms,
        None,
    )
}

/// An officer's crossing from the outbox (`resident.cross`), checked against the stored state:
/// the statements that record it with its event and audit entry, or why it is refused.
pub async fn record_crossing(
    db: &D1Database,
    me: &Principal,
    crossing: Crossing,
    now_ms: i64,
) -> Result<Checked, ApiError> {
    let refused = |code: ErrorCode, why: &str| Ok(Err(Error::new(code, why)));
    if me.responsibility.gate() != Some(&crossing.recorded_by) {
        return refused(
            ErrorCode::Forbidden,
            "an officer records crossings at their own gate only",
        );
    }
    if crossing.at_ms > now_ms.saturating_add(MAX_SCAN_AHEAD_MS) {
        return refused(
            ErrorCode::TimeOutOfRange,
            "the scan is more than 10 minutes in the future",
        );
    }
    let Some(resident) = db
        .prepare(
            "SELECT * FROM residents WHERE holder_digest = ?1 AND home_gate = ?2
             ORDER BY status = 'refused', applied_at_ms DESC LIMIT 1",
        )
        .bind(&[
            crossing.resident.to_hex().into(),
            crossing.recorded_by.as_str().into(),
        ])?
        .first::<ResidentRow>(None)
        .await?
    else {
        return refused(
            ErrorCode::NotFound,
            "no resident of this gate has this pass",
        );
    };
    let stored = db
        .prepare("SELECT * FROM resident_crossings WHERE id = ?1")
        .bind(&[crossing.id.as_str().into()])?
        .first::<CrossingRow>(None)
        .await?;
    if let Some(stored) = stored {
        let same = stored.resident_id == resident.id
            && stored.to_crossing(crossing.resident).as_ref() == Some(&crossing);
        return Ok(if same {
            // Already recorded (a phone that lost the answer sends it again): nothing added.
            Ok(Vec::new())
        } else {
            Err(Error::new(
                ErrorCode::ReplayMismatch,
                "this crossing id was recorded for another crossing; nothing changed",
            ))
        });
    }
    if let Some(why) = not_in_force_at(db, &resident, crossing.at_ms).await? {
        return refused(ErrorCode::PassNotValid, why);
    }
    let resident_id = ResidentId::parse(&resident.id).map_err(|_| ApiError::internal())?;
    let goods = crossing.goods().to_vec();
    let total = crossing.goods_total_vnd();
    let goods_json = serde_json::to_string(&CrossingDto::from(&crossing).goods)
        .map_err(|_| ApiError::internal())?;
    let crossed = Event::ResidentCrossed {
        crossing_id: crossing.id.clone(),
        resident_id: resident_id.clone(),
        gate: crossing.recorded_by.clone(),
        direction: crossing.direction,
        goods,
        goods_total_vnd: total,
        by: me.account_id.clone(),
    };
    // The event is dated by the scan (offline crossings arrive later).
    let event_id = EventId::from_random(secrets::random_bytes::<8>()?);
    let statements: Vec<D1PreparedStatement> = vec![
        db.prepare(
            "INSERT INTO resident_crossings (id, resident_id, at_ms, direction, goods,
               goods_total_vnd, gate, recorded_by, received_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .bind(&[
            crossing.id.as_str().into(),
            resident_id.as_str().into(),
            (crossing.at_ms as f64).into(),
            crossing.direction.to_string().into(),
            goods_json.into(),
            (total as f64).into(),
            crossing.recorded_by.as_str().into(),
            me.account_id.as_str().into(),
            (now_ms as f64).into(),
        ])?,
        audit::entry(
            db,
            now_ms,
            Some(me.account_id.as_str()),
            AuditEvent::ResidentCrossingRecorded,
            Some(resident_id.as_str()),
            json!({
                "crossing_id": crossing.id.as_str(),
                "gate": crossing.recorded_by.as_str(),
                "direction": crossing.direction.to_string(),
                "at_ms": crossing.at_ms,
                "goods_total_vnd": total,
            }),
        )?,
        outbox::record(db, &Recorded::new(event_id, crossing.at_ms, crossed))?,
    ];
    Ok(Ok(statements))
}

/// Why the resident's pass was not in force at `at_ms`, if it was not: never approved (pending,
/// refused), suspended or revoked before it, the account disabled before it, or the paper
/// border pass over. A crossing scanned
/// before a suspension and synced after it still counts.
async fn not_in_force_at(
    db: &D1Database,
    resident: &ResidentRow,
    at_ms: i64,
) -> Result<Option<&'static str>, ApiError> {
    let status = ResidentStatus::parse(&resident.status).map_err(|_| ApiError::internal())?;
    // A disabled account's resident pass is revoked with it: a scan after that does not count.
    #[derive(Deserialize)]
    struct Disabled {
        disabled_at_ms: Option<f64>,
    }
    let disabled_at = db
        .prepare("SELECT disabled_at_ms FROM accounts WHERE id = ?1")
        .bind(&[resident.account_id.as_str().into()])?
        .first::<Disabled>(None)
        .await?
        .and_then(|d| d.disabled_at_ms);
    if disabled_at.is_some_and(|since| at_ms >= since as i64) {
        return Ok(Some("the resident's account was disabled before the scan"));
    }
    if at_ms >= day_start_ms(resident.border_pass_expires_day as i64 + 1) {
        return Ok(Some(
            "the resident's border pass had expired at the time of the scan",
        ));
    }
    match status {
        ResidentStatus::Pending | ResidentStatus::Refused => {
            Ok(Some("the resident has no approved resident pass"))
        }
        ResidentStatus::Approved => Ok(None),
        ResidentStatus::Suspended | ResidentStatus::Revoked => {
            // Out of force since the first suspension or revocation after the last approval
            // or reinstatement.
            #[derive(Deserialize)]
            struct Since {
                since: Option<f64>,
            }
            let since = db
                .prepare(
                    "SELECT MIN(at_ms) AS since FROM resident_decisions
                     WHERE resident_id = ?1 AND decision IN ('suspend', 'revoke')
                       AND seq > (SELECT COALESCE(MAX(seq), 0) FROM resident_decisions
                                  WHERE resident_id = ?1 AND decision IN ('approve', 'reinstate'))",
                )
                .bind(&[resident.id.as_str().into()])?
                .first::<Since>(None)
                .await?
                .and_then(|s| s.since)
                .map_or(resident.decided_at_ms.unwrap_or(0.0) as i64, |s| s as i64);
            Ok((at_ms >= since)
                .then_some("the resident's pass was suspended or revoked before the scan"))
        }
    }
}

/// The gate of an officer (every officer has one: the route admits officers only).
fn officers_gate(me: &Principal) -> Result<&GateId, ApiError> {
    me.responsibility.gate().ok_or_else(|| {
        ApiError::from(Error::new(
            ErrorCode::Forbidden,
            "only an officer of a gate sees its residents",
        ))
    })
}

/// The resident's current pass (signed code, last valid second), if one is in force.
async fn current_pass(
    db: &D1Database,
    resident_id: &str,
    now_ms: i64,
) -> Result<Option<(String, i64)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        code: String,
        valid_until: f64,
    }
    let row = db
        .prepare(
            "SELECT code, valid_until FROM passes
             WHERE subject_kind = 'resident' AND subject_id = ?1 AND revoked_at_ms IS NULL
               AND valid_until > ?2
             ORDER BY issued_at_ms DESC LIMIT 1",
        )
        .bind(&[resident_id.into(), ((now_ms / 1000) as f64).into()])?
        .first::<Row>(None)
        .await?;
    Ok(row.map(|r| (r.code, r.valid_until as i64)))
}

async fn resident_by_id(db: &D1Database, id: &str) -> Result<Option<ResidentRow>, ApiError> {
    Ok(db
        .prepare("SELECT * FROM residents WHERE id = ?1")
        .bind(&[id.into()])?
        .first::<ResidentRow>(None)
        .await?)
}

/// The crossings of the residents `which` selects (a condition on `residents r` and
/// `resident_crossings c` with one parameter), by resident, checked.
async fn crossings_of(
    db: &D1Database,
    which: &str,
    param: &str,
) -> Result<HashMap<String, Vec<Crossing>>, ApiError> {
    let rows = db
        .prepare(format!(
            "SELECT c.*, r.holder_digest FROM resident_crossings c
             JOIN residents r ON r.id = c.resident_id WHERE {which} ORDER BY c.at_ms, c.id"
        ))
        .bind(&[param.into()])?
        .all()
        .await?
        .results::<CrossingRow>()?;
    let mut by_resident: HashMap<String, Vec<Crossing>> = HashMap::new();
    for row in rows {
        let holder = HolderDigest::parse_hex(row.holder_digest.as_deref().unwrap_or(""))
            .map_err(|_| ApiError::internal())?;
        match row.to_crossing(holder) {
            Some(c) => by_resident
                .entry(row.resident_id.clone())
                .or_default()
                .push(c),
            None => worker::console_error!("unreadable crossing row {}", row.id),
        }
    }
    Ok(by_resident)
}

/// A resident as the API shows them, with the figures at `now_ms`.
fn to_dto(
    row: &ResidentRow,
    crossings: &[Crossing],
    now_ms: i64,
    pass: Option<(String, i64)>,
) -> Result<ResidentDto, ApiError> {
    let status = ResidentStatus::parse(&row.status).map_err(|_| ApiError::internal())?;
    let ledger = ResidentLedger::from_crossings(crossings, ResidentRules::current());
    let (pass, pass_valid_until) = match pass {
        Some((code, until)) => (Some(code), Some(until)),
        None => (None, None),
    };
    Ok(ResidentDto {
        id: row.id.clone(),
        status,
        name: row.name.clone(),
        commune_id: row.commune_id.clone(),
        home_gate: row.home_gate.clone(),
        id_last4: row.id_last4.clone(),
        holder_digest: row.holder_digest.clone(),
        border_pass_number: row.border_pass_number.clone(),
        border_pass_expires: LocalDateTime::from_unix_ms(day_start_ms(
            row.border_pass_expires_day as i64,
        ))
        .iso_date(),
        applied_at_ms: row.applied_at_ms as i64,
        decided_at_ms: row.decided_at_ms.map(|v| v as i64),
        reason: row.reason.clone(),
        pass,
        pass_valid_until,
        summary: ResidentSummaryDto::of(&ledger, now_ms),
        history: ResidentHistoryDto::of(&ledger, now_ms),
    })
}

#[derive(Debug, Deserialize)]
struct ResidentRow {
    id: String,
    account_id: String,
    status: String,
    name: String,
    commune_id: String,
    home_gate: String,
    id_last4: String,
    holder_digest: String,
    border_pass_number: String,
    border_pass_expires_day: f64,
    applied_at_ms: f64,
    decided_at_ms: Option<f64>,
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CrossingRow {
    id: String,
    resident_id: String,
    at_ms: f64,
    direction: String,
    goods: String,
    gate: String,
    /// Its resident's, when the query joins `residents`.
    #[serde(default)]
    holder_digest: Option<String>,
}

impl CrossingRow {
    /// The stored crossing, checked again (`None`: a row the rules no longer accept).
    fn to_crossing(&self, holder: HolderDigest) -> Option<Crossing> {
        let goods: Vec<GoodsLineDto> = serde_json::from_str(&self.goods).ok()?;
        let direction =
            serde_json::from_value(serde_json::Value::String(self.direction.clone())).ok()?;
        Crossing::try_from(CrossingDto {
            id: self.id.clone(),
            resident: holder.to_hex(),
            at_ms: self.at_ms as i64,
            direction,
            goods,
            recorded_by: self.gate.clone(),
        })
        .ok()
    }
}
