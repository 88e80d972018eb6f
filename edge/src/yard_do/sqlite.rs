//! The yard's state in its object's SQLite storage: [`SqliteStore`], the [`YardStore`] the
//! runner uses, and the schema it needs (migrated once per instance, see
//! [`ensure_schema`]).
//!
//! One operation's changes and events are written inside `transactionSync`, so they commit
//! together or not at all: an event is stored exactly when its change is.

use serde::Deserialize;
use shared::booking::{Booking, Change, IdempotencyRecord, Lane, YardConfig};
use shared::event::Recorded;
use shared::queue::{Entry, QueueChange, QueueEntryId};
use shared::wire::v1::YardStatusResponse;
use shared::yard::{CheckInChange, Snapshot, StoredCheckIn, YardChanges, YardStore};
use shared::{GateId, YardId};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use worker::{Result, SqlStorage, SqlStorageValue, Storage};

/// 4: the yard's events (`yard_events`) and their numbering.
pub const SCHEMA_VERSION: u32 = 4;

pub struct SqliteStore {
    storage: Storage,
    sql: SqlStorage,
}

impl SqliteStore {
    pub fn new(storage: Storage) -> Self {
        let sql = storage.sql();
        SqliteStore { storage, sql }
    }
}

impl YardStore for SqliteStore {
    type Error = worker::Error;

