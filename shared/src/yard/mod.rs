//! One yard's live state: its booking [`Ledger`] and its [`Queue`] behind one type,
//! [`YardState`], with every operation the yard's Durable Object runs.
//!
//! Each operation takes "now", checks the yard's rules, and records two things besides its
//! answer: the changes to store ([`YardChanges`]) and the domain events that happened
//! ([`crate::event::Event`], numbered per yard without gaps: `EventId::of_yard(yard, n)`). The
//! object writes both in one atomic store before it answers (see [`store::YardRunner`]), so an
//! event exists exactly when its change does. A refusal, a replay or a read records no event.
//!
//! Rules that span the two halves live here: which booking a scanned vehicle uses (see
//! [`YardState::check_in`]), and that checking in checks its booking in.
//!
//! Nothing here reads a clock, draws an id or does IO: ids and "now" are passed in.

pub mod store;

#[cfg(test)]
mod memory;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use store::{RunError, Snapshot, YardRunner, YardStore};

use crate::booking::{
    BookRequest, Booking, BookingId, BookingStatus, CancelRequest, Change, DayAvailability, Lane,
    Ledger, LocalDate, RescheduleRequest, YardConfig, DAY_MS,
};
use crate::event::{Event, EventId, Recorded, ReleaseReason};
use crate::queue::{
    BookedSlot, CheckIn, Entry, EntryStatus, Queue, QueueChange, QueueEntryId, QueuePolicy,
    QueueStats, TripQueueView, YardQueueView,
};
use crate::wire::v1::{CheckInResponse, ErrorBody};
use crate::{AccountId, Error, ErrorCode, GateId, Plate, TripId, YardId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the directory says about a yard the object has never stored: its gate and its
/// settings until an operator saves the yard's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YardSetup {
    pub yard: YardId,
    pub gate: GateId,
    pub config: YardConfig,
}

/// The answer to a keyed booking request (book, cancel, reschedule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingAnswer {
    pub booking: Booking,
    /// Set when the key was seen before: this is the first answer again, nothing changed.
    pub replay: Option<Replay>,
}

/// A replayed answer, with the booking's status now (it may have ended since).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replay {
    /// `None` when the yard has forgotten the booking (pruned).
    pub status_now: Option<BookingStatus>,
}

impl Replay {
    /// Whether the booking still holds its trip's one booking (active or checked in).
    pub fn still_holds(&self) -> bool {
        matches!(
            self.status_now,
            Some(BookingStatus::Active | BookingStatus::CheckedIn)
        )
    }
}

/// A vehicle whose pass was verified by the Worker, as D1 knows its trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    pub trip_id: TripId,
    pub account_id: AccountId,
    pub plate: Plate,
    pub perishable: bool,
}

/// The first answer to an outbox check-in (by its `client:seq` key), kept for its replays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckInAnswer {
    Ok(Box<CheckInResponse>),
    Refused(ErrorBody),
}

impl CheckInAnswer {
    pub fn to_result(&self) -> Result<CheckInResponse, Error> {
        match self {
            CheckInAnswer::Ok(r) => Ok((**r).clone()),
            CheckInAnswer::Refused(body) => Err(Error::from(body.clone())),
        }
    }
}

/// A remembered outbox check-in answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCheckIn {
    pub key: String,
    pub at_ms: i64,
    pub answer: CheckInAnswer,
}

/// A change to the remembered check-in answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckInChange {
    Stored(Box<StoredCheckIn>),
    /// Answers recorded before this instant were forgotten.
    Pruned {
        before_ms: i64,
    },
}

/// Everything one operation changed, for one atomic store: the state, and the events that
/// happened (in order, numbered from the yard's next sequence number).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YardChanges {
    /// The yard was set up from the directory by this operation (store its identity).
    pub set_up: Option<YardSetup>,
    pub bookings: Vec<Change>,
    pub queue: Vec<QueueChange>,
    pub check_ins: Vec<CheckInChange>,
    pub events: Vec<Recorded>,
}

impl YardChanges {
    pub fn is_empty(&self) -> bool {
        self.set_up.is_none()
            && self.bookings.is_empty()
            && self.queue.is_empty()
            && self.check_ins.is_empty()
            && self.events.is_empty()
    }

