//! The yard object's queue: running a [`QueueCall`], storing the queue's changes, pushing
//! positions to the phones that follow them, and copying the figures to D1.

use super::{JsonRow, MarkedRow, YardDo};
use crate::bindings::DB_BINDING;
use crate::error::ApiError;
use crate::yard_queue::{CheckInTrip, QueueCall, TRIP_ID_HEADER};
use serde::{Deserialize, Serialize};
use shared::booking::{BookingStatus, Lane, Ledger};
use shared::queue::{
    BookedSlot, CheckIn, Entry, Queue, QueueChange, QueueEntryId, QueuePolicy, QueueStats,
};
use shared::wire::v1::{CallResponse, CheckInResponse, ErrorBody};
use shared::{AccountId, Error, ErrorCode, Plate, TripId, YardId};
use std::collections::HashMap;
use worker::{Env, Response, Result, SqlStorage, WebSocket};

/// Sockets kept per trip (a phone, and a second one of the same household).
const MAX_SOCKETS_PER_TRIP: usize = 3;

/// Messages a phone may send on one socket per window: the app sends a heartbeat every half
/// minute or so (app/src/live.rs), so this is many times what it needs.
pub(super) const MAX_MESSAGES_PER_WINDOW: u32 = 10;
pub(super) const MESSAGE_WINDOW_MS: i64 = 10_000;
/// The close code for a socket that sent too much (1008: policy violation).
pub(super) const CLOSE_TOO_MANY_MESSAGES: u16 = 1008;

/// A socket's message budget, kept in its attachment so it survives the object hibernating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct MessageBudget {
    window_start_ms: i64,
    count: u32,
}

impl MessageBudget {
    /// Counts one message at `now`; false once the window's budget is spent.
    pub(super) fn take(&mut self, now_ms: i64) -> bool {
        let elapsed = now_ms.saturating_sub(self.window_start_ms);
        if !(0..MESSAGE_WINDOW_MS).contains(&elapsed) {
            *self = MessageBudget {
                window_start_ms: now_ms,
                count: 0,
            };
        }
        self.count = self.count.saturating_add(1);
        self.count <= MAX_MESSAGES_PER_WINDOW
    }
}

/// Counts a message on `ws`. Over budget, the socket is closed (1008) and the message is not
/// answered: the phone's app reconnects with backoff, a flood ends here.
pub(super) fn within_message_budget(ws: &WebSocket, now_ms: i64) -> bool {
    let mut budget = ws
        .deserialize_attachment::<MessageBudget>()
        .ok()
        .flatten()
        .unwrap_or_default();
    let allowed = budget.take(now_ms);
    if allowed {
        if let Err(e) = ws.serialize_attachment(budget) {
            worker::console_error!("storing a socket's message count failed: {e:?}");
        }
    } else {
        let _ = ws.close(Some(CLOSE_TOO_MANY_MESSAGES), Some("too many messages"));
    }
    allowed
}

pub(super) fn migrate(sql: &SqlStorage) -> Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS queue_entries (id TEXT PRIMARY KEY, trip_id TEXT NOT NULL,
           status TEXT NOT NULL, closed_at_ms INTEGER, json TEXT NOT NULL)",
        None,
    )?;
    // Answers to check-ins from operators' outboxes, by `client:seq`, so a replay gets the
    // first answer (a refusal included).
    sql.exec(
        "CREATE TABLE IF NOT EXISTS queue_keys (key TEXT PRIMARY KEY, at_ms INTEGER NOT NULL,
           json TEXT NOT NULL)",
        None,
    )?;
    // Entries changed here and not yet copied to D1, with a version per change.
    sql.exec(
        "CREATE TABLE IF NOT EXISTS queue_d1_marks (id TEXT PRIMARY KEY, v INTEGER NOT NULL)",
        None,
    )?;
    Ok(())
}

/// A stored answer: what the call returned, or its refusal.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredAnswer {
    Ok(serde_json::Value),
    Refused(ErrorBody),
}

