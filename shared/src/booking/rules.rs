//! The booking rules, each a plain function over what it needs. The [`super::Ledger`] runs
//! them in order; the app can run them on a snapshot to refuse early.

use super::config::{NoShowPolicy, YardConfig};
use super::slots::{LaneCounts, LocalDate, SlotTimes};
use super::{Booking, BookingId, BookingRefusal, BookingStatus, DAY_MS};
use crate::time::LocalDateTime;
use crate::{
    AccountId, DeclarationNumber, Error, GateId, Plate, Role, Trip, TripId, TripStatus, Vehicle,
};

/// What the edge knows about the trip being booked (from D1), handed to the yard's object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TripFacts {
    pub trip_id: TripId,
    /// The account that registered the trip.
    pub owner: AccountId,
    pub status: TripStatus,
    pub gate: GateId,
    /// The vehicle's plate: the booking is bound to it.
    pub plate: Plate,
    pub perishable: bool,
    pub declaration: Option<DeclarationNumber>,
    /// The plate is verified (registration papers seen) for another account's vehicle: the
    /// edge knows it from D1; [`check_plate_not_verified_elsewhere`] refuses the booking.
    pub plate_verified_elsewhere: bool,
}

impl TripFacts {
    /// The facts of a stored trip and its vehicle.
    pub fn of(trip: &Trip, vehicle: &Vehicle, status: TripStatus, owner: AccountId) -> Self {
        TripFacts {
            trip_id: trip.id.clone(),
            owner,
            status,
            gate: trip.gate.clone(),
            plate: vehicle.plate.clone(),
            perishable: trip.cargo.is_perishable(),
            declaration: trip.declaration.clone(),
            plate_verified_elsewhere: false,
        }
    }
}

/// The trip is `account`'s, accepted, declared to customs and bound for `yard_gate`.
pub fn check_trip(trip: &TripFacts, account: &AccountId, yard_gate: &GateId) -> Result<(), Error> {
    if &trip.owner != account {
        return Err(BookingRefusal::NotTripOwner.into());
    }
    if trip.status != TripStatus::Accepted {
        return Err(BookingRefusal::TripNotAccepted.error(format!(
            "the trip is {}, not accepted",
            trip.status.as_str()
        )));
    }
    if trip.declaration.is_none() {
        return Err(BookingRefusal::DeclarationMissing.into());
    }
    if &trip.gate != yard_gate {
        return Err(BookingRefusal::TripWrongGate.error(format!(
            "the trip goes through {}, this yard serves {yard_gate}",
            trip.gate
        )));
    }
    Ok(())
}

/// The slot starting at `start_ms` exists and can be booked at `now_ms`: on the grid within
/// opening hours, not started, within the horizon, not closed. A start outside the years
/// 2020-2099 is `time_out_of_range`, before any arithmetic on it.
pub fn check_slot(config: &YardConfig, start_ms: i64, now_ms: i64) -> Result<SlotTimes, Error> {
    crate::time::check_instant_ms(start_ms)?;
    let slot = config.slot_at(start_ms).ok_or_else(|| {
        BookingRefusal::SlotOutsideHours
            .error("no slot starts then: outside opening hours or not at the start of a slot")
    })?;
    config.slot_state(slot, now_ms).check()?;
    Ok(slot)
}

/// Once a plate is verified for one account, no other account books it (a squatter who
/// registered someone else's plate cannot hold the real truck's days).
pub fn check_plate_not_verified_elsewhere(trip: &TripFacts) -> Result<(), Error> {
    if trip.plate_verified_elsewhere {
        return Err(BookingRefusal::PlateVerifiedElsewhere.error(format!(
            "{} is verified for another account's vehicle",
            trip.plate.display()
        )));
    }
    Ok(())
}

/// One active booking per vehicle per yard per local day, and one per trip. `except` is the
/// booking being moved (it does not count against itself). The refusal names the booking in
/// the way (id, day) only when it is `caller`'s own: someone else's is never revealed.
pub fn check_vehicle_free<'a>(
    caller: &AccountId,
    bookings: impl IntoIterator<Item = &'a Booking>,
    plate: &Plate,
    trip_id: &TripId,
    date: LocalDate,
    except: Option<&BookingId>,
) -> Result<(), Error> {
    let clash = bookings.into_iter().find(|b| {
        b.is_active()
            && Some(&b.id) != except
            && ((b.plate.same_vehicle(plate) && b.date() == date) || &b.trip_id == trip_id)
    });
    match clash {
        Some(b) if &b.trip_id == trip_id && !b.plate.same_vehicle(plate) => {
            Err(BookingRefusal::VehicleAlreadyBooked.error("the trip already has a booking here"))
        }
        Some(b) if &b.account_id == caller => {
            Err(BookingRefusal::VehicleAlreadyBooked.error(format!(
                "{} already has booking {} here on {}",
                plate.display(),
                b.id,
                b.date().date_string()
            )))
        }
        Some(_) => Err(BookingRefusal::VehicleAlreadyBooked
            .error("this vehicle already has a booking here that day")),
        None => Ok(()),
    }
}

