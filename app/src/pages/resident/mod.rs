//! A border resident's home (`/resident`): the application while there is none, then where it
//! stands (waiting for an officer of the home gate, refused with the reason and a new
//! application, suspended or revoked with the reason), and once approved the resident pass
//! with the day's figures and the crossings.
//!
//! The edge's answer (`GET /api/residents/me`) is saved on the phone, so the pass and its
//! figures show in a dead zone, marked as the saved copy; the figures are always worked out
//! on the phone at its current time from the history the edge sent, so a new day or month
//! is right offline too.
//!
//! - [`form`]: the application form, checked by the same shared types as the edge;
//! - [`pass`]: the pass, its full-screen QR, the figures and the crossing history.

mod form;
mod pass;

use crate::api;
use crate::components::{ErrorPanel, RequireRole};
use crate::directory;
use crate::i18n::{use_i18n, Key};
use crate::labels::gate_name;
use crate::offline::snapshots::{self, ResidentSnapshot};
use crate::state::{use_connectivity, use_session};
use form::{ApplicationForm, Draft};
use leptos::prelude::*;
use pass::ResidentPassView;
use shared::resident::ResidentStatus;
use shared::time::LocalDateTime;
use shared::wire::v1::ResidentDto;
use shared::{Error, ErrorCode, Gate, Lang, Role};

/// How often the figures are worked out again (a new day begins at local midnight).
const CLOCK_TICK_MS: u32 = 30_000;

#[component]
pub fn ResidentPage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::Resident]>
            <ResidentHome/>
        </RequireRole>
    }
}

/// What the screen shows.
#[derive(Debug, Clone)]
enum Mine {
    Loading,
    Shown {
        snapshot: Box<ResidentSnapshot>,
        /// The copy saved on the phone, and asking the edge failed.
        saved_copy: bool,
    },
    Failed(Error),
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A local date as the language writes it (year first in Chinese).
pub(crate) fn date_in(ms: i64, lang: Lang) -> String {
    let at = LocalDateTime::from_unix_ms(ms);
    match lang {
        Lang::Zh => at.iso_date(),
        Lang::Vi | Lang::En => at.date_string(),
    }
}

/// Shows the saved copy at once, then asks the edge; a fresh answer replaces the copy on
/// screen and on the phone. Without network the saved copy stays, marked as such.
async fn refresh(account_id: String, mine: RwSignal<Mine>) {
    if mine.with_untracked(|m| matches!(m, Mine::Loading)) {
        if let Some(saved) = snapshots::load_resident(&account_id).await {
            // Shown with its time while the edge is asked; marked as the saved copy only
            // once asking fails.
            mine.set(Mine::Shown {
                snapshot: Box::new(saved),
                saved_copy: false,
            });
        }
    }
    let fetched = match api::my_resident().await {
        Ok(resident) => Ok(Some(resident)),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    };
    match fetched {
        Ok(resident) => {
            let snapshot = ResidentSnapshot {
                fetched_at_ms: now_ms(),
                resident,
            };
            snapshots::save_resident(&account_id, &snapshot).await;
            mine.set(Mine::Shown {
                snapshot: Box::new(snapshot),
                saved_copy: false,
            });
        }
        Err(e) => {
            leptos::logging::warn!("resident pass not refreshed: {e}");
            mine.update(|m| match m {
                Mine::Shown { saved_copy, .. } => *saved_copy = true,
                _ => *m = Mine::Failed(e),
            });
        }
    }
}

#[component]
fn ResidentHome() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let connectivity = use_connectivity();
    let account = session.account_untracked();
    let account_id = account
        .as_ref()
        .map(|a| a.id.to_string())
        .unwrap_or_default();
    let mine = RwSignal::new(Mine::Loading);
    // What the resident typed lives here, outside what is redrawn, so nothing typed is lost
    // when the screen refreshes or the network comes and goes.
    let draft = Draft::new(
        account
            .as_ref()
            .and_then(|a| a.display_name.clone())
            .unwrap_or_default(),
    );
    let reapplying = RwSignal::new(false);
    let gates = LocalResource::new(directory::load_gates);
    let gate_list = Signal::derive(move || gates.get().unwrap_or_default());

