//! The yard queue: who is waiting, who goes next, and where a driver stands.
//!
//! The rule (also in `docs/queue.md`), per lane (perishable cargo has its own lane):
//!
//! 1. A vehicle checked in with a booking at this yard, before the end of its slot plus the
//!    booking grace period, is **booked**; every other vehicle is a **walk-in**. Booked vehicles
//!    go before walk-ins.
//! 2. Within each group, first checked in, first served — by the time the pass was *scanned*,
//!    not the time the check-in reached the yard, so an operator's offline check-ins take their
//!    rightful place when they arrive late. A booked vehicle that arrives before its slot queues
//!    from the start of its slot: nobody jumps a slot by coming early.
//! 3. An operator may move a waiting vehicle to another place in its lane, with a written reason
//!    (audit-logged by the edge); later check-ins are placed by rules 1-2 around it.
//! 4. A called vehicle that does not come may be marked absent once the call is
//!    [`QueuePolicy::absent_after_minutes`] old: it goes to the back of its lane as a walk-in.
//!    Absent a second time ([`QueuePolicy::max_absences`]), it is a no-show and leaves the queue.
//!
//! [`Queue`] is one yard's queue in memory, run by the yard's Durable Object (the only writer);
//! like the booking ledger it records what it changed ([`Queue::take_changes`]) so the object
//! writes exactly that before it answers. [`estimate`] is the offline estimate the app shows.
//! Nothing here reads a clock or draws an id.

pub mod estimate;
pub mod stats;
#[cfg(test)]
mod tests;

pub use estimate::{estimate, Estimate};
pub use stats::{ChartPoint, LaneStats, QueueStats};

use crate::booking::{BookingId, Lane, LocalDate, DAY_MS, MINUTE_MS};
use crate::gate::slug_id;
use crate::{AccountId, Error, ErrorCode, Plate, TripId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

slug_id!(
    /// A place in a yard's queue, drawn at random by the yard's object (e.g. `q-3fa9c01b2e`).
    QueueEntryId
);

/// The two lanes, in the order screens show them.
pub const LANES: [Lane; 2] = [Lane::Perishable, Lane::General];

/// At most this many vehicles are called at once.
pub const MAX_CALL: u32 = 20;

/// How far a scan time may be ahead of the yard's clock (phones' clocks drift), and how old an
/// offline check-in may be when it arrives.
pub const SCAN_CLOCK_SKEW_MS: i64 = 5 * MINUTE_MS;
pub const SCAN_MAX_AGE_MS: i64 = DAY_MS;

/// Whether a vehicle goes before walk-ins (rule 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Booked,
    WalkIn,
}

/// Where an entry is in its life. `Served` and `NoShow` are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Waiting,
    Called,
    Served,
    NoShow,
}

impl EntryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Waiting => "waiting",
            EntryStatus::Called => "called",
            EntryStatus::Served => "served",
            EntryStatus::NoShow => "no_show",
        }
    }

    /// Still in the yard's queue (waiting or called).
    pub fn is_open(self) -> bool {
        matches!(self, EntryStatus::Waiting | EntryStatus::Called)
    }
}

/// One checked-in vehicle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: QueueEntryId,
    pub trip_id: TripId,
    pub account_id: AccountId,
    #[serde(with = "crate::booking::plate_text")]
    pub plate: Plate,
    pub lane: Lane,
    pub priority: Priority,
    /// The booking it was checked in against (booked or not, it is checked in).
    pub booking_id: Option<BookingId>,
    /// When the operator scanned the pass (possibly offline, long before it reached the yard).
    pub scanned_at_ms: i64,
    /// When the yard recorded it.
    pub recorded_at_ms: i64,
    /// The time its place is ordered by: the scan time, the slot's start for an early booked
    /// arrival, or the time it went back after an absence.
    pub queued_at_ms: i64,
    pub status: EntryStatus,
    pub called_at_ms: Option<i64>,
    /// The first call (waiting time is measured to it).
    pub first_called_at_ms: Option<i64>,
    /// When it was served or became a no-show.
    pub closed_at_ms: Option<i64>,
    pub absences: u8,
    /// Its account was disabled while it was in the queue: the operator decides what to do
    /// with it (it keeps its place until then).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub account_disabled: bool,
}

impl Entry {
    fn order_key(&self) -> (Priority, i64, &QueueEntryId) {
        (self.priority, self.queued_at_ms, &self.id)
    }
}

