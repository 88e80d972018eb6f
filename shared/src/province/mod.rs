//! The province sync: what BorderPass sends to Lạng Sơn's Digital Border Gate platform
//! ("cửa khẩu số"), what the province answers, and what comes back about a trip.
//!
//! The platform publishes no API, so this module *is* the interface BorderPass offers it
//! (documented for the province in `docs/province-sync.md` and `docs/province-api.json`):
//!
//! - [`record`]: a batch of versioned records, one per domain event of a trip, each with its
//!   event id (the idempotency key) and its place in the trip's stream (`seq`, from 1, no gaps);
//!   the province answers each record: accepted, duplicate, held (an earlier record of the trip
//!   is missing) or rejected with a reason.
//! - [`webhook`]: every request and answer, both ways, is signed as Standard Webhooks does it
//!   (HMAC-SHA256 over `id.timestamp.body`, a 5-minute window), one secret per side.
//! - [`delivery`]: the pusher's rules, pure: which pending records form the next batch, what each
//!   answer does to its record, when to try again after a failure.
//! - [`timeline`]: the platform's steps for a vehicle, confirmed by the forces responsible, and
//!   the trip's timeline folded from the province's status updates.

pub mod delivery;
pub mod record;
pub mod timeline;
pub mod webhook;

#[cfg(test)]
mod tests;

/// The interface's version: in its paths (`/v1/records`) and in every record.
pub const PROVINCE_API_VERSION: u16 = 1;
