//! Last-known copies of server data, shown when the network is gone.

use super::db;
use serde::{Deserialize, Serialize};
use shared::wire::v1::GateDto;

const GATES_KEY: &str = "gates";

/// The gate list as last received, with when it was received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GatesSnapshot {
    pub fetched_at_ms: i64,
    pub gates: Vec<GateDto>,
}

pub async fn save_gates(snapshot: &GatesSnapshot) {
    if let Err(e) = db::put(db::SNAPSHOTS, GATES_KEY, snapshot).await {
        leptos::logging::warn!("could not save the gate list for offline use: {e}");
    }
}

pub async fn load_gates() -> Option<GatesSnapshot> {
    match db::get(db::SNAPSHOTS, GATES_KEY).await {
        Ok(snapshot) => snapshot,
        Err(e) => {
            leptos::logging::warn!("could not read the saved gate list: {e}");
            None
        }
    }
}
