//! Calendar arithmetic for Vietnam's time zone, with no clock.
//!
//! Lang Son keeps Asia/Ho_Chi_Minh time: UTC+7 all year, no daylight saving, so a fixed offset
//! is exact. Callers pass instants as Unix milliseconds.
//!
//! Every instant that comes from outside (a phone, an operator's scanner, a request body, a
//! test header) is first checked with [`check_instant_ms`]: BorderPass only knows the years
//! 2020 to 2099. Within that range any sum or difference of two instants, or of an instant and
//! a duration of less than a thousand years, fits an `i64` many times over (and a JavaScript
//! number or a D1 REAL exactly), so the rules may do plain arithmetic on bounded instants;
//! arithmetic on an unchecked client value is a bug (a release build wraps silently).

use crate::{Error, ErrorCode};

/// The earliest instant accepted from outside: 2020-01-01T00:00:00Z, in Unix milliseconds.
pub const EARLIEST_INSTANT_MS: i64 = 1_577_836_800_000;
/// The first instant no longer accepted: 2100-01-01T00:00:00Z, in Unix milliseconds.
pub const LATEST_INSTANT_MS: i64 = 4_102_444_800_000;

/// Whether `unix_ms` is in BorderPass's range, `EARLIEST_INSTANT_MS <= unix_ms <
/// LATEST_INSTANT_MS`.
pub const fn is_in_range(unix_ms: i64) -> bool {
    EARLIEST_INSTANT_MS <= unix_ms && unix_ms < LATEST_INSTANT_MS
}

/// `unix_ms` itself if it is in BorderPass's range (2020-01-01 to 2099-12-31, UTC), else
/// `time_out_of_range`. Run it on every client instant before any arithmetic.
pub fn check_instant_ms(unix_ms: i64) -> Result<i64, Error> {
    if is_in_range(unix_ms) {
        Ok(unix_ms)
    } else {
        Err(Error::new(
            ErrorCode::TimeOutOfRange,
            format!("{unix_ms} is not a time between 2020-01-01 and 2100-01-01 (Unix ms)"),
        ))
    }
}

/// Asia/Ho_Chi_Minh's offset from UTC, in seconds.
pub const VIETNAM_OFFSET_SECS: i64 = 7 * 3600;
pub const MINUTES_PER_DAY: u16 = 24 * 60;

/// A local calendar date and time of day in Vietnam.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalDateTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

impl LocalDateTime {
    /// The local date and time in Vietnam of a Unix instant in milliseconds.
    pub fn from_unix_ms(unix_ms: i64) -> Self {
        let local_secs = unix_ms.div_euclid(1000) + VIETNAM_OFFSET_SECS;
        let days = local_secs.div_euclid(86_400);
        let secs_of_day = local_secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        LocalDateTime {
            year,
            month,
            day,
            hour: (secs_of_day / 3600) as u8,
            minute: ((secs_of_day % 3600) / 60) as u8,
        }
    }

    /// `YYYY-MM-DD`, as date inputs and the API write dates.
    pub fn iso_date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `dd/mm/yyyy`, as dates are written in Vietnam.
    pub fn date_string(&self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// `HH:MM`, 24-hour clock.
    pub fn time_string(&self) -> String {
        format_hhmm(u16::from(self.hour) * 60 + u16::from(self.minute))
    }

    /// `dd/mm/yyyy HH:MM`.
    pub fn date_time_string(&self) -> String {
        format!("{} {}", self.date_string(), self.time_string())
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day): Howard Hinnant's
/// `civil_from_days`, exact for every `i64` day count a phone can produce.
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
}

/// The Unix instant (ms) of a local date and time in Vietnam, from `YYYY-MM-DD` and `HH:MM`.
/// `None` for impossible dates (30 February, month 13) or times.
pub fn parse_local_date_time(date: &str, hhmm: &str) -> Option<i64> {
    let mut parts = date.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    let minutes = parse_hhmm(hhmm.trim())?;
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || minutes >= MINUTES_PER_DAY {
        return None;
    }
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + i64::from(minutes) * 60 - VIETNAM_OFFSET_SECS) * 1000)
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the inverse of `civil_from_days`).
pub(crate) fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Minutes after midnight as `HH:MM` (1440 is written `24:00`, the end of a day).
pub fn format_hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `HH:MM` (24-hour, `24:00` allowed as an end of day) to minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: u16 = h.parse().ok()?;
    let m: u16 = m.parse().ok()?;
    let total = h.checked_mul(60)?.checked_add(m)?;
    (m < 60 && total <= MINUTES_PER_DAY).then_some(total)
}

