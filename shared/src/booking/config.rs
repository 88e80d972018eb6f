//! A yard's booking settings, as its operator edits them.

use super::slots::{LocalDate, MAX_INSTANT_MS};
use super::{BookingRefusal, DAY_MS};
use crate::{Error, LocalizedText, Role, Yard};
use serde::{Deserialize, Serialize};

/// Everything that decides what can be booked at one yard.
///
/// Opening hours are minutes after local midnight (Asia/Ho_Chi_Minh); slots run from
/// `opens_minute` in steps of `slot_minutes`, and the last one ends by `closes_minute`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YardConfig {
    /// 30 or 60.
    pub slot_minutes: u16,
    pub opens_minute: u16,
    /// At most 1440 (midnight at the end of the day).
    pub closes_minute: u16,
    /// Vehicles per slot, both lanes: 1-1000.
    pub capacity_per_slot: u32,
    /// Share of each slot kept for perishable cargo, percent (rounded down to whole places).
    pub perishable_percent: u8,
    /// Fee per booking in VND (0 for free; at most 10,000,000 to catch typos).
    pub fee_vnd: u64,
    /// Active bookings a driver's account may hold at this yard at once (1-10). A driver drives
    /// one vehicle, so one booking ahead is enough and stops hoarding; default 1.
    pub max_active_driver: u16,
    /// Active bookings a trading household may hold at once, for the vehicles it hires
    /// (1-500); default 10.
    pub max_active_trader: u16,
    /// How many local days ahead slots can be booked: today plus 1-60 days; default 14.
    pub horizon_days: u16,
    pub no_show: NoShowPolicy,
    /// At most [`YardConfig::MAX_CLOSURES`].
    pub closures: Vec<Closure>,
}

/// What happens when a booked vehicle does not come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoShowPolicy {
    /// Minutes after the end of the slot before an unused booking is released: 0-240.
    pub grace_minutes: u16,
    /// This many no-shows ... (1-20)
    pub max_no_shows: u16,
    /// ... within this many days (1-365) ...
    pub window_days: u16,
    /// ... pause the account's booking at this yard for this many days (1-365), counted from
    /// the no-show that reached the limit.
    pub pause_days: u16,
}

impl Default for NoShowPolicy {
    /// 30 minutes' grace; 3 no-shows in 30 days pause booking for 7 days.
    fn default() -> Self {
        NoShowPolicy {
            grace_minutes: 30,
            max_no_shows: 3,
            window_days: 30,
            pause_days: 7,
        }
    }
}

/// A time the yard takes no bookings, with the reason shown to users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub span: ClosureSpan,
    pub reason: ClosureReason,
}

/// A whole local day, or a range of instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ClosureSpan {
    Day {
        date: LocalDate,
    },
    /// From `from_ms` (included) to `until_ms` (excluded), at most 31 days.
    Hours {
        from_ms: i64,
        until_ms: i64,
    },
}

impl ClosureSpan {
    /// The span as a half-open range of instants.
    pub fn range_ms(self) -> (i64, i64) {
        match self {
            ClosureSpan::Day { date } => (date.midnight_ms(), date.add_days(1).midnight_ms()),
            ClosureSpan::Hours { from_ms, until_ms } => (from_ms, until_ms),
        }
    }
}

/// Why the yard is closed: a known reason (translated by the app) or the operator's own
/// words in the three languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureReason {
    Code(ClosureCode),
    Text(LocalizedText),
}

impl ClosureReason {
    /// For logs and error details.
    pub fn english(&self) -> &str {
        match self {
            ClosureReason::Code(code) => code.as_str(),
            ClosureReason::Text(text) => &text.en,
        }
    }
}

/// Reasons common enough to have a translated message in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureCode {
    /// A public holiday (Tết, 30/4, 2/9, ...) or the Chinese side's.
    Holiday,
    Weather,
    Maintenance,
    /// The yard or gate is saturated (fruit season).
    Congestion,
    /// The border gate itself is closed.
    GateClosed,
}

impl ClosureCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ClosureCode::Holiday => "holiday",
            ClosureCode::Weather => "weather",
            ClosureCode::Maintenance => "maintenance",
            ClosureCode::Congestion => "congestion",
            ClosureCode::GateClosed => "gate_closed",
        }
    }
}

