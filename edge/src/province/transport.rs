//! One signed exchange with the province: the request signed with the push secret, sent with
//! a timeout, and the answer's signature checked with the callback secret.
//!
//! Signatures always use the Worker's real clock (`clock::now_ms`), never a test clock: the
//! 5-minute window is about the two machines' clocks, not about when the pusher runs.

use super::Config;
use futures_util::future::{select, Either};
use shared::province::webhook::{self, Headers as SignedHeaders};
use std::time::Duration;
use worker::{AbortController, Delay, Fetch, Headers, Method, Request, RequestInit};

/// How long the province has to answer one request.
pub const TIMEOUT_MS: u64 = 10_000;
/// The largest answer read (a batch's answer is a few KB).
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// Why an exchange gave nothing the pusher may act on. Every one is a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No answer: refused connection, reset, DNS, …
    Network(String),
    Timeout,
    /// An answer other than 200, with its `Retry-After` if any.
    Status {
        status: u16,
        retry_after: Option<String>,
    },
    /// A 200 whose signature does not hold (or signs another message): nothing is believed.
    BadSignature(&'static str),
    /// A signed 200 that is not the expected JSON.
    Unreadable,
}

impl Failure {
    /// In words, for the admin's screen.
    pub fn describe(&self) -> String {
        match self {
            Failure::Network(e) => format!("no answer from the province ({e})"),
            Failure::Timeout => format!("the province did not answer within {TIMEOUT_MS} ms"),
            Failure::Status { status, .. } => format!("the province answered {status}"),
            Failure::BadSignature(why) => {
                format!("the province's answer is not signed with its secret ({why})")
            }
            Failure::Unreadable => "the province's answer is not what the interface says".into(),
        }
    }

    pub fn retry_after(&self) -> Option<&str> {
        match self {
            Failure::Status { retry_after, .. } => retry_after.as_deref(),
            _ => None,
        }
    }
}

/// Sends `body` to `path` (`/v1/records`, `/v1/status?after=…`) as message `id`, and returns
/// the answer's body once its signature holds for `expected_answer_id` (when given).
pub async fn exchange(
    config: &Config,
    method: Method,
    path: &str,
    id: &str,
    body: &str,
    expected_answer_id: Option<&str>,
) -> Result<Vec<u8>, Failure> {
    let timestamp_s = crate::clock::now_ms().div_euclid(1000);
    let headers = Headers::new();
    let set = |name: &str, value: &str| {
        headers
            .set(name, value)
            .map_err(|e| Failure::Network(e.to_string()))
    };
    set("content-type", "application/json")?;
    set(webhook::ID_HEADER, id)?;
    set(webhook::TIMESTAMP_HEADER, &timestamp_s.to_string())?;
    set(
        webhook::SIGNATURE_HEADER,
        &webhook::sign(&config.push, id, timestamp_s, body.as_bytes()),
    )?;
    let mut init = RequestInit::new();
    init.with_method(method.clone()).with_headers(headers);
    if method != Method::Get {
        init.with_body(Some(wasm_bindgen::JsValue::from_str(body)));
    }
    let url = format!("{}{path}", config.url);
    let request =
        Request::new_with_init(&url, &init).map_err(|e| Failure::Network(e.to_string()))?;

    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let sending = Box::pin(fetch.send_with_signal(&signal));
    let timer = Delay::from(Duration::from_millis(TIMEOUT_MS));
    let mut response = match select(sending, timer).await {
        Either::Left((Ok(response), _)) => response,
        Either::Left((Err(e), _)) => return Err(Failure::Network(e.to_string())),
        Either::Right(_) => {
            controller.abort();
            return Err(Failure::Timeout);
        }
    };
    let status = response.status_code();
    if status != 200 {
        let retry_after = response.headers().get("retry-after").ok().flatten();
        return Err(Failure::Status {
            status,
            retry_after,
        });
    }
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let (answer_id, answer_ts, answer_sig) = (
        header(webhook::ID_HEADER),
        header(webhook::TIMESTAMP_HEADER),
        header(webhook::SIGNATURE_HEADER),
    );
    let bytes = response
        .bytes()
        .await
        .map_err(|e| Failure::Network(e.to_string()))?;
    if bytes.len() > MAX_ANSWER_BYTES {
        return Err(Failure::Unreadable);
    }
    let now_s = crate::clock::now_ms().div_euclid(1000);
    let signed = SignedHeaders {
        id: answer_id.as_deref(),
        timestamp: answer_ts.as_deref(),
        signature: answer_sig.as_deref(),
    };
    let verified_id = webhook::verify(&config.callback, signed, &bytes, now_s)
        .map_err(|refusal| Failure::BadSignature(refusal.as_str()))?;
    if expected_answer_id.is_some_and(|want| want != verified_id) {
        // A genuine answer, but to another message: replayed or misrouted.
        return Err(Failure::BadSignature("answers another message"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_status_answer_carries_retry_after() {
        let throttled = Failure::Status {
            status: 429,
            retry_after: Some("120".into()),
        };
        assert_eq!(throttled.retry_after(), Some("120"));
        assert_eq!(throttled.describe(), "the province answered 429");
        assert_eq!(Failure::Timeout.retry_after(), None);
        assert!(Failure::BadSignature("bad_signature")
            .describe()
            .contains("not signed"));
    }
}
