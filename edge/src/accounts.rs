//! Accounts and sessions: sign-up, sign-in, sign-out, passwords, and the admin's staff
//! accounts. Validation is `shared`'s; this module stores, hashes and audits.

use crate::audit;
use crate::auth::{self, secrets, Principal, SESSION_TTL_MS};
use crate::error::ApiError;
use crate::otp;
use crate::rate_limits;
use crate::rate_limits::{ClientAddress, Limits};
use crate::sms::Sms;
use crate::sql::nullable;
use serde::Deserialize;
use serde_json::json;
use shared::otp::{CodePurpose, SmsText};
use shared::rate_limit::address_key;
use shared::wire::v1::{
    AccountDto, AccountsResponse, ChangePasswordRequest, CodeRequest, CodeSent,
    CreateAccountRequest, Done, NewStaffAccount, PasswordResetRequest, SessionResponse,
    SignInRequest, SignUp, SignUpRequest,
};
use shared::{
    check_new_password, AccountId, AuditEvent, ErrorCode, PhoneNumber, Responsibility, Role,
};
use worker::{D1Database, D1PreparedStatement};

#[derive(Debug, Deserialize)]
struct AccountRow {
    id: String,
    phone: String,
    role: Role,
    display_name: Option<String>,
    yard_id: Option<String>,
    gate_id: Option<String>,
    password_hash: String,
    disabled_at_ms: Option<f64>,
    created_at_ms: f64,
}

impl AccountRow {
    fn to_dto(&self) -> AccountDto {
        AccountDto {
            id: self.id.clone(),
            phone: self.phone.clone(),
            role: self.role,
            display_name: self.display_name.clone(),
            yard_id: self.yard_id.clone(),
            gate_id: self.gate_id.clone(),
            disabled: self.disabled_at_ms.is_some(),
            created_at_ms: self.created_at_ms as i64,
        }
    }
}

/// The rate-limit counters of password attempts for one phone number: from this address
/// (the tight limit: someone guessing elsewhere does not lock the owner out here) and from
/// all addresses together (the higher ceiling, which a device the account knows is spared, so
/// that even a botnet's guesses leave the owner's own phone able to sign in). Both are given
/// back when the password is right.
struct PasswordBudget {
    pair_key: String,
    phone_key: Option<String>,
}

impl PasswordBudget {
    async fn check(
        db: &D1Database,
        phone: &PhoneNumber,
        from: &ClientAddress,
        known_device: bool,
        limits: &Limits,
        now_ms: i64,
    ) -> Result<PasswordBudget, ApiError> {
        let budget = PasswordBudget {
            pair_key: format!(
                "signin:phone:{}:addr:{}",
                phone.e164(),
                address_key(&from.0)
            ),
            phone_key: (!known_device).then(|| format!("signin:phone:{}", phone.e164())),
        };
        rate_limits::check(db, &budget.pair_key, limits.sign_in_per_phone, now_ms).await?;
        if let Some(phone_key) = &budget.phone_key {
            rate_limits::check(
                db,
                phone_key,
                limits.sign_in_per_phone_all_addresses,
                now_ms,
            )
            .await?;
        }
        Ok(budget)
    }

    async fn refund(&self, db: &D1Database) -> Result<(), ApiError> {
        rate_limits::refund(db, &self.pair_key).await?;
        if let Some(phone_key) = &self.phone_key {
            rate_limits::refund(db, phone_key).await?;
        }
        Ok(())
    }
}

async fn find_by_phone(
    db: &D1Database,
    phone: &PhoneNumber,
) -> Result<Option<AccountRow>, ApiError> {
    Ok(db
        .prepare("SELECT * FROM accounts WHERE phone = ?1")
        .bind(&[phone.e164().into()])?
        .first::<AccountRow>(None)
        .await?)
}

async fn find_by_id(db: &D1Database, id: &AccountId) -> Result<Option<AccountRow>, ApiError> {
    Ok(db
        .prepare("SELECT * FROM accounts WHERE id = ?1")
        .bind(&[id.as_str().into()])?
        .first::<AccountRow>(None)
        .await?)
}

