//! The JSON shapes of the HTTP API, versioned.
//!
//! Wire types are not domain types: they are what travels, so they stay stable while the
//! domain evolves. Converting a wire type into a domain type runs the domain's validation, the
//! same in the app and at the edge.

pub mod v1;