impl YardDo {
    /// Runs one queue call (see [`QueueCall`]). Returns the answer and whether the queue
    /// changed (then phones are told).
    pub(super) fn queue_call(
        &self,
        sql: &SqlStorage,
        ledger: &mut Ledger,
        queue: &mut Queue,
        yard: &YardId,
        call: QueueCall,
        now: i64,
    ) -> std::result::Result<serde_json::Value, ApiError> {
        let to_json = |v: &dyn super::erased_json::ToJson| Ok(v.to_json());
        match call {
            QueueCall::CheckIn {
                trip,
                scanned_at_ms,
                key,
            } => {
                if let Some(key) = &key {
                    if let Some(answer) = stored_answer(sql, key)? {
                        return match answer {
                            StoredAnswer::Ok(value) => Ok(value),
                            StoredAnswer::Refused(body) => Err(Error::from(body).into()),
                        };
                    }
                }
                let id = new_entry_id()?;
                let result = check_in(ledger, queue, trip, scanned_at_ms, id, now).map(|e| {
                    CheckInResponse {
                        position: queue.position(&e.id),
                        entry: e,
                    }
                });
                // A failure of ours is not an answer to remember: the phone retries it.
                let answer = match &result {
                    Ok(r) => Some(StoredAnswer::Ok(
                        serde_json::to_value(r).unwrap_or_default(),
                    )),
                    Err(e) if e.code() == ErrorCode::Internal => None,
                    Err(e) => Some(StoredAnswer::Refused(ErrorBody::from(e))),
                };
                if let (Some(key), Some(answer)) = (&key, answer) {
                    store_answer(sql, key, &answer, now)?;
                }
                to_json(&result?)
            }
            QueueCall::Replay { key } => match stored_answer(sql, &key)? {
                Some(StoredAnswer::Ok(value)) => Ok(value),
                Some(StoredAnswer::Refused(body)) => Err(Error::from(body).into()),
                None => Err(ApiError::not_found("no answer stored for this key")),
            },
            QueueCall::View => to_json(&queue.lanes_view(yard.as_str(), now)),
            QueueCall::Call { lane, count } => to_json(&CallResponse {
                called: queue.call_next(lane, count, now)?,
            }),
            QueueCall::Serve { entry } => to_json(&queue.serve(&entry_id(&entry)?, now)?),
            QueueCall::Absent { entry } => to_json(&queue.mark_absent(&entry_id(&entry)?, now)?),
            QueueCall::Move {
                entry,
                position,
                reason,
            } => to_json(&queue.move_to(&entry_id(&entry)?, position, &reason)?),
            QueueCall::Trip { trip_id } => {
                let trip = TripId::parse(&trip_id)?;
                to_json(&queue.view_for_trip(yard.as_str(), &trip, &queue.positions(), now))
            }
            QueueCall::AccountDisabled {
                account_id,
                trip_ids,
            } => {
                let flagged = queue.flag_account_disabled(&AccountId::parse(&account_id)?);
                let mut closed = 0;
                for trip in &trip_ids {
                    for ws in self.state.get_websockets_with_tag(trip) {
                        let _ = ws.close(Some(4003), Some("account disabled"));
                        closed += 1;
                    }
                }
                to_json(&serde_json::json!({ "flagged": flagged.len(), "closed": closed }))
            }
        }
    }

