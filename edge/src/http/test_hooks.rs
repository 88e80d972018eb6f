//! The test switches: what a test may set that production never lets anyone set.
//!
//! They exist only in a Worker built with the Cargo feature `test-hooks` (scripts/test.sh and
//! scripts/e2e.sh build that one into `edge/build-test/`); `make dev`, `make bench` and release
//! builds leave the feature off, so there a request's `x-test-now-ms` header and the
//! `RATE_LIMIT_WINDOW_MS` variable are ignored, whatever the deployment sets.
//!
//! - `x-test-now-ms`: "now" for booking and queue calls, so tests need not wait for slots.
//!   Only instants from 2020 to 2100 are taken; anything else is the real clock.
//! - `RATE_LIMIT_WINDOW_MS`: every rate-limit window shortened (1 s to 1 h), so tests see
//!   limits end without waiting minutes. It can shorten a window, never switch limits off.
//! - `POST /api/test/province/run`: one run of the province sync (push, then pull) at the
//!   request's `x-test-now-ms`, answering what it did. Not in the route table: other builds
//!   answer it `not_found` like any unknown path.

/// The header a test sets "now" with (test builds only).
pub const TEST_NOW_HEADER: &str = "x-test-now-ms";
/// The Worker variable that shortens rate-limit windows (test builds only).
pub const WINDOW_VAR: &str = "RATE_LIMIT_WINDOW_MS";

/// The province sync's test route (test builds only).
pub const PROVINCE_RUN_PATH: &str = "/api/test/province/run";

/// Whether this build has the test switches compiled in.
pub const ENABLED: bool = cfg!(feature = "test-hooks");

/// 2020-01-01T00:00:00Z and 2100-01-01T00:00:00Z: the test clock's accepted range.
const TEST_NOW_MIN_MS: i64 = shared::time::EARLIEST_INSTANT_MS;
const TEST_NOW_MAX_MS: i64 = shared::time::LATEST_INSTANT_MS;
/// The shortened windows a test build accepts.
const WINDOW_MIN_MS: i64 = 1_000;
const WINDOW_MAX_MS: i64 = 3_600_000;

/// "Now" for a call: the Worker's clock, or in a test build a sane `x-test-now-ms` value.
pub fn clock(header: Option<&str>, now_ms: i64) -> i64 {
    if !ENABLED {
        return now_ms;
    }
    header
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|t| (TEST_NOW_MIN_MS..=TEST_NOW_MAX_MS).contains(t))
        .unwrap_or(now_ms)
}

/// The rate-limit window override: none, or in a test build a sane `RATE_LIMIT_WINDOW_MS`.
pub fn window_override(var: Option<&str>) -> Option<i64> {
    if !ENABLED {
        return None;
    }
    var.and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|w| (WINDOW_MIN_MS..=WINDOW_MAX_MS).contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    /// `cargo test -p borderpass-edge` builds without the feature: the switches do nothing.
    #[cfg(not(feature = "test-hooks"))]
    #[test]
    fn without_the_feature_the_switches_are_ignored() {
        assert_eq!(clock(Some("1700000000000"), NOW), NOW);
        assert_eq!(clock(Some(&NOW.to_string()), 5), 5);
        assert_eq!(window_override(Some("10000")), None);
        assert_eq!(window_override(Some("1")), None);
    }

    /// `cargo test -p borderpass-edge --features test-hooks`: the switches work, bounded.
    #[cfg(feature = "test-hooks")]
    #[test]
    fn with_the_feature_the_switches_are_bounded() {
        assert_eq!(clock(Some("1700000000000"), NOW), 1_700_000_000_000);
        assert_eq!(clock(None, NOW), NOW);
        for bad in [
            "0",
            "-1",
            "1577836799999",
            "4102444800001",
            &i64::MAX.to_string(),
            &i64::MIN.to_string(),
            "12abc",
            "",
        ] {
            assert_eq!(clock(Some(bad), NOW), NOW, "{bad:?}");
        }
        assert_eq!(clock(Some("1577836800000"), NOW), TEST_NOW_MIN_MS);
        assert_eq!(window_override(Some("10000")), Some(10_000));
        for bad in ["0", "1", "999", "3600001", "-5", "x"] {
            assert_eq!(window_override(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(window_override(None), None);
    }
}
