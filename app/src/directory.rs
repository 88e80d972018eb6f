//! The gate directory for screens other than home: fresh from the edge when possible (saving
//! a copy), otherwise the copy saved on the phone.

use crate::api;
use crate::offline::snapshots::{self, GatesSnapshot};
use shared::Gate;

pub async fn load_gates() -> Vec<Gate> {
    let snapshot = match api::gates().await {
        Ok(response) => {
            let snapshot = GatesSnapshot {
                fetched_at_ms: js_sys::Date::now() as i64,
                gates: response.gates,
            };
            snapshots::save_gates(&snapshot).await;
            Some(snapshot)
        }
        Err(_) => snapshots::load_gates().await,
    };
    snapshot
        .map(|s| {
            s.gates
                .into_iter()
                .filter_map(|g| Gate::try_from(g).ok())
                .collect()
        })
        .unwrap_or_default()
}
