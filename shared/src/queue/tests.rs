use super::*;
use crate::booking::{LocalDate, DAY_MS, MINUTE_MS};
use proptest::prelude::*;

/// 2026-11-28 08:00 in Vietnam (UTC+7).
const T0: i64 = 1_795_827_600_000;

fn id(n: usize) -> QueueEntryId {
    QueueEntryId::parse(&format!("q-{n:04}")).unwrap()
}

fn check_in(n: usize, scanned_min: i64) -> CheckIn {
    CheckIn {
        id: id(n),
        trip_id: TripId::parse(&format!("t-{n:04}")).unwrap(),
        account_id: AccountId::parse(&format!("{n:016x}")).unwrap(),
        plate: Plate::parse(&format!("29C-{:03}.{:02}", n % 1000, n % 100)).unwrap(),
        perishable: false,
        booking: None,
        scanned_at_ms: T0 + scanned_min * MINUTE_MS,
    }
}

fn booked(mut c: CheckIn, slot_start_min: i64) -> CheckIn {
    c.booking = Some(BookedSlot {
        booking_id: BookingId::parse(&format!("bk-{}", c.id.as_str())).unwrap(),
        slot_start_ms: T0 + slot_start_min * MINUTE_MS,
        good_until_ms: T0 + (slot_start_min + 60 + 30) * MINUTE_MS,
    });
    c
}

fn perishable(mut c: CheckIn) -> CheckIn {
    c.perishable = true;
    c
}

fn order(q: &Queue, lane: Lane) -> Vec<String> {
    q.waiting(lane).map(|e| e.id.to_string()).collect()
}

fn now(min: i64) -> i64 {
    T0 + min * MINUTE_MS
}

#[test]
fn first_checked_in_first_served_by_scan_time() {
    let mut q = Queue::new(QueuePolicy::default());
    q.check_in(check_in(1, 0), now(0)).unwrap();
    q.check_in(check_in(2, 5), now(5)).unwrap();
    // Scanned offline at minute 2, reaching the yard at minute 30: it goes between them.
    q.check_in(check_in(3, 2), now(30)).unwrap();
    assert_eq!(order(&q, Lane::General), ["q-0001", "q-0003", "q-0002"]);
    assert_eq!(q.position(&id(3)), Some(2));
}

#[test]
fn booked_vehicles_go_before_walk_ins_and_early_arrivals_queue_from_their_slot() {
    let mut q = Queue::new(QueuePolicy::default());
    q.check_in(check_in(1, 0), now(0)).unwrap();
    q.check_in(check_in(2, 1), now(1)).unwrap();
    // Booked for 08:00, arrives at 08:10: ahead of both walk-ins.
    let b = q.check_in(booked(check_in(3, 10), 0), now(10)).unwrap();
    assert_eq!(b.priority, Priority::Booked);
    // Booked for 09:00 but here at 08:05: queues from 09:00, so after the 08:10 booked arrival.
    let early = q.check_in(booked(check_in(4, 5), 60), now(12)).unwrap();
    assert_eq!(early.queued_at_ms, now(60));
    assert_eq!(
        order(&q, Lane::General),
        ["q-0003", "q-0004", "q-0001", "q-0002"]
    );
}

#[test]
fn a_booking_past_its_grace_is_a_walk_in() {
    let mut q = Queue::new(QueuePolicy::default());
    // Slot 07:00-08:00 with 30 minutes' grace: good until 08:30. Here at 08:40.
    let e = q.check_in(booked(check_in(1, 40), -60), now(40)).unwrap();
    assert_eq!(e.priority, Priority::WalkIn);
    assert!(e.booking_id.is_some());
}

#[test]
fn perishables_have_their_own_lane() {
    let mut q = Queue::new(QueuePolicy::default());
    q.check_in(check_in(1, 0), now(0)).unwrap();
    q.check_in(perishable(check_in(2, 1)), now(1)).unwrap();
    assert_eq!(order(&q, Lane::General), ["q-0001"]);
    assert_eq!(order(&q, Lane::Perishable), ["q-0002"]);
    assert_eq!(q.position(&id(2)), Some(1));
    let called = q.call_next(Lane::Perishable, 5, now(2)).unwrap();
    assert_eq!(called.len(), 1);
    assert_eq!(q.position(&id(1)), Some(1), "the general lane did not move");
}

