//! [`Ledger`]: one yard's bookings and the operations its Durable Object serves.
//!
//! The object keeps a `Ledger` in memory (loaded once with [`Ledger::restore`]), runs one
//! operation at a time on it, and before answering writes [`Ledger::take_changes`] to its
//! SQLite storage in the same synchronous turn (so they commit together). If that write fails,
//! the object drops its `Ledger` and restores it from storage: memory never runs ahead of disk.
//!
//! Every operation checks everything first and changes state only when all rules pass, so a
//! refusal changes nothing (except that `book`, `cancel` and `reschedule` remember their
//! idempotency key with the refusal, so a retry gets the same answer).

use super::config::YardConfig;
use super::rules::{self, TripFacts};
use super::slots::{Lane, LaneCounts, LocalDate, SlotId, SlotState};
use super::{Booking, BookingId, BookingRefusal, BookingStatus, IdempotencyKey, DAY_MS};
use crate::{AccountId, Error, ErrorCode, GateId, Plate, Role, TripId, YardId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// How long an idempotency key is remembered: a phone offline for a week can still retry.
pub const KEY_RETENTION_MS: i64 = 7 * DAY_MS;

/// Book a place for a trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookRequest {
    /// Who books (the signed-in account) and in which role.
    pub account: AccountId,
    pub role: Role,
    pub trip: TripFacts,
    pub slot: SlotId,
    /// `None` picks the lane (perishable first for perishable cargo); `Some` asks for one lane.
    pub lane: Option<Lane>,
    pub key: IdempotencyKey,
}

/// Cancel one of my bookings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelRequest {
    pub account: AccountId,
    pub booking_id: BookingId,
    pub key: IdempotencyKey,
}

/// Move one of my bookings to another slot (same yard, same vehicle).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RescheduleRequest {
    pub account: AccountId,
    pub booking_id: BookingId,
    pub new_start_ms: i64,
    pub lane: Option<Lane>,
    pub key: IdempotencyKey,
}

/// What a client asked for, as far as idempotency is concerned: a key reused with a different
/// fingerprint is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum RequestFingerprint {
    Book {
        trip_id: TripId,
        slot_start_ms: i64,
        lane: Option<Lane>,
    },
    Cancel {
        booking_id: BookingId,
    },
    Reschedule {
        booking_id: BookingId,
        slot_start_ms: i64,
        lane: Option<Lane>,
    },
}

/// The first answer to a keyed request, kept to answer its retries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum Outcome {
    Done { booking: Box<Booking> },
    Refused { code: ErrorCode, detail: String },
}

impl Outcome {
    fn of(result: &Result<Booking, Error>) -> Outcome {
        match result {
            Ok(booking) => Outcome::Done {
                booking: Box::new(booking.clone()),
            },
            Err(e) => Outcome::Refused {
                code: e.code(),
                detail: e.detail().to_owned(),
            },
        }
    }

    pub fn to_result(&self) -> Result<Booking, Error> {
        match self {
            Outcome::Done { booking } => Ok((**booking).clone()),
            Outcome::Refused { code, detail } => Err(Error::new(*code, detail.clone())),
        }
    }
}

/// A remembered idempotency key: `(account, key)` is unique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    pub account: AccountId,
    pub key: IdempotencyKey,
    pub request: RequestFingerprint,
    pub at_ms: i64,
    pub outcome: Outcome,
}

/// One thing the object must write to storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum Change {
    /// Insert or replace the booking with this id.
    Booking(Booking),
    /// Insert this key (it is new).
    Idempotency(IdempotencyRecord),
    /// Replace the yard's config (the edge also writes the operator's audit entry).
    Config(YardConfig),
    /// Delete finished (not active) bookings whose slot ended before `bookings_before_ms`, and
    /// keys recorded before `keys_before_ms`.
    Pruned {
        bookings_before_ms: i64,
        keys_before_ms: i64,
    },
}

/// One slot's places, as the slot grid shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotAvailability {
    pub start_ms: i64,
    pub end_ms: i64,
    pub state: SlotState,
    pub capacity: LaneCounts,
    /// Active bookings, per lane.
    pub booked: LaneCounts,
    /// `capacity` minus `booked`, per lane.
    pub remaining: LaneCounts,
}

impl SlotAvailability {
    /// The lane a trip would get here now, or why not: the app's instant answer, the same
    /// arithmetic as the object's.
    pub fn lane_for(&self, perishable: bool, wanted: Option<Lane>) -> Result<Lane, Error> {
        self.state.check()?;
        self.remaining.lane_for(perishable, wanted)
    }
}

/// A local day's slots at one yard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayAvailability {
    pub yard: YardId,
    pub date: LocalDate,
    pub fee_vnd: u64,
    pub slots: Vec<SlotAvailability>,
}

/// One yard's config and bookings, and the operations on them.
#[derive(Debug, Clone)]
pub struct Ledger {
    yard: YardId,
    gate: GateId,
    config: YardConfig,
    bookings: BTreeMap<BookingId, Booking>,
    keys: HashMap<(AccountId, IdempotencyKey), IdempotencyRecord>,
    changes: Vec<Change>,
}

impl Ledger {
    /// An empty ledger for a yard at `gate`.
    pub fn new(yard: YardId, gate: GateId, config: YardConfig) -> Result<Self, Error> {
        Ledger::restore(yard, gate, config, Vec::new(), Vec::new())
    }

    /// A ledger from what storage holds.
    pub fn restore(
        yard: YardId,
        gate: GateId,
        config: YardConfig,
        bookings: Vec<Booking>,
        keys: Vec<IdempotencyRecord>,
    ) -> Result<Self, Error> {
        config.validate()?;
        if let Some(b) = bookings.iter().find(|b| b.slot.yard != yard) {
            return Err(Error::new(
                ErrorCode::Internal,
                format!("booking {} belongs to yard {}", b.id, b.slot.yard),
            ));
        }
        Ok(Ledger {
            yard,
            gate,
            config,
            bookings: bookings.into_iter().map(|b| (b.id.clone(), b)).collect(),
            keys: keys
                .into_iter()
                .map(|r| ((r.account.clone(), r.key.clone()), r))
                .collect(),
            changes: Vec::new(),
        })
    }

    pub fn yard(&self) -> &YardId {
        &self.yard
    }

    pub fn config(&self) -> &YardConfig {
        &self.config
    }

