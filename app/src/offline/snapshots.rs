//! Last-known copies of server data, shown when the network is gone.
//!
//! All of them live in the `snapshots` store under their own keys (`gates`, `trips/<account>`,
//! `queue/<account>/<trip>`, `board`, `resident/<account>`), so new kinds of copies need no
//! database upgrade.

use super::db;
use serde::{Deserialize, Serialize};
use shared::booking::Booking;
use shared::queue::TripQueueView;
use shared::wire::v1::{
    BoardResponse, BookingReleaseDto, GateDto, ResidentDto, TripRecordDto, VehicleDto,
};

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
    /// Why the edge released some of them (a plate verified for another account).
    #[serde(default)]
    pub releases: Vec<BookingReleaseDto>,
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

/// Where one trip stood in its yard's queue, as last received, kept so the driver still sees
/// it (and an estimate from it) in a dead zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TripQueueSnapshot {
    /// When this phone received it, by the phone's own clock: the offline estimate measures
    /// the time since then with the same clock, so a phone whose clock is off still counts
    /// the minutes right.
    pub received_at_ms: i64,
    pub view: TripQueueView,
}

fn trip_queue_key(account_id: &str, trip_id: &str) -> String {
    format!("queue/{account_id}/{trip_id}")
}

pub async fn save_trip_queue(account_id: &str, snapshot: &TripQueueSnapshot) {
    let key = trip_queue_key(account_id, &snapshot.view.trip_id);
    if let Err(e) = db::put(db::SNAPSHOTS, &key, snapshot).await {
        leptos::logging::warn!("could not save the queue position for offline use: {e}");
    }
}

pub async fn load_trip_queue(account_id: &str, trip_id: &str) -> Option<TripQueueSnapshot> {
    match db::get(db::SNAPSHOTS, &trip_queue_key(account_id, trip_id)).await {
        Ok(snapshot) => snapshot,
        Err(e) => {
            leptos::logging::warn!("could not read the saved queue position: {e}");
            None
        }
    }
}

const BOARD_KEY: &str = "board";

/// The public queue board as last received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardSnapshot {
    pub fetched_at_ms: i64,
    pub board: BoardResponse,
}

pub async fn save_board(snapshot: &BoardSnapshot) {
    if let Err(e) = db::put(db::SNAPSHOTS, BOARD_KEY, snapshot).await {
        leptos::logging::warn!("could not save the queue board for offline use: {e}");
    }
}

pub async fn load_board() -> Option<BoardSnapshot> {
    match db::get(db::SNAPSHOTS, BOARD_KEY).await {
        Ok(snapshot) => snapshot,
        Err(e) => {
            leptos::logging::warn!("could not read the saved queue board: {e}");
            None
        }
    }
}

/// Forgets everything saved for one account (its trips, passes, bookings and queue places),
/// when it signs out of this phone. The gate list and the board are public and stay.
pub async fn clear_account(account_id: &str) -> db::DbResult<()> {
    let trips = trips_key(account_id);
    let queue = format!("queue/{account_id}/");
    let resident = resident_key(account_id);
    db::delete_where(db::SNAPSHOTS, |key| {
        key == trips || key == resident || key.starts_with(&queue)
    })
    .await
}

/// A border resident's own application and pass as last received (`GET /api/residents/me`),
/// so the pass and its figures show in a dead zone. `resident` is `None` when the edge said the
/// account never applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResidentSnapshot {
    /// When this phone received it, by the phone's clock.
    pub fetched_at_ms: i64,
    pub resident: Option<ResidentDto>,
}

fn resident_key(account_id: &str) -> String {
    format!("resident/{account_id}")
}

pub async fn save_resident(account_id: &str, snapshot: &ResidentSnapshot) {
    if let Err(e) = db::put(db::SNAPSHOTS, &resident_key(account_id), snapshot).await {
        leptos::logging::warn!("could not save the resident pass for offline use: {e}");
    }
}

pub async fn load_resident(account_id: &str) -> Option<ResidentSnapshot> {
    match db::get(db::SNAPSHOTS, &resident_key(account_id)).await {
        Ok(snapshot) => snapshot,
        Err(e) => {
            leptos::logging::warn!("could not read the saved resident pass: {e}");
            None
        }
    }
}
