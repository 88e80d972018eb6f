//! Signed passes: issuing and revoking them for any subject (`shared::pass::PassSubject`: a
//! trip, a border resident), the trust list and the deny-list.
//!
//! Every pass issued or revoked records its event (`pass.issued`, `pass.revoked`) in the batch
//! that stores it. The `passes` table is keyed by the subject's kind and id (migration 0012).
//!
//! The signing key is the Worker secret `PASS_SIGNING_KEY` (64 hex characters, an Ed25519
//! seed; `.dev.vars` locally, made by setup). Every key that signs is recorded in `pass_keys`
//! with the expiry of the last pass it signed: after the secret is rotated, the old key stays
//! on the trust list until no pass it signed can still be valid.

use crate::auth::password_hash::{from_hex, to_hex};
use crate::auth::secrets;
use crate::error::ApiError;
use crate::outbox;
use serde::Deserialize;
use shared::event::{Event, Recorded};
use shared::pass::{revocation_event_id, PassId, PassKind, PassSigner, PassSubject, SubjectRef};
use shared::wire::v1::{KeyDto, KeysResponse, PassDto, RevocationDto, RevocationsResponse};
use shared::AccountId;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, Env};

/// The secret holding the current signing key's seed.
pub const SIGNING_KEY_SECRET: &str = "PASS_SIGNING_KEY";

/// The current signer, from the Worker secret (only a secret: a plain variable of that name,
/// which anyone who can read the deployment's settings sees, is never used; locally, the
/// values in `.dev.vars` are secrets). A missing or malformed secret is a deployment fault: the edge answers `internal` and says why in its log, and accepts nothing it could
/// not sign.
pub fn signer(env: &Env) -> Result<PassSigner, ApiError> {
    let hex = env
        .secret(SIGNING_KEY_SECRET)
        .map(|v| v.to_string())
        .map_err(|_| {
            worker::console_error!("{SIGNING_KEY_SECRET} is not set: no pass can be signed");
            ApiError::internal()
        })?;
    let seed: [u8; 32] = from_hex(hex.trim())
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| {
            worker::console_error!("{SIGNING_KEY_SECRET} is not 64 hex characters");
            ApiError::internal()
        })?;
    Ok(PassSigner::from_seed(&seed))
}

/// A signed pass, and the statements that store it, record its key and record its
/// [`Event::PassIssued`]; the caller runs them in the same batch as the subject's own change.
pub struct Issued {
    pub pass: PassDto,
    pub statements: Vec<D1PreparedStatement>,
}

