//! Trips for drivers and trading households: vehicles, trips and their passes, usable offline.
//!
//! Everything shown here comes from two places on the phone: the account's trips as last
//! received from the edge, and the outbox of writes not yet sent. A new vehicle or trip shows
//! at once, marked "waiting to send"; once the edge accepts it, its pass appears.
//!
//! - [`model`]: that merge, the trips and vehicles as the screen shows them;
//! - [`outbox_status`]: how many writes wait, and the ones the edge refused;
//! - [`trip_card`]: one trip, its status, booking and pass links, with [`trip_actions`]
//!   (cancel the trip or its booking, add the customs declaration);
//! - [`trip_form`] and [`vehicles`]: the new trip, the vehicle list and the new vehicle;
//! - [`pass`]: the pass screen (`/trips/:id/pass`);
//! - [`timeline`]: the trip's steps at the border gate as the province's forces confirm them
//!   (compact on the card, in full on the pass screen).

mod model;
mod outbox_status;
mod pass;
mod timeline;
mod trip_actions;
mod trip_card;
mod trip_form;
mod vehicles;

pub use pass::PassPage;

use crate::components::RequireRole;
use crate::directory;
use crate::i18n::{use_i18n, Key};
use crate::sync::use_sync;
use leptos::prelude::*;
use model::merge;
use outbox_status::{RejectedWrites, SyncBar};
use shared::Role;
use trip_card::TripCard;
use trip_form::NewTripForm;
use vehicles::{NewVehicleForm, VehicleItem};

#[component]
pub fn TripsPage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::Driver, Role::Trader]>
            <TripsHome/>
        </RequireRole>
    }
}

#[component]
fn TripsHome() -> impl IntoView {
    let i18n = use_i18n();
    let sync_state = use_sync();
    let gates = LocalResource::new(directory::load_gates);
    let merged = Memo::new(move |_| {
        let outbox = sync_state.outbox.get();
        sync_state.trips.with(|s| merge(s.as_ref(), &outbox))
    });
    let vehicles = Signal::derive(move || merged.get().0);
    let trips = Signal::derive(move || merged.get().1);
    let gate_list = Signal::derive(move || gates.get().unwrap_or_default());

    view! {
        <section class="page trips" data-testid="trips-page">
            <h1>{move || i18n.t(Key::TripsTitle)}</h1>
            <p class="intro">{move || i18n.t(Key::TripsIntro)}</p>
            <SyncBar/>
            <RejectedWrites/>
            <h2>{move || i18n.t(Key::TripsTripsTitle)}</h2>
            <details class="card form-card" data-testid="new-trip">
                <summary class="button">{move || i18n.t(Key::TripsNewTrip)}</summary>
                <NewTripForm vehicles=vehicles gates=gate_list/>
            </details>
            <Show
                when=move || !trips.get().is_empty()
                fallback=move || view! { <p class="status">{move || i18n.t(Key::TripsNoTrips)}</p> }
            >
                <ul class="trip-list" data-testid="trip-list">
                    <For each=move || trips.get() key=|t| (t.dto.id.clone(), t.shown, t.pass.as_ref().map(|p| (p.id.clone(), p.revoked)), t.dto.declaration.clone()) let:trip>
                        <TripCard trip=trip vehicles=vehicles gates=gate_list/>
                    </For>
                </ul>
            </Show>
            <h2>{move || i18n.t(Key::TripsVehiclesTitle)}</h2>
            <Show
                when=move || !vehicles.get().is_empty()
                fallback=move || view! { <p class="status">{move || i18n.t(Key::TripsNoVehicles)}</p> }
            >
                <ul class="vehicle-list" data-testid="vehicle-list">
                    <For each=move || vehicles.get() key=|v| (v.dto.id.clone(), v.pending) let:vehicle>
                        <VehicleItem vehicle=vehicle/>
                    </For>
                </ul>
            </Show>
            <details class="card form-card" data-testid="add-vehicle">
                <summary class="button secondary">{move || i18n.t(Key::TripsAddVehicle)}</summary>
                <NewVehicleForm/>
            </details>
        </section>
    }
}
