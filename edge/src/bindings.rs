//! The names of the Worker's bindings, as declared in `wrangler.toml`.

/// The D1 database.
pub const DB_BINDING: &str = "DB";
/// The built PWA, served as static assets.
pub const ASSETS_BINDING: &str = "ASSETS";
/// The Durable Object namespace of the yards (one object per yard, named by its id).
pub const YARDS_BINDING: &str = "YARDS";
