//! Signing as Standard Webhooks does it (<https://www.standardwebhooks.com>), both ways.
//!
//! A signed message carries three headers: `webhook-id` (the message's id: a batch's, a status
//! update's), `webhook-timestamp` (Unix seconds) and `webhook-signature`: `v1,` and the Base64
//! HMAC-SHA256 of `id.timestamp.body` under the sender's secret (several signatures may be sent,
//! space-separated, while a secret is being rotated). The receiver refuses a timestamp more than
//! [`TOLERANCE_S`] away from its clock, so a captured message cannot be replayed later.
//!
//! Pure: the caller passes its clock; comparisons of signatures take constant time.

use crate::{Error, ErrorCode};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;

/// The message id's header.
pub const ID_HEADER: &str = "webhook-id";
/// The timestamp's header (Unix seconds).
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// The signatures' header.
pub const SIGNATURE_HEADER: &str = "webhook-signature";
/// How far a message's timestamp may be from the receiver's clock, either way: 5 minutes.
pub const TOLERANCE_S: i64 = 5 * 60;

const SECRET_PREFIX: &str = "whsec_";

/// A side's signing secret: `whsec_` and the Base64 of at least 24 random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn parse(text: &str) -> Result<Secret, Error> {
        let bad = || Error::new(ErrorCode::Internal, "not a webhook secret (whsec_<base64>)");
        let encoded = text.trim().strip_prefix(SECRET_PREFIX).ok_or_else(bad)?;
        let key = BASE64.decode(encoded).map_err(|_| bad())?;
        if key.len() < 24 {
            return Err(bad());
        }
        Ok(Secret(key))
    }

    /// A secret from random bytes (setup scripts and tests).
    pub fn from_bytes(key: &[u8]) -> Secret {
        Secret(key.to_vec())
    }

    /// The secret's text form, `whsec_…`.
    pub fn to_text(&self) -> String {
        format!("{SECRET_PREFIX}{}", BASE64.encode(&self.0))
    }

    fn mac(&self, id: &str, timestamp_s: i64, body: &[u8]) -> Hmac<Sha256> {
        // HMAC takes a key of any length: this cannot fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp_s.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The `webhook-signature` value for a message: `v1,<base64>`.
pub fn sign(secret: &Secret, id: &str, timestamp_s: i64, body: &[u8]) -> String {
    let tag = secret.mac(id, timestamp_s, body).finalize().into_bytes();
    format!("v1,{}", BASE64.encode(tag))
}

/// Why a signed message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A header is missing or empty.
    MissingHeader,
    /// The message id is not 1–128 visible ASCII characters.
    BadId,
    /// The timestamp is not a number of seconds.
    BadTimestamp,
    /// The timestamp is more than [`TOLERANCE_S`] from the receiver's clock (a replay, or a
    /// clock far off).
    OutsideWindow,
    /// No `v1` signature matches.
    BadSignature,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::MissingHeader => "missing_header",
            Refusal::BadId => "bad_id",
            Refusal::BadTimestamp => "bad_timestamp",
            Refusal::OutsideWindow => "outside_window",
            Refusal::BadSignature => "bad_signature",
        }
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Error {
        match refusal {
            Refusal::OutsideWindow => Error::new(
                ErrorCode::SignatureExpired,
                "webhook-timestamp is more than 5 minutes from now",
            ),
            other => Error::new(
                ErrorCode::InvalidSignature,
                format!("the message's signature does not hold ({})", other.as_str()),
            ),
        }
    }
}

/// The three headers as received (`None` when absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct Headers<'a> {
    pub id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

/// Checks a received message against the sender's secret at the receiver's `now_s`. Returns
/// the message's id (what the receiver may deduplicate on).
pub fn verify<'a>(
    secret: &Secret,
    headers: Headers<'a>,
    body: &[u8],
    now_s: i64,
) -> Result<&'a str, Refusal> {
    let present = |v: Option<&'a str>| v.map(str::trim).filter(|v| !v.is_empty());
    let (Some(id), Some(timestamp), Some(signatures)) = (
        present(headers.id),
        present(headers.timestamp),
        present(headers.signature),
    ) else {
        return Err(Refusal::MissingHeader);
    };
    if id.len() > 128 || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Refusal::BadId);
    }
    let timestamp_s: i64 = timestamp
        .parse()
        .ok()
        .filter(|t: &i64| t.to_string() == timestamp)
        .ok_or(Refusal::BadTimestamp)?;
    if now_s.abs_diff(timestamp_s) > TOLERANCE_S.unsigned_abs() {
        return Err(Refusal::OutsideWindow);
    }
    let expected = secret.mac(id, timestamp_s, body);
    let matches = signatures.split_ascii_whitespace().any(|candidate| {
        candidate
            .strip_prefix("v1,")
            .and_then(|b64| BASE64.decode(b64).ok())
            .is_some_and(|tag| expected.clone().verify_slice(&tag).is_ok())
    });
    if matches {
        Ok(id)
    } else {
        Err(Refusal::BadSignature)
    }
}