/// The statement creating a session for `account_id` if that account exists.
fn insert_session(
    db: &D1Database,
    token_hash: &str,
    account_id: &str,
    now_ms: i64,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(db
        .prepare(
            "INSERT INTO sessions (token_hash, account_id, created_at_ms, expires_at_ms, last_seen_at_ms)
             SELECT ?1, id, ?3, ?4, ?3 FROM accounts WHERE id = ?2",
        )
        .bind(&[
            token_hash.into(),
            account_id.into(),
            (now_ms as f64).into(),
            ((now_ms + SESSION_TTL_MS) as f64).into(),
        ])?)
}

fn new_account_id() -> Result<AccountId, ApiError> {
    Ok(AccountId::from_random(secrets::random_bytes::<8>()?))
}

fn phone_taken() -> ApiError {
    ApiError::from(shared::Error::new(
        ErrorCode::PhoneTaken,
        "an account with this phone number exists",
    ))
}

/// Inserts an account; `Ok(false)` when the phone number is taken (nothing is written).
#[allow(clippy::too_many_arguments)]
async fn insert_account(
    db: &D1Database,
    id: &AccountId,
    phone: &PhoneNumber,
    role: Role,
    display_name: Option<&str>,
    responsibility: &Responsibility,
    password_hash: &str,
    now_ms: i64,
    then: Vec<D1PreparedStatement>,
) -> Result<bool, ApiError> {
    let insert = db
        .prepare(
            "INSERT INTO accounts (id, phone, role, display_name, yard_id, gate_id, password_hash, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(phone) DO NOTHING",
        )
        .bind(&[
            id.as_str().into(),
            phone.e164().into(),
            role.as_str().into(),
            nullable(display_name),
            nullable(responsibility.yard().map(|y| y.as_str())),
            nullable(responsibility.gate().map(|g| g.as_str())),
            password_hash.into(),
            (now_ms as f64).into(),
        ])?;
    // One batch is one transaction: the account, its audit entry and its session commit
    // together. The statements after the insert act only if the account with this id exists,
    // so a phone number taken at the same moment leaves no trace.
    let mut statements = vec![insert];
    statements.extend(then);
    let results = db.batch(statements).await?;
    let written = results
        .first()
        .and_then(|r| r.meta().ok().flatten())
        .and_then(|m| m.changes)
        .unwrap_or(0);
    Ok(written == 1)
}

/// `POST /api/auth/codes`: sends a one-time code for signing up or resetting a password.
/// The answer (and every limit counted) is the same whether or not the phone has an account:
/// a new number gets a sign-up code, a number with an account gets a text saying so instead;
/// a reset code goes only to a number with an account. A code is stored either way.
pub async fn request_code(
    db: &D1Database,
    sms: &Sms,
    req: CodeRequest,
    from: &ClientAddress,
    limits: Limits,
    now_ms: i64,
) -> Result<CodeSent, ApiError> {
    let phone = PhoneNumber::parse(&req.phone)?;
    let purpose = CodePurpose::parse_requestable(&req.purpose)?;
    sms.ready()?;
    otp::check_request(db, &phone, purpose, from, &limits, now_ms).await?;
    let has_account = find_by_phone(db, &phone).await?.is_some();
    let code = otp::create(db, &phone, purpose, &limits, now_ms).await?;
    let minutes = (limits.code_ttl_ms + 59_999) / 60_000;
    let text = match (purpose, has_account) {
        (CodePurpose::SignUp, true) => Some(SmsText::AlreadyHasAccount),
        (CodePurpose::ResetPassword, false) => None,
        _ => Some(SmsText::Code {
            purpose,
            code: &code,
            minutes,
        }),
    };
    if let Some(text) = text {
        sms.send(db, &phone, &text.render(), now_ms).await?;
    }
    Ok(CodeSent {
        sent: true,
        expires_in_secs: limits.code_ttl_ms / 1000,
    })
}

