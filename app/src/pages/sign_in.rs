//! Sign in with a phone number and password.

use crate::api;
use crate::components::{home_for, FormMessage, FormStatus, TextField};
use crate::i18n::{use_i18n, Key};
use crate::offline::session_store::StoredSession;
use crate::state::{use_connectivity, use_session, Session};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use shared::wire::v1::{SessionResponse, SignInRequest};

/// Keeps a new session on the phone, then opens the account's home screen.
pub(super) async fn open_session(
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
    navigate(home, NavigateOptions::default());
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let status = RwSignal::new(FormStatus::Idle);
    let session = use_session();
    let navigate = use_navigate();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(FormStatus::Working);
        let request = SignInRequest {
            phone: phone.get_untracked(),
            password: password.get_untracked(),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::sign_in(&request).await {
                Ok(response) => {
                    status.set(FormStatus::Idle);
                    open_session(session, response, navigate).await;
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };

    view! {
        <section class="page auth">
            <h1>{move || i18n.t(Key::AuthSignInTitle)}</h1>
            <Show when=move || !connectivity.is_online()>
                <p class="notice">{move || i18n.t(Key::AuthNeedsNetwork)}</p>
            </Show>
            <form on:submit=submit novalidate>
                <TextField id="phone" label=Key::AuthPhoneLabel value=phone input_type="tel"
                    autocomplete="username" inputmode="tel" hint=Key::AuthPhoneHint/>
                <TextField id="password" label=Key::AuthPasswordLabel value=password
                    input_type="password" autocomplete="current-password"/>
                <FormMessage status/>
                <button type="submit" disabled=move || status.get() == FormStatus::Working>
                    {move || i18n.t(Key::AuthSubmitSignIn)}
                </button>
            </form>
            <p><a href="/signup">{move || i18n.t(Key::AuthNoAccount)}</a></p>
        </section>
    }
}
