//! The officer's trust material, kept on the phone so passes verify with no network: the
//! signing keys (`GET /api/keys`) and the revoked pass ids (`GET /api/revocations`), with when
//! they were fetched. Refreshed whenever the verify screen is open online; the screen warns
//! when the saved copy is old or missing.

use super::db;
use crate::api;
use serde::{Deserialize, Serialize};
use shared::wire::v1::{KeyDto, RevocationDto, RevocationsResponse};
use shared::Error;

const CURRENT: &str = "current";

/// A copy older than this is shown with a warning (revocations may have been missed).
pub const STALE_AFTER_MS: i64 = 24 * 60 * 60 * 1000;

/// How far back an incremental fetch reaches before the last answer's `as_of_ms`: a
/// revocation committed while that answer was read is fetched again (merging is idempotent).
const SINCE_OVERLAP_MS: i64 = 60_000;

/// The trust list and deny-list as last fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustSnapshot {
    pub keys: Vec<KeyDto>,
    pub revoked: Vec<String>,
    /// The revoked passes with why and until when they matter (a copy saved by an older build
    /// has none: it is fetched whole again).
    #[serde(default)]
    pub revocations: Vec<RevocationDto>,
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

    /// The deny-list as the verifier takes it: a JSON array of pass ids, each with its reason
    /// when known (`{"pass_id", "reason"}`), so a superseded pass reads as such.
    pub fn deny_list_json(&self) -> String {
        let items: Vec<serde_json::Value> = self
            .revoked
            .iter()
            .map(
                |id| match self.revocations.iter().find(|r| &r.pass_id == id) {
                    Some(r) => serde_json::json!({ "pass_id": id, "reason": r.reason }),
                    None => serde_json::json!(id),
                },
            )
            .collect();
        serde_json::to_string(&items).unwrap_or_else(|_| "[]".to_owned())
    }

    /// The deny-list with `delta` (revocations since this one's `as_of_ms`) merged in;
    /// passes expired by `now_secs` are dropped (they fail as expired anyway).
    pub fn merged(
        &self,
        delta: RevocationsResponse,
        now_secs: i64,
    ) -> (Vec<String>, Vec<RevocationDto>) {
        use std::collections::{BTreeMap, BTreeSet};
        let mut known: BTreeMap<String, RevocationDto> = self
            .revocations
            .iter()
            .map(|r| (r.pass_id.clone(), r.clone()))
            .collect();
        let bare_before = self.revoked.iter().filter(|id| !known.contains_key(*id));
        let bare_now = delta
            .pass_ids
            .iter()
            .filter(|id| !delta.revoked.iter().any(|r| &&r.pass_id == id));
        // Ids without details (from an older edge) are kept as they came.
        let mut revoked: BTreeSet<String> = bare_before.chain(bare_now).cloned().collect();
        for r in delta.revoked {
            known.insert(r.pass_id.clone(), r);
        }
        known.retain(|_, r| r.valid_until > now_secs);
        revoked.extend(known.keys().cloned());
        (revoked.into_iter().collect(), known.into_values().collect())
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

/// Fetches both lists and saves them; on any failure the saved copy stays as it was. With a
/// saved copy less than a day old, only the revocations since it are fetched and merged in.
pub async fn refresh() -> Result<TrustSnapshot, Error> {
    let now_ms = js_sys::Date::now() as i64;
    let saved = load()
        .await
        // A copy saved by an older build has no details: it is fetched whole again.
        .filter(|s| !s.is_stale(now_ms) && (s.revoked.is_empty() || !s.revocations.is_empty()));
    let keys = api::signing_keys().await?;
    let (revoked, revocations, as_of_ms) = match saved {
        Some(saved) => {
            let delta =
                api::revocations(Some(saved.revocations_as_of_ms - SINCE_OVERLAP_MS)).await?;
            let as_of = delta.as_of_ms;
            let (revoked, revocations) = saved.merged(delta, now_ms / 1000);
            (revoked, revocations, as_of)
        }
        None => {
            let all = api::revocations(None).await?;
            (all.pass_ids, all.revoked, all.as_of_ms)
        }
    };
    let snapshot = TrustSnapshot {
        keys: keys.keys,
        revoked,
        revocations,
        revocations_as_of_ms: as_of_ms,
        fetched_at_ms: now_ms,
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
            keys: vec![KeyDto {
                kid: "0011223344556677".into(),
                public_key: "ab".repeat(32),
            }],
            revoked: vec!["0f".repeat(8)],
            revocations: vec![],
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

    fn revocation(id: &str, reason: &str, valid_until: i64) -> RevocationDto {
        RevocationDto {
            pass_id: id.into(),
            reason: reason.into(),
            revoked_at_ms: 1_500,
            valid_until,
        }
    }

    #[test]
    fn revocations_since_merge_in_and_expired_ones_go() {
        let mut s = snapshot();
        s.revoked = vec!["aa".repeat(8), "bb".repeat(8)];
        s.revocations = vec![
            revocation(&"aa".repeat(8), "cancelled", 100),
            revocation(&"bb".repeat(8), "cancelled", 10_000),
        ];
        let delta = RevocationsResponse {
            pass_ids: vec!["cc".repeat(8), "bb".repeat(8)],
            as_of_ms: 3_000,
            revoked: vec![
                revocation(&"cc".repeat(8), "superseded", 10_000),
                revocation(&"bb".repeat(8), "cancelled", 10_000),
            ],
        };
        let (revoked, revocations) = s.merged(delta, 1_000);
        assert_eq!(revoked, vec!["bb".repeat(8), "cc".repeat(8)], "aa expired");
        assert_eq!(revocations.len(), 2);
        s.revoked = revoked;
        s.revocations = revocations;
        assert_eq!(
            s.deny_list_json(),
            format!(
                r#"[{{"pass_id":"{}","reason":"cancelled"}},{{"pass_id":"{}","reason":"superseded"}}]"#,
                "bb".repeat(8),
                "cc".repeat(8)
            )
        );
    }

    #[test]
    fn older_than_a_day_is_stale() {
        let s = snapshot();
        assert!(!s.is_stale(2_000 + STALE_AFTER_MS));
        assert!(s.is_stale(2_001 + STALE_AFTER_MS));
    }
}
