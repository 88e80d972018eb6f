//! What the Worker asks a yard's Durable Object about bookings, and how the object answers.
//!
//! The Worker does everything that needs D1 (who the caller is, the trip's facts, the yard's
//! gate and directory defaults) and sends one [`BookingEnvelope`]; the object runs it against
//! its [`Ledger`] (the only writer of the yard's bookings), writes the ledger's changes to its
//! SQLite storage before answering, and keeps D1's copy for lists.

use serde::{Deserialize, Serialize};
use shared::booking::{
    BookRequest, BookingId, CancelRequest, IdempotencyKey, Lane, LocalDate, RescheduleRequest,
    SlotId, TripFacts, YardConfig,
};
use shared::time::check_instant_ms;
use shared::{AccountId, Error, GateId, Plate, Role, TripId, TripStatus, YardId};

/// One booking call, with what the object needs to start a ledger it has never seen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BookingEnvelope {
    pub gate: String,
    /// The yard's settings from the directory, used until an operator saves its own.
    pub defaults: YardConfig,
    /// "Now" for this call (the Worker's clock, or the test clock).
    pub now_ms: i64,
    pub call: BookingCall,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum BookingCall {
    Availability {
        date: String,
    },
    Book {
        account: String,
        role: Role,
        trip: TripFactsDto,
        slot_start_ms: i64,
        lane: Option<Lane>,
        key: String,
    },
    Cancel {
        account: String,
        booking_id: String,
        key: String,
    },
    Reschedule {
        account: String,
        booking_id: String,
        slot_start_ms: i64,
        lane: Option<Lane>,
        key: String,
    },
    /// The yard releases a booking (its trip was cancelled).
    CancelByYard {
        booking_id: String,
    },
    /// A local day's bookings, for the yard's operator.
    Bookings {
        date: String,
    },
    GetConfig,
    PutConfig {
        config: YardConfig,
    },
}

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

pub fn parse_date(date: &str) -> Result<LocalDate, Error> {
    LocalDate::parse(date)
}

pub fn book_request(
    yard: &YardId,
    account: &str,
    role: Role,
    trip: TripFactsDto,
    slot_start_ms: i64,
    lane: Option<Lane>,
    key: &str,
) -> Result<BookRequest, Error> {
    Ok(BookRequest {
        account: AccountId::parse(account)?,
        role,
        trip: trip.into_facts()?,
        slot: SlotId {
            yard: yard.clone(),
            // In range before the ledger sees it: a refusal is remembered with its key, and
            // a start beyond 2^53 does not survive the object's storage (a JS number).
            start_ms: check_instant_ms(slot_start_ms)?,
        },
        lane,
        key: IdempotencyKey::parse(key)?,
    })
}

pub fn cancel_request(account: &str, booking_id: &str, key: &str) -> Result<CancelRequest, Error> {
    Ok(CancelRequest {
        account: AccountId::parse(account)?,
        booking_id: BookingId::parse(booking_id)?,
        key: IdempotencyKey::parse(key)?,
    })
}

pub fn reschedule_request(
    account: &str,
    booking_id: &str,
    slot_start_ms: i64,
    lane: Option<Lane>,
    key: &str,
) -> Result<RescheduleRequest, Error> {
    Ok(RescheduleRequest {
        account: AccountId::parse(account)?,
        booking_id: BookingId::parse(booking_id)?,
        new_start_ms: check_instant_ms(slot_start_ms)?,
        lane,
        key: IdempotencyKey::parse(key)?,
    })
}
