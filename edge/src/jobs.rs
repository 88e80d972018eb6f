//! Work run by the cron trigger (every minute).
//!
//! The job records that it ran (shown by `/api/health`, so operators can see the scheduler is
//! alive), then runs the province sync: the push of the outbox's trip records (also run soon
//! after each write, see `lib.rs`), then the pull of the province's status updates.

use crate::error::ApiError;
use crate::province::{pusher, status};
use serde::{Deserialize, Serialize};
use worker::{D1Database, Env};

/// What one run of the province sync did (logged; answered by the test hook).
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceJobReport {
    pub push: pusher::PushReport,
    pub pull: status::PullReport,
}

/// The province sync's part of the job, at `now_ms`.
pub async fn province(
    env: &Env,
    db: &D1Database,
    now_ms: i64,
) -> Result<ProvinceJobReport, ApiError> {
    let push = pusher::push(env, db, now_ms).await?;
    // The province asked for a pause (Retry-After) or is failing: the pull waits too, so
    // nothing reaches it before it said it may.
    let pull = if push.outcome == "not_due" || push.failure.is_some() {
        status::PullReport {
            skipped: true,
            ..Default::default()
        }
    } else {
        status::pull(env, db, now_ms).await?
    };
    Ok(ProvinceJobReport { push, pull })
}

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
    match province(env, &db, now_ms).await {
        Ok(report) => {
            if report.push.failure.is_some() || report.pull.failure.is_some() {
                worker::console_warn!(
                    "province sync: push {:?}, pull {:?}",
                    report.push.failure,
                    report.pull.failure
                );
            }
        }
        Err(e) => worker::console_error!("province sync failed: {e:?}"),
    }
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
