//! The JSON shapes of the HTTP API, version 1: one file per feature, every type re-exported
//! here, so `shared::wire::v1::Name` is the one path to each.

use crate::sync::Outcome;
use crate::time::{format_hhmm, parse_hhmm};
use crate::{
    check_new_password, ArrivalWindow, Cargo, Country, Direction, DisplayName, Error, ErrorCode,
    Gate, GateId, GateKind, HsCode, LocalizedText, PhoneNumber, Plate, Responsibility, Role, Trip,
    TripId, TripStatus, Vehicle, VehicleId, VehicleType, WeightKg, Yard, YardId,
};
use serde::{Deserialize, Serialize};

mod accounts;
mod bookings;
mod gates;
mod passes;
mod province;
mod queue;
mod residents;
mod sync;
#[cfg(test)]
mod tests;
mod trips;

pub use accounts::*;
pub use bookings::*;
pub use gates::*;
pub use passes::*;
pub use province::*;
pub use queue::*;
pub use residents::*;
pub use sync::*;
pub use trips::*;

/// The version of these shapes; sent in [`HealthResponse`].
pub const API_VERSION: u32 = 1;

/// Largest request body the edge reads, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// English, for developers and logs; users see the translation of `code`.
    pub message: String,
}

impl From<&Error> for ErrorBody {
    fn from(e: &Error) -> Self {
        ErrorBody {
            code: e.code(),
            message: e.detail().to_owned(),
        }
    }
}

impl From<ErrorBody> for Error {
    fn from(body: ErrorBody) -> Self {
        Error::new(body.code, body.message)
    }
}

/// `GET /api/health`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    pub status: String,
    pub api_version: u32,
    /// When the scheduled job last ran (Unix ms), if ever.
    pub last_cron_at_ms: Option<i64>,
}

/// An optional text field: absent or blank is `None`, anything else must parse.
fn optional<T>(
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse(v).map(Some),
    }
}
