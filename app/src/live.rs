//! Following one trip's place in its yard's queue: a WebSocket while it holds, polling while it
//! does not, the last answer on the phone for dead zones.
//!
//! - The saved copy shows at once (and is the "previous status" a call is compared with).
//! - Then `GET /api/trips/{trip}/queue`; only once that answered does the socket open, so a
//!   trip with no queue (404) never makes the browser log a failed socket.
//! - The socket (`/api/trips/{trip}/queue/live`, subprotocols `borderpass` and
//!   `bearer.<token>`, since a browser cannot set headers on a WebSocket) brings a view at once
//!   and after every change at the yard. Every [`PING_INTERVAL_MS`] the phone sends a message,
//!   which the yard answers with the current view; no answer within [`PING_TIMEOUT_MS`] means
//!   the link is dead (phones in a dead zone often keep a socket "open" for minutes).
//! - Without a socket: a GET every [`POLL_INTERVAL_MS`] and a new socket after a growing pause
//!   ([`reconnect_delay_ms`]). Offline: nothing is tried until the network is back.

use crate::api;
use crate::offline::snapshots::{self, TripQueueSnapshot};
use crate::state::{Connectivity, Session};
use leptos::prelude::*;
use shared::queue::{EntryStatus, TripQueueEntry, TripQueueView};
use shared::ErrorCode;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, WebSocket};

/// Polling while the socket is down.
pub const POLL_INTERVAL_MS: i64 = 15_000;
/// Polling when the edge knows no queue for the trip, or refused: something may change (a
/// booking, a check-in), but not often.
pub const SLOW_POLL_INTERVAL_MS: i64 = 60_000;
/// How often the phone checks that an open socket still carries answers.
pub const PING_INTERVAL_MS: i64 = 30_000;
/// How long an answer to that check may take.
pub const PING_TIMEOUT_MS: i64 = 15_000;
/// How often the loop looks at what to do next.
const TICK_MS: u32 = 1_000;
/// The WebSocket subprotocol the edge answers with.
const SUBPROTOCOL: &str = "borderpass";

/// The pause before reconnecting after `failures` sockets in a row failed: 1 s, 2 s, 4 s … at
/// most a minute, so a yard's edge is not hammered by a parking lot of phones.
pub fn reconnect_delay_ms(failures: u32) -> i64 {
    let doubled = 1_000i64.saturating_mul(1i64 << failures.saturating_sub(1).min(16));
    doubled.min(60_000)
}

/// The socket's address on this page's origin: `ws://` next to `http://`, `wss://` next to
/// `https://`.
pub fn live_url(protocol: &str, host: &str, trip_id: &str) -> String {
    let scheme = if protocol == "https:" { "wss:" } else { "ws:" };
    format!("{scheme}//{host}/api/trips/{trip_id}/queue/live")
}

/// Whether the yard has just called this trip: called now, and not called (or called at
/// another time: sent back after an absence, then called again) in the view before. Nothing
/// known before counts as not called, so a driver who opens the screen already called is
/// alerted too.
pub fn became_called(before: Option<&TripQueueEntry>, after: Option<&TripQueueEntry>) -> bool {
    match (before, after) {
        (_, None) => false,
        (_, Some(a)) if a.status != EntryStatus::Called => false,
        (None, Some(_)) => true,
        (Some(b), Some(a)) => b.status != EntryStatus::Called || b.called_at_ms != a.called_at_ms,
    }
}

