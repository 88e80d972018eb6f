//! Random sequences of yard operations, with storage that fails at random: no lane is
//! overbooked, every change of a booking or a queue entry comes with an event naming it, the
//! events stored are numbered without a gap and each acknowledged one is stored once, and what
//! is stored always restores to what the runner holds.

use super::memory::{Failure, MemoryStore};
use super::tests::{arrival, book_request, setup};
use super::*;
use crate::booking::fixtures::{account, at, key};
use crate::booking::{LaneCounts, MINUTE_MS};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
enum Op {
    Book { trip: u8, slot: u8, key: u8 },
    Cancel { booking: u8, key: u8 },
    Reschedule { booking: u8, slot: u8, key: u8 },
    CancelByYard { booking: u8 },
    CheckIn { trip: u8, key: Option<u8> },
    Call { count: u32 },
    Serve { entry: u8 },
    Absent { entry: u8 },
    Move { entry: u8, position: u32 },
    Tick,
    Wait { minutes: u16 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0u8..10, 0u8..3, 0u8..30).prop_map(|(trip, slot, key)| Op::Book { trip, slot, key }),
        1 => (0u8..12, 0u8..30).prop_map(|(booking, key)| Op::Cancel { booking, key }),
        2 => (0u8..12, 0u8..3, 0u8..30)
            .prop_map(|(booking, slot, key)| Op::Reschedule { booking, slot, key }),
        1 => (0u8..12).prop_map(|booking| Op::CancelByYard { booking }),
        3 => (0u8..10, prop::option::of(0u8..6)).prop_map(|(trip, key)| Op::CheckIn { trip, key }),
        2 => (1u32..4).prop_map(|count| Op::Call { count }),
        1 => (0u8..12).prop_map(|entry| Op::Serve { entry }),
        1 => (0u8..12).prop_map(|entry| Op::Absent { entry }),
        1 => (0u8..12, 1u32..4).prop_map(|(entry, position)| Op::Move { entry, position }),
        1 => Just(Op::Tick),
        2 => (0u16..60).prop_map(|minutes| Op::Wait { minutes }),
    ]
}

fn slot_start(i: u8) -> i64 {
    at("2026-11-28", "09:00") + i64::from(i) * 60 * MINUTE_MS
}

fn plate(trip: u8) -> String {
    format!("29C-100.{:02}", trip)
}

/// A small yard: 2 places per slot (both general), so contention is the common case.
fn small_setup() -> YardSetup {
    let mut s = setup();
    s.config.capacity_per_slot = 2;
    s.config.perishable_percent = 0;
    s
}

/// Runs one operation; ids are numbered by `n` (fresh each step).
fn apply(y: &mut YardState, op: &Op, n: u32, now: i64) {
    let bid = |b: u8| BookingId::parse(&format!("bk-{b:04}")).unwrap();
    let qid = |e: u8| QueueEntryId::parse(&format!("q-{e:04}")).unwrap();
    let _ = match op {
        Op::Book { trip, slot, key: k } => {
            let req = book_request(
                &format!("t-{trip}"),
                &plate(*trip),
                slot_start(*slot),
                &format!("b{k}"),
            );
            y.book(&req, bid((n % 12) as u8), now).map(|_| ())
        }
        Op::Cancel { booking, key: k } => y
            .cancel(
                &CancelRequest {
                    account: account(1),
                    booking_id: bid(*booking),
                    key: key(&format!("c{k}")),
                },
                now,
            )
            .map(|_| ()),
        Op::Reschedule {
            booking,
            slot,
            key: k,
        } => y
            .reschedule(
                &RescheduleRequest {
                    account: account(1),
                    booking_id: bid(*booking),
                    new_start_ms: slot_start(*slot),
                    lane: None,
                    key: key(&format!("r{k}")),
                },
                now,
            )
            .map(|_| ()),
        Op::CancelByYard { booking } => y.cancel_by_yard(&bid(*booking), now).map(|_| ()),
        Op::CheckIn { trip, key: k } => {
            let k = k.map(|k| format!("c:{k}"));
            y.check_in(
                arrival(&format!("t-{trip}"), &plate(*trip)),
                now,
                qid((n % 12) as u8),
                k.as_deref(),
                now,
            )
            .map(|_| ())
        }
        Op::Call { count } => y.call(Lane::General, *count, now).map(|_| ()),
        Op::Serve { entry } => y.serve(&qid(*entry), now).map(|_| ()),
        Op::Absent { entry } => y.absent(&qid(*entry), now).map(|_| ()),
        Op::Move { entry, position } => y
            .move_entry(&qid(*entry), *position, "reason", &account(9), now)
            .map(|_| ()),
        Op::Tick => {
            y.tick(now);
            Ok(())
        }
        Op::Wait { .. } => Ok(()),
    };
}