    /// Accepts a phone's WebSocket for one trip (tagged with the trip, so it survives the
    /// object hibernating) and sends where the trip stands right away.
    pub(super) fn accept_live(
        &self,
        sql: &SqlStorage,
        yard: &YardId,
        req: &worker::Request,
    ) -> std::result::Result<Response, ApiError> {
        let trip = req
            .headers()
            .get(TRIP_ID_HEADER)?
            .map(|t| TripId::parse(&t))
            .transpose()?
            .ok_or_else(|| ApiError::not_found("no trip to follow"))?;
        let now = crate::clock::now_ms();
        let view = self.with_queue(sql, |queue| {
            Ok(queue.view_for_trip(yard.as_str(), &trip, &queue.positions(), now))
        })?;
        // A phone that reconnects often leaves old sockets behind: keep the newest few.
        let mut open = self.state.get_websockets_with_tag(trip.as_str());
        while open.len() >= MAX_SOCKETS_PER_TRIP {
            let oldest = open.remove(0);
            let _ = oldest.close(Some(1000), Some("replaced"));
        }
        let pair = worker::WebSocketPair::new()?;
        self.state
            .accept_websocket_with_tags(&pair.server, &[trip.as_str()]);
        let _ = pair.server.serialize_attachment(MessageBudget::default());
        let _ = pair.server.send(&view);
        let mut response = Response::from_websocket(pair.client)?;
        let offered = req
            .headers()
            .get("sec-websocket-protocol")?
            .unwrap_or_default();
        if offered
            .split(',')
            .any(|p| p.trim() == crate::yard_queue::LIVE_SUBPROTOCOL)
        {
            response.headers_mut().set(
                "sec-websocket-protocol",
                crate::yard_queue::LIVE_SUBPROTOCOL,
            )?;
        }
        Ok(response)
    }

    /// Sends every connected phone where its trip stands now.
    pub(super) fn push_positions(&self, yard: &YardId, now: i64) {
        let sockets = self.state.get_websockets();
        if sockets.is_empty() {
            return;
        }
        let slot = self.queue.borrow();
        let Some(queue) = slot.as_ref() else {
            return;
        };
        let positions = queue.positions();
        let mut views: HashMap<String, String> = HashMap::new();
        for ws in sockets {
            let Some(trip) = self.state.get_tags(&ws).into_iter().next() else {
                continue;
            };
            let message = views.entry(trip.clone()).or_insert_with(|| {
                let view = TripId::parse(&trip)
                    .map(|t| queue.view_for_trip(yard.as_str(), &t, &positions, now));
                view.ok()
                    .and_then(|v| serde_json::to_string(&v).ok())
                    .unwrap_or_default()
            });
            if !message.is_empty() {
                // A socket that closed meanwhile just misses this one.
                let _ = ws.send_with_str(message.as_str());
            }
        }
    }

    /// A phone asked again (any message): it gets where its trip stands.
    pub(super) fn answer_socket(&self, sql: &SqlStorage, ws: &WebSocket) {
        let Some(trip) = self.state.get_tags(ws).into_iter().next() else {
            return;
        };
        let Ok(Some(yard)) = super::stored_yard(sql) else {
            return;
        };
        let now = crate::clock::now_ms();
        let view = self.with_queue(sql, |queue| {
            let trip = TripId::parse(&trip)?;
            Ok(queue.view_for_trip(yard.as_str(), &trip, &queue.positions(), now))
        });
        if let Ok(view) = view {
            let _ = ws.send(&view);
        }
    }
}

/// Rule 1 needs the trip's booking here: one still active at scan time makes it "booked", and
/// the booking is checked in (so it is never released as a no-show).
fn check_in(
    ledger: &mut Ledger,
    queue: &mut Queue,
    trip: CheckInTrip,
    scanned_at_ms: i64,
    id: QueueEntryId,
    now: i64,
) -> std::result::Result<Entry, Error> {
    let trip_id = TripId::parse(&trip.trip_id)?;
    let plate = Plate::parse(&trip.plate)?;
    let grace = ledger.config().no_show.grace_minutes;
    // The trip's booking for this vehicle that the scan falls in: from the start of the slot's
    // local day (early arrivals queue from the slot's start; tomorrow's booking is not used up
    // by coming today) to the end of its grace period (a booking released as a no-show counts
    // if the scan was in time: it arrived late from a phone that was offline).
    let booked = ledger
        .bookings()
        .filter(|b| b.trip_id == trip_id && b.plate.same_vehicle(&plate))
        .filter(|b| matches!(b.status, BookingStatus::Active | BookingStatus::NoShow))
        .filter(|b| (b.date().midnight_ms()..b.no_show_at_ms(grace)).contains(&scanned_at_ms))
        .min_by_key(|b| b.slot.start_ms)
        .map(|b| BookedSlot {
            booking_id: b.id.clone(),
            slot_start_ms: b.slot.start_ms,
            good_until_ms: b.no_show_at_ms(grace),
        });
    let entry = queue.check_in(
        CheckIn {
            id,
            trip_id,
            account_id: AccountId::parse(&trip.account_id)?,
            plate: plate.clone(),
            perishable: trip.perishable,
            booking: booked.clone(),
            scanned_at_ms,
        },
        now,
    )?;
    if let Some(slot) = booked {
        // Checked above (plate, status, time), so this cannot be refused.
        if let Err(e) = ledger.check_in(&slot.booking_id, &plate, scanned_at_ms, now) {
            worker::console_error!("checking in booking {}: {e}", slot.booking_id);
        }
    }
    Ok(entry)
}