/// A local calendar date, as days since 1970-01-01 (Asia/Ho_Chi_Minh).
pub type LocalDay = i64;

/// The local day of an instant (Unix ms) in Vietnam.
pub fn local_day(unix_ms: i64) -> LocalDay {
    let t = LocalDateTime::from_unix_ms(unix_ms);
    days_from_civil(t.year, t.month, t.day)
}

/// The instant (Unix ms) a local day starts, 00:00 in Vietnam.
pub fn day_start_ms(day: LocalDay) -> i64 {
    (day * 86_400 - VIETNAM_OFFSET_SECS) * 1000
}

/// `(year, month)` of an instant in Vietnam.
pub fn local_month(unix_ms: i64) -> (i32, u8) {
    let t = LocalDateTime::from_unix_ms(unix_ms);
    (t.year, t.month)
}

/// The instant (Unix ms) the local month before `unix_ms`'s starts, 00:00 on its first day.
pub fn previous_month_start_ms(unix_ms: i64) -> i64 {
    let (year, month) = local_month(unix_ms);
    let (year, month) = if month == 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    };
    day_start_ms(days_from_civil(year, month, 1))
}

/// `YYYY-MM-DD` to a local day; `None` for impossible dates.
pub fn parse_iso_day(s: &str) -> Option<LocalDay> {
    parse_local_date_time(s, "00:00").map(local_day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_previous_month_starts_at_local_midnight_on_its_first() {
        // 2026-12-01 00:30 local → 2026-11-01 00:00 local (2026-10-31T17:00Z).
        let t = parse_local_date_time("2026-12-01", "00:30").unwrap();
        assert_eq!(
            previous_month_start_ms(t),
            parse_local_date_time("2026-11-01", "00:00").unwrap()
        );
        // Over the year's end.
        let t = parse_local_date_time("2027-01-31", "23:59").unwrap();
        assert_eq!(
            previous_month_start_ms(t),
            parse_local_date_time("2026-12-01", "00:00").unwrap()
        );
    }

    #[test]
    fn epoch_is_seven_in_the_morning_in_hanoi() {
        let t = LocalDateTime::from_unix_ms(0);
        assert_eq!(t.date_time_string(), "01/01/1970 07:00");
    }

    #[test]
    fn local_midnight_rolls_the_date() {
        // 2026-11-23T16:59:00Z is 23:59 local; a minute later it is the 24th.
        let before = LocalDateTime::from_unix_ms(1_795_453_140_000);
        assert_eq!(before.date_time_string(), "23/11/2026 23:59");
        let after = LocalDateTime::from_unix_ms(1_795_453_200_000);
        assert_eq!(after.date_time_string(), "24/11/2026 00:00");
    }

    #[test]
    fn leap_days_are_right() {
        // 2024-02-29T05:00:00Z
        let t = LocalDateTime::from_unix_ms(1_709_182_800_000);
        assert_eq!(t.date_string(), "29/02/2024");
    }

    #[test]
    fn times_before_the_epoch_work() {
        let t = LocalDateTime::from_unix_ms(-1);
        assert_eq!(t.date_time_string(), "01/01/1970 06:59");
    }

    #[test]
    fn local_date_times_parse_to_instants() {
        // 2026-11-28 08:30 in Hanoi is 01:30 UTC.
        let ms = parse_local_date_time("2026-11-28", "08:30").unwrap();
        assert_eq!(ms, 1_795_829_400_000);
        assert_eq!(
            LocalDateTime::from_unix_ms(ms).date_time_string(),
            "28/11/2026 08:30"
        );
        assert!(parse_local_date_time("2026-02-29", "08:00").is_none());
        assert!(parse_local_date_time("2028-02-29", "08:00").is_some());
        assert!(parse_local_date_time("2026-13-01", "08:00").is_none());
        assert!(parse_local_date_time("2026-04-31", "08:00").is_none());
        assert!(parse_local_date_time("2026-11-28", "24:00").is_none());
        assert!(parse_local_date_time("yesterday", "08:00").is_none());
    }

    #[test]
    fn hhmm_round_trips_and_refuses_nonsense() {
        assert_eq!(parse_hhmm("06:30"), Some(390));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(format_hhmm(1440), "24:00");
        for bad in ["6:30", "24:01", "12:60", "ab:cd", "", "12:3", "99:99"] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_range_is_2020_to_2099() {
        let start = parse_local_date_time("2020-01-01", "07:00").unwrap();
        assert_eq!(start, EARLIEST_INSTANT_MS);
        let end = parse_local_date_time("2100-01-01", "07:00").unwrap();
        assert_eq!(end, LATEST_INSTANT_MS);
        assert!(check_instant_ms(EARLIEST_INSTANT_MS).is_ok());
        assert!(check_instant_ms(LATEST_INSTANT_MS - 1).is_ok());
        for bad in [
            i64::MIN,
            -1,
            0,
            EARLIEST_INSTANT_MS - 1,
            LATEST_INSTANT_MS,
            i64::MAX,
        ] {
            assert_eq!(
                check_instant_ms(bad).unwrap_err().code(),
                ErrorCode::TimeOutOfRange,
                "{bad}"
            );
        }
    }

    proptest! {
        #[test]
        fn the_range_check_agrees_with_i128(ms in any::<i64>()) {
            let wide = i128::from(ms);
            let inside = i128::from(EARLIEST_INSTANT_MS) <= wide && wide < i128::from(LATEST_INSTANT_MS);
            prop_assert_eq!(check_instant_ms(ms).is_ok(), inside);
            prop_assert_eq!(is_in_range(ms), inside);
        }

        #[test]
        fn every_minute_of_the_day_round_trips(m in 0u16..=1440) {
            prop_assert_eq!(parse_hhmm(&format_hhmm(m)), Some(m));
        }

        #[test]
        fn dates_are_always_plausible(ms in -10_000_000_000_000i64..10_000_000_000_000i64) {
            let t = LocalDateTime::from_unix_ms(ms);
            prop_assert!((1..=12).contains(&t.month));
            prop_assert!((1..=31).contains(&t.day));
            prop_assert!(t.hour < 24 && t.minute < 60);
        }

        #[test]
        fn local_date_times_round_trip(ms in 0i64..4_000_000_000_000i64) {
            let t = LocalDateTime::from_unix_ms(ms);
            let date = t.iso_date();
            let back = parse_local_date_time(&date, &t.time_string()).unwrap();
            prop_assert_eq!(back, ms - ms.rem_euclid(60_000));
        }

        #[test]
        fn consecutive_days_advance_by_one_minute_steps(ms in 0i64..4_000_000_000_000i64) {
            let a = LocalDateTime::from_unix_ms(ms - ms.rem_euclid(60_000));
            let b = LocalDateTime::from_unix_ms(ms - ms.rem_euclid(60_000) + 60_000);
            let a_min = u32::from(a.hour) * 60 + u32::from(a.minute);
            let b_min = u32::from(b.hour) * 60 + u32::from(b.minute);
            prop_assert!(b_min == a_min + 1 || (a_min == 1439 && b_min == 0));
        }
    }

    #[test]
    fn day_starts_are_local_midnights() {
        let d = parse_iso_day("2026-11-30").unwrap();
        assert_eq!(
            LocalDateTime::from_unix_ms(day_start_ms(d)).date_time_string(),
            "30/11/2026 00:00"
        );
        assert_eq!(local_day(day_start_ms(d) - 1), d - 1);
    }
}
