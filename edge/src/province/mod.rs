//! The edge side of the province sync (issue 12): thin IO around `shared::province`'s rules.
//!
//! - [`pusher`]: sends the outbox's trip records to the province (`POST /v1/records`), signed,
//!   in batches, one pusher at a time (a lease in D1), and marks what the province answered.
//! - [`status`]: what comes back: the province's signed status callbacks
//!   (`POST /api/province/status`) and the pull (`GET /v1/status`) that reconciles them; both
//!   store each update once in `trip_timeline`, the trip's timeline folded from those rows.
//! - [`health`]: the admin's view (`GET /api/admin/province-sync`) and the retry of a parked
//!   record.
//!
//! It runs from the cron trigger (`jobs.rs`, every minute) and soon after each write
//! (`ctx.wait_until` in `lib.rs`), never from Cloudflare Queues: the outbox already is the
//! durable, ordered log, and a queue would be a second copy of it without per-trip order.
//! Delivery is at least once (a record stays pending until the province answers it accepted
//! or duplicate) and the province keeps one record per event id: exactly once in effect, in
//! each trip's `seq` order.
//!
//! Configuration: the variable `PROVINCE_URL` and the secrets `PROVINCE_PUSH_SECRET` (the
//! edge signs what it sends) and `PROVINCE_CALLBACK_SECRET` (the province signs its answers
//! and callbacks). Without all three the pusher does nothing and the health says so.

pub mod health;
pub mod pusher;
pub mod status;
mod transport;

use crate::error::ApiError;
use serde::Deserialize;
use shared::province::webhook::Secret;
use worker::{D1Database, D1PreparedStatement, Env};

pub const URL_VAR: &str = "PROVINCE_URL";
pub const PUSH_SECRET: &str = "PROVINCE_PUSH_SECRET";
pub const CALLBACK_SECRET: &str = "PROVINCE_CALLBACK_SECRET";

/// The province's address and the two secrets.
#[derive(Clone)]
pub struct Config {
    /// Without a trailing slash: `http://127.0.0.1:9799`.
    pub url: String,
    /// Signs what the edge sends.
    pub push: Secret,
    /// Checks what the province sends.
    pub callback: Secret,
}

impl Config {
    /// The configuration, or `None` when any part is missing or unreadable (logged).
    pub fn from_env(env: &Env) -> Option<Config> {
        let text = |name: &str| {
            env.var(name)
                .ok()
                .map(|v| v.to_string())
                .or_else(|| env.secret(name).ok().map(|v| v.to_string()))
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let url = text(URL_VAR)?;
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            worker::console_error!("{URL_VAR} is not an http(s) address: the province sync is off");
            return None;
        }
        let secret = |name: &str| {
            let parsed = Secret::parse(&text(name)?);
            if parsed.is_err() {
                worker::console_error!("{name} is not a whsec_ secret: the province sync is off");
            }
            parsed.ok()
        };
        Some(Config {
            url: url.trim_end_matches('/').to_owned(),
            push: secret(PUSH_SECRET)?,
            callback: secret(CALLBACK_SECRET)?,
        })
    }
}

/// The keys of the pusher's facts in `system_state`.
pub mod keys {
    /// The lease: `text_value` the holder's token, `int_value` when it expires.
    pub const LEASE: &str = "province_lease";
    /// Failed attempts in a row.
    pub const FAILURES: &str = "province_failures";
    /// When the pusher may try again (absent or NULL: now).
    pub const NEXT_ATTEMPT: &str = "province_next_attempt_at_ms";
    pub const LAST_SUCCESS: &str = "province_last_success_at_ms";
    pub const LAST_ERROR: &str = "province_last_error";
    /// Where the status pull goes on (the province's cursor).
    pub const STATUS_CURSOR: &str = "province_status_cursor";
}

/// One `system_state` row as read.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StateRow {
    pub key: String,
    pub int_value: Option<f64>,
    pub text_value: Option<String>,
}

/// The pusher's facts, read in one query.
#[derive(Debug, Clone, Default)]
pub struct SyncState {
    pub failures: u32,
    pub next_attempt_at_ms: Option<i64>,
    pub last_success_at_ms: Option<i64>,
    pub last_error: Option<String>,
    pub status_cursor: u64,
}

impl SyncState {
    pub async fn read(db: &D1Database) -> Result<SyncState, ApiError> {
        let rows = db
            .prepare(
                "SELECT key, int_value, text_value FROM system_state WHERE key LIKE 'province_%'",
            )
            .all()
            .await?
            .results::<StateRow>()?;
        let mut state = SyncState::default();
        for row in rows {
            let int = row.int_value.map(|v| v as i64);
            match row.key.as_str() {
                keys::FAILURES => {
                    state.failures = int.unwrap_or(0).clamp(0, u32::MAX.into()) as u32
                }
                keys::NEXT_ATTEMPT => state.next_attempt_at_ms = int,
                keys::LAST_SUCCESS => state.last_success_at_ms = int,
                keys::LAST_ERROR => state.last_error = row.text_value,
                keys::STATUS_CURSOR => state.status_cursor = int.unwrap_or(0).max(0) as u64,
                _ => {}
            }
        }
        Ok(state)
    }
}

/// The statement that sets a `system_state` row (`None` values are NULL).
pub fn set_state(
    db: &D1Database,
    key: &str,
    int_value: Option<i64>,
    text_value: Option<&str>,
    now_ms: i64,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(db
        .prepare(
            "INSERT INTO system_state (key, int_value, text_value, updated_at_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(key) DO UPDATE SET int_value = excluded.int_value,
               text_value = excluded.text_value, updated_at_ms = excluded.updated_at_ms",
        )
        .bind(&[
            key.into(),
            int_value.map_or(wasm_bindgen::JsValue::NULL, |v| (v as f64).into()),
            crate::sql::nullable(text_value),
            (now_ms as f64).into(),
        ])?)
}