/// Signs a pass for `subject` (a trip: [`shared::pass::TripPass`]; a border resident:
/// [`shared::pass::ResidentPass`]) at `now_ms`.
pub fn issue(
    db: &D1Database,
    signer: &PassSigner,
    subject: &impl PassSubject,
    now_ms: i64,
) -> Result<Issued, ApiError> {
    let id = PassId::from_bytes(&secrets::random_bytes::<6>()?)?;
    let of = subject.subject();
    let claims = subject.claims(id.clone(), now_ms / 1000);
    let (valid_from, valid_until) = (claims.valid_from, claims.valid_until);
    // Never issued: a validity longer than the kind's maximum. A trip window's rules make it
    // impossible; if it happens anyway (an old row, a bug), nothing is signed and the key's
    // "last pass valid until" does not move.
    let code = signer.sign(&claims).map_err(|reason| {
        worker::console_error!(
            "refusing to sign a {} pass for {}: {reason} ({}..{} s, at most {} s)",
            of.kind.as_str(),
            of.id,
            valid_from,
            valid_until,
            of.kind.max_validity_secs()
        );
        ApiError::internal()
    })?;
    let kid = signer.kid().to_hex();
    let trip_id = (of.kind == PassKind::Trip).then_some(of.id.as_str());
    let issued = Event::PassIssued {
        pass_id: id.clone(),
        kind: of.kind,
        subject: of.id.clone(),
        valid_from_ms: valid_from * 1000,
        valid_until_ms: valid_until * 1000,
    };
    let statements = vec![
        db.prepare(
            "INSERT INTO passes (id, subject_kind, subject_id, trip_id, kid, code, valid_from,
               valid_until, issued_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .bind(&[
            id.to_hex().into(),
            of.kind.as_str().into(),
            of.id.as_str().into(),
            crate::sql::nullable(trip_id),
            kid.clone().into(),
            code.clone().into(),
            (valid_from as f64).into(),
            (valid_until as f64).into(),
            (now_ms as f64).into(),
        ])?,
        db.prepare(
            "INSERT INTO pass_keys (kid, public_key, first_used_at_ms, last_pass_valid_until)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kid) DO UPDATE SET last_pass_valid_until =
               max(last_pass_valid_until, excluded.last_pass_valid_until)",
        )
        .bind(&[
            kid.into(),
            to_hex(&signer.public_key()).into(),
            (now_ms as f64).into(),
            (valid_until as f64).into(),
        ])?,
        outbox::record_new(db, issued, now_ms)?,
    ];
    Ok(Issued {
        pass: PassDto {
            id: id.to_hex(),
            code,
            valid_from,
            valid_until,
            revoked: false,
        },
        statements,
    })
}

/// Why a pass was revoked (the `revoked_reason` the deny-list carries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokedBecause {
    /// Its trip was cancelled.
    Cancelled,
    /// A newer pass of its trip was issued: one pass per trip is valid at a time.
    Superseded,
    /// Its trip was served at a yard.
    Completed,
    /// Its account was disabled.
    Disabled,
    /// Its border resident was suspended (a reinstatement issues a new pass).
    Suspended,
    /// Its border resident's pass was revoked for good.
    Revoked,
}

impl RevokedBecause {
    pub fn as_str(self) -> &'static str {
        match self {
            RevokedBecause::Cancelled => "cancelled",
            RevokedBecause::Superseded => "superseded",
            RevokedBecause::Completed => "completed",
            RevokedBecause::Disabled => "disabled",
            RevokedBecause::Suspended => "suspended",
            RevokedBecause::Revoked => "revoked",
        }
    }
}

/// The statements that revoke every unrevoked pass of `subject`, saying why, and record each
/// one's [`Event::PassRevoked`]; run them in the batch of the change that is the reason (a
/// cancel, a new pass, the trip's completion).
pub async fn revoke(
    db: &D1Database,
    subject: &SubjectRef,
    because: RevokedBecause,
    now_ms: i64,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let selector = [subject.kind.as_str().into(), subject.id.as_str().into()];
    let which = "subject_kind = ?1 AND subject_id = ?2";
    revoke_matching(db, which, &selector, because, now_ms).await
}

/// [`revoke`] for the passes of every trip of an account (run in the batch that disables it).
pub async fn revoke_for_account(
    db: &D1Database,
    account: &AccountId,
    because: RevokedBecause,
    now_ms: i64,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let which = "subject_kind = 'trip' AND trip_id IN (SELECT id FROM trips WHERE account_id = ?1)";
    revoke_matching(db, which, &[account.as_str().into()], because, now_ms).await
}

