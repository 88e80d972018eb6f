//! The outbox at a glance: how many writes wait, when the phone last synced, a button to send
//! now, and the writes the edge refused with the reason.

use crate::i18n::{use_i18n, Key};
use crate::labels::date_time_in;
use crate::offline::outbox::RejectedWrite;
use crate::state::use_connectivity;
use crate::sync::{self, use_sync};
use leptos::prelude::*;
use shared::wire::v1::OpKind;

/// How many writes wait, when the last sync was, and a button to send now.
#[component]
pub(super) fn SyncBar() -> impl IntoView {
    let i18n = use_i18n();
    let sync_state = use_sync();
    let connectivity = use_connectivity();
    let pending = move || sync_state.outbox.with(|o| o.pending.len());
    let last_sync = move || {
        sync_state
            .outbox
            .with(|o| o.meta.as_ref().and_then(|m| m.last_sync_at_ms))
            .map(|ms| date_time_in(ms, i18n.lang()))
    };
    view! {
        <div class="sync-bar" role="status" aria-live="polite">
            <p
                data-testid="pending-count"
                data-count=move || sync_state.outbox_loaded.get().then(|| pending().to_string())
            >
                {move || match (sync_state.outbox_loaded.get(), pending()) {
                    (false, _) => String::new(),
                    (true, 0) => i18n.t(Key::TripsAllSent).to_owned(),
                    (true, n) => i18n.t_with(Key::TripsPending, &[("count", &n.to_string())]),
                }}
            </p>
            <p class="muted" data-testid="last-sync">
                {move || match last_sync() {
                    Some(time) => i18n.t_with(Key::TripsLastSync, &[("time", &time)]),
                    None => i18n.t(Key::TripsNeverSynced).to_owned(),
                }}
            </p>
            <Show when=move || !connectivity.is_online()>
                <p class="notice">{move || i18n.t(Key::TripsOfflineQueue)}</p>
            </Show>
            <button
                type="button"
                class="button secondary"
                data-testid="sync-now"
                disabled=move || !connectivity.is_online() || sync_state.syncing.get()
                on:click=move |_| {
                    leptos::task::spawn_local(async {
                        sync::drain().await;
                    })
                }
            >
                {move || if sync_state.syncing.get() { i18n.t(Key::TripsSyncing) } else { i18n.t(Key::TripsSyncNow) }}
            </button>
        </div>
    }
}

/// Writes the edge refused, with the reason, until the user has read them.
#[component]
pub(super) fn RejectedWrites() -> impl IntoView {
    let i18n = use_i18n();
    let sync_state = use_sync();
    let rejected = move || sync_state.outbox.with(|o| o.rejected.clone());
    view! {
        <Show when=move || !rejected().is_empty()>
            <div class="card rejected" role="alert">
                <h2>{move || i18n.t(Key::TripsRejectedTitle)}</h2>
                <ul>
                    <For each=rejected key=|r| r.seq let:write>
                        <RejectedItem write=write/>
                    </For>
                </ul>
            </div>
        </Show>
    }
}

#[component]
fn RejectedItem(write: RejectedWrite) -> impl IntoView {
    let i18n = use_i18n();
    let seq = write.seq;
    let what = match write.kind {
        OpKind::RegisterVehicle => Key::TripsKindVehicle,
        OpKind::CreateTrip => Key::TripsKindTrip,
        OpKind::SetDeclaration => Key::TripsKindDeclaration,
        OpKind::CancelTrip => Key::TripsKindCancel,
        OpKind::CheckIn => Key::QueueKindCheckIn,
        OpKind::RecordCrossing => Key::ResidentKindCrossing,
    };
    let code = write.code;
    view! {
        <li class="rejected-write" data-testid="rejected-write" data-code=code.as_str()>
            <strong>{move || i18n.t(what)}</strong>
            " — "
            <span>{move || i18n.error_message(code)}</span>
            <button type="button" class="button secondary"
                on:click=move |_| leptos::task::spawn_local(sync::dismiss(seq))>
                {move || i18n.t(Key::TripsDismiss)}
            </button>
        </li>
    }
}
