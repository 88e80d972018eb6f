//! The last step of every way into an account (signing in, signing up, resetting a forgotten
//! password): the new session is kept on the phone, then the account's home screen opens.

use crate::components::home_for;
use crate::offline::session_store::StoredSession;
use crate::state::Session;
use leptos_router::NavigateOptions;
use shared::wire::v1::SessionResponse;

/// Keeps a new session on the phone, then opens the account's home screen.
pub async fn open_session(
    session: Session,
    response: SessionResponse,
    navigate: impl Fn(&str, NavigateOptions),
) {
    let home = home_for(response.account.role);
    session
        .signed_in(StoredSession {
            token: response.token,
            expires_at_ms: response.expires_at_ms,
            account: response.account,
        })
        .await;
    navigate(&home.href(), NavigateOptions::default());
}
