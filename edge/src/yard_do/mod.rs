//! The yard's Durable Object: the single writer of one yard's slots, bookings and queue.
//!
//! A thin wrapper around `shared::booking::Ledger`: it decodes a [`YardCall`], runs it against
//! the ledger (kept in memory, restored from its SQLite storage on first use), writes the
//! ledger's changes to storage before answering (no `await` between the change and the write,
//! so concurrent requests never see half of one), then copies changed bookings to D1 and sets
//! its alarm for the next no-show deadline.
//!
//! It also runs the yard's queue ([`shared::queue::Queue`], see [`queue`]): check-ins, calls,
//! and the WebSockets of the phones that follow their place (hibernating between updates;
//! each socket is tagged with its trip, so the object knows whom to tell what after waking).

mod queue;

use crate::bindings::DB_BINDING;
use crate::error::ApiError;
use crate::yard_booking::{self, BookingCall, BookingEnvelope};
use crate::yard_call::YardCall;
use crate::yard_queue::QueueEnvelope;
use serde::Deserialize;
use shared::booking::{
    Booking, BookingId, BookingStatus, Change, IdempotencyRecord, Ledger, YardConfig,
};
use shared::queue::{Queue, QueueStats};
use shared::wire::v1::YardStatusResponse;
use shared::{GateId, YardId};
use std::cell::{Cell, RefCell};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, SqlStorageValue,
    State, WebSocket, WebSocketIncomingMessage,
};

const SCHEMA_VERSION: u32 = 3;

#[durable_object]
pub struct YardDo {
    state: State,
    env: Env,
    /// The ledger, once restored; dropped if writing its changes ever fails.
    ledger: RefCell<Option<Ledger>>,
    /// The queue, once restored; dropped if writing its changes ever fails.
    queue: RefCell<Option<Queue>>,
    /// Whether the last queue call changed the queue (then phones and D1 are told).
    queue_changed: Cell<bool>,
    /// Whether this instance has seen its storage's schema current (checked, or migrated,
    /// once per instance: an in-memory flag, so after hibernation one read checks again).
    schema_ready: Cell<bool>,
    /// D1's copies are written one batch at a time (see [`copy_in_order`]).
    bookings_copy: CopyState,
    queue_copy: CopyState,
}

/// One copy to D1 at a time: a call that arrives while a copy is waiting on D1 asks it to go
/// round again instead of racing it (an older batch landing last would leave D1 stale).
#[derive(Default)]
struct CopyState {
    running: Cell<bool>,
    again: Cell<bool>,
}

/// Runs `copy` until nothing new was asked of it meanwhile. Each round reads the marks of what
/// changed and clears only the marks it copied at their version, so a change made during a
/// round is copied by the next one (or, after a failure, by the next call).
async fn copy_in_order<F, Fut>(state: &CopyState, what: &str, mut copy: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    state.again.set(true);
    if state.running.replace(true) {
        return;
    }
    while state.again.replace(false) {
        if let Err(e) = copy().await {
            worker::console_error!("copying {what} to D1 failed (kept for the next call): {e:?}");
            break;
        }
    }
    state.running.set(false);
}

