//! Accounts, roles and responsibilities.
//!
//! Drivers, traders and residents sign themselves up. Yard operators, officers and admins get
//! accounts from an admin; an operator is bound to one yard and an officer to one gate (the
//! province asks for "each account attached with specific responsibilities").

use crate::{Error, ErrorCode, GateId, YardId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Driver,
    /// A small trading household (hộ kinh doanh) booking for the vehicles it hires.
    Trader,
    /// A border resident with a resident pass.
    Resident,
    /// Works one yard's gate: scans, checks in, calls.
    YardOperator,
    /// Border guard, customs or quarantine at one gate.
    Officer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Driver,
        Role::Trader,
        Role::Resident,
        Role::YardOperator,
        Role::Officer,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Driver => "driver",
            Role::Trader => "trader",
            Role::Resident => "resident",
            Role::YardOperator => "yard_operator",
            Role::Officer => "officer",
            Role::Admin => "admin",
        }
    }

    /// Roles people may take by signing up on their own phone.
    pub fn is_self_service(self) -> bool {
        matches!(self, Role::Driver | Role::Trader | Role::Resident)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Error::new(ErrorCode::InvalidRole, format!("unknown role {s:?}")))
    }
}

/// What an account is responsible for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Responsibility {
    None,
    Yard(YardId),
    Gate(GateId),
}

impl Responsibility {
    /// The binding a role requires: an operator has exactly a yard, an officer exactly a gate,
    /// everyone else neither.
    pub fn for_role(
        role: Role,
        yard: Option<YardId>,
        gate: Option<GateId>,
    ) -> Result<Responsibility, Error> {
        let bad = |why: &str| Error::new(ErrorCode::InvalidBinding, why);
        match (role, yard, gate) {
            (Role::YardOperator, Some(yard), None) => Ok(Responsibility::Yard(yard)),
            (Role::YardOperator, _, _) => Err(bad("a yard operator is bound to exactly one yard")),
            (Role::Officer, None, Some(gate)) => Ok(Responsibility::Gate(gate)),
            (Role::Officer, _, _) => Err(bad("an officer is bound to exactly one gate")),
            (_, None, None) => Ok(Responsibility::None),
            (_, _, _) => Err(bad(
                "only operators and officers are bound to a yard or gate",
            )),
        }
    }

    pub fn yard(&self) -> Option<&YardId> {
        match self {
            Responsibility::Yard(y) => Some(y),
            _ => None,
        }
    }

    pub fn gate(&self) -> Option<&GateId> {
        match self {
            Responsibility::Gate(g) => Some(g),
            _ => None,
        }
    }
}

/// A person's name as shown to staff: optional for self sign-up, 1–80 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(input: &str) -> Result<Self, Error> {
        crate::format::tidy_text(input, Self::MAX_CHARS)
            .map(DisplayName)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidName,
                    "names are 1-80 characters without control characters",
                )
            })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An account's id: 16 lowercase hex characters (64 random bits), drawn by the edge.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct AccountId(String);

