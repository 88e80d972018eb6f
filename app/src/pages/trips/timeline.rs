//! A trip's timeline at the border gate, as the province's forces confirm it: compact on the
//! trip card (how far it is and the current step), in full on the pass screen (the six steps,
//! each with its state, who confirmed it and when, who is still to confirm it). A held or
//! rejected step says what the driver should do, with the force's own note.
//!
//! Read from the phone's saved trips, so it shows in a dead zone too, with the time it was
//! received.

use crate::i18n::{use_i18n, I18n, Key};
use crate::labels::{
    date_time_in, force_key, hold_reason_code, step_code, step_key, step_state_code,
    step_state_key, time_of_in, what_to_do,
};
use crate::state::use_connectivity;
use crate::sync::use_sync;
use leptos::prelude::*;
use shared::province::timeline::{Force, StepState, StepView, Timeline, Verdict};
use shared::Lang;

/// The timeline of one of the account's trips. `full`: every step (the pass screen); else how
/// far it is and the current step (the trip card).
#[component]
pub(super) fn TripTimeline(trip_id: String, full: bool) -> impl IntoView {
    let i18n = use_i18n();
    let sync_state = use_sync();
    let connectivity = use_connectivity();
    let found = move || {
        sync_state.trips.with(|s| {
            let s = s.as_ref()?;
            let t = s.trips.iter().find(|t| t.trip.id == trip_id)?;
            Some((t.timeline.clone(), t.province_received, s.fetched_at_ms))
        })
    };
    move || {
        let (timeline, received, fetched_at_ms) = found()?;
        let offline_copy = !sync_state.live.get() || !connectivity.is_online();
        Some(timeline_view(
            i18n,
            timeline,
            received,
            full,
            offline_copy.then_some(fetched_at_ms),
        ))
    }
}

fn timeline_view(
    i18n: I18n,
    timeline: Timeline,
    received: bool,
    full: bool,
    saved_at_ms: Option<i64>,
) -> AnyView {
    let lang = i18n.lang();
    let now = js_sys::Date::now() as i64;
    // An older copy (or a trip the province has not spoken of) has no steps yet.
    let timeline = if timeline.steps.is_empty() {
        Timeline::fold(&[])
    } else {
        timeline
    };
    let current = timeline.current().map(|s| s.step);
    let done = timeline
        .steps
        .iter()
        .filter(|s| s.state == StepState::Done)
        .count();
    let empty = timeline.is_empty();
    let received_badge = if received {
        view! { <span class="badge badge-ok" data-testid="province-received">{text(lang, Key::ProvinceReceived)}</span> }.into_any()
    } else {
        view! { <span class="badge badge-pending" data-testid="province-not-received">{text(lang, Key::ProvinceNotReceived)}</span> }.into_any()
    };
    let as_of = saved_at_ms.map(|ms| {
        let time = date_time_in(ms, lang);
        view! {
            <p class="badge badge-offline" data-testid="timeline-as-of" data-as-of=ms.to_string()>
                {i18n.t_with(Key::ProvinceAsOf, &[("time", &time)])}
            </p>
        }
    });
    let body = if empty {
        view! { <p class="muted" data-testid="timeline-empty">{text(lang, Key::ProvinceNothingYet)}</p> }
            .into_any()
    } else if full {
        view! {
            <ol class="timeline-steps">
                {timeline.steps.iter().map(|s| step_item(lang, s, current == Some(s.step), now)).collect_view()}
            </ol>
        }
        .into_any()
    } else {
        let progress = i18n.t_with(Key::ProvinceProgress, &[("done", &done.to_string())]);
        let bar = timeline
            .steps
            .iter()
            .map(|s| {
                let class = format!(
                    "timeline-seg {}{}",
                    step_state_code(s.state),
                    if current == Some(s.step) {
                        " current"
                    } else {
                        ""
                    }
                );
                view! { <span class=class></span> }
            })
            .collect_view();
        let current_view = timeline
            .steps
            .iter()
            .find(|s| Some(s.step) == current)
            .map(|s| {
                view! {
                    <ol class="timeline-steps compact">{step_item(lang, s, true, now)}</ol>
                }
            });
        view! {
            <p class="timeline-progress" data-testid="timeline-progress" data-done=done.to_string()>
                <span class="timeline-bar" aria-hidden="true">{bar}</span>
                <span>{progress}</span>
            </p>
            {current_view}
        }
        .into_any()
    };
    let heading = text(lang, Key::ProvinceTitle);
    let heading = if full {
        view! { <h2 class="timeline-title">{heading}</h2> }.into_any()
    } else {
        view! { <h3 class="timeline-title">{heading}</h3> }.into_any()
    };
    view! {
        <section class="timeline" class:timeline-full=full data-testid="timeline"
            data-current=current.map(step_code).unwrap_or_default()>
            <div class="timeline-head">
                {heading}
                {received_badge}
            </div>
            {as_of}
            {body}
        </section>
    }
    .into_any()
}

