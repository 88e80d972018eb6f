//! Self sign-up for drivers, trading households and border residents.

use crate::api;
use crate::components::{FormMessage, FormStatus, TextField};
use crate::i18n::{role_key, use_i18n, Key};
use crate::state::{use_connectivity, use_session};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::wire::v1::SignUpRequest;
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
    let status = RwSignal::new(FormStatus::Idle);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The same rules as the edge, for an instant answer; the edge decides.
        let request = SignUpRequest {
            phone: phone.get_untracked(),
            password: password.get_untracked(),
            role: role.get_untracked().as_str().to_owned(),
            display_name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        if let Err(e) = shared::wire::v1::SignUp::try_from(request.clone()) {
            status.set(FormStatus::Failed(e));
            return;
        }
        status.set(FormStatus::Working);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::sign_up(&request).await {
                Ok(response) => {
                    status.set(FormStatus::Idle);
                    super::sign_in::open_session(session, response, navigate).await;
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };

    view! {
        <section class="page auth">
            <h1>{move || i18n.t(Key::AuthSignUpTitle)}</h1>
            <Show when=move || !connectivity.is_online()>
                <p class="notice">{move || i18n.t(Key::AuthNeedsNetwork)}</p>
            </Show>
            <form on:submit=submit novalidate>
                <fieldset class="choices">
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
                <TextField id="phone" label=Key::AuthPhoneLabel value=phone input_type="tel"
                    autocomplete="username" inputmode="tel" hint=Key::AuthPhoneHint/>
                <TextField id="password" label=Key::AuthPasswordLabel value=password
                    input_type="password" autocomplete="new-password" hint=Key::AuthPasswordHint/>
                <TextField id="name" label=Key::AuthNameLabel value=name autocomplete="name" required=false/>
                <FormMessage status/>
                <button type="submit" disabled=move || status.get() == FormStatus::Working>
                    {move || i18n.t(Key::AuthSubmitSignUp)}
                </button>
            </form>
            <p><a href="/signin">{move || i18n.t(Key::AuthHaveAccount)}</a></p>
        </section>
    }
}
