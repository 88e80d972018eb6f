//! Vehicle verification: a yard operator or officer who has seen a vehicle's registration
//! papers marks it verified, and its plate then belongs to that account alone.
//!
//! Plates are typed by whoever registers them, so anyone can register a rival's plate. Once a
//! plate is verified for one account (D1's partial unique index allows one), other accounts
//! can no longer register it (`trips.rs`) or book it (the yard's rules see
//! `plate_verified_elsewhere` in the trip's facts), and their active bookings of it are
//! released through each yard's object (the only writer of its bookings), each audited with
//! the reason kept in `booking_releases` for the app to show on the driver's booking.
//!
//! The operator finds the vehicle from a booking in the day's list (each carries its trip), or
//! the officer from a scanned pass (it names the trip): the call names the trip, the plate as
//! written on the papers and the certificate number. The number is kept only as a salted
//! SHA-256 digest; it is never stored, logged, audited or sent back in clear. The verification,
//! its audit entry and its event (`vehicle.verified`) commit in one batch.

use crate::audit;
use crate::auth::password_hash::to_hex;
use crate::auth::{secrets, Principal};
use crate::bookings;
use crate::error::ApiError;
use crate::outbox;
use crate::verified_plates;
use serde::Deserialize;
use serde_json::json;
use shared::event::Event;
use shared::pass::PassId;
use shared::wire::v1::{
    VehicleFoundBy, VehicleVerification, VerifyVehicleRequest, VerifyVehicleResponse,
};
use shared::{AccountId, AuditEvent, Error, ErrorCode, Plate, Responsibility, VehicleId};
use worker::{D1Database, Env};

/// Bytes of the random salt drawn for each verification.
const SALT_BYTES: usize = 16;

/// `POST /api/vehicles/verifications` (yard operators and officers).
pub async fn verify(
    env: &Env,
    db: &D1Database,
    me: &Principal,
    body: VerifyVehicleRequest,
    now_ms: i64,
) -> Result<VerifyVehicleResponse, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        trip_id: String,
        gate_id: String,
        vehicle_id: String,
        account_id: String,
        plate: String,
        plate_key: String,
    }
    let VehicleVerification {
        plate: seen,
        registration: number,
        found_by,
    } = VehicleVerification::try_from(body)?;
    let trip_id = match found_by {
        VehicleFoundBy::Trip(trip) => trip.to_string(),
        VehicleFoundBy::Pass(pass) => trip_of_pass(db, &pass).await?,
    };
    let row = db
        .prepare(
            "SELECT t.id AS trip_id, t.gate_id, v.id AS vehicle_id, v.account_id, v.plate,
               v.plate_key
             FROM trips t JOIN vehicles v ON v.id = t.vehicle_id WHERE t.id = ?1",
        )
        .bind(&[trip_id.as_str().into()])?
        .first::<Row>(None)
        .await?;
    let row = match row {
        Some(row) if in_scope(db, me, &row.gate_id).await? => row,
        // A trip outside the caller's yard or gate is not revealed.
        _ => return Err(ApiError::not_found("no such trip at your yard or gate")),
    };
    let plate = Plate::parse(&row.plate)?;
    if !plate.same_vehicle(&seen) {
        return Err(Error::new(
            ErrorCode::PlateMismatch,
            "the plate on the papers is not the trip's vehicle's",
        )
        .into());
    }
    if verified_plates::verified_elsewhere_key(db, &row.account_id, &row.plate_key).await? {
        return Err(plate_verified_elsewhere());
    }
    let salt = secrets::random_bytes::<SALT_BYTES>()?;
    let digest =
        to_hex(&secrets::sha256(&[&salt[..], number.normalized().as_bytes()].concat()).await?);
    let scope = match &me.responsibility {
        Responsibility::Yard(yard) => json!({ "yard_id": yard.as_str() }),
        Responsibility::Gate(gate) => json!({ "gate_id": gate.as_str() }),
        Responsibility::None => json!({}),
    };
    let verified = Event::VehicleVerified {
        vehicle_id: VehicleId::parse(&row.vehicle_id).map_err(|_| ApiError::internal())?,
        account_id: AccountId::parse(&row.account_id).map_err(|_| ApiError::internal())?,
        by: me.account_id.clone(),
    };
    let batch = vec![
        db.prepare(
            "UPDATE vehicles SET verified_at_ms = ?2, verified_by = ?3, registration_digest = ?4,
               registration_salt = ?5 WHERE id = ?1",
        )
        .bind(&[
            row.vehicle_id.as_str().into(),
            (now_ms as f64).into(),
            me.account_id.as_str().into(),
            digest.into(),
            to_hex(&salt).into(),
        ])?,
        audit::entry(
            db,
            now_ms,
            Some(me.account_id.as_str()),
            AuditEvent::VehicleVerified,
            Some(row.account_id.as_str()),
            json!({
                "vehicle_id": row.vehicle_id,
                "plate": plate.display(),
                "trip_id": row.trip_id,
                "at": scope,
            }),
        )?,
        outbox::record_new(db, verified, now_ms)?,
    ];
    if let Err(e) = db.batch(batch).await {
        // The partial unique index refuses a second account's verification that raced ours.
        if verified_plates::verified_elsewhere_key(db, &row.account_id, &row.plate_key).await? {
            return Err(plate_verified_elsewhere());
        }
        return Err(e.into());
    }
    let released =
        release_plate_elsewhere(env, db, me, &row.plate_key, &row.account_id, now_ms).await;
    Ok(VerifyVehicleResponse {
        vehicle_id: row.vehicle_id,
        plate: plate.display().to_owned(),
        verified_at_ms: now_ms,
        released_bookings: released,
    })
}

