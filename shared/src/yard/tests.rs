use super::memory::{Failure, MemoryStore};
use super::*;
use crate::booking::fixtures::{account, at, config, gate_id, key, trip_facts, yard_id};
use crate::booking::{SlotId, MINUTE_MS};
use crate::Role;

pub(super) fn setup() -> YardSetup {
    YardSetup {
        yard: yard_id(),
        gate: gate_id(),
        config: config(),
    }
}

pub(super) fn book_request(trip: &str, plate: &str, start_ms: i64, key_s: &str) -> BookRequest {
    BookRequest {
        account: account(1),
        role: Role::Trader,
        trip: trip_facts(trip, plate, false),
        slot: SlotId {
            yard: yard_id(),
            start_ms,
        },
        lane: None,
        key: key(key_s),
    }
}

pub(super) fn arrival(trip: &str, plate: &str) -> Arrival {
    Arrival {
        trip_id: TripId::parse(trip).unwrap(),
        account_id: account(1),
        plate: Plate::parse(plate).unwrap(),
        perishable: false,
    }
}

fn bid(n: u32) -> BookingId {
    BookingId::parse(&format!("bk-{n:04}")).unwrap()
}

fn qid(n: u32) -> QueueEntryId {
    QueueEntryId::parse(&format!("q-{n:04}")).unwrap()
}

fn yard() -> YardState {
    let mut yard = YardState::set_up(setup()).unwrap();
    yard.take_changes();
    yard
}

fn kinds(changes: &YardChanges) -> Vec<&'static str> {
    changes.events.iter().map(|r| r.event.kind()).collect()
}

fn seqs(events: &[Recorded]) -> Vec<u64> {
    events.iter().map(|r| event_seq(&r.id).unwrap()).collect()
}

const PLATE: &str = "29C-123.45";

#[test]
fn bookings_record_their_events_numbered_per_yard() {
    let now = at("2026-11-28", "07:00");
    let nine = at("2026-11-28", "09:00");
    let mut y = yard();
    let made = y
        .book(&book_request("t-1", PLATE, nine, "a"), bid(1), now)
        .unwrap();
    assert_eq!(made.replay, None);
    let moved = y
        .reschedule(
            &RescheduleRequest {
                account: account(1),
                booking_id: bid(1),
                new_start_ms: nine + 60 * MINUTE_MS,
                lane: None,
                key: key("b"),
            },
            now,
        )
        .unwrap();
    assert_eq!(moved.booking.slot.start_ms, nine + 60 * MINUTE_MS);
    y.cancel(
        &CancelRequest {
            account: account(1),
            booking_id: bid(1),
            key: key("c"),
        },
        now,
    )
    .unwrap();
    let changes = y.take_changes();
    assert_eq!(
        kinds(&changes),
        ["booking.made", "booking.rescheduled", "booking.cancelled"]
    );
    assert_eq!(seqs(&changes.events), [1, 2, 3]);
    assert_eq!(changes.events[0].id.as_str(), "hn-fruit.1");
    assert!(changes.events.iter().all(|r| r.at_ms == now));
    assert_eq!(y.next_event_seq(), 4);
}

#[test]
fn replays_and_refusals_record_no_event() {
    let now = at("2026-11-28", "07:00");
    let nine = at("2026-11-28", "09:00");
    let mut y = yard();
    let request = book_request("t-1", PLATE, nine, "a");
    y.book(&request, bid(1), now).unwrap();
    y.take_changes();
    // The same key again: the first answer, marked as a replay with the status now.
    let again = y.book(&request, bid(2), now).unwrap();
    assert_eq!(again.booking.id, bid(1));
    assert_eq!(
        again.replay,
        Some(Replay {
            status_now: Some(BookingStatus::Active)
        })
    );
    assert!(again.replay.unwrap().still_holds());
    // The same trip with another key is refused (one booking per trip).
    let refused = y.book(&book_request("t-1", PLATE, nine, "b"), bid(3), now);
    assert!(refused.is_err());
    let changes = y.take_changes();
    assert!(changes.events.is_empty(), "{changes:?}");
    // The refusal's key is remembered (a retry gets the same refusal), nothing else.
    assert!(changes
        .bookings
        .iter()
        .all(|c| matches!(c, Change::Idempotency(_))));
    // Rescheduling to the slot it has changes nothing and says nothing.
    y.reschedule(
        &RescheduleRequest {
            account: account(1),
            booking_id: bid(1),
            new_start_ms: nine,
            lane: None,
            key: key("c"),
        },
        now,
    )
    .unwrap();
    assert!(y.take_changes().events.is_empty());
}