/// An open socket with its handlers (dropped with it, so an old socket never calls back).
struct Socket {
    ws: WebSocket,
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl Socket {
    fn close(self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onerror(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Timing {
    failures: u32,
    next_connect_at: i64,
    last_fetch_at: i64,
    /// When the socket last brought anything (or opened).
    last_message_at: i64,
    ping_sent_at: Option<i64>,
    /// Whether a GET answered during this visit (only then may a socket open).
    fetched: bool,
    /// The poll interval after the last GET (longer after a 404 or a refusal).
    poll_every: i64,
}

/// One trip followed while its screen is open. Every field is a handle; the follower stops
/// (closing its socket) once the screen is gone.
#[derive(Clone, Copy)]
pub struct Follower {
    trip_id: StoredValue<String>,
    account_id: StoredValue<String>,
    /// The last view known: from the phone, the edge or the socket.
    pub shown: RwSignal<Option<TripQueueSnapshot>>,
    /// Whether the saved copy has been looked for (until then "loading").
    pub loaded: RwSignal<bool>,
    /// The edge knows no queue for this trip (neither booked nor checked in at a yard).
    pub missing: RwSignal<bool>,
    /// The last refusal other than "no queue" (shown; the network's absence is not one).
    pub error: RwSignal<Option<shared::Error>>,
    /// Whether the socket is open.
    pub live: RwSignal<bool>,
    socket: StoredValue<Option<Socket>, LocalStorage>,
    timing: StoredValue<Timing>,
    on_called: Callback<TripQueueView>,
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

impl Follower {
    /// Starts following `trip_id` for `account_id`; `on_called` runs when the yard calls it.
    pub fn start(
        trip_id: String,
        account_id: String,
        on_called: impl Fn(TripQueueView) + Send + Sync + 'static,
    ) -> Self {
        let follower = Follower {
            trip_id: StoredValue::new(trip_id),
            account_id: StoredValue::new(account_id),
            shown: RwSignal::new(None),
            loaded: RwSignal::new(false),
            missing: RwSignal::new(false),
            error: RwSignal::new(None),
            live: RwSignal::new(false),
            socket: StoredValue::new_local(None),
            timing: StoredValue::new(Timing {
                poll_every: POLL_INTERVAL_MS,
                ..Timing::default()
            }),
            on_called: Callback::new(on_called),
        };
        on_cleanup(move || follower.close());
        leptos::task::spawn_local(follower.run());
        follower
    }

    fn disposed(self) -> bool {
        self.shown.try_with_untracked(|_| ()).is_none()
    }

    async fn run(self) {
        let (Some(account), Some(trip)) = (
            self.account_id.try_get_value(),
            self.trip_id.try_get_value(),
        ) else {
            return;
        };
        let saved = snapshots::load_trip_queue(&account, &trip).await;
        if self.disposed() {
            return;
        }
        if self.shown.get_untracked().is_none() {
            self.shown.set(saved);
        }
        self.loaded.set(true);
        loop {
            if self.disposed() {
                self.close();
                return;
            }
            self.tick().await;
            gloo_timers::future::TimeoutFuture::new(TICK_MS).await;
        }
    }

    async fn tick(self) {
        let now = now_ms();
        let online = Connectivity::current_online().unwrap_or(true);
        if !online {
            // Nothing gets through: drop the socket now (the screen shows the estimate), and
            // reconnect as soon as the network is back.
            if self.socket.with_value(Option::is_some) {
                self.close();
            }
            return;
        }
        let t = self.timing.get_value();
        if self.live.get_untracked() {
            match t.ping_sent_at {
                Some(sent) if now - sent > PING_TIMEOUT_MS => {
                    leptos::logging::warn!("the queue socket stopped answering");
                    self.lost();
                }
                None if now - t.last_message_at > PING_INTERVAL_MS => self.ping(now),
                _ => {}
            }
        }
        let no_socket = self.socket.with_value(Option::is_none);
        if no_socket && t.fetched && !self.missing.get_untracked() && now >= t.next_connect_at {
            self.connect();
        }
        if !self.live.get_untracked() && now - t.last_fetch_at >= t.poll_every {
            self.fetch().await;
        }
    }

    /// One GET; its answer is shown like a socket message.
    async fn fetch(self) {
        let Some(trip) = self.trip_id.try_get_value() else {
            return;
        };
        self.timing.update_value(|t| t.last_fetch_at = now_ms());
        let answer = api::trip_queue(&trip).await;
        if self.disposed() {
            return;
        }
        let poll_every = match answer {
            Ok(view) => {
                self.timing.update_value(|t| t.fetched = true);
                self.receive(view);
                POLL_INTERVAL_MS
            }
            Err(e) if e.code() == ErrorCode::NotFound => {
                self.missing.set(true);
                self.error.set(None);
                SLOW_POLL_INTERVAL_MS
            }
            // No network: the screen shows the saved copy and its estimate.
            Err(e) if e.code() == ErrorCode::Network => POLL_INTERVAL_MS,
            Err(e) => {
                self.error.set(Some(e));
                SLOW_POLL_INTERVAL_MS
            }
        };
        self.timing.update_value(|t| t.poll_every = poll_every);
    }

    /// A view from the edge: alert if it is a new call, show it, keep it on the phone.
    fn receive(self, view: TripQueueView) {
        let before = self
            .shown
            .with_untracked(|s| s.as_ref().and_then(|s| s.view.entry.clone()));
        if became_called(before.as_ref(), view.entry.as_ref()) {
            self.on_called.try_run(view.clone());
        }
        let snapshot = TripQueueSnapshot {
            received_at_ms: now_ms(),
            view,
        };
        self.shown.set(Some(snapshot.clone()));
        self.missing.set(false);
        self.error.set(None);
        if let Some(account) = self.account_id.try_get_value() {
            leptos::task::spawn_local(async move {
                snapshots::save_trip_queue(&account, &snapshot).await;
            });
        }
    }

    fn connect(self) {
        let (Some(trip), Some(token)) = (self.trip_id.try_get_value(), Session::current_token())
        else {
            return;
        };
        let location = window().location();
        let (Ok(protocol), Ok(host)) = (location.protocol(), location.host()) else {
            return;
        };
        let protocols = js_sys::Array::of2(
            &JsValue::from_str(SUBPROTOCOL),
            &JsValue::from_str(&format!("bearer.{token}")),
        );
        let ws = match WebSocket::new_with_str_sequence(
            &live_url(&protocol, &host, &trip),
            &protocols,
        ) {
            Ok(ws) => ws,
            Err(e) => {
                leptos::logging::warn!("queue socket not opened: {e:?}");
                self.failed();
                return;
            }
        };
        let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            let now = now_ms();
            self.timing.update_value(|t| {
                t.failures = 0;
                t.last_message_at = now;
                t.ping_sent_at = None;
            });
            let _ = self.live.try_set(true);
        });
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let Some(text) = event.unchecked_into::<MessageEvent>().data().as_string() else {
                return;
            };
            self.timing.update_value(|t| {
                t.last_message_at = now_ms();
                t.ping_sent_at = None;
            });
            match serde_json::from_str::<TripQueueView>(&text) {
                Ok(view) if !self.disposed() => self.receive(view),
                Ok(_) => {}
                Err(e) => leptos::logging::warn!("unexpected queue message: {e}"),
            }
        });
        // An error is always followed by `close`, which does the work.
        let on_error = Closure::<dyn FnMut(JsValue)>::new(|_| {});
        let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| self.lost());
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let socket = Socket {
            ws,
            _handlers: vec![on_open, on_message, on_error, on_close],
        };
        if let Some(Some(socket)) = self.socket.try_set_value(Some(socket)) {
            // The screen was gone already: the socket came back unstored.
            socket.close();
        }
    }

