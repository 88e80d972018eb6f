//! Work run by the cron trigger.
//!
//! Today the job records that it ran (shown by `/api/health`, so operators can see the
//! scheduler is alive); the province sync pushes its outbox batches from here.

use crate::error::ApiError;
use serde::Deserialize;
use worker::{D1Database, Env};

const LAST_CRON_KEY: &str = "last_cron_at_ms";

pub async fn run(env: &Env, cron: &str, now_ms: i64) -> worker::Result<()> {
    let db = env.d1(crate::bindings::DB_BINDING)?;
    db.prepare(
        "INSERT INTO system_state (key, int_value, text_value, updated_at_ms) VALUES (?1, ?2, ?3, ?2)
         ON CONFLICT(key) DO UPDATE SET int_value = excluded.int_value,
           text_value = excluded.text_value, updated_at_ms = excluded.updated_at_ms",
    )
    .bind(&[LAST_CRON_KEY.into(), (now_ms as f64).into(), cron.into()])?
    .run()
    .await?;
    Ok(())
}

/// When the scheduled job last ran, if it ever did.
pub async fn last_run_ms(db: &D1Database) -> Result<Option<i64>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        int_value: f64,
    }
    let row = db
        .prepare("SELECT int_value FROM system_state WHERE key = ?1")
        .bind(&[LAST_CRON_KEY.into()])?
        .first::<Row>(None)
        .await?;
    Ok(row.map(|r| r.int_value as i64))
}
