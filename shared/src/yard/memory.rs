//! An in-memory [`YardStore`] that can fail on purpose, for the runner's tests.
//!
//! It keeps what a real store keeps (the state, and the events not yet copied out) and models
//! the object's SQLite transaction: a store that fails, before writing or half-way through,
//! keeps nothing of that operation.

use super::store::{Snapshot, YardStore};
use super::{CheckInChange, YardChanges};
use crate::booking::{BookingStatus, Change};
use crate::event::Recorded;
use crate::queue::{EntryStatus, QueueChange};

/// When the store fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The n-th call to `store` (counted from 1) fails before writing anything.
    OnWrite(u32),
    /// The n-th call to `store` fails after writing half of its changes (rolled back).
    HalfWay(u32),
}

#[derive(Debug, Default)]
pub struct MemoryStore {
    committed: Option<Snapshot>,
    /// Every event stored, in the order stored (the object's own event table).
    pub events: Vec<Recorded>,
    pub failures: Vec<Failure>,
    writes: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub struct InjectedFailure {
    pub write: u32,
    pub applied: usize,
}

impl MemoryStore {
    pub fn failing(failures: Vec<Failure>) -> Self {
        MemoryStore {
            failures,
            ..MemoryStore::default()
        }
    }

    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.committed.as_ref()
    }
}

impl YardStore for MemoryStore {
    type Error = InjectedFailure;

    fn load(&mut self) -> Result<Option<Snapshot>, InjectedFailure> {
        Ok(self.committed.clone())
    }

    fn store(&mut self, changes: &YardChanges) -> Result<(), InjectedFailure> {
        self.writes += 1;
        let write = self.writes;
        if self.failures.contains(&Failure::OnWrite(write)) {
            return Err(InjectedFailure { write, applied: 0 });
        }
        let stop_after = self
            .failures
            .contains(&Failure::HalfWay(write))
            .then(|| count(changes) / 2);
        // A transaction: changes go to a copy, which replaces what is stored only at the end.
        let mut copy = self.committed.clone();
        let mut events = self.events.clone();
        let mut applied = 0;
        let mut step = |copy: &mut Option<Snapshot>| -> Result<(), InjectedFailure> {
            if stop_after == Some(applied) {
                return Err(InjectedFailure { write, applied });
            }
            applied += 1;
            match copy {
                Some(_) => Ok(()),
                None => Err(InjectedFailure { write, applied }),
            }
        };
        if let Some(setup) = &changes.set_up {
            if stop_after == Some(0) {
                return Err(InjectedFailure { write, applied: 0 });
            }
            copy = Some(Snapshot {
                yard: setup.yard.clone(),
                gate: setup.gate.clone(),
                config: setup.config.clone(),
                bookings: Vec::new(),
                keys: Vec::new(),
                entries: Vec::new(),
                orders: Vec::new(),
                check_ins: Vec::new(),
                next_event_seq: 1,
            });
        }
        for change in &changes.bookings {
            step(&mut copy)?;
            let s = copy.as_mut().expect("checked by step");
            match change {
                Change::Booking(b) => {
                    s.bookings.retain(|x| x.id != b.id);
                    s.bookings.push(b.clone());
                }
                Change::Idempotency(r) => s.keys.push(r.clone()),
                Change::Config(c) => s.config = c.clone(),
                Change::Pruned {
                    bookings_before_ms,
                    keys_before_ms,
                } => {
                    s.bookings.retain(|b| {
                        b.status == BookingStatus::Active || b.slot.start_ms >= *bookings_before_ms
                    });
                    s.keys.retain(|k| k.at_ms >= *keys_before_ms);
                }
            }
        }
        for change in &changes.queue {
            step(&mut copy)?;
            let s = copy.as_mut().expect("checked by step");
            match change {
                QueueChange::Entry(e) => {
                    s.entries.retain(|x| x.id != e.id);
                    s.entries.push((**e).clone());
                }
                QueueChange::Order(lane, ids) => {
                    s.orders.retain(|(l, _)| l != lane);
                    s.orders.push((*lane, ids.clone()));
                }
                QueueChange::Pruned { before_ms } => s.entries.retain(|e| {
                    !matches!(e.status, EntryStatus::Served | EntryStatus::NoShow)
                        || e.closed_at_ms.is_none_or(|t| t >= *before_ms)
                }),
            }
        }
        for change in &changes.check_ins {
            step(&mut copy)?;
            let s = copy.as_mut().expect("checked by step");
            match change {
                CheckInChange::Stored(c) => {
                    if !s.check_ins.iter().any(|x| x.key == c.key) {
                        s.check_ins.push((**c).clone());
                    }
                }
                CheckInChange::Pruned { before_ms } => {
                    s.check_ins.retain(|c| c.at_ms >= *before_ms);
                }
            }
        }
        for event in &changes.events {
            step(&mut copy)?;
            events.push(event.clone());
        }
        if let (Some(s), Some(last)) = (copy.as_mut(), changes.last_event_seq()) {
            s.next_event_seq = last + 1;
        }
        self.committed = copy;
        self.events = events;
        Ok(())
    }
}

fn count(changes: &YardChanges) -> usize {
    usize::from(changes.set_up.is_some())
        + changes.bookings.len()
        + changes.queue.len()
        + changes.check_ins.len()
        + changes.events.len()
}