impl YardConfig {
    /// Slot lengths a yard can use.
    pub const SLOT_MINUTES: [u16; 2] = [30, 60];
    pub const MAX_CAPACITY_PER_SLOT: u32 = 1000;
    pub const MAX_FEE_VND: u64 = 10_000_000;
    pub const MAX_CLOSURES: usize = 200;
    /// Longest closure reason, in characters per language.
    pub const MAX_REASON_CHARS: usize = 200;

    /// Defaults from the yard directory: its hours, slot length (60 if it is not 30 or 60),
    /// per-slot capacity and perishable share; free; 1 booking for a driver, 10 for a trader;
    /// 14 days ahead; the default no-show policy; no closures.
    pub fn from_yard(yard: &Yard) -> YardConfig {
        YardConfig {
            slot_minutes: if Self::SLOT_MINUTES.contains(&yard.slot_minutes) {
                yard.slot_minutes
            } else {
                60
            },
            opens_minute: yard.opens_minute,
            closes_minute: yard.closes_minute,
            capacity_per_slot: yard
                .capacity_per_slot()
                .clamp(1, Self::MAX_CAPACITY_PER_SLOT),
            perishable_percent: yard.perishable_percent.min(100),
            fee_vnd: 0,
            max_active_driver: 1,
            max_active_trader: 10,
            horizon_days: 14,
            no_show: NoShowPolicy::default(),
            closures: Vec::new(),
        }
    }

    /// Active bookings an account of `role` may hold at this yard; 0 for roles that do not book.
    pub fn max_active_for(&self, role: Role) -> u16 {
        match role {
            Role::Driver => self.max_active_driver,
            Role::Trader => self.max_active_trader,
            Role::Resident | Role::YardOperator | Role::Officer | Role::Admin => 0,
        }
    }

    /// Checks every setting; the error names the first one that is wrong.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |why: &str| Err(BookingRefusal::InvalidConfig.error(why));
        if !Self::SLOT_MINUTES.contains(&self.slot_minutes) {
            return bad("slots are 30 or 60 minutes");
        }
        if self.closes_minute > crate::time::MINUTES_PER_DAY
            || u32::from(self.opens_minute) + u32::from(self.slot_minutes)
                > u32::from(self.closes_minute)
        {
            return bad("opening hours must hold at least one slot within the day");
        }
        if !(1..=Self::MAX_CAPACITY_PER_SLOT).contains(&self.capacity_per_slot) {
            return bad("capacity per slot is 1-1000");
        }
        if self.perishable_percent > 100 {
            return bad("the perishable share is a percentage");
        }
        if self.fee_vnd > Self::MAX_FEE_VND {
            return bad("the fee is at most 10.000.000 VND");
        }
        if !(1..=10).contains(&self.max_active_driver) {
            return bad("a driver may hold 1-10 active bookings");
        }
        if !(1..=500).contains(&self.max_active_trader) {
            return bad("a trader may hold 1-500 active bookings");
        }
        if !(1..=60).contains(&self.horizon_days) {
            return bad("bookings open 1-60 days ahead");
        }
        let p = self.no_show;
        if p.grace_minutes > 240 {
            return bad("the no-show grace period is 0-240 minutes");
        }
        if !(1..=20).contains(&p.max_no_shows)
            || !(1..=365).contains(&p.window_days)
            || !(1..=365).contains(&p.pause_days)
        {
            return bad("the no-show policy is 1-20 no-shows in 1-365 days, paused 1-365 days");
        }
        if self.closures.len() > Self::MAX_CLOSURES {
            return bad("at most 200 closures");
        }
        self.closures.iter().try_for_each(Closure::validate)
    }
}

