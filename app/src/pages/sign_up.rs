//! Self sign-up for drivers, trading households and border residents, in two steps: the form
//! (checked here first), then the code the edge sent to the phone by SMS.

use crate::api;
use crate::auth_flow::open_session;
use crate::components::{CodeField, FormMessage, FormStatus, TextField};
use crate::i18n::{role_key, use_i18n, Key};
use crate::routes::Route;
use crate::state::{use_connectivity, use_session};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::wire::v1::{CodeRequest, SignUpRequest};
use shared::Role;

const SELF_SERVICE: [Role; 3] = [Role::Driver, Role::Trader, Role::Resident];

#[component]
pub fn SignUpPage() -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let session = use_session();
    let navigate = use_navigate();
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Driver);
    let code = RwSignal::new(String::new());
    // Minutes the code is valid, once one was sent (the second step).
    let code_minutes = RwSignal::new(None::<i64>);
    let status = RwSignal::new(FormStatus::Idle);

    let request = move || SignUpRequest {
        phone: phone.get_untracked(),
        password: password.get_untracked(),
        role: role.get_untracked().as_str().to_owned(),
        display_name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
        code: code.get_untracked(),
        device_id: crate::offline::prefs::device_id(),
    };
    let send_code = move || {
        // The same rules as the edge, for an instant answer; the edge decides.
        if let Err(e) = shared::wire::v1::SignUp::try_from(request()) {
            status.set(FormStatus::Failed(e));
            return;
        }
        status.set(FormStatus::Working);
        let ask = CodeRequest {
            phone: phone.get_untracked(),
            purpose: "sign_up".into(),
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
        status.set(FormStatus::Working);
        let request = request();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::sign_up(&request).await {
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
            <h1>{move || i18n.t(Key::AuthSignUpTitle)}</h1>
            <Show when=move || !connectivity.is_online()>
                <p class="notice">{move || i18n.t(Key::AuthNeedsNetwork)}</p>
            </Show>
            <form on:submit=submit novalidate>
                <fieldset class="choices" disabled=code_step>
                    <legend>{move || i18n.t(Key::AuthRoleLabel)}</legend>
                    {SELF_SERVICE
                        .into_iter()
                        .map(|r| {
                            let id = format!("role-{}", r.as_str());
                            view! {
                                <div class="choice">
                                    <input type="radio" name="role" id=id.clone() value=r.as_str()
                                        prop:checked=move || role.get() == r
                                        on:change=move |_| role.set(r)/>
                                    <label for=id>{move || i18n.t(role_key(r))}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <fieldset class="plain" disabled=code_step>
                    <TextField id="phone" label=Key::AuthPhoneLabel value=phone input_type="tel"
                        autocomplete="username" inputmode="tel" hint=Key::AuthPhoneHint/>
                    <TextField id="password" label=Key::AuthPasswordLabel value=password
                        input_type="password" autocomplete="new-password" hint=Key::AuthPasswordHint/>
                    <TextField id="name" label=Key::AuthNameLabel value=name autocomplete="name" required=false/>
                </fieldset>
                <Show when=code_step>
                    <p class="notice" role="status" data-testid="code-sent">
                        {move || i18n.t_with(Key::AuthCodeSentSignUp, &[("phone", &phone.get())])}
                    </p>
                    <CodeField value=code phone
                        minutes=code_minutes.get_untracked().unwrap_or(10).to_string()/>
                </Show>
                <FormMessage status/>
                <button type="submit" disabled=move || status.get() == FormStatus::Working>
                    {move || i18n.t(if code_step() { Key::AuthSubmitSignUp } else { Key::AuthSubmitSendCode })}
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
