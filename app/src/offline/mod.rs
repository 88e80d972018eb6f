//! Everything the app keeps on the phone, and the bridge to the service worker.
//!
//! This is the only module that touches IndexedDB ([`db`]), local storage ([`prefs`]) or the
//! service worker ([`service_worker`]). Pages ask for typed snapshots ([`snapshots`]); storage
//! failures are logged and treated as "nothing saved", never as a broken page.

pub mod db;
pub mod outbox;
pub mod prefs;
pub mod roster;
pub mod service_worker;
pub mod session_store;
pub mod snapshots;
pub mod trust_store;
