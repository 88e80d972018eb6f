//! One-time codes at the edge: drawn from WebCrypto, kept only as a SHA-256 bound to the phone
//! and purpose, single use, [`ATTEMPTS_PER_CODE`] tries each, and requests limited per phone
//! and per client address (an IPv6 /64 counts as one). Also the devices an account has
//! verified with a code. The rules and texts are `shared::otp`.

use crate::auth::password_hash::to_hex;
use crate::auth::secrets;
use crate::error::ApiError;
use crate::rate_limits;
use crate::rate_limits::{ClientAddress, Limits};
use serde::Deserialize;
use shared::otp::{self, CodePurpose, DeviceId, OneTimeCode, ATTEMPTS_PER_CODE};
use shared::rate_limit::address_key;
use shared::{ErrorCode, PhoneNumber};
use worker::{D1Database, D1PreparedStatement};

async fn code_hash(
    purpose: CodePurpose,
    phone: &PhoneNumber,
    code: &OneTimeCode,
) -> Result<String, ApiError> {
    let input = otp::digest_input(purpose, phone, code);
    Ok(to_hex(&secrets::sha256(input.as_bytes()).await?))
}

fn fresh_code() -> Result<OneTimeCode, ApiError> {
    let bytes = secrets::random_bytes::<32>()?;
    let words = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
    OneTimeCode::from_random(words).ok_or_else(ApiError::internal)
}

fn locked(retry_after_ms: i64) -> ApiError {
    let secs = u32::try_from((retry_after_ms.max(1) + 999) / 1000).unwrap_or(u32::MAX);
    ApiError::from(shared::Error::new(
        ErrorCode::RateLimited,
        format!("too many wrong codes; try again in {secs} s"),
    ))
    .with_retry_after(secs)
}

/// Counts one code request against the address's and the phone's budgets, and refuses while
/// the phone's code for `purpose` is locked by wrong tries.
pub async fn check_request(
    db: &D1Database,
    phone: &PhoneNumber,
    purpose: CodePurpose,
    from: &ClientAddress,
    limits: &Limits,
    now_ms: i64,
) -> Result<(), ApiError> {
    rate_limits::check(
        db,
        &format!("code:addr:{}", address_key(&from.0)),
        limits.code_requests_per_address,
        now_ms,
    )
    .await?;
    rate_limits::check(
        db,
        &format!("code:phone:{}", phone.e164()),
        limits.code_requests_per_phone,
        now_ms,
    )
    .await?;
    #[derive(Deserialize)]
    struct Locked {
        expires_at_ms: f64,
    }
    let locked_code = db
        .prepare(
            "SELECT expires_at_ms FROM one_time_codes
             WHERE phone = ?1 AND purpose = ?2 AND attempts >= ?3 AND expires_at_ms > ?4",
        )
        .bind(&[
            phone.e164().into(),
            purpose.as_str().into(),
            (ATTEMPTS_PER_CODE as f64).into(),
            (now_ms as f64).into(),
        ])?
        .first::<Locked>(None)
        .await?;
    match locked_code {
        Some(l) => Err(locked(l.expires_at_ms as i64 - now_ms)),
        None => Ok(()),
    }
}

/// Stores a fresh code for the phone and purpose (replacing any earlier one) and returns it.
/// Callers that must not send it (the phone has no account to reset) still store it, so the
/// code behaves the same either way; nobody ever learns it.
pub async fn create(
    db: &D1Database,
    phone: &PhoneNumber,
    purpose: CodePurpose,
    limits: &Limits,
    now_ms: i64,
) -> Result<OneTimeCode, ApiError> {
    let code = fresh_code()?;
    let hash = code_hash(purpose, phone, &code).await?;
    db.prepare(
        "INSERT INTO one_time_codes (phone, purpose, code_hash, attempts, created_at_ms, expires_at_ms)
         VALUES (?1, ?2, ?3, 0, ?4, ?5)
         ON CONFLICT (phone, purpose) DO UPDATE SET code_hash = excluded.code_hash, attempts = 0,
           created_at_ms = excluded.created_at_ms, expires_at_ms = excluded.expires_at_ms",
    )
    .bind(&[
        phone.e164().into(),
        purpose.as_str().into(),
        hash.into(),
        (now_ms as f64).into(),
        ((now_ms + limits.code_ttl_ms) as f64).into(),
    ])?
    .run()
    .await?;
    Ok(code)
}

