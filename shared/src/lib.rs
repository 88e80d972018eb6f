//! The BorderPass domain core, shared by the app (in the browser) and the edge (the Worker).
//!
//! Everything here is plain Rust: no IO, no clock, no randomness. Time and identifiers are
//! passed in, so every rule is an ordinary unit test and the app and the edge validate input
//! with exactly the same code.
//!
//! - Domain types validate on construction ([`Plate`], [`DeclarationNumber`], [`Cargo`], ids).
//! - [`wire`] holds the versioned JSON shapes of the HTTP API; they convert into domain types
//!   with `TryFrom`, running the same validation on both sides.
//! - [`pass`] is the signed, offline-verifiable pass: COSE_Sign1 (Ed25519) claims in Base45
//!   behind `BP1:`, verified against a trust list and a deny-list, shown as a QR code.
//! - [`booking`] is yard slot booking: slot and lane arithmetic, the booking rules and the
//!   [`booking::Ledger`] that a yard's Durable Object runs (and the app, for instant answers).
//! - [`Error`] is the one error type of this layer; each variant has a stable [`ErrorCode`]
//!   that the edge sends and the app translates.

mod account;
pub mod booking;
mod cargo;
mod declaration;
mod direction;
mod error;
pub mod event;
pub mod format;
mod gate;
mod lang;
pub mod otp;
pub mod pass;
mod password;
mod phone;
mod plate;
pub mod province;
pub mod queue;
pub mod rate_limit;
mod registration;
pub mod resident;
pub mod sync;
pub mod time;
mod trip;
pub mod wire;
pub mod yard;

pub use account::{AccountId, AuditEvent, DisplayName, Responsibility, Role};
pub use cargo::Cargo;
pub use declaration::DeclarationNumber;
pub use direction::Direction;
pub use error::{Error, ErrorCode};
pub use gate::{Gate, GateId, GateKind, LocalizedText, Yard, YardId};
pub use lang::Lang;
pub use password::{check_new_password, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
pub use phone::PhoneNumber;
pub use plate::{Country, Plate};
pub use rate_limit::RateLimit;
pub use registration::RegistrationNumber;
pub use trip::{
    parse_local_instant, ArrivalWindow, HsCode, Trip, TripEvent, TripId, TripStatus, Vehicle,
    VehicleId, VehicleType, WeightKg,
};
