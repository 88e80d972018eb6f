//! Random sequences of operations on a small, contended yard: whatever happens, no lane is
//! overbooked, no vehicle holds two active bookings on one yard-day, availability is capacity
//! minus active bookings, and a refused operation changes nothing.

use super::fixtures::*;
use super::ledger::{BookRequest, CancelRequest, Ledger, RescheduleRequest};
use super::slots::{Lane, LaneCounts, LocalDate, SlotId};
use super::{Booking, BookingId, DAY_MS, MINUTE_MS};
use crate::{Role, TripId};
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone)]
enum Op {
    Book {
        trip: u8,
        as_owner: bool,
        slot: u8,
        lane: Option<Lane>,
        key: u8,
    },
    Cancel {
        booking: u8,
        as_owner: bool,
        key: u8,
    },
    Reschedule {
        booking: u8,
        slot: u8,
        lane: Option<Lane>,
        key: u8,
    },
    CheckIn {
        booking: u8,
    },
    CancelByYard {
        booking: u8,
    },
    Release,
    Capacity {
        capacity: u32,
        percent: u8,
    },
    Wait {
        minutes: u16,
    },
}

fn lane() -> impl Strategy<Value = Option<Lane>> {
    prop_oneof![
        3 => Just(None),
        1 => Just(Some(Lane::General)),
        1 => Just(Some(Lane::Perishable)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u8..12, prop::bool::weighted(0.9), 0u8..6, lane(), 0u8..40)
            .prop_map(|(trip, as_owner, slot, lane, key)| Op::Book { trip, as_owner, slot, lane, key }),
        2 => (0u8..16, prop::bool::weighted(0.8), 0u8..40)
            .prop_map(|(booking, as_owner, key)| Op::Cancel { booking, as_owner, key }),
        3 => (0u8..16, 0u8..6, lane(), 0u8..40)
            .prop_map(|(booking, slot, lane, key)| Op::Reschedule { booking, slot, lane, key }),
        1 => (0u8..16).prop_map(|booking| Op::CheckIn { booking }),
        1 => (0u8..16).prop_map(|booking| Op::CancelByYard { booking }),
        1 => Just(Op::Release),
        1 => (1u32..6, 0u8..=100).prop_map(|(capacity, percent)| Op::Capacity { capacity, percent }),
        2 => (0u16..90).prop_map(|minutes| Op::Wait { minutes }),
    ]
}

const START: &str = "2026-11-28";

/// Six slots: 09:00, 10:00, 11:00 on two days.
fn slot_start(i: u8) -> i64 {
    let day = i64::from(i / 3);
    at(START, "09:00") + day * DAY_MS + i64::from(i % 3) * 60 * MINUTE_MS
}

/// Trip `n` is owned by account `n % 3`, drives plate `n % 6`, and is perishable when odd.
fn book_request(trip: u8, as_owner: bool, slot: u8, lane: Option<Lane>, key_n: u8) -> BookRequest {
    let owner = account(trip % 3);
    let booker = if as_owner {
        owner.clone()
    } else {
        account((trip + 1) % 3)
    };
    let mut facts = trip_facts(
        &format!("t-{trip}"),
        &format!("29C-100.0{}", trip % 6),
        trip % 2 == 1,
    );
    facts.owner = owner;
    BookRequest {
        role: if booker == account(0) {
            Role::Driver
        } else {
            Role::Trader
        },
        account: booker,
        trip: facts,
        slot: SlotId {
            yard: yard_id(),
            start_ms: slot_start(slot),
        },
        lane,
        key: key(&format!("k{key_n}")),
    }
}