/// A check-in as the object hands it to the queue, after the pass was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    pub id: QueueEntryId,
    pub trip_id: TripId,
    pub account_id: AccountId,
    pub plate: Plate,
    pub perishable: bool,
    /// The trip's booking at this yard, if it has one that is still good at scan time.
    pub booking: Option<BookedSlot>,
    pub scanned_at_ms: i64,
}

/// The slot a booking holds: a check-in before `good_until_ms` (the slot's end plus the
/// booking grace) is booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookedSlot {
    pub booking_id: BookingId,
    pub slot_start_ms: i64,
    pub good_until_ms: i64,
}

/// A yard's queue settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePolicy {
    /// A call must be this old before the vehicle may be marked absent.
    pub absent_after_minutes: u16,
    /// The absence that makes a vehicle a no-show.
    pub max_absences: u8,
}

impl Default for QueuePolicy {
    fn default() -> Self {
        QueuePolicy {
            absent_after_minutes: 5,
            max_absences: 2,
        }
    }
}

/// What an operation changed, for the object to store before it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueChange {
    Entry(Box<Entry>),
    /// A lane's waiting order, front first.
    Order(Lane, Vec<QueueEntryId>),
    /// Closed entries from before this instant were forgotten.
    Pruned {
        before_ms: i64,
    },
}

/// One yard's queue.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    policy: QueuePolicy,
    entries: BTreeMap<QueueEntryId, Entry>,
    /// Waiting entries per lane, front first (`LANES` order).
    order: [Vec<QueueEntryId>; 2],
    changes: Vec<QueueChange>,
}

fn lane_index(lane: Lane) -> usize {
    match lane {
        Lane::Perishable => 0,
        Lane::General => 1,
    }
}

fn refused(code: ErrorCode, detail: impl Into<String>) -> Error {
    Error::new(code, detail)
}

impl Queue {
    pub fn new(policy: QueuePolicy) -> Self {
        Queue {
            policy,
            ..Queue::default()
        }
    }

    /// Rebuilds a queue from storage. Waiting entries missing from the stored orders (or orders
    /// naming entries that are not waiting) are repaired by the ordering rule, so a queue can
    /// always be restored.
    pub fn restore(
        policy: QueuePolicy,
        entries: Vec<Entry>,
        orders: Vec<(Lane, Vec<QueueEntryId>)>,
    ) -> Self {
        let mut queue = Queue::new(policy);
        for e in entries {
            queue.entries.insert(e.id.clone(), e);
        }
        for (lane, ids) in orders {
            let mut seen = std::collections::BTreeSet::new();
            let keep: Vec<QueueEntryId> = ids
                .into_iter()
                .filter(|id| {
                    let waiting_here = queue
                        .entries
                        .get(id)
                        .is_some_and(|e| e.status == EntryStatus::Waiting && e.lane == lane);
                    waiting_here && seen.insert(id.clone())
                })
                .collect();
            queue.order[lane_index(lane)] = keep;
        }
        let missing: Vec<QueueEntryId> = queue
            .entries
            .values()
            .filter(|e| e.status == EntryStatus::Waiting)
            .filter(|e| !queue.order[lane_index(e.lane)].contains(&e.id))
            .map(|e| e.id.clone())
            .collect();
        for id in missing {
            queue.insert_by_rule(&id);
        }
        queue.changes.clear();
        queue
    }

    pub fn policy(&self) -> QueuePolicy {
        self.policy
    }

