//! Form pieces with labels, hints and large touch targets.

use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use shared::Error;

/// A labelled text input bound to a signal.
#[component]
pub fn TextField(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = "text")] inputmode: &'static str,
    #[prop(optional)] hint: Option<Key>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    let described_by = hint.map(|_| hint_id.clone());
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(label)}</label>
            <input
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{move || i18n.t(hint)}</p> })}
        </div>
    }
}

/// Where a form says how its submission went: the translated error, or a success message.
#[derive(Debug, Clone, PartialEq)]
pub enum FormStatus {
    Idle,
    Working,
    Failed(Error),
    Done(String),
}

#[component]
pub fn FormMessage(status: RwSignal<FormStatus>) -> impl IntoView {
    let i18n = use_i18n();
    move || match status.get() {
        FormStatus::Idle => ().into_any(),
        FormStatus::Working => {
            view! { <p class="form-status" role="status">{i18n.t(Key::AuthWorking)}</p> }.into_any()
        }
        FormStatus::Failed(e) => view! {
            <p class="form-error" role="alert" data-testid="form-error" data-code=e.code().as_str()>
                {i18n.error_text(&e)}
            </p>
        }
        .into_any(),
        FormStatus::Done(message) => view! {
            <p class="form-done" role="status" data-testid="form-done">{message}</p>
        }
        .into_any(),
    }
}
