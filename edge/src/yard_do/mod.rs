//! The yard's Durable Object: the single writer of one yard's slots, bookings and queue.
//!
//! A thin wrapper around `shared::yard` (azul's shape): it decodes a call of the
//! [`crate::yard_protocol`], runs it through the [`YardRunner`] over its SQLite storage
//! ([`sqlite`]: the change and its events in one transaction, before the answer), answers,
//! then tells the phones that follow the queue ([`sockets`]), copies to D1 what changed and
//! the yard's events ([`d1`]), and sets its alarm (no-shows, the figures' refresh). The
//! methods themselves are in [`calls`]. The schema is migrated once per instance; the clock
//! is read in one place ([`clock`]).

mod calls;
mod d1;
mod sockets;
mod sqlite;

use crate::error::ApiError;
use crate::yard_protocol::{from_json, Envelope, CALL_PATH, LIVE_PATH};
use shared::yard::{RunError, YardRunner, YardSetup, YardState};
use shared::{Error, ErrorCode};
use sqlite::SqliteStore;
use std::cell::{Cell, RefCell};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, SqlStorage, State, WebSocket,
    WebSocketIncomingMessage,
};

#[durable_object]
pub struct YardDo {
    state: State,
    env: Env,
    /// The yard in memory, once restored; dropped by the runner if a store fails.
    runner: RefCell<YardRunner>,
    /// Whether the queue changed since the phones were last told.
    queue_changed: Cell<bool>,
    /// Whether D1 should get the yard's figures with the next copy.
    stats_due: Cell<bool>,
    /// Whether this instance has seen its storage's schema current (an in-memory flag, so
    /// after hibernation one read checks again).
    schema_ready: Cell<bool>,
    copy: d1::CopyState,
}

/// The object's one read of the clock (calls carry the Worker's "now"; sockets and the alarm
/// have none).
fn clock() -> i64 {
    crate::clock::now_ms()
}

impl DurableObject for YardDo {
    fn new(state: State, env: Env) -> Self {
        YardDo {
            state,
            env,
            runner: RefCell::new(YardRunner::new()),
            queue_changed: Cell::new(false),
            stats_due: Cell::new(false),
            schema_ready: Cell::new(false),
            copy: d1::CopyState::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        self.sql()?;
        match req.path().as_str() {
            CALL_PATH => {
                let envelope: Envelope =
                    from_json(&req.text().await?).map_err(sqlite::rust_error)?;
                let now = envelope.now_ms;
                let answer = self.answer(envelope);
                self.after_call(now).await;
                Response::ok(answer)
            }
            LIVE_PATH => Ok(self
                .accept_live(&req)
                .unwrap_or_else(ApiError::into_response)),
            _ => Ok(ApiError::not_found("unknown yard call").into_response()),
        }
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        _message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let now = clock();
        // A phone that sends more than its heartbeat's worth is closed before it costs more.
        if sockets::within_message_budget(&ws, now) {
            self.sql()?;
            self.answer_socket(&ws, now);
        }
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
        self.sql()?;
        let now = clock();
        match self.run(None, now, |yard| {
            yard.tick(now);
            Ok(yard.queue_in_use())
        }) {
            // The day's figures move on with time even when nothing happens (the chart,
            // "served in the last hour", a new day at midnight): D1 and the phones hear again.
            Ok(true) => {
                self.queue_changed.set(true);
                self.stats_due.set(true);
            }
            Ok(false) => {}
            Err(e) => worker::console_error!("the yard's alarm: {e}"),
        }
        self.after_call(now).await;
        Response::ok("")
    }
}

impl YardDo {
    /// The storage, its schema migrated at most once per instance (and only when the stored
    /// version is not this code's): no write on every wake-up.
    fn sql(&self) -> Result<SqlStorage> {
        let sql = self.state.storage().sql();
        if !self.schema_ready.get() {
            sqlite::ensure_schema(&sql)?;
            self.schema_ready.set(true);
        }
        Ok(sql)
    }

    /// Runs one operation on the yard (see [`YardRunner::run`]). A failure of storage is an
    /// internal error (logged): the operation did not happen.
    fn run<T>(
        &self,
        setup: Option<&YardSetup>,
        now: i64,
        op: impl FnOnce(&mut YardState) -> std::result::Result<T, Error>,
    ) -> std::result::Result<T, Error> {
        let mut store = SqliteStore::new(self.state.storage());
        let ran = self.runner.borrow_mut().run(&mut store, setup, now, op);
        match ran {
            Ok(ran) => {
                if ran.changes.queue_changed() {
                    self.queue_changed.set(true);
                    self.stats_due.set(true);
                }
                ran.answer
            }
            Err(RunError::NotSetUp) => {
                Err(Error::new(ErrorCode::NotFound, "the yard has no state yet"))
            }
            Err(e) => {
                worker::console_error!("yard storage: {e}");
                Err(Error::new(ErrorCode::Internal, "the yard's storage failed"))
            }
        }
    }

    /// After a call: the phones hear where they stand (first: it is what drivers wait for),
    /// D1 gets what changed and the yard's events, and the alarm is set for what is next.
    async fn after_call(&self, now: i64) {
        if self.queue_changed.replace(false) {
            self.push_positions(now);
        }
        d1::copy_in_order(&self.copy, || async {
            let Some(yard) = self.runner.borrow().state().map(|y| y.yard().clone()) else {
                return Ok(());
            };
            let stats = self
                .stats_due
                .replace(false)
                .then(|| self.runner.borrow().state().map(|y| y.stats(now)))
                .flatten();
            let copied = d1::copy(
                &self.env,
                &self.state.storage().sql(),
                &yard,
                stats.as_ref(),
            )
            .await;
            if copied.is_err() && stats.is_some() {
                self.stats_due.set(true);
            }
            copied
        })
        .await;
        let next = self
            .runner
            .borrow()
            .state()
            .and_then(|y| y.next_alarm_ms(clock()));
        if let Some(at) = next {
            if let Err(e) = self.state.storage().set_alarm(at.max(1)).await {
                worker::console_error!("setting the yard's alarm failed: {e:?}");
            }
        }
    }
}
