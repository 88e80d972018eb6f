//! What a driver can do to a trip from its card: cancel the trip (into the outbox), cancel its
//! slot booking (online: the yard's object decides), add the customs declaration.

use crate::components::{FormMessage, FormStatus};
use crate::i18n::{use_i18n, Key};
use crate::state::use_connectivity;
use crate::sync;
use leptos::prelude::*;
use shared::wire::v1::{CancelTripDto, OutboxWrite, SetDeclarationDto};

/// Cancels a slot booking (online only: the yard's object decides), then refreshes the trips.
#[component]
pub(super) fn CancelBookingButton(yard: String, booking_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let status = RwSignal::new(FormStatus::Idle);
    let key = crate::offline::outbox::new_record_id('k').unwrap_or_default();
    let on_click = move |_| {
        let (yard, booking_id, key) = (yard.clone(), booking_id.clone(), key.clone());
        let Ok(yard) = shared::YardId::parse(&yard) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match crate::api::cancel_booking(&yard, &booking_id, &key).await {
                Ok(_) => {
                    if let Some(account) = signed_in_account_id() {
                        sync::refresh_trips(&account).await;
                    }
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };
    view! {
        <FormMessage status=status/>
        <button type="button" class="button danger" data-testid="cancel-booking"
            disabled=move || !connectivity.is_online() on:click=on_click>
            {move || i18n.t(Key::TripsCancelBooking)}
        </button>
    }
}

/// The account signed in on this phone, read outside any reactive scope (in a callback).
fn signed_in_account_id() -> Option<String> {
    crate::state::Session::current()
        .and_then(|s| s.account_untracked())
        .map(|a| a.id)
}

/// Cancels the trip, after asking: the cancellation goes into the outbox like any other write.
#[component]
pub(super) fn CancelButton(trip_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let on_click = move |_| {
        let confirmed = window()
            .confirm_with_message(i18n.t(Key::TripsConfirmCancel))
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let write = OutboxWrite::CancelTrip(CancelTripDto {
            trip_id: trip_id.clone(),
        });
        leptos::task::spawn_local(async move {
            if let Err(e) = sync::submit(write).await {
                leptos::logging::warn!("could not queue the cancellation: {e}");
            }
        });
    };
    view! {
        <button type="button" class="button danger" data-testid="cancel-trip" on:click=on_click>
            {move || i18n.t(Key::TripsCancelTrip)}
        </button>
    }
}

/// Adds the customs declaration (a 12-digit VNACCS number) a trip needs before it can be
/// booked; checked here, then into the outbox.
#[component]
pub(super) fn DeclarationForm(trip_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let number = RwSignal::new(String::new());
    let status = RwSignal::new(FormStatus::Idle);
    let field_id = format!("declaration-{trip_id}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let declaration = number.get_untracked().trim().to_owned();
        if let Err(e) = declaration.parse::<shared::DeclarationNumber>() {
            status.set(FormStatus::Failed(e));
            return;
        }
        let write = OutboxWrite::SetDeclaration(SetDeclarationDto {
            trip_id: trip_id.clone(),
            declaration,
        });
        leptos::task::spawn_local(async move {
            match sync::submit(write).await {
                Ok(_) => status.set(FormStatus::Idle),
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };
    view! {
        <form class="inline-form" on:submit=submit novalidate>
            <div class="field">
                <label for=field_id.clone()>{move || i18n.t(Key::TripsDeclaration)}</label>
                <input id=field_id name="declaration" type="text" inputmode="numeric" autocomplete="off"
                    prop:value=move || number.get()
                    on:input=move |ev| number.set(event_target_value(&ev))/>
            </div>
            <FormMessage status=status/>
            <button type="submit" class="button secondary">{move || i18n.t(Key::TripsAddDeclaration)}</button>
        </form>
    }
}
