//! Last-known copies of server data, shown when the network is gone.

use super::db;
use serde::{Deserialize, Serialize};
use shared::booking::Booking;
use shared::wire::v1::{GateDto, TripRecordDto, VehicleDto};

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

/// The account's vehicles and trips as last received from the edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TripsSnapshot {
    pub fetched_at_ms: i64,
    pub vehicles: Vec<VehicleDto>,
    pub trips: Vec<TripRecordDto>,
    /// My slot bookings at every yard (an older copy may not have them).
    #[serde(default)]
    pub bookings: Vec<Booking>,
}

fn trips_key(account_id: &str) -> String {
    format!("trips/{account_id}")
}

pub async fn save_trips(account_id: &str, snapshot: &TripsSnapshot) {
    if let Err(e) = db::put(db::SNAPSHOTS, &trips_key(account_id), snapshot).await {
        leptos::logging::warn!("could not save the trips for offline use: {e}");
    }
}

pub async fn load_trips(account_id: &str) -> Option<TripsSnapshot> {
    match db::get(db::SNAPSHOTS, &trips_key(account_id)).await {
        Ok(snapshot) => snapshot,
        Err(e) => {
            leptos::logging::warn!("could not read the saved trips: {e}");
            None
        }
    }
}
