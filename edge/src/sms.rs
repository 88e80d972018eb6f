//! The SMS adapter: how one-time codes reach a phone. Chosen by the Worker variable
//! `SMS_ADAPTER`:
//! - `http`: the production provider, an HTTP API (`SMS_HTTP_URL` variable, `SMS_HTTP_TOKEN`
//!   secret, optional `SMS_SENDER`) that takes `{"to", "from", "text"}` as JSON with a bearer
//!   token;
//! - `local`: the double for `make dev` and the tests (set only by their scripts, never in
//!   `wrangler.toml`): messages go to D1's `sms_outbox`, read back by `GET /api/dev/sms`;
//! - anything else, or `http` without its settings: nothing is sent and every request that
//!   would send one is refused with `sms_unavailable` (never a pretended success).

use crate::error::ApiError;
use serde::Deserialize;
use shared::wire::v1::{SmsInbox, SmsMessage};
use shared::{ErrorCode, PhoneNumber};
use worker::{D1Database, Env, Fetch, Headers, Method, Request, RequestInit};

/// How messages leave.
pub enum Sms {
    Local,
    Http {
        url: String,
        token: String,
        sender: Option<String>,
    },
    Unconfigured,
}

impl Sms {
    pub fn from_env(env: &Env) -> Sms {
        let var = |name: &str| {
            env.var(name)
                .ok()
                .map(|v| v.to_string())
                .filter(|v| !v.is_empty())
        };
        match var("SMS_ADAPTER").as_deref() {
            Some("local") => Sms::Local,
            Some("http") => {
                let token = env
                    .secret("SMS_HTTP_TOKEN")
                    .ok()
                    .map(|v| v.to_string())
                    .filter(|v| !v.is_empty());
                match (var("SMS_HTTP_URL"), token) {
                    (Some(url), Some(token)) if url.starts_with("https://") => Sms::Http {
                        url,
                        token,
                        sender: var("SMS_SENDER"),
                    },
                    _ => Sms::Unconfigured,
                }
            }
            _ => Sms::Unconfigured,
        }
    }

    pub fn is_local(&self) -> bool {
        matches!(self, Sms::Local)
    }

    /// Refuses up front when nothing can be sent, so that no caller learns anything (or uses up
    /// a code) from a request that could never reach the phone.
    pub fn ready(&self) -> Result<(), ApiError> {
        match self {
            Sms::Unconfigured => Err(unavailable("no SMS provider is configured")),
            _ => Ok(()),
        }
    }

    pub async fn send(
        &self,
        db: &D1Database,
        to: &PhoneNumber,
        text: &str,
        now_ms: i64,
    ) -> Result<(), ApiError> {
        match self {
            Sms::Local => {
                db.prepare("INSERT INTO sms_outbox (phone, text, sent_at_ms) VALUES (?1, ?2, ?3)")
                    .bind(&[to.e164().into(), text.into(), (now_ms as f64).into()])?
                    .run()
                    .await?;
                Ok(())
            }
            Sms::Http { url, token, sender } => {
                let body = serde_json::json!({ "to": to.e164(), "from": sender, "text": text });
                let headers = Headers::new();
                headers.set("content-type", "application/json")?;
                headers.set("authorization", &format!("Bearer {token}"))?;
                let mut init = RequestInit::new();
                init.with_method(Method::Post)
                    .with_headers(headers)
                    .with_body(Some(body.to_string().into()));
                let request = Request::new_with_init(url, &init)?;
                match Fetch::Request(request).send().await {
                    Ok(response) if (200..300).contains(&response.status_code()) => Ok(()),
                    Ok(response) => {
                        worker::console_error!("SMS provider answered {}", response.status_code());
                        Err(unavailable("the SMS provider refused the message"))
                    }
                    Err(e) => {
                        worker::console_error!("SMS provider unreachable: {e}");
                        Err(unavailable("the SMS provider is unreachable"))
                    }
                }
            }
            Sms::Unconfigured => Err(unavailable("no SMS provider is configured")),
        }
    }
}

fn unavailable(message: &str) -> ApiError {
    ApiError::from(shared::Error::new(ErrorCode::SmsUnavailable, message))
}

/// `GET /api/dev/sms?phone=`: the double's messages to one phone, newest first. The caller
/// (`http::serve`) answers `not_found` unless the local adapter is configured.
pub async fn dev_inbox(db: &D1Database, phone: Option<String>) -> Result<SmsInbox, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        phone: String,
        text: String,
        sent_at_ms: f64,
    }
    let phone = PhoneNumber::parse(phone.as_deref().unwrap_or_default())?;
    let rows = db
        .prepare(
            "SELECT phone, text, sent_at_ms FROM sms_outbox WHERE phone = ?1 ORDER BY id DESC LIMIT 20",
        )
        .bind(&[phone.e164().into()])?
        .all()
        .await?
        .results::<Row>()?;
    Ok(SmsInbox {
        messages: rows
            .into_iter()
            .map(|r| SmsMessage {
                phone: r.phone,
                text: r.text,
                sent_at_ms: r.sent_at_ms as i64,
            })
            .collect(),
    })
}
