//! The signed-in person's account: who they are, password, signing out (which clears the
//! account's saved data from the phone, asking first if writes are still waiting).

use crate::api;
use crate::components::{FormMessage, FormStatus, RequireRole, TextField};
use crate::i18n::{role_key, use_i18n, Key};
use crate::routes::Route;
use crate::state::{use_connectivity, use_session, Connectivity};
use crate::sync;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::wire::v1::ChangePasswordRequest;
use shared::{ErrorCode, PhoneNumber, Role};

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <RequireRole roles=&Role::ALL>
            <AccountDetails/>
        </RequireRole>
    }
}

#[component]
fn AccountDetails() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let connectivity = use_connectivity();
    let navigate = use_navigate();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let status = RwSignal::new(FormStatus::Idle);
    let sign_out_status = RwSignal::new(FormStatus::Idle);

    let account = move || session.account();
    let phone = move || {
        account()
            .and_then(|a| PhoneNumber::parse(&a.phone).ok())
            .map(|p| p.display())
            .unwrap_or_default()
    };

    let change_password = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(FormStatus::Working);
        let request = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::change_password(&request).await {
                Ok(_) => {
                    current.set(String::new());
                    new.set(String::new());
                    status.set(FormStatus::Done(
                        i18n.t(Key::AuthPasswordChanged).to_owned(),
                    ));
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };

    let sign_out = move |everywhere: bool| {
        let navigate = navigate.clone();
        sign_out_status.set(FormStatus::Working);
        leptos::task::spawn_local(async move {
            let account_id = session.account_untracked().map(|a| a.id);
            // Signing out clears the account's trips, passes and outbox from this phone (it
            // may be shared): waiting writes are sent first, and the person is asked before
            // any that could not be is lost.
            if let Some(id) = &account_id {
                let online = Connectivity::current_online().unwrap_or(false);
                match sync::waiting_writes(id, online).await {
                    Ok(0) => {}
                    Ok(waiting) => {
                        let question = i18n.t_with(
                            Key::AuthSignOutWaitingConfirm,
                            &[("count", &waiting.to_string())],
                        );
                        let agreed = window().confirm_with_message(&question).unwrap_or(false);
                        if !agreed {
                            sign_out_status.set(FormStatus::Idle);
                            return;
                        }
                    }
                    Err(e) => {
                        leptos::logging::warn!("could not read the outbox before signing out: {e}");
                        sign_out_status.set(FormStatus::Failed(shared::Error::new(
                            ErrorCode::Internal,
                            e,
                        )));
                        return;
                    }
                }
            }
            let result = if everywhere {
                api::sign_out_everywhere().await
            } else {
                api::sign_out().await
            };
            match result {
                Ok(_) => {}
                // The edge already ended this session: the API layer has reported it, and the
                // app asks to sign in again. The person asked to sign out: their data goes.
                Err(e)
                    if matches!(
                        e.code(),
                        ErrorCode::SessionExpired
                            | ErrorCode::Unauthenticated
                            | ErrorCode::AccountDisabled
                    ) =>
                {
                    if let Some(id) = &account_id {
                        sync::forget_account(id).await;
                    }
                    sign_out_status.set(FormStatus::Idle);
                    return;
                }
                // Offline, signing out of this phone still forgets the session here (a shared
                // phone must not stay signed in); signing out everywhere needs the edge.
                Err(e) if e.code() == ErrorCode::Network && !everywhere => {}
                Err(e) => {
                    sign_out_status.set(FormStatus::Failed(e));
                    return;
                }
            }
            if let Some(id) = &account_id {
                sync::forget_account(id).await;
            }
            session.signed_out(false).await;
            sign_out_status.set(FormStatus::Idle);
            navigate(&Route::Home.href(), Default::default());
        });
    };
    let sign_out_here = sign_out.clone();

    view! {
        <section class="page account">
            <h1>{move || i18n.t(Key::AuthAccountTitle)}</h1>
            <Show when=move || !connectivity.is_online()>
                <p class="notice">{move || i18n.t(Key::AuthOfflineAccount)}</p>
            </Show>
            <div class="card" data-testid="account-card">
                <h2>{move || account().and_then(|a| a.display_name).unwrap_or_default()}</h2>
                <p>{move || i18n.t_with(Key::AuthPhoneLine, &[("phone", &phone())])}</p>
                <p data-testid="account-role">
                    {move || {
                        let role = account().map(|a| i18n.t(role_key(a.role))).unwrap_or_default();
                        i18n.t_with(Key::AuthRoleLine, &[("role", role)])
                    }}
                </p>
            </div>
            <div class="actions">
                <button type="button" on:click=move |_| sign_out_here(false)>
                    {move || i18n.t(Key::AuthSignOut)}
                </button>
                <button type="button" class="secondary" on:click=move |_| sign_out(true)>
                    {move || i18n.t(Key::AuthSignOutEverywhere)}
                </button>
            </div>
            <FormMessage status=sign_out_status/>
            <h2>{move || i18n.t(Key::AuthChangePasswordTitle)}</h2>
            <form on:submit=change_password novalidate>
                <TextField id="current-password" label=Key::AuthCurrentPassword value=current
                    input_type="password" autocomplete="current-password"/>
                <TextField id="new-password" label=Key::AuthNewPassword value=new
                    input_type="password" autocomplete="new-password" hint=Key::AuthPasswordHint/>
                <FormMessage status/>
                <button type="submit">{move || i18n.t(Key::AuthSubmitChangePassword)}</button>
            </form>
        </section>
    }
}