/// What a booking or an entry looks like, as far as events are concerned.
fn bookings_of(y: &YardState) -> BTreeMap<String, (BookingStatus, i64, Lane)> {
    y.ledger()
        .bookings()
        .map(|b| (b.id.to_string(), (b.status, b.slot.start_ms, b.lane)))
        .collect()
}

fn entries_of(y: &YardState) -> BTreeMap<String, (EntryStatus, u8, Option<u32>)> {
    y.queue()
        .entries()
        .map(|e| {
            (
                e.id.to_string(),
                (e.status, e.absences, y.queue().position(&e.id)),
            )
        })
        .collect()
}

fn check_no_overbooking(y: &YardState) -> Result<(), TestCaseError> {
    let capacity = y.config().lane_capacity();
    let mut booked: BTreeMap<i64, LaneCounts> = BTreeMap::new();
    for b in y.ledger().bookings().filter(|b| b.is_active()) {
        booked.entry(b.slot.start_ms).or_default().add(b.lane);
    }
    for counts in booked.values() {
        prop_assert!(counts.general <= capacity.general);
        prop_assert!(counts.perishable <= capacity.perishable);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_change_has_its_event_and_nothing_is_overbooked(ops in prop::collection::vec(op(), 1..60)) {
        let mut y = YardState::set_up(small_setup()).unwrap();
        y.take_changes();
        let mut now = at("2026-11-28", "07:00");
        let mut next_seq = 1;
        for (n, op) in ops.iter().enumerate() {
            if let Op::Wait { minutes } = op {
                now += i64::from(*minutes) * MINUTE_MS;
            }
            let (bookings, entries) = (bookings_of(&y), entries_of(&y));
            y.release_no_shows(now);
            apply(&mut y, op, n as u32, now);
            let changes = y.take_changes();
            check_no_overbooking(&y)?;
            // An event names its entity; a check-in also names the booking it checked in.
            let named: BTreeSet<String> = changes
                .events
                .iter()
                .flat_map(|r| {
                    let booking = match &r.event {
                        Event::CheckedIn { booking_id, .. } => booking_id.clone(),
                        _ => None,
                    };
                    [Some(r.event.entity_id()), booking.map(|b| b.to_string())]
                })
                .flatten()
                .collect();
            // Every booking whose status, slot or lane changed is named by an event.
            for (id, now_is) in bookings_of(&y) {
                if bookings.get(&id) != Some(&now_is) {
                    prop_assert!(named.contains(&id), "booking {id} changed silently: {op:?}");
                }
            }
            // Every entry that is new, or whose status or absences changed, likewise (a
            // position that moves because another entry left or arrived is not its event).
            for (id, (status, absences, _)) in entries_of(&y) {
                let before = entries.get(&id).map(|(s, a, _)| (*s, *a));
                if before != Some((status, absences)) {
                    prop_assert!(named.contains(&id), "entry {id} changed silently: {op:?}");
                }
            }
            // Numbered on from the last event, without a gap.
            for r in &changes.events {
                prop_assert_eq!(event_seq(&r.id), Some(next_seq));
                next_seq += 1;
            }
            prop_assert_eq!(y.next_event_seq(), next_seq);
        }
    }

    #[test]
    fn failing_storage_loses_nothing_acknowledged_and_doubles_no_event(
        ops in prop::collection::vec(op(), 1..50),
        failing in prop::collection::vec((1u32..60, prop::bool::ANY), 0..8),
    ) {
        let failures = failing
            .iter()
            .map(|&(n, half)| if half { Failure::HalfWay(n) } else { Failure::OnWrite(n) })
            .collect();
        let mut store = MemoryStore::failing(failures);
        let mut runner = YardRunner::new();
        let mut now = at("2026-11-28", "07:00");
        let mut acknowledged: Vec<Recorded> = Vec::new();
        for (n, op) in ops.iter().enumerate() {
            if let Op::Wait { minutes } = op {
                now += i64::from(*minutes) * MINUTE_MS;
            }
            if let Ok(ran) = runner.run(&mut store, Some(&small_setup()), now, |y| {
                apply(y, op, n as u32, now)
            }) {
                acknowledged.extend(ran.changes.events);
            }
            if let (Some(state), Some(snapshot)) = (runner.state(), store.snapshot()) {
                check_no_overbooking(state)?;
                // What is stored restores to what is in memory.
                let restored = YardState::restore(snapshot.clone()).unwrap();
                prop_assert_eq!(bookings_of(&restored), bookings_of(state));
                prop_assert_eq!(entries_of(&restored), entries_of(state));
                prop_assert_eq!(restored.next_event_seq(), state.next_event_seq());
            }
        }
        // The events stored are exactly the acknowledged ones, in order, numbered 1, 2, ...
        prop_assert_eq!(&store.events, &acknowledged);
        for (i, r) in store.events.iter().enumerate() {
            prop_assert_eq!(event_seq(&r.id), Some(i as u64 + 1));
        }
    }
}