    pub fn booking(&self, id: &BookingId) -> Option<&Booking> {
        self.bookings.get(id)
    }

    /// Every booking held, by id.
    pub fn bookings(&self) -> impl Iterator<Item = &Booking> {
        self.bookings.values()
    }

    /// An account's bookings, by slot ("my bookings").
    pub fn bookings_of(&self, account: &AccountId) -> Vec<&Booking> {
        let mut mine: Vec<&Booking> = self
            .bookings
            .values()
            .filter(|b| &b.account_id == account)
            .collect();
        mine.sort_by_key(|b| (b.slot.start_ms, b.id.clone()));
        mine
    }

    /// A day's bookings, by slot (the operator's list).
    pub fn bookings_on(&self, date: LocalDate) -> Vec<&Booking> {
        let mut day: Vec<&Booking> = self
            .bookings
            .values()
            .filter(|b| b.date() == date)
            .collect();
        day.sort_by_key(|b| (b.slot.start_ms, b.id.clone()));
        day
    }

    /// Drains what the last operations changed, in order, for the object to write.
    pub fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    /// The slots of a local day with their places per lane.
    pub fn availability(&self, date: LocalDate, now_ms: i64) -> DayAvailability {
        let capacity = self.config.lane_capacity();
        let mut booked: BTreeMap<i64, LaneCounts> = BTreeMap::new();
        for b in self.bookings.values().filter(|b| b.is_active()) {
            booked.entry(b.slot.start_ms).or_default().add(b.lane);
        }
        let slots = self
            .config
            .slots_of(date)
            .into_iter()
            .map(|slot| {
                let taken = booked.get(&slot.start_ms).copied().unwrap_or_default();
                SlotAvailability {
                    start_ms: slot.start_ms,
                    end_ms: slot.end_ms,
                    state: self.config.slot_state(slot, now_ms),
                    capacity,
                    booked: taken,
                    remaining: capacity.minus(taken),
                }
            })
            .collect();
        DayAvailability {
            yard: self.yard.clone(),
            date,
            fee_vnd: self.config.fee_vnd,
            slots,
        }
    }

    /// Until when the account's booking is paused after no-shows, if a pause was ever set.
    pub fn paused_until(&self, account: &AccountId) -> Option<i64> {
        rules::paused_until(
            rules::no_shows_of(self.bookings.values(), account),
            &self.config.no_show,
        )
    }

    /// When the next active booking becomes a no-show: the object sets its alarm to this.
    pub fn next_deadline_ms(&self) -> Option<i64> {
        self.bookings
            .values()
            .filter(|b| b.is_active())
            .map(|b| b.no_show_at_ms(self.config.no_show.grace_minutes))
            .min()
    }

    /// Whether `key` of `account` was seen before: a keyed request with it is a replay (its
    /// first answer is returned and nothing changes).
    pub fn knows_key(&self, account: &AccountId, key: &IdempotencyKey) -> bool {
        self.keys.contains_key(&(account.clone(), key.clone()))
    }

    /// Books a place. `new_id` is a fresh random id from the caller (ignored on a replay).
    pub fn book(
        &mut self,
        req: &BookRequest,
        new_id: BookingId,
        now_ms: i64,
    ) -> Result<Booking, Error> {
        let fingerprint = RequestFingerprint::Book {
            trip_id: req.trip.trip_id.clone(),
            slot_start_ms: req.slot.start_ms,
            lane: req.lane,
        };
        if let Some(first) = self.replay(&req.account, &req.key, &fingerprint)? {
            return first;
        }
        if self.bookings.contains_key(&new_id) {
            // Not the client's doing and not remembered: the caller draws another id.
            return Err(Error::new(ErrorCode::Internal, "booking id already in use"));
        }
        let result = self.check_book(req, new_id, now_ms);
        if let Ok(booking) = &result {
            self.put(booking.clone());
        }
        self.remember(&req.account, &req.key, fingerprint, now_ms, &result);
        result
    }

    fn check_book(&self, req: &BookRequest, id: BookingId, now_ms: i64) -> Result<Booking, Error> {
        if req.slot.yard != self.yard {
            return Err(BookingRefusal::NotFound.error(format!("no yard {}", req.slot.yard)));
        }
        let trip = &req.trip;
        rules::check_trip(trip, &req.account, &self.gate)?;
        rules::check_plate_not_verified_elsewhere(trip)?;
        rules::check_not_paused(self.paused_until(&req.account), now_ms)?;
        let slot = rules::check_slot(&self.config, req.slot.start_ms, now_ms)?;
        rules::check_trip_unbooked(self.bookings.values(), &trip.trip_id)?;
        rules::check_vehicle_free(
            &req.account,
            self.bookings.values(),
            &trip.plate,
            &trip.trip_id,
            LocalDate::of_instant(slot.start_ms),
            None,
        )?;
        rules::check_account_cap(self.bookings.values(), &req.account, req.role, &self.config)?;
        let booked = rules::booked_in_slot(self.bookings.values(), slot.start_ms);
        let lane = self
            .config
            .lane_capacity()
            .minus(booked)
            .lane_for(trip.perishable, req.lane)?;
        Ok(Booking {
            id,
            slot: req.slot.clone(),
            slot_end_ms: slot.end_ms,
            lane,
            account_id: req.account.clone(),
            plate: trip.plate.clone(),
            trip_id: trip.trip_id.clone(),
            perishable: trip.perishable,
            fee_vnd: self.config.fee_vnd,
            status: BookingStatus::Active,
            created_at_ms: now_ms,
            updated_at_ms: now_ms,
            closed_at_ms: None,
            idempotency_key: req.key.clone(),
        })
    }

    /// Cancels one of the account's bookings before its slot starts; the place comes back.
    pub fn cancel(&mut self, req: &CancelRequest, now_ms: i64) -> Result<Booking, Error> {
        let fingerprint = RequestFingerprint::Cancel {
            booking_id: req.booking_id.clone(),
        };
        if let Some(first) = self.replay(&req.account, &req.key, &fingerprint)? {
            return first;
        }
        let result = self
            .own_active(&req.account, &req.booking_id)
            .and_then(|b| {
                if b.slot.start_ms <= now_ms {
                    return Err(BookingRefusal::SlotInPast
                        .error("the slot has started: the booking can no longer be cancelled"));
                }
                Ok(close(b, BookingStatus::Cancelled, now_ms, now_ms))
            });
        if let Ok(booking) = &result {
            self.put(booking.clone());
        }
        self.remember(&req.account, &req.key, fingerprint, now_ms, &result);
        result
    }

