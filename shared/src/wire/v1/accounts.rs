//! Accounts: sign-up, sign-in, codes, passwords, staff accounts, the audit log.

use super::*;

/// `POST /api/auth/signup`: a driver, trader or resident signs up on their phone, with the
/// code that `POST /api/auth/codes` sent to it. The device becomes known to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignUpRequest {
    pub phone: String,
    pub password: String,
    pub role: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
}

/// `POST /api/auth/signin`. From a device the account does not know, the answer is
/// `code_required` (a code was sent by SMS); the same request with `code` then signs in
/// and remembers the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub phone: String,
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// `POST /api/auth/codes`: send a one-time code for `purpose` (`sign_up` or
/// `reset_password`). The answer is the same whether or not the phone has an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    pub phone: String,
    pub purpose: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    pub sent: bool,
    /// How long a code is valid.
    pub expires_in_secs: i64,
}

/// `POST /api/auth/password-reset`: a new password with the code sent for
/// `reset_password`. Every session of the account ends; this device is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub phone: String,
    pub code: String,
    pub new_password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
}

/// `GET /api/dev/sms?phone=`: the local SMS double's inbox (only with `SMS_ADAPTER=local`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsInbox {
    pub messages: Vec<SmsMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsMessage {
    pub phone: String,
    pub text: String,
    pub sent_at_ms: i64,
}

/// `POST /api/auth/password`: change one's own password (other sessions are signed out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// `POST /api/admin/accounts`: an admin creates a staff account bound to its yard or gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateAccountRequest {
    pub phone: String,
    pub password: String,
    pub role: String,
    pub display_name: String,
    #[serde(default)]
    pub yard_id: Option<String>,
    #[serde(default)]
    pub gate_id: Option<String>,
}

/// A new session: the bearer token is shown once, here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionResponse {
    pub token: String,
    pub expires_at_ms: i64,
    pub account: AccountDto,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDto {
    pub id: String,
    /// E.164 (`+84912345678`).
    pub phone: String,
    pub role: Role,
    pub display_name: Option<String>,
    pub yard_id: Option<String>,
    pub gate_id: Option<String>,
    pub disabled: bool,
    pub created_at_ms: i64,
}

/// `GET /api/admin/accounts`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsResponse {
    pub accounts: Vec<AccountDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryDto {
    pub id: i64,
    pub at_ms: i64,
    pub actor_id: Option<String>,
    pub event: String,
    pub subject: Option<String>,
    /// A small JSON object with the event's facts (never passwords or tokens).
    pub detail: String,
}

/// `GET /api/admin/audit`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLogResponse {
    pub entries: Vec<AuditEntryDto>,
}

/// An acknowledgement for actions with nothing else to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    pub done: bool,
}

/// A validated self sign-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignUp {
    pub phone: PhoneNumber,
    pub password: String,
    pub role: Role,
    pub display_name: Option<DisplayName>,
}

impl TryFrom<SignUpRequest> for SignUp {
    type Error = Error;

    fn try_from(req: SignUpRequest) -> Result<Self, Error> {
        let phone = PhoneNumber::parse(&req.phone)?;
        let role: Role = req.role.parse()?;
        if !role.is_self_service() {
            return Err(Error::new(
                ErrorCode::InvalidRole,
                "staff accounts are created by an admin",
            ));
        }
        check_new_password(&req.password, &phone)?;
        let display_name = match req.display_name.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => Some(DisplayName::parse(name)?),
        };
        Ok(SignUp {
            phone,
            password: req.password,
            role,
            display_name,
        })
    }
}

/// A validated staff account, created by an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaffAccount {
    pub phone: PhoneNumber,
    pub password: String,
    pub role: Role,
    pub display_name: DisplayName,
    pub responsibility: Responsibility,
}

impl TryFrom<CreateAccountRequest> for NewStaffAccount {
    type Error = Error;

    fn try_from(req: CreateAccountRequest) -> Result<Self, Error> {
        let phone = PhoneNumber::parse(&req.phone)?;
        let role: Role = req.role.parse()?;
        check_new_password(&req.password, &phone)?;
        let display_name = DisplayName::parse(&req.display_name)?;
        let yard = req.yard_id.as_deref().map(YardId::parse).transpose()?;
        let gate = req.gate_id.as_deref().map(GateId::parse).transpose()?;
        let responsibility = Responsibility::for_role(role, yard, gate)?;
        Ok(NewStaffAccount {
            phone,
            password: req.password,
            role,
            display_name,
            responsibility,
        })
    }
}