fn check_invariants(l: &Ledger, now: i64) -> Result<(), TestCaseError> {
    let capacity = l.config().lane_capacity();
    let mut booked: BTreeMap<i64, LaneCounts> = BTreeMap::new();
    let mut per_vehicle_day: HashMap<(String, LocalDate), usize> = HashMap::new();
    let mut per_trip: HashMap<TripId, usize> = HashMap::new();
    for b in l.bookings().filter(|b| b.is_active()) {
        booked.entry(b.slot.start_ms).or_default().add(b.lane);
        *per_vehicle_day
            .entry((b.plate.normalized().to_owned(), b.date()))
            .or_default() += 1;
        *per_trip.entry(b.trip_id.clone()).or_default() += 1;
        if b.lane == Lane::Perishable {
            prop_assert!(b.perishable, "general cargo in a perishable place: {b:?}");
        }
    }
    for (start, counts) in &booked {
        prop_assert!(
            counts.general <= capacity.general && counts.perishable <= capacity.perishable,
            "slot {start} overbooked: {counts:?} > {capacity:?}"
        );
    }
    prop_assert!(per_vehicle_day.values().all(|n| *n == 1));
    prop_assert!(per_trip.values().all(|n| *n == 1));
    for day in 0..2 {
        let date = LocalDate::parse(START).unwrap().add_days(day);
        for s in l.availability(date, now).slots {
            let taken = booked.get(&s.start_ms).copied().unwrap_or_default();
            prop_assert_eq!(s.booked, taken);
            prop_assert_eq!(s.capacity, capacity);
            prop_assert_eq!(s.remaining, capacity.minus(taken));
            prop_assert_eq!(s.remaining.total() + taken.total(), capacity.total());
        }
    }
    Ok(())
}

fn snapshot(l: &Ledger) -> Vec<Booking> {
    l.bookings().cloned().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_operations_never_overbook(ops in prop::collection::vec(op(), 1..60)) {
        let mut c = config();
        c.capacity_per_slot = 3;
        c.perishable_percent = 34; // 1 perishable + 2 general
        let mut l = Ledger::new(yard_id(), gate_id(), c).unwrap();
        let mut now = at(START, "07:00");
        let mut issued: Vec<BookingId> = Vec::new();
        let mut next_id = 0usize;
        for op in ops {
            let before = snapshot(&l);
            let result: Result<(), crate::Error> = match op.clone() {
                Op::Book { trip, as_owner, slot, lane, key } => {
                    next_id += 1;
                    let id = BookingId::parse(&format!("bk-{next_id}")).unwrap();
                    let r = book_request(trip, as_owner, slot, lane, key);
                    l.book(&r, id, now).map(|b| {
                        if !issued.contains(&b.id) {
                            issued.push(b.id);
                        }
                    })
                }
                Op::Cancel { booking, as_owner, key: k } => match issued.get(usize::from(booking)) {
                    Some(id) => {
                        let owner = l.booking(id).unwrap().account_id.clone();
                        let account_ = if as_owner { owner } else { account(9) };
                        let r = CancelRequest { account: account_, booking_id: id.clone(), key: key(&format!("k{k}")) };
                        l.cancel(&r, now).map(drop)
                    }
                    None => Ok(()),
                },
                Op::Reschedule { booking, slot, lane, key: k } => match issued.get(usize::from(booking)) {
                    Some(id) => {
                        let owner = l.booking(id).unwrap().account_id.clone();
                        let r = RescheduleRequest {
                            account: owner,
                            booking_id: id.clone(),
                            new_start_ms: slot_start(slot),
                            lane,
                            key: key(&format!("k{k}")),
                        };
                        l.reschedule(&r, now).map(drop)
                    }
                    None => Ok(()),
                },
                Op::CheckIn { booking } => match issued.get(usize::from(booking)) {
                    Some(id) => {
                        let plate = l.booking(id).unwrap().plate.clone();
                        l.check_in(id, &plate, now, now).map(drop)
                    }
                    None => Ok(()),
                },
                Op::CancelByYard { booking } => match issued.get(usize::from(booking)) {
                    Some(id) => l.cancel_by_yard(&id.clone(), now).map(drop),
                    None => Ok(()),
                },
                Op::Release => {
                    l.release_no_shows(now);
                    Ok(())
                }
                Op::Capacity { capacity, percent } => {
                    let mut c = l.config().clone();
                    c.capacity_per_slot = capacity;
                    c.perishable_percent = percent;
                    l.set_config(c, now)
                }
                Op::Wait { minutes } => {
                    now += i64::from(minutes) * MINUTE_MS;
                    Ok(())
                }
            };
            if result.is_err() {
                prop_assert_eq!(snapshot(&l), before, "a refused {:?} changed bookings", op);
            }
            // Every change the ledger reports is what it now holds.
            for change in l.take_changes() {
                if let super::Change::Booking(b) = change {
                    let held = l.booking(&b.id).cloned();
                    prop_assert!(held.is_some());
                }
            }
            check_invariants(&l, now)?;
        }
    }

    #[test]
    fn the_same_key_always_gets_the_same_answer(trip in 0u8..12, slot in 0u8..6, fill in 0u8..4) {
        let mut l = Ledger::new(yard_id(), gate_id(), config()).unwrap();
        let now = at(START, "07:00");
        for n in 0..fill {
            let _ = l.book(&book_request(n + 20, true, slot, None, n + 50), BookingId::parse(&format!("bk-f{n}")).unwrap(), now);
        }
        let r = book_request(trip, true, slot, None, 1);
        let first = l.book(&r, BookingId::parse("bk-a").unwrap(), now);
        let state = snapshot(&l);
        let again = l.book(&r, BookingId::parse("bk-b").unwrap(), now + MINUTE_MS);
        prop_assert_eq!(first, again);
        prop_assert_eq!(snapshot(&l), state);
    }
}