    pub fn entry(&self, id: &QueueEntryId) -> Option<&Entry> {
        self.entries.get(id)
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// The trip's newest entry.
    pub fn entry_for_trip(&self, trip: &TripId) -> Option<&Entry> {
        self.entries
            .values()
            .filter(|e| &e.trip_id == trip)
            .max_by_key(|e| (e.status.is_open(), e.recorded_at_ms))
    }

    /// A lane's waiting entries, front first.
    pub fn waiting(&self, lane: Lane) -> impl Iterator<Item = &Entry> {
        self.order[lane_index(lane)]
            .iter()
            .filter_map(|id| self.entries.get(id))
    }

    /// The called entries, earliest call first.
    pub fn called(&self) -> Vec<&Entry> {
        let mut called: Vec<&Entry> = self
            .entries
            .values()
            .filter(|e| e.status == EntryStatus::Called)
            .collect();
        called.sort_by_key(|e| (e.called_at_ms, e.id.clone()));
        called
    }

    /// 1-based place of a waiting entry in its lane.
    pub fn position(&self, id: &QueueEntryId) -> Option<u32> {
        let entry = self.entries.get(id)?;
        self.order[lane_index(entry.lane)]
            .iter()
            .position(|x| x == id)
            .map(|i| i as u32 + 1)
    }

    /// Every waiting entry's place, in one pass (for pushing positions to many phones).
    pub fn positions(&self) -> BTreeMap<&QueueEntryId, u32> {
        self.order
            .iter()
            .flat_map(|ids| ids.iter().enumerate().map(|(i, id)| (id, i as u32 + 1)))
            .collect()
    }

    pub fn waiting_count(&self, lane: Lane) -> u32 {
        self.order[lane_index(lane)].len() as u32
    }

    /// Records a check-in (rules 1-2). Refused, changing nothing: a scan time in the future or
    /// older than a day, or a trip that already has an entry here (waiting, called or served).
    pub fn check_in(&mut self, c: CheckIn, now_ms: i64) -> Result<Entry, Error> {
        // The scan time comes from the operator's phone: in range before anything else.
        crate::time::check_instant_ms(c.scanned_at_ms)?;
        if c.scanned_at_ms > now_ms + SCAN_CLOCK_SKEW_MS {
            return Err(refused(
                ErrorCode::InvalidQueueRequest,
                "the scan time is in the future",
            ));
        }
        if c.scanned_at_ms < now_ms - SCAN_MAX_AGE_MS {
            return Err(refused(
                ErrorCode::InvalidQueueRequest,
                "the scan is more than a day old",
            ));
        }
        if let Some(existing) = self
            .entries
            .values()
            .find(|e| e.trip_id == c.trip_id && e.status != EntryStatus::NoShow)
        {
            return Err(refused(
                ErrorCode::AlreadyCheckedIn,
                format!(
                    "this trip is already in the queue ({})",
                    existing.status.as_str()
                ),
            ));
        }
        if self.entries.contains_key(&c.id) {
            return Err(refused(ErrorCode::Internal, "entry id drawn twice"));
        }
        // After a no-show, the vehicle starts again at the back: a scan from before the
        // no-show (an operator's phone that was offline) cannot put it back near the front.
        let no_show_at = self
            .entries
            .values()
            .filter(|e| e.trip_id == c.trip_id && e.status == EntryStatus::NoShow)
            .filter_map(|e| e.closed_at_ms)
            .max();
        let (priority, queued_at_ms) = match (&c.booking, no_show_at) {
            (_, Some(at)) => (Priority::WalkIn, c.scanned_at_ms.max(at)),
            (Some(slot), None) if c.scanned_at_ms < slot.good_until_ms => {
                (Priority::Booked, c.scanned_at_ms.max(slot.slot_start_ms))
            }
            _ => (Priority::WalkIn, c.scanned_at_ms),
        };
        let entry = Entry {
            id: c.id,
            trip_id: c.trip_id,
            account_id: c.account_id,
            plate: c.plate,
            lane: if c.perishable {
                Lane::Perishable
            } else {
                Lane::General
            },
            priority,
            booking_id: c.booking.map(|b| b.booking_id),
            scanned_at_ms: c.scanned_at_ms,
            recorded_at_ms: now_ms,
            queued_at_ms,
            status: EntryStatus::Waiting,
            called_at_ms: None,
            first_called_at_ms: None,
            closed_at_ms: None,
            absences: 0,
            account_disabled: false,
        };
        let id = entry.id.clone();
        self.put(entry.clone());
        self.insert_by_rule(&id);
        Ok(entry)
    }

    /// Calls the next `count` waiting vehicles of a lane, front first.
    pub fn call_next(&mut self, lane: Lane, count: u32, now_ms: i64) -> Result<Vec<Entry>, Error> {
        if count == 0 || count > MAX_CALL {
            return Err(refused(
                ErrorCode::InvalidQueueRequest,
                format!("call between 1 and {MAX_CALL} vehicles"),
            ));
        }
        let order = &mut self.order[lane_index(lane)];
        if order.is_empty() {
            return Err(refused(
                ErrorCode::QueueEmpty,
                format!("no vehicle is waiting in the {} lane", lane.as_str()),
            ));
        }
        let take = (count as usize).min(order.len());
        let ids: Vec<QueueEntryId> = order.drain(..take).collect();
        let mut called = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(e) = self.entries.get(&id) else {
                continue;
            };
            let mut e = e.clone();
            e.status = EntryStatus::Called;
            e.called_at_ms = Some(now_ms);
            e.first_called_at_ms.get_or_insert(now_ms);
            self.put(e.clone());
            called.push(e);
        }
        self.changed_order(lane);
        Ok(called)
    }