/// Uses up the phone's code for `purpose` if `typed` is it. Every try is counted first (one
/// atomic update), so a burst cannot slip past the limit; a right code is deleted, so it works
/// once. Wrong, used, expired and never-sent codes all get the same `invalid_code`.
pub async fn redeem(
    db: &D1Database,
    phone: &PhoneNumber,
    purpose: CodePurpose,
    typed: &str,
    now_ms: i64,
) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Try {
        code_hash: String,
        attempts: f64,
        expires_at_ms: f64,
    }
    let typed = OneTimeCode::parse(typed)?;
    let tried = db
        .prepare(
            "UPDATE one_time_codes SET attempts = attempts + 1
             WHERE phone = ?1 AND purpose = ?2 AND expires_at_ms > ?3
             RETURNING code_hash, attempts, expires_at_ms",
        )
        .bind(&[
            phone.e164().into(),
            purpose.as_str().into(),
            (now_ms as f64).into(),
        ])?
        .first::<Try>(None)
        .await?
        .ok_or_else(|| ApiError::from(otp::wrong_code()))?;
    if tried.attempts as u32 > ATTEMPTS_PER_CODE {
        return Err(locked(tried.expires_at_ms as i64 - now_ms));
    }
    let hash = code_hash(purpose, phone, &typed).await?;
    if !same(hash.as_bytes(), tried.code_hash.as_bytes()) {
        return Err(otp::wrong_code().into());
    }
    let used = db
        .prepare("DELETE FROM one_time_codes WHERE phone = ?1 AND purpose = ?2 AND code_hash = ?3")
        .bind(&[
            phone.e164().into(),
            purpose.as_str().into(),
            hash.as_str().into(),
        ])?
        .run()
        .await?
        .meta()?
        .and_then(|m| m.changes)
        .unwrap_or(0);
    // Two requests with the same right code: only the one that deleted it goes on.
    if used != 1 {
        return Err(otp::wrong_code().into());
    }
    Ok(())
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A device id as sent (`None` when absent); a malformed one is refused.
pub fn device(sent: Option<&str>) -> Result<Option<DeviceId>, ApiError> {
    Ok(sent.map(DeviceId::parse).transpose()?)
}

async fn device_hash(device: &DeviceId) -> Result<String, ApiError> {
    let input = format!("borderpass-device-v1:{}", device.as_str());
    Ok(to_hex(&secrets::sha256(input.as_bytes()).await?))
}

/// Whether the account has verified this device with a code before.
pub async fn is_known_device(
    db: &D1Database,
    account_id: &str,
    device: Option<&DeviceId>,
) -> Result<bool, ApiError> {
    let Some(device) = device else {
        return Ok(false);
    };
    #[derive(Deserialize)]
    struct Known {
        #[allow(dead_code)]
        known: f64,
    }
    let found = db
        .prepare("SELECT 1 AS known FROM known_devices WHERE account_id = ?1 AND device_hash = ?2")
        .bind(&[account_id.into(), device_hash(device).await?.into()])?
        .first::<Known>(None)
        .await?;
    Ok(found.is_some())
}

/// The statement remembering a device for an account (if that account exists), or refreshing
/// when it was last seen.
pub async fn remember_device(
    db: &D1Database,
    account_id: &str,
    device: &DeviceId,
    now_ms: i64,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(db
        .prepare(
            "INSERT INTO known_devices (account_id, device_hash, first_seen_at_ms, last_seen_at_ms)
             SELECT id, ?2, ?3, ?3 FROM accounts WHERE id = ?1
             ON CONFLICT (account_id, device_hash) DO UPDATE SET last_seen_at_ms = excluded.last_seen_at_ms",
        )
        .bind(&[
            account_id.into(),
            device_hash(device).await?.into(),
            (now_ms as f64).into(),
        ])?)
}

/// The statement forgetting every device of an account (a password reset starts afresh).
pub fn forget_devices(db: &D1Database, account_id: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(db
        .prepare("DELETE FROM known_devices WHERE account_id = ?1")
        .bind(&[account_id.into()])?)
}
