//! What vehicle verification established, read from D1 (`vehicles.rs` writes it): whether a
//! plate is verified for another account, which trips' vehicles are verified, and the bookings
//! released because of it. Reads only, so trips, bookings and the verification handler can all
//! use them without importing each other.

use crate::error::ApiError;
use serde::Deserialize;
use serde_json::json;
use shared::wire::v1::BookingReleaseDto;
use shared::{AccountId, ErrorCode, Plate};
use worker::D1Database;

/// Whether `plate` is verified for a vehicle of another account than `account`.
pub async fn verified_elsewhere(
    db: &D1Database,
    account: &AccountId,
    plate: &Plate,
) -> Result<bool, ApiError> {
    verified_elsewhere_key(db, account.as_str(), plate.normalized()).await
}

pub(crate) async fn verified_elsewhere_key(
    db: &D1Database,
    account: &str,
    plate_key: &str,
) -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        #[allow(dead_code)]
        id: String,
    }
    Ok(db
        .prepare(
            "SELECT id FROM vehicles
             WHERE plate_key = ?1 AND verified_at_ms IS NOT NULL AND account_id <> ?2 LIMIT 1",
        )
        .bind(&[plate_key.into(), account.into()])?
        .first::<Row>(None)
        .await?
        .is_some())
}

/// Of `trip_ids`, those whose vehicle is verified (the badge on the operator's day list).
pub async fn verified_trips(db: &D1Database, trip_ids: &[String]) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    if trip_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(trip_ids).map_err(|_| ApiError::internal())?;
    let rows = db
        .prepare(
            "SELECT t.id FROM trips t JOIN vehicles v ON v.id = t.vehicle_id
             WHERE v.verified_at_ms IS NOT NULL AND t.id IN (SELECT value FROM json_each(?1))",
        )
        .bind(&[ids.into()])?
        .all()
        .await?
        .results::<Row>()?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Why the edge released some of an account's bookings ("my bookings" carries them).
pub async fn releases_of(
    db: &D1Database,
    account: &AccountId,
) -> Result<Vec<BookingReleaseDto>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        booking_id: String,
        reason: String,
        released_at_ms: f64,
    }
    let rows = db
        .prepare(
            "SELECT booking_id, reason, released_at_ms FROM booking_releases
             WHERE account_id = ?1 ORDER BY released_at_ms DESC LIMIT 200",
        )
        .bind(&[account.as_str().into()])?
        .all()
        .await?
        .results::<Row>()?;
    Ok(rows
        .into_iter()
        .map(|r| BookingReleaseDto {
            booking_id: r.booking_id,
            reason: serde_json::from_value(json!(r.reason)).unwrap_or(ErrorCode::Unknown),
            released_at_ms: r.released_at_ms as i64,
        })
        .collect())
}