#[test]
fn a_trip_checks_in_once() {
    let mut q = Queue::new(QueuePolicy::default());
    q.check_in(check_in(1, 0), now(0)).unwrap();
    let mut again = check_in(1, 3);
    again.id = id(99);
    let before = q.clone();
    let err = q.check_in(again.clone(), now(3)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::AlreadyCheckedIn);
    assert_eq!(order(&q, Lane::General), order(&before, Lane::General));
    // Still refused once served.
    q.call_next(Lane::General, 1, now(4)).unwrap();
    q.serve(&id(1), now(5)).unwrap();
    assert_eq!(
        q.check_in(again, now(6)).unwrap_err().code(),
        ErrorCode::AlreadyCheckedIn
    );
}

#[test]
fn scan_times_in_the_future_or_too_old_are_refused() {
    let mut q = Queue::new(QueuePolicy::default());
    let err = q.check_in(check_in(1, 10), now(0)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidQueueRequest);
    let err = q.check_in(check_in(2, 0), now(24 * 60 + 1)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidQueueRequest);
    assert_eq!(q.entries().count(), 0);
    assert!(q.take_changes().is_empty(), "a refusal records no change");
    // A phone clock a little ahead is fine.
    q.check_in(check_in(3, 4), now(0)).unwrap();
}

#[test]
fn calling_takes_the_front_and_refuses_an_empty_lane() {
    let mut q = Queue::new(QueuePolicy::default());
    assert_eq!(
        q.call_next(Lane::General, 1, now(0)).unwrap_err().code(),
        ErrorCode::QueueEmpty
    );
    for n in 1..=4 {
        q.check_in(check_in(n, n as i64), now(n as i64)).unwrap();
    }
    for bad in [0, MAX_CALL + 1] {
        assert_eq!(
            q.call_next(Lane::General, bad, now(5)).unwrap_err().code(),
            ErrorCode::InvalidQueueRequest
        );
    }
    let called = q.call_next(Lane::General, 2, now(5)).unwrap();
    assert_eq!(
        called.iter().map(|e| e.id.to_string()).collect::<Vec<_>>(),
        ["q-0001", "q-0002"]
    );
    assert!(called.iter().all(|e| e.status == EntryStatus::Called));
    assert_eq!(order(&q, Lane::General), ["q-0003", "q-0004"]);
    // Asking for more than are waiting calls those that are.
    assert_eq!(q.call_next(Lane::General, 9, now(6)).unwrap().len(), 2);
    assert_eq!(q.called().len(), 4);
}

