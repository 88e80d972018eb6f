//! What the Worker asks a yard's Durable Object about its queue, and how the object answers.
//!
//! The Worker verifies the scanned pass and reads the trip from D1; the object runs the call on
//! its [`shared::queue::Queue`] (and, for a check-in, its booking ledger), stores the changes
//! before answering, pushes the new positions to the connected phones and copies the figures
//! to D1 for the public board.

use serde::{Deserialize, Serialize};
use shared::booking::{Lane, YardConfig};

/// One queue call, with what the object needs to start a ledger it has never seen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueueEnvelope {
    pub gate: String,
    pub defaults: YardConfig,
    /// "Now" for this call (the Worker's clock, or the test clock).
    pub now_ms: i64,
    pub call: QueueCall,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum QueueCall {
    /// A verified pass was scanned. `key` is set for check-ins from an operator's outbox
    /// (`client:seq`), so a replay gets the first answer.
    CheckIn {
        trip: CheckInTrip,
        scanned_at_ms: i64,
        key: Option<String>,
    },
    /// The answer stored for an outbox check-in's key, if any (asked before the pass is
    /// checked again, so a replay gets the first answer even if the pass changed since).
    Replay {
        key: String,
    },
    /// The operator's view of the lanes.
    View,
    Call {
        lane: Lane,
        count: u32,
    },
    Serve {
        entry: String,
    },
    Absent {
        entry: String,
    },
    Move {
        entry: String,
        position: u32,
        reason: String,
    },
    /// Where one trip stands, for its owner.
    Trip {
        trip_id: String,
    },
    /// The account was disabled: its vehicles in the queue are flagged for the operator and
    /// the phones following its trips are disconnected.
    AccountDisabled {
        account_id: String,
        trip_ids: Vec<String>,
    },
}

/// The checked-in trip, as D1 knows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckInTrip {
    pub trip_id: String,
    pub account_id: String,
    pub plate: String,
    pub perishable: bool,
}

/// The header that carries the trip a live connection follows.
pub const TRIP_ID_HEADER: &str = "x-trip-id";
/// The WebSocket subprotocol the app asks for (next to `bearer.<token>`).
pub const LIVE_SUBPROTOCOL: &str = "borderpass";