/// One step: its name and state, the confirmations with their times, who is still to confirm,
/// and what stops it.
fn step_item(lang: Lang, step: &StepView, current: bool, now: i64) -> impl IntoView {
    let state = step.state;
    let confirmations = step
        .confirmed
        .iter()
        .map(|c| {
            let line = crate::i18n::fill(
                text(lang, Key::ProvinceConfirmedBy),
                &[
                    ("force", text(lang, force_key(c.force))),
                    ("time", &time_of_in(c.at_ms, now, lang)),
                ],
            );
            view! { <li data-force=force_code(c.force)>{line}</li> }
        })
        .collect_view();
    let waiting = (!step.waiting_for.is_empty() && step.stopped.is_none() && state != StepState::Waiting)
        .then(|| {
            let forces = forces_list(lang, &step.waiting_for);
            view! {
                <li class="muted">{crate::i18n::fill(text(lang, Key::ProvinceWaitingFor), &[("forces", &forces)])}</li>
            }
        });
    let stop = step.stopped.as_ref().map(|stop| {
        let force = text(lang, force_key(stop.force));
        let time = time_of_in(stop.at_ms, now, lang);
        let rejected = stop.verdict == Verdict::Rejected;
        let by = crate::i18n::fill(
            text(
                lang,
                if rejected {
                    Key::ProvinceRejectedBy
                } else {
                    Key::ProvinceHeldBy
                },
            ),
            &[("force", force), ("time", &time)],
        );
        let todo = what_to_do(stop.reason, stop.force, lang);
        let note = stop.note.clone().map(|note| {
            crate::i18n::fill(
                text(lang, Key::ProvinceForceNote),
                &[("force", force), ("note", &note)],
            )
        });
        view! {
            <div class="timeline-stop" class:rejected=rejected data-testid="timeline-stop"
                data-reason=hold_reason_code(stop.reason) data-verdict=if rejected { "rejected" } else { "held" }>
                <p>{by}</p>
                {rejected.then(|| view! { <p><strong>{text(lang, Key::ProvinceRejectedNote)}</strong></p> })}
                <p data-testid="timeline-todo"><strong>{text(lang, Key::ProvinceWhatToDo)}</strong>" "{todo}</p>
                {note.map(|n| view! { <p class="timeline-note" data-testid="timeline-note">{n}</p> })}
            </div>
        }
    });
    let state_class = format!("badge timeline-state {}", step_state_code(state));
    view! {
        <li class="timeline-step" class:current=current data-testid="timeline-step"
            data-step=step_code(step.step) data-state=step_state_code(state)
            aria-current=current.then_some("step")>
            <div class="timeline-step-head">
                <span class="timeline-step-name">{text(lang, step_key(step.step))}</span>
                <span class=state_class>{text(lang, step_state_key(state))}</span>
            </div>
            {current.then(|| view! { <span class="timeline-current-label">{text(lang, Key::ProvinceCurrent)}</span> })}
            {(!step.confirmed.is_empty() || waiting.is_some()).then(|| view! {
                <ul class="timeline-forces">{confirmations}{waiting}</ul>
            })}
            {stop}
        </li>
    }
}

fn text(lang: Lang, key: Key) -> &'static str {
    crate::i18n::text(lang, key)
}

fn force_code(force: Force) -> &'static str {
    match force {
        Force::BorderGuard => "border_guard",
        Force::Customs => "customs",
        Force::GateAuthority => "gate_authority",
    }
}

/// Forces named in a list the way the language writes one.
fn forces_list(lang: Lang, forces: &[Force]) -> String {
    let separator = if lang == Lang::Zh { "、" } else { ", " };
    forces
        .iter()
        .map(|f| text(lang, force_key(*f)))
        .collect::<Vec<_>>()
        .join(separator)
}
