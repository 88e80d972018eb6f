//! Test data shared by the booking tests.

use super::config::{Closure, ClosureCode, ClosureReason, ClosureSpan, NoShowPolicy, YardConfig};
use super::rules::TripFacts;
use super::slots::{Lane, LocalDate, SlotId};
use super::{Booking, BookingId, BookingStatus, IdempotencyKey, MINUTE_MS};
use crate::{AccountId, DeclarationNumber, GateId, Plate, TripId, TripStatus, YardId};

/// A local date and time in Vietnam as Unix ms.
pub fn at(date: &str, hhmm: &str) -> i64 {
    crate::time::parse_local_date_time(date, hhmm).unwrap()
}

pub fn yard_id() -> YardId {
    YardId::parse("hn-fruit").unwrap()
}

pub fn gate_id() -> GateId {
    GateId::parse("huu-nghi").unwrap()
}

pub fn account(n: u8) -> AccountId {
    AccountId::from_random([n; 8])
}

pub fn key(s: &str) -> IdempotencyKey {
    IdempotencyKey::parse(&format!("key-{s:0>8}")).unwrap()
}

/// 06:00-22:00 in 60-minute slots of 10 places, 20 % perishable (2 + 8); 50.000 VND; driver 1,
/// trader 10; 14 days ahead; 30 minutes' grace, 3 no-shows in 30 days pause 7 days.
pub fn config() -> YardConfig {
    YardConfig {
        slot_minutes: 60,
        opens_minute: 6 * 60,
        closes_minute: 22 * 60,
        capacity_per_slot: 10,
        perishable_percent: 20,
        fee_vnd: 50_000,
        max_active_driver: 1,
        max_active_trader: 10,
        horizon_days: 14,
        no_show: NoShowPolicy::default(),
        closures: Vec::new(),
    }
}

pub fn closure_day(date: &str) -> Closure {
    Closure {
        span: ClosureSpan::Day {
            date: LocalDate::parse(date).unwrap(),
        },
        reason: ClosureReason::Code(ClosureCode::Holiday),
    }
}

pub fn closure_hours(from_ms: i64, until_ms: i64) -> Closure {
    Closure {
        span: ClosureSpan::Hours { from_ms, until_ms },
        reason: ClosureReason::Code(ClosureCode::Maintenance),
    }
}

/// An accepted, declared trip of account 1 to Huu Nghi.
pub fn trip_facts(trip: &str, plate: &str, perishable: bool) -> TripFacts {
    TripFacts {
        trip_id: TripId::parse(trip).unwrap(),
        owner: account(1),
        status: TripStatus::Accepted,
        gate: gate_id(),
        plate: Plate::parse(plate).unwrap(),
        perishable,
        declaration: Some("104123456789".parse::<DeclarationNumber>().unwrap()),
        plate_verified_elsewhere: false,
    }
}

/// An active general booking of account 1 for `29C-123.45` on trip `t-1`.
pub fn booking(id: &str, start_ms: i64) -> Booking {
    Booking {
        id: BookingId::parse(id).unwrap(),
        slot: SlotId {
            yard: yard_id(),
            start_ms,
        },
        slot_end_ms: start_ms + 60 * MINUTE_MS,
        lane: Lane::General,
        account_id: account(1),
        plate: Plate::parse("29C-123.45").unwrap(),
        trip_id: TripId::parse("t-1").unwrap(),
        perishable: false,
        fee_vnd: 50_000,
        status: BookingStatus::Active,
        created_at_ms: start_ms - 3_600_000,
        updated_at_ms: start_ms - 3_600_000,
        closed_at_ms: None,
        idempotency_key: key(id),
    }
}
