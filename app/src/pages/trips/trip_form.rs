//! The new trip: the form's fields, checked with the edge's own rules before the trip goes into
//! the outbox.

use super::model::VehicleView;
use crate::components::{FormMessage, FormStatus, TextField};
use crate::i18n::{use_i18n, Key};
use crate::state::use_session;
use crate::sync;
use leptos::prelude::*;
use shared::time::LocalDateTime;
use shared::wire::v1::{OutboxWrite, TripDto};
use shared::{Direction, Gate};

/// Today's date in Vietnam as `YYYY-MM-DD`, for the date field's default.
fn today_iso() -> String {
    LocalDateTime::from_unix_ms(js_sys::Date::now() as i64).iso_date()
}

/// The new trip's form (the driver's name from the account, today 08:00–17:00 by default).
#[component]
pub(super) fn NewTripForm(
    vehicles: Signal<Vec<VehicleView>>,
    gates: Signal<Vec<Gate>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let vehicle_id = RwSignal::new(String::new());
    let trailer = RwSignal::new(String::new());
    let driver_name = RwSignal::new(
        session
            .account_untracked()
            .and_then(|a| a.display_name)
            .unwrap_or_default(),
    );
    let gate_id = RwSignal::new(String::new());
    let direction = RwSignal::new(Direction::Export);
    let cargo = RwSignal::new(String::new());
    let perishable = RwSignal::new(false);
    let hs_code = RwSignal::new(String::new());
    let weight = RwSignal::new(String::new());
    let declaration = RwSignal::new(String::new());
    let date = RwSignal::new(today_iso());
    let from = RwSignal::new("08:00".to_owned());
    let until = RwSignal::new("17:00".to_owned());
    let status = RwSignal::new(FormStatus::Idle);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match build_trip(TripFields {
            vehicle_id: vehicle_id.get_untracked(),
            trailer: trailer.get_untracked(),
            driver_name: driver_name.get_untracked(),
            gate_id: gate_id.get_untracked(),
            direction: direction.get_untracked(),
            cargo: cargo.get_untracked(),
            perishable: perishable.get_untracked(),
            hs_code: hs_code.get_untracked(),
            weight: weight.get_untracked(),
            declaration: declaration.get_untracked(),
            date: date.get_untracked(),
            from: from.get_untracked(),
            until: until.get_untracked(),
        }) {
            Err(e) => status.set(FormStatus::Failed(e)),
            Ok(dto) => leptos::task::spawn_local(async move {
                match sync::submit(OutboxWrite::CreateTrip(dto)).await {
                    Ok(_) => {
                        cargo.set(String::new());
                        hs_code.set(String::new());
                        weight.set(String::new());
                        declaration.set(String::new());
                        status.set(FormStatus::Done(i18n.t(Key::TripsTripSaved).to_owned()));
                    }
                    Err(e) => status.set(FormStatus::Failed(e)),
                }
            }),
        }
    };

    view! {
        <form on:submit=submit novalidate data-testid="trip-form">
            <div class="field">
                <label for="trip-vehicle">{move || i18n.t(Key::TripsVehicle)}</label>
                <select id="trip-vehicle" required on:change=move |ev| vehicle_id.set(event_target_value(&ev))>
                    <option value="" selected=move || vehicle_id.get().is_empty()>{move || i18n.t(Key::TripsChooseVehicle)}</option>
                    <For each=move || vehicles.get() key=|v| v.dto.id.clone() let:v>
                        <option value=v.dto.id.clone() selected={let id = v.dto.id.clone(); move || vehicle_id.get() == id}>{v.dto.plate.clone()}</option>
                    </For>
                </select>
            </div>
            <TextField id="trip-trailer" label=Key::TripsTrailer value=trailer required=false/>
            <TextField id="trip-driver" label=Key::TripsDriverName value=driver_name autocomplete="name"/>
            <div class="field">
                <label for="trip-gate">{move || i18n.t(Key::TripsGate)}</label>
                <select id="trip-gate" required on:change=move |ev| gate_id.set(event_target_value(&ev))>
                    <option value="" selected=move || gate_id.get().is_empty()>{move || i18n.t(Key::TripsGate)}</option>
                    <For each=move || gates.get() key=|g| g.id.to_string() let:g>
                        <option value=g.id.to_string() selected={let id = g.id.to_string(); move || gate_id.get() == id}>
                            {let name = g.name.clone(); move || name.get(i18n.lang()).to_owned()}
                        </option>
                    </For>
                </select>
            </div>
            <fieldset class="choices">
                <legend>{move || i18n.t(Key::TripsDirection)}</legend>
                {[(Direction::Export, Key::TripsExport), (Direction::Import, Key::TripsImport)].into_iter().map(|(d, key)| {
                    let id = format!("direction-{}", d.as_str());
                    view! {
                        <div class="choice">
                            <input type="radio" name="direction" id=id.clone() value=d.as_str()
                                prop:checked=move || direction.get() == d on:change=move |_| direction.set(d)/>
                            <label for=id>{move || i18n.t(key)}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <TextField id="trip-cargo" label=Key::TripsCargo value=cargo hint=Key::TripsCargoHint/>
            <div class="choice">
                <input type="checkbox" id="trip-perishable" prop:checked=move || perishable.get()
                    on:change=move |ev| perishable.set(event_target_checked(&ev))/>
                <label for="trip-perishable">{move || i18n.t(Key::TripsPerishable)}</label>
            </div>
            <TextField id="trip-hs" label=Key::TripsHsCode value=hs_code inputmode="numeric" required=false/>
            <TextField id="trip-weight" label=Key::TripsWeight value=weight inputmode="numeric"/>
            <TextField id="trip-declaration" label=Key::TripsDeclaration value=declaration inputmode="numeric" required=false/>
            <TextField id="trip-date" label=Key::TripsDate value=date input_type="date"/>
            <div class="field-row">
                <TextField id="trip-from" label=Key::TripsFrom value=from input_type="time"/>
                <TextField id="trip-until" label=Key::TripsUntil value=until input_type="time"/>
            </div>
            <FormMessage status=status/>
            <button type="submit" class="button" data-testid="save-trip">{move || i18n.t(Key::TripsSaveTrip)}</button>
        </form>
    }
}

/// The trip form's raw text.
pub struct TripFields {
    pub vehicle_id: String,
    pub trailer: String,
    pub driver_name: String,
    pub gate_id: String,
    pub direction: Direction,
    pub cargo: String,
    pub perishable: bool,
    pub hs_code: String,
    pub weight: String,
    pub declaration: String,
    pub date: String,
    pub from: String,
    pub until: String,
}

/// Builds and checks a new trip with the edge's own rules; the id is drawn here.
fn build_trip(f: TripFields) -> Result<TripDto, shared::Error> {
    use shared::{Error, ErrorCode};
    if f.vehicle_id.is_empty() {
        return Err(Error::new(ErrorCode::InvalidVehicle, "choose a vehicle"));
    }
    let weight_kg = f
        .weight
        .trim()
        .replace(['.', ',', ' '], "")
        .parse::<u32>()
        .map_err(|_| Error::new(ErrorCode::InvalidWeight, "weight is a number of kg"))?;
    let window_from_ms = shared::parse_local_instant(&f.date, &f.from)?;
    let window_until_ms = shared::parse_local_instant(&f.date, &f.until)?;
    let id = crate::offline::outbox::new_record_id('t')
        .map_err(|e| Error::new(ErrorCode::Internal, e))?;
    let optional = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let dto = TripDto {
        id,
        vehicle_id: f.vehicle_id,
        trailer: optional(f.trailer),
        driver_name: f.driver_name,
        gate_id: f.gate_id,
        direction: f.direction,
        cargo: f.cargo,
        perishable: f.perishable,
        hs_code: optional(f.hs_code),
        weight_kg,
        declaration: optional(f.declaration),
        window_from_ms,
        window_until_ms,
    };
    dto.clone().validate(js_sys::Date::now() as i64)?;
    Ok(dto)
}
