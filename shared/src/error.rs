//! The domain error and its stable wire codes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A stable, machine-readable error code. The edge sends it as `code`; the app maps it to a
/// translated message. Codes are never renamed: clients in the field still know the old ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidPlate,
    InvalidDeclarationNumber,
    InvalidCargo,
    InvalidDirection,
    InvalidId,
    InvalidLang,
    InvalidPhone,
    WeakPassword,
    InvalidRole,
    InvalidBinding,
    InvalidName,
    InvalidVehicle,
    InvalidHsCode,
    InvalidWeight,
    InvalidWindow,
    /// An instant outside the years 2020-2099 (`shared::time::check_instant_ms`).
    TimeOutOfRange,
    InvalidTripState,
    VehicleExists,
    DeclarationMissing,
    TripWrongGate,
    VehicleAlreadyBooked,
    PerishableOnly,
    BookingCapReached,
    BookingPaused,
    PlateMismatch,
    SlotInPast,
    SlotOutsideHours,
    SlotTooFarAhead,
    YardClosed,
    SlotFull,
    CapacityBelowBooked,
    BookingNotActive,
    IdempotencyKeyReused,
    InvalidBookingConfig,
    /// The plate is verified (registration papers seen) for another account's vehicle.
    PlateVerifiedElsewhere,
    /// A vehicle registration certificate number that is not one.
    InvalidRegistrationNumber,
    PassNotValid,
    QueueWrongYard,
    AlreadyCheckedIn,
    PassSuperseded,
    TripQueuedElsewhere,
    TripAlreadyBooked,
    QueueEmpty,
    QueueEntryNotCalled,
    QueueCallTooRecent,
    InvalidQueueRequest,
    /// An outbox write sent again under a `seq` the edge has dealt with, but not the same write
    /// (another kind or payload): refused, nothing changes.
    ReplayMismatch,
    /// A signed message (the province's callbacks) whose signature is missing or does not hold.
    InvalidSignature,
    /// A signed message whose timestamp is more than 5 minutes from now (a replay).
    SignatureExpired,
    /// A citizen ID (CCCD) that is not exactly 12 digits.
    ResidentIdMalformed,
    /// A commune that is not on the list of Lạng Sơn's border communes.
    NotBorderCommune,
    /// A crossing's goods: a line without a description or with a negative or absurd value, or too many lines.
    InvalidGoods,
    /// A paper border pass whose number is malformed or whose expiry is past or more than 12 months ahead.
    InvalidBorderPass,
    /// A second application for a resident pass while one is pending or in force (for the
    /// account, or for the same citizen ID on another account).
    ResidentApplicationExists,
    /// A decision that the resident's application or pass is not in the state for (approving
    /// one already decided, suspending one not in force, …).
    InvalidResidentState,
    /// A reason (a refusal, a suspension, a revocation) that is empty or longer than 200 characters.
    InvalidReason,
    PhoneTaken,
    InvalidCredentials,
    Unauthenticated,
    SessionExpired,
    Forbidden,
    AccountDisabled,
    RateLimited,
    /// A one-time code that is wrong, used or expired (one answer for all three).
    InvalidCode,
    /// This device is new for the account: a code was sent to the phone by SMS.
    CodeRequired,
    /// No SMS can be sent now (no provider configured, or the provider refused).
    SmsUnavailable,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    MalformedBody,
    UnsupportedMediaType,
    Internal,
    /// The app could not reach the edge at all (offline, DNS, timeout). Never sent by the edge.
    Network,
    /// A code this build does not know yet (sent by a newer edge).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// Every code, for exhaustive checks (translations, documentation).
    pub const ALL: [ErrorCode; 74] = [
        ErrorCode::InvalidPlate,
        ErrorCode::InvalidDeclarationNumber,
        ErrorCode::InvalidCargo,
        ErrorCode::InvalidDirection,
        ErrorCode::InvalidId,
        ErrorCode::InvalidLang,
        ErrorCode::InvalidPhone,
        ErrorCode::WeakPassword,
        ErrorCode::InvalidRole,
        ErrorCode::InvalidBinding,
        ErrorCode::InvalidName,
        ErrorCode::InvalidVehicle,
        ErrorCode::InvalidHsCode,
        ErrorCode::InvalidWeight,
        ErrorCode::InvalidWindow,
        ErrorCode::TimeOutOfRange,
        ErrorCode::InvalidTripState,
        ErrorCode::VehicleExists,
        ErrorCode::DeclarationMissing,
        ErrorCode::TripWrongGate,
        ErrorCode::VehicleAlreadyBooked,
        ErrorCode::PerishableOnly,
        ErrorCode::BookingCapReached,
        ErrorCode::BookingPaused,
        ErrorCode::PlateMismatch,
        ErrorCode::SlotInPast,
        ErrorCode::SlotOutsideHours,
        ErrorCode::SlotTooFarAhead,
        ErrorCode::YardClosed,
        ErrorCode::SlotFull,
        ErrorCode::CapacityBelowBooked,
        ErrorCode::BookingNotActive,
        ErrorCode::IdempotencyKeyReused,
        ErrorCode::InvalidBookingConfig,
        ErrorCode::PlateVerifiedElsewhere,
        ErrorCode::InvalidRegistrationNumber,
        ErrorCode::PassNotValid,
        ErrorCode::QueueWrongYard,
        ErrorCode::AlreadyCheckedIn,
        ErrorCode::PassSuperseded,
        ErrorCode::TripQueuedElsewhere,
        ErrorCode::TripAlreadyBooked,
        ErrorCode::QueueEmpty,
        ErrorCode::QueueEntryNotCalled,
        ErrorCode::QueueCallTooRecent,
        ErrorCode::InvalidQueueRequest,
        ErrorCode::ReplayMismatch,
        ErrorCode::InvalidSignature,
        ErrorCode::SignatureExpired,
        ErrorCode::ResidentIdMalformed,
        ErrorCode::NotBorderCommune,
        ErrorCode::InvalidGoods,
        ErrorCode::InvalidBorderPass,
        ErrorCode::ResidentApplicationExists,
        ErrorCode::InvalidResidentState,
        ErrorCode::InvalidReason,
        ErrorCode::PhoneTaken,
        ErrorCode::InvalidCredentials,
        ErrorCode::Unauthenticated,
        ErrorCode::SessionExpired,
        ErrorCode::Forbidden,
        ErrorCode::AccountDisabled,
        ErrorCode::RateLimited,
        ErrorCode::InvalidCode,
        ErrorCode::CodeRequired,
        ErrorCode::SmsUnavailable,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::MalformedBody,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::Internal,
        ErrorCode::Network,
        ErrorCode::Unknown,
    ];

    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidPlate => "invalid_plate",
            ErrorCode::InvalidDeclarationNumber => "invalid_declaration_number",
            ErrorCode::InvalidCargo => "invalid_cargo",
            ErrorCode::InvalidDirection => "invalid_direction",
            ErrorCode::InvalidId => "invalid_id",
            ErrorCode::InvalidLang => "invalid_lang",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::WeakPassword => "weak_password",
            ErrorCode::InvalidRole => "invalid_role",
            ErrorCode::InvalidBinding => "invalid_binding",
            ErrorCode::InvalidName => "invalid_name",
            ErrorCode::InvalidVehicle => "invalid_vehicle",
            ErrorCode::InvalidHsCode => "invalid_hs_code",
            ErrorCode::InvalidWeight => "invalid_weight",
            ErrorCode::InvalidWindow => "invalid_window",
            ErrorCode::TimeOutOfRange => "time_out_of_range",
            ErrorCode::InvalidTripState => "invalid_trip_state",
            ErrorCode::VehicleExists => "vehicle_exists",
            ErrorCode::DeclarationMissing => "declaration_missing",
            ErrorCode::TripWrongGate => "trip_wrong_gate",
            ErrorCode::VehicleAlreadyBooked => "vehicle_already_booked",
            ErrorCode::PerishableOnly => "perishable_only",
            ErrorCode::BookingCapReached => "booking_cap_reached",
            ErrorCode::BookingPaused => "booking_paused",
            ErrorCode::PlateMismatch => "plate_mismatch",
            ErrorCode::SlotInPast => "slot_in_past",
            ErrorCode::SlotOutsideHours => "slot_outside_hours",
            ErrorCode::SlotTooFarAhead => "slot_too_far_ahead",
            ErrorCode::YardClosed => "yard_closed",
            ErrorCode::SlotFull => "slot_full",
            ErrorCode::CapacityBelowBooked => "capacity_below_booked",
            ErrorCode::BookingNotActive => "booking_not_active",
            ErrorCode::IdempotencyKeyReused => "idempotency_key_reused",
            ErrorCode::InvalidBookingConfig => "invalid_booking_config",
            ErrorCode::PlateVerifiedElsewhere => "plate_verified_elsewhere",
            ErrorCode::InvalidRegistrationNumber => "invalid_registration_number",
            ErrorCode::PassNotValid => "pass_not_valid",
            ErrorCode::QueueWrongYard => "queue_wrong_yard",
            ErrorCode::AlreadyCheckedIn => "already_checked_in",
            ErrorCode::PassSuperseded => "pass_superseded",
            ErrorCode::TripQueuedElsewhere => "trip_queued_elsewhere",
            ErrorCode::TripAlreadyBooked => "trip_already_booked",
            ErrorCode::QueueEmpty => "queue_empty",
            ErrorCode::QueueEntryNotCalled => "queue_entry_not_called",
            ErrorCode::QueueCallTooRecent => "queue_call_too_recent",
            ErrorCode::InvalidQueueRequest => "invalid_queue_request",
            ErrorCode::ReplayMismatch => "replay_mismatch",
            ErrorCode::InvalidSignature => "invalid_signature",
            ErrorCode::SignatureExpired => "signature_expired",
            ErrorCode::ResidentIdMalformed => "resident_id_malformed",
            ErrorCode::NotBorderCommune => "not_border_commune",
            ErrorCode::InvalidGoods => "invalid_goods",
            ErrorCode::InvalidBorderPass => "invalid_border_pass",
            ErrorCode::ResidentApplicationExists => "resident_application_exists",
            ErrorCode::InvalidResidentState => "invalid_resident_state",
            ErrorCode::InvalidReason => "invalid_reason",
            ErrorCode::PhoneTaken => "phone_taken",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::AccountDisabled => "account_disabled",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::InvalidCode => "invalid_code",
            ErrorCode::CodeRequired => "code_required",
            ErrorCode::SmsUnavailable => "sms_unavailable",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::MalformedBody => "malformed_body",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::Internal => "internal",
            ErrorCode::Network => "network",
            ErrorCode::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The one error type of the domain layer. `Display` gives an English sentence for logs and
/// developers; users see the translation of [`Error::code`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    detail: String,
    /// How long to wait before trying again (from a `Retry-After`), when the edge said so.
    retry_after_secs: Option<u32>,
}

impl Error {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Error {
            code,
            detail: detail.into(),
            retry_after_secs: None,
        }
    }

    /// The same error with how long to wait before trying again.
    pub fn with_retry_after(mut self, secs: u32) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    pub fn retry_after_secs(&self) -> Option<u32> {
        self.retry_after_secs
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// A short English explanation, safe to show to a developer (never contains secrets).
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_their_wire_names() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn an_unknown_code_from_a_newer_edge_is_still_readable() {
        let code: ErrorCode = serde_json::from_str("\"slot_full_v9\"").unwrap();
        assert_eq!(code, ErrorCode::Unknown);
    }

    #[test]
    fn display_carries_code_and_detail() {
        let e = Error::new(ErrorCode::InvalidPlate, "no digits");
        assert_eq!(e.to_string(), "invalid_plate: no digits");
    }
}