/// `POST /api/auth/signup`: creates a driver, trader or resident with the code sent to the
/// phone, signs them in and remembers the device.
pub async fn sign_up(
    db: &D1Database,
    req: SignUpRequest,
    from: &ClientAddress,
    limits: Limits,
    now_ms: i64,
) -> Result<SessionResponse, ApiError> {
    rate_limits::check(
        db,
        &format!("signup:addr:{}", address_key(&from.0)),
        limits.sign_up_per_address,
        now_ms,
    )
    .await?;
    let code = req.code.clone();
    let device = otp::device(req.device_id.as_deref())?;
    let sign_up = SignUp::try_from(req)?;
    // The rules first, so a mistyped password does not use up the code.
    otp::redeem(db, &sign_up.phone, CodePurpose::SignUp, &code, now_ms).await?;
    if find_by_phone(db, &sign_up.phone).await?.is_some() {
        return Err(phone_taken());
    }
    let id = new_account_id()?;
    let password_hash = secrets::hash_password(&sign_up.password).await?;
    let (token, token_hash) = auth::new_token().await?;
    let audit = audit::entry_if_account_exists(
        db,
        now_ms,
        Some(id.as_str()),
        AuditEvent::SignedUp,
        &id,
        json!({ "role": sign_up.role, "phone": sign_up.phone.e164() }),
    )?;
    let session = insert_session(db, &token_hash, id.as_str(), now_ms)?;
    let mut then = vec![audit, session];
    if let Some(device) = &device {
        then.push(otp::remember_device(db, id.as_str(), device, now_ms).await?);
    }
    let created = insert_account(
        db,
        &id,
        &sign_up.phone,
        sign_up.role,
        sign_up.display_name.as_ref().map(|n| n.as_str()),
        &Responsibility::None,
        &password_hash,
        now_ms,
        then,
    )
    .await?;
    if !created {
        return Err(phone_taken());
    }
    session_response(db, &id, token, now_ms).await
}

async fn session_response(
    db: &D1Database,
    id: &AccountId,
    token: String,
    now_ms: i64,
) -> Result<SessionResponse, ApiError> {
    let account = find_by_id(db, id).await?.ok_or_else(ApiError::internal)?;
    Ok(SessionResponse {
        token,
        expires_at_ms: now_ms + SESSION_TTL_MS,
        account: account.to_dto(),
    })
}