#[test]
fn a_yard_release_is_recorded_once() {
    let now = at("2026-11-28", "07:00");
    let nine = at("2026-11-28", "09:00");
    let mut y = yard();
    y.book(&book_request("t-1", PLATE, nine, "a"), bid(1), now)
        .unwrap();
    y.take_changes();
    y.cancel_by_yard(&bid(1), now).unwrap();
    y.cancel_by_yard(&bid(1), now).unwrap();
    let changes = y.take_changes();
    assert_eq!(kinds(&changes), ["booking.released"]);
    assert!(matches!(
        changes.events[0].event,
        Event::BookingReleased {
            reason: ReleaseReason::ByYard,
            ..
        }
    ));
}

#[test]
fn no_shows_are_released_with_their_event() {
    let now = at("2026-11-28", "07:00");
    let nine = at("2026-11-28", "09:00");
    let mut y = yard();
    y.book(&book_request("t-1", PLATE, nine, "a"), bid(1), now)
        .unwrap();
    y.take_changes();
    // 10:00 is the slot's end, plus 30 minutes' grace.
    assert!(y.release_no_shows(at("2026-11-28", "10:29")).is_empty());
    y.tick(at("2026-11-28", "10:30"));
    let changes = y.take_changes();
    assert_eq!(kinds(&changes), ["booking.released"]);
    assert!(matches!(
        changes.events[0].event,
        Event::BookingReleased {
            reason: ReleaseReason::NoShow,
            ..
        }
    ));
    assert_eq!(
        y.ledger().booking(&bid(1)).unwrap().status,
        BookingStatus::NoShow
    );
}

#[test]
fn a_scan_uses_the_trips_booking_of_that_day_and_checks_it_in() {
    let now = at("2026-11-28", "07:00");
    let nine = at("2026-11-28", "09:00");
    let mut y = yard();
    y.book(&book_request("t-1", PLATE, nine, "a"), bid(1), now)
        .unwrap();
    // Tomorrow's booking of another trip is not used up by coming today.
    y.book(
        &book_request("t-2", "29C-555.55", nine + DAY_MS, "b"),
        bid(2),
        now,
    )
    .unwrap();
    y.take_changes();
    let scan = at("2026-11-28", "08:00");
    assert!(y
        .booking_for_scan(&arrival("t-2", "29C-555.55"), scan)
        .is_none());
    let answer = y
        .check_in(arrival("t-1", PLATE), scan, qid(1), None, scan)
        .unwrap();
    assert_eq!(answer.entry.booking_id, Some(bid(1)));
    assert_eq!(answer.position, Some(1));
    assert_eq!(
        y.ledger().booking(&bid(1)).unwrap().status,
        BookingStatus::CheckedIn
    );
    // Another plate on the same trip is not the booked vehicle: a walk-in.
    assert!(y
        .booking_for_scan(&arrival("t-1", "29C-999.99"), scan)
        .is_none());
    let changes = y.take_changes();
    assert_eq!(kinds(&changes), ["queue.checked_in"]);
    assert!(changes.queue_changed());
    // A scan after the grace period: a walk-in, the booking is no longer used.
    let late = at("2026-11-28", "10:30");
    let mut y2 = yard();
    y2.book(&book_request("t-1", PLATE, nine, "a"), bid(1), now)
        .unwrap();
    assert!(y2.booking_for_scan(&arrival("t-1", PLATE), late).is_none());
    // A scan in time that arrives after the no-show release still counts.
    y2.release_no_shows(late);
    let in_time = at("2026-11-28", "10:00");
    assert!(y2
        .booking_for_scan(&arrival("t-1", PLATE), in_time)
        .is_some());
}

