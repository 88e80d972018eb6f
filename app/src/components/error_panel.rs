use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use shared::Error;

/// A translated error with a retry button. The message comes from the error's stable code;
/// the English detail goes to the console for whoever debugs, never onto the screen.
#[component]
pub fn ErrorPanel(error: Error, on_retry: impl Fn() + 'static + Send + Sync) -> impl IntoView {
    let i18n = use_i18n();
    let code = error.code();
    leptos::logging::warn!("showing error {error}");
    view! {
        <div class="error-panel" role="alert" data-testid="error" data-code=code.as_str()>
            <h2>{move || i18n.t(Key::ErrorsTitle)}</h2>
            <p>{move || i18n.error_message(code)}</p>
            <button type="button" on:click=move |_| on_retry()>{move || i18n.t(Key::CommonRetry)}</button>
        </div>
    }
}
