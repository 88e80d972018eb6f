//! Why a booking operation was refused.
//!
//! Every refusal becomes a [`crate::Error`] (one error type per layer) with its own
//! [`ErrorCode`] (a few share an existing one: `invalid_trip_state`, `forbidden`,
//! `not_found`); the precise wire string also leads the error's detail (`"slot_full: ..."`),
//! and [`BookingRefusal::of`] reads it back.

use crate::{Error, ErrorCode};
use std::fmt;

/// The precise reason for a refusal. [`BookingRefusal::code`] is its stable wire string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingRefusal {
    /// The trip is not accepted (draft, submitted, completed or cancelled).
    TripNotAccepted,
    /// The trip carries no customs declaration number.
    DeclarationMissing,
    /// The trip goes through another gate than this yard's.
    TripWrongGate,
    /// The trip belongs to another account.
    NotTripOwner,
    /// No such yard or booking, or the booking is someone else's (not revealed).
    NotFound,
    /// The vehicle (or the trip) already has an active booking at this yard on that day. The
    /// detail names the other booking only when it is the caller's own.
    VehicleAlreadyBooked,
    /// Perishable places are for perishable cargo only.
    PerishableOnly,
    /// The account holds as many active bookings as its role allows.
    BookingCapReached,
    /// Booking is paused for this account after repeated no-shows.
    BookingPaused,
    /// The vehicle presented is not the one the booking is bound to.
    PlateMismatch,
    /// The slot has already started (or passed).
    SlotInPast,
    /// No slot starts at that time: outside opening hours or off the slot grid.
    SlotOutsideHours,
    /// The slot is further ahead than the yard takes bookings.
    SlotTooFarAhead,
    /// The yard is closed then.
    YardClosed,
    /// No place left in the slot for this cargo.
    SlotFull,
    /// The change would leave booked vehicles without a place.
    CapacityBelowBooked,
    /// The booking is no longer active (cancelled, no-show, checked in, or past its grace).
    BookingNotActive,
    /// The idempotency key was already used for a different request.
    IdempotencyKeyReused,
    /// The yard's booking settings are invalid.
    InvalidConfig,
    /// The plate is verified for another account's vehicle: only that account books it.
    PlateVerifiedElsewhere,
    /// The trip already has a booking that is active or checked in (at this yard or another).
    TripAlreadyBooked,
}

impl BookingRefusal {
    pub const ALL: [BookingRefusal; 21] = [
        BookingRefusal::TripNotAccepted,
        BookingRefusal::DeclarationMissing,
        BookingRefusal::TripWrongGate,
        BookingRefusal::NotTripOwner,
        BookingRefusal::NotFound,
        BookingRefusal::VehicleAlreadyBooked,
        BookingRefusal::PerishableOnly,
        BookingRefusal::BookingCapReached,
        BookingRefusal::BookingPaused,
        BookingRefusal::PlateMismatch,
        BookingRefusal::SlotInPast,
        BookingRefusal::SlotOutsideHours,
        BookingRefusal::SlotTooFarAhead,
        BookingRefusal::YardClosed,
        BookingRefusal::SlotFull,
        BookingRefusal::CapacityBelowBooked,
        BookingRefusal::BookingNotActive,
        BookingRefusal::IdempotencyKeyReused,
        BookingRefusal::InvalidConfig,
        BookingRefusal::PlateVerifiedElsewhere,
        BookingRefusal::TripAlreadyBooked,
    ];