#[test]
fn only_a_called_vehicle_is_served() {
    let mut q = Queue::new(QueuePolicy::default());
    q.check_in(check_in(1, 0), now(0)).unwrap();
    assert_eq!(
        q.serve(&id(1), now(1)).unwrap_err().code(),
        ErrorCode::QueueEntryNotCalled
    );
    q.call_next(Lane::General, 1, now(1)).unwrap();
    let served = q.serve(&id(1), now(2)).unwrap();
    assert_eq!(served.status, EntryStatus::Served);
    assert_eq!(
        q.serve(&id(1), now(3)).unwrap_err().code(),
        ErrorCode::QueueEntryNotCalled
    );
    assert_eq!(
        q.serve(&id(7), now(3)).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn an_absent_vehicle_goes_to_the_back_then_becomes_a_no_show() {
    let mut q = Queue::new(QueuePolicy::default());
    q.check_in(booked(check_in(1, 0), 0), now(0)).unwrap();
    q.check_in(check_in(2, 1), now(1)).unwrap();
    q.call_next(Lane::General, 1, now(2)).unwrap();
    // Too soon after the call.
    assert_eq!(
        q.mark_absent(&id(1), now(4)).unwrap_err().code(),
        ErrorCode::QueueCallTooRecent
    );
    let back = q.mark_absent(&id(1), now(7)).unwrap();
    assert_eq!(back.status, EntryStatus::Waiting);
    assert_eq!(
        back.priority,
        Priority::WalkIn,
        "it lost its booked priority"
    );
    assert_eq!(order(&q, Lane::General), ["q-0002", "q-0001"]);
    // A later walk-in goes after it.
    q.check_in(check_in(3, 8), now(8)).unwrap();
    assert_eq!(order(&q, Lane::General), ["q-0002", "q-0001", "q-0003"]);
    q.call_next(Lane::General, 2, now(9)).unwrap();
    let gone = q.mark_absent(&id(1), now(20)).unwrap();
    assert_eq!(gone.status, EntryStatus::NoShow);
    assert_eq!(gone.absences, 2);
    assert_eq!(order(&q, Lane::General), ["q-0003"]);
    // A no-show may check in again, as a new walk-in, never ahead of where the no-show left
    // it, even with a scan from before (an operator's phone that was offline).
    q.check_in(check_in(4, 22), now(22)).unwrap();
    let mut again = booked(check_in(1, 15), 0);
    again.id = id(11);
    let back = q.check_in(again, now(25)).unwrap();
    assert_eq!(back.priority, Priority::WalkIn);
    assert_eq!(back.queued_at_ms, now(20));
    assert_eq!(order(&q, Lane::General), ["q-0003", "q-0011", "q-0004"]);
}

#[test]
fn an_operator_moves_a_vehicle_with_a_reason() {
    let mut q = Queue::new(QueuePolicy::default());
    for n in 1..=3 {
        q.check_in(check_in(n, n as i64), now(n as i64)).unwrap();
    }
    for (position, reason) in [(1, ""), (1, "  x "), (0, "livestock in heat")] {
        assert_eq!(
            q.move_to(&id(3), position, reason).unwrap_err().code(),
            ErrorCode::InvalidQueueRequest
        );
    }
    q.move_to(&id(3), 1, "livestock in heat").unwrap();
    assert_eq!(order(&q, Lane::General), ["q-0003", "q-0001", "q-0002"]);
    q.move_to(&id(3), 99, "driver asked to wait").unwrap();
    assert_eq!(order(&q, Lane::General), ["q-0001", "q-0002", "q-0003"]);
    q.call_next(Lane::General, 1, now(5)).unwrap();
    assert_eq!(
        q.move_to(&id(1), 2, "called already").unwrap_err().code(),
        ErrorCode::InvalidQueueRequest
    );
}

#[test]
fn changes_record_entries_and_final_orders() {
    let mut q = Queue::new(QueuePolicy::default());
    q.check_in(check_in(1, 0), now(0)).unwrap();
    q.check_in(check_in(2, 1), now(1)).unwrap();
    let changes = q.take_changes();
    let orders: Vec<_> = changes
        .iter()
        .filter(|c| matches!(c, QueueChange::Order(..)))
        .collect();
    assert_eq!(orders.len(), 1, "only the last order of a lane is kept");
    assert!(q.take_changes().is_empty());
}

#[test]
fn a_restored_queue_equals_the_one_stored_and_repairs_a_lost_order() {
    let mut q = Queue::new(QueuePolicy::default());
    for n in 1..=5 {
        q.check_in(check_in(n, n as i64), now(n as i64)).unwrap();
    }
    q.move_to(&id(5), 2, "priority convoy").unwrap();
    q.call_next(Lane::General, 1, now(6)).unwrap();
    assert_eq!(
        order(&q, Lane::General),
        ["q-0005", "q-0002", "q-0003", "q-0004"]
    );
    let entries: Vec<Entry> = q.entries().cloned().collect();
    let orders = vec![(
        Lane::General,
        q.waiting(Lane::General).map(|e| e.id.clone()).collect(),
    )];
    let back = Queue::restore(QueuePolicy::default(), entries.clone(), orders);
    assert_eq!(order(&back, Lane::General), order(&q, Lane::General));
    // A stored order that names a vehicle twice is repaired.
    let twice = vec![(Lane::General, vec![id(5), id(2), id(5), id(3), id(4)])];
    let repaired = Queue::restore(QueuePolicy::default(), entries.clone(), twice);
    assert_eq!(
        order(&repaired, Lane::General),
        ["q-0005", "q-0002", "q-0003", "q-0004"]
    );
    // Without the stored order, the rule rebuilds it.
    let rebuilt = Queue::restore(QueuePolicy::default(), entries, vec![]);
    assert_eq!(
        order(&rebuilt, Lane::General),
        ["q-0002", "q-0003", "q-0004", "q-0005"]
    );
}

#[test]
fn the_drivers_view_shows_place_and_pace() {
    let mut q = Queue::new(QueuePolicy::default());
    for n in 1..=4 {
        q.check_in(check_in(n, n as i64), now(n as i64)).unwrap();
    }
    q.call_next(Lane::General, 2, now(10)).unwrap();
    q.serve(&id(1), now(20)).unwrap();
    let trip = TripId::parse("t-0004").unwrap();
    let view = q.view_for_trip("hn-1", &trip, &q.positions(), now(30));
    let entry = view.entry.unwrap();
    assert_eq!(entry.position, Some(2));
    assert_eq!(entry.ahead, Some(1));
    assert_eq!(view.waiting.general, 2);
    assert_eq!(view.served_per_hour, 1);
    let called = q.view_for_trip(
        "hn-1",
        &TripId::parse("t-0002").unwrap(),
        &q.positions(),
        now(30),
    );
    assert_eq!(called.entry.unwrap().status, EntryStatus::Called);
    let unknown = q.view_for_trip(
        "hn-1",
        &TripId::parse("t-9999").unwrap(),
        &q.positions(),
        now(30),
    );
    assert!(unknown.entry.is_none());
}

#[test]
fn the_days_figures() {
    let mut q = Queue::new(QueuePolicy::default());
    for n in 1..=3 {
        q.check_in(check_in(n, 0), now(0)).unwrap();
    }
    q.call_next(Lane::General, 2, now(40)).unwrap();
    q.serve(&id(1), now(50)).unwrap();
    let stats = QueueStats::of(&q, now(61));
    assert_eq!(stats.served_today, 1);
    assert_eq!(stats.average_wait_minutes, Some(40));
    assert_eq!(stats.waiting(), 1);
    let general = stats
        .lanes
        .iter()
        .find(|l| l.lane == Lane::General)
        .unwrap();
    assert_eq!(
        (general.waiting, general.called, general.served_last_hour),
        (1, 1, 1)
    );
    // 08:00 is the 17th half hour of the day; three waited from 08:00 to 08:40.
    let at_8 = stats.chart.iter().find(|p| p.at_ms == now(0)).unwrap();
    assert_eq!(at_8.waiting, 3);
    let at_830 = stats.chart.iter().find(|p| p.at_ms == now(30)).unwrap();
    assert_eq!(at_830.waiting, 3);
    assert_eq!(stats.chart.last().unwrap().waiting, 1);
    assert_eq!(stats.chart.last().unwrap().at_ms, now(61));
    // An hour later nobody was served in the last hour.
    assert_eq!(QueueStats::of(&q, now(120)).lanes[1].served_last_hour, 0);
}

#[test]
fn figures_are_refreshed_every_half_hour_and_at_midnight() {
    use super::stats::next_refresh_ms;
    assert_eq!(next_refresh_ms(now(10)), now(30));
    assert_eq!(next_refresh_ms(now(30)), now(60));
    assert_eq!(next_refresh_ms(now(29) + 59_999), now(30));
    // 23:45 local: the next refresh is local midnight, when "today" starts again.
    let late = now(15 * 60 + 45);
    let midnight = LocalDate::of_instant(late).midnight_ms() + DAY_MS;
    assert_eq!(next_refresh_ms(late), midnight);
}

#[test]
fn pruning_forgets_closed_entries_from_before_yesterday() {
    let mut q = Queue::new(QueuePolicy::default());
    q.check_in(check_in(1, 0), now(0)).unwrap();
    q.check_in(check_in(2, 1), now(1)).unwrap();
    q.call_next(Lane::General, 1, now(2)).unwrap();
    q.serve(&id(1), now(3)).unwrap();
    q.take_changes();
    q.prune(now(2 * 24 * 60));
    assert!(q.entry(&id(1)).is_none());
    assert!(
        q.entry(&id(2)).is_some(),
        "a waiting vehicle is never forgotten"
    );
    assert!(matches!(q.take_changes()[..], [QueueChange::Pruned { .. }]));
}

#[test]
fn the_estimate_moves_at_the_yards_pace_and_never_below_one() {
    // 12 an hour: one every 5 minutes.
    assert_eq!(estimate(10, 12, now(0), now(0)).position, 10);
    assert_eq!(estimate(10, 12, now(0), now(0)).minutes_to_call, Some(45));
    assert_eq!(estimate(10, 12, now(0), now(16)).position, 7);
    assert_eq!(estimate(10, 12, now(0), now(600)).position, 1);
    assert_eq!(estimate(10, 12, now(0), now(600)).minutes_to_call, Some(1));
    // No pace: no movement, no time.
    assert_eq!(
        estimate(4, 0, now(0), now(600)),
        Estimate {
            position: 4,
            minutes_to_call: None
        }
    );
    // A clock that went backwards changes nothing.
    assert_eq!(estimate(4, 60, now(10), now(0)).position, 4);
}

proptest! {
    #[test]
    fn the_estimate_is_between_one_and_the_last_known_place(
        position in 1u32..500,
        rate in 0u32..200,
        elapsed in -100_000i64..50_000_000,
    ) {
        let e = estimate(position, rate, T0, T0 + elapsed);
        prop_assert!(e.position >= 1 && e.position <= position);
        let later = estimate(position, rate, T0, T0 + elapsed.max(0) + 600_000);
        prop_assert!(later.position <= e.position, "time only moves a driver forward");
    }
}

#[derive(Debug, Clone)]
enum Op {
    CheckIn {
        n: usize,
        scan_back_min: i64,
        perishable: bool,
        booked: bool,
    },
    Call {
        perishable: bool,
        count: u32,
    },
    Serve {
        pick: usize,
    },
    Absent {
        pick: usize,
    },
    Move {
        pick: usize,
        position: u32,
    },
    Tick {
        min: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..60, 0i64..120, any::<bool>(), any::<bool>()).prop_map(
            |(n, scan_back_min, perishable, booked)| Op::CheckIn { n, scan_back_min, perishable, booked }
        ),
        2 => (any::<bool>(), 0u32..4).prop_map(|(perishable, count)| Op::Call { perishable, count }),
        2 => (0usize..60).prop_map(|pick| Op::Serve { pick }),
        1 => (0usize..60).prop_map(|pick| Op::Absent { pick }),
        1 => (0usize..60, 0u32..8).prop_map(|(pick, position)| Op::Move { pick, position }),
        1 => (1i64..20).prop_map(|min| Op::Tick { min }),
    ]
}

proptest! {
    /// Whatever operators do: every waiting vehicle has exactly one place in its lane, places
    /// run 1..=n without gaps, the stored changes rebuild the same queue, and a refused
    /// operation changes nothing.
    #[test]
    fn positions_stay_unique_and_gapless(ops in prop::collection::vec(op(), 1..120)) {
        let mut q = Queue::new(QueuePolicy::default());
        let mut clock = 200i64;
        let mut stored_entries: BTreeMap<QueueEntryId, Entry> = BTreeMap::new();
        let mut stored_orders: BTreeMap<Lane, Vec<QueueEntryId>> = BTreeMap::new();
        let mut drawn = 0usize;
        for op in ops {
            let before = (q.entries().cloned().collect::<Vec<_>>(), order(&q, Lane::General), order(&q, Lane::Perishable));
            let result = match op {
                Op::CheckIn { n, scan_back_min, perishable: p, booked: b } => {
                    drawn += 1;
                    let mut c = check_in(n, clock - scan_back_min);
                    c.id = id(1000 + drawn);
                    c.perishable = p;
                    if b { c = booked(c, clock - 60); }
                    q.check_in(c, now(clock)).map(|_| ())
                }
                Op::Call { perishable: p, count } => {
                    let lane = if p { Lane::Perishable } else { Lane::General };
                    q.call_next(lane, count, now(clock)).map(|_| ())
                }
                Op::Serve { pick } => {
                    let ids: Vec<_> = q.entries().map(|e| e.id.clone()).collect();
                    match ids.get(pick % ids.len().max(1)) {
                        Some(i) => q.serve(i, now(clock)).map(|_| ()),
                        None => Ok(()),
                    }
                }
                Op::Absent { pick } => {
                    let ids: Vec<_> = q.entries().map(|e| e.id.clone()).collect();
                    match ids.get(pick % ids.len().max(1)) {
                        Some(i) => q.mark_absent(i, now(clock)).map(|_| ()),
                        None => Ok(()),
                    }
                }
                Op::Move { pick, position } => {
                    let ids: Vec<_> = q.entries().map(|e| e.id.clone()).collect();
                    match ids.get(pick % ids.len().max(1)) {
                        Some(i) => q.move_to(i, position, "operator's call").map(|_| ()),
                        None => Ok(()),
                    }
                }
                Op::Tick { min } => { clock += min; Ok(()) }
            };
            let changes = q.take_changes();
            if result.is_err() {
                prop_assert!(changes.is_empty());
                let after = (q.entries().cloned().collect::<Vec<_>>(), order(&q, Lane::General), order(&q, Lane::Perishable));
                prop_assert_eq!(before, after);
            }
            for change in changes {
                match change {
                    QueueChange::Entry(e) => { stored_entries.insert(e.id.clone(), *e); }
                    QueueChange::Order(lane, ids) => { stored_orders.insert(lane, ids); }
                    QueueChange::Pruned { .. } => {}
                }
            }
            let positions = q.positions();
            for lane in LANES {
                let waiting: Vec<&Entry> = q.waiting(lane).collect();
                for (i, e) in waiting.iter().enumerate() {
                    prop_assert_eq!(e.status, EntryStatus::Waiting);
                    prop_assert_eq!(e.lane, lane);
                    prop_assert_eq!(positions.get(&e.id).copied(), Some(i as u32 + 1));
                }
            }
            let waiting_total = q.entries().filter(|e| e.status == EntryStatus::Waiting).count();
            prop_assert_eq!(waiting_total, positions.len());
            let open_trips: Vec<_> = q.entries().filter(|e| e.status.is_open()).map(|e| e.trip_id.clone()).collect();
            let mut unique = open_trips.clone();
            unique.sort();
            unique.dedup();
            prop_assert_eq!(unique.len(), open_trips.len(), "a trip is in the queue once");
        }
        let restored = Queue::restore(
            QueuePolicy::default(),
            stored_entries.into_values().collect(),
            stored_orders.into_iter().collect(),
        );
        for lane in LANES {
            prop_assert_eq!(order(&restored, lane), order(&q, lane));
        }
    }
}

/// Any i64 at all, with the edges and the neighbourhood of `T0` drawn often.
fn any_instant() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        Just(i64::MIN),
        Just(i64::MAX),
        Just(i64::MIN + T0),
        Just(0i64),
        (T0 - 2 * DAY_MS)..(T0 + 2 * DAY_MS),
    ]
}