    /// A called vehicle was served (went through to inspection or the gate).
    /// Flags the open entries (waiting or called) of a disabled account for the operator;
    /// returns them. Their places do not change.
    pub fn flag_account_disabled(&mut self, account: &AccountId) -> Vec<Entry> {
        let flagged: Vec<Entry> = self
            .entries
            .values()
            .filter(|e| &e.account_id == account && e.status.is_open() && !e.account_disabled)
            .map(|e| Entry {
                account_disabled: true,
                ..e.clone()
            })
            .collect();
        for e in &flagged {
            self.put(e.clone());
        }
        flagged
    }

    pub fn serve(&mut self, id: &QueueEntryId, now_ms: i64) -> Result<Entry, Error> {
        let mut e = self.called_entry(id)?;
        e.status = EntryStatus::Served;
        e.closed_at_ms = Some(now_ms);
        self.put(e.clone());
        Ok(e)
    }

    /// A called vehicle did not come (rule 4).
    pub fn mark_absent(&mut self, id: &QueueEntryId, now_ms: i64) -> Result<Entry, Error> {
        let mut e = self.called_entry(id)?;
        let called_at = e.called_at_ms.unwrap_or(now_ms);
        let wait_ms = i64::from(self.policy.absent_after_minutes) * MINUTE_MS;
        if now_ms < called_at + wait_ms {
            return Err(refused(
                ErrorCode::QueueCallTooRecent,
                format!(
                    "a vehicle may be marked absent {} minutes after its call",
                    self.policy.absent_after_minutes
                ),
            ));
        }
        e.absences = e.absences.saturating_add(1);
        if e.absences >= self.policy.max_absences {
            e.status = EntryStatus::NoShow;
            e.closed_at_ms = Some(now_ms);
            self.put(e.clone());
        } else {
            e.status = EntryStatus::Waiting;
            e.priority = Priority::WalkIn;
            e.queued_at_ms = now_ms;
            e.called_at_ms = None;
            let lane = e.lane;
            let id = e.id.clone();
            self.put(e.clone());
            self.order[lane_index(lane)].push(id);
            self.changed_order(lane);
        }
        Ok(e)
    }

    /// Moves a waiting vehicle to `position` (1-based, clamped to the lane) in its lane (rule
    /// 3). The reason is required; the caller audit-logs it.
    pub fn move_to(
        &mut self,
        id: &QueueEntryId,
        position: u32,
        reason: &str,
    ) -> Result<Entry, Error> {
        let reason_chars = reason.trim().chars().count();
        if !(3..=200).contains(&reason_chars) {
            return Err(refused(
                ErrorCode::InvalidQueueRequest,
                "a move needs a reason of 3 to 200 characters",
            ));
        }
        if position == 0 {
            return Err(refused(
                ErrorCode::InvalidQueueRequest,
                "positions start at 1",
            ));
        }
        let e = self.entries.get(id).cloned().ok_or_else(not_found)?;
        if e.status != EntryStatus::Waiting {
            return Err(refused(
                ErrorCode::InvalidQueueRequest,
                format!(
                    "only a waiting vehicle can be moved (it is {})",
                    e.status.as_str()
                ),
            ));
        }
        let order = &mut self.order[lane_index(e.lane)];
        order.retain(|x| x != id);
        let at = (position as usize - 1).min(order.len());
        order.insert(at, id.clone());
        self.changed_order(e.lane);
        Ok(e)
    }

    /// Forgets closed entries from before yesterday (local time): today's and yesterday's stay
    /// for the day's figures and "already checked in".
    pub fn prune(&mut self, now_ms: i64) {
        let before_ms = LocalDate::of_instant(now_ms).midnight_ms() - DAY_MS;
        let old: Vec<QueueEntryId> = self
            .entries
            .values()
            .filter(|e| !e.status.is_open() && e.closed_at_ms.is_some_and(|t| t < before_ms))
            .map(|e| e.id.clone())
            .collect();
        if old.is_empty() {
            return;
        }
        for id in old {
            self.entries.remove(&id);
        }
        self.changes.push(QueueChange::Pruned { before_ms });
    }

    /// What changed since the last call, in order.
    pub fn take_changes(&mut self) -> Vec<QueueChange> {
        std::mem::take(&mut self.changes)
    }

    fn called_entry(&self, id: &QueueEntryId) -> Result<Entry, Error> {
        let e = self.entries.get(id).ok_or_else(not_found)?;
        if e.status != EntryStatus::Called {
            return Err(refused(
                ErrorCode::QueueEntryNotCalled,
                format!("the vehicle is {}, not called", e.status.as_str()),
            ));
        }
        Ok(e.clone())
    }