/// A trip holds at most one booking that is active or checked in: a checked-in trip is not
/// booked again (here; across yards the edge holds one claim per trip).
pub fn check_trip_unbooked<'a>(
    bookings: impl IntoIterator<Item = &'a Booking>,
    trip_id: &TripId,
) -> Result<(), Error> {
    match bookings.into_iter().find(|b| {
        &b.trip_id == trip_id
            && matches!(b.status, BookingStatus::Active | BookingStatus::CheckedIn)
    }) {
        Some(b) => Err(BookingRefusal::TripAlreadyBooked
            .error(format!("the trip's booking here is {}", b.status.as_str()))),
        None => Ok(()),
    }
}

/// The account may hold another active booking: fewer than its role's cap. Roles that do not
/// book (cap 0) are refused as forbidden.
pub fn check_account_cap<'a>(
    bookings: impl IntoIterator<Item = &'a Booking>,
    account: &AccountId,
    role: Role,
    config: &YardConfig,
) -> Result<(), Error> {
    let cap = usize::from(config.max_active_for(role));
    if cap == 0 {
        return Err(BookingRefusal::NotTripOwner.error(format!("a {role} account does not book")));
    }
    let held = bookings
        .into_iter()
        .filter(|b| b.is_active() && &b.account_id == account)
        .count();
    if held >= cap {
        return Err(BookingRefusal::BookingCapReached.error(format!(
            "a {role} account may hold {cap} active booking(s) here"
        )));
    }
    Ok(())
}

/// Until when booking is paused, given the instants of an account's no-shows: whenever
/// `max_no_shows` of them fall within `window_days` (ending at one of them), booking pauses
/// for `pause_days` from that one. The latest such pause wins.
pub fn paused_until(
    no_shows_ms: impl IntoIterator<Item = i64>,
    policy: &NoShowPolicy,
) -> Option<i64> {
    let mut times: Vec<i64> = no_shows_ms.into_iter().collect();
    times.sort_unstable();
    let n = usize::from(policy.max_no_shows.max(1));
    let window = i64::from(policy.window_days) * DAY_MS;
    let pause = i64::from(policy.pause_days) * DAY_MS;
    times
        .windows(n)
        .filter(|w| w[n - 1] - w[0] < window)
        .map(|w| w[n - 1] + pause)
        .max()
}

/// The no-show instants of `account` among `bookings`.
pub fn no_shows_of<'a>(
    bookings: impl IntoIterator<Item = &'a Booking>,
    account: &AccountId,
) -> Vec<i64> {
    bookings
        .into_iter()
        .filter(|b| b.status == BookingStatus::NoShow && &b.account_id == account)
        .filter_map(|b| b.closed_at_ms)
        .collect()
}

/// Refuses while a pause runs.
pub fn check_not_paused(paused_until_ms: Option<i64>, now_ms: i64) -> Result<(), Error> {
    match paused_until_ms {
        Some(until) if now_ms < until => Err(BookingRefusal::BookingPaused.error(format!(
            "booking is paused after repeated no-shows until {}",
            LocalDateTime::from_unix_ms(until).date_time_string()
        ))),
        _ => Ok(()),
    }
}

/// Active places taken in the slot starting at `start_ms`, per lane.
pub fn booked_in_slot<'a>(
    bookings: impl IntoIterator<Item = &'a Booking>,
    start_ms: i64,
) -> LaneCounts {
    let mut booked = LaneCounts::default();
    for b in bookings {
        if b.is_active() && b.slot.start_ms == start_ms {
            booked.add(b.lane);
        }
    }
    booked
}

/// The vehicle presented is the one the booking is bound to: a booking never changes hands.
pub fn check_plate(booking: &Booking, presented: &Plate) -> Result<(), Error> {
    if booking.plate.same_vehicle(presented) {
        Ok(())
    } else {
        Err(BookingRefusal::PlateMismatch.error(format!(
            "booking {} is for {}, not {}",
            booking.id,
            booking.plate.display(),
            presented.display()
        )))
    }
}