impl DurableObject for YardDo {
    fn new(state: State, env: Env) -> Self {
        YardDo {
            state,
            env,
            ledger: RefCell::new(None),
            queue: RefCell::new(None),
            queue_changed: Cell::new(false),
            schema_ready: Cell::new(false),
            bookings_copy: CopyState::default(),
            queue_copy: CopyState::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let Some((call, yard)) = YardCall::from_request(&req) else {
            return Ok(ApiError::not_found("unknown yard call").into_response());
        };
        let sql = self.state.storage().sql();
        self.ensure_schema(&sql)?;
        match call {
            YardCall::Status => Response::from_json(&status(&sql, &yard)?),
            YardCall::Booking => {
                let envelope: BookingEnvelope = crate::yard_call::request_json(&mut req).await?;
                let answer = self.booking(&sql, &yard, envelope);
                self.after_changes(&sql).await;
                Ok(answer.unwrap_or_else(|e| e.into_response()))
            }
            YardCall::Queue => {
                let envelope: QueueEnvelope = crate::yard_call::request_json(&mut req).await?;
                let now = envelope.now_ms;
                let answer = self.queue(&sql, &yard, envelope);
                self.after_changes(&sql).await;
                self.after_queue_changes(&sql, &yard, now).await;
                Ok(answer
                    .and_then(|v| Ok(Response::from_json(&v)?))
                    .unwrap_or_else(|e| e.into_response()))
            }
            YardCall::Live => Ok(self
                .accept_live(&sql, &yard, &req)
                .unwrap_or_else(|e| e.into_response())),
        }
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        _message: WebSocketIncomingMessage,
    ) -> Result<()> {
        // A phone that sends more than its heartbeat's worth is closed before it costs more.
        if !queue::within_message_budget(&ws, crate::clock::now_ms()) {
            return Ok(());
        }
        let sql = self.state.storage().sql();
        self.ensure_schema(&sql)?;
        self.answer_socket(&sql, &ws);
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        // Answer the close so the phone's side finishes cleanly.
        let _ = ws.close(Some(code.clamp(1000, 4999) as u16), Some("bye"));
        Ok(())
    }

    async fn alarm(&self) -> Result<Response> {
        let sql = self.state.storage().sql();
        self.ensure_schema(&sql)?;
        let now = crate::clock::now_ms();
        if let Some(yard) = stored_text(&sql, "yard_id")?.and_then(|y| YardId::parse(&y).ok()) {
            if let Err(e) = self.with_ledger(&sql, &yard, None, |ledger| {
                ledger.release_no_shows(now);
                ledger.prune(now);
                Ok(())
            }) {
                worker::console_error!("no-show release failed: {e:?}");
            }
            match self.with_queue(&sql, |queue| {
                queue.prune(now);
                Ok(queue.entries().next().is_some())
            }) {
                // The day's figures move on with time even when nothing happens (the chart,
                // "served in the last hour", a new day at midnight): D1 gets them again.
                Ok(in_use) => {
                    if in_use {
                        self.queue_changed.set(true);
                    }
                }
                Err(e) => worker::console_error!("queue pruning failed: {e:?}"),
            }
            self.after_queue_changes(&sql, &yard, now).await;
        }
        self.after_changes(&sql).await;
        Response::ok("")
    }
}

impl YardDo {
    /// Migrates the storage's schema at most once per instance, and only when the stored
    /// version is not this code's: a call, a socket message or an alarm otherwise costs one
    /// read the first time and nothing after (no write on every wake-up).
    fn ensure_schema(&self, sql: &SqlStorage) -> Result<()> {
        if self.schema_ready.get() {
            return Ok(());
        }
        if stored_schema_version(sql) != Some(i64::from(SCHEMA_VERSION)) {
            migrate(sql)?;
        }
        self.schema_ready.set(true);
        Ok(())
    }

    fn booking(
        &self,
        sql: &SqlStorage,
        yard: &YardId,
        envelope: BookingEnvelope,
    ) -> std::result::Result<Response, ApiError> {
        let now = envelope.now_ms;
        let gate = GateId::parse(&envelope.gate)?;
        let defaults = Some((gate, envelope.defaults));
        let json = |v: &dyn erased_json::ToJson| Ok(v.to_json());
        // For a replayed keyed request: the booking's status now (the Worker then issues
        // nothing, and knows whether the booking still holds its trip's claim).
        let mut replay: Option<&'static str> = None;
        let now_status = |ledger: &Ledger, b: &Booking| -> &'static str {
            ledger
                .booking(&b.id)
                .map_or("gone", |current| current.status.as_str())
        };
        let value = self.with_ledger(sql, yard, defaults, |ledger| {
            // No-shows are released lazily too, so answers are right even before the alarm.
            ledger.release_no_shows(now);
            match envelope.call {
                BookingCall::Availability { date } => {
                    let date = yard_booking::parse_date(&date)?;
                    json(&ledger.availability(date, now))
                }
                BookingCall::Book {
                    account,
                    role,
                    trip,
                    slot_start_ms,
                    lane,
                    key,
                } => {
                    let request = yard_booking::book_request(
                        yard,
                        &account,
                        role,
                        trip,
                        slot_start_ms,
                        lane,
                        &key,
                    )?;
                    let replayed = ledger.knows_key(&request.account, &request.key);
                    let booking = ledger.book(&request, new_booking_id()?, now)?;
                    if replayed {
                        replay = Some(now_status(&*ledger, &booking));
                    }
                    json(&booking)
                }
                BookingCall::Cancel {
                    account,
                    booking_id,
                    key,
                } => {
                    let request = yard_booking::cancel_request(&account, &booking_id, &key)?;
                    let replayed = ledger.knows_key(&request.account, &request.key);
                    let booking = ledger.cancel(&request, now)?;
                    if replayed {
                        replay = Some(now_status(&*ledger, &booking));
                    }
                    json(&booking)
                }
                BookingCall::Reschedule {
                    account,
                    booking_id,
                    slot_start_ms,
                    lane,
                    key,
                } => {
                    let request = yard_booking::reschedule_request(
                        &account,
                        &booking_id,
                        slot_start_ms,
                        lane,
                        &key,
                    )?;
                    let replayed = ledger.knows_key(&request.account, &request.key);
                    let booking = ledger.reschedule(&request, now)?;
                    if replayed {
                        replay = Some(now_status(&*ledger, &booking));
                    }
                    json(&booking)
                }
                BookingCall::CancelByYard { booking_id } => {
                    json(&ledger.cancel_by_yard(&BookingId::parse(&booking_id)?, now)?)
                }
                BookingCall::Bookings { date } => {
                    let date = yard_booking::parse_date(&date)?;
                    let bookings: Vec<&Booking> = ledger.bookings_on(date);
                    json(&serde_json::json!({ "bookings": bookings }))
                }
                BookingCall::GetConfig => json(ledger.config()),
                BookingCall::PutConfig { config } => {
                    ledger.set_config(config, now)?;
                    json(ledger.config())
                }
            }
        })?;
        let mut response = Response::from_json(&value)?;
        if let Some(status) = replay {
            response
                .headers_mut()
                .set(crate::bookings::REPLAY_HEADER, status)?;
        }
        Ok(response)
    }

