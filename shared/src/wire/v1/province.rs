//! The province sync as BorderPass's own API shows it: the admin's sync health, retrying a
//! parked record, and the answer to the province's status callbacks. (What goes to and comes
//! from the province itself is `shared::province`.)

use super::*;
use crate::province::timeline::UpdateId;

/// `GET /api/admin/province-sync`: how the push to the province is going.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvinceSyncHealth {
    /// Whether the edge has the province's address and secrets at all.
    pub configured: bool,
    /// Records waiting to be sent (parked ones and those held behind them included).
    pub pending: u64,
    /// How long the oldest waiting record has waited, in ms (0 when none waits).
    pub lag_ms: i64,
    /// The last time the province acknowledged a batch.
    pub last_success_at_ms: Option<i64>,
    /// Failed attempts in a row (0 after a success).
    pub failures: u32,
    /// The last failure, in words for an admin (`province answered 503`, `timeout`, …).
    pub last_error: Option<String>,
    /// When the pusher will try next, if it is backing off.
    pub next_attempt_at_ms: Option<i64>,
    /// The records the province rejected, oldest first.
    pub parked: Vec<ParkedRecordDto>,
}

/// A record the province refused as invalid: it waits, with its trip's later records behind
/// it, until an admin retries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParkedRecordDto {
    /// The outbox row (`POST /api/admin/province-sync/parked/{id}/retry`).
    pub id: i64,
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The trip whose stream it is in, or
    pub trip_id: Option<String>,
    /// the border resident's (`resident.crossed`).
    pub resident_id: Option<String>,
    pub seq: u32,
    /// The trip's plate, to find it by.
    pub plate: Option<String>,
    pub reason_code: String,
    pub reason: String,
    pub parked_at_ms: i64,
    /// How many of the stream's later records wait behind it.
    pub held_behind: u64,
}

/// `POST /api/admin/province-sync/parked/{id}/retry`: the record is pending again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryParkedResponse {
    pub id: i64,
    pub event_id: String,
}

/// The edge's answer to a status callback (`POST /api/province/status`): one result per update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCallbackAnswer {
    pub results: Vec<StatusUpdateResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdateResult {
    pub update_id: UpdateId,
    /// `accepted`, `duplicate`, or `rejected` (an unknown trip; `reason` says so).
    pub result: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
