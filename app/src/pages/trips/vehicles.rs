//! The account's vehicles: one line each (plate, trailer, waiting to send, verified by a yard or
//! an officer), and the form that registers a new one into the outbox.

use super::model::VehicleView;
use crate::components::{FormMessage, FormStatus, TextField};
use crate::i18n::{use_i18n, Key};
use crate::sync;
use leptos::prelude::*;
use shared::wire::v1::{OutboxWrite, VehicleDto};
use shared::{Plate, VehicleType};

/// One vehicle of the account, as the edge has it or still waiting to send.
#[component]
pub(super) fn VehicleItem(vehicle: VehicleView) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <li class="vehicle" data-testid="vehicle">
            <span class="plate">{vehicle.dto.plate.clone()}</span>
            {vehicle.dto.trailer.clone().map(|t| view! {
                <span class="muted">{move || i18n.t_with(Key::TripsTrailerShort, &[("plate", &t)])}</span>
            })}
            <Show when=move || vehicle.pending>
                <span class="badge badge-pending">{move || i18n.t(Key::TripsStatusPending)}</span>
            </Show>
            <Show when=move || vehicle.dto.verified>
                <span class="badge badge-ok" data-testid="vehicle-verified">
                    "✓ "{move || i18n.t(Key::TripsVehicleVerified)}
                </span>
            </Show>
        </li>
    }
}

/// Registers a vehicle: checked with the edge's rules here, then into the outbox.
#[component]
pub(super) fn NewVehicleForm() -> impl IntoView {
    let i18n = use_i18n();
    let plate = RwSignal::new(String::new());
    let trailer = RwSignal::new(String::new());
    let vehicle_type = RwSignal::new(VehicleType::Truck);
    let status = RwSignal::new(FormStatus::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = match crate::offline::outbox::new_record_id('v') {
            Ok(id) => id,
            Err(e) => {
                status.set(FormStatus::Failed(shared::Error::new(
                    shared::ErrorCode::Internal,
                    e,
                )));
                return;
            }
        };
        // The plate decides the country (a 29C-… truck is Vietnamese).
        let country = Plate::parse(&plate.get_untracked())
            .map(|p| p.country())
            .unwrap_or(shared::Country::Vn);
        let dto = VehicleDto {
            id,
            plate: plate.get_untracked().trim().to_owned(),
            trailer: Some(trailer.get_untracked().trim().to_owned()).filter(|t| !t.is_empty()),
            vehicle_type: vehicle_type.get_untracked().as_str().to_owned(),
            country,
            verified: false,
        };
        // The same rules as the edge, for an instant answer.
        if let Err(e) = shared::Vehicle::try_from(dto.clone()) {
            status.set(FormStatus::Failed(e));
            return;
        }
        leptos::task::spawn_local(async move {
            match sync::submit(OutboxWrite::RegisterVehicle(dto)).await {
                Ok(_) => {
                    plate.set(String::new());
                    trailer.set(String::new());
                    status.set(FormStatus::Done(i18n.t(Key::TripsVehicleSaved).to_owned()));
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };
    view! {
        <form on:submit=submit novalidate data-testid="vehicle-form">
            <TextField id="vehicle-plate" label=Key::TripsPlate value=plate hint=Key::TripsPlateHint/>
            <TextField id="vehicle-trailer" label=Key::TripsTrailer value=trailer required=false/>
            <div class="field">
                <label for="vehicle-type">{move || i18n.t(Key::TripsVehicleType)}</label>
                <select id="vehicle-type" on:change=move |ev| {
                    if let Ok(t) = VehicleType::parse(&event_target_value(&ev)) {
                        vehicle_type.set(t);
                    }
                }>
                    {VehicleType::ALL.into_iter().map(|t| view! {
                        <option value=t.as_str() selected=move || vehicle_type.get() == t>
                            {move || i18n.t(vehicle_type_key(t))}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <FormMessage status=status/>
            <button type="submit" class="button" data-testid="save-vehicle">{move || i18n.t(Key::TripsSaveVehicle)}</button>
        </form>
    }
}

fn vehicle_type_key(t: VehicleType) -> Key {
    match t {
        VehicleType::Truck => Key::TripsTypeTruck,
        VehicleType::Tractor => Key::TripsTypeTractor,
        VehicleType::Container => Key::TripsTypeContainer,
        VehicleType::Reefer => Key::TripsTypeReefer,
        VehicleType::Van => Key::TripsTypeVan,
    }
}
