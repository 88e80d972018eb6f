//! The edge's one error type. It becomes a JSON `{code, message}` response with a status.

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
    pub fn new(status: u16, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            error: Error::new(code, message),
            retry_after_secs: None,
        }
    }

    /// Adds a `Retry-After` (seconds) to the response.
    pub fn with_retry_after(mut self, secs: u32) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, ErrorCode::NotFound, message)
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            405,
            ErrorCode::MethodNotAllowed,
            "this method is not allowed here",
        )
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            413,
            ErrorCode::PayloadTooLarge,
            format!("request bodies are limited to {MAX_BODY_BYTES} bytes"),
        )
    }

    pub fn internal() -> Self {
        Self::new(500, ErrorCode::Internal, "something went wrong on our side")
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

/// Domain errors are the client's fault: the input broke a rule.
impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        let status = match error.code() {
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::InvalidCredentials
            | ErrorCode::Unauthenticated
            | ErrorCode::SessionExpired
            | ErrorCode::CodeRequired => 401,
            ErrorCode::Forbidden | ErrorCode::AccountDisabled => 403,
            ErrorCode::PhoneTaken
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
            ErrorCode::PassNotValid | ErrorCode::PassSuperseded => 422,
            ErrorCode::BookingCapReached | ErrorCode::BookingPaused | ErrorCode::PlateMismatch => {
                403
            }
            ErrorCode::RateLimited => 429,
            ErrorCode::SmsUnavailable => 503,
            ErrorCode::Internal | ErrorCode::Network | ErrorCode::Unknown => 500,
            _ => 400,
        };
        ApiError {
            status,
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
    fn the_body_carries_code_and_message() {
        let body = ApiError::payload_too_large().body();
        assert_eq!(body.code, ErrorCode::PayloadTooLarge);
        assert!(body.message.contains("65536"));
    }
}
