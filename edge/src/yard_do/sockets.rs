//! The hibernating WebSockets of the phones that follow their trip's place: each socket is
//! tagged with its trip (so the object knows whom to tell what after waking), gets where its
//! trip stands when it connects, on every change, and whenever it asks; a socket that sends
//! more than its budget is closed.

use super::YardDo;
use crate::error::ApiError;
use crate::yard_protocol::{LIVE_SUBPROTOCOL, TRIP_ID_HEADER};
use serde::{Deserialize, Serialize};
use shared::TripId;
use std::collections::HashMap;
use worker::{Response, WebSocket};

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

impl YardDo {
    /// Accepts a phone's WebSocket for one trip (tagged with the trip, so it survives the
    /// object hibernating) and sends where the trip stands right away.
    pub(super) fn accept_live(&self, req: &worker::Request) -> Result<Response, ApiError> {
        let trip = req
            .headers()
            .get(TRIP_ID_HEADER)?
            .map(|t| TripId::parse(&t))
            .transpose()?
            .ok_or_else(|| ApiError::not_found("no trip to follow"))?;
        let now = super::clock();
        let view = self.run(None, now, |yard| Ok(yard.trip_view(&trip, now)))?;
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
        if offered.split(',').any(|p| p.trim() == LIVE_SUBPROTOCOL) {
            response
                .headers_mut()
                .set("sec-websocket-protocol", LIVE_SUBPROTOCOL)?;
        }
        Ok(response)
    }

    /// Sends every connected phone where its trip stands now.
    pub(super) fn push_positions(&self, now: i64) {
        let sockets = self.state.get_websockets();
        if sockets.is_empty() {
            return;
        }
        let runner = self.runner.borrow();
        let Some(yard) = runner.state() else {
            return;
        };
        let mut views: HashMap<String, String> = HashMap::new();
        for ws in sockets {
            let Some(trip) = self.state.get_tags(&ws).into_iter().next() else {
                continue;
            };
            let message = views.entry(trip.clone()).or_insert_with(|| {
                TripId::parse(&trip)
                    .ok()
                    .and_then(|t| serde_json::to_string(&yard.trip_view(&t, now)).ok())
                    .unwrap_or_default()
            });
            if !message.is_empty() {
                // A socket that closed meanwhile just misses this one.
                let _ = ws.send_with_str(message.as_str());
            }
        }
    }

    /// A phone asked again (any message): it gets where its trip stands.
    pub(super) fn answer_socket(&self, ws: &WebSocket, now: i64) {
        let Some(trip) = self.state.get_tags(ws).into_iter().next() else {
            return;
        };
        let Ok(trip) = TripId::parse(&trip) else {
            return;
        };
        if let Ok(view) = self.run(None, now, |yard| Ok(yard.trip_view(&trip, now))) {
            let _ = ws.send(&view);
        }
    }

    /// Closes the sockets following these trips (their account was disabled).
    pub(super) fn close_sockets_of(&self, trip_ids: &[String]) -> u32 {
        let mut closed = 0;
        for trip in trip_ids {
            for ws in self.state.get_websockets_with_tag(trip) {
                let _ = ws.close(Some(4003), Some("account disabled"));
                closed += 1;
            }
        }
        closed
    }
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