#[test]
fn scan_times_at_the_ends_of_i64_are_refused() {
    for scanned in [i64::MIN, i64::MIN + T0, -1, 0, i64::MAX - 1, i64::MAX] {
        let mut q = Queue::new(QueuePolicy::default());
        let c = CheckIn {
            scanned_at_ms: scanned,
            ..check_in(1, 0)
        };
        let e = q.check_in(c, now(0)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TimeOutOfRange, "{scanned}");
        assert_eq!(q.waiting_count(Lane::General), 0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// A scan time from an operator's phone, over all of i64: never a panic; accepted exactly
    /// when it is in range, at most the skew ahead of now and at most a day old (the rule
    /// computed in i128).
    #[test]
    fn scan_times_over_all_of_i64_agree_with_the_i128_rule(scanned in any_instant(), booked_slot in any::<bool>()) {
        let mut q = Queue::new(QueuePolicy::default());
        let mut c = CheckIn { scanned_at_ms: scanned, ..check_in(1, 0) };
        if booked_slot {
            c = booked(c, 0);
        }
        let (s, n) = (i128::from(scanned), i128::from(now(0)));
        let in_range = i128::from(crate::time::EARLIEST_INSTANT_MS) <= s
            && s < i128::from(crate::time::LATEST_INSTANT_MS);
        let expected_ok = in_range
            && s <= n + i128::from(SCAN_CLOCK_SKEW_MS)
            && s >= n - i128::from(SCAN_MAX_AGE_MS);
        match q.check_in(c, now(0)) {
            Ok(e) => {
                prop_assert!(expected_ok);
                prop_assert_eq!(e.scanned_at_ms, scanned);
                // What the board and the estimates compute from it stays sane.
                let view = q.lanes_view("hn-fruit", now(0));
                prop_assert!(serde_json::to_string(&view).is_ok());
            }
            Err(e) => {
                prop_assert!(!expected_ok, "{:?}", e);
                let code = if in_range { ErrorCode::InvalidQueueRequest } else { ErrorCode::TimeOutOfRange };
                prop_assert_eq!(e.code(), code);
            }
        }
    }
}