#[test]
fn queue_operations_record_their_events() {
    let t = at("2026-11-28", "08:00");
    let mut y = yard();
    y.check_in(arrival("t-1", PLATE), t, qid(1), None, t)
        .unwrap();
    y.check_in(arrival("t-2", "29C-555.55"), t + 1, qid(2), None, t + 1)
        .unwrap();
    y.move_entry(&qid(2), 1, "  ambulance  ", &account(9), t + 2)
        .unwrap();
    let called = y.call(Lane::General, 2, t + 3).unwrap();
    assert_eq!(called.len(), 2);
    y.serve(&qid(2), t + 4).unwrap();
    y.absent(&qid(1), t + 10 * MINUTE_MS).unwrap();
    let changes = y.take_changes();
    assert_eq!(
        kinds(&changes),
        [
            "queue.checked_in",
            "queue.checked_in",
            "queue.moved",
            "queue.called",
            "queue.called",
            "queue.served",
            "queue.absent"
        ]
    );
    assert!(matches!(
        &changes.events[2].event,
        Event::Moved { position: 1, reason, by, .. } if reason == "ambulance" && by == &account(9)
    ));
    assert!(matches!(
        changes.events[6].event,
        Event::Absent {
            absences: 1,
            no_show: false,
            ..
        }
    ));
    assert_eq!(seqs(&changes.events), (1..=7).collect::<Vec<_>>());
    // Refusals say nothing: serving a waiting vehicle, calling an empty lane.
    assert!(y.serve(&qid(1), t + 11 * MINUTE_MS).is_err());
    assert!(y.call(Lane::Perishable, 1, t).is_err());
    assert!(y.take_changes().events.is_empty());
}

#[test]
fn an_outbox_check_in_is_answered_once_per_key() {
    let t = at("2026-11-28", "08:00");
    let mut y = yard();
    let first = y
        .check_in(arrival("t-1", PLATE), t, qid(1), Some("c1:1"), t)
        .unwrap();
    // The replay gets the first answer, though the same trip would now be refused.
    let again = y
        .check_in(arrival("t-1", PLATE), t, qid(2), Some("c1:1"), t + 5)
        .unwrap();
    assert_eq!(again, first);
    // A refusal is remembered too.
    let refused = y
        .check_in(arrival("t-1", PLATE), t, qid(3), Some("c1:2"), t)
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::AlreadyCheckedIn);
    assert_eq!(
        y.stored_check_in("c1:2").unwrap().unwrap_err().code(),
        ErrorCode::AlreadyCheckedIn
    );
    assert!(y.stored_check_in("c1:3").is_none());
    let changes = y.take_changes();
    assert_eq!(kinds(&changes), ["queue.checked_in"]);
    assert_eq!(changes.check_ins.len(), 2);
    // Forgotten with the queue's closed entries, two local days on.
    y.tick(t + 2 * DAY_MS);
    assert!(y.stored_check_in("c1:1").is_none());
}

#[test]
fn the_account_disabled_flag_changes_no_place() {
    let t = at("2026-11-28", "08:00");
    let mut y = yard();
    y.check_in(arrival("t-1", PLATE), t, qid(1), None, t)
        .unwrap();
    y.take_changes();
    assert_eq!(y.account_disabled(&account(1)), 1);
    assert_eq!(y.account_disabled(&account(1)), 0);
    assert_eq!(y.queue().position(&qid(1)), Some(1));
}

#[test]
fn a_new_yard_stores_its_setup_first() {
    let mut y = YardState::set_up(setup()).unwrap();
    let changes = y.take_changes();
    assert_eq!(changes.set_up, Some(setup()));
    assert!(matches!(changes.bookings[..], [Change::Config(_)]));
    assert!(y.take_changes().is_empty());
}

