//! The Worker's one client of a yard's object.

use super::{Envelope, WireAnswer, YardMethod, CALL_PATH, LIVE_PATH, TRIP_ID_HEADER};
use super::{Status, YARD_ID_HEADER};
use crate::bindings::YARDS_BINDING;
use crate::error::ApiError;
use crate::gates;
use shared::booking::YardConfig;
use shared::wire::v1::YardStatusResponse;
use shared::yard::YardSetup;
use shared::YardId;
use worker::{D1Database, Env, Headers, Method, Request, RequestInit, Response};

/// One yard's object, for one request at its clock. The booking and queue routes are
/// methods of this client too (`bookings.rs`, `queue.rs`).
pub struct YardClient<'a> {
    pub env: &'a Env,
    pub db: &'a D1Database,
    pub yard: YardId,
    /// "Now" for the object's rules (the Worker's clock, or the test clock).
    pub now_ms: i64,
}

impl YardClient<'_> {
    /// Sends one method with the yard's setup from the directory (an unknown yard is
    /// `not_found` before the object is woken) and returns its answer; a refusal is the
    /// object's `shared::Error` as an [`ApiError`]. Any call may change what availability
    /// shows (each releases the no-shows due by its clock), so this isolate's public answers
    /// for the yard are forgotten once the object has answered.
    pub async fn send<M: YardMethod>(&self, method: M) -> Result<M::Answer, ApiError> {
        let answer = self.send_keeping_cache(method).await;
        crate::availability_cache::forget_yard(&self.yard);
        answer
    }

    /// [`YardClient::send`] without forgetting the availability memory (to fill it).
    pub async fn send_keeping_cache<M: YardMethod>(
        &self,
        method: M,
    ) -> Result<M::Answer, ApiError> {
        let (yard, gate) = gates::yard_with_gate(self.db, &self.yard)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no yard {}", self.yard)))?;
        let setup = YardSetup {
            yard: self.yard.clone(),
            gate,
            config: YardConfig::from_yard(&yard),
        };
        post(self.env, &self.yard, Some(setup), method, self.now_ms).await
    }

    /// The object's own counters (the caller checked that the yard exists).
    pub async fn status(env: &Env, yard: &YardId) -> Result<YardStatusResponse, ApiError> {
        post(env, yard, None, Status {}, crate::clock::now_ms()).await
    }

    /// Hands a phone's WebSocket upgrade to the yard's object, which keeps the socket (and
    /// hibernates between updates). The upgrade headers travel as sent; the caller's
    /// credentials stay here (the object trusts the Worker's check and needs only the trip).
    pub async fn forward_live(
        env: &Env,
        yard: &YardId,
        trip_id: &str,
        upgrade: &Request,
    ) -> Result<Response, ApiError> {
        let stub = stub(env, yard)?;
        let headers = Headers::new();
        for (name, value) in upgrade.headers().entries() {
            if name == "authorization" {
                continue;
            }
            if name == "sec-websocket-protocol" {
                let kept: Vec<&str> = value
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.starts_with("bearer."))
                    .collect();
                headers.append(&name, &kept.join(", "))?;
                continue;
            }
            headers.append(&name, &value)?;
        }
        headers.set(YARD_ID_HEADER, yard.as_str())?;
        headers.set(TRIP_ID_HEADER, trip_id)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Get).with_headers(headers);
        let req = Request::new_with_init(&format!("https://yard{LIVE_PATH}"), &init)?;
        Ok(stub.fetch_with_request(req).await?)
    }
}

/// Sends one call in its envelope and reads its answer (see the module's doc).
async fn post<M: YardMethod>(
    env: &Env,
    yard: &YardId,
    setup: Option<YardSetup>,
    method: M,
    now_ms: i64,
) -> Result<M::Answer, ApiError> {
    let envelope = Envelope {
        yard: yard.clone(),
        setup,
        now_ms,
        request: method.into(),
    };
    let body = serde_json::to_string(&envelope).map_err(|_| ApiError::internal())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let req = Request::new_with_init(&format!("https://yard{CALL_PATH}"), &init)?;
    let mut response = stub(env, yard)?.fetch_with_request(req).await?;
    let text = response.text().await?;
    let answer: WireAnswer<M::Answer> = super::from_json(&text).map_err(|e| {
        worker::console_error!("yard {yard}: unreadable answer: {e}");
        ApiError::internal()
    })?;
    answer.map_err(|body| ApiError::from(shared::Error::from(body)))
}

/// The yard's object: one per yard, named by its id.
fn stub(env: &Env, yard: &YardId) -> Result<worker::Stub, ApiError> {
    Ok(env
        .durable_object(YARDS_BINDING)?
        .get_by_name(yard.as_str())?)
}
