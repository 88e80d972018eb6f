//! The HTTP layer: the only part of the edge that knows status codes.
//!
//! A request is checked for size, resolved to a [`Route`] (or handed to the static assets),
//! served by a thin handler, and every response leaves with the security headers.

mod body;
mod error;
mod headers;
mod routes;

pub use body::{parse_json_body, read_json_body};
pub use error::ApiError;
pub use headers::SECURITY_HEADERS;
pub use routes::{resolve, Route, ROUTE_TABLE};

use crate::{gates, yard_call::YardCall};
use shared::wire::v1::{HealthResponse, API_VERSION, MAX_BODY_BYTES};
use shared::YardId;
use worker::{Env, Headers, Method, Request, Response};

/// The D1 binding and the assets binding, as named in `wrangler.toml`.
pub const DB_BINDING: &str = "DB";
pub const ASSETS_BINDING: &str = "ASSETS";

/// The Worker's clock, read here and passed into everything else.
pub fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

/// Serves one request. Never fails: every error becomes a JSON error response.
pub async fn serve(req: Request, env: &Env) -> Response {
    let path = req.path();
    let response = if path == "/api" || path.starts_with("/api/") {
        serve_api(req, env)
            .await
            .unwrap_or_else(|e| e.into_response())
    } else {
        serve_asset(req, env)
            .await
            .unwrap_or_else(|e| ApiError::from(e).into_response())
    };
    headers::secure(response)
}

async fn serve_api(req: Request, env: &Env) -> Result<Response, ApiError> {
    refuse_oversized(&req)?;
    let route = resolve(&req.method(), &req.path())?;
    match route {
        Route::Health => health(env).await,
        Route::Gates => Ok(json(&gates::list(&env.d1(DB_BINDING)?).await?)?),
        Route::YardStatus(yard_id) => yard_status(env, yard_id).await,
    }
}

/// Refuses a body over the limit before reading it. Handlers that read bodies go through
/// [`parse_json_body`], which also counts the bytes actually received.
fn refuse_oversized(req: &Request) -> Result<(), ApiError> {
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|v| v.trim().parse::<usize>().ok());
    match declared {
        Some(len) if len > MAX_BODY_BYTES => Err(ApiError::payload_too_large()),
        _ => Ok(()),
    }
}

async fn health(env: &Env) -> Result<Response, ApiError> {
    let last_cron_at_ms = crate::jobs::last_run_ms(&env.d1(DB_BINDING)?).await?;
    json(&HealthResponse {
        status: "ok".into(),
        api_version: API_VERSION,
        last_cron_at_ms,
    })
}

async fn yard_status(env: &Env, yard_id: YardId) -> Result<Response, ApiError> {
    let db = env.d1(DB_BINDING)?;
    if !gates::yard_exists(&db, &yard_id).await? {
        return Err(ApiError::not_found(format!("no yard {yard_id}")));
    }
    let response = YardCall::Status.send(env, &yard_id).await?;
    Ok(response)
}

async fn serve_asset(req: Request, env: &Env) -> worker::Result<Response> {
    if !matches!(req.method(), Method::Get | Method::Head) {
        return Ok(ApiError::method_not_allowed().into_response());
    }
    env.assets(ASSETS_BINDING)?.fetch_request(req).await
}

fn json<T: serde::Serialize>(value: &T) -> Result<Response, ApiError> {
    let mut response = Response::from_json(value)?;
    response
        .headers_mut()
        .set("cache-control", "no-store")
        .map_err(ApiError::from)?;
    Ok(response)
}

/// Copies a response's headers into a fresh, mutable set (fetched responses are immutable).
fn mutable_headers(from: &Headers) -> Headers {
    let headers = Headers::new();
    for (name, value) in from.entries() {
        // Appending to a fresh Headers only fails for invalid names, which `from` cannot have.
        let _ = headers.append(&name, &value);
    }
    headers
}