/// A new config keeps a place for every booking: no lane of any slot holds more active
/// bookings than its new capacity, and every booking whose slot has not started keeps its
/// slot (same slot length, within the new hours, not in a closure). Otherwise the operator
/// first cancels the bookings in the way ([`super::Ledger::cancel_by_yard`]): an explicit
/// step, so no one loses a place silently.
pub fn check_config_change<'a>(
    old: &YardConfig,
    new: &YardConfig,
    bookings: impl IntoIterator<Item = &'a Booking>,
    now_ms: i64,
) -> Result<(), Error> {
    new.validate()?;
    let active: Vec<&Booking> = bookings.into_iter().filter(|b| b.is_active()).collect();
    let conflict = |why: String| Err(BookingRefusal::CapacityBelowBooked.error(why));
    let upcoming = active.iter().filter(|b| b.slot.start_ms > now_ms).count();
    if new.slot_minutes != old.slot_minutes && upcoming > 0 {
        return conflict(format!(
            "{upcoming} upcoming booking(s) are on {}-minute slots",
            old.slot_minutes
        ));
    }
    let capacity = new.lane_capacity();
    for b in &active {
        let when = LocalDateTime::from_unix_ms(b.slot.start_ms).date_time_string();
        if b.slot.start_ms > now_ms {
            let Some(slot) = new.slot_at(b.slot.start_ms) else {
                return conflict(format!(
                    "booking {} at {when} is outside the new hours",
                    b.id
                ));
            };
            if new.closure_over(slot).is_some() {
                return conflict(format!("booking {} at {when} falls in a closure", b.id));
            }
        }
        let booked = booked_in_slot(active.iter().copied(), b.slot.start_ms);
        if booked.general > capacity.general || booked.perishable > capacity.perishable {
            return conflict(format!(
                "the slot at {when} holds {} general and {} perishable bookings, more than the new {} and {}",
                booked.general, booked.perishable, capacity.general, capacity.perishable
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{Lane, MINUTE_MS};
    use super::*;
    use crate::ErrorCode;

    fn refusal(r: Result<impl std::fmt::Debug, Error>) -> BookingRefusal {
        BookingRefusal::of(&r.unwrap_err()).unwrap()
    }

    #[test]
    fn the_trip_must_be_mine_accepted_declared_and_for_this_gate() {
        let me = account(1);
        let gate = gate_id();
        assert!(check_trip(&trip_facts("t-1", "29C-123.45", false), &me, &gate).is_ok());
        assert_eq!(
            refusal(check_trip(
                &trip_facts("t-1", "29C-123.45", false),
                &account(2),
                &gate
            )),
            BookingRefusal::NotTripOwner
        );
        for status in [
            TripStatus::Draft,
            TripStatus::Submitted,
            TripStatus::Completed,
            TripStatus::Cancelled,
        ] {
            let mut t = trip_facts("t-1", "29C-123.45", false);
            t.status = status;
            let e = check_trip(&t, &me, &gate).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidTripState);
            assert_eq!(
                BookingRefusal::of(&e),
                Some(BookingRefusal::TripNotAccepted)
            );
        }
        let mut t = trip_facts("t-1", "29C-123.45", false);
        t.declaration = None;
        assert_eq!(
            refusal(check_trip(&t, &me, &gate)),
            BookingRefusal::DeclarationMissing
        );
        let other = GateId::parse("chi-ma").unwrap();
        assert_eq!(
            refusal(check_trip(
                &trip_facts("t-1", "29C-123.45", false),
                &me,
                &other
            )),
            BookingRefusal::TripWrongGate
        );
    }

    #[test]
    fn slots_must_exist_be_ahead_within_the_horizon_and_open() {
        let mut c = config();
        let now = at("2026-11-28", "08:30");
        assert!(check_slot(&c, at("2026-11-28", "09:00"), now).is_ok());
        assert_eq!(
            refusal(check_slot(&c, at("2026-11-28", "09:15"), now)),
            BookingRefusal::SlotOutsideHours
        );
        assert_eq!(
            refusal(check_slot(&c, at("2026-11-28", "23:00"), now)),
            BookingRefusal::SlotOutsideHours
        );
        assert_eq!(
            refusal(check_slot(&c, at("2026-11-28", "08:00"), now)),
            BookingRefusal::SlotInPast
        );
        assert_eq!(
            refusal(check_slot(&c, at("2026-11-28", "09:00") + 20 * DAY_MS, now)),
            BookingRefusal::SlotTooFarAhead
        );
        c.closures.push(closure_day("2026-11-29"));
        let e = check_slot(&c, at("2026-11-29", "09:00"), now).unwrap_err();
        assert_eq!(BookingRefusal::of(&e), Some(BookingRefusal::YardClosed));
        assert!(e.detail().contains("holiday"));
        assert!(check_slot(&c, at("2026-11-30", "09:00"), now).is_ok());
    }

    #[test]
    fn one_active_booking_per_vehicle_per_yard_day_and_per_trip() {
        let me = account(1);
        let b = booking("bk-1", at("2026-11-28", "09:00"));
        let same_plate = Plate::parse("29c 12345").unwrap();
        let other_plate = Plate::parse("12C-999.99").unwrap();
        let t2 = TripId::parse("t-2").unwrap();
        let day = LocalDate::parse("2026-11-28").unwrap();
        assert_eq!(
            refusal(check_vehicle_free(&me, [&b], &same_plate, &t2, day, None)),
            BookingRefusal::VehicleAlreadyBooked
        );
        // Another day, another vehicle, or the booking itself being moved: fine.
        assert!(check_vehicle_free(&me, [&b], &same_plate, &t2, day.add_days(1), None).is_ok());
        assert!(check_vehicle_free(&me, [&b], &other_plate, &t2, day, None).is_ok());
        assert!(check_vehicle_free(&me, [&b], &same_plate, &t2, day, Some(&b.id)).is_ok());
        // The same trip cannot hold two bookings, even on two days.
        assert_eq!(
            refusal(check_vehicle_free(
                &me,
                [&b],
                &other_plate,
                &b.trip_id,
                day.add_days(1),
                None
            )),
            BookingRefusal::VehicleAlreadyBooked
        );
        let mut done = b.clone();
        done.status = BookingStatus::Cancelled;
        assert!(check_vehicle_free(&me, [&done], &same_plate, &t2, day, None).is_ok());
    }

    #[test]
    fn a_refusal_names_the_booking_in_the_way_only_when_it_is_the_callers() {
        let b = booking("bk-secret", at("2026-11-28", "09:00")); // account 1's
        let plate = Plate::parse("29C-123.45").unwrap();
        let t2 = TripId::parse("t-2").unwrap();
        let day = LocalDate::parse("2026-11-28").unwrap();
        let mine = check_vehicle_free(&account(1), [&b], &plate, &t2, day, None).unwrap_err();
        assert!(mine.detail().contains("bk-secret"));
        assert!(mine.detail().contains("28/11/2026"));
        let theirs = check_vehicle_free(&account(2), [&b], &plate, &t2, day, None).unwrap_err();
        assert_eq!(
            BookingRefusal::of(&theirs),
            Some(BookingRefusal::VehicleAlreadyBooked)
        );
        let owner = account(1).to_string();
        for secret in ["bk-secret", "2026-11-28", "28/11", "09:00", owner.as_str()] {
            assert!(!theirs.detail().contains(secret), "{secret} leaks");
        }
    }

    #[test]
    fn a_plate_verified_for_another_account_is_not_booked() {
        let mut t = trip_facts("t-1", "29C-123.45", false);
        assert!(check_plate_not_verified_elsewhere(&t).is_ok());
        t.plate_verified_elsewhere = true;
        assert_eq!(
            refusal(check_plate_not_verified_elsewhere(&t)),
            BookingRefusal::PlateVerifiedElsewhere
        );
    }

    #[test]
    fn the_account_cap_counts_active_bookings_by_role() {
        let c = config();
        let me = account(1);
        let b = booking("bk-1", at("2026-11-28", "09:00"));
        assert!(check_account_cap([], &me, Role::Driver, &c).is_ok());
        assert_eq!(
            refusal(check_account_cap([&b], &me, Role::Driver, &c)),
            BookingRefusal::BookingCapReached
        );
        assert!(check_account_cap([&b], &me, Role::Trader, &c).is_ok());
        assert!(check_account_cap([&b], &account(2), Role::Driver, &c).is_ok());
        let mut cancelled = b.clone();
        cancelled.status = BookingStatus::Cancelled;
        assert!(check_account_cap([&cancelled], &me, Role::Driver, &c).is_ok());
        let e = check_account_cap([], &me, Role::Resident, &c).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Forbidden);
        let ten: Vec<Booking> = (0..10)
            .map(|i| booking(&format!("bk-{i}"), at("2026-11-28", "09:00")))
            .collect();
        assert_eq!(
            refusal(check_account_cap(&ten, &me, Role::Trader, &c)),
            BookingRefusal::BookingCapReached
        );
    }

    #[test]
    fn three_no_shows_in_thirty_days_pause_booking_for_seven() {
        let p = NoShowPolicy::default();
        let t0 = at("2026-11-01", "10:00");
        assert_eq!(paused_until([], &p), None);
        assert_eq!(paused_until([t0, t0 + DAY_MS], &p), None);
        let third = t0 + 29 * DAY_MS;
        let until = paused_until([third, t0, t0 + DAY_MS], &p).unwrap();
        assert_eq!(until, third + 7 * DAY_MS);
        assert!(check_not_paused(Some(until), until - MINUTE_MS).is_err());
        assert_eq!(
            refusal(check_not_paused(Some(until), third)),
            BookingRefusal::BookingPaused
        );
        assert!(check_not_paused(Some(until), until).is_ok());
        assert!(check_not_paused(None, third).is_ok());
        // Spread over more than thirty days: no pause.
        assert_eq!(paused_until([t0, t0 + DAY_MS, t0 + 30 * DAY_MS], &p), None);
    }

    #[test]
    fn a_booking_is_bound_to_its_plate() {
        let b = booking("bk-1", at("2026-11-28", "09:00"));
        assert!(check_plate(&b, &Plate::parse("29C 123 45").unwrap()).is_ok());
        assert_eq!(
            refusal(check_plate(&b, &Plate::parse("29C-123.46").unwrap())),
            BookingRefusal::PlateMismatch
        );
    }

    #[test]
    fn booked_places_are_counted_per_lane() {
        let mut a = booking("bk-1", at("2026-11-28", "09:00"));
        a.lane = Lane::Perishable;
        let b = booking("bk-2", at("2026-11-28", "09:00"));
        let mut gone = booking("bk-3", at("2026-11-28", "09:00"));
        gone.status = BookingStatus::NoShow;
        let other = booking("bk-4", at("2026-11-28", "10:00"));
        let counts = booked_in_slot([&a, &b, &gone, &other], at("2026-11-28", "09:00"));
        assert_eq!(
            counts,
            LaneCounts {
                general: 1,
                perishable: 1
            }
        );
    }

    #[test]
    fn config_changes_may_not_strand_booked_vehicles() {
        let old = config(); // 10 per slot, 20 % perishable
        let now = at("2026-11-28", "08:30");
        let mut bookings: Vec<Booking> = (0..3)
            .map(|i| booking(&format!("bk-{i}"), at("2026-11-28", "09:00")))
            .collect();
        bookings[0].lane = Lane::Perishable;
        bookings[1].lane = Lane::Perishable;
        // A started slot keeps its bookings' places but not its hours: closing 07:00 is fine.
        bookings.push(booking("bk-old", at("2026-11-28", "07:00")));
        let change = |f: fn(&mut YardConfig)| {
            let mut new = old.clone();
            f(&mut new);
            check_config_change(&old, &new, &bookings, now)
        };
        // 4 places at 50 %: 2 perishable (2 booked) and 2 general (1 booked).
        assert!(change(|c| {
            c.capacity_per_slot = 4;
            c.perishable_percent = 50;
        })
        .is_ok());
        assert_eq!(
            refusal(change(|c| c.capacity_per_slot = 5)),
            BookingRefusal::CapacityBelowBooked
        );
        assert_eq!(
            refusal(change(|c| c.perishable_percent = 10)),
            BookingRefusal::CapacityBelowBooked
        );
        assert_eq!(
            refusal(change(|c| c.capacity_per_slot = 3)),
            BookingRefusal::CapacityBelowBooked
        );
        assert_eq!(
            refusal(change(|c| c.opens_minute = 10 * 60)),
            BookingRefusal::CapacityBelowBooked
        );
        assert_eq!(
            refusal(change(|c| c.slot_minutes = 30)),
            BookingRefusal::CapacityBelowBooked
        );
        assert_eq!(
            refusal(change(|c| c.closures.push(closure_day("2026-11-28")))),
            BookingRefusal::CapacityBelowBooked
        );
        assert!(change(|c| c.fee_vnd = 50_000).is_ok());
        assert!(change(|c| c.closures.push(closure_day("2026-11-29"))).is_ok());
        assert!(change(|c| c.opens_minute = 8 * 60).is_ok());
        assert_eq!(
            refusal(change(|c| c.capacity_per_slot = 0)),
            BookingRefusal::InvalidConfig
        );
        // A slot that has started still holds its active bookings' places.
        let started = [booking("bk-old", at("2026-11-28", "07:00"))];
        let mut all_perishable = old.clone();
        all_perishable.capacity_per_slot = 1;
        all_perishable.perishable_percent = 100;
        assert_eq!(
            refusal(check_config_change(&old, &all_perishable, &started, now)),
            BookingRefusal::CapacityBelowBooked
        );
    }
}
