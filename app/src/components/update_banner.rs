use crate::i18n::{use_i18n, Key};
use crate::offline::service_worker;
use crate::state::use_update_ready;
use leptos::prelude::*;

/// Offers a waiting new version; nothing changes until the user agrees.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let i18n = use_i18n();
    let update = use_update_ready();
    view! {
        <Show when=move || update.is_ready()>
            <div class="update-banner" role="status" data-testid="update-banner">
                <span>{move || i18n.t(Key::CommonUpdateAvailable)}</span>
                <button type="button" on:click=|_| service_worker::apply_update()>
                    {move || i18n.t(Key::CommonUpdateNow)}
                </button>
            </div>
        </Show>
    }
}