    /// The operator cancels a booking (any time, e.g. to make room before lowering capacity
    /// or closing). Cancelling a cancelled booking again changes nothing.
    pub fn cancel_by_yard(&mut self, id: &BookingId, now_ms: i64) -> Result<Booking, Error> {
        let b = self.bookings.get(id).ok_or(BookingRefusal::NotFound)?;
        match b.status {
            BookingStatus::Cancelled => Ok(b.clone()),
            BookingStatus::Active => {
                let cancelled = close(b, BookingStatus::Cancelled, now_ms, now_ms);
                self.put(cancelled.clone());
                Ok(cancelled)
            }
            status => Err(not_active(status)),
        }
    }

    /// Moves one of the account's bookings to another slot, atomically: the new place is
    /// taken under the same rules as a new booking (the old place still held) and only then
    /// is the old one released; if anything fails, nothing changes. The booking keeps its id,
    /// vehicle, trip and fee.
    pub fn reschedule(&mut self, req: &RescheduleRequest, now_ms: i64) -> Result<Booking, Error> {
        let fingerprint = RequestFingerprint::Reschedule {
            booking_id: req.booking_id.clone(),
            slot_start_ms: req.new_start_ms,
            lane: req.lane,
        };
        if let Some(first) = self.replay(&req.account, &req.key, &fingerprint)? {
            return first;
        }
        let result = self.check_reschedule(req, now_ms);
        if let Ok(booking) = &result {
            if self.bookings.get(&booking.id) != Some(booking) {
                self.put(booking.clone());
            }
        }
        self.remember(&req.account, &req.key, fingerprint, now_ms, &result);
        result
    }

    fn check_reschedule(&self, req: &RescheduleRequest, now_ms: i64) -> Result<Booking, Error> {
        let b = self.own_active(&req.account, &req.booking_id)?;
        if b.slot.start_ms <= now_ms {
            return Err(BookingRefusal::SlotInPast
                .error("the slot has started: the booking can no longer be moved"));
        }
        if req.new_start_ms == b.slot.start_ms && req.lane.is_none_or(|lane| lane == b.lane) {
            return Ok(b.clone());
        }
        rules::check_not_paused(self.paused_until(&req.account), now_ms)?;
        let slot = rules::check_slot(&self.config, req.new_start_ms, now_ms)?;
        rules::check_vehicle_free(
            &req.account,
            self.bookings.values(),
            &b.plate,
            &b.trip_id,
            LocalDate::of_instant(slot.start_ms),
            Some(&b.id),
        )?;
        // The old place is still counted: it is released only once the new one is taken.
        let booked = rules::booked_in_slot(self.bookings.values(), slot.start_ms);
        let lane = self
            .config
            .lane_capacity()
            .minus(booked)
            .lane_for(b.perishable, req.lane)?;
        let mut moved = b.clone();
        moved.slot.start_ms = slot.start_ms;
        moved.slot_end_ms = slot.end_ms;
        moved.lane = lane;
        moved.updated_at_ms = now_ms;
        Ok(moved)
    }

    /// The operator scans the vehicle at `scanned_at_ms`: the booking is checked in if the
    /// plate is the booked one and its grace period had not run out at the scan. Scanning it
    /// again changes nothing. A scan made offline within the grace period that arrives after
    /// the booking was released as a no-show checks it in all the same (the no-show is taken
    /// back: the driver was there in time).
    pub fn check_in(
        &mut self,
        id: &BookingId,
        plate: &Plate,
        scanned_at_ms: i64,
        now_ms: i64,
    ) -> Result<Booking, Error> {
        let b = self.bookings.get(id).ok_or(BookingRefusal::NotFound)?;
        rules::check_plate(b, plate)?;
        let in_time = scanned_at_ms < b.no_show_at_ms(self.config.no_show.grace_minutes);
        match b.status {
            BookingStatus::CheckedIn => Ok(b.clone()),
            BookingStatus::Active | BookingStatus::NoShow if in_time => {
                let done = close(b, BookingStatus::CheckedIn, scanned_at_ms, now_ms);
                self.put(done.clone());
                Ok(done)
            }
            BookingStatus::Active => Err(BookingRefusal::BookingNotActive
                .error("the booking's grace period is over: it is a no-show")),
            status => Err(not_active(status)),
        }
    }

    /// Releases every active booking whose slot ended more than the grace period ago, as a
    /// no-show (counted towards a pause). Returns them; run it from the object's alarm.
    pub fn release_no_shows(&mut self, now_ms: i64) -> Vec<Booking> {
        let grace = self.config.no_show.grace_minutes;
        let released: Vec<Booking> = self
            .bookings
            .values()
            .filter(|b| b.is_active() && b.no_show_at_ms(grace) <= now_ms)
            .map(|b| close(b, BookingStatus::NoShow, b.no_show_at_ms(grace), now_ms))
            .collect();
        for b in &released {
            self.put(b.clone());
        }
        released
    }

    /// Replaces the config, unless it is invalid or leaves an upcoming booking without a place
    /// (see [`rules::check_config_change`]).
    pub fn set_config(&mut self, config: YardConfig, now_ms: i64) -> Result<(), Error> {
        rules::check_config_change(&self.config, &config, self.bookings.values(), now_ms)?;
        self.config = config.clone();
        self.changes.push(Change::Config(config));
        Ok(())
    }

    /// Forgets finished bookings no longer needed for no-show pauses (their slot ended more
    /// than the no-show window plus the pause ago) and keys older than [`KEY_RETENTION_MS`].
    pub fn prune(&mut self, now_ms: i64) {
        let policy = self.config.no_show;
        let keep_days = i64::from(policy.window_days) + i64::from(policy.pause_days);
        let bookings_before_ms = now_ms - keep_days * DAY_MS;
        let keys_before_ms = now_ms - KEY_RETENTION_MS;
        self.bookings
            .retain(|_, b| b.is_active() || b.slot_end_ms >= bookings_before_ms);
        self.keys.retain(|_, r| r.at_ms >= keys_before_ms);
        self.changes.push(Change::Pruned {
            bookings_before_ms,
            keys_before_ms,
        });
    }

