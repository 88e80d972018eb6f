//! Yard slot bookings: booking, moving and listing them, a yard's day of slots, its settings.
//!
//! A booking, a day's slots and a yard's settings travel as the booking core's own types
//! ([`Booking`], [`AvailabilityResponse`], [`YardSettings`]): the app runs the same core on them
//! for its instant answers, so their serde form *is* the wire shape. They are named here so that
//! this module is the one place that says what each booking route sends and answers; the tests
//! pin those shapes, so a change in the core that would change the wire fails here.

use super::*;
/// The answer to booking, cancelling and rescheduling: the booking as it stands.
pub use crate::booking::Booking;
use crate::booking::{DayAvailability, Lane, YardConfig};
use crate::time::check_instant_ms;

/// `POST /api/yards/{id}/bookings` (with an `Idempotency-Key` header): which trip, which
/// slot, and optionally which lane (`None`: the trip's cargo decides).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookSlotRequest {
    pub trip_id: String,
    pub slot_start_ms: i64,
    #[serde(default)]
    pub lane: Option<Lane>,
}

/// `POST /api/yards/{id}/bookings/{booking}/reschedule` (with an `Idempotency-Key` header):
/// the new slot of the same yard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescheduleBookingRequest {
    pub slot_start_ms: i64,
    #[serde(default)]
    pub lane: Option<Lane>,
}

/// A slot a caller asks for, checked: its start is an instant BorderPass accepts, so it is
/// bounded before any arithmetic on it (at the edge, in the yard's object and in the pass).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotChoice {
    pub start_ms: i64,
    pub lane: Option<Lane>,
}

impl SlotChoice {
    pub fn new(start_ms: i64, lane: Option<Lane>) -> Result<Self, Error> {
        Ok(SlotChoice {
            start_ms: check_instant_ms(start_ms)?,
            lane,
        })
    }
}

/// A booking request, checked. The trip id stays as sent: the edge looks it up, and an
/// unknown trip (however it is spelled) is `not_found`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBooking {
    pub trip_id: String,
    pub slot: SlotChoice,
}

impl TryFrom<BookSlotRequest> for NewBooking {
    type Error = Error;

    fn try_from(req: BookSlotRequest) -> Result<Self, Error> {
        Ok(NewBooking {
            slot: SlotChoice::new(req.slot_start_ms, req.lane)?,
            trip_id: req.trip_id,
        })
    }
}

impl TryFrom<RescheduleBookingRequest> for SlotChoice {
    type Error = Error;

    fn try_from(req: RescheduleBookingRequest) -> Result<Self, Error> {
        SlotChoice::new(req.slot_start_ms, req.lane)
    }
}

/// `GET /api/bookings`: my bookings at every yard (newest slot first), and why the edge
/// released any of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyBookingsResponse {
    pub bookings: Vec<Booking>,
    #[serde(default)]
    pub releases: Vec<BookingReleaseDto>,
}

/// `GET /api/yards/{id}/bookings?date=`: a yard's bookings on a local day, for its operator,
/// with the trips among them whose vehicle is verified (the badge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayBookingsResponse {
    pub bookings: Vec<Booking>,
    #[serde(default)]
    pub verified_trips: Vec<String>,
    /// The trips among them whose record the province's platform has acknowledged.
    #[serde(default)]
    pub province_received_trips: Vec<String>,
}

/// A booking of mine that the edge released (in `GET /api/bookings`): why, for the app to
/// say on the booking. `reason` is an error code (`plate_verified_elsewhere`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingReleaseDto {
    pub booking_id: String,
    pub reason: ErrorCode,
    pub released_at_ms: i64,
}

/// `GET /api/yards/{id}/availability?date=`: a local day's slots at the yard, with the
/// places booked and left per lane (the core's [`DayAvailability`]).
pub type AvailabilityResponse = DayAvailability;

/// `GET` and `PUT /api/yards/{id}/config`: a yard's booking settings, as its operator edits
/// them (the core's [`YardConfig`]; the edge runs [`YardConfig::validate`] on a `PUT`).
pub type YardSettings = YardConfig;
