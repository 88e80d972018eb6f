//! The yard's Durable Object: the single writer of one yard's slots, bookings and queue.
//!
//! A thin wrapper: it decodes a [`YardCall`], runs it against its SQLite storage and answers.
//! Here it keeps its schema version and answers status calls, counting them in storage.

use crate::http::ApiError;
use crate::yard_call::YardCall;
use serde::Deserialize;
use shared::wire::v1::YardStatusResponse;
use shared::YardId;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, State};

const SCHEMA_VERSION: u32 = 1;

#[durable_object]
pub struct YardDo {
    state: State,
}

impl DurableObject for YardDo {
    fn new(state: State, _env: Env) -> Self {
        YardDo { state }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let Some((call, yard)) = YardCall::from_request(&req) else {
            return Ok(ApiError::not_found("unknown yard call").into_response());
        };
        let sql = self.state.storage().sql();
        migrate(&sql)?;
        match call {
            YardCall::Status => Response::from_json(&status(&sql, &yard)?),
        }
    }
}

fn migrate(sql: &SqlStorage) -> Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)",
        None,
    )?;
    sql.exec(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        vec![i64::from(SCHEMA_VERSION).into()],
    )?;
    Ok(())
}

fn status(sql: &SqlStorage, yard: &YardId) -> Result<YardStatusResponse> {
    #[derive(Deserialize)]
    struct Value {
        value: i64,
    }
    let now = worker::Date::now().as_millis() as i64;
    sql.exec(
        "INSERT INTO meta (key, value) VALUES ('first_seen_at_ms', ?1) ON CONFLICT(key) DO NOTHING",
        vec![now.into()],
    )?;
    let calls = sql
        .exec(
            "INSERT INTO meta (key, value) VALUES ('status_calls', 1)
             ON CONFLICT(key) DO UPDATE SET value = value + 1 RETURNING value",
            None,
        )?
        .one::<Value>()?;
    let first_seen = sql
        .exec(
            "SELECT value FROM meta WHERE key = 'first_seen_at_ms'",
            None,
        )?
        .one::<Value>()?;
    Ok(YardStatusResponse {
        yard_id: yard.to_string(),
        schema_version: SCHEMA_VERSION,
        first_seen_at_ms: first_seen.value,
        status_calls: calls.value as u64,
    })
}
