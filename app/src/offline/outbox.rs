//! The outbox on the phone: every write the app makes, kept in IndexedDB until the edge has
//! answered for it (see `shared::sync` for the protocol and [`crate::sync`] for sending).
//!
//! One outbox per account on the phone, each with its own client id and sequence numbers. A
//! write and the next sequence number are stored in one transaction, so a crash never leaves
//! two writes with the same number or a number without its write.

use super::db;
use serde::{Deserialize, Serialize};
use shared::wire::v1::{OpKind, SyncOp};
use shared::ErrorCode;

/// One record of the outbox store. Values of all kinds share the store; keys keep them apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Meta(Meta),
    Pending(PendingWrite),
    Rejected(RejectedWrite),
}

/// An account's outbox on this phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub account_id: String,
    pub client_id: String,
    pub next_seq: u64,
    pub last_sync_at_ms: Option<i64>,
}

/// A write not yet answered for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingWrite {
    pub account_id: String,
    pub seq: u64,
    pub kind: OpKind,
    pub payload: serde_json::Value,
    pub queued_at_ms: i64,
}

impl PendingWrite {
    /// The write as `POST /api/sync` sends it: the payload exactly as it was queued, so a
    /// resend is the same write to the edge (same digest).
    pub fn to_sync_op(&self) -> SyncOp {
        SyncOp {
            seq: self.seq,
            kind: self.kind.as_str().to_owned(),
            payload: self.payload.clone(),
        }
    }
}

/// A write the edge refused, kept to show the user why until they dismiss it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedWrite {
    pub account_id: String,
    pub seq: u64,
    pub kind: OpKind,
    pub payload: serde_json::Value,
    pub code: ErrorCode,
    pub message: String,
    pub at_ms: i64,
}

fn meta_key(account_id: &str) -> String {
    format!("meta/{account_id}")
}

fn pending_key(account_id: &str, seq: u64) -> String {
    format!("op/{account_id}/{seq:012}")
}

fn rejected_key(account_id: &str, seq: u64) -> String {
    format!("rejected/{account_id}/{seq:012}")
}

/// Everything in the outbox store for one account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contents {
    pub meta: Option<Meta>,
    /// In `seq` order.
    pub pending: Vec<PendingWrite>,
    pub rejected: Vec<RejectedWrite>,
}

pub async fn contents(account_id: &str) -> db::DbResult<Contents> {
    let mut contents = Contents::default();
    for record in db::get_all::<Record>(db::OUTBOX).await? {
        match record {
            Record::Meta(m) if m.account_id == account_id => contents.meta = Some(m),
            Record::Pending(p) if p.account_id == account_id => contents.pending.push(p),
            Record::Rejected(r) if r.account_id == account_id => contents.rejected.push(r),
            _ => {}
        }
    }
    contents.pending.sort_by_key(|p| p.seq);
    contents.rejected.sort_by_key(|r| r.seq);
    Ok(contents)
}

/// Queues a write with the account's next sequence number, creating the outbox (and drawing
/// its client id) on first use. Returns the write's `seq`.
pub async fn enqueue(
    account_id: &str,
    kind: OpKind,
    payload: serde_json::Value,
    now_ms: i64,
) -> db::DbResult<u64> {
    let mut meta = match db::get::<Record>(db::OUTBOX, &meta_key(account_id)).await? {
        Some(Record::Meta(meta)) => meta,
        _ => Meta {
            account_id: account_id.to_owned(),
            client_id: new_client_id()?,
            next_seq: 1,
            last_sync_at_ms: None,
        },
    };
    let seq = meta.next_seq;
    meta.next_seq += 1;
    let write = PendingWrite {
        account_id: account_id.to_owned(),
        seq,
        kind,
        payload,
        queued_at_ms: now_ms,
    };
    db::write_all(
        db::OUTBOX,
        &[
            (meta_key(account_id), Record::Meta(meta)),
            (pending_key(account_id, seq), Record::Pending(write)),
        ],
        &[],
    )
    .await?;
    Ok(seq)
}

/// Records the edge's answers: final ones leave the queue (refused ones are kept to show),
/// and the time of this sync is noted.
pub async fn settle(
    account_id: &str,
    applied: &[u64],
    rejected: Vec<RejectedWrite>,
    now_ms: i64,
) -> db::DbResult<()> {
    let mut puts = Vec::new();
    if let Some(Record::Meta(mut meta)) =
        db::get::<Record>(db::OUTBOX, &meta_key(account_id)).await?
    {
        meta.last_sync_at_ms = Some(now_ms);
        puts.push((meta_key(account_id), Record::Meta(meta)));
    }
    let mut deletes: Vec<String> = applied
        .iter()
        .map(|s| pending_key(account_id, *s))
        .collect();
    for r in rejected {
        deletes.push(pending_key(account_id, r.seq));
        puts.push((rejected_key(account_id, r.seq), Record::Rejected(r)));
    }
    db::write_all(db::OUTBOX, &puts, &deletes).await
}

/// The user has read why a write was refused.
pub async fn dismiss_rejected(account_id: &str, seq: u64) -> db::DbResult<()> {
    db::delete(db::OUTBOX, &rejected_key(account_id, seq)).await
}

/// Forgets the account's outbox on this phone: its waiting and refused writes and its client
/// id (a later sign-in starts a new one). Called when it signs out of this phone.
pub async fn clear_account(account_id: &str) -> db::DbResult<()> {
    let meta = meta_key(account_id);
    let ops = format!("op/{account_id}/");
    let rejected = format!("rejected/{account_id}/");
    db::delete_where(db::OUTBOX, |key| {
        key == meta || key.starts_with(&ops) || key.starts_with(&rejected)
    })
    .await
}

/// A random client id: "c" and 24 characters of base32 (120 bits) from the browser's CSPRNG.
fn new_client_id() -> db::DbResult<String> {
    Ok(format!("c{}", random_base32(24)?))
}

/// A random id for a new vehicle or trip, drawn on the phone: `v-` or `t-` and 12 characters
/// of base32 (60 bits), so writes can refer to it before it reaches the edge.
pub fn new_record_id(prefix: char) -> db::DbResult<String> {
    Ok(format!("{prefix}-{}", random_base32(12)?))
}

fn random_base32(chars: usize) -> db::DbResult<String> {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = vec![0u8; chars];
    web_sys::window()
        .ok_or("no window")?
        .crypto()
        .map_err(|_| "no crypto")?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|_| "no random values")?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b % 32)] as char)
        .collect())
}