    /// Whether the queue changed (then the phones following it are told).
    pub fn queue_changed(&self) -> bool {
        !self.queue.is_empty()
    }

    /// The sequence number of the last event, if any was recorded.
    pub fn last_event_seq(&self) -> Option<u64> {
        self.events.last().and_then(|r| event_seq(&r.id))
    }
}

/// The per-yard number of an event id written by [`YardState`] (`<yard>.<n>`).
pub fn event_seq(id: &EventId) -> Option<u64> {
    id.as_str().rsplit_once('.')?.1.parse().ok()
}

/// One yard's bookings and queue, and the operations on them.
#[derive(Debug, Clone)]
pub struct YardState {
    ledger: Ledger,
    queue: Queue,
    check_ins: BTreeMap<String, StoredCheckIn>,
    /// The number the next event gets (events are numbered from 1).
    next_event_seq: u64,
    pending: YardChanges,
}

impl YardState {
    /// A yard never stored before, from the directory's setup; its identity and settings are
    /// among the first changes to store.
    pub fn set_up(setup: YardSetup) -> Result<Self, Error> {
        let ledger = Ledger::new(setup.yard.clone(), setup.gate.clone(), setup.config.clone())?;
        let mut yard = YardState {
            ledger,
            queue: Queue::new(QueuePolicy::default()),
            check_ins: BTreeMap::new(),
            next_event_seq: 1,
            pending: YardChanges::default(),
        };
        yard.pending
            .bookings
            .push(Change::Config(setup.config.clone()));
        yard.pending.set_up = Some(setup);
        Ok(yard)
    }

    /// A yard from what its storage holds.
    pub fn restore(snapshot: Snapshot) -> Result<Self, Error> {
        let ledger = Ledger::restore(
            snapshot.yard,
            snapshot.gate,
            snapshot.config,
            snapshot.bookings,
            snapshot.keys,
        )?;
        let queue = Queue::restore(QueuePolicy::default(), snapshot.entries, snapshot.orders);
        Ok(YardState {
            ledger,
            queue,
            check_ins: snapshot
                .check_ins
                .into_iter()
                .map(|c| (c.key.clone(), c))
                .collect(),
            next_event_seq: snapshot.next_event_seq.max(1),
            pending: YardChanges::default(),
        })
    }