/// `POST /api/auth/signin`: the password, then, from a device the account does not know, a
/// code sent to the phone (`code_required`; the same request with the code signs in and
/// remembers the device).
pub async fn sign_in(
    db: &D1Database,
    sms: &Sms,
    req: SignInRequest,
    from: &ClientAddress,
    limits: Limits,
    now_ms: i64,
) -> Result<SessionResponse, ApiError> {
    let phone = PhoneNumber::parse(&req.phone)?;
    let device = otp::device(req.device_id.as_deref())?;
    rate_limits::check(
        db,
        &format!("signin:addr:{}", address_key(&from.0)),
        limits.sign_in_per_address,
        now_ms,
    )
    .await?;
    let account = find_by_phone(db, &phone).await?;
    let known = match &account {
        Some(account) => otp::is_known_device(db, &account.id, device.as_ref()).await?,
        None => false,
    };
    let budget = match PasswordBudget::check(db, &phone, from, known, &limits, now_ms).await {
        Ok(budget) => budget,
        Err(limited) => {
            audit::record(
                db,
                now_ms,
                None,
                AuditEvent::SignInRateLimited,
                Some(phone.e164()),
                json!({ "address": from.0 }),
            )
            .await?;
            return Err(limited);
        }
    };
    if req.password.chars().count() > shared::MAX_PASSWORD_CHARS {
        return Err(invalid_credentials());
    }
    let verified = secrets::verify_password(
        &req.password,
        account.as_ref().map(|a| a.password_hash.as_str()),
    )
    .await?;
    let account = match account {
        Some(account) if verified => account,
        _ => {
            audit::record(
                db,
                now_ms,
                None,
                AuditEvent::SignInFailed,
                Some(phone.e164()),
                json!({ "address": from.0 }),
            )
            .await?;
            return Err(invalid_credentials());
        }
    };
    if account.disabled_at_ms.is_some() {
        return Err(ApiError::from(shared::Error::new(
            ErrorCode::AccountDisabled,
            "this account is disabled",
        )));
    }
    budget.refund(db).await?;
    if !known {
        match req.code.as_deref() {
            Some(code) => otp::redeem(db, &phone, CodePurpose::NewDevice, code, now_ms).await?,
            None => {
                sms.ready()?;
                otp::check_request(db, &phone, CodePurpose::NewDevice, from, &limits, now_ms)
                    .await?;
                let code = otp::create(db, &phone, CodePurpose::NewDevice, &limits, now_ms).await?;
                let text = SmsText::Code {
                    purpose: CodePurpose::NewDevice,
                    code: &code,
                    minutes: (limits.code_ttl_ms + 59_999) / 60_000,
                };
                sms.send(db, &phone, &text.render(), now_ms).await?;
                return Err(ApiError::from(shared::Error::new(
                    ErrorCode::CodeRequired,
                    "a new device: a code was sent to the phone by SMS",
                )));
            }
        }
    }
    let (token, token_hash) = auth::new_token().await?;
    let mut batch = vec![
        insert_session(db, &token_hash, &account.id, now_ms)?,
        audit::entry(
            db,
            now_ms,
            Some(&account.id),
            AuditEvent::SignInSucceeded,
            Some(&account.id),
            json!({ "address": from.0, "new_device": !known }),
        )?,
    ];
    if let Some(device) = &device {
        batch.push(otp::remember_device(db, &account.id, device, now_ms).await?);
    }
    db.batch(batch).await?;
    Ok(SessionResponse {
        token,
        expires_at_ms: now_ms + SESSION_TTL_MS,
        account: account.to_dto(),
    })
}

/// `POST /api/auth/password-reset`: a forgotten password replaced with the code sent to the
/// phone. Every session and known device of the account is dropped; this device is signed
/// in and remembered.
pub async fn reset_password(
    db: &D1Database,
    req: PasswordResetRequest,
    limits: Limits,
    from: &ClientAddress,
    now_ms: i64,
) -> Result<SessionResponse, ApiError> {
    let phone = PhoneNumber::parse(&req.phone)?;
    let device = otp::device(req.device_id.as_deref())?;
    rate_limits::check(
        db,
        &format!("signin:addr:{}", address_key(&from.0)),
        limits.sign_in_per_address,
        now_ms,
    )
    .await?;
    check_new_password(&req.new_password, &phone)?;
    otp::redeem(db, &phone, CodePurpose::ResetPassword, &req.code, now_ms).await?;
    // A phone without an account never got its code; should one be guessed, it still fails.
    let account = find_by_phone(db, &phone)
        .await?
        .ok_or_else(|| ApiError::from(shared::otp::wrong_code()))?;
    if account.disabled_at_ms.is_some() {
        return Err(ApiError::from(shared::Error::new(
            ErrorCode::AccountDisabled,
            "this account is disabled",
        )));
    }
    let new_hash = secrets::hash_password(&req.new_password).await?;
    let (token, token_hash) = auth::new_token().await?;
    let id = account.id.as_str();
    let mut batch = vec![
        db.prepare("UPDATE accounts SET password_hash = ?1 WHERE id = ?2")
            .bind(&[new_hash.as_str().into(), id.into()])?,
        revoke_all(db, id, None, now_ms)?,
        otp::forget_devices(db, id)?,
        insert_session(db, &token_hash, id, now_ms)?,
        audit::entry(
            db,
            now_ms,
            Some(id),
            AuditEvent::PasswordReset,
            Some(id),
            json!({ "address": from.0 }),
        )?,
    ];
    if let Some(device) = &device {
        batch.push(otp::remember_device(db, id, device, now_ms).await?);
    }
    db.batch(batch).await?;
    Ok(SessionResponse {
        token,
        expires_at_ms: now_ms + SESSION_TTL_MS,
        account: account.to_dto(),
    })
}

