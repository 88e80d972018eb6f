//! Typed calls from the Worker into a yard's Durable Object.
//!
//! One enum lists what a yard object can be asked; each variant knows its method and path, so
//! no literal URLs are scattered around and the object decodes exactly what the Worker sends.

use crate::bindings::YARDS_BINDING;
use crate::error::ApiError;
use shared::YardId;
use worker::{Env, Headers, Method, Request, RequestInit, Response};

/// The header that tells an object which yard it is (objects are named after their yard).
pub const YARD_ID_HEADER: &str = "x-yard-id";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YardCall {
    Status,
    /// A booking call: a JSON [`crate::yard_booking::BookingEnvelope`] body.
    Booking,
    /// A queue call: a JSON [`crate::yard_queue::QueueEnvelope`] body.
    Queue,
    /// A WebSocket upgrade: the phone follows one trip's place in the queue.
    Live,
}

impl YardCall {
    pub fn method(self) -> Method {
        match self {
            YardCall::Status | YardCall::Live => Method::Get,
            YardCall::Booking | YardCall::Queue => Method::Post,
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            YardCall::Status => "/status",
            YardCall::Booking => "/booking",
            YardCall::Queue => "/queue",
            YardCall::Live => "/live",
        }
    }

    /// Decodes a call inside the object from the request the Worker built.
    pub fn from_request(req: &Request) -> Option<(YardCall, YardId)> {
        let call = [
            YardCall::Status,
            YardCall::Booking,
            YardCall::Queue,
            YardCall::Live,
        ]
        .into_iter()
        .find(|c| c.method() == req.method() && c.path() == req.path())?;
        let yard = req.headers().get(YARD_ID_HEADER).ok()??;
        Some((call, YardId::parse(&yard).ok()?))
    }

    /// Sends the call to the yard's object (one object per yard, named by its id).
    pub async fn send(self, env: &Env, yard: &YardId) -> Result<Response, ApiError> {
        self.send_with_body(env, yard, None).await
    }

    /// Sends the call with a JSON body.
    pub async fn send_json<T: serde::Serialize>(
        self,
        env: &Env,
        yard: &YardId,
        body: &T,
    ) -> Result<Response, ApiError> {
        let body = serde_json::to_string(body).map_err(|_| ApiError::internal())?;
        self.send_with_body(env, yard, Some(body)).await
    }

    /// Hands a phone's WebSocket upgrade to the yard's object, which keeps the socket (and
    /// hibernates between updates). The upgrade headers travel as sent.
    pub async fn forward_live(
        env: &Env,
        yard: &YardId,
        trip_id: &str,
        upgrade: &Request,
    ) -> Result<Response, ApiError> {
        let stub = env
            .durable_object(YARDS_BINDING)?
            .get_by_name(yard.as_str())?;
        let headers = Headers::new();
        // The upgrade headers travel on; the caller's credentials stay here (the object
        // trusts the Worker's check and needs only the trip).
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
        headers.set(crate::yard_queue::TRIP_ID_HEADER, trip_id)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Get).with_headers(headers);
        let path = YardCall::Live.path();
        let req = Request::new_with_init(&format!("https://yard{path}"), &init)?;
        Ok(stub.fetch_with_request(req).await?)
    }

    async fn send_with_body(
        self,
        env: &Env,
        yard: &YardId,
        body: Option<String>,
    ) -> Result<Response, ApiError> {
        let stub = env
            .durable_object(YARDS_BINDING)?
            .get_by_name(yard.as_str())?;
        let mut init = RequestInit::new();
        init.with_method(self.method());
        if let Some(body) = body {
            init.with_body(Some(body.into()));
        }
        let req = Request::new_with_init(&format!("https://yard{}", self.path()), &init)?;
        req.headers().set(YARD_ID_HEADER, yard.as_str())?;
        Ok(stub.fetch_with_request(req).await?)
    }
}

/// The JSON body of a call (inside the object) or of its answer (in the Worker), parsed by
/// `serde_json`. Not `Request::json` / `Response::json`: they parse in JavaScript, where an
/// integer past 2^53 (a client's slot start, the test clock) becomes a float that no longer
/// fits an `i64`, and the call failed with a 500.
pub async fn request_json<T: serde::de::DeserializeOwned>(req: &mut Request) -> worker::Result<T> {
    let text = req.text().await?;
    serde_json::from_str(&text).map_err(|e| worker::Error::RustError(e.to_string()))
}

/// See [`request_json`].
pub async fn response_json<T: serde::de::DeserializeOwned>(
    response: &mut Response,
) -> worker::Result<T> {
    let text = response.text().await?;
    serde_json::from_str(&text).map_err(|e| worker::Error::RustError(e.to_string()))
}