    fn own_active(&self, account: &AccountId, id: &BookingId) -> Result<&Booking, Error> {
        // Someone else's booking is "not found": its existence is not revealed.
        let b = self
            .bookings
            .get(id)
            .filter(|b| &b.account_id == account)
            .ok_or(BookingRefusal::NotFound)?;
        if b.is_active() {
            Ok(b)
        } else {
            Err(not_active(b.status))
        }
    }

    /// The first answer for a key seen before, or an error if it was for another request.
    fn replay(
        &self,
        account: &AccountId,
        key: &IdempotencyKey,
        fingerprint: &RequestFingerprint,
    ) -> Result<Option<Result<Booking, Error>>, Error> {
        match self.keys.get(&(account.clone(), key.clone())) {
            None => Ok(None),
            Some(r) if &r.request == fingerprint => Ok(Some(r.outcome.to_result())),
            Some(_) => Err(BookingRefusal::IdempotencyKeyReused.into()),
        }
    }

    fn remember(
        &mut self,
        account: &AccountId,
        key: &IdempotencyKey,
        request: RequestFingerprint,
        now_ms: i64,
        result: &Result<Booking, Error>,
    ) {
        let record = IdempotencyRecord {
            account: account.clone(),
            key: key.clone(),
            request,
            at_ms: now_ms,
            outcome: Outcome::of(result),
        };
        self.keys
            .insert((account.clone(), key.clone()), record.clone());
        self.changes.push(Change::Idempotency(record));
    }

    fn put(&mut self, booking: Booking) {
        self.bookings.insert(booking.id.clone(), booking.clone());
        self.changes.push(Change::Booking(booking));
    }
}

fn close(b: &Booking, status: BookingStatus, closed_at_ms: i64, now_ms: i64) -> Booking {
    let mut b = b.clone();
    b.status = status;
    b.closed_at_ms = Some(closed_at_ms);
    b.updated_at_ms = now_ms;
    b
}