    fn put(&mut self, e: Entry) {
        self.changes.push(QueueChange::Entry(Box::new(e.clone())));
        self.entries.insert(e.id.clone(), e);
    }

    /// Places a waiting entry before the first one that the rule puts after it.
    fn insert_by_rule(&mut self, id: &QueueEntryId) {
        let Some(entry) = self.entries.get(id) else {
            return;
        };
        let key = entry.order_key();
        let lane = entry.lane;
        let order = &self.order[lane_index(lane)];
        let at = order
            .iter()
            .position(|other| self.entries.get(other).is_some_and(|o| o.order_key() > key))
            .unwrap_or(order.len());
        self.order[lane_index(lane)].insert(at, id.clone());
        self.changed_order(lane);
    }

    fn changed_order(&mut self, lane: Lane) {
        let ids = self.order[lane_index(lane)].clone();
        // Only the last order of a lane matters to storage.
        self.changes
            .retain(|c| !matches!(c, QueueChange::Order(l, _) if *l == lane));
        self.changes.push(QueueChange::Order(lane, ids));
    }
}

fn not_found() -> Error {
    Error::new(ErrorCode::NotFound, "no such vehicle in this yard's queue")
}

/// Where one trip stands, as its driver sees it (and keeps offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripQueueView {
    pub yard_id: String,
    pub trip_id: String,
    /// `None` until the trip is checked in at the yard.
    pub entry: Option<TripQueueEntry>,
    /// Vehicles waiting per lane.
    pub waiting: crate::booking::LaneCounts,
    /// Vehicles served per hour over the last hour, in the trip's lane (or both lanes before
    /// check-in): the pace the offline estimate uses.
    pub served_per_hour: u32,
    pub as_of_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripQueueEntry {
    pub id: QueueEntryId,
    pub status: EntryStatus,
    pub lane: Lane,
    pub priority: Priority,
    /// 1-based, while waiting.
    pub position: Option<u32>,
    /// Vehicles ahead in the same lane, while waiting.
    pub ahead: Option<u32>,
    pub scanned_at_ms: i64,
    pub called_at_ms: Option<i64>,
    pub absences: u8,
}

impl Queue {
    /// The driver's view of a trip at this yard. `positions` comes from [`Queue::positions`]
    /// when many views are built at once.
    pub fn view_for_trip(
        &self,
        yard_id: &str,
        trip: &TripId,
        positions: &BTreeMap<&QueueEntryId, u32>,
        now_ms: i64,
    ) -> TripQueueView {
        let waiting = crate::booking::LaneCounts {
            general: self.waiting_count(Lane::General),
            perishable: self.waiting_count(Lane::Perishable),
        };
        let entry = self.entry_for_trip(trip);
        let served_per_hour = match entry {
            Some(e) => stats::served_in_last_hour(self, Some(e.lane), now_ms),
            None => stats::served_in_last_hour(self, None, now_ms),
        };
        TripQueueView {
            yard_id: yard_id.to_owned(),
            trip_id: trip.to_string(),
            entry: entry.map(|e| {
                let position = positions.get(&e.id).copied();
                TripQueueEntry {
                    id: e.id.clone(),
                    status: e.status,
                    lane: e.lane,
                    priority: e.priority,
                    position,
                    ahead: position.map(|p| p - 1),
                    scanned_at_ms: e.scanned_at_ms,
                    called_at_ms: e.called_at_ms,
                    absences: e.absences,
                }
            }),
            waiting,
            served_per_hour,
            as_of_ms: now_ms,
        }
    }

    /// The operator's view: both lanes in order, the called vehicles, the day's figures.
    pub fn lanes_view(&self, yard_id: &str, now_ms: i64) -> YardQueueView {
        YardQueueView {
            yard_id: yard_id.to_owned(),
            lanes: LANES
                .iter()
                .map(|&lane| LaneView {
                    lane,
                    waiting: self.waiting(lane).cloned().collect(),
                })
                .collect(),
            called: self.called().into_iter().cloned().collect(),
            stats: stats::QueueStats::of(self, now_ms),
            policy: self.policy,
        }
    }
}

/// `GET /api/yards/{id}/queue`: everything the yard's operator sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YardQueueView {
    pub yard_id: String,
    pub lanes: Vec<LaneView>,
    pub called: Vec<Entry>,
    pub stats: QueueStats,
    pub policy: QueuePolicy,
}

/// A lane's waiting vehicles, front first (position = index + 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaneView {
    pub lane: Lane,
    pub waiting: Vec<Entry>,
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Priority::Booked => "booked",
            Priority::WalkIn => "walk_in",
        })
    }
}