impl AccountId {
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.len() == 16
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(AccountId(s.to_owned()))
        } else {
            Err(Error::new(
                ErrorCode::InvalidId,
                "account ids are 16 hex characters",
            ))
        }
    }

    /// Builds an id from 8 random bytes.
    pub fn from_random(bytes: [u8; 8]) -> Self {
        AccountId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AccountId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        AccountId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Security-relevant events, written to the append-only audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditEvent {
    SignedUp,
    SignInSucceeded,
    SignInFailed,
    SignInRateLimited,
    SignedOutEverywhere,
    PasswordChanged,
    /// A forgotten password replaced with a code sent to the phone (every session ended).
    PasswordReset,
    AccountCreated,
    AccountDisabled,
    AccountEnabled,
    /// A yard's booking settings (capacity, hours, fee, closures) changed by its operator.
    YardConfigChanged,
    /// A yard operator moved a waiting vehicle in the queue (with the reason).
    QueueReordered,
    /// An outbox write was sent again under a seq already dealt with, as another write (refused).
    SyncReplayMismatch,
    /// A cancelled trip's booking was released at its yard.
    BookingReleasedTripCancelled,
    /// A yard operator or officer saw a vehicle's registration papers and marked it verified.
    VehicleVerified,
    /// Another account's booking of a plate released because the plate was verified.
    PlateBookingReleased,
    /// A booking was released by the edge, with the reason (e.g. its account was disabled).
    BookingReleased,
    /// An admin sent a record the province had rejected (parked) again.
    ProvinceRecordRetried,
    /// A resident applied for a resident pass (never with the ID number).
    ResidentApplied,
    /// An officer of the resident's home gate approved, refused, suspended, reinstated or
    /// revoked a resident (with the reason where one is needed).
    ResidentDecided,
    /// An officer's phone recorded a resident's crossing.
    ResidentCrossingRecorded,
}

impl AuditEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEvent::SignedUp => "signed_up",
            AuditEvent::SignInSucceeded => "sign_in_succeeded",
            AuditEvent::SignInFailed => "sign_in_failed",
            AuditEvent::SignInRateLimited => "sign_in_rate_limited",
            AuditEvent::SignedOutEverywhere => "signed_out_everywhere",
            AuditEvent::PasswordChanged => "password_changed",
            AuditEvent::PasswordReset => "password_reset",
            AuditEvent::AccountCreated => "account_created",
            AuditEvent::AccountDisabled => "account_disabled",
            AuditEvent::AccountEnabled => "account_enabled",
            AuditEvent::YardConfigChanged => "yard_config_changed",
            AuditEvent::QueueReordered => "queue_reordered",
            AuditEvent::SyncReplayMismatch => "sync_replay_mismatch",
            AuditEvent::BookingReleasedTripCancelled => "booking_released_trip_cancelled",
            AuditEvent::VehicleVerified => "vehicle_verified",
            AuditEvent::PlateBookingReleased => "plate_booking_released",
            AuditEvent::BookingReleased => "booking_released",
            AuditEvent::ProvinceRecordRetried => "province_record_retried",
            AuditEvent::ResidentApplied => "resident_applied",
            AuditEvent::ResidentDecided => "resident_decided",
            AuditEvent::ResidentCrossingRecorded => "resident_crossing_recorded",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_roles_are_refused() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            assert_eq!(
                serde_json::to_string(&role).unwrap(),
                format!("\"{}\"", role.as_str())
            );
        }
        assert_eq!(
            "superuser".parse::<Role>().unwrap_err().code(),
            ErrorCode::InvalidRole
        );
    }

    #[test]
    fn only_drivers_traders_and_residents_sign_themselves_up() {
        let self_service: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| r.is_self_service())
            .collect();
        assert_eq!(self_service, [Role::Driver, Role::Trader, Role::Resident]);
    }

    #[test]
    fn operators_need_a_yard_and_officers_a_gate() {
        let yard = || Some(YardId::parse("cm-1").unwrap());
        let gate = || Some(GateId::parse("huu-nghi").unwrap());
        assert!(Responsibility::for_role(Role::YardOperator, yard(), None).is_ok());
        assert!(Responsibility::for_role(Role::Officer, None, gate()).is_ok());
        assert_eq!(
            Responsibility::for_role(Role::Driver, None, None).unwrap(),
            Responsibility::None
        );
        for (role, y, g) in [
            (Role::YardOperator, None, None),
            (Role::YardOperator, yard(), gate()),
            (Role::Officer, None, None),
            (Role::Officer, yard(), None),
            (Role::Driver, yard(), None),
            (Role::Admin, None, gate()),
        ] {
            assert_eq!(
                Responsibility::for_role(role, y, g).unwrap_err().code(),
                ErrorCode::InvalidBinding
            );
        }
    }

    #[test]
    fn names_are_tidied_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Nguyễn   Văn An ").unwrap().as_str(),
            "Nguyễn Văn An"
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"ễ".repeat(81)).is_err());
        assert!(DisplayName::parse("An\u{0000}").is_err());
    }

    #[test]
    fn account_ids_are_sixteen_hex_characters() {
        let id = AccountId::from_random([0, 1, 2, 3, 0xab, 0xcd, 0xef, 0xff]);
        assert_eq!(id.as_str(), "00010203abcdefff");
        assert_eq!(AccountId::parse(id.as_str()).unwrap(), id);
        for bad in [
            "",
            "00010203ABCDEFFF",
            "0001020",
            "zz010203abcdefff",
            "../../etc/passwd",
        ] {
            assert!(AccountId::parse(bad).is_err(), "{bad}");
        }
    }
}
