//! The edge's one clock read. Everything else takes "now" as an argument, so rules stay
//! testable and a request sees one instant throughout.

/// Milliseconds since the Unix epoch, from the runtime's clock.
pub fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}