/// Revokes the unrevoked passes `which` selects (an SQL condition on `passes` whose parameters
/// are `selector`, from `?1`), with their events.
///
/// The passes to report are read first; the revocation itself is one update of the selected
/// unrevoked passes, so a pass issued between the read and the batch is revoked too (one pass
/// per subject stays valid at most). Each event's id follows from its pass
/// ([`revocation_event_id`]): when two changes race to revoke the same pass, the outbox keeps
/// the event of the one that revoked it.
async fn revoke_matching(
    db: &D1Database,
    which: &str,
    selector: &[JsValue],
    because: RevokedBecause,
    now_ms: i64,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        subject_id: String,
    }
    let unrevoked = db
        .prepare(format!(
            "SELECT id, subject_id FROM passes WHERE ({which}) AND revoked_at_ms IS NULL"
        ))
        .bind(selector)?
        .all()
        .await?
        .results::<Row>()?;
    let n = selector.len();
    let mut binds = selector.to_vec();
    binds.extend([(now_ms as f64).into(), because.as_str().into()]);
    let mut statements = vec![db
        .prepare(format!(
            "UPDATE passes SET revoked_at_ms = ?{}, revoked_reason = ?{}
             WHERE ({which}) AND revoked_at_ms IS NULL",
            n + 1,
            n + 2
        ))
        .bind(&binds)?];
    for row in unrevoked {
        let pass_id = PassId::parse_hex(&row.id).map_err(|_| ApiError::internal())?;
        let revoked = Event::PassRevoked {
            pass_id: pass_id.clone(),
            subject: row.subject_id,
            reason: because.as_str().to_owned(),
        };
        statements.push(outbox::record(
            db,
            &Recorded::new(revocation_event_id(&pass_id), now_ms, revoked),
        )?);
    }
    Ok(statements)
}

/// `GET /api/keys`: the current key, and every earlier key with a pass that is still valid.
pub async fn trust_list(
    db: &D1Database,
    signer: &PassSigner,
    now_ms: i64,
) -> Result<KeysResponse, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        kid: String,
        public_key: String,
    }
    let current = KeyDto {
        kid: signer.kid().to_hex(),
        public_key: to_hex(&signer.public_key()),
    };
    let earlier = db
        .prepare(
            "SELECT kid, public_key FROM pass_keys
             WHERE last_pass_valid_until > ?1 AND kid != ?2 ORDER BY first_used_at_ms",
        )
        .bind(&[((now_ms / 1000) as f64).into(), current.kid.clone().into()])?
        .all()
        .await?
        .results::<Row>()?;
    let mut keys = vec![current];
    keys.extend(earlier.into_iter().map(|r| KeyDto {
        kid: r.kid,
        public_key: r.public_key,
    }));
    Ok(KeysResponse { keys })
}

/// `GET /api/revocations`: revoked passes that have not expired (expired ones fail anyway),
/// with why; with `since`, only those revoked after that instant (a verifier's next sync).
pub async fn deny_list(
    db: &D1Database,
    now_ms: i64,
    since_ms: Option<i64>,
) -> Result<RevocationsResponse, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        revoked_at_ms: f64,
        revoked_reason: Option<String>,
        valid_until: f64,
    }
    let rows = db
        .prepare(
            "SELECT id, revoked_at_ms, revoked_reason, valid_until FROM passes
             WHERE revoked_at_ms IS NOT NULL AND revoked_at_ms > ?2 AND valid_until > ?1
             ORDER BY id",
        )
        .bind(&[
            ((now_ms / 1000) as f64).into(),
            (since_ms.unwrap_or(-1).max(-1) as f64).into(),
        ])?
        .all()
        .await?
        .results::<Row>()?;
    Ok(RevocationsResponse {
        pass_ids: rows.iter().map(|r| r.id.clone()).collect(),
        as_of_ms: now_ms,
        revoked: rows
            .into_iter()
            .map(|r| RevocationDto {
                pass_id: r.id,
                reason: r
                    .revoked_reason
                    .unwrap_or_else(|| RevokedBecause::Cancelled.as_str().to_owned()),
                revoked_at_ms: r.revoked_at_ms as i64,
                valid_until: r.valid_until as i64,
            })
            .collect(),
    })
}

/// What D1 holds about one pass, for a check-in: its trip and, if revoked, why.
#[derive(Debug, Deserialize)]
pub struct PassState {
    pub trip_id: String,
    pub revoked_at_ms: Option<f64>,
    pub revoked_reason: Option<String>,
}

/// The stored state of one pass by its id (`None`: the edge never issued it).
pub async fn pass_state(db: &D1Database, pass_id: &str) -> Result<Option<PassState>, ApiError> {
    Ok(db
        .prepare("SELECT trip_id, revoked_at_ms, revoked_reason FROM passes WHERE id = ?1")
        .bind(&[pass_id.into()])?
        .first::<PassState>(None)
        .await?)
}