    fn queue(
        &self,
        sql: &SqlStorage,
        yard: &YardId,
        envelope: QueueEnvelope,
    ) -> std::result::Result<serde_json::Value, ApiError> {
        let now = envelope.now_ms;
        let gate = GateId::parse(&envelope.gate)?;
        let defaults = Some((gate, envelope.defaults));
        self.with_ledger(sql, yard, defaults, |ledger| {
            ledger.release_no_shows(now);
            self.with_queue(sql, |queue| {
                self.queue_call(sql, ledger, queue, yard, envelope.call, now)
            })
        })
    }

    /// Runs `f` on the queue (restoring it first if needed), then writes its changes, like
    /// [`YardDo::with_ledger`].
    fn with_queue<T>(
        &self,
        sql: &SqlStorage,
        f: impl FnOnce(&mut Queue) -> std::result::Result<T, ApiError>,
    ) -> std::result::Result<T, ApiError> {
        let mut slot = self.queue.borrow_mut();
        if slot.is_none() {
            *slot = Some(queue::restore(sql).map_err(|e| {
                worker::console_error!("restoring the queue failed: {e:?}");
                ApiError::internal()
            })?);
        }
        let queue = slot.as_mut().ok_or_else(ApiError::internal)?;
        let result = f(queue);
        let changes = queue.take_changes();
        if let Err(e) = queue::persist(sql, &changes) {
            worker::console_error!("storing queue changes failed: {e:?}");
            *slot = None;
            return Err(ApiError::internal());
        }
        if !changes.is_empty() {
            self.queue_changed.set(true);
        }
        result
    }

    /// After a queue change: every connected phone hears where it stands (first: it is what
    /// drivers wait for), then D1 gets the changed entries and the yard's figures.
    async fn after_queue_changes(&self, sql: &SqlStorage, yard: &YardId, now: i64) {
        if !self.queue_changed.replace(false) {
            return;
        }
        self.push_positions(yard, now);
        copy_in_order(&self.queue_copy, "the queue", || async {
            let stats = self
                .queue
                .borrow()
                .as_ref()
                .map(|queue| QueueStats::of(queue, now));
            match stats {
                Some(stats) => queue::copy_to_d1(&self.env, sql, yard, &stats).await,
                None => Ok(()),
            }
        })
        .await;
    }

