//! The append-only audit log (D1 table `audit_log`; triggers refuse updates and deletes).

use crate::error::ApiError;
use crate::sql::nullable;
use serde::Deserialize;
use shared::wire::v1::{AuditEntryDto, AuditLogResponse};
use shared::{AccountId, AuditEvent};
use worker::{D1Database, D1PreparedStatement};

/// How many entries the admin screen reads at once.
const PAGE: u32 = 200;

/// The statement that appends one entry, to run alone or inside a batch with the change it
/// records (so that the change and its audit entry commit together).
pub fn entry(
    db: &D1Database,
    at_ms: i64,
    actor: Option<&str>,
    event: AuditEvent,
    subject: Option<&str>,
    detail: serde_json::Value,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(db
        .prepare(
            "INSERT INTO audit_log (at_ms, actor_id, event, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&[
            (at_ms as f64).into(),
            nullable(actor),
            event.as_str().into(),
            nullable(subject),
            detail.to_string().into(),
        ])?)
}

/// Like [`entry`], but written only if the statement just before it in the batch changed a
/// row (SQLite's `changes()`): the audit entry of a guarded update that may find nothing to do.
pub fn entry_if_changed(
    db: &D1Database,
    at_ms: i64,
    actor: Option<&str>,
    event: AuditEvent,
    subject: Option<&str>,
    detail: serde_json::Value,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(db
        .prepare(
            "INSERT INTO audit_log (at_ms, actor_id, event, subject, detail)
             SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() > 0",
        )
        .bind(&[
            (at_ms as f64).into(),
            nullable(actor),
            event.as_str().into(),
            nullable(subject),
            detail.to_string().into(),
        ])?)
}

/// Like [`entry`], but written only if the account `subject` exists when the statement runs:
/// for batches that create the account in an earlier statement that may do nothing.
pub fn entry_if_account_exists(
    db: &D1Database,
    at_ms: i64,
    actor: Option<&str>,
    event: AuditEvent,
    subject: &AccountId,
    detail: serde_json::Value,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(db
        .prepare(
            "INSERT INTO audit_log (at_ms, actor_id, event, subject, detail)
             SELECT ?1, ?2, ?3, id, ?5 FROM accounts WHERE id = ?4",
        )
        .bind(&[
            (at_ms as f64).into(),
            nullable(actor),
            event.as_str().into(),
            subject.as_str().into(),
            detail.to_string().into(),
        ])?)
}

pub async fn record(
    db: &D1Database,
    at_ms: i64,
    actor: Option<&str>,
    event: AuditEvent,
    subject: Option<&str>,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    entry(db, at_ms, actor, event, subject, detail)?
        .run()
        .await?;
    Ok(())
}

pub async fn latest(db: &D1Database) -> Result<AuditLogResponse, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: f64,
        at_ms: f64,
        actor_id: Option<String>,
        event: String,
        subject: Option<String>,
        detail: String,
    }
    let rows = db
        .prepare("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?1")
        .bind(&[PAGE.into()])?
        .all()
        .await?
        .results::<Row>()?;
    Ok(AuditLogResponse {
        entries: rows
            .into_iter()
            .map(|r| AuditEntryDto {
                id: r.id as i64,
                at_ms: r.at_ms as i64,
                actor_id: r.actor_id,
                event: r.event,
                subject: r.subject,
                detail: r.detail,
            })
            .collect(),
    })
}