    pub fn yard(&self) -> &YardId {
        self.ledger.yard()
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    /// The number the next event will get.
    pub fn next_event_seq(&self) -> u64 {
        self.next_event_seq
    }

    /// Drains what the operations since the last call changed, for one atomic store.
    pub fn take_changes(&mut self) -> YardChanges {
        let mut changes = std::mem::take(&mut self.pending);
        changes.bookings.extend(self.ledger.take_changes());
        changes.queue.extend(self.queue.take_changes());
        changes
    }

    // --- Reads -------------------------------------------------------------------------

    pub fn availability(&self, date: LocalDate, now_ms: i64) -> DayAvailability {
        self.ledger.availability(date, now_ms)
    }

    /// A local day's bookings, for the yard's operator.
    pub fn day_bookings(&self, date: LocalDate) -> Vec<Booking> {
        self.ledger.bookings_on(date).into_iter().cloned().collect()
    }

    pub fn config(&self) -> &YardConfig {
        self.ledger.config()
    }

    /// The operator's view of the lanes.
    pub fn lanes_view(&self, now_ms: i64) -> YardQueueView {
        self.queue.lanes_view(self.yard().as_str(), now_ms)
    }

    /// Where one trip stands, for its driver.
    pub fn trip_view(&self, trip: &TripId, now_ms: i64) -> TripQueueView {
        self.queue
            .view_for_trip(self.yard().as_str(), trip, &self.queue.positions(), now_ms)
    }

    /// The stored first answer of an outbox check-in, if its key was seen.
    pub fn stored_check_in(&self, key: &str) -> Option<Result<CheckInResponse, Error>> {
        self.check_ins.get(key).map(|c| c.answer.to_result())
    }

    /// The day's figures (the public board, the operator's screen).
    pub fn stats(&self, now_ms: i64) -> QueueStats {
        QueueStats::of(&self.queue, now_ms)
    }

    /// Whether the queue holds anything (then its figures are refreshed every half hour).
    pub fn queue_in_use(&self) -> bool {
        self.queue.entries().next().is_some()
    }

    /// When the object's alarm should next run: the next no-show deadline and, while the
    /// queue is in use, the next refresh of the figures.
    pub fn next_alarm_ms(&self, now_ms: i64) -> Option<i64> {
        let refresh = self
            .queue_in_use()
            .then(|| crate::queue::stats::next_refresh_ms(now_ms));
        [self.ledger.next_deadline_ms(), refresh]
            .into_iter()
            .flatten()
            .min()
    }

    // --- Bookings ----------------------------------------------------------------------

    /// Books a place; `new_id` is a fresh random id (unused on a replay).
    pub fn book(
        &mut self,
        req: &BookRequest,
        new_id: BookingId,
        now_ms: i64,
    ) -> Result<BookingAnswer, Error> {
        let replayed = self.ledger.knows_key(&req.account, &req.key);
        let booking = self.ledger.book(req, new_id, now_ms)?;
        if replayed {
            return Ok(self.replayed(booking));
        }
        self.record(
            now_ms,
            Event::BookingMade {
                booking_id: booking.id.clone(),
                trip_id: booking.trip_id.clone(),
                yard_id: self.yard().clone(),
                slot_start_ms: booking.slot.start_ms,
                lane: booking.lane,
            },
        );
        Ok(fresh(booking))
    }

    /// The owner cancels a booking.
    pub fn cancel(&mut self, req: &CancelRequest, now_ms: i64) -> Result<BookingAnswer, Error> {
        let replayed = self.ledger.knows_key(&req.account, &req.key);
        let booking = self.ledger.cancel(req, now_ms)?;
        if replayed {
            return Ok(self.replayed(booking));
        }
        self.record(
            now_ms,
            Event::BookingCancelled {
                booking_id: booking.id.clone(),
                trip_id: booking.trip_id.clone(),
                yard_id: self.yard().clone(),
            },
        );
        Ok(fresh(booking))
    }

    /// The owner moves a booking to another slot (asking for the slot it has changes nothing).
    pub fn reschedule(
        &mut self,
        req: &RescheduleRequest,
        now_ms: i64,
    ) -> Result<BookingAnswer, Error> {
        let replayed = self.ledger.knows_key(&req.account, &req.key);
        let before = self.ledger.booking(&req.booking_id).cloned();
        let booking = self.ledger.reschedule(req, now_ms)?;
        if replayed {
            return Ok(self.replayed(booking));
        }
        if let Some(before) = before.filter(|b| b != &booking) {
            self.record(
                now_ms,
                Event::BookingRescheduled {
                    booking_id: booking.id.clone(),
                    trip_id: booking.trip_id.clone(),
                    yard_id: self.yard().clone(),
                    from_start_ms: before.slot.start_ms,
                    slot_start_ms: booking.slot.start_ms,
                    lane: booking.lane,
                },
            );
        }
        Ok(fresh(booking))
    }

    /// The yard releases a booking (its trip was cancelled, its account disabled, its plate
    /// verified for someone else). Releasing it again changes nothing.
    pub fn cancel_by_yard(&mut self, id: &BookingId, now_ms: i64) -> Result<Booking, Error> {
        let was_active = self.ledger.booking(id).is_some_and(Booking::is_active);
        let booking = self.ledger.cancel_by_yard(id, now_ms)?;
        if was_active {
            self.record_release(&booking, ReleaseReason::ByYard, now_ms);
        }
        Ok(booking)
    }

    /// Saves the yard's settings (unless they leave an upcoming booking without a place).
    pub fn set_config(&mut self, config: YardConfig, now_ms: i64) -> Result<YardConfig, Error> {
        self.ledger.set_config(config, now_ms)?;
        Ok(self.ledger.config().clone())
    }

    /// Releases the bookings whose grace period is over as no-shows. Run before every
    /// operation (answers are right before the alarm fires) and by the alarm.
    pub fn release_no_shows(&mut self, now_ms: i64) -> Vec<Booking> {
        let released = self.ledger.release_no_shows(now_ms);
        for booking in &released {
            self.record_release(booking, ReleaseReason::NoShow, now_ms);
        }
        released
    }

    // --- The queue ---------------------------------------------------------------------

    /// A verified pass was scanned at `scanned_at_ms`. With a `key` (`client:seq`, a check-in
    /// from an operator's outbox) the first answer is kept, and a replay gets it again.
    ///
    /// Rule 1 of the queue needs the trip's booking here: the trip's booking for this vehicle
    /// that the scan falls in, from the start of the slot's local day (early arrivals queue
    /// from the slot's start; tomorrow's booking is not used up by coming today) to the end of
    /// its grace period (a booking released as a no-show counts if the scan was in time: it
    /// arrived late from a phone that was offline). That booking is checked in with it.
    pub fn check_in(
        &mut self,
        arrival: Arrival,
        scanned_at_ms: i64,
        new_id: QueueEntryId,
        key: Option<&str>,
        now_ms: i64,
    ) -> Result<CheckInResponse, Error> {
        if let Some(stored) = key.and_then(|k| self.stored_check_in(k)) {
            return stored;
        }
        let result = self.place(arrival, scanned_at_ms, new_id, now_ms);
        // A failure of ours is not an answer to remember: the phone retries it.
        let answer = match &result {
            Ok(r) => Some(CheckInAnswer::Ok(Box::new(r.clone()))),
            Err(e) if e.code() == ErrorCode::Internal => None,
            Err(e) => Some(CheckInAnswer::Refused(ErrorBody::from(e))),
        };
        if let (Some(key), Some(answer)) = (key, answer) {
            let stored = StoredCheckIn {
                key: key.to_owned(),
                at_ms: now_ms,
                answer,
            };
            self.check_ins.insert(stored.key.clone(), stored.clone());
            self.pending
                .check_ins
                .push(CheckInChange::Stored(Box::new(stored)));
        }
        result
    }

    fn place(
        &mut self,
        arrival: Arrival,
        scanned_at_ms: i64,
        id: QueueEntryId,
        now_ms: i64,
    ) -> Result<CheckInResponse, Error> {
        let booked = self.booking_for_scan(&arrival, scanned_at_ms);
        let entry = self.queue.check_in(
            CheckIn {
                id,
                trip_id: arrival.trip_id,
                account_id: arrival.account_id,
                plate: arrival.plate.clone(),
                perishable: arrival.perishable,
                booking: booked.clone(),
                scanned_at_ms,
            },
            now_ms,
        )?;
        if let Some(slot) = booked {
            // Chosen above by plate, status and time, so the ledger cannot refuse it; if it
            // ever did, the vehicle is in the queue all the same (the booking is released
            // later as a no-show, as it would have been without a scan).
            let _ = self
                .ledger
                .check_in(&slot.booking_id, &arrival.plate, scanned_at_ms, now_ms);
        }
        self.record(
            now_ms,
            Event::CheckedIn {
                entry_id: entry.id.clone(),
                trip_id: entry.trip_id.clone(),
                yard_id: self.yard().clone(),
                lane: entry.lane,
                booking_id: entry.booking_id.clone(),
                scanned_at_ms: entry.scanned_at_ms,
            },
        );
        Ok(CheckInResponse {
            position: self.queue.position(&entry.id),
            entry,
        })
    }

    /// The booking a scan uses (see [`YardState::check_in`]): the earliest that fits.
    pub fn booking_for_scan(&self, arrival: &Arrival, scanned_at_ms: i64) -> Option<BookedSlot> {
        let grace = self.ledger.config().no_show.grace_minutes;
        self.ledger
            .bookings()
            .filter(|b| b.trip_id == arrival.trip_id && b.plate.same_vehicle(&arrival.plate))
            .filter(|b| matches!(b.status, BookingStatus::Active | BookingStatus::NoShow))
            .filter(|b| (b.date().midnight_ms()..b.no_show_at_ms(grace)).contains(&scanned_at_ms))
            .min_by_key(|b| b.slot.start_ms)
            .map(|b| BookedSlot {
                booking_id: b.id.clone(),
                slot_start_ms: b.slot.start_ms,
                good_until_ms: b.no_show_at_ms(grace),
            })
    }

    /// Calls the next `count` waiting vehicles of a lane.
    pub fn call(&mut self, lane: Lane, count: u32, now_ms: i64) -> Result<Vec<Entry>, Error> {
        let called = self.queue.call_next(lane, count, now_ms)?;
        for e in &called {
            self.record(
                now_ms,
                Event::Called {
                    entry_id: e.id.clone(),
                    trip_id: e.trip_id.clone(),
                    yard_id: self.yard().clone(),
                    lane: e.lane,
                },
            );
        }
        Ok(called)
    }

    /// A called vehicle went through.
    pub fn serve(&mut self, id: &QueueEntryId, now_ms: i64) -> Result<Entry, Error> {
        let served = self.queue.serve(id, now_ms)?;
        self.record(
            now_ms,
            Event::Served {
                entry_id: served.id.clone(),
                trip_id: served.trip_id.clone(),
                yard_id: self.yard().clone(),
            },
        );
        Ok(served)
    }

    /// A called vehicle did not come.
    pub fn absent(&mut self, id: &QueueEntryId, now_ms: i64) -> Result<Entry, Error> {
        let absent = self.queue.mark_absent(id, now_ms)?;
        self.record(
            now_ms,
            Event::Absent {
                entry_id: absent.id.clone(),
                trip_id: absent.trip_id.clone(),
                yard_id: self.yard().clone(),
                absences: absent.absences,
                no_show: absent.status == EntryStatus::NoShow,
            },
        );
        Ok(absent)
    }

    /// The operator `by` moves a waiting vehicle, with a reason.
    pub fn move_entry(
        &mut self,
        id: &QueueEntryId,
        position: u32,
        reason: &str,
        by: &AccountId,
        now_ms: i64,
    ) -> Result<Entry, Error> {
        let moved = self.queue.move_to(id, position, reason)?;
        self.record(
            now_ms,
            Event::Moved {
                entry_id: moved.id.clone(),
                trip_id: moved.trip_id.clone(),
                yard_id: self.yard().clone(),
                position: self.queue.position(&moved.id).unwrap_or(position),
                reason: reason.trim().to_owned(),
                by: by.clone(),
            },
        );
        Ok(moved)
    }

    /// The account was disabled: its vehicles in the queue are flagged for the operator (who
    /// decides; they keep their place). Returns how many were flagged.
    pub fn account_disabled(&mut self, account: &AccountId) -> u32 {
        self.queue.flag_account_disabled(account).len() as u32
    }

    // --- Time --------------------------------------------------------------------------

    /// The alarm's work: no-shows released, what is no longer needed forgotten.
    pub fn tick(&mut self, now_ms: i64) {
        self.release_no_shows(now_ms);
        self.ledger.prune(now_ms);
        self.queue.prune(now_ms);
        // Outbox check-in answers are kept as long as the queue's closed entries.
        let before_ms = LocalDate::of_instant(now_ms).midnight_ms() - DAY_MS;
        let count = self.check_ins.len();
        self.check_ins.retain(|_, c| c.at_ms >= before_ms);
        if self.check_ins.len() != count {
            self.pending
                .check_ins
                .push(CheckInChange::Pruned { before_ms });
        }
    }

    // --- Events ------------------------------------------------------------------------

    fn record(&mut self, now_ms: i64, event: Event) {
        let id = EventId::of_yard(self.ledger.yard(), self.next_event_seq);
        self.next_event_seq += 1;
        self.pending.events.push(Recorded::new(id, now_ms, event));
    }

    fn record_release(&mut self, booking: &Booking, reason: ReleaseReason, now_ms: i64) {
        self.record(
            now_ms,
            Event::BookingReleased {
                booking_id: booking.id.clone(),
                trip_id: booking.trip_id.clone(),
                yard_id: self.yard().clone(),
                reason,
            },
        );
    }

    fn replayed(&self, booking: Booking) -> BookingAnswer {
        let status_now = self.ledger.booking(&booking.id).map(|b| b.status);
        BookingAnswer {
            booking,
            replay: Some(Replay { status_now }),
        }
    }
}

fn fresh(booking: Booking) -> BookingAnswer {
    BookingAnswer {
        booking,
        replay: None,
    }
}
