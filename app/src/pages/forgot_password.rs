//! "Forgot password": a code sent to the account's phone by SMS, then a new password. Every
//! other session of the account ends; this phone is signed in.

use crate::api;
use crate::auth_flow::open_session;
use crate::components::{CodeField, FormMessage, FormStatus, TextField};
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use crate::state::{use_connectivity, use_session};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::wire::v1::{CodeRequest, PasswordResetRequest};
use shared::PhoneNumber;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let session = use_session();
    let navigate = use_navigate();
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let code_minutes = RwSignal::new(None::<i64>);
    let status = RwSignal::new(FormStatus::Idle);

    let send_code = move || {
        if let Err(e) = PhoneNumber::parse(&phone.get_untracked()) {
            status.set(FormStatus::Failed(e));
            return;
        }
        status.set(FormStatus::Working);
        let ask = CodeRequest {
            phone: phone.get_untracked(),
            purpose: "reset_password".into(),
        };
        leptos::task::spawn_local(async move {
            match api::request_code(&ask).await {
                Ok(sent) => {
                    code.set(String::new());
                    code_minutes.set(Some((sent.expires_in_secs + 59) / 60));
                    status.set(FormStatus::Idle);
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if code_minutes.get_untracked().is_none() {
            send_code();
            return;
        }
        let request = PasswordResetRequest {
            phone: phone.get_untracked(),
            code: code.get_untracked(),
            new_password: new_password.get_untracked(),
            device_id: crate::offline::prefs::device_id(),
        };
        if let Err(e) = PhoneNumber::parse(&request.phone)
            .and_then(|p| shared::check_new_password(&request.new_password, &p))
        {
            status.set(FormStatus::Failed(e));
            return;
        }
        status.set(FormStatus::Working);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::reset_password(&request).await {
                Ok(response) => {
                    status.set(FormStatus::Idle);
                    open_session(session, response, navigate).await;
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };
    let code_step = move || code_minutes.get().is_some();

    view! {
        <section class="page auth">
            <h1>{move || i18n.t(Key::AuthForgotTitle)}</h1>
            <Show when=move || !connectivity.is_online()>
                <p class="notice">{move || i18n.t(Key::AuthNeedsNetwork)}</p>
            </Show>
            <p>{move || i18n.t(Key::AuthForgotIntro)}</p>
            <form on:submit=submit novalidate>
                <fieldset class="plain" disabled=code_step>
                    <TextField id="phone" label=Key::AuthPhoneLabel value=phone input_type="tel"
                        autocomplete="username" inputmode="tel" hint=Key::AuthPhoneHint/>
                </fieldset>
                <Show when=code_step>
                    <p class="notice" role="status" data-testid="code-sent">
                        {move || i18n.t_with(Key::AuthCodeSentReset, &[("phone", &phone.get())])}
                    </p>
                    <CodeField value=code phone
                        minutes=code_minutes.get_untracked().unwrap_or(10).to_string()/>
                    <TextField id="new-password" label=Key::AuthNewPassword value=new_password
                        input_type="password" autocomplete="new-password" hint=Key::AuthPasswordHint/>
                </Show>
                <FormMessage status/>
                <button type="submit" disabled=move || status.get() == FormStatus::Working>
                    {move || i18n.t(if code_step() { Key::AuthSubmitReset } else { Key::AuthSubmitSendCode })}
                </button>
                <Show when=code_step>
                    <div class="actions">
                        <button type="button" class="secondary" on:click=move |_| send_code()
                            disabled=move || status.get() == FormStatus::Working>
                            {move || i18n.t(Key::AuthResendCode)}
                        </button>
                        <button type="button" class="secondary" on:click=move |_| {
                            code_minutes.set(None);
                            status.set(FormStatus::Idle);
                        }>
                            {move || i18n.t(Key::AuthChangePhone)}
                        </button>
                    </div>
                </Show>
            </form>
            <p><a href=Route::SignIn.href()>{move || i18n.t(Key::AuthHaveAccount)}</a></p>
        </section>
    }
}