fn invalid_credentials() -> ApiError {
    ApiError::from(shared::Error::new(
        ErrorCode::InvalidCredentials,
        "the phone number or password is wrong",
    ))
}

/// `POST /api/auth/signout`: ends this session (a repeat changes nothing).
pub async fn sign_out(db: &D1Database, me: &Principal, now_ms: i64) -> Result<Done, ApiError> {
    db.prepare(
        "UPDATE sessions SET revoked_at_ms = ?1 WHERE token_hash = ?2 AND revoked_at_ms IS NULL",
    )
    .bind(&[(now_ms as f64).into(), me.token_hash.as_str().into()])?
    .run()
    .await?;
    Ok(Done { done: true })
}

fn revoke_all(
    db: &D1Database,
    account_id: &str,
    except_token_hash: Option<&str>,
    now_ms: i64,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(db
        .prepare(
            "UPDATE sessions SET revoked_at_ms = ?1
             WHERE account_id = ?2 AND revoked_at_ms IS NULL AND token_hash IS NOT ?3",
        )
        .bind(&[
            (now_ms as f64).into(),
            account_id.into(),
            nullable(except_token_hash),
        ])?)
}

/// `POST /api/auth/signout-all`: ends every session of this account, this one included.
pub async fn sign_out_everywhere(
    db: &D1Database,
    me: &Principal,
    now_ms: i64,
) -> Result<Done, ApiError> {
    let id = me.account_id.as_str();
    db.batch(vec![
        revoke_all(db, id, None, now_ms)?,
        audit::entry(
            db,
            now_ms,
            Some(id),
            AuditEvent::SignedOutEverywhere,
            Some(id),
            json!({}),
        )?,
    ])
    .await?;
    Ok(Done { done: true })
}

