//! The signed-in session kept on the phone, so people stay signed in offline and across
//! restarts. A session that ends by itself (expired, signed out elsewhere) removes only this:
//! the person signs in again and finds their trips and waiting writes. Signing out of this
//! phone also clears the account's saved data (`crate::sync::forget_account`).

use super::db;
use serde::{Deserialize, Serialize};
use shared::wire::v1::AccountDto;

const CURRENT: &str = "current";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSession {
    pub token: String,
    pub expires_at_ms: i64,
    pub account: AccountDto,
}

pub async fn load() -> Option<StoredSession> {
    match db::get(db::SESSION, CURRENT).await {
        Ok(session) => session,
        Err(e) => {
            leptos::logging::warn!("could not read the saved session: {e}");
            None
        }
    }
}

pub async fn save(session: &StoredSession) {
    if let Err(e) = db::put(db::SESSION, CURRENT, session).await {
        leptos::logging::warn!("could not save the session: {e}");
    }
}

pub async fn clear() {
    if let Err(e) = db::delete(db::SESSION, CURRENT).await {
        leptos::logging::warn!("could not remove the saved session: {e}");
    }
}
