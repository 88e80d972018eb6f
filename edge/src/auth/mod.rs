//! Who is calling, and whether they may.
//!
//! [`authenticate`] turns a bearer token into an [`Authentication`]; [`authorize`] checks it
//! against the [`Access`] that every route declares in the route table. Both run in
//! `http::serve` before any handler, so no handler can forget them.

pub mod password_hash;
pub mod secrets;

use crate::error::ApiError;
use password_hash::to_hex;
use serde::Deserialize;
use shared::{AccountId, ErrorCode, GateId, Responsibility, Role, YardId};
use worker::D1Database;

/// Sessions last 30 days: drivers are offline for long stretches and must not be signed out
/// in a dead zone.
pub const SESSION_TTL_MS: i64 = 30 * 24 * 3600 * 1000;
/// `last_seen_at_ms` is written at most this often per session.
const LAST_SEEN_GRANULARITY_MS: i64 = 3600 * 1000;

/// Who may call a route. Every route in the table declares one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Signed-in accounts with one of these roles.
    Roles(&'static [Role]),
    /// The yard operator bound to the route's `{yard_id}`, or an admin.
    StaffOfPathYard,
}

/// A signed-in caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: AccountId,
    pub role: Role,
    pub responsibility: Responsibility,
    /// The SHA-256 (hex) of the session's token, to sign this session out.
    pub token_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authentication {
    Anonymous,
    /// A token that is malformed or unknown.
    Invalid,
    /// A session that has expired or was signed out.
    Expired,
    /// The account behind the session is disabled.
    Disabled,
    SignedIn(Principal),
}

impl Authentication {
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Authentication::SignedIn(p) => Some(p),
            _ => None,
        }
    }
}

/// Checks a caller against a route's declared access. `path_yard` is the route's `{yard_id}`.
pub fn authorize(
    access: Access,
    auth: &Authentication,
    path_yard: Option<&YardId>,
) -> Result<(), ApiError> {
    if access == Access::Public {
        return Ok(());
    }
    let principal = match auth {
        Authentication::SignedIn(p) => p,
        Authentication::Anonymous | Authentication::Invalid => {
            return Err(ApiError::from(shared::Error::new(
                ErrorCode::Unauthenticated,
                "sign in to do this",
            )))
        }
        Authentication::Expired => {
            return Err(ApiError::from(shared::Error::new(
                ErrorCode::SessionExpired,
                "the session has ended; sign in again",
            )))
        }
        Authentication::Disabled => {
            return Err(ApiError::from(shared::Error::new(
                ErrorCode::AccountDisabled,
                "this account is disabled",
            )))
        }
    };
    let allowed = match access {
        Access::Public | Access::SignedIn => true,
        Access::Roles(roles) => roles.contains(&principal.role),
        Access::StaffOfPathYard => {
            principal.role == Role::Admin
                || (principal.role == Role::YardOperator
                    && path_yard.is_some()
                    && principal.responsibility.yard() == path_yard)
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::from(shared::Error::new(
            ErrorCode::Forbidden,
            "this account may not do this",
        )))
    }
}

