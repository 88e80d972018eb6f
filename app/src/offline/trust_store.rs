//! The officer's trust material, kept on the phone so passes verify with no network: the
//! signing keys (`GET /api/keys`) and the revoked pass ids (`GET /api/revocations`), with when
//! they were fetched. Refreshed whenever the verify screen is open online; the screen warns
//! when the saved copy is old or missing.

use super::db;
use crate::api;
use serde::{Deserialize, Serialize};
use shared::Error;

const CURRENT: &str = "current";

/// A copy older than this is shown with a warning (revocations may have been missed).
pub const STALE_AFTER_MS: i64 = 24 * 60 * 60 * 1000;

/// `GET /api/keys`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeysResponse {
    pub keys: Vec<TrustedKeyDto>,
}

/// One signing key the province trusts: `kid` (16 hex) and the Ed25519 public key (64 hex).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustedKeyDto {
    pub kid: String,
    pub public_key: String,
}

/// `GET /api/revocations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevocationsResponse {
    pub pass_ids: Vec<String>,
    pub as_of_ms: i64,
}

/// The trust list and deny-list as last fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustSnapshot {
    pub keys: Vec<TrustedKeyDto>,
    pub revoked: Vec<String>,
    /// When the edge produced the deny-list.
    pub revocations_as_of_ms: i64,
    /// When this phone fetched both.
    pub fetched_at_ms: i64,
}

impl TrustSnapshot {
    /// The trust list as the verifier takes it: a JSON array of `{"kid", "public_key"}`.
    pub fn trust_list_json(&self) -> String {
        serde_json::to_string(&self.keys).unwrap_or_else(|_| "[]".to_owned())
    }

    /// The deny-list as the verifier takes it: a JSON array of pass ids.
    pub fn deny_list_json(&self) -> String {
        serde_json::to_string(&self.revoked).unwrap_or_else(|_| "[]".to_owned())
    }

    pub fn is_stale(&self, now_ms: i64) -> bool {
        now_ms - self.fetched_at_ms > STALE_AFTER_MS
    }
}

/// The saved copy, if any.
pub async fn load() -> Option<TrustSnapshot> {
    match db::get(db::TRUST, CURRENT).await {
        Ok(snapshot) => snapshot,
        Err(e) => {
            leptos::logging::warn!("could not read the saved trust list: {e}");
            None
        }
    }
}

/// Fetches both lists and saves them; on any failure the saved copy stays as it was.
pub async fn refresh() -> Result<TrustSnapshot, Error> {
    let keys = api::signing_keys().await?;
    let revocations = api::revocations().await?;
    let snapshot = TrustSnapshot {
        keys: keys.keys,
        revoked: revocations.pass_ids,
        revocations_as_of_ms: revocations.as_of_ms,
        fetched_at_ms: js_sys::Date::now() as i64,
    };
    if let Err(e) = db::put(db::TRUST, CURRENT, &snapshot).await {
        leptos::logging::warn!("could not save the trust list for offline use: {e}");
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> TrustSnapshot {
        TrustSnapshot {
            keys: vec![TrustedKeyDto {
                kid: "0011223344556677".into(),
                public_key: "ab".repeat(32),
            }],
            revoked: vec!["0f".repeat(8)],
            revocations_as_of_ms: 1_000,
            fetched_at_ms: 2_000,
        }
    }

    #[test]
    fn lists_serialise_as_the_verifier_takes_them() {
        let s = snapshot();
        assert_eq!(
            s.trust_list_json(),
            format!(
                r#"[{{"kid":"0011223344556677","public_key":"{}"}}]"#,
                "ab".repeat(32)
            )
        );
        assert_eq!(s.deny_list_json(), format!(r#"["{}"]"#, "0f".repeat(8)));
    }

    #[test]
    fn older_than_a_day_is_stale() {
        let s = snapshot();
        assert!(!s.is_stale(2_000 + STALE_AFTER_MS));
        assert!(s.is_stale(2_001 + STALE_AFTER_MS));
    }
}
