//! The signed, offline-verifiable pass: what a driver shows and an officer scans.
//!
//! The format follows the EU digital COVID certificate (HCERT): CWT claims in CBOR, signed as a
//! COSE_Sign1 with EdDSA (Ed25519), Base45-encoded behind the context prefix `BP1:`, shown as an
//! alphanumeric QR code at error-correction level Q. `docs/pass-format.md` is the specification;
//! `docs/pass-vectors/` holds test vectors for independent verifiers.
//!
//! The module is pure: signing keys come from a 32-byte seed, the time is passed in
//! ([`VerifyContext::now`]), and nothing here does IO. It builds for `wasm32-unknown-unknown`,
//! so the officer's screen and the Worker verify with the same code.
//!
//! - [`PassSigner::sign`] turns [`PassClaims`] into a `BP1:` string, and refuses claims valid
//!   for longer than their kind allows ([`PassKind::max_validity_secs`]).
//! - [`verify`] checks a scanned string against a trust list and a deny-list and gives a
//!   [`Verdict`]; it never panics and never allocates more than a few kilobytes, whatever the
//!   input.
//! - [`PassSubject`] is what a pass is issued for (a trip: [`TripPass`]; a border resident:
//!   [`ResidentPass`]).
//! - [`qr`] renders a pass as an SVG QR code.

mod claims;
mod cose;
pub(crate) mod hex;
mod ids;
pub mod qr;
mod signer;
mod subject;
mod verify;

#[cfg(test)]
mod tests;

pub use claims::{
    Booking, PassClaims, PassKind, CLAIM_KEY, MAX_RESIDENT_VALIDITY_SECS, MAX_TRIP_VALIDITY_SECS,
};
pub use ids::{Kid, PassId};
pub use signer::{PassSigner, TrustedKey};
pub use subject::{revocation_event_id, PassSubject, ResidentPass, SubjectRef, TripPass};
pub use verify::{
    decode_unverified, verify, with_revocation_reasons, Reason, Verdict, VerifyContext,
};

/// The context prefix of every pass string: format 1 of BorderPass passes.
pub const PREFIX: &str = "BP1:";

/// Longest pass string accepted, in bytes. Longer input is [`Reason::Malformed`] without being
/// decoded. A typical trip pass is about 270 characters; this leaves room for the largest
/// claims (16-byte id, two 24-character plates, a holder digest) four times over.
pub const MAX_PASS_CHARS: usize = 1200;

/// Largest zlib-inflated COSE message accepted, in bytes (a compressed pass must not become a
/// memory bomb).
pub const MAX_INFLATED_BYTES: usize = 4096;
