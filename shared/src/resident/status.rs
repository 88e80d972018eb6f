//! A resident's application and pass over time: its id, its status and the decisions that
//! move it, each allowed only from the states it names.

use crate::gate::slug_id;
use crate::{Error, ErrorCode};
use serde::{Deserialize, Serialize};
use std::fmt;

slug_id!(
    /// A resident's id (`r-` and 16 hex digits), drawn by the edge when they apply: the
    /// subject of their pass and of their crossings in the province stream.
    ResidentId
);

impl ResidentId {
    /// An id from 8 random bytes.
    pub fn from_random(bytes: [u8; 8]) -> Self {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        ResidentId(format!("r-{hex}"))
    }
}

/// Where a resident's application and pass stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidentStatus {
    /// Waiting for an officer of the home gate.
    Pending,
    /// Refused, with a reason: the resident may apply again.
    Refused,
    /// Approved: the pass is in force.
    Approved,
    /// Suspended, with a reason: the pass is on the deny-list until reinstated.
    Suspended,
    /// Revoked, with a reason: final; the pass is on the deny-list.
    Revoked,
}

/// A decision an officer takes on a resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidentDecision {
    Approve,
    Refuse,
    Suspend,
    Reinstate,
    Revoke,
}

impl ResidentDecision {
    pub const ALL: [ResidentDecision; 5] = [
        ResidentDecision::Approve,
        ResidentDecision::Refuse,
        ResidentDecision::Suspend,
        ResidentDecision::Reinstate,
        ResidentDecision::Revoke,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResidentDecision::Approve => "approve",
            ResidentDecision::Refuse => "refuse",
            ResidentDecision::Suspend => "suspend",
            ResidentDecision::Reinstate => "reinstate",
            ResidentDecision::Revoke => "revoke",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Error> {
        ResidentDecision::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| Error::new(ErrorCode::NotFound, "no such decision"))
    }

    /// Whether the decision needs a reason (every one but approving and reinstating).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            ResidentDecision::Refuse | ResidentDecision::Suspend | ResidentDecision::Revoke
        )
    }
}

impl ResidentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ResidentStatus::Pending => "pending",
            ResidentStatus::Refused => "refused",
            ResidentStatus::Approved => "approved",
            ResidentStatus::Suspended => "suspended",
            ResidentStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Error> {
        [
            ResidentStatus::Pending,
            ResidentStatus::Refused,
            ResidentStatus::Approved,
            ResidentStatus::Suspended,
            ResidentStatus::Revoked,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or_else(|| Error::new(ErrorCode::InvalidResidentState, "unknown resident status"))
    }

    /// The status `decision` leads to from this one, or `invalid_resident_state`.
    pub fn after(self, decision: ResidentDecision) -> Result<ResidentStatus, Error> {
        use ResidentDecision as D;
        use ResidentStatus as S;
        let next = match (self, decision) {
            (S::Pending, D::Approve) => S::Approved,
            (S::Pending, D::Refuse) => S::Refused,
            (S::Approved, D::Suspend) => S::Suspended,
            (S::Suspended, D::Reinstate) => S::Approved,
            (S::Approved | S::Suspended, D::Revoke) => S::Revoked,
            _ => {
                return Err(Error::new(
                    ErrorCode::InvalidResidentState,
                    format!(
                        "a {} resident cannot be {}d",
                        self.as_str(),
                        decision.as_str()
                    ),
                ))
            }
        };
        Ok(next)
    }

    /// Whether an application in this status blocks a new one (for the account, and for the
    /// same citizen ID): all but a refused one.
    pub fn blocks_new_application(self) -> bool {
        self != ResidentStatus::Refused
    }

    /// Whether the resident's pass is in force (crossings are recorded only then).
    pub fn pass_in_force(self) -> bool {
        self == ResidentStatus::Approved
    }
}

/// Why an officer refused, suspended or revoked: 1-200 characters, spaces tidied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionReason(String);

impl DecisionReason {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(input: &str) -> Result<Self, Error> {
        crate::format::tidy_text(input, Self::MAX_CHARS)
            .map(DecisionReason)
            .ok_or_else(|| Error::new(ErrorCode::InvalidReason, "a reason is 1-200 characters"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResidentDecision as D;
    use ResidentStatus as S;

    #[test]
    fn decisions_move_only_from_their_states() {
        assert_eq!(S::Pending.after(D::Approve), Ok(S::Approved));
        assert_eq!(S::Pending.after(D::Refuse), Ok(S::Refused));
        assert_eq!(S::Approved.after(D::Suspend), Ok(S::Suspended));
        assert_eq!(S::Suspended.after(D::Reinstate), Ok(S::Approved));
        assert_eq!(S::Approved.after(D::Revoke), Ok(S::Revoked));
        assert_eq!(S::Suspended.after(D::Revoke), Ok(S::Revoked));
        let allowed = 6;
        let mut count = 0;
        for s in [
            S::Pending,
            S::Refused,
            S::Approved,
            S::Suspended,
            S::Revoked,
        ] {
            for d in D::ALL {
                match s.after(d) {
                    Ok(_) => count += 1,
                    Err(e) => assert_eq!(e.code(), ErrorCode::InvalidResidentState),
                }
            }
        }
        assert_eq!(
            count, allowed,
            "nothing else moves: revoked and refused are final"
        );
    }

    #[test]
    fn only_a_refused_application_lets_the_resident_apply_again() {
        for s in [S::Pending, S::Approved, S::Suspended, S::Revoked] {
            assert!(s.blocks_new_application(), "{s:?}");
        }
        assert!(!S::Refused.blocks_new_application());
        assert!(S::Approved.pass_in_force());
        assert!(!S::Suspended.pass_in_force());
    }

    #[test]
    fn names_round_trip() {
        for s in [
            S::Pending,
            S::Refused,
            S::Approved,
            S::Suspended,
            S::Revoked,
        ] {
            assert_eq!(S::parse(s.as_str()), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for d in D::ALL {
            assert_eq!(D::parse(d.as_str()), Ok(d));
        }
        assert!(D::parse("delete").is_err());
        assert!(D::Refuse.needs_reason() && !D::Approve.needs_reason());
    }

    #[test]
    fn reasons_are_checked() {
        assert_eq!(
            DecisionReason::parse("  Giấy  hết hạn ").unwrap().as_str(),
            "Giấy hết hạn"
        );
        for bad in ["", "   ", &"x".repeat(201), "a\u{7}b"] {
            assert_eq!(
                DecisionReason::parse(bad).unwrap_err().code(),
                ErrorCode::InvalidReason
            );
        }
        assert!(DecisionReason::parse(&"x".repeat(200)).is_ok());
    }

    #[test]
    fn resident_ids_are_slugs() {
        let id = ResidentId::from_random([0xab; 8]);
        assert_eq!(id.as_str(), "r-abababababababab");
        assert_eq!(ResidentId::parse(id.as_str()), Ok(id));
    }
}