    fn ping(self, now: i64) {
        let sent = self
            .socket
            .with_value(|s| s.as_ref().map(|s| s.ws.send_with_str("ping").is_ok()));
        if sent == Some(true) {
            self.timing.update_value(|t| t.ping_sent_at = Some(now));
        } else {
            self.lost();
        }
    }

    /// The socket closed or stopped answering: poll at once, reconnect after a pause.
    fn lost(self) {
        if let Some(Some(socket)) = self.socket.try_update_value(Option::take) {
            socket.close();
        }
        let _ = self.live.try_set(false);
        self.failed();
    }

    fn failed(self) {
        let now = now_ms();
        self.timing.try_update_value(|t| {
            t.failures = t.failures.saturating_add(1);
            t.next_connect_at = now + reconnect_delay_ms(t.failures);
            t.ping_sent_at = None;
            t.last_fetch_at = 0;
        });
    }

    /// Closes the socket on purpose (offline, or the screen is gone).
    fn close(self) {
        if let Some(Some(socket)) = self.socket.try_update_value(Option::take) {
            socket.close();
        }
        let _ = self.live.try_set(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::booking::Lane;
    use shared::queue::{Priority, QueueEntryId};

    fn entry(status: EntryStatus, called_at_ms: Option<i64>) -> TripQueueEntry {
        TripQueueEntry {
            id: QueueEntryId::parse("q-1").unwrap(),
            status,
            lane: Lane::General,
            priority: Priority::Booked,
            position: (status == EntryStatus::Waiting).then_some(3),
            ahead: (status == EntryStatus::Waiting).then_some(2),
            scanned_at_ms: 0,
            called_at_ms,
            absences: 0,
        }
    }

    #[test]
    fn a_call_is_noticed_once() {
        let waiting = entry(EntryStatus::Waiting, None);
        let called = entry(EntryStatus::Called, Some(1_000));
        assert!(became_called(Some(&waiting), Some(&called)));
        assert!(!became_called(Some(&called), Some(&called)));
        assert!(!became_called(Some(&called), Some(&waiting)));
        assert!(!became_called(Some(&waiting), Some(&waiting)));
        assert!(!became_called(Some(&waiting), None));
    }

    #[test]
    fn nothing_known_before_and_called_now_alerts() {
        let called = entry(EntryStatus::Called, Some(1_000));
        assert!(became_called(None, Some(&called)));
        assert!(!became_called(
            None,
            Some(&entry(EntryStatus::Waiting, None))
        ));
        assert!(!became_called(None, None));
    }

    #[test]
    fn called_again_after_an_absence_alerts_again() {
        let first = entry(EntryStatus::Called, Some(1_000));
        let again = entry(EntryStatus::Called, Some(900_000));
        assert!(became_called(Some(&first), Some(&again)));
        assert!(!became_called(
            Some(&entry(EntryStatus::Served, None)),
            Some(&entry(EntryStatus::Served, None))
        ));
    }

    #[test]
    fn reconnecting_backs_off_to_a_minute() {
        assert_eq!(reconnect_delay_ms(0), 1_000);
        assert_eq!(reconnect_delay_ms(1), 1_000);
        assert_eq!(reconnect_delay_ms(2), 2_000);
        assert_eq!(reconnect_delay_ms(3), 4_000);
        assert_eq!(reconnect_delay_ms(6), 32_000);
        assert_eq!(reconnect_delay_ms(7), 60_000);
        assert_eq!(reconnect_delay_ms(u32::MAX), 60_000);
    }

    #[test]
    fn the_socket_follows_the_pages_scheme() {
        assert_eq!(
            live_url("https:", "borderpass.example", "t-abc"),
            "wss://borderpass.example/api/trips/t-abc/queue/live"
        );
        assert_eq!(
            live_url("http:", "127.0.0.1:8787", "t-abc"),
            "ws://127.0.0.1:8787/api/trips/t-abc/queue/live"
        );
    }
}
