//! The officer's border residents (`/officer/residents`): the applications of their gate to
//! approve or refuse, the approved residents to suspend or revoke, the suspended ones to
//! reinstate or revoke. A refusal, a suspension and a revocation need a reason, and the last
//! two a confirming tap.
//!
//! The list is `GET /api/residents`, the same answer the phone keeps as its offline roster
//! for scanning resident passes ([`crate::sync::refresh_roster`]): opening this screen online
//! refreshes both. Offline the saved list is shown and decisions wait for a network.

use crate::components::RequireRole;
use crate::i18n::{use_i18n, Key};
use crate::offline::trust_store;
use crate::state::{use_connectivity, use_session};
use crate::sync::{self, use_sync};
use crate::{api, i18n::I18n};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::resident::{BorderCommunes, ResidentDecision, ResidentStatus};
use shared::time::{day_start_ms, parse_iso_day, LocalDateTime};
use shared::wire::v1::{ResidentDecisionDto, ResidentDto};
use shared::Role;

#[component]
pub fn OfficerResidentsPage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::Officer]>
            <OfficerResidents/>
        </RequireRole>
    }
}

fn status_key(status: ResidentStatus) -> Key {
    match status {
        ResidentStatus::Pending => Key::OfficerResidentsStatusPending,
        ResidentStatus::Refused => Key::OfficerResidentsStatusRefused,
        ResidentStatus::Approved => Key::OfficerResidentsStatusApproved,
        ResidentStatus::Suspended => Key::OfficerResidentsStatusSuspended,
        ResidentStatus::Revoked => Key::OfficerResidentsStatusRevoked,
    }
}

fn decision_key(decision: ResidentDecision) -> Key {
    match decision {
        ResidentDecision::Approve => Key::OfficerResidentsApprove,
        ResidentDecision::Refuse => Key::OfficerResidentsRefuse,
        ResidentDecision::Suspend => Key::OfficerResidentsSuspend,
        ResidentDecision::Reinstate => Key::OfficerResidentsReinstate,
        ResidentDecision::Revoke => Key::OfficerResidentsRevoke,
    }
}

fn confirm_key(decision: ResidentDecision) -> Key {
    match decision {
        ResidentDecision::Refuse => Key::OfficerResidentsConfirmRefuse,
        ResidentDecision::Suspend => Key::OfficerResidentsConfirmSuspend,
        _ => Key::OfficerResidentsConfirmRevoke,
    }
}

/// The decisions an officer can take from `status`, in the order the buttons show.
fn decisions_from(status: ResidentStatus) -> &'static [ResidentDecision] {
    use ResidentDecision as D;
    match status {
        ResidentStatus::Pending => &[D::Approve, D::Refuse],
        ResidentStatus::Approved => &[D::Suspend, D::Revoke],
        ResidentStatus::Suspended => &[D::Reinstate, D::Revoke],
        ResidentStatus::Refused | ResidentStatus::Revoked => &[],
    }
}

fn date_of_ms(ms: i64) -> String {
    LocalDateTime::from_unix_ms(ms).date_string()
}

fn date_of_iso(iso: &str) -> String {
    parse_iso_day(iso)
        .map(|day| date_of_ms(day_start_ms(day)))
        .unwrap_or_else(|| iso.to_owned())
}

fn commune_name(id: &str) -> String {
    BorderCommunes::current()
        .get(id)
        .map(|c| format!("{}, {}", c.name, c.district))
        .unwrap_or_else(|_| id.to_owned())
}

/// What the last decision gave, shown above the list.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    Done {
        name: String,
        status: ResidentStatus,
    },
    Failed(shared::Error),
}