fn plate_verified_elsewhere() -> ApiError {
    Error::new(
        ErrorCode::PlateVerifiedElsewhere,
        "this plate is already verified for another account's vehicle",
    )
    .into()
}

/// The trip a pass was issued for.
async fn trip_of_pass(db: &D1Database, pass_id: &PassId) -> Result<String, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        trip_id: String,
    }
    Ok(db
        .prepare("SELECT trip_id FROM passes WHERE id = ?1")
        .bind(&[pass_id.to_hex().into()])?
        .first::<Row>(None)
        .await?
        .ok_or_else(|| ApiError::not_found("no such pass"))?
        .trip_id)
}

/// An officer verifies vehicles whose trip goes through their gate; a yard operator, those
/// whose trip goes through their yard's gate (the trucks that come to the yard, booked or not:
/// a squatted plate may have no booking at all).
async fn in_scope(db: &D1Database, me: &Principal, trip_gate: &str) -> Result<bool, ApiError> {
    match &me.responsibility {
        Responsibility::Gate(gate) => Ok(gate.as_str() == trip_gate),
        Responsibility::Yard(yard) => Ok(crate::gates::yard_with_gate(db, yard)
            .await?
            .is_some_and(|(_, gate)| gate.as_str() == trip_gate)),
        Responsibility::None => Ok(false),
    }
}

/// Releases other accounts' active bookings of the plate, found in D1's copy, each through its
/// yard's object (`CancelByYard`), with the reason recorded for the owner and an audit entry.
/// Returns how many were released. A failure is logged; verifying the vehicle again retries.
async fn release_plate_elsewhere(
    env: &Env,
    db: &D1Database,
    me: &Principal,
    plate_key: &str,
    owner: &str,
    now_ms: i64,
) -> u32 {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        yard_id: String,
        account_id: String,
        trip_id: String,
    }
    let rows = match db
        .prepare(
            "SELECT b.id, b.yard_id, b.account_id, b.trip_id FROM bookings b
             JOIN trips t ON t.id = b.trip_id JOIN vehicles v ON v.id = t.vehicle_id
             WHERE v.plate_key = ?1 AND b.status = 'active' AND b.account_id <> ?2",
        )
        .bind(&[plate_key.into(), owner.into()])
    {
        Ok(statement) => statement.all().await.and_then(|r| r.results::<Row>()),
        Err(e) => Err(e),
    };
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => {
            worker::console_error!("finding bookings of a verified plate failed: {e}");
            return 0;
        }
    };
    let reason = ErrorCode::PlateVerifiedElsewhere.as_str();
    let mut released = 0;
    for row in rows {
        match bookings::release_at_yard(env, db, &row.yard_id, &row.id, now_ms).await {
            Ok(Some(_)) => {}
            Ok(None) => continue,
            Err(e) => {
                worker::console_error!(
                    "releasing booking {} of a verified plate failed: {e:?}",
                    row.id
                );
                continue;
            }
        }
        let recorded = record_release(
            db,
            me,
            &row.id,
            &row.account_id,
            &row.yard_id,
            &row.trip_id,
            reason,
            now_ms,
        )
        .await;
        match recorded {
            Ok(()) => released += 1,
            Err(_) => worker::console_error!("recording the release of booking {} failed", row.id),
        }
    }
    released
}

#[allow(clippy::too_many_arguments)]
async fn record_release(
    db: &D1Database,
    me: &Principal,
    booking_id: &str,
    account_id: &str,
    yard_id: &str,
    trip_id: &str,
    reason: &str,
    now_ms: i64,
) -> Result<(), ApiError> {
    db.batch(vec![
        db.prepare(
            "INSERT OR IGNORE INTO booking_releases
               (booking_id, account_id, yard_id, trip_id, reason, released_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&[
            booking_id.into(),
            account_id.into(),
            yard_id.into(),
            trip_id.into(),
            reason.into(),
            (now_ms as f64).into(),
        ])?,
        audit::entry(
            db,
            now_ms,
            Some(me.account_id.as_str()),
            AuditEvent::PlateBookingReleased,
            Some(account_id),
            json!({
                "booking_id": booking_id,
                "yard_id": yard_id,
                "trip_id": trip_id,
                "reason": reason,
            }),
        )?,
    ])
    .await?;
    Ok(())
}
