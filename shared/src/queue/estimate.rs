//! The estimate a driver sees when the phone cannot reach the yard: where they probably are
//! now, from the last known position and the yard's recent pace.

use serde::{Deserialize, Serialize};

const HOUR_MS: f64 = 3_600_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    /// The estimated place in the lane now: never below 1 (only the yard's call says "your
    /// turn"), never above the last known place.
    pub position: u32,
    /// Estimated minutes until the call; `None` when the yard served nobody in the last hour
    /// (no pace to go by).
    pub minutes_to_call: Option<u32>,
}

/// From the last known `position` (1-based) at `as_of_ms`, with `served_per_hour` vehicles
/// leaving the lane per hour: the vehicles ahead leave at that pace, so after `t` hours about
/// `served_per_hour × t` of them have gone. A clock that went backwards counts as no time.
pub fn estimate(position: u32, served_per_hour: u32, as_of_ms: i64, now_ms: i64) -> Estimate {
    let elapsed_hours = (now_ms - as_of_ms).max(0) as f64 / HOUR_MS;
    let gone = (f64::from(served_per_hour) * elapsed_hours).floor();
    let left = (f64::from(position) - gone).max(1.0) as u32;
    let position = left.clamp(1, position.max(1));
    let minutes_to_call = (served_per_hour > 0).then(|| {
        let ahead = f64::from(position - 1);
        // At least a minute: the estimate never says "now".
        ((ahead * 60.0 / f64::from(served_per_hour)).ceil() as u32).max(1)
    });
    Estimate {
        position,
        minutes_to_call,
    }
}
