//! Rate-limit counters in D1: one atomic upsert per attempt, so concurrent attempts are
//! counted exactly. The limits and the arithmetic are `shared::RateLimit`.

use crate::error::ApiError;
use serde::Deserialize;
use shared::otp::CODE_TTL_MS;
use shared::{ErrorCode, RateLimit};
use worker::D1Database;

/// Counts one attempt for `key`; refuses it with `rate_limited` and a retry-after when over.
pub async fn check(
    db: &D1Database,
    key: &str,
    limit: RateLimit,
    now_ms: i64,
) -> Result<(), ApiError> {
    check_n(db, key, limit, 1, now_ms).await
}

/// Counts `n` writes of one account against its quotas (a short and a long window, under
/// `what`: `sync`, `booking`), the way [`check`] counts attempts. A refused request still
/// counts (a burst cannot slip past), and changes nothing else.
pub async fn check_account_writes(
    db: &D1Database,
    what: &str,
    account: &str,
    limits: [RateLimit; 2],
    n: u32,
    now_ms: i64,
) -> Result<(), ApiError> {
    for (i, limit) in limits.into_iter().enumerate() {
        let key = format!("writes:{what}:{i}:acct:{account}");
        check_n(db, &key, limit, n, now_ms).await?;
    }
    Ok(())
}

/// Counts `n` attempts at once (a sync request's writes); see [`check`].
pub async fn check_n(
    db: &D1Database,
    key: &str,
    limit: RateLimit,
    n: u32,
    now_ms: i64,
) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Counter {
        count: f64,
        window_start_ms: f64,
    }
    let counter = db
        .prepare(
            "INSERT INTO rate_limits (key, window_start_ms, count) VALUES (?1, ?2, ?4)
             ON CONFLICT(key) DO UPDATE SET
               count = CASE WHEN window_start_ms + ?3 <= ?2 THEN ?4 ELSE count + ?4 END,
               window_start_ms = CASE WHEN window_start_ms + ?3 <= ?2 THEN ?2 ELSE window_start_ms END
             RETURNING count, window_start_ms",
        )
        .bind(&[
            key.into(),
            (now_ms as f64).into(),
            (limit.window_ms as f64).into(),
            (n as f64).into(),
        ])?
        .first::<Counter>(None)
        .await?
        .ok_or_else(ApiError::internal)?;
    let count = u32::try_from(counter.count as i64).unwrap_or(u32::MAX);
    match limit.retry_after_secs(count, counter.window_start_ms as i64, now_ms) {
        None => Ok(()),
        Some(secs) => Err(ApiError::from(shared::Error::new(
            ErrorCode::RateLimited,
            format!("too many attempts; try again in {secs} s"),
        ))
        .with_retry_after(secs)),
    }
}

/// Gives back one attempt (after a successful sign-in: only failures use up the budget, while
/// every attempt is still counted first, so a burst cannot slip past the limit).
pub async fn refund(db: &D1Database, key: &str) -> Result<(), ApiError> {
    db.prepare("UPDATE rate_limits SET count = MAX(count - 1, 0) WHERE key = ?1")
        .bind(&[key.into()])?
        .run()
        .await?;
    Ok(())
}

/// Where a request came from, for rate limits. Cloudflare sets `CF-Connecting-IP` itself.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

/// Rate limits, with windows shortened when the `RATE_LIMIT_WINDOW_MS` variable says so
/// (tests, which must not wait a minute). A one-time code then lives two windows.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Per phone and address together.
    pub sign_in_per_phone: RateLimit,
    /// Per phone across all addresses: the higher ceiling.
    pub sign_in_per_phone_all_addresses: RateLimit,
    pub sign_in_per_address: RateLimit,
    pub sign_up_per_address: RateLimit,
    pub code_requests_per_phone: RateLimit,
    pub code_requests_per_address: RateLimit,
    pub code_ttl_ms: i64,
    /// Per-account write quotas (`POST /api/sync`, and the booking writes).
    pub writes: WriteQuotas,
}

/// Per-account write quotas: each pair is a 10-minute and a daily limit.
#[derive(Debug, Clone, Copy)]
pub struct WriteQuotas {
    pub sync: [RateLimit; 2],
    pub booking: [RateLimit; 2],
}

impl Limits {
    pub fn with_window_override(window_ms: Option<i64>) -> Self {
        let adjust = |l: RateLimit| window_ms.map_or(l, |w| l.with_window_ms(w));
        Limits {
            sign_in_per_phone: adjust(RateLimit::SIGN_IN_PER_PHONE),
            sign_in_per_phone_all_addresses: adjust(RateLimit::SIGN_IN_PER_PHONE_ALL_ADDRESSES),
            sign_in_per_address: adjust(RateLimit::SIGN_IN_PER_ADDRESS),
            sign_up_per_address: adjust(RateLimit::SIGN_UP_PER_ADDRESS),
            code_requests_per_phone: adjust(RateLimit::CODE_REQUESTS_PER_PHONE),
            code_requests_per_address: adjust(RateLimit::CODE_REQUESTS_PER_ADDRESS),
            code_ttl_ms: window_ms.map_or(CODE_TTL_MS, |w| w.saturating_mul(2)),
            writes: WriteQuotas {
                sync: [
                    adjust(RateLimit::SYNC_WRITES_PER_ACCOUNT),
                    adjust(RateLimit::SYNC_WRITES_PER_ACCOUNT_DAY),
                ],
                booking: [
                    adjust(RateLimit::BOOKING_WRITES_PER_ACCOUNT),
                    adjust(RateLimit::BOOKING_WRITES_PER_ACCOUNT_DAY),
                ],
            },
        }
    }
}
