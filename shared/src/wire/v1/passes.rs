//! The officers' offline data: the trust list and the deny-list.

use super::*;

/// One signing key the province trusts: `kid` (16 hex) and the Ed25519 public key (64 hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyDto {
    pub kid: String,
    pub public_key: String,
}

/// `GET /api/keys`: the trust list, every key whose passes may still be valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysResponse {
    pub keys: Vec<KeyDto>,
}

/// `GET /api/revocations`: the deny-list, revoked passes that have not expired yet (with
/// `?since=<ms>`, only those revoked after that instant: a verifier merges them into the
/// list it holds and asks again `since` this answer's `as_of_ms`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationsResponse {
    pub pass_ids: Vec<String>,
    pub as_of_ms: i64,
    /// The same passes with why and when each was revoked.
    #[serde(default)]
    pub revoked: Vec<RevocationDto>,
}

/// One revoked pass: `reason` is `cancelled` (its trip was), `superseded` (a newer pass of
/// the trip replaced it), `completed` (its trip was served) or `disabled` (its account was).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationDto {
    pub pass_id: String,
    pub reason: String,
    pub revoked_at_ms: i64,
    /// Unix seconds: after it the pass is expired anyway and can be forgotten.
    pub valid_until: i64,
}
