//! Typed calls to the edge. Each returns `Result<_, shared::Error>`: an error response becomes
//! the edge's stable code; a request that never reached the edge becomes `network`.

use crate::state::Connectivity;
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use shared::wire::v1::{ErrorBody, GatesResponse, HealthResponse};
use shared::{Error, ErrorCode};

pub async fn gates() -> Result<GatesResponse, Error> {
    get_json("/api/gates").await
}

pub async fn health() -> Result<HealthResponse, Error> {
    get_json("/api/health").await
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, Error> {
    let result = match Request::get(path).send().await {
        Ok(response) => decode(response).await,
        Err(e) => Err(Error::new(ErrorCode::Network, e.to_string())),
    };
    let reached = !matches!(&result, Err(e) if e.code() == ErrorCode::Network);
    Connectivity::report(reached);
    result
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, Error> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| Error::new(ErrorCode::Unknown, format!("unexpected response: {e}")));
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(body.into()),
        // Not our JSON: a proxy or captive portal answered. Treat it as not reaching us.
        Err(_) => Err(Error::new(
            ErrorCode::Network,
            format!("HTTP {} without an error body", response.status()),
        )),
    }
}