// --- The runner over failing storage --------------------------------------------------------

fn run_book(
    runner: &mut YardRunner,
    store: &mut MemoryStore,
    trip: &str,
    plate: &str,
    n: u32,
) -> Result<BookingAnswer, String> {
    let now = at("2026-11-28", "07:00");
    let nine = at("2026-11-28", "09:00");
    let request = book_request(trip, plate, nine, &format!("k{n}"));
    match runner.run(store, Some(&setup()), now, |y| {
        y.book(&request, bid(n), now)
    }) {
        Ok(ran) => ran.answer.map_err(|e| e.to_string()),
        Err(e) => Err(format!("store: {e}")),
    }
}

#[test]
fn a_yard_never_set_up_needs_its_setup() {
    let mut store = MemoryStore::default();
    let mut runner = YardRunner::new();
    let ran = runner.run(&mut store, None, 0, |y| y.config().clone());
    assert!(matches!(ran, Err(RunError::NotSetUp)));
}

#[test]
fn a_failed_store_drops_the_memory_and_the_yard_restores_what_was_stored() {
    for failure in [Failure::OnWrite(2), Failure::HalfWay(2)] {
        let mut store = MemoryStore::failing(vec![failure]);
        let mut runner = YardRunner::new();
        // Write 1: the yard is set up and t-1 booked (acknowledged).
        run_book(&mut runner, &mut store, "t-1", PLATE, 1).unwrap();
        // Write 2 fails: t-2's booking is not acknowledged, and not in memory either.
        assert!(run_book(&mut runner, &mut store, "t-2", "29C-555.55", 2)
            .unwrap_err()
            .starts_with("store"));
        assert!(runner.state().is_none(), "{failure:?}");
        // Write 3: restored from storage, t-1 is still booked and t-2 can be booked.
        run_book(&mut runner, &mut store, "t-2", "29C-555.55", 3).unwrap();
        let state = runner.state().unwrap();
        assert!(state.ledger().booking(&bid(1)).is_some());
        assert!(state.ledger().booking(&bid(2)).is_none());
        assert!(state.ledger().booking(&bid(3)).is_some());
        // Events: one per acknowledged booking, numbered without a gap or a double.
        assert_eq!(seqs(&store.events), [1, 2], "{failure:?}");
        assert_eq!(
            store
                .events
                .iter()
                .map(|r| r.event.entity_id())
                .collect::<Vec<_>>(),
            ["bk-0001", "bk-0003"]
        );
        // What is stored restores to what is in memory.
        let restored = YardState::restore(store.snapshot().unwrap().clone()).unwrap();
        assert_eq!(restored.next_event_seq(), 3);
        assert_eq!(
            restored.ledger().bookings().collect::<Vec<_>>(),
            state.ledger().bookings().collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_failed_first_store_leaves_the_yard_unset() {
    let mut store = MemoryStore::failing(vec![Failure::HalfWay(1)]);
    let mut runner = YardRunner::new();
    assert!(run_book(&mut runner, &mut store, "t-1", PLATE, 1).is_err());
    assert!(store.snapshot().is_none());
    assert!(store.events.is_empty());
    run_book(&mut runner, &mut store, "t-1", PLATE, 1).unwrap();
    assert_eq!(seqs(&store.events), [1]);
}

#[test]
fn a_replay_after_a_failed_store_is_a_fresh_request() {
    // The booking's store failed, so its key was never stored: the client's retry books.
    let mut store = MemoryStore::failing(vec![Failure::OnWrite(2)]);
    let mut runner = YardRunner::new();
    run_book(&mut runner, &mut store, "t-1", PLATE, 1).unwrap();
    assert!(run_book(&mut runner, &mut store, "t-2", "29C-555.55", 2).is_err());
    let retry = run_book(&mut runner, &mut store, "t-2", "29C-555.55", 2).unwrap();
    assert_eq!(retry.replay, None);
    assert_eq!(seqs(&store.events), [1, 2]);
}
