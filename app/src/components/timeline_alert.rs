//! The in-app alert when the province's forces move one of the driver's trips on: each step
//! that changed since the saved list, in the person's language, with what to do when a step is
//! held or rejected. Shown on every screen until read.

use crate::i18n::{fill, text, use_i18n, Key};
use crate::labels::{step_code, step_key, step_state_code, step_state_key, what_to_do};
use crate::routes::Route;
use crate::sync::{self, use_sync};
use leptos::prelude::*;

#[component]
pub fn TimelineAlert() -> impl IntoView {
    let i18n = use_i18n();
    let sync_state = use_sync();
    let news = move || sync_state.news.get();
    // The live region is always there (empty when there is no news), so that what appears in
    // it is announced.
    view! {
        <div class="timeline-alert-region" role="status" aria-live="polite" data-testid="timeline-alert-region">
            {move || {
                let items = news();
                let first_trip = items.last()?.trip_id.clone();
                let lang = i18n.lang();
                let lines = items
                    .iter()
                    .rev()
                    .map(|n| {
                        let plate = n.plate.clone().unwrap_or_else(|| n.trip_id.clone());
                        let line = fill(
                            text(lang, Key::ProvinceAlertStep),
                            &[
                                ("plate", &plate),
                                ("step", text(lang, step_key(n.step.step))),
                                ("state", text(lang, step_state_key(n.step.state))),
                            ],
                        );
                        let todo = n
                            .step
                            .stopped
                            .as_ref()
                            .map(|stop| what_to_do(stop.reason, stop.force, lang));
                        view! {
                            <li data-testid="timeline-alert-item" data-trip-id=n.trip_id.clone()
                                data-step=step_code(n.step.step) data-state=step_state_code(n.step.state)>
                                <span>{line}</span>
                                {todo.map(|t| view! { " " <strong>{t}</strong> })}
                            </li>
                        }
                    })
                    .collect_view();
                Some(view! {
                    <div class="timeline-alert" data-testid="timeline-alert">
                        <p class="timeline-alert-title">{text(lang, Key::ProvinceAlertTitle)}</p>
                        <ul>{lines}</ul>
                        <div class="actions">
                            <a class="button" href=Route::TripPass(first_trip).href() data-testid="timeline-alert-open"
                                on:click=move |_| sync::dismiss_news()>
                                {text(lang, Key::ProvinceAlertOpen)}
                            </a>
                            <button type="button" class="secondary" data-testid="timeline-alert-dismiss"
                                on:click=move |_| sync::dismiss_news()>
                                {text(lang, Key::ProvinceAlertDismiss)}
                            </button>
                        </div>
                    </div>
                })
            }}
        </div>
    }
}