#[component]
fn OfficerResidents() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let connectivity = use_connectivity();
    let sync_state = use_sync();
    let roster = sync_state.roster;
    let load_error = RwSignal::new(None::<shared::Error>);
    let notice = RwSignal::new(None::<Notice>);
    let has_gate = session.account().and_then(|a| a.gate_id).is_some();

    // A fresh list whenever online (it is also the phone's offline roster).
    Effect::new(move |_| {
        if !connectivity.is_online() {
            return;
        }
        spawn_local(async move {
            let result = sync::refresh_roster().await;
            let _ = load_error.try_set(result.err());
        });
    });

    let list_of = move |wanted: &'static [ResidentStatus]| {
        roster.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.residents
                        .iter()
                        .filter(|res| wanted.contains(&res.status))
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };

    let as_of = move || {
        roster.get().map(|r| {
            let at = LocalDateTime::from_unix_ms(r.fetched_at_ms).date_time_string();
            view! {
                <p class="muted" data-testid="residents-as-of" data-fetched-at=r.fetched_at_ms.to_string()>
                    {i18n.t_with(Key::OfficerResidentsAsOf, &[("time", &at)])}
                </p>
            }
        })
    };

    let section = move |title: Key, testid: &'static str, wanted: &'static [ResidentStatus]| {
        view! {
            <section class="card residents-section" data-testid=testid>
                <h2>{move || i18n.t(title)}</h2>
                {move || {
                    let list = list_of(wanted);
                    if list.is_empty() {
                        view! { <p class="muted">{i18n.t(Key::OfficerResidentsNone)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="resident-list">
                                {list.into_iter().map(|r| view! { <ResidentRow resident=r notice/> }).collect_view()}
                            </ul>
                        }
                        .into_any()
                    }
                }}
            </section>
        }
    };

    view! {
        <section class="page officer-residents" data-testid="officer-residents">
            <h1>{move || i18n.t(Key::OfficerResidentsTitle)}</h1>
            <p class="intro">{move || i18n.t(Key::OfficerResidentsIntro)}</p>
            {(!has_gate).then(|| view! {
                <p class="notice" data-testid="residents-no-gate">{move || i18n.t(Key::OfficerResidentsNoGate)}</p>
            })}
            {as_of}
            {move || (!connectivity.is_online()).then(|| view! {
                <p class="notice" data-testid="residents-offline">{i18n.t(Key::OfficerResidentsOffline)}</p>
            })}
            {move || (roster.with(Option::is_none) && load_error.with(Option::is_none)).then(|| view! {
                <p class="status">{i18n.t(Key::OfficerResidentsLoading)}</p>
            })}
            {move || load_error.get().filter(|_| connectivity.is_online()).map(|e| view! {
                <p class="form-error" role="alert" data-testid="residents-error" data-code=e.code().as_str()>
                    {i18n.t_with(Key::OfficerResidentsLoadFailed, &[("error", &i18n.error_text(&e))])}
                </p>
            })}
            <div aria-live="polite">
                {move || notice.get().map(|n| notice_view(i18n, n))}
            </div>
            {section(Key::OfficerResidentsPendingTitle, "residents-pending", &[ResidentStatus::Pending])}
            {section(Key::OfficerResidentsApprovedTitle, "residents-approved", &[ResidentStatus::Approved])}
            {section(Key::OfficerResidentsSuspendedTitle, "residents-suspended", &[ResidentStatus::Suspended])}
            {section(Key::OfficerResidentsClosedTitle, "residents-closed", &[ResidentStatus::Refused, ResidentStatus::Revoked])}
        </section>
    }
}

fn notice_view(i18n: I18n, notice: Notice) -> AnyView {
    match notice {
        Notice::Done { name, status } => view! {
            <p class="form-done" data-testid="decision-done" data-status=status.as_str()>
                {i18n.t_with(Key::OfficerResidentsDone, &[("name", &name), ("status", i18n.t(status_key(status)))])}
            </p>
        }
        .into_any(),
        Notice::Failed(e) => view! {
            <p class="form-error" role="alert" data-testid="decision-error" data-code=e.code().as_str()>
                {i18n.t_with(Key::OfficerResidentsDecisionFailed, &[("error", &i18n.error_text(&e))])}
            </p>
        }
        .into_any(),
    }
}

