//! Fixed-window rate limits: how many attempts a key may make per window, and how long to
//! wait once over. The edge keeps the counters; the arithmetic is here, and so is the key a
//! client address counts under ([`address_key`]: one IPv4 address, or one IPv6 /64).

use std::net::IpAddr;

/// At most `max` attempts per `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window_ms: i64,
}

impl RateLimit {
    /// Failed sign-ins per phone number *from one client address*: 5 a minute, then wait for
    /// the minute to end (the edge counts every attempt and gives a successful one back). Keyed
    /// on the pair, so guesses from elsewhere do not lock the owner out on their own address.
    pub const SIGN_IN_PER_PHONE: RateLimit = RateLimit {
        max: 5,
        window_ms: 60_000,
    };
    /// Failed sign-ins per phone number from all addresses together: the ceiling that stops a
    /// guesser with many addresses (a botnet) while one attacker alone cannot reach it.
    pub const SIGN_IN_PER_PHONE_ALL_ADDRESSES: RateLimit = RateLimit {
        max: 30,
        window_ms: 60_000,
    };
    /// One-time codes sent by SMS to one phone number: 5 per 15 minutes (each costs an SMS).
    pub const CODE_REQUESTS_PER_PHONE: RateLimit = RateLimit {
        max: 5,
        window_ms: 900_000,
    };
    /// One-time codes requested from one client address (an IPv4 address or an IPv6 /64).
    pub const CODE_REQUESTS_PER_ADDRESS: RateLimit = RateLimit {
        max: 20,
        window_ms: 3_600_000,
    };
    /// Sign-in attempts per client address (a yard's shared Wi-Fi has many people).
    pub const SIGN_IN_PER_ADDRESS: RateLimit = RateLimit {
        max: 30,
        window_ms: 60_000,
    };
    /// Sign-ups per client address (an IPv4 address or an IPv6 /64). Each sign-up also needs
    /// a code sent to its phone, so this can be loose enough for a carrier's NAT.
    pub const SIGN_UP_PER_ADDRESS: RateLimit = RateLimit {
        max: 20,
        window_ms: 3_600_000,
    };

    /// Outbox writes (`POST /api/sync` ops, every one sent) per account in 10 minutes: a phone
    /// catching up after days offline, or a trader's whole fleet (1,000 trips and their
    /// vehicles) drained in batches of 100, passes at once.
    pub const SYNC_WRITES_PER_ACCOUNT: RateLimit = RateLimit {
        max: 2_000,
        window_ms: 600_000,
    };
    /// Outbox writes per account in a day: ten such catch-ups, while create-then-cancel loops
    /// cannot grow the deny-list without bound.
    pub const SYNC_WRITES_PER_ACCOUNT_DAY: RateLimit = RateLimit {
        max: 20_000,
        window_ms: 86_400_000,
    };
    /// Booking writes (book, cancel, reschedule) per account in 10 minutes: a trader booking a
    /// fleet's slots for two weeks ahead (128 bookings in `make bench`), with retries.
    pub const BOOKING_WRITES_PER_ACCOUNT: RateLimit = RateLimit {
        max: 300,
        window_ms: 600_000,
    };
    /// Booking writes per account in a day (each one re-issues a pass).
    pub const BOOKING_WRITES_PER_ACCOUNT_DAY: RateLimit = RateLimit {
        max: 3_000,
        window_ms: 86_400_000,
    };

    /// The same limit with another window length (tests shorten windows instead of waiting).
    pub fn with_window_ms(self, window_ms: i64) -> RateLimit {
        RateLimit { window_ms, ..self }
    }

    /// Whether a window that started at `window_start_ms` has ended by `now_ms`.
    pub fn window_ended(&self, window_start_ms: i64, now_ms: i64) -> bool {
        now_ms >= window_start_ms + self.window_ms
    }

    /// `None` while `count` (this attempt included) is within the limit; otherwise the whole
    /// seconds to wait until the window ends (at least 1).
    pub fn retry_after_secs(&self, count: u32, window_start_ms: i64, now_ms: i64) -> Option<u32> {
        if count <= self.max {
            return None;
        }
        let wait_ms = (window_start_ms + self.window_ms - now_ms).max(1);
        Some(u32::try_from((wait_ms + 999) / 1000).unwrap_or(u32::MAX))
    }
}

/// The key a client address is counted under: an IPv4 address as it is (an IPv4-mapped IPv6
/// address too), an IPv6 address by its /64 (one subscriber's network: a phone rotates the low
/// 64 bits at will), and anything unreadable under one shared key.
pub fn address_key(address: &str) -> String {
    match address.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Err(_) => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_per_64_and_ipv4_per_address() {
        assert_eq!(address_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(address_key(" 203.0.113.7 "), "203.0.113.7");
        assert_ne!(address_key("203.0.113.7"), address_key("203.0.113.8"));
        let a = address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd");
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(
            address_key("2001:0DB8:0001:0002::1"),
            a,
            "spelling does not matter"
        );
        assert_eq!(address_key("2001:db8:1:2:ffff:ffff:ffff:ffff"), a);
        assert_ne!(
            address_key("2001:db8:1:3::1"),
            a,
            "the next /64 is another network"
        );
        assert_eq!(address_key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(address_key("not an address"), "unknown");
        assert_eq!(address_key(""), "unknown");
    }

    const LIMIT: RateLimit = RateLimit::SIGN_IN_PER_PHONE;

    #[test]
    fn attempts_within_the_limit_pass() {
        for count in 1..=5 {
            assert_eq!(LIMIT.retry_after_secs(count, 0, 10_000), None);
        }
    }

    #[test]
    fn the_attempt_over_the_limit_waits_for_the_window_to_end() {
        assert_eq!(LIMIT.retry_after_secs(6, 0, 10_000), Some(50));
        assert_eq!(LIMIT.retry_after_secs(6, 0, 59_001), Some(1));
        // Never "retry after 0 seconds".
        assert_eq!(LIMIT.retry_after_secs(6, 0, 60_000), Some(1));
    }

    #[test]
    fn windows_end_on_time() {
        assert!(!LIMIT.window_ended(1_000, 60_999));
        assert!(LIMIT.window_ended(1_000, 61_000));
        assert!(LIMIT.with_window_ms(2_000).window_ended(1_000, 3_000));
    }
}