    /// Runs `f` on the ledger (restoring it first if needed), then writes its changes. If the
    /// write fails, the in-memory ledger is dropped so the next call restores what was stored.
    fn with_ledger<T>(
        &self,
        sql: &SqlStorage,
        yard: &YardId,
        defaults: Option<(GateId, YardConfig)>,
        f: impl FnOnce(&mut Ledger) -> std::result::Result<T, ApiError>,
    ) -> std::result::Result<T, ApiError> {
        let mut slot = self.ledger.borrow_mut();
        if slot.is_none() {
            *slot = Some(restore(sql, yard, defaults)?);
        }
        let ledger = slot.as_mut().ok_or_else(ApiError::internal)?;
        let result = f(ledger);
        let changes = ledger.take_changes();
        if let Err(e) = persist(sql, &changes) {
            worker::console_error!("yard {yard}: storing changes failed: {e:?}");
            *slot = None;
            return Err(ApiError::internal());
        }
        result
    }

    /// After a call: copy changed bookings to D1 and set the alarm for the next deadline.
    async fn after_changes(&self, sql: &SqlStorage) {
        copy_in_order(&self.bookings_copy, "bookings", || {
            copy_to_d1(&self.env, sql)
        })
        .await;
        // One alarm serves both: the next no-show deadline, and, while the queue is in use,
        // the next refresh of the yard's figures.
        let deadline = self
            .ledger
            .borrow()
            .as_ref()
            .and_then(Ledger::next_deadline_ms);
        let now = crate::clock::now_ms();
        let refresh = self
            .queue
            .borrow()
            .as_ref()
            .filter(|queue| queue.entries().next().is_some())
            .map(|_| shared::queue::stats::next_refresh_ms(now));
        if let Some(at) = [deadline, refresh].into_iter().flatten().min() {
            if let Err(e) = self.state.storage().set_alarm(at.max(1)).await {
                worker::console_error!("setting the yard's alarm failed: {e:?}");
            }
        }
    }
}

/// A random booking id: `bk-` and 10 hex characters.
fn new_booking_id() -> std::result::Result<BookingId, ApiError> {
    let bytes = crate::auth::secrets::random_bytes::<5>()?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(BookingId::parse(&format!("bk-{hex}"))?)
}

/// Any answer as JSON, so one closure can return the different answers of the calls.
mod erased_json {
    pub trait ToJson {
        fn to_json(&self) -> serde_json::Value;
    }

    impl<T: serde::Serialize> ToJson for T {
        fn to_json(&self) -> serde_json::Value {
            // Our answer types always serialise (no maps with non-string keys).
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}

fn migrate(sql: &SqlStorage) -> Result<()> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)",
        None,
    )?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS bookings (id TEXT PRIMARY KEY, slot_start_ms INTEGER NOT NULL,
           status TEXT NOT NULL, json TEXT NOT NULL)",
        None,
    )?;
    sql.exec(
        "CREATE TABLE IF NOT EXISTS idempotency (account TEXT NOT NULL, key TEXT NOT NULL,
           at_ms INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (account, key))",
        None,
    )?;
    // Bookings changed here and not yet copied to D1.
    sql.exec(
        "CREATE TABLE IF NOT EXISTS booking_d1_marks (id TEXT PRIMARY KEY, v INTEGER NOT NULL)",
        None,
    )?;
    // Schema 2 kept unversioned marks: carry them over.
    let old_marks = sql
        .exec(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'd1_pending'",
            None,
        )?
        .to_array::<serde_json::Value>()?;
    if !old_marks.is_empty() {
        sql.exec(
            "INSERT OR IGNORE INTO booking_d1_marks (id, v) SELECT id, 1 FROM d1_pending",
            None,
        )?;
        sql.exec("DROP TABLE d1_pending", None)?;
    }
    queue::migrate(sql)?;
    sql.exec(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        vec![i64::from(SCHEMA_VERSION).into()],
    )?;
    // How often this object has migrated (the status call shows it): once per schema version.
    sql.exec(
        "INSERT INTO meta (key, value) VALUES ('schema_migrations', 1)
         ON CONFLICT(key) DO UPDATE SET value = value + 1",
        None,
    )?;
    Ok(())
}

/// The schema version in storage; none before the first migration (no `meta` table yet).
fn stored_schema_version(sql: &SqlStorage) -> Option<i64> {
    #[derive(Deserialize)]
    struct Version {
        value: i64,
    }
    let rows: Vec<Version> = sql
        .exec("SELECT value FROM meta WHERE key = 'schema_version'", None)
        .and_then(|c| c.to_array())
        .ok()?;
    rows.into_iter().next().map(|r| r.value)
}

#[derive(Deserialize)]
struct JsonRow {
    json: String,
}

