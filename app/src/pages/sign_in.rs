//! Sign in with a phone number and password; on a device the account does not know yet, with
//! the code the edge then sends by SMS too.

use crate::api;
use crate::auth_flow::open_session;
use crate::components::{CodeField, FormMessage, FormStatus, TextField};
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use crate::state::{use_connectivity, use_session};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::otp::CODE_TTL_MS;
use shared::wire::v1::SignInRequest;
use shared::ErrorCode;

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    // Set when the edge asked for a code: this device is new for the account.
    let needs_code = RwSignal::new(false);
    let status = RwSignal::new(FormStatus::Idle);
    let session = use_session();
    let navigate = use_navigate();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(FormStatus::Working);
        let request = SignInRequest {
            phone: phone.get_untracked(),
            password: password.get_untracked(),
            device_id: crate::offline::prefs::device_id(),
            code: Some(code.get_untracked()).filter(|_| needs_code.get_untracked()),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::sign_in(&request).await {
                Ok(response) => {
                    status.set(FormStatus::Idle);
                    open_session(session, response, navigate).await;
                }
                Err(e) if e.code() == ErrorCode::CodeRequired => {
                    needs_code.set(true);
                    status.set(FormStatus::Idle);
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };
    let minutes = (CODE_TTL_MS / 60_000).to_string();

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
                <Show when=move || needs_code.get()>
                    <p class="notice" role="status" data-testid="code-sent">
                        {move || i18n.t_with(Key::AuthCodeSentNewDevice, &[("phone", &phone.get())])}
                    </p>
                    <CodeField value=code phone minutes=minutes.clone()/>
                </Show>
                <FormMessage status/>
                <button type="submit" disabled=move || status.get() == FormStatus::Working>
                    {move || i18n.t(if needs_code.get() { Key::AuthSubmitVerify } else { Key::AuthSubmitSignIn })}
                </button>
            </form>
            <p><a href=Route::ForgotPassword.href()>{move || i18n.t(Key::AuthForgotPassword)}</a></p>
            <p><a href=Route::SignUp.href()>{move || i18n.t(Key::AuthNoAccount)}</a></p>
        </section>
    }
}
