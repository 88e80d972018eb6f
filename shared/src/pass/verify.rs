//! Checking a scanned pass: the verdict an officer sees.

use super::{cose, Kid, PassClaims, PassId, TrustedKey};
use crate::GateId;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What the verifier knows, all of it passed in: keys and revocations from the last sync, the
/// clock, and the gate the officer stands at (`None` accepts a pass for any gate).
#[derive(Clone, Copy, Debug)]
pub struct VerifyContext<'a> {
    pub trust_list: &'a [TrustedKey],
    pub deny_list: &'a [PassId],
    /// Unix seconds.
    pub now: i64,
    pub gate: Option<&'a GateId>,
}

/// Why a pass is not valid. The codes are stable: they travel to the app and into logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Not a BorderPass pass at all: wrong length or prefix, bad Base45, zlib, COSE or claims.
    Malformed,
    /// The signature does not match (the pass was altered, or forged).
    BadSignature,
    /// Signed by a key that is not on the trust list.
    UnknownKey,
    /// Past its `valid_until`.
    Expired,
    /// Before its `valid_from`.
    NotYetValid,
    /// Its id is on the deny-list.
    Revoked,
    /// Issued for another gate.
    WrongGate,
    /// Correctly signed, but valid for longer than any pass of its kind may be
    /// ([`super::PassKind::max_validity_secs`]): never issued by a sound issuer.
    TooLong,
    /// On the deny-list because a newer pass replaced it (one pass per trip is valid at a
    /// time): see [`with_revocation_reasons`].
    Superseded,
}

impl Reason {
    pub const ALL: [Reason; 9] = [
        Reason::Malformed,
        Reason::BadSignature,
        Reason::UnknownKey,
        Reason::Expired,
        Reason::NotYetValid,
        Reason::Revoked,
        Reason::WrongGate,
        Reason::TooLong,
        Reason::Superseded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Malformed => "malformed",
            Reason::BadSignature => "bad_signature",
            Reason::UnknownKey => "unknown_key",
            Reason::Expired => "expired",
            Reason::NotYetValid => "not_yet_valid",
            Reason::Revoked => "revoked",
            Reason::WrongGate => "wrong_gate",
            Reason::TooLong => "too_long",
            Reason::Superseded => "superseded",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of [`verify`]. Serialises as `{"valid": bool, "reason": null | "<code>",
/// "claims": null | {...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "VerdictJson", try_from = "VerdictJson")]
pub enum Verdict {
    Valid(PassClaims),
    /// `claims` is `Some` only when the signature checked out (too long, revoked, expired, not
    /// yet valid, wrong gate), so the officer still sees whose pass it is; never for a bad signature, an
    /// unknown key or a malformed pass.
    Invalid {
        reason: Reason,
        claims: Option<PassClaims>,
    },
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid(_))
    }

    pub fn reason(&self) -> Option<Reason> {
        match self {
            Verdict::Valid(_) => None,
            Verdict::Invalid { reason, .. } => Some(*reason),
        }
    }

    pub fn claims(&self) -> Option<&PassClaims> {
        match self {
            Verdict::Valid(claims) => Some(claims),
            Verdict::Invalid { claims, .. } => claims.as_ref(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct VerdictJson {
    valid: bool,
    reason: Option<Reason>,
    claims: Option<PassClaims>,
}

impl From<Verdict> for VerdictJson {
    fn from(v: Verdict) -> Self {
        match v {
            Verdict::Valid(claims) => VerdictJson {
                valid: true,
                reason: None,
                claims: Some(claims),
            },
            Verdict::Invalid { reason, claims } => VerdictJson {
                valid: false,
                reason: Some(reason),
                claims,
            },
        }
    }
}

impl TryFrom<VerdictJson> for Verdict {
    type Error = &'static str;

    fn try_from(v: VerdictJson) -> Result<Self, Self::Error> {
        match (v.valid, v.reason, v.claims) {
            (true, None, Some(claims)) => Ok(Verdict::Valid(claims)),
            (false, Some(reason), claims) => Ok(Verdict::Invalid { reason, claims }),
            _ => Err("a valid verdict has claims and no reason; an invalid one has a reason"),
        }
    }
}

/// Verifies a scanned pass. The checks run in this order, the first failure wins:
///
/// 1. structure (length, prefix, Base45, zlib, COSE, claims) → [`Reason::Malformed`]
/// 2. `kid` on the trust list → else [`Reason::UnknownKey`]
/// 3. Ed25519 signature → else [`Reason::BadSignature`]
/// 4. `valid_until - valid_from` at most the kind's maximum → else [`Reason::TooLong`]
/// 5. id not on the deny-list → else [`Reason::Revoked`]
/// 6. `now >= valid_from` → else [`Reason::NotYetValid`]
/// 7. `now < valid_until` → else [`Reason::Expired`]
/// 8. the pass's gate is `ctx.gate` (when given) → else [`Reason::WrongGate`]
pub fn verify(pass: &str, ctx: &VerifyContext) -> Verdict {
    let invalid = |reason, claims| Verdict::Invalid { reason, claims };
    let opened = match cose::open(pass) {
        Ok(opened) => opened,
        Err(reason) => return invalid(reason, None),
    };
    let mut keys = ctx
        .trust_list
        .iter()
        .filter(|key| key.kid == opened.kid)
        .peekable();
    if keys.peek().is_none() {
        return invalid(Reason::UnknownKey, None);
    }
    if !keys.any(|key| key.verifies(&opened.signed_bytes, &opened.signature)) {
        return invalid(Reason::BadSignature, None);
    }
    let claims = opened.claims;
    let reason = if claims.is_too_long() {
        Some(Reason::TooLong)
    } else if ctx.deny_list.contains(&claims.id) {
        Some(Reason::Revoked)
    } else if ctx.now < claims.valid_from {
        Some(Reason::NotYetValid)
    } else if ctx.now >= claims.valid_until {
        Some(Reason::Expired)
    } else if ctx.gate.is_some_and(|gate| *gate != claims.gate) {
        Some(Reason::WrongGate)
    } else {
        None
    };
    match reason {
        Some(reason) => invalid(reason, Some(claims)),
        None => Verdict::Valid(claims),
    }
}

/// A [`Reason::Revoked`] verdict for a pass the deny-list marks as replaced by a newer one
/// (`superseded`) says so; any other verdict is returned as it is.
pub fn with_revocation_reasons(verdict: Verdict, superseded: &[PassId]) -> Verdict {
    match verdict {
        Verdict::Invalid {
            reason: Reason::Revoked,
            claims: Some(claims),
        } if superseded.contains(&claims.id) => Verdict::Invalid {
            reason: Reason::Superseded,
            claims: Some(claims),
        },
        other => other,
    }
}

/// The key id and claims of a pass WITHOUT checking its signature, its dates or anything
/// else: for display only (a driver's own pass list), never to let anyone through.
pub fn decode_unverified(pass: &str) -> Result<(Kid, PassClaims), Reason> {
    cose::open(pass).map(|opened| (opened.kid, opened.claims))
}
