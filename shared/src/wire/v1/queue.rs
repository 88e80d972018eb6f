//! The yard queue: check-ins, calls, moves and the public board.

use super::*;

/// `POST /api/yards/{id}/queue/check-ins`: the operator scanned a pass. `scanned_at_ms`
/// defaults to now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    pub pass: String,
    #[serde(default)]
    pub scanned_at_ms: Option<i64>,
}

/// The outbox payload of [`OpKind::CheckIn`]: a check-in scanned offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInPayload {
    pub yard_id: String,
    pub pass: String,
    pub scanned_at_ms: i64,
}

/// The answer to a check-in: the vehicle's entry and its place in its lane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckInResponse {
    pub entry: crate::queue::Entry,
    pub position: Option<u32>,
}

/// `POST /api/yards/{id}/queue/call`: call the next `count` vehicles of a lane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallRequest {
    pub lane: crate::booking::Lane,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallResponse {
    pub called: Vec<crate::queue::Entry>,
}

/// `POST /api/yards/{id}/queue/entries/{entry}/move`: a new place, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    pub position: u32,
    pub reason: String,
}

/// `GET /api/board`: every yard's queue figures, for anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardResponse {
    pub as_of_ms: i64,
    pub yards: Vec<BoardYardDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardYardDto {
    pub yard_id: String,
    pub gate_id: String,
    /// `None` for a yard whose queue has never been used.
    pub stats: Option<crate::queue::QueueStats>,
}