/// `POST /api/auth/password`: needs the current password; other sessions are signed out.
pub async fn change_password(
    db: &D1Database,
    me: &Principal,
    req: ChangePasswordRequest,
    from: &ClientAddress,
    limits: Limits,
    now_ms: i64,
) -> Result<Done, ApiError> {
    let account = find_by_id(db, &me.account_id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let phone = PhoneNumber::parse(&account.phone)?;
    check_new_password(&req.new_password, &phone)?;
    // Guesses of the current password count against the same budgets as sign-ins.
    let budget = PasswordBudget::check(db, &phone, from, false, &limits, now_ms).await?;
    if req.current_password.chars().count() > shared::MAX_PASSWORD_CHARS
        || !secrets::verify_password(&req.current_password, Some(&account.password_hash)).await?
    {
        return Err(invalid_credentials());
    }
    budget.refund(db).await?;
    let new_hash = secrets::hash_password(&req.new_password).await?;
    let id = me.account_id.as_str();
    db.batch(vec![
        db.prepare("UPDATE accounts SET password_hash = ?1 WHERE id = ?2")
            .bind(&[new_hash.as_str().into(), id.into()])?,
        revoke_all(db, id, Some(&me.token_hash), now_ms)?,
        audit::entry(
            db,
            now_ms,
            Some(id),
            AuditEvent::PasswordChanged,
            Some(id),
            json!({}),
        )?,
    ])
    .await?;
    Ok(Done { done: true })
}

/// `GET /api/me`
pub async fn me(db: &D1Database, me: &Principal) -> Result<AccountDto, ApiError> {
    Ok(find_by_id(db, &me.account_id)
        .await?
        .ok_or_else(ApiError::internal)?
        .to_dto())
}

/// `GET /api/admin/accounts`: staff accounts first, then by creation.
pub async fn list(db: &D1Database) -> Result<AccountsResponse, ApiError> {
    let rows = db
        .prepare(
            "SELECT * FROM accounts
             ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'officer' THEN 1 WHEN 'yard_operator' THEN 2 ELSE 3 END,
                      created_at_ms DESC LIMIT 500",
        )
        .all()
        .await?
        .results::<AccountRow>()?;
    Ok(AccountsResponse {
        accounts: rows.iter().map(AccountRow::to_dto).collect(),
    })
}

/// `POST /api/admin/accounts`: a staff account bound to an existing yard or gate.
pub async fn create_staff(
    db: &D1Database,
    admin: &Principal,
    req: CreateAccountRequest,
    now_ms: i64,
) -> Result<AccountDto, ApiError> {
    let new = NewStaffAccount::try_from(req)?;
    let binding_exists = match &new.responsibility {
        Responsibility::None => true,
        Responsibility::Yard(yard) => crate::gates::yard_exists(db, yard).await?,
        Responsibility::Gate(gate) => crate::gates::gate_exists(db, gate).await?,
    };
    if !binding_exists {
        return Err(ApiError::from(shared::Error::new(
            ErrorCode::InvalidBinding,
            "no such yard or gate",
        )));
    }
    if find_by_phone(db, &new.phone).await?.is_some() {
        return Err(phone_taken());
    }
    let id = new_account_id()?;
    let password_hash = secrets::hash_password(&new.password).await?;
    let audit = audit::entry_if_account_exists(
        db,
        now_ms,
        Some(admin.account_id.as_str()),
        AuditEvent::AccountCreated,
        &id,
        json!({
            "role": new.role,
            "yard_id": new.responsibility.yard().map(|y| y.as_str()),
            "gate_id": new.responsibility.gate().map(|g| g.as_str()),
        }),
    )?;
    let created = insert_account(
        db,
        &id,
        &new.phone,
        new.role,
        Some(new.display_name.as_str()),
        &new.responsibility,
        &password_hash,
        now_ms,
        vec![audit],
    )
    .await?;
    if !created {
        return Err(phone_taken());
    }
    Ok(find_by_id(db, &id)
        .await?
        .ok_or_else(ApiError::internal)?
        .to_dto())
}

/// `POST /api/admin/accounts/{account_id}/disable` and `/enable`. Disabling signs the account
/// out everywhere at once. Repeats change nothing (and write no second audit entry).
pub async fn set_disabled(
    db: &D1Database,
    admin: &Principal,
    target: &AccountId,
    disabled: bool,
    now_ms: i64,
) -> Result<AccountDto, ApiError> {
    if disabled && *target == admin.account_id {
        return Err(ApiError::from(shared::Error::new(
            ErrorCode::Forbidden,
            "admins cannot disable their own account",
        )));
    }
    let account = find_by_id(db, target)
        .await?
        .ok_or_else(|| ApiError::not_found("no such account"))?;
    if account.disabled_at_ms.is_some() != disabled {
        let id = target.as_str();
        let update = if disabled {
            db.prepare("UPDATE accounts SET disabled_at_ms = ?1 WHERE id = ?2")
                .bind(&[(now_ms as f64).into(), id.into()])?
        } else {
            db.prepare("UPDATE accounts SET disabled_at_ms = NULL WHERE id = ?1")
                .bind(&[id.into()])?
        };
        let event = if disabled {
            AuditEvent::AccountDisabled
        } else {
            AuditEvent::AccountEnabled
        };
        let mut batch = vec![
            update,
            audit::entry(
                db,
                now_ms,
                Some(admin.account_id.as_str()),
                event,
                Some(id),
                json!({}),
            )?,
        ];
        if disabled {
            batch.push(revoke_all(db, id, None, now_ms)?);
            // Its passes stop verifying at once (the yards release its bookings next:
            // `disabling::withdraw`).
            batch.extend(
                crate::passes::revoke_for_account(
                    db,
                    target,
                    crate::passes::RevokedBecause::Disabled,
                    now_ms,
                )
                .await?,
            );
        }
        db.batch(batch).await?;
    }
    Ok(find_by_id(db, target)
        .await?
        .ok_or_else(ApiError::internal)?
        .to_dto())
}