    fn load(&mut self) -> Result<Option<Snapshot>> {
        let sql = &self.sql;
        let (Some(yard), Some(gate), Some(config)) = (
            stored_text(sql, "yard_id")?,
            stored_text(sql, "gate_id")?,
            stored_text(sql, "config")?,
        ) else {
            return Ok(None);
        };
        let mut orders = Vec::new();
        for lane in shared::queue::LANES {
            if let Some(json) = stored_text(sql, &order_key(lane))? {
                orders.push((lane, from_json::<Vec<QueueEntryId>>(&json)?));
            }
        }
        #[derive(Deserialize)]
        struct KeyRow {
            key: String,
            at_ms: i64,
            json: String,
        }
        let check_ins = sql
            .exec("SELECT key, at_ms, json FROM queue_keys", None)?
            .to_array::<KeyRow>()?
            .into_iter()
            .map(|r| {
                Ok(StoredCheckIn {
                    key: r.key,
                    at_ms: r.at_ms,
                    answer: from_json(&r.json)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let next_event_seq = stored_text(sql, "next_event_seq")?
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        Ok(Some(Snapshot {
            yard: YardId::parse(&yard).map_err(rust_error)?,
            gate: GateId::parse(&gate).map_err(rust_error)?,
            config: from_json::<YardConfig>(&config)?,
            bookings: json_rows::<Booking>(sql, "SELECT json FROM bookings")?,
            keys: json_rows::<IdempotencyRecord>(sql, "SELECT json FROM idempotency")?,
            entries: json_rows::<Entry>(sql, "SELECT json FROM queue_entries")?,
            orders,
            check_ins,
            next_event_seq,
        }))
    }

    fn store(&mut self, changes: &YardChanges) -> Result<()> {
        let sql = self.sql.clone();
        let changes = changes.clone();
        transaction_sync(&self.storage, move || write(&sql, &changes))
    }
}

/// Runs `run` inside the storage's `transactionSync`: if it fails, everything it wrote is
/// rolled back (the `worker` crate does not bind the call, so it is reached through JS).
fn transaction_sync(storage: &Storage, run: impl FnOnce() -> Result<()> + 'static) -> Result<()> {
    let failure: Rc<RefCell<Option<worker::Error>>> = Rc::default();
    let seen = failure.clone();
    let mut run = Some(run);
    let callback =
        Closure::<dyn FnMut() -> std::result::Result<JsValue, JsValue>>::new(move || {
            let Some(run) = run.take() else {
                return Ok(JsValue::UNDEFINED);
            };
            run().map(|()| JsValue::UNDEFINED).map_err(|e| {
                let message = JsValue::from_str(&e.to_string());
                *seen.borrow_mut() = Some(e);
                // Thrown, so that the transaction rolls back.
                message
            })
        });
    let raw: &JsValue = storage.as_raw().as_ref();
    let function: js_sys::Function = js_sys::Reflect::get(raw, &"transactionSync".into())?
        .dyn_into()
        .map_err(|_| worker::Error::RustError("no transactionSync".into()))?;
    let result = function.call1(raw, callback.as_ref().unchecked_ref());
    drop(callback);
    match result {
        Ok(_) => Ok(()),
        Err(thrown) => Err(failure
            .borrow_mut()
            .take()
            .unwrap_or_else(|| worker::Error::JsError(format!("{thrown:?}")))),
    }
}

/// Writes one operation's changes, in order (inside the transaction).
fn write(sql: &SqlStorage, changes: &YardChanges) -> Result<()> {
    if let Some(setup) = &changes.set_up {
        store_text(sql, "yard_id", setup.yard.as_str())?;
        store_text(sql, "gate_id", setup.gate.as_str())?;
    }
    for change in &changes.bookings {
        write_booking_change(sql, change)?;
    }
    for change in &changes.queue {
        write_queue_change(sql, change)?;
    }
    for change in &changes.check_ins {
        match change {
            CheckInChange::Stored(c) => {
                sql.exec(
                    "INSERT INTO queue_keys (key, at_ms, json) VALUES (?1, ?2, ?3)
                     ON CONFLICT(key) DO NOTHING",
                    vec![
                        c.key.clone().into(),
                        c.at_ms.into(),
                        to_json(&c.answer)?.into(),
                    ],
                )?;
            }
            CheckInChange::Pruned { before_ms } => {
                sql.exec(
                    "DELETE FROM queue_keys WHERE at_ms < ?1",
                    vec![(*before_ms).into()],
                )?;
            }
        }
    }
    for event in &changes.events {
        write_event(sql, event)?;
    }
    if let Some(last) = changes.last_event_seq() {
        store_text(sql, "next_event_seq", &(last + 1).to_string())?;
    }
    Ok(())
}

fn write_event(sql: &SqlStorage, event: &Recorded) -> Result<()> {
    let seq = shared::yard::event_seq(&event.id)
        .ok_or_else(|| worker::Error::RustError(format!("event id {} has no number", event.id)))?;
    sql.exec(
        "INSERT INTO yard_events (seq, json) VALUES (?1, ?2)",
        vec![(seq as i64).into(), to_json(event)?.into()],
    )?;
    Ok(())
}

fn write_booking_change(sql: &SqlStorage, change: &Change) -> Result<()> {
    match change {
        Change::Booking(b) => {
            sql.exec(
                "INSERT INTO bookings (id, slot_start_ms, status, json) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET slot_start_ms = excluded.slot_start_ms,
                   status = excluded.status, json = excluded.json",
                vec![
                    b.id.to_string().into(),
                    b.slot.start_ms.into(),
                    b.status.as_str().to_owned().into(),
                    to_json(b)?.into(),
                ],
            )?;
            // Changed here, not yet copied to D1 (see `d1.rs`).
            sql.exec(
                "INSERT INTO booking_d1_marks (id, v) VALUES (?1, 1)
                 ON CONFLICT(id) DO UPDATE SET v = v + 1",
                vec![b.id.to_string().into()],
            )?;
        }
        Change::Idempotency(r) => {
            sql.exec(
                "INSERT INTO idempotency (account, key, at_ms, json) VALUES (?1, ?2, ?3, ?4)",
                vec![
                    r.account.to_string().into(),
                    r.key.as_str().to_owned().into(),
                    r.at_ms.into(),
                    to_json(r)?.into(),
                ],
            )?;
        }
        Change::Config(config) => store_text(sql, "config", &to_json(config)?)?,
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
    Ok(())
}

fn write_queue_change(sql: &SqlStorage, change: &QueueChange) -> Result<()> {
    match change {
        QueueChange::Entry(e) => {
            sql.exec(
                "INSERT INTO queue_entries (id, trip_id, status, closed_at_ms, json)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET status = excluded.status,
                   closed_at_ms = excluded.closed_at_ms, json = excluded.json",
                vec![
                    e.id.to_string().into(),
                    e.trip_id.to_string().into(),
                    e.status.as_str().to_owned().into(),
                    e.closed_at_ms
                        .map_or(SqlStorageValue::Null, SqlStorageValue::from),
                    to_json(e)?.into(),
                ],
            )?;
            sql.exec(
                "INSERT INTO queue_d1_marks (id, v) VALUES (?1, 1)
                 ON CONFLICT(id) DO UPDATE SET v = v + 1",
                vec![e.id.to_string().into()],
            )?;
        }
        QueueChange::Order(lane, ids) => store_text(sql, &order_key(*lane), &to_json(ids)?)?,
        QueueChange::Pruned { before_ms } => {
            sql.exec(
                "DELETE FROM queue_entries WHERE status IN ('served', 'no_show')
                   AND closed_at_ms < ?1",
                vec![(*before_ms).into()],
            )?;
            sql.exec(
                "DELETE FROM queue_d1_marks WHERE id NOT IN (SELECT id FROM queue_entries)",
                None,
            )?;
        }
    }
    Ok(())
}

fn order_key(lane: Lane) -> String {
    format!("queue_order_{}", lane.as_str())
}

/// Migrates the storage's schema when the stored version is not this code's.
pub fn ensure_schema(sql: &SqlStorage) -> Result<()> {
    if stored_schema_version(sql) != Some(i64::from(SCHEMA_VERSION)) {
        migrate(sql)?;
    }
    Ok(())
}

fn migrate(sql: &SqlStorage) -> Result<()> {
    for table in [
        "meta (key TEXT PRIMARY KEY, value)",
        "bookings (id TEXT PRIMARY KEY, slot_start_ms INTEGER NOT NULL, status TEXT NOT NULL,
           json TEXT NOT NULL)",
        "idempotency (account TEXT NOT NULL, key TEXT NOT NULL, at_ms INTEGER NOT NULL,
           json TEXT NOT NULL, PRIMARY KEY (account, key))",
        // Bookings changed here and not yet copied to D1, with a version per change.
        "booking_d1_marks (id TEXT PRIMARY KEY, v INTEGER NOT NULL)",
        "queue_entries (id TEXT PRIMARY KEY, trip_id TEXT NOT NULL, status TEXT NOT NULL,
           closed_at_ms INTEGER, json TEXT NOT NULL)",
        // Answers to check-ins from operators' outboxes, by `client:seq`.
        "queue_keys (key TEXT PRIMARY KEY, at_ms INTEGER NOT NULL, json TEXT NOT NULL)",
        "queue_d1_marks (id TEXT PRIMARY KEY, v INTEGER NOT NULL)",
        // The yard's events not yet copied to D1's edge outbox, by their per-yard number.
        "yard_events (seq INTEGER PRIMARY KEY, json TEXT NOT NULL)",
    ] {
        sql.exec(&format!("CREATE TABLE IF NOT EXISTS {table}"), None)?;
    }
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

/// The object's counters: first seen, status calls (counted here), migrations.
pub fn status(sql: &SqlStorage, yard: &YardId, now_ms: i64) -> Result<YardStatusResponse> {
    #[derive(Deserialize)]
    struct Value {
        value: i64,
    }
    sql.exec(
        "INSERT INTO meta (key, value) VALUES ('first_seen_at_ms', ?1) ON CONFLICT(key) DO NOTHING",
        vec![now_ms.into()],
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

pub(super) fn stored_text(sql: &SqlStorage, key: &str) -> Result<Option<String>> {
    #[derive(Deserialize)]
    struct TextValue {
        value: String,
    }
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

fn json_rows<T: serde::de::DeserializeOwned>(sql: &SqlStorage, query: &str) -> Result<Vec<T>> {
    #[derive(Deserialize)]
    struct JsonRow {
        json: String,
    }
    sql.exec(query, None)?
        .to_array::<JsonRow>()?
        .iter()
        .map(|r| from_json(&r.json))
        .collect()
}

pub(super) fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(rust_error)
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(rust_error)
}

pub(super) fn rust_error(e: impl std::fmt::Display) -> worker::Error {
    worker::Error::RustError(e.to_string())
}