/// Reads the bearer token, if any, and finds its session.
pub async fn authenticate(
    authorization: Option<String>,
    db: &D1Database,
    now_ms: i64,
) -> Result<Authentication, ApiError> {
    let Some(header) = authorization else {
        return Ok(Authentication::Anonymous);
    };
    let Some(token) = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return Ok(Authentication::Invalid);
    };
    let token_hash = hash_token(token).await?;

    #[derive(Deserialize)]
    struct Row {
        account_id: String,
        role: Role,
        yard_id: Option<String>,
        gate_id: Option<String>,
        disabled_at_ms: Option<f64>,
        expires_at_ms: f64,
        revoked_at_ms: Option<f64>,
        last_seen_at_ms: f64,
    }
    let row = db
        .prepare(
            "SELECT s.account_id, a.role, a.yard_id, a.gate_id, a.disabled_at_ms,
                    s.expires_at_ms, s.revoked_at_ms, s.last_seen_at_ms
             FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.token_hash = ?1",
        )
        .bind(&[token_hash.as_str().into()])?
        .first::<Row>(None)
        .await?;
    let Some(row) = row else {
        return Ok(Authentication::Invalid);
    };
    // A disabled account says so, even though disabling also ended its sessions.
    if row.disabled_at_ms.is_some() {
        return Ok(Authentication::Disabled);
    }
    if row.revoked_at_ms.is_some() || (row.expires_at_ms as i64) <= now_ms {
        return Ok(Authentication::Expired);
    }
    if now_ms - row.last_seen_at_ms as i64 >= LAST_SEEN_GRANULARITY_MS {
        db.prepare("UPDATE sessions SET last_seen_at_ms = ?1 WHERE token_hash = ?2")
            .bind(&[(now_ms as f64).into(), token_hash.as_str().into()])?
            .run()
            .await?;
    }
    let yard = row.yard_id.as_deref().map(YardId::parse).transpose()?;
    let gate = row.gate_id.as_deref().map(GateId::parse).transpose()?;
    Ok(Authentication::SignedIn(Principal {
        account_id: AccountId::parse(&row.account_id)?,
        role: row.role,
        responsibility: Responsibility::for_role(row.role, yard, gate)?,
        token_hash,
    }))
}

/// A new random token (64 hex characters) and the hash under which its session is stored.
pub async fn new_token() -> worker::Result<(String, String)> {
    let token = to_hex(&secrets::random_bytes::<32>()?);
    let hash = hash_token(&token).await?;
    Ok((token, hash))
}

async fn hash_token(token: &str) -> worker::Result<String> {
    Ok(to_hex(&secrets::sha256(token.as_bytes()).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, responsibility: Responsibility) -> Authentication {
        Authentication::SignedIn(Principal {
            account_id: AccountId::parse("0123456789abcdef").unwrap(),
            role,
            responsibility,
            token_hash: String::new(),
        })
    }

    fn code(r: Result<(), ApiError>) -> Option<(u16, ErrorCode)> {
        r.err().map(|e| (e.status(), e.code()))
    }

    #[test]
    fn public_routes_admit_everyone() {
        for auth in [
            Authentication::Anonymous,
            Authentication::Invalid,
            Authentication::Expired,
            Authentication::Disabled,
        ] {
            assert!(authorize(Access::Public, &auth, None).is_ok());
        }
    }

    #[test]
    fn the_kind_of_refusal_tells_the_app_what_to_do() {
        let a = Access::SignedIn;
        assert_eq!(
            code(authorize(a, &Authentication::Anonymous, None)),
            Some((401, ErrorCode::Unauthenticated))
        );
        assert_eq!(
            code(authorize(a, &Authentication::Expired, None)),
            Some((401, ErrorCode::SessionExpired))
        );
        assert_eq!(
            code(authorize(a, &Authentication::Disabled, None)),
            Some((403, ErrorCode::AccountDisabled))
        );
    }

    #[test]
    fn roles_are_checked() {
        let admin_only = Access::Roles(&[Role::Admin]);
        let admin = principal(Role::Admin, Responsibility::None);
        let driver = principal(Role::Driver, Responsibility::None);
        assert!(authorize(admin_only, &admin, None).is_ok());
        assert_eq!(
            code(authorize(admin_only, &driver, None)),
            Some((403, ErrorCode::Forbidden))
        );
    }

    #[test]
    fn yard_operators_act_only_on_their_yard() {
        let cm1 = YardId::parse("cm-1").unwrap();
        let cm2 = YardId::parse("cm-2").unwrap();
        let operator = principal(Role::YardOperator, Responsibility::Yard(cm1.clone()));
        let officer = principal(
            Role::Officer,
            Responsibility::Gate(GateId::parse("chi-ma").unwrap()),
        );
        let admin = principal(Role::Admin, Responsibility::None);
        let a = Access::StaffOfPathYard;
        assert!(authorize(a, &operator, Some(&cm1)).is_ok());
        assert!(authorize(a, &admin, Some(&cm2)).is_ok());
        assert!(authorize(a, &operator, Some(&cm2)).is_err());
        assert!(authorize(a, &operator, None).is_err());
        assert!(authorize(a, &officer, Some(&cm1)).is_err());
    }
}