impl Closure {
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |why: &str| Err(BookingRefusal::InvalidConfig.error(why));
        if let ClosureSpan::Hours { from_ms, until_ms } = self.span {
            if !(0..MAX_INSTANT_MS).contains(&from_ms)
                || until_ms <= from_ms
                || until_ms - from_ms > 31 * DAY_MS
            {
                return bad("a closure ends after it starts and lasts at most 31 days");
            }
        }
        if let ClosureReason::Text(text) = &self.reason {
            for t in [&text.vi, &text.en, &text.zh] {
                let n = t.trim().chars().count();
                if n == 0 || n > YardConfig::MAX_REASON_CHARS || t.chars().any(char::is_control) {
                    return bad("a closure reason is 1-200 characters in vi, en and zh");
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{at, closure_hours, config};
    use super::*;
    use crate::{ErrorCode, YardId};

    fn refused(c: &YardConfig) -> bool {
        c.validate()
            .is_err_and(|e| BookingRefusal::of(&e) == Some(BookingRefusal::InvalidConfig))
    }

    #[test]
    fn the_default_config_is_valid_and_invalid_settings_are_refused() {
        assert!(config().validate().is_ok());
        let cases: Vec<fn(&mut YardConfig)> = vec![
            |c| c.slot_minutes = 45,
            |c| c.slot_minutes = 120,
            |c| c.closes_minute = 1441,
            |c| c.opens_minute = c.closes_minute,
            |c| c.opens_minute = c.closes_minute - 30,
            |c| c.capacity_per_slot = 0,
            |c| c.capacity_per_slot = 1001,
            |c| c.perishable_percent = 101,
            |c| c.fee_vnd = 10_000_001,
            |c| c.max_active_driver = 0,
            |c| c.max_active_trader = 501,
            |c| c.horizon_days = 0,
            |c| c.horizon_days = 61,
            |c| c.no_show.grace_minutes = 241,
            |c| c.no_show.max_no_shows = 0,
            |c| c.no_show.window_days = 0,
            |c| c.no_show.pause_days = 366,
            |c| {
                c.closures = vec![closure_hours(at("2026-11-28", "10:00"), 0); 1];
            },
            |c| {
                let r = closure_hours(0, 1);
                c.closures = vec![r; 201];
            },
            |c| {
                c.closures = vec![closure_hours(0, 32 * DAY_MS)];
            },
            |c| {
                c.closures = vec![Closure {
                    span: ClosureSpan::Day {
                        date: LocalDate::parse("2026-11-28").unwrap(),
                    },
                    reason: ClosureReason::Text(LocalizedText {
                        vi: "Bảo trì".into(),
                        en: " ".into(),
                        zh: "维修".into(),
                    }),
                }];
            },
        ];
        for (i, change) in cases.into_iter().enumerate() {
            let mut c = config();
            change(&mut c);
            assert!(refused(&c), "case {i}");
            assert_eq!(
                c.validate().unwrap_err().code(),
                ErrorCode::InvalidBookingConfig
            );
        }
        let mut edge = config();
        edge.opens_minute = 0;
        edge.closes_minute = 1440;
        edge.perishable_percent = 100;
        edge.fee_vnd = 10_000_000;
        assert!(edge.validate().is_ok());
    }

    #[test]
    fn caps_depend_on_the_role() {
        let c = config();
        assert_eq!(c.max_active_for(Role::Driver), 1);
        assert_eq!(c.max_active_for(Role::Trader), 10);
        for role in [
            Role::Resident,
            Role::YardOperator,
            Role::Officer,
            Role::Admin,
        ] {
            assert_eq!(c.max_active_for(role), 0);
        }
    }

    #[test]
    fn a_config_follows_the_yard_directory() {
        let yard = Yard {
            id: YardId::parse("hn-fruit").unwrap(),
            name: LocalizedText {
                vi: "Bãi".into(),
                en: "Yard".into(),
                zh: "场".into(),
            },
            daily_capacity: 400,
            slot_minutes: 120,
            perishable_percent: 60,
            opens_minute: 360,
            closes_minute: 1320,
        };
        let c = YardConfig::from_yard(&yard);
        assert_eq!(c.slot_minutes, 60);
        assert_eq!(c.capacity_per_slot, 50);
        assert_eq!(c.lane_capacity().perishable, 30);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn closures_cover_a_day_or_hours_and_serialise_readably() {
        let day = ClosureSpan::Day {
            date: LocalDate::parse("2026-11-28").unwrap(),
        };
        assert_eq!(
            day.range_ms(),
            (at("2026-11-28", "00:00"), at("2026-11-29", "00:00"))
        );
        let c = Closure {
            span: day,
            reason: ClosureReason::Code(ClosureCode::Holiday),
        };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            json,
            r#"{"span":{"kind":"day","date":"2026-11-28"},"reason":{"code":"holiday"}}"#
        );
        assert_eq!(serde_json::from_str::<Closure>(&json).unwrap(), c);
        assert_eq!(c.reason.english(), "holiday");
        let cfg = config();
        let back: YardConfig = serde_json::from_str(&serde_json::to_string(&cfg).unwrap()).unwrap();
        assert_eq!(back, cfg);
    }
}
