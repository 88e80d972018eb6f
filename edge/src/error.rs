//! The edge's one error type. It becomes a JSON `{code, message}` response with a status.
//!
//! It imports nothing from the rest of the edge, so every module can use it without a cycle.

use shared::wire::v1::{ErrorBody, MAX_BODY_BYTES};
use shared::{Error, ErrorCode};
use worker::Response;

#[derive(Debug)]
pub struct ApiError {
    status: u16,
    error: Error,
    retry_after_secs: Option<u32>,
}

impl ApiError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError::from(Error::new(code, message))
    }

    /// Adds a `Retry-After` (seconds) to the response.
    pub fn with_retry_after(mut self, secs: u32) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            ErrorCode::MethodNotAllowed,
            "this method is not allowed here",
        )
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            ErrorCode::PayloadTooLarge,
            format!("request bodies are limited to {MAX_BODY_BYTES} bytes"),
        )
    }

    /// An internal error that says what is wrong with the deployment (a missing secret).
    pub fn internal_with(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    pub fn internal() -> Self {
        Self::new(ErrorCode::Internal, "something went wrong on our side")
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn code(&self) -> ErrorCode {
        self.error.code()
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody::from(&self.error)
    }

    pub fn into_response(self) -> Response {
        match Response::from_json(&self.body()) {
            Ok(mut response) => {
                if let Some(secs) = self.retry_after_secs {
                    let _ = response.headers_mut().set("retry-after", &secs.to_string());
                }
                response.with_status(self.status)
            }
            // Serialising two strings cannot fail; keep a plain answer just in case.
            Err(_) => {
                Response::error("internal", 500).unwrap_or_else(|_| Response::empty().unwrap())
            }
        }
    }
}

/// The HTTP status of each error code: one exhaustive match, so a new code cannot fall into
/// some default and the status is never picked by a handler.
pub fn status_for(code: ErrorCode) -> u16 {
    match code {
        ErrorCode::InvalidPlate
        | ErrorCode::InvalidDeclarationNumber
        | ErrorCode::InvalidCargo
        | ErrorCode::InvalidDirection
        | ErrorCode::InvalidId
        | ErrorCode::InvalidLang
        | ErrorCode::InvalidPhone
        | ErrorCode::WeakPassword
        | ErrorCode::InvalidRole
        | ErrorCode::InvalidBinding
        | ErrorCode::InvalidName
        | ErrorCode::InvalidVehicle
        | ErrorCode::InvalidHsCode
        | ErrorCode::InvalidWeight
        | ErrorCode::InvalidWindow
        | ErrorCode::TimeOutOfRange
        | ErrorCode::DeclarationMissing
        | ErrorCode::TripWrongGate
        | ErrorCode::PerishableOnly
        | ErrorCode::SlotInPast
        | ErrorCode::SlotOutsideHours
        | ErrorCode::SlotTooFarAhead
        | ErrorCode::YardClosed
        | ErrorCode::InvalidBookingConfig
        | ErrorCode::InvalidRegistrationNumber
        | ErrorCode::InvalidQueueRequest
        | ErrorCode::InvalidCode
        | ErrorCode::ResidentIdMalformed
        | ErrorCode::NotBorderCommune
        | ErrorCode::InvalidGoods
        | ErrorCode::InvalidBorderPass
        | ErrorCode::InvalidReason
        | ErrorCode::MalformedBody => 400,
        ErrorCode::InvalidCredentials
        | ErrorCode::Unauthenticated
        | ErrorCode::SessionExpired
        | ErrorCode::InvalidSignature
        | ErrorCode::SignatureExpired
        | ErrorCode::CodeRequired => 401,
        ErrorCode::Forbidden
        | ErrorCode::AccountDisabled
        | ErrorCode::BookingCapReached
        | ErrorCode::BookingPaused
        | ErrorCode::PlateMismatch => 403,
        ErrorCode::NotFound => 404,
        ErrorCode::MethodNotAllowed => 405,
        ErrorCode::PhoneTaken
        | ErrorCode::ResidentApplicationExists
        | ErrorCode::InvalidResidentState
        | ErrorCode::VehicleExists
        | ErrorCode::InvalidTripState
        | ErrorCode::SlotFull
        | ErrorCode::VehicleAlreadyBooked
        | ErrorCode::PlateVerifiedElsewhere
        | ErrorCode::BookingNotActive
        | ErrorCode::CapacityBelowBooked
        | ErrorCode::IdempotencyKeyReused
        | ErrorCode::QueueWrongYard
        | ErrorCode::AlreadyCheckedIn
        | ErrorCode::QueueEmpty
        | ErrorCode::QueueEntryNotCalled
        | ErrorCode::QueueCallTooRecent
        | ErrorCode::ReplayMismatch
        | ErrorCode::TripQueuedElsewhere
        | ErrorCode::TripAlreadyBooked => 409,
        ErrorCode::PayloadTooLarge => 413,
        ErrorCode::UnsupportedMediaType => 415,
        ErrorCode::PassNotValid | ErrorCode::PassSuperseded => 422,
        ErrorCode::RateLimited => 429,
        ErrorCode::Internal | ErrorCode::Network | ErrorCode::Unknown => 500,
        ErrorCode::SmsUnavailable => 503,
    }
}

/// A domain error keeps its code; its status follows from the code ([`status_for`]).
impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        ApiError {
            status: status_for(error.code()),
            error,
            retry_after_secs: None,
        }
    }
}

/// Runtime errors (D1, bindings, serialisation) are ours: logged in full, never shown.
impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        worker::console_error!("internal error: {e}");
        ApiError::internal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_errors_map_to_client_statuses() {
        let e = ApiError::from(Error::new(ErrorCode::InvalidPlate, "x"));
        assert_eq!(e.status(), 400);
        assert_eq!(e.code(), ErrorCode::InvalidPlate);
        assert_eq!(
            ApiError::from(Error::new(ErrorCode::UnsupportedMediaType, "x")).status(),
            415
        );
        assert_eq!(
            ApiError::from(Error::new(ErrorCode::Internal, "x")).status(),
            500
        );
    }

    #[test]
    fn every_code_has_a_status_of_its_kind() {
        for code in ErrorCode::ALL {
            let status = status_for(code);
            assert!((400..600).contains(&status), "{code:?} -> {status}");
        }
        assert_eq!(status_for(ErrorCode::RateLimited), 429);
        assert_eq!(status_for(ErrorCode::SlotFull), 409);
    }

    #[test]
    fn the_body_carries_code_and_message() {
        let body = ApiError::payload_too_large().body();
        assert_eq!(body.code, ErrorCode::PayloadTooLarge);
        assert!(body.message.contains("65536"));
    }
}
