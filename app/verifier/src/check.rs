//! Verification with JSON in and out: the trust material as the app saved it, the verdict as
//! the app shows it. The rules themselves are `shared::pass::verify`, the same code the edge
//! and the tests run.

use serde::Deserialize;
use shared::pass::{PassId, TrustedKey, VerifyContext};
use shared::GateId;

/// One deny-list item: a revoked pass id, or the id with why it was revoked (`superseded`
/// passes are told apart from cancelled ones).
#[derive(Deserialize)]
#[serde(untagged)]
enum Denied {
    Id(PassId),
    WithReason {
        pass_id: PassId,
        #[serde(default)]
        reason: Option<String>,
    },
}

impl Denied {
    fn id(&self) -> &PassId {
        match self {
            Denied::Id(id) | Denied::WithReason { pass_id: id, .. } => id,
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            Denied::Id(_) => None,
            Denied::WithReason { reason, .. } => reason.as_deref(),
        }
    }
}

/// Verifies `pass` against the saved trust list and deny-list at `now_secs` (Unix seconds) for
/// `gate`, returning `shared::pass::Verdict` as JSON. An unusable input (not the JSON shape
/// expected, a clock that is not a number, an invalid gate id) is an `Err` naming it: that is a
/// fault of the phone, not of the pass, so it must not read as "invalid pass".
pub fn verify_json(
    pass: &str,
    trust_list_json: &str,
    deny_list_json: &str,
    now_secs: f64,
    gate: Option<&str>,
) -> Result<String, String> {
    let trust_list: Vec<TrustedKey> = serde_json::from_str(trust_list_json).map_err(|e| {
        format!("the trust list is not a JSON array of {{\"kid\", \"public_key\"}}: {e}")
    })?;
    let denied: Vec<Denied> = serde_json::from_str(deny_list_json).map_err(|e| {
        format!("the deny-list is not a JSON array of pass ids or {{\"pass_id\", \"reason\"}}: {e}")
    })?;
    let deny_list: Vec<PassId> = denied.iter().map(|d| d.id().clone()).collect();
    let superseded: Vec<PassId> = denied
        .iter()
        .filter(|d| d.reason() == Some("superseded"))
        .map(|d| d.id().clone())
        .collect();
    if !now_secs.is_finite() {
        return Err(format!("the time {now_secs} is not a number of seconds"));
    }
    let gate = gate
        .map(GateId::parse)
        .transpose()
        .map_err(|e| format!("the gate id is invalid: {e}"))?;
    let context = VerifyContext {
        trust_list: &trust_list,
        deny_list: &deny_list,
        now: now_secs.floor() as i64,
        gate: gate.as_ref(),
    };
    let verdict =
        shared::pass::with_revocation_reasons(shared::pass::verify(pass, &context), &superseded);
    serde_json::to_string(&verdict).map_err(|e| format!("the verdict did not serialise: {e}"))
}
