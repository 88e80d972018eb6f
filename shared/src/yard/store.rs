//! Where a yard's state is kept, behind a small trait, and the one way operations run on it.
//!
//! [`YardStore`] loads a [`Snapshot`] and stores one operation's [`YardChanges`] (its state
//! changes and its events) atomically. The Durable Object implements it over its SQLite
//! storage; tests use an in-memory fake that can fail on purpose.
//!
//! [`YardRunner`] holds the state in memory between calls: restore → run → store. If a store
//! fails, the memory is dropped (the operation is not acknowledged) and the next call restores
//! what was stored: memory never runs ahead of storage, so nothing acknowledged is lost and no
//! event is numbered twice.

use super::{StoredCheckIn, YardChanges, YardSetup, YardState};
use crate::booking::{Booking, IdempotencyRecord, Lane, YardConfig};
use crate::queue::{Entry, QueueEntryId};
use crate::{Error, GateId, YardId};
use std::fmt;

/// Everything a yard's storage holds, to restore its [`YardState`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub yard: YardId,
    pub gate: GateId,
    pub config: YardConfig,
    pub bookings: Vec<Booking>,
    pub keys: Vec<IdempotencyRecord>,
    pub entries: Vec<Entry>,
    pub orders: Vec<(Lane, Vec<QueueEntryId>)>,
    pub check_ins: Vec<StoredCheckIn>,
    /// The number the yard's next event gets (one more than the last one recorded).
    pub next_event_seq: u64,
}

/// A yard's storage.
pub trait YardStore {
    type Error: fmt::Debug;

    /// What is stored; `None` for a yard never set up.
    fn load(&mut self) -> Result<Option<Snapshot>, Self::Error>;

    /// Stores one operation's changes and events, all or nothing.
    fn store(&mut self, changes: &YardChanges) -> Result<(), Self::Error>;
}

/// Why an operation could not run (never a rule: those are the operation's own answer).
#[derive(Debug)]
pub enum RunError<E> {
    /// Nothing is stored for the yard and no setup came with the call.
    NotSetUp,
    /// What is stored does not restore (a bug or a corrupted row).
    Restore(Error),
    Load(E),
    /// The changes could not be stored: the operation did not happen.
    Store(E),
}

impl<E: fmt::Debug> fmt::Display for RunError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NotSetUp => f.write_str("the yard is not set up"),
            RunError::Restore(e) => write!(f, "restoring the yard failed: {e}"),
            RunError::Load(e) => write!(f, "loading the yard failed: {e:?}"),
            RunError::Store(e) => write!(f, "storing the yard's changes failed: {e:?}"),
        }
    }
}

/// What an operation returned, with what it changed (already stored).
#[derive(Debug)]
pub struct Ran<T> {
    pub answer: T,
    pub changes: YardChanges,
}

/// A yard's state in memory between calls.
#[derive(Debug, Default)]
pub struct YardRunner {
    state: Option<YardState>,
}

impl YardRunner {
    pub fn new() -> Self {
        YardRunner::default()
    }

    /// The state in memory, if restored (for reads that need no store, e.g. pushing views).
    pub fn state(&self) -> Option<&YardState> {
        self.state.as_ref()
    }

    /// Runs `op` at `now_ms`: restores the yard if needed (from `setup` the first time),
    /// releases the no-shows due (so every answer is right even before the alarm), runs the
    /// operation and stores what changed before returning. On a failed store the memory is
    /// dropped and the error returned: the operation is not acknowledged.
    pub fn run<S: YardStore, T>(
        &mut self,
        store: &mut S,
        setup: Option<&YardSetup>,
        now_ms: i64,
        op: impl FnOnce(&mut YardState) -> T,
    ) -> Result<Ran<T>, RunError<S::Error>> {
        if self.state.is_none() {
            self.state = Some(restore(store, setup)?);
        }
        let Some(state) = self.state.as_mut() else {
            return Err(RunError::NotSetUp);
        };
        state.release_no_shows(now_ms);
        let answer = op(state);
        let changes = state.take_changes();
        if !changes.is_empty() {
            if let Err(e) = store.store(&changes) {
                self.state = None;
                return Err(RunError::Store(e));
            }
        }
        Ok(Ran { answer, changes })
    }

    /// Forgets the state in memory (the next call restores it).
    pub fn forget(&mut self) {
        self.state = None;
    }
}

fn restore<S: YardStore>(
    store: &mut S,
    setup: Option<&YardSetup>,
) -> Result<YardState, RunError<S::Error>> {
    match (store.load().map_err(RunError::Load)?, setup) {
        (Some(snapshot), _) => YardState::restore(snapshot).map_err(RunError::Restore),
        (None, Some(setup)) => YardState::set_up(setup.clone()).map_err(RunError::Restore),
        (None, None) => Err(RunError::NotSetUp),
    }
}