/// A changed row and the version of its mark (see [`copy_in_order`]).
#[derive(Deserialize)]
struct MarkedRow {
    json: String,
    v: i64,
}

#[derive(Deserialize)]
struct TextValue {
    value: String,
}

/// The yard this object is, once a call has told it.
fn stored_yard(sql: &SqlStorage) -> Result<Option<YardId>> {
    Ok(stored_text(sql, "yard_id")?.and_then(|y| YardId::parse(&y).ok()))
}

fn nullable_i64(value: Option<i64>) -> SqlStorageValue {
    match value {
        Some(v) => v.into(),
        None => SqlStorageValue::Null,
    }
}

fn stored_text(sql: &SqlStorage, key: &str) -> Result<Option<String>> {
    let rows: Vec<TextValue> = sql
        .exec(
            "SELECT value FROM meta WHERE key = ?1",
            vec![SqlStorageValue::from(key.to_owned())],
        )?
        .to_array()?;
    Ok(rows.into_iter().next().map(|r| r.value))
}

fn store_text(sql: &SqlStorage, key: &str, value: &str) -> Result<()> {
    sql.exec(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        vec![key.to_owned().into(), value.to_owned().into()],
    )?;
    Ok(())
}

/// The ledger from storage; on first use, from the directory's defaults (which are stored).
fn restore(
    sql: &SqlStorage,
    yard: &YardId,
    defaults: Option<(GateId, YardConfig)>,
) -> std::result::Result<Ledger, ApiError> {
    let internal = |e: &dyn std::fmt::Debug| {
        worker::console_error!("yard {yard}: restoring the ledger failed: {e:?}");
        ApiError::internal()
    };
    let stored_gate = stored_text(sql, "gate_id").map_err(|e| internal(&e))?;
    let stored_config = stored_text(sql, "config").map_err(|e| internal(&e))?;
    let (gate, config) = match (stored_gate, stored_config, defaults) {
        (Some(gate), Some(config), _) => (
            GateId::parse(&gate).map_err(|e| internal(&e))?,
            serde_json::from_str::<YardConfig>(&config).map_err(|e| internal(&e))?,
        ),
        (_, _, Some((gate, config))) => {
            store_text(sql, "yard_id", yard.as_str()).map_err(|e| internal(&e))?;
            store_text(sql, "gate_id", gate.as_str()).map_err(|e| internal(&e))?;
            let json = serde_json::to_string(&config).map_err(|e| internal(&e))?;
            store_text(sql, "config", &json).map_err(|e| internal(&e))?;
            (gate, config)
        }
        _ => return Err(ApiError::internal()),
    };
    let bookings = sql
        .exec("SELECT json FROM bookings", None)
        .and_then(|c| c.to_array::<JsonRow>())
        .map_err(|e| internal(&e))?
        .into_iter()
        .map(|r| serde_json::from_str::<Booking>(&r.json))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| internal(&e))?;
    let keys = sql
        .exec("SELECT json FROM idempotency", None)
        .and_then(|c| c.to_array::<JsonRow>())
        .map_err(|e| internal(&e))?
        .into_iter()
        .map(|r| serde_json::from_str::<IdempotencyRecord>(&r.json))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| internal(&e))?;
    Ok(Ledger::restore(yard.clone(), gate, config, bookings, keys)?)
}

/// Writes the ledger's changes, in order, before the call answers.
fn persist(sql: &SqlStorage, changes: &[Change]) -> Result<()> {
    for change in changes {
        match change {
            Change::Booking(b) => {
                let json = serde_json::to_string(b)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                sql.exec(
                    "INSERT INTO bookings (id, slot_start_ms, status, json) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(id) DO UPDATE SET slot_start_ms = excluded.slot_start_ms,
                       status = excluded.status, json = excluded.json",
                    vec![
                        b.id.to_string().into(),
                        b.slot.start_ms.into(),
                        b.status.as_str().to_owned().into(),
                        json.into(),
                    ],
                )?;
                sql.exec(
                    "INSERT INTO booking_d1_marks (id, v) VALUES (?1, 1)
                     ON CONFLICT(id) DO UPDATE SET v = v + 1",
                    vec![b.id.to_string().into()],
                )?;
            }
            Change::Idempotency(r) => {
                let json = serde_json::to_string(r)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                sql.exec(
                    "INSERT INTO idempotency (account, key, at_ms, json) VALUES (?1, ?2, ?3, ?4)",
                    vec![
                        r.account.to_string().into(),
                        r.key.as_str().to_owned().into(),
                        r.at_ms.into(),
                        json.into(),
                    ],
                )?;
            }
            Change::Config(config) => {
                let json = serde_json::to_string(config)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?;
                store_text(sql, "config", &json)?;
            }
            Change::Pruned {
                bookings_before_ms,
                keys_before_ms,
            } => {
                sql.exec(
                    "DELETE FROM bookings WHERE slot_start_ms < ?1 AND status != 'active'",
                    vec![(*bookings_before_ms).into()],
                )?;
                sql.exec(
                    "DELETE FROM idempotency WHERE at_ms < ?1",
                    vec![(*keys_before_ms).into()],
                )?;
            }
        }
    }
    Ok(())
}

