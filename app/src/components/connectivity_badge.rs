use crate::i18n::{use_i18n, Key};
use crate::state::use_connectivity;
use leptos::prelude::*;

/// Online/offline, announced politely to screen readers when it changes.
#[component]
pub fn ConnectivityBadge() -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    view! {
        <span
            class="connectivity"
            class:offline=move || !connectivity.is_online()
            role="status"
            aria-live="polite"
            data-testid="connectivity"
        >
            {move || i18n.t(if connectivity.is_online() { Key::CommonOnline } else { Key::CommonOffline })}
        </span>
    }
}