    /// The stable wire string. For the three reasons that have an exact [`ErrorCode`] already,
    /// it is that code's string.
    pub fn code(self) -> &'static str {
        use BookingRefusal::*;
        match self {
            TripNotAccepted => "invalid_trip_state",
            DeclarationMissing => "declaration_missing",
            TripWrongGate => "trip_wrong_gate",
            NotTripOwner => "forbidden",
            NotFound => "not_found",
            VehicleAlreadyBooked => "vehicle_already_booked",
            PerishableOnly => "perishable_only",
            BookingCapReached => "booking_cap_reached",
            BookingPaused => "booking_paused",
            PlateMismatch => "plate_mismatch",
            SlotInPast => "slot_in_past",
            SlotOutsideHours => "slot_outside_hours",
            SlotTooFarAhead => "slot_too_far_ahead",
            YardClosed => "yard_closed",
            SlotFull => "slot_full",
            CapacityBelowBooked => "capacity_below_booked",
            BookingNotActive => "booking_not_active",
            IdempotencyKeyReused => "idempotency_key_reused",
            InvalidConfig => "invalid_booking_config",
            PlateVerifiedElsewhere => "plate_verified_elsewhere",
            TripAlreadyBooked => "trip_already_booked",
        }
    }

    /// The [`ErrorCode`] the refusal travels under today. Stand-ins are chosen so the edge
    /// answers with a sensible status (409 for conflicts, 403 for "not you", 400 for input).
    pub fn error_code(self) -> ErrorCode {
        use BookingRefusal::*;
        match self {
            TripNotAccepted => ErrorCode::InvalidTripState,
            NotTripOwner => ErrorCode::Forbidden,
            NotFound => ErrorCode::NotFound,
            DeclarationMissing => ErrorCode::DeclarationMissing,
            TripWrongGate => ErrorCode::TripWrongGate,
            VehicleAlreadyBooked => ErrorCode::VehicleAlreadyBooked,
            PerishableOnly => ErrorCode::PerishableOnly,
            BookingCapReached => ErrorCode::BookingCapReached,
            BookingPaused => ErrorCode::BookingPaused,
            PlateMismatch => ErrorCode::PlateMismatch,
            SlotInPast => ErrorCode::SlotInPast,
            SlotOutsideHours => ErrorCode::SlotOutsideHours,
            SlotTooFarAhead => ErrorCode::SlotTooFarAhead,
            YardClosed => ErrorCode::YardClosed,
            SlotFull => ErrorCode::SlotFull,
            CapacityBelowBooked => ErrorCode::CapacityBelowBooked,
            BookingNotActive => ErrorCode::BookingNotActive,
            IdempotencyKeyReused => ErrorCode::IdempotencyKeyReused,
            InvalidConfig => ErrorCode::InvalidBookingConfig,
            PlateVerifiedElsewhere => ErrorCode::PlateVerifiedElsewhere,
            TripAlreadyBooked => ErrorCode::TripAlreadyBooked,
        }
    }

    /// Whether [`BookingRefusal::error_code`] is a stand-in that a new `ErrorCode` replaces.
    pub fn is_placeholder(self) -> bool {
        self.code() != self.error_code().as_str()
    }

    /// A default English explanation (users see the translation of the code).
    pub fn message(self) -> &'static str {
        use BookingRefusal::*;
        match self {
            TripNotAccepted => "the trip must be accepted before it can be booked",
            DeclarationMissing => "the trip needs a customs declaration number to be booked",
            TripWrongGate => "the trip goes through another gate than this yard's",
            NotTripOwner => "the trip belongs to another account",
            NotFound => "no such booking",
            VehicleAlreadyBooked => "the vehicle already has a booking at this yard that day",
            PerishableOnly => "perishable places are for perishable cargo only",
            BookingCapReached => "the account holds as many active bookings as it may",
            BookingPaused => "booking is paused after repeated no-shows",
            PlateMismatch => "the booking is bound to another vehicle",
            SlotInPast => "the slot has already started",
            SlotOutsideHours => "no slot starts at that time",
            SlotTooFarAhead => "the slot is too far ahead",
            YardClosed => "the yard is closed then",
            SlotFull => "no place left in this slot",
            CapacityBelowBooked => "the change would leave booked vehicles without a place",
            BookingNotActive => "the booking is no longer active",
            IdempotencyKeyReused => "the idempotency key was used for a different request",
            InvalidConfig => "invalid booking settings",
            PlateVerifiedElsewhere => "the plate is verified for another account's vehicle",
            TripAlreadyBooked => "the trip already has a booking that is active or checked in",
        }
    }

    /// The error for this refusal with a specific English detail.
    pub fn error(self, detail: impl fmt::Display) -> Error {
        Error::new(self.error_code(), format!("{}: {detail}", self.code()))
    }

    /// The refusal an error carries, if it came from here.
    pub fn of(error: &Error) -> Option<BookingRefusal> {
        let (code, _) = error.detail().split_once(": ")?;
        BookingRefusal::ALL
            .into_iter()
            .find(|r| r.code() == code && r.error_code() == error.code())
    }
}

impl fmt::Display for BookingRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl From<BookingRefusal> for Error {
    fn from(refusal: BookingRefusal) -> Error {
        refusal.error(refusal.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_snake_case_and_read_back() {
        let mut seen = HashSet::new();
        for r in BookingRefusal::ALL {
            assert!(seen.insert(r.code()), "duplicate {r}");
            assert!(r
                .code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
            let e = Error::from(r);
            assert_eq!(e.code(), r.error_code());
            assert_eq!(BookingRefusal::of(&e), Some(r));
            assert!(e.detail().starts_with(r.code()));
        }
        assert_eq!(
            BookingRefusal::of(&Error::new(ErrorCode::InvalidPlate, "x")),
            None
        );
    }

    #[test]
    fn every_refusal_has_its_own_code_or_an_exact_existing_one() {
        for r in BookingRefusal::ALL {
            assert!(!r.is_placeholder(), "{r:?} maps to a stand-in code");
        }
    }
}