#[component]
fn ResidentRow(resident: ResidentDto, notice: RwSignal<Option<Notice>>) -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let status = resident.status;
    let id = StoredValue::new(resident.id.clone());
    let name = StoredValue::new(resident.name.clone());
    // The decision waiting for its reason (refuse, suspend, revoke), if one was tapped.
    let asking = RwSignal::new(None::<ResidentDecision>);
    let reason = RwSignal::new(String::new());
    let missing_reason = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let reason_id = format!("reason-{}", resident.id);

    let decide = move |decision: ResidentDecision| {
        let text = reason.get_untracked().trim().to_owned();
        if decision.needs_reason() && text.is_empty() {
            missing_reason.set(true);
            return;
        }
        missing_reason.set(false);
        busy.set(true);
        notice.set(None);
        let body = ResidentDecisionDto {
            decision,
            reason: decision.needs_reason().then_some(text),
        };
        spawn_local(async move {
            let answer = api::decide_resident(&id.get_value(), &body).await;
            match answer {
                Ok(dto) => {
                    let _ = notice.try_set(Some(Notice::Done {
                        name: dto.name.clone(),
                        status: dto.status,
                    }));
                    // A suspended or revoked pass is on the deny-list now: fetch it so this
                    // phone refuses the pass at once, offline too.
                    if matches!(
                        decision,
                        ResidentDecision::Suspend | ResidentDecision::Revoke
                    ) {
                        let _ = trust_store::refresh().await;
                    }
                    if let Err(e) = sync::refresh_roster().await {
                        leptos::logging::warn!("could not refresh the residents list: {e}");
                    }
                }
                Err(e) => {
                    let _ = notice.try_set(Some(Notice::Failed(e)));
                }
            }
            let _ = busy.try_set(false);
        });
    };

    let tap = move |decision: ResidentDecision| {
        if decision.needs_reason() {
            asking.set(Some(decision));
            reason.set(String::new());
            missing_reason.set(false);
        } else {
            decide(decision);
        }
    };

    let buttons = decisions_from(status)
        .iter()
        .map(|&decision| {
            let class = if decision.needs_reason() {
                "button secondary decide"
            } else {
                "button decide"
            };
            view! {
                <button type="button" class=class data-testid=format!("decide-{}", decision.as_str())
                    disabled=move || busy.get() || !connectivity.is_online()
                    on:click=move |_| tap(decision)>
                    {move || i18n.t(decision_key(decision))}
                </button>
            }
        })
        .collect_view();

    let reason_form = move || {
        asking.get().map(|decision| {
            let reason_id = reason_id.clone();
            view! {
                <form class="decision-reason" data-testid="decision-form" data-decision=decision.as_str()
                    novalidate=true
                    on:submit=move |ev| {
                        ev.prevent_default();
                        decide(decision);
                    }>
                    <div class="field">
                        <label for=reason_id.clone()>{move || i18n.t(Key::OfficerResidentsReasonLabel)}</label>
                        <textarea id=reason_id.clone() data-testid="decision-reason" rows="2" maxlength="200"
                            required=true aria-invalid=move || missing_reason.get().to_string()
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                        {move || missing_reason.get().then(|| view! {
                            <p class="form-error" role="alert" data-testid="reason-missing">{i18n.t(Key::OfficerResidentsReasonRequired)}</p>
                        })}
                    </div>
                    {(decision == ResidentDecision::Revoke).then(|| view! {
                        <p class="notice">{move || i18n.t(Key::OfficerResidentsRevokeFinal)}</p>
                    })}
                    <div class="decision-actions">
                        <button type="submit" class="button danger" data-testid="decision-confirm"
                            disabled=move || busy.get() || !connectivity.is_online()>
                            {move || if busy.get() { i18n.t(Key::OfficerResidentsBusy) } else { i18n.t(confirm_key(decision)) }}
                        </button>
                        <button type="button" class="button secondary" data-testid="decision-cancel"
                            on:click=move |_| asking.set(None)>
                            {move || i18n.t(Key::OfficerResidentsCancel)}
                        </button>
                    </div>
                </form>
            }
        })
    };

    let last4 = resident.id_last4.clone();
    let paper = (
        resident.border_pass_number.clone(),
        date_of_iso(&resident.border_pass_expires),
    );
    let applied = date_of_ms(resident.applied_at_ms);
    let commune = commune_name(&resident.commune_id);
    let shown_reason = resident.reason.clone();
    let has_actions = !decisions_from(status).is_empty();
    view! {
        <li class="resident-row" data-testid="resident-row" data-id=resident.id.clone()
            data-status=status.as_str() data-digest=resident.holder_digest.clone()>
            <p class="resident-name">{resident.name.clone()}
                " "<span class="badge">{move || i18n.t(status_key(status))}</span>
            </p>
            <dl class="resident-facts">
                <dt>{move || i18n.t(Key::OfficerResidentsCommune)}</dt>
                <dd>{commune}</dd>
                <dt>{move || i18n.t(Key::OfficerResidentsIdLast4)}</dt>
                <dd class="resident-last4-small" data-testid="resident-last4">{last4}</dd>
                <dt>{move || i18n.t(Key::OfficerResidentsPaperPass)}</dt>
                <dd>{move || i18n.t_with(Key::OfficerResidentsPaperPassDetail, &[("number", &paper.0), ("date", &paper.1)])}</dd>
                <dt>{move || i18n.t(Key::OfficerResidentsApplied)}</dt>
                <dd>{applied}</dd>
                {shown_reason.map(|r| view! {
                    <dt>{move || i18n.t(Key::OfficerResidentsReasonShown)}</dt>
                    <dd data-testid="resident-reason">{r}</dd>
                })}
            </dl>
            {has_actions.then(|| view! {
                <div class="decision-buttons" role="group"
                    aria-label=move || i18n.t_with(Key::OfficerResidentsActionsFor, &[("name", &name.get_value())])>
                    {buttons}
                </div>
            })}
            {reason_form}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_offers_only_the_decisions_it_allows() {
        for status in [
            ResidentStatus::Pending,
            ResidentStatus::Refused,
            ResidentStatus::Approved,
            ResidentStatus::Suspended,
            ResidentStatus::Revoked,
        ] {
            for decision in ResidentDecision::ALL {
                assert_eq!(
                    decisions_from(status).contains(&decision),
                    status.after(decision).is_ok(),
                    "{status:?} {decision:?}"
                );
            }
        }
    }
}