/// Upserts the bookings changed since the last copy into D1, then forgets them.
async fn copy_to_d1(env: &Env, sql: &SqlStorage) -> Result<()> {
    let rows: Vec<MarkedRow> = sql
        .exec(
            "SELECT b.json, m.v FROM booking_d1_marks m JOIN bookings b ON b.id = m.id",
            None,
        )?
        .to_array()?;
    if rows.is_empty() {
        return Ok(());
    }
    let db = env.d1(DB_BINDING)?;
    let mut statements = Vec::new();
    let mut ids = Vec::new();
    for row in rows {
        let b: Booking =
            serde_json::from_str(&row.json).map_err(|e| worker::Error::RustError(e.to_string()))?;
        statements.push(
            db.prepare(
                "INSERT INTO bookings (id, yard_id, account_id, trip_id, slot_start_ms, status, json,
                   updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(id) DO UPDATE SET slot_start_ms = excluded.slot_start_ms,
                   status = excluded.status, json = excluded.json, updated_at_ms = excluded.updated_at_ms",
            )
            .bind(&[
                b.id.as_str().into(),
                b.slot.yard.as_str().into(),
                b.account_id.as_str().into(),
                b.trip_id.as_str().into(),
                (b.slot.start_ms as f64).into(),
                b.status.as_str().into(),
                row.json.clone().into(),
                (b.updated_at_ms as f64).into(),
            ])?,
        );
        if matches!(b.status, BookingStatus::Cancelled | BookingStatus::NoShow) {
            // The booking ended: its trip may be booked again (here or at another yard).
            statements.push(
                db.prepare(
                    "DELETE FROM trip_bookings WHERE trip_id = ?1 AND yard_id = ?2
                       AND account_id = ?3 AND idem_key = ?4",
                )
                .bind(&[
                    b.trip_id.as_str().into(),
                    b.slot.yard.as_str().into(),
                    b.account_id.as_str().into(),
                    b.idempotency_key.as_str().into(),
                ])?,
            );
        }
        ids.push((b.id.to_string(), row.v));
    }
    db.batch(statements).await?;
    for (id, v) in ids {
        sql.exec(
            "DELETE FROM booking_d1_marks WHERE id = ?1 AND v = ?2",
            vec![id.into(), v.into()],
        )?;
    }
    Ok(())
}

fn status(sql: &SqlStorage, yard: &YardId) -> Result<YardStatusResponse> {
    #[derive(Deserialize)]
    struct Value {
        value: i64,
    }
    let now = crate::clock::now_ms();
    sql.exec(
        "INSERT INTO meta (key, value) VALUES ('first_seen_at_ms', ?1) ON CONFLICT(key) DO NOTHING",
        vec![now.into()],
    )?;
    let calls = sql
        .exec(
            "INSERT INTO meta (key, value) VALUES ('status_calls', 1)
             ON CONFLICT(key) DO UPDATE SET value = value + 1 RETURNING value",
            None,
        )?
        .one::<Value>()?;
    let first_seen = sql
        .exec(
            "SELECT value FROM meta WHERE key = 'first_seen_at_ms'",
            None,
        )?
        .one::<Value>()?;
    let migrations: Vec<Value> = sql
        .exec(
            "SELECT value FROM meta WHERE key = 'schema_migrations'",
            None,
        )?
        .to_array()?;
    Ok(YardStatusResponse {
        yard_id: yard.to_string(),
        schema_version: SCHEMA_VERSION,
        first_seen_at_ms: first_seen.value,
        status_calls: calls.value as u64,
        schema_migrations: migrations.first().map_or(0, |m| m.value.max(0) as u64),
    })
}