    let clock = RwSignal::new(now_ms());
    leptos::task::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(CLOCK_TICK_MS).await;
            if clock.try_set(now_ms()).is_some() {
                return;
            }
        }
    });

    // Load now, and again whenever the phone comes back online.
    {
        let account_id = account_id.clone();
        Effect::new(move |_| {
            if connectivity.signal().get() || mine.with_untracked(|m| matches!(m, Mine::Loading)) {
                leptos::task::spawn_local(refresh(account_id.clone(), mine));
            }
        });
    }
    let retry = {
        let account_id = account_id.clone();
        move || {
            mine.set(Mine::Loading);
            leptos::task::spawn_local(refresh(account_id.clone(), mine));
        }
    };
    let applied = Callback::new(move |resident: ResidentDto| {
        let snapshot = ResidentSnapshot {
            fetched_at_ms: now_ms(),
            resident: Some(resident),
        };
        reapplying.set(false);
        mine.set(Mine::Shown {
            snapshot: Box::new(snapshot.clone()),
            saved_copy: false,
        });
        let account_id = account_id.clone();
        leptos::task::spawn_local(async move {
            snapshots::save_resident(&account_id, &snapshot).await;
        });
    });

    let body = move || match mine.get() {
        Mine::Loading => view! {
            <p class="status" role="status">{i18n.t(Key::CommonLoading)}</p>
        }
        .into_any(),
        Mine::Failed(error) => view! { <ErrorPanel error on_retry=retry.clone()/> }.into_any(),
        Mine::Shown {
            snapshot,
            saved_copy,
        } => {
            let as_of = i18n.t_with(
                Key::ResidentAsOf,
                &[(
                    "time",
                    &crate::labels::date_time_in(snapshot.fetched_at_ms, i18n.lang()),
                )],
            );
            let shown = match snapshot.resident {
                None => {
                    view! { <ApplicationForm draft gates=gate_list on_applied=applied/> }.into_any()
                }
                Some(resident) => {
                    status_view(resident, draft, reapplying, gate_list, clock, applied)
                }
            };
            view! {
                <p class="as-of" class:saved-copy=saved_copy data-testid="as-of">
                    <span>{as_of}</span>
                    {saved_copy.then(|| view! {
                        <span class="badge badge-offline" data-testid="offline-copy">{i18n.t(Key::ResidentSavedCopy)}</span>
                    })}
                </p>
                {shown}
            }
            .into_any()
        }
    };

    view! {
        <section class="page resident" data-testid="resident-page">
            <h1>{move || i18n.t(Key::ResidentTitle)}</h1>
            {body}
        </section>
    }
}

/// The screen for an application the edge knows, by its status.
fn status_view(
    resident: ResidentDto,
    draft: Draft,
    reapplying: RwSignal<bool>,
    gates: Signal<Vec<Gate>>,
    clock: RwSignal<i64>,
    applied: Callback<ResidentDto>,
) -> AnyView {
    let i18n = use_i18n();
    let gate_id = resident.home_gate.clone();
    let gate = move || gate_name(&gates.get(), &gate_id, i18n.lang());
    let reason = resident.reason.clone().unwrap_or_default();
    let status = resident.status;
    match status {
        ResidentStatus::Approved if resident.pass.is_some() => {
            view! { <ResidentPassView resident gates now=clock.into()/> }.into_any()
        }
        ResidentStatus::Pending | ResidentStatus::Approved => {
            let applied_at = resident.applied_at_ms;
            view! {
                <div class="card resident-status" data-testid="resident-status" data-status=status.as_str()>
                    <h2>{move || i18n.t(Key::ResidentPendingTitle)}</h2>
                    <p class="resident-big">{move || i18n.t_with(Key::ResidentPendingText, &[("gate", &gate())])}</p>
                    <p>{move || i18n.t_with(Key::ResidentAppliedOn, &[("date", &date_in(applied_at, i18n.lang()))])}</p>
                </div>
            }
            .into_any()
        }
        ResidentStatus::Refused => view! {
            <Show
                when=move || reapplying.get()
                fallback={
                    let resident = resident.clone();
                    let reason = reason.clone();
                    move || {
                        let resident = resident.clone();
                        let reason = reason.clone();
                        view! {
                            <div class="card resident-status" role="alert" data-testid="resident-status" data-status="refused">
                                <h2>{move || i18n.t(Key::ResidentRefusedTitle)}</h2>
                                <p class="resident-big" data-testid="resident-reason">{move || i18n.t_with(Key::ResidentReason, &[("reason", &reason)])}</p>
                                <button type="button" data-testid="apply-again" on:click=move |_| {
                                    draft.refill(&resident);
                                    reapplying.set(true);
                                }>{move || i18n.t(Key::ResidentApplyAgain)}</button>
                            </div>
                        }
                    }
                }
            >
                <ApplicationForm draft gates on_applied=applied/>
            </Show>
        }
        .into_any(),
        ResidentStatus::Suspended | ResidentStatus::Revoked => {
            let (title, text) = if status == ResidentStatus::Suspended {
                (Key::ResidentSuspendedTitle, Key::ResidentSuspendedText)
            } else {
                (Key::ResidentRevokedTitle, Key::ResidentRevokedText)
            };
            view! {
                <div class="card resident-status resident-off" role="alert" data-testid="resident-status" data-status=status.as_str()>
                    <h2>{move || i18n.t(title)}</h2>
                    <p class="resident-big" data-testid="resident-reason">{move || i18n.t_with(Key::ResidentReason, &[("reason", &reason)])}</p>
                    <p>{move || i18n.t_with(text, &[("gate", &gate())])}</p>
                </div>
            }
            .into_any()
        }
    }
}