/// Any i64 at all, with the edges and the neighbourhood of the accepted range drawn often.
fn any_instant() -> impl Strategy<Value = i64> {
    use crate::time::{EARLIEST_INSTANT_MS, LATEST_INSTANT_MS};
    prop_oneof![
        any::<i64>(),
        Just(i64::MIN),
        Just(i64::MAX),
        Just(0i64),
        (EARLIEST_INSTANT_MS - 30 * DAY_MS)..(EARLIEST_INSTANT_MS + 30 * DAY_MS),
        (LATEST_INSTANT_MS - 30 * DAY_MS)..(LATEST_INSTANT_MS + 30 * DAY_MS),
        // Whole hours near the test's "now": often a real, bookable slot.
        (-48i64..400).prop_map(|h| at(START, "00:00") + h * 60 * MINUTE_MS),
    ]
}

/// The range check, computed in i128.
fn in_range_i128(ms: i64) -> bool {
    let wide = i128::from(ms);
    i128::from(crate::time::EARLIEST_INSTANT_MS) <= wide
        && wide < i128::from(crate::time::LATEST_INSTANT_MS)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Slot starts straight from a request body, over all of i64: never a panic, out of range
    /// is `time_out_of_range` before anything else, and a slot that exists ends exactly
    /// `slot_minutes` after it starts (checked in i128).
    #[test]
    fn slot_starts_over_all_of_i64_never_panic_and_respect_the_range(start in any_instant()) {
        let c = config();
        let now = at(START, "07:00");
        match super::rules::check_slot(&c, start, now) {
            Ok(slot) => {
                prop_assert!(in_range_i128(start));
                prop_assert_eq!(slot.start_ms, start);
                prop_assert_eq!(
                    i128::from(slot.end_ms) - i128::from(slot.start_ms),
                    i128::from(c.slot_minutes) * i128::from(MINUTE_MS)
                );
            }
            Err(e) => prop_assert_eq!(
                e.code() == crate::ErrorCode::TimeOutOfRange,
                !in_range_i128(start),
                "{:?}", e
            ),
        }
    }

    /// Booking and moving to any i64 start: never a panic, a refusal changes nothing, and an
    /// out-of-range start is always `time_out_of_range`.
    #[test]
    fn booking_and_moving_to_any_start_never_panic(start in any_instant(), to in any_instant()) {
        let mut l = Ledger::new(yard_id(), gate_id(), config()).unwrap();
        let now = at(START, "07:00");
        let mut r = book_request(1, true, 0, None, 1);
        r.slot.start_ms = start;
        let before = snapshot(&l);
        match l.book(&r, BookingId::parse("bk-1").unwrap(), now) {
            Ok(b) => prop_assert!(in_range_i128(b.slot.start_ms) && in_range_i128(b.slot_end_ms)),
            Err(e) => {
                prop_assert_eq!(snapshot(&l), before);
                if !in_range_i128(start) {
                    prop_assert_eq!(e.code(), crate::ErrorCode::TimeOutOfRange);
                }
            }
        }
        let placed = l.book(&book_request(2, true, 1, None, 2), BookingId::parse("bk-2").unwrap(), now).unwrap();
        let before = snapshot(&l);
        let m = RescheduleRequest {
            account: placed.account_id.clone(),
            booking_id: placed.id.clone(),
            new_start_ms: to,
            lane: None,
            key: key("m1"),
        };
        match l.reschedule(&m, now) {
            Ok(b) => prop_assert!(in_range_i128(b.slot.start_ms) && in_range_i128(b.slot_end_ms)),
            Err(e) => {
                prop_assert_eq!(snapshot(&l), before);
                if !in_range_i128(to) {
                    prop_assert_eq!(e.code(), crate::ErrorCode::TimeOutOfRange);
                }
            }
        }
    }
}