fn not_active(status: BookingStatus) -> Error {
    BookingRefusal::BookingNotActive.error(format!("the booking is {}", status.as_str()))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::MINUTE_MS;
    use super::*;

    const NOW: &str = "08:30";
    const DAY: &str = "2026-11-28";

    fn now() -> i64 {
        at(DAY, NOW)
    }

    fn ledger() -> Ledger {
        Ledger::new(yard_id(), gate_id(), config()).unwrap()
    }

    fn slot(t: &str) -> SlotId {
        SlotId {
            yard: yard_id(),
            start_ms: at(DAY, t),
        }
    }

    fn id(n: usize) -> BookingId {
        BookingId::parse(&format!("bk-{n}")).unwrap()
    }

    /// A trader (account 1) books trip `t-{n}` for plate `29C-100.{n:02}` at `t`.
    fn req(n: usize, t: &str, perishable: bool) -> BookRequest {
        BookRequest {
            account: account(1),
            role: Role::Trader,
            trip: trip_facts(&format!("t-{n}"), &format!("29C-100.{n:02}"), perishable),
            slot: slot(t),
            lane: None,
            key: key(&format!("b{n}")),
        }
    }

    fn refusal(r: Result<impl std::fmt::Debug, Error>) -> BookingRefusal {
        BookingRefusal::of(&r.unwrap_err()).unwrap()
    }

    fn day() -> LocalDate {
        LocalDate::parse(DAY).unwrap()
    }

    fn remaining(l: &Ledger, t: &str) -> LaneCounts {
        let a = l.availability(day(), now());
        a.slots
            .iter()
            .find(|s| s.start_ms == at(DAY, t))
            .unwrap()
            .remaining
    }

    #[test]
    fn a_booking_takes_a_place_and_records_what_to_persist() {
        let mut l = ledger();
        let b = l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        assert_eq!(b.status, BookingStatus::Active);
        assert_eq!(b.lane, Lane::General);
        assert_eq!(b.slot_end_ms, at(DAY, "10:00"));
        assert_eq!(b.fee_vnd, 50_000);
        assert_eq!(b.plate.normalized(), "29C10001");
        assert_eq!(
            remaining(&l, "09:00"),
            LaneCounts {
                general: 7,
                perishable: 2
            }
        );
        let changes = l.take_changes();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0], Change::Booking(b.clone()));
        assert!(
            matches!(&changes[1], Change::Idempotency(r) if r.outcome == Outcome::Done { booking: Box::new(b.clone()) })
        );
        assert!(l.take_changes().is_empty());
        assert_eq!(l.bookings_of(&account(1)), vec![&b]);
        assert_eq!(l.bookings_on(day()), vec![&b]);
        assert!(l.bookings_on(day().add_days(1)).is_empty());
    }

    #[test]
    fn every_rule_refuses_and_changes_nothing() {
        let mut l = ledger();
        l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        l.take_changes();
        let before: Vec<Booking> = l.bookings().cloned().collect();
        let cases: Vec<(BookRequest, BookingRefusal)> = vec![
            (
                {
                    let mut r = req(2, "09:00", false);
                    r.slot.yard = YardId::parse("cm-main").unwrap();
                    r
                },
                BookingRefusal::NotFound,
            ),
            (
                {
                    let mut r = req(2, "09:00", false);
                    r.trip.status = crate::TripStatus::Submitted;
                    r
                },
                BookingRefusal::TripNotAccepted,
            ),
            (
                {
                    let mut r = req(2, "09:00", false);
                    r.trip.declaration = None;
                    r
                },
                BookingRefusal::DeclarationMissing,
            ),
            (
                {
                    let mut r = req(2, "09:00", false);
                    r.account = account(2);
                    r
                },
                BookingRefusal::NotTripOwner,
            ),
            (
                {
                    let mut r = req(2, "09:00", false);
                    r.trip.gate = GateId::parse("chi-ma").unwrap();
                    r
                },
                BookingRefusal::TripWrongGate,
            ),
            (req(2, "08:00", false), BookingRefusal::SlotInPast),
            (req(2, "05:00", false), BookingRefusal::SlotOutsideHours),
            (req(2, "09:30", false), BookingRefusal::SlotOutsideHours),
            (
                {
                    let mut r = req(2, "09:00", false);
                    r.slot.start_ms += 20 * DAY_MS;
                    r
                },
                BookingRefusal::SlotTooFarAhead,
            ),
            (
                {
                    let mut r = req(2, "10:00", false);
                    r.trip.plate = Plate::parse("29C-100.01").unwrap();
                    r
                },
                BookingRefusal::VehicleAlreadyBooked,
            ),
            (
                {
                    let mut r = req(2, "10:00", false);
                    r.trip.trip_id = TripId::parse("t-1").unwrap();
                    r
                },
                BookingRefusal::TripAlreadyBooked,
            ),
            (
                {
                    let mut r = req(2, "10:00", false);
                    r.lane = Some(Lane::Perishable);
                    r
                },
                BookingRefusal::PerishableOnly,
            ),
            (
                {
                    let mut r = req(2, "10:00", false);
                    r.role = Role::Driver;
                    r
                },
                BookingRefusal::BookingCapReached,
            ),
            (
                {
                    let mut r = req(2, "10:00", false);
                    r.trip.plate_verified_elsewhere = true;
                    r
                },
                BookingRefusal::PlateVerifiedElsewhere,
            ),
        ];
        for (i, (mut r, want)) in cases.into_iter().enumerate() {
            r.key = key(&format!("case{i}"));
            let got = l.book(&r, id(100 + i), now());
            assert_eq!(refusal(got), want, "case {i}");
            let changes = l.take_changes();
            assert!(
                changes.iter().all(|c| matches!(c, Change::Idempotency(_))),
                "case {i}: a refusal only remembers its key"
            );
            assert_eq!(
                l.bookings().cloned().collect::<Vec<_>>(),
                before,
                "case {i}"
            );
        }
    }

    #[test]
    fn another_accounts_booking_of_the_plate_is_not_revealed() {
        let mut l = ledger();
        let first = l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        // Account 2 registered the same plate and tries the same day.
        let mut r = req(2, "10:00", false);
        r.account = account(2);
        r.trip.owner = account(2);
        r.trip.plate = first.plate.clone();
        let e = l.book(&r, id(2), now()).unwrap_err();
        assert_eq!(
            BookingRefusal::of(&e),
            Some(BookingRefusal::VehicleAlreadyBooked)
        );
        assert!(!e.detail().contains(first.id.as_str()), "{}", e.detail());
        assert!(!e.detail().contains("28/11"), "{}", e.detail());
        // The owner's own second try is told which booking is in the way.
        let mut mine = req(3, "10:00", false);
        mine.trip.plate = first.plate.clone();
        let e = l.book(&mine, id(3), now()).unwrap_err();
        assert!(e.detail().contains(first.id.as_str()), "{}", e.detail());
    }

    #[test]
    fn closed_days_and_hours_are_refused() {
        let mut c = config();
        c.closures.push(closure_day("2026-11-29"));
        c.closures
            .push(closure_hours(at(DAY, "12:00"), at(DAY, "14:00")));
        let mut l = Ledger::new(yard_id(), gate_id(), c).unwrap();
        let mut r = req(1, "09:00", false);
        r.slot.start_ms += DAY_MS;
        assert_eq!(
            refusal(l.book(&r, id(1), now())),
            BookingRefusal::YardClosed
        );
        assert_eq!(
            refusal(l.book(&req(2, "13:00", false), id(2), now())),
            BookingRefusal::YardClosed
        );
        assert!(l.book(&req(3, "14:00", false), id(3), now()).is_ok());
        let a = l.availability(day(), now());
        let at13 = a
            .slots
            .iter()
            .find(|s| s.start_ms == at(DAY, "13:00"))
            .unwrap();
        assert!(matches!(at13.state, SlotState::Closed { .. }));
        assert_eq!(
            BookingRefusal::of(&at13.lane_for(false, None).unwrap_err()),
            Some(BookingRefusal::YardClosed)
        );
    }

    #[test]
    fn lanes_fill_as_the_arithmetic_says() {
        // 10 places at 20 %: 2 perishable, 8 general.
        let mut c = config();
        c.max_active_trader = 50;
        let mut l = Ledger::new(yard_id(), gate_id(), c).unwrap();
        let mut n = 0;
        let mut book = |l: &mut Ledger, perishable: bool| {
            n += 1;
            l.book(&req(n, "09:00", perishable), id(n), now())
        };
        // Perishables take their two places, then overflow into general.
        assert_eq!(book(&mut l, true).unwrap().lane, Lane::Perishable);
        assert_eq!(book(&mut l, true).unwrap().lane, Lane::Perishable);
        assert_eq!(book(&mut l, true).unwrap().lane, Lane::General);
        // General cargo takes the remaining 7 general places...
        for _ in 0..7 {
            assert_eq!(book(&mut l, false).unwrap().lane, Lane::General);
        }
        // ... and then the slot is full for everyone.
        assert_eq!(refusal(book(&mut l, false)), BookingRefusal::SlotFull);
        assert_eq!(refusal(book(&mut l, true)), BookingRefusal::SlotFull);
        assert_eq!(remaining(&l, "09:00"), LaneCounts::default());
    }

    #[test]
    fn general_cargo_is_full_while_perishable_places_are_free() {
        let mut l = ledger();
        for n in 1..=8 {
            l.book(&req(n, "09:00", false), id(n), now()).unwrap();
        }
        let e = l.book(&req(9, "09:00", false), id(9), now()).unwrap_err();
        assert_eq!(BookingRefusal::of(&e), Some(BookingRefusal::SlotFull));
        assert_eq!(
            remaining(&l, "09:00"),
            LaneCounts {
                general: 0,
                perishable: 2
            }
        );
        assert_eq!(
            l.book(&req(10, "09:00", true), id(10), now()).unwrap().lane,
            Lane::Perishable
        );
    }

    #[test]
    fn a_repeated_book_returns_the_first_result_and_changes_nothing() {
        let mut l = ledger();
        let r = req(1, "09:00", false);
        let first = l.book(&r, id(1), now()).unwrap();
        l.take_changes();
        let again = l.book(&r, id(2), now() + MINUTE_MS).unwrap();
        assert_eq!(again, first);
        assert!(l.take_changes().is_empty());
        assert_eq!(l.bookings().count(), 1);
        // Refusals are replayed too, even once the reason is gone.
        let mut full = ledger();
        for n in 1..=8 {
            full.book(&req(n, "09:00", false), id(n), now()).unwrap();
        }
        let late = req(9, "09:00", false);
        let refused = full.book(&late, id(9), now()).unwrap_err();
        full.cancel_by_yard(&id(1), now()).unwrap();
        full.take_changes();
        assert_eq!(full.book(&late, id(9), now()).unwrap_err(), refused);
        assert!(full.take_changes().is_empty());
        // The same key from another account is another request.
        let mut other = req(9, "10:00", false);
        other.account = account(2);
        other.trip.owner = account(2);
        other.key = late.key.clone();
        assert!(full.book(&other, id(9), now()).is_ok());
    }

    #[test]
    fn a_key_reused_for_another_request_is_refused() {
        let mut l = ledger();
        let r = req(1, "09:00", false);
        l.book(&r, id(1), now()).unwrap();
        l.take_changes();
        let mut different = req(2, "10:00", false);
        different.key = r.key.clone();
        assert_eq!(
            refusal(l.book(&different, id(2), now())),
            BookingRefusal::IdempotencyKeyReused
        );
        let cancel = CancelRequest {
            account: account(1),
            booking_id: id(1),
            key: r.key.clone(),
        };
        assert_eq!(
            refusal(l.cancel(&cancel, now())),
            BookingRefusal::IdempotencyKeyReused
        );
        assert!(l.take_changes().is_empty());
        assert_eq!(l.bookings().count(), 1);
    }

    #[test]
    fn a_taken_booking_id_is_an_internal_error_and_not_remembered() {
        let mut l = ledger();
        l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        l.take_changes();
        let e = l.book(&req(2, "09:00", false), id(1), now()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Internal);
        assert!(l.take_changes().is_empty());
        assert!(l.book(&req(2, "09:00", false), id(2), now()).is_ok());
    }

    #[test]
    fn cancelling_gives_the_place_back_once() {
        let mut l = ledger();
        l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        let c = CancelRequest {
            account: account(1),
            booking_id: id(1),
            key: key("c1"),
        };
        let cancelled = l.cancel(&c, now()).unwrap();
        assert_eq!(cancelled.status, BookingStatus::Cancelled);
        assert_eq!(cancelled.closed_at_ms, Some(now()));
        assert_eq!(remaining(&l, "09:00").general, 8);
        l.take_changes();
        // Retried: the same answer, nothing changes.
        assert_eq!(l.cancel(&c, now() + MINUTE_MS).unwrap(), cancelled);
        assert!(l.take_changes().is_empty());
        // A new key on a cancelled booking: not active.
        let c2 = CancelRequest {
            key: key("c2"),
            ..c.clone()
        };
        assert_eq!(
            refusal(l.cancel(&c2, now())),
            BookingRefusal::BookingNotActive
        );
    }

    #[test]
    fn only_the_owner_cancels_and_only_before_the_slot() {
        let mut l = ledger();
        l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        let theirs = CancelRequest {
            account: account(2),
            booking_id: id(1),
            key: key("c1"),
        };
        assert_eq!(refusal(l.cancel(&theirs, now())), BookingRefusal::NotFound);
        let unknown = CancelRequest {
            account: account(1),
            booking_id: id(9),
            key: key("c2"),
        };
        assert_eq!(refusal(l.cancel(&unknown, now())), BookingRefusal::NotFound);
        let late = CancelRequest {
            account: account(1),
            booking_id: id(1),
            key: key("c3"),
        };
        assert_eq!(
            refusal(l.cancel(&late, at(DAY, "09:00"))),
            BookingRefusal::SlotInPast
        );
        assert!(l.booking(&id(1)).unwrap().is_active());
    }

    fn move_req(n: usize, t: &str, k: &str) -> RescheduleRequest {
        RescheduleRequest {
            account: account(1),
            booking_id: id(n),
            new_start_ms: at(DAY, t),
            lane: None,
            key: key(k),
        }
    }

    #[test]
    fn rescheduling_moves_the_place() {
        let mut l = ledger();
        let b = l.book(&req(1, "09:00", true), id(1), now()).unwrap();
        let moved = l.reschedule(&move_req(1, "11:00", "m1"), now()).unwrap();
        assert_eq!(moved.id, b.id);
        assert_eq!(moved.slot.start_ms, at(DAY, "11:00"));
        assert_eq!(moved.slot_end_ms, at(DAY, "12:00"));
        assert_eq!(moved.lane, Lane::Perishable);
        assert_eq!(moved.plate, b.plate);
        assert_eq!(moved.created_at_ms, b.created_at_ms);
        assert_eq!(remaining(&l, "09:00").perishable, 2);
        assert_eq!(remaining(&l, "11:00").perishable, 1);
        // Retried: the first answer; nothing moves.
        l.take_changes();
        assert_eq!(
            l.reschedule(&move_req(1, "11:00", "m1"), now()).unwrap(),
            moved
        );
        assert!(l.take_changes().is_empty());
        // To the slot it is already in: nothing to do.
        let same = l.reschedule(&move_req(1, "11:00", "m2"), now()).unwrap();
        assert_eq!(same, moved);
        assert!(l
            .take_changes()
            .iter()
            .all(|c| matches!(c, Change::Idempotency(_))));
        // Asking for the other lane in the same slot.
        let mut to_general = move_req(1, "11:00", "m3");
        to_general.lane = Some(Lane::General);
        assert_eq!(
            l.reschedule(&to_general, now()).unwrap().lane,
            Lane::General
        );
        assert_eq!(remaining(&l, "11:00").perishable, 2);
    }

    #[test]
    fn rescheduling_into_a_full_slot_changes_nothing() {
        let mut l = ledger();
        l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        for n in 2..=9 {
            l.book(&req(n, "10:00", false), id(n), now()).unwrap();
        }
        let before: Vec<Booking> = l.bookings().cloned().collect();
        let avail_before = l.availability(day(), now());
        l.take_changes();
        assert_eq!(
            refusal(l.reschedule(&move_req(1, "10:00", "m1"), now())),
            BookingRefusal::SlotFull
        );
        assert_eq!(l.bookings().cloned().collect::<Vec<_>>(), before);
        assert_eq!(l.availability(day(), now()), avail_before);
        assert!(l
            .take_changes()
            .iter()
            .all(|c| matches!(c, Change::Idempotency(_))));
        assert_eq!(l.booking(&id(1)).unwrap().slot.start_ms, at(DAY, "09:00"));
    }

    #[test]
    fn rescheduling_follows_the_booking_rules() {
        let mut c = config();
        c.closures
            .push(closure_hours(at(DAY, "15:00"), at(DAY, "16:00")));
        let mut l = Ledger::new(yard_id(), gate_id(), c).unwrap();
        l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        // The same vehicle on another trip, the next day.
        let mut next_day = req(2, "09:00", false);
        next_day.trip.plate = Plate::parse("29C-100.01").unwrap();
        next_day.slot.start_ms += DAY_MS;
        l.book(&next_day, id(2), now()).unwrap();
        for (r, want) in [
            (move_req(1, "08:00", "m1"), BookingRefusal::SlotInPast),
            (move_req(1, "23:00", "m2"), BookingRefusal::SlotOutsideHours),
            (move_req(1, "15:00", "m3"), BookingRefusal::YardClosed),
            (move_req(9, "10:00", "m4"), BookingRefusal::NotFound),
            (
                RescheduleRequest {
                    new_start_ms: at(DAY, "09:00") + DAY_MS + 2 * 3_600_000,
                    ..move_req(1, "10:00", "m5")
                },
                BookingRefusal::VehicleAlreadyBooked,
            ),
            (
                RescheduleRequest {
                    lane: Some(Lane::Perishable),
                    ..move_req(1, "10:00", "m6")
                },
                BookingRefusal::PerishableOnly,
            ),
            (
                RescheduleRequest {
                    account: account(2),
                    ..move_req(1, "10:00", "m7")
                },
                BookingRefusal::NotFound,
            ),
        ] {
            assert_eq!(refusal(l.reschedule(&r, now())), want, "{r:?}");
        }
        // Once the slot has started, the booking stays where it is.
        assert_eq!(
            refusal(l.reschedule(&move_req(1, "12:00", "m8"), at(DAY, "09:10"))),
            BookingRefusal::SlotInPast
        );
        assert!(l.reschedule(&move_req(1, "12:00", "m9"), now()).is_ok());
    }

    #[test]
    fn a_checked_in_trip_is_not_booked_again_and_replays_are_known() {
        let mut l = ledger();
        let first = req(1, "09:00", false);
        assert!(!l.knows_key(&first.account, &first.key));
        l.book(&first, id(1), now()).unwrap();
        assert!(l.knows_key(&first.account, &first.key));
        let plate = Plate::parse("29C-100.01").unwrap();
        l.check_in(&id(1), &plate, at(DAY, "09:10"), at(DAY, "09:10"))
            .unwrap();
        // The same trip, a later slot, a new key: refused, nothing booked.
        let mut again = req(1, "11:00", false);
        again.key = key("b1-again");
        l.take_changes();
        assert_eq!(
            refusal(l.book(&again, id(2), at(DAY, "09:10"))),
            BookingRefusal::TripAlreadyBooked
        );
        assert!(l
            .take_changes()
            .iter()
            .all(|c| matches!(c, Change::Idempotency(_))));
        assert!(l.booking(&id(2)).is_none());
    }

    #[test]
    fn check_in_is_for_the_booked_plate_within_grace() {
        let mut l = ledger();
        l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        l.book(&req(2, "09:00", false), id(2), now()).unwrap();
        let plate = Plate::parse("29C 10001").unwrap();
        assert_eq!(
            refusal(l.check_in(&id(1), &Plate::parse("29C-100.02").unwrap(), now(), now())),
            BookingRefusal::PlateMismatch
        );
        let done = l
            .check_in(&id(1), &plate, at(DAY, "09:40"), at(DAY, "09:40"))
            .unwrap();
        assert_eq!(done.status, BookingStatus::CheckedIn);
        // Scanned again: same booking, no change.
        l.take_changes();
        assert_eq!(
            l.check_in(&id(1), &plate, at(DAY, "09:45"), at(DAY, "09:45"))
                .unwrap(),
            done
        );
        assert!(l.take_changes().is_empty());
        // After the slot plus 30 minutes' grace it is too late.
        assert_eq!(
            refusal(l.check_in(
                &id(2),
                &Plate::parse("29C-100.02").unwrap(),
                at(DAY, "10:30"),
                at(DAY, "10:30")
            )),
            BookingRefusal::BookingNotActive
        );
        assert_eq!(
            refusal(l.check_in(&id(9), &plate, now(), now())),
            BookingRefusal::NotFound
        );
        // A checked-in booking can no longer be cancelled.
        let c = CancelRequest {
            account: account(1),
            booking_id: id(1),
            key: key("c1"),
        };
        assert_eq!(
            refusal(l.cancel(&c, now())),
            BookingRefusal::BookingNotActive
        );
    }

    #[test]
    fn a_scan_in_time_that_arrives_late_takes_the_no_show_back() {
        let mut l = ledger();
        l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        let plate = Plate::parse("29C 10001").unwrap();
        // Released at 10:30 (slot end + 30 minutes); the operator's phone scanned at 10:20
        // offline and sends it at 11:00.
        assert_eq!(l.release_no_shows(at(DAY, "11:00")).len(), 1);
        let done = l
            .check_in(&id(1), &plate, at(DAY, "10:20"), at(DAY, "11:00"))
            .unwrap();
        assert_eq!(done.status, BookingStatus::CheckedIn);
        assert_eq!(done.closed_at_ms, Some(at(DAY, "10:20")));
        // A scan after the grace period does not.
        l.book(&req(2, "09:00", false), id(2), now()).unwrap();
        l.release_no_shows(at(DAY, "11:00"));
        assert_eq!(
            refusal(l.check_in(
                &id(2),
                &Plate::parse("29C-100.02").unwrap(),
                at(DAY, "10:31"),
                at(DAY, "11:00")
            )),
            BookingRefusal::BookingNotActive
        );
    }

    #[test]
    fn no_shows_are_released_after_the_grace_period() {
        let mut l = ledger();
        l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        l.book(&req(2, "10:00", false), id(2), now()).unwrap();
        assert_eq!(l.next_deadline_ms(), Some(at(DAY, "10:30")));
        assert!(l.release_no_shows(at(DAY, "10:29")).is_empty());
        l.take_changes();
        let released = l.release_no_shows(at(DAY, "11:00"));
        assert_eq!(released.len(), 1);
        assert_eq!(released[0].id, id(1));
        assert_eq!(released[0].status, BookingStatus::NoShow);
        assert_eq!(released[0].closed_at_ms, Some(at(DAY, "10:30")));
        assert_eq!(l.take_changes(), vec![Change::Booking(released[0].clone())]);
        assert_eq!(l.next_deadline_ms(), Some(at(DAY, "11:30")));
        assert_eq!(l.release_no_shows(at(DAY, "12:00")).len(), 1);
        assert_eq!(l.next_deadline_ms(), None);
        assert!(l.release_no_shows(at(DAY, "23:00")).is_empty());
        assert_eq!(l.paused_until(&account(1)), None);
    }

    #[test]
    fn three_no_shows_in_thirty_days_pause_booking_for_seven_days() {
        let mut l = ledger();
        let mut last_no_show = 0;
        for (n, days) in [(1usize, 0i64), (2, 10), (3, 20)] {
            let mut r = req(n, "09:00", false);
            let t = now() + days * DAY_MS;
            r.slot.start_ms += days * DAY_MS;
            l.book(&r, id(n), t).unwrap();
            last_no_show = r.slot.start_ms + 90 * MINUTE_MS;
            assert_eq!(l.release_no_shows(last_no_show).len(), 1);
        }
        let until = last_no_show + 7 * DAY_MS;
        assert_eq!(l.paused_until(&account(1)), Some(until));
        let mut r = req(4, "09:00", false);
        r.slot.start_ms += 22 * DAY_MS;
        assert_eq!(
            refusal(l.book(&r, id(4), now() + 21 * DAY_MS)),
            BookingRefusal::BookingPaused
        );
        // Another account is not affected.
        let mut theirs = req(5, "09:00", false);
        theirs.account = account(2);
        theirs.trip.owner = account(2);
        theirs.slot.start_ms += 22 * DAY_MS;
        assert!(l.book(&theirs, id(5), now() + 21 * DAY_MS).is_ok());
        // Once the pause is over, booking works again.
        let mut later = req(6, "09:00", false);
        later.slot.start_ms += 28 * DAY_MS;
        assert!(l.book(&later, id(6), until).is_ok());
    }

    #[test]
    fn capacity_cannot_drop_below_bookings_until_the_operator_cancels() {
        let mut l = ledger();
        for n in 1..=5 {
            l.book(&req(n, "09:00", false), id(n), now()).unwrap();
        }
        l.take_changes();
        let mut smaller = config();
        smaller.capacity_per_slot = 5; // 1 perishable, 4 general < 5 booked
        assert_eq!(
            refusal(l.set_config(smaller.clone(), now())),
            BookingRefusal::CapacityBelowBooked
        );
        assert_eq!(l.config(), &config());
        assert!(l.take_changes().is_empty());
        let cancelled = l.cancel_by_yard(&id(5), now()).unwrap();
        assert_eq!(cancelled.status, BookingStatus::Cancelled);
        assert_eq!(l.cancel_by_yard(&id(5), now()).unwrap(), cancelled);
        l.set_config(smaller.clone(), now()).unwrap();
        assert_eq!(l.config(), &smaller);
        assert_eq!(
            l.take_changes(),
            vec![Change::Booking(cancelled), Change::Config(smaller)]
        );
        assert_eq!(
            remaining(&l, "09:00"),
            LaneCounts {
                general: 0,
                perishable: 1
            }
        );
        assert_eq!(
            refusal(l.cancel_by_yard(&id(9), now())),
            BookingRefusal::NotFound
        );
    }

    #[test]
    fn restoring_from_storage_gives_the_same_ledger() {
        let mut l = ledger();
        l.book(&req(1, "09:00", true), id(1), now()).unwrap();
        l.book(&req(2, "10:00", false), id(2), now()).unwrap();
        let mut bookings = Vec::new();
        let mut keys = Vec::new();
        for change in l.take_changes() {
            // Through JSON, as the object would store them.
            let change: Change =
                serde_json::from_str(&serde_json::to_string(&change).unwrap()).unwrap();
            match change {
                Change::Booking(b) => bookings.push(b),
                Change::Idempotency(r) => keys.push(r),
                other => panic!("unexpected {other:?}"),
            }
        }
        let mut back = Ledger::restore(yard_id(), gate_id(), config(), bookings, keys).unwrap();
        assert_eq!(
            back.availability(day(), now()),
            l.availability(day(), now())
        );
        assert_eq!(
            back.book(&req(1, "09:00", true), id(7), now()).unwrap(),
            *l.booking(&id(1)).unwrap()
        );
        let stray = booking("bk-x", at(DAY, "09:00"));
        let mut elsewhere = stray.clone();
        elsewhere.slot.yard = YardId::parse("cm-main").unwrap();
        assert!(Ledger::restore(yard_id(), gate_id(), config(), vec![elsewhere], vec![]).is_err());
        let mut bad = config();
        bad.slot_minutes = 45;
        assert!(Ledger::new(yard_id(), gate_id(), bad).is_err());
    }

    #[test]
    fn pruning_forgets_old_finished_bookings_and_keys() {
        let mut l = ledger();
        l.book(&req(1, "09:00", false), id(1), now()).unwrap();
        l.book(&req(2, "10:00", false), id(2), now()).unwrap();
        l.release_no_shows(at(DAY, "12:00"));
        let mut r = req(3, "09:00", false);
        r.slot.start_ms += 10 * DAY_MS;
        l.book(&r, id(3), now() + 9 * DAY_MS).unwrap();
        l.take_changes();
        // 30 + 7 days after the no-shows they go; the active booking stays; keys after 7 days.
        l.prune(at(DAY, "12:00") + 38 * DAY_MS);
        assert_eq!(
            l.bookings().map(|b| b.id.clone()).collect::<Vec<_>>(),
            vec![id(3)]
        );
        assert!(l.keys.is_empty());
        assert!(matches!(l.take_changes()[..], [Change::Pruned { .. }]));
    }

    #[test]
    fn availability_is_json_for_the_slot_grid() {
        let l = ledger();
        let a = l.availability(day(), now());
        assert_eq!(a.slots.len(), 16);
        assert_eq!(a.fee_vnd, 50_000);
        assert_eq!(a.slots[0].state, SlotState::Past);
        assert_eq!(a.slots[3].state, SlotState::Open);
        let json = serde_json::to_value(&a.slots[3]).unwrap();
        assert_eq!(json["state"]["kind"], "open");
        assert_eq!(json["remaining"]["perishable"], 2);
        assert_eq!(serde_json::to_value(&a).unwrap()["date"], "2026-11-28");
        assert_eq!(a.slots[3].lane_for(true, None).unwrap(), Lane::Perishable);
        assert_eq!(
            BookingRefusal::of(&a.slots[0].lane_for(true, None).unwrap_err()),
            Some(BookingRefusal::SlotInPast)
        );
    }
}
