use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// The one-time code input: six digits, the phone's SMS autofill, and a hint saying where the
/// code went and how long it is valid.
#[component]
pub fn CodeField(
    value: RwSignal<String>,
    phone: RwSignal<String>,
    minutes: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for="code">{move || i18n.t(Key::AuthCodeLabel)}</label>
            <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                maxlength="7" pattern="[0-9 ]*" required=true aria-describedby="code-hint"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))/>
            <p class="hint" id="code-hint">
                {move || i18n.t_with(Key::AuthCodeHint, &[("phone", &phone.get()), ("minutes", &minutes)])}
            </p>
        </div>
    }
}
