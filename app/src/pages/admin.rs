//! The admin's screen: staff accounts bound to their yard or gate, disabling and enabling
//! accounts, and the security log.

use crate::api;
use crate::components::{FormMessage, FormStatus, RequireRole, TextField};
use crate::directory;
use crate::i18n::{audit_event_key, role_key, use_i18n, Key};
use leptos::prelude::*;
use shared::time::LocalDateTime;
use shared::wire::v1::{AccountDto, AuditEntryDto, CreateAccountRequest};
use shared::{AccountId, PhoneNumber, Role};

const STAFF_ROLES: [Role; 3] = [Role::Officer, Role::YardOperator, Role::Admin];

#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::Admin]>
            <AdminScreen/>
        </RequireRole>
    }
}

#[component]
fn AdminScreen() -> impl IntoView {
    let i18n = use_i18n();
    // Bumped after every change, so the lists reload.
    let changes = RwSignal::new(0u32);
    let accounts = LocalResource::new(move || {
        changes.track();
        async move { api::admin_accounts().await.map(|r| r.accounts) }
    });
    let audit = LocalResource::new(move || {
        changes.track();
        async move { api::admin_audit_log().await.map(|r| r.entries) }
    });
    view! {
        <section class="page admin">
            <h1>{move || i18n.t(Key::AdminTitle)}</h1>
            <CreateStaffForm changes/>
            <h2>{move || i18n.t(Key::AdminAccountsTitle)}</h2>
            {move || match accounts.get() {
                None => view! { <p class="status">{i18n.t(Key::CommonLoading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{i18n.error_message(e.code())}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="account-list" data-testid="account-list">
                        {list.into_iter().map(|a| view! { <AccountRow account=a changes/> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
            <h2>{move || i18n.t(Key::AdminAuditTitle)}</h2>
            {move || match audit.get() {
                None => view! { <p class="status">{i18n.t(Key::CommonLoading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{i18n.error_message(e.code())}</p> }.into_any(),
                Some(Ok(entries)) => view! {
                    <ol class="audit-log" data-testid="audit-log">
                        {entries.into_iter().map(|e| view! { <AuditRow entry=e/> }).collect_view()}
                    </ol>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn AccountRow(account: AccountDto, changes: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(FormStatus::Idle);
    let name = account.display_name.clone();
    let name_for_label = name.clone();
    let phone = PhoneNumber::parse(&account.phone)
        .map(|p| p.display())
        .unwrap_or(account.phone.clone());
    let binding = account.yard_id.clone().or(account.gate_id.clone());
    let disabled = account.disabled;
    let id = account.id.clone();
    let toggle = move |_| {
        let Ok(id) = AccountId::parse(&id) else {
            return;
        };
        status.set(FormStatus::Working);
        leptos::task::spawn_local(async move {
            match api::admin_set_disabled(&id, !disabled).await {
                Ok(_) => {
                    status.set(FormStatus::Idle);
                    changes.update(|n| *n += 1);
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };
    let label = move || {
        let who = name_for_label
            .clone()
            .unwrap_or_else(|| i18n.t(Key::AdminNoName).to_owned());
        i18n.t_with(
            if disabled {
                Key::AdminEnableNamed
            } else {
                Key::AdminDisableNamed
            },
            &[("name", &who)],
        )
    };
    view! {
        <li class="account-row" class:disabled=disabled data-phone=account.phone.clone()>
            <div>
                <strong>{move || name.clone().unwrap_or_else(|| i18n.t(Key::AdminNoName).to_owned())}</strong>
                <span class="muted">{phone.clone()}</span>
                <span>{move || i18n.t(role_key(account.role))}{binding.clone().map(|b| format!(" · {b}"))}</span>
                <span class="account-status">
                    {move || i18n.t(if disabled { Key::AdminStatusDisabled } else { Key::AdminStatusActive })}
                </span>
            </div>
            <button type="button" class="secondary" aria-label=label on:click=toggle>
                {move || i18n.t(if disabled { Key::AdminEnable } else { Key::AdminDisable })}
            </button>
            <FormMessage status/>
        </li>
    }
}

#[component]
fn AuditRow(entry: AuditEntryDto) -> impl IntoView {
    let i18n = use_i18n();
    let when = LocalDateTime::from_unix_ms(entry.at_ms).date_time_string();
    let key = audit_event_key(&entry.event);
    view! {
        <li data-event=entry.event.clone()>
            <time>{when}</time>
            " "
            <strong>{move || i18n.t(key)}</strong>
            {entry.actor_id.clone().map(|actor| view! {
                " " <span class="muted">{move || i18n.t_with(Key::AdminAuditBy, &[("actor", &actor)])}</span>
            })}
            {entry.subject.clone().map(|subject| view! {
                " " <span class="muted">{move || i18n.t_with(Key::AdminAuditAbout, &[("subject", &subject)])}</span>
            })}
        </li>
    }
}

#[component]
fn CreateStaffForm(changes: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let role = RwSignal::new(Role::Officer);
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let gate = RwSignal::new(String::new());
    let yard = RwSignal::new(String::new());
    let status = RwSignal::new(FormStatus::Idle);
    let gates = LocalResource::new(directory::load_gates);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = role.get_untracked();
        let request = CreateAccountRequest {
            phone: phone.get_untracked(),
            password: password.get_untracked(),
            role: chosen.as_str().to_owned(),
            display_name: name.get_untracked(),
            yard_id: (chosen == Role::YardOperator)
                .then(|| yard.get_untracked())
                .filter(|y| !y.is_empty()),
            gate_id: (chosen == Role::Officer)
                .then(|| gate.get_untracked())
                .filter(|g| !g.is_empty()),
        };
        status.set(FormStatus::Working);
        leptos::task::spawn_local(async move {
            match api::admin_create_account(&request).await {
                Ok(created) => {
                    let who = created.display_name.unwrap_or_default();
                    status.set(FormStatus::Done(
                        i18n.t_with(Key::AdminCreated, &[("name", &who)]),
                    ));
                    for field in [name, phone, password] {
                        field.set(String::new());
                    }
                    changes.update(|n| *n += 1);
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };

    view! {
        <form class="card" on:submit=submit novalidate data-testid="create-staff">
            <h2>{move || i18n.t(Key::AdminCreateTitle)}</h2>
            <div class="field">
                <label for="staff-role">{move || i18n.t(Key::AdminStaffRole)}</label>
                <select id="staff-role" on:change=move |ev| {
                    if let Ok(r) = event_target_value(&ev).parse::<Role>() { role.set(r) }
                }>
                    {STAFF_ROLES.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r>{move || i18n.t(role_key(r))}</option>
                    }).collect_view()}
                </select>
            </div>
            <Show when=move || role.get() == Role::Officer>
                <div class="field">
                    <label for="staff-gate">{move || i18n.t(Key::AdminGate)}</label>
                    <select id="staff-gate" on:change=move |ev| gate.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Key::AdminChoose)}</option>
                        {move || gates.get().unwrap_or_default().into_iter().map(|g| {
                            let id = g.id.to_string();
                            view! { <option value=id.clone() selected=move || gate.get() == id>{g.name.get(i18n.lang()).to_owned()}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </Show>
            <Show when=move || role.get() == Role::YardOperator>
                <div class="field">
                    <label for="staff-yard">{move || i18n.t(Key::AdminYard)}</label>
                    <select id="staff-yard" on:change=move |ev| yard.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Key::AdminChoose)}</option>
                        {move || gates.get().unwrap_or_default().into_iter().flat_map(|g| {
                            let gate_name = g.name.get(i18n.lang()).to_owned();
                            g.yards.into_iter().map(move |y| {
                                let id = y.id.to_string();
                                let label = format!("{} — {}", y.name.get(i18n.lang()), gate_name);
                                view! { <option value=id.clone() selected=move || yard.get() == id>{label}</option> }
                            })
                        }).collect_view()}
                    </select>
                </div>
            </Show>
            <TextField id="staff-name" label=Key::AdminFullName value=name autocomplete="off"/>
            <TextField id="staff-phone" label=Key::AuthPhoneLabel value=phone input_type="tel" inputmode="tel" hint=Key::AuthPhoneHint/>
            <TextField id="staff-password" label=Key::AdminInitialPassword value=password
                input_type="password" autocomplete="new-password" hint=Key::AuthPasswordHint/>
            <FormMessage status/>
            <button type="submit">{move || i18n.t(Key::AdminCreate)}</button>
        </form>
    }
}