fn entry_id(raw: &str) -> std::result::Result<QueueEntryId, Error> {
    QueueEntryId::parse(raw)
}

/// A random entry id: `q-` and 10 hex characters.
fn new_entry_id() -> std::result::Result<QueueEntryId, ApiError> {
    let bytes = crate::auth::secrets::random_bytes::<5>()?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(QueueEntryId::parse(&format!("q-{hex}"))?)
}

fn stored_answer(sql: &SqlStorage, key: &str) -> Result<Option<StoredAnswer>> {
    let rows: Vec<JsonRow> = sql
        .exec(
            "SELECT json FROM queue_keys WHERE key = ?1",
            vec![key.to_owned().into()],
        )?
        .to_array()?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| serde_json::from_str(&r.json).ok()))
}

fn store_answer(sql: &SqlStorage, key: &str, answer: &StoredAnswer, now: i64) -> Result<()> {
    let json =
        serde_json::to_string(answer).map_err(|e| worker::Error::RustError(e.to_string()))?;
    sql.exec(
        "INSERT INTO queue_keys (key, at_ms, json) VALUES (?1, ?2, ?3)
         ON CONFLICT(key) DO NOTHING",
        vec![key.to_owned().into(), now.into(), json.into()],
    )?;
    Ok(())
}

/// The queue as stored: every entry, and each lane's waiting order.
pub(super) fn restore(sql: &SqlStorage) -> Result<Queue> {
    let entries = sql
        .exec("SELECT json FROM queue_entries", None)?
        .to_array::<JsonRow>()?
        .into_iter()
        .map(|r| serde_json::from_str::<Entry>(&r.json))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    let mut orders = Vec::new();
    for lane in shared::queue::LANES {
        if let Some(json) = super::stored_text(sql, &order_key(lane))? {
            let ids: Vec<QueueEntryId> =
                serde_json::from_str(&json).map_err(|e| worker::Error::RustError(e.to_string()))?;
            orders.push((lane, ids));
        }
    }
    Ok(Queue::restore(QueuePolicy::default(), entries, orders))
}

fn order_key(lane: Lane) -> String {
    format!("queue_order_{}", lane.as_str())
}

/// Writes the queue's changes, in order, before the call answers.
pub(super) fn persist(sql: &SqlStorage, changes: &[QueueChange]) -> Result<()> {
    for change in changes {
        match change {
            QueueChange::Entry(e) => {
                let json = serde_json::to_string(e)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                sql.exec(
                    "INSERT INTO queue_entries (id, trip_id, status, closed_at_ms, json)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(id) DO UPDATE SET status = excluded.status,
                       closed_at_ms = excluded.closed_at_ms, json = excluded.json",
                    vec![
                        e.id.to_string().into(),
                        e.trip_id.to_string().into(),
                        e.status.as_str().to_owned().into(),
                        crate::yard_do::nullable_i64(e.closed_at_ms),
                        json.into(),
                    ],
                )?;
                sql.exec(
                    "INSERT INTO queue_d1_marks (id, v) VALUES (?1, 1)
                     ON CONFLICT(id) DO UPDATE SET v = v + 1",
                    vec![e.id.to_string().into()],
                )?;
            }
            QueueChange::Order(lane, ids) => {
                let json = serde_json::to_string(ids)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                super::store_text(sql, &order_key(*lane), &json)?;
            }
            QueueChange::Pruned { before_ms } => {
                sql.exec(
                    "DELETE FROM queue_entries WHERE status IN ('served', 'no_show')
                       AND closed_at_ms < ?1",
                    vec![(*before_ms).into()],
                )?;
                sql.exec(
                    "DELETE FROM queue_keys WHERE at_ms < ?1",
                    vec![(*before_ms).into()],
                )?;
                sql.exec(
                    "DELETE FROM queue_d1_marks WHERE id NOT IN (SELECT id FROM queue_entries)",
                    None,
                )?;
            }
        }
    }
    Ok(())
}

