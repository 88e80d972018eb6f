//! The trip's facts as they travel from the Worker (which reads them from D1) to the yard's
//! object, and their conversion into `shared`'s requests there (the same validation as
//! anywhere else: a value that does not parse is refused with its code).

use super::{Book, Reschedule};
use serde::{Deserialize, Serialize};
use shared::booking::{
    BookRequest, BookingId, CancelRequest, IdempotencyKey, RescheduleRequest, SlotId, TripFacts,
};
use shared::time::check_instant_ms;
use shared::yard::Arrival;
use shared::{AccountId, Error, GateId, Plate, TripId, TripStatus, YardId};

/// [`TripFacts`] as it travels from the Worker to the object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TripFactsDto {
    pub trip_id: String,
    pub owner: String,
    pub status: TripStatus,
    pub gate: String,
    pub plate: String,
    pub perishable: bool,
    pub declaration: Option<String>,
    /// The plate is verified for another account's vehicle (see `vehicles.rs`).
    #[serde(default)]
    pub plate_verified_elsewhere: bool,
}

impl TripFactsDto {
    pub fn into_facts(self) -> Result<TripFacts, Error> {
        Ok(TripFacts {
            trip_id: TripId::parse(&self.trip_id)?,
            owner: AccountId::parse(&self.owner)?,
            status: self.status,
            gate: GateId::parse(&self.gate)?,
            plate: Plate::parse(&self.plate)?,
            perishable: self.perishable,
            declaration: self.declaration.as_deref().map(str::parse).transpose()?,
            plate_verified_elsewhere: self.plate_verified_elsewhere,
        })
    }
}

pub fn book_request(yard: &YardId, book: Book) -> Result<BookRequest, Error> {
    let Book {
        account,
        role,
        trip,
        slot_start_ms,
        lane,
        key,
    } = book;
    Ok(BookRequest {
        account,
        role,
        trip: trip.into_facts()?,
        slot: SlotId {
            yard: yard.clone(),
            // In range before the ledger sees it: a refusal is remembered with its key, and
            // a start beyond 2^53 does not survive the object's storage (a JS number).
            start_ms: check_instant_ms(slot_start_ms)?,
        },
        lane,
        key: IdempotencyKey::parse(&key)?,
    })
}

pub fn cancel_request(
    account: AccountId,
    booking_id: &str,
    key: &str,
) -> Result<CancelRequest, Error> {
    Ok(CancelRequest {
        account,
        booking_id: BookingId::parse(booking_id)?,
        key: IdempotencyKey::parse(key)?,
    })
}

pub fn reschedule_request(r: Reschedule) -> Result<RescheduleRequest, Error> {
    Ok(RescheduleRequest {
        account: r.account,
        booking_id: BookingId::parse(&r.booking_id)?,
        new_start_ms: check_instant_ms(r.slot_start_ms)?,
        lane: r.lane,
        key: IdempotencyKey::parse(&r.key)?,
    })
}

/// The checked-in trip, as D1 knows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckInTrip {
    pub trip_id: String,
    pub account_id: String,
    pub plate: String,
    pub perishable: bool,
}

impl CheckInTrip {
    pub fn into_arrival(self) -> Result<Arrival, Error> {
        Ok(Arrival {
            trip_id: TripId::parse(&self.trip_id)?,
            account_id: AccountId::parse(&self.account_id)?,
            plate: Plate::parse(&self.plate)?,
            perishable: self.perishable,
        })
    }
}
