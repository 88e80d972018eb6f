//! Rate-limit counters in D1: one atomic upsert per attempt, so concurrent attempts are
//! counted exactly. The limits and the arithmetic are `shared::RateLimit`.

use crate::http::ApiError;
use serde::Deserialize;
use shared::{ErrorCode, RateLimit};
use worker::D1Database;

/// Counts one attempt for `key`; refuses it with `rate_limited` and a retry-after when over.
pub async fn check(
    db: &D1Database,
    key: &str,
    limit: RateLimit,
    now_ms: i64,
) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Counter {
        count: f64,
        window_start_ms: f64,
    }
    let counter = db
        .prepare(
            "INSERT INTO rate_limits (key, window_start_ms, count) VALUES (?1, ?2, 1)
             ON CONFLICT(key) DO UPDATE SET
               count = CASE WHEN window_start_ms + ?3 <= ?2 THEN 1 ELSE count + 1 END,
               window_start_ms = CASE WHEN window_start_ms + ?3 <= ?2 THEN ?2 ELSE window_start_ms END
             RETURNING count, window_start_ms",
        )
        .bind(&[
            key.into(),
            (now_ms as f64).into(),
            (limit.window_ms as f64).into(),
        ])?
        .first::<Counter>(None)
        .await?
        .ok_or_else(ApiError::internal)?;
    match limit.retry_after_secs(counter.count as u32, counter.window_start_ms as i64, now_ms) {
        None => Ok(()),
        Some(secs) => Err(ApiError::new(
            429,
            ErrorCode::RateLimited,
            format!("too many attempts; try again in {secs} s"),
        )
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