/// Upserts the changed entries and the yard's figures into D1 (one batch), then forgets them.
pub(super) async fn copy_to_d1(
    env: &Env,
    sql: &SqlStorage,
    yard: &YardId,
    stats: &QueueStats,
) -> Result<()> {
    let rows: Vec<MarkedRow> = sql
        .exec(
            "SELECT e.json, m.v FROM queue_d1_marks m JOIN queue_entries e ON e.id = m.id",
            None,
        )?
        .to_array()?;
    let db = env.d1(DB_BINDING)?;
    let mut statements = Vec::new();
    let mut ids = Vec::new();
    for row in rows {
        let e: Entry =
            serde_json::from_str(&row.json).map_err(|e| worker::Error::RustError(e.to_string()))?;
        let updated = [e.closed_at_ms, e.called_at_ms, e.first_called_at_ms]
            .into_iter()
            .flatten()
            .fold(e.recorded_at_ms.max(e.queued_at_ms), i64::max);
        statements.push(
            db.prepare(
                "INSERT INTO queue_entries (id, yard_id, trip_id, account_id, status, json,
                   updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(id) DO UPDATE SET status = excluded.status, json = excluded.json,
                   updated_at_ms = excluded.updated_at_ms",
            )
            .bind(&[
                e.id.as_str().into(),
                yard.as_str().into(),
                e.trip_id.as_str().into(),
                e.account_id.as_str().into(),
                e.status.as_str().into(),
                row.json.clone().into(),
                (updated as f64).into(),
            ])?,
        );
        ids.push((e.id.to_string(), row.v));
    }
    let stats_json =
        serde_json::to_string(stats).map_err(|e| worker::Error::RustError(e.to_string()))?;
    statements.push(
        db.prepare(
            "INSERT INTO yard_queue_stats (yard_id, json, updated_at_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT(yard_id) DO UPDATE SET json = excluded.json,
               updated_at_ms = excluded.updated_at_ms",
        )
        .bind(&[
            yard.as_str().into(),
            stats_json.into(),
            (stats.as_of_ms as f64).into(),
        ])?,
    );
    db.batch(statements).await?;
    for (id, v) in ids {
        sql.exec(
            "DELETE FROM queue_d1_marks WHERE id = ?1 AND v = ?2",
            vec![id.into(), v.into()],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_gets_its_budget_each_window() {
        let mut budget = MessageBudget::default();
        let start = 1_800_000_000_000;
        for i in 0..MAX_MESSAGES_PER_WINDOW {
            assert!(budget.take(start + i64::from(i)), "message {i}");
        }
        assert!(!budget.take(start + 100));
        assert!(!budget.take(start + MESSAGE_WINDOW_MS - 1));
        // The next window starts afresh.
        assert!(budget.take(start + MESSAGE_WINDOW_MS));
        assert_eq!(budget.count, 1);
    }

    #[test]
    fn a_heartbeat_is_always_within_budget() {
        let mut budget = MessageBudget::default();
        let start = 1_800_000_000_000;
        for beat in 0..1_000 {
            assert!(budget.take(start + beat * 20_000));
        }
    }

    #[test]
    fn clocks_that_jump_cannot_break_the_budget() {
        let mut budget = MessageBudget {
            window_start_ms: i64::MAX,
            count: u32::MAX,
        };
        assert!(budget.take(i64::MIN));
        assert!(budget.take(i64::MIN));
        let mut budget = MessageBudget::default();
        assert!(budget.take(i64::MAX));
    }
}
