//! Trips for drivers and trading households: vehicles, trips and their passes, usable offline.
//!
//! Everything shown here comes from two places on the phone: the account's trips as last
//! received from the edge, and the outbox of writes not yet sent. A new vehicle or trip shows
//! at once, marked "waiting to send"; once the edge accepts it, its pass appears.

use crate::components::{FormMessage, FormStatus, RequireRole, TextField};
use crate::directory;
use crate::i18n::{use_i18n, I18n, Key};
use crate::offline::outbox::{Contents, RejectedWrite};
use crate::offline::snapshots::TripsSnapshot;
use crate::state::{use_connectivity, use_session};
use crate::sync::{self, use_sync};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::booking::BookingStatus;
use shared::time::LocalDateTime;
use shared::wire::v1::{CancelTripDto, OpKind, PassDto, SetDeclarationDto, TripDto, VehicleDto};
use shared::{Direction, Gate, Plate, Role, TripStatus, VehicleType};

/// A vehicle as shown: from the edge, or still in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleView {
    pub dto: VehicleDto,
    pub pending: bool,
}

/// Where a trip stands, as the phone knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shown {
    /// In the outbox, not yet accepted.
    Pending,
    /// As the edge last said.
    Stored(TripStatus),
    /// Stored, with a cancellation waiting in the outbox.
    Cancelling,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TripView {
    pub dto: TripDto,
    pub shown: Shown,
    pub pass: Option<PassDto>,
}

/// Merges the edge's last answer with the writes still waiting: pending vehicles and trips are
/// added, pending cancellations mark their trips. Newest trips first.
pub fn merge(
    snapshot: Option<&TripsSnapshot>,
    outbox: &Contents,
) -> (Vec<VehicleView>, Vec<TripView>) {
    let mut vehicles: Vec<VehicleView> = snapshot
        .map(|s| {
            s.vehicles
                .iter()
                .map(|dto| VehicleView {
                    dto: dto.clone(),
                    pending: false,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut trips: Vec<TripView> = snapshot
        .map(|s| {
            s.trips
                .iter()
                .map(|t| TripView {
                    dto: t.trip.clone(),
                    shown: Shown::Stored(t.status),
                    pass: t.pass.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    for write in &outbox.pending {
        match write.kind {
            OpKind::RegisterVehicle => {
                if let Ok(dto) = serde_json::from_value::<VehicleDto>(write.payload.clone()) {
                    if !vehicles.iter().any(|v| v.dto.id == dto.id) {
                        vehicles.push(VehicleView { dto, pending: true });
                    }
                }
            }
            OpKind::CreateTrip => {
                if let Ok(dto) = serde_json::from_value::<TripDto>(write.payload.clone()) {
                    if !trips.iter().any(|t| t.dto.id == dto.id) {
                        trips.insert(
                            0,
                            TripView {
                                dto,
                                shown: Shown::Pending,
                                pass: None,
                            },
                        );
                    }
                }
            }
            OpKind::CancelTrip => {
                if let Ok(cancel) = serde_json::from_value::<CancelTripDto>(write.payload.clone()) {
                    if let Some(t) = trips.iter_mut().find(|t| t.dto.id == cancel.trip_id) {
                        if t.shown != Shown::Stored(TripStatus::Cancelled) {
                            t.shown = Shown::Cancelling;
                        }
                    }
                }
            }
            OpKind::SetDeclaration => {
                if let Ok(set) = serde_json::from_value::<SetDeclarationDto>(write.payload.clone())
                {
                    if let Some(t) = trips.iter_mut().find(|t| t.dto.id == set.trip_id) {
                        t.dto.declaration = Some(set.declaration);
                    }
                }
            }
            // A yard operator's write: never in a driver's or trader's outbox.
            OpKind::CheckIn => {}
        }
    }
    (vehicles, trips)
}

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

/// How many writes wait, when the last sync was, and a button to send now.
#[component]
fn SyncBar() -> impl IntoView {
    let i18n = use_i18n();
    let sync_state = use_sync();
    let connectivity = use_connectivity();
    let pending = move || sync_state.outbox.with(|o| o.pending.len());
    let last_sync = move || {
        sync_state
            .outbox
            .with(|o| o.meta.as_ref().and_then(|m| m.last_sync_at_ms))
            .map(|ms| LocalDateTime::from_unix_ms(ms).date_time_string())
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
fn RejectedWrites() -> impl IntoView {
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

#[component]
fn TripCard(
    trip: TripView,
    vehicles: Signal<Vec<VehicleView>>,
    gates: Signal<Vec<Gate>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let vehicle_id = trip.dto.vehicle_id.clone();
    let plate = move || {
        vehicles.with(|vs| {
            vs.iter()
                .find(|v| v.dto.id == vehicle_id)
                .map(|v| v.dto.plate.clone())
        })
    };
    let gate_id = trip.dto.gate_id.clone();
    let gate_name = move || {
        gates.with(|gs| {
            gs.iter()
                .find(|g| g.id.as_str() == gate_id)
                .map(|g| g.name.get(i18n.lang()).to_owned())
                .unwrap_or_else(|| gate_id.clone())
        })
    };
    let shown = trip.shown;
    let (status_key, status_class) = status_label(shown);
    let window = i18n.t_with(
        Key::TripsWindow,
        &[
            (
                "from",
                &LocalDateTime::from_unix_ms(trip.dto.window_from_ms).date_time_string(),
            ),
            (
                "until",
                &LocalDateTime::from_unix_ms(trip.dto.window_until_ms).date_time_string(),
            ),
        ],
    );
    let can_change = matches!(shown, Shown::Stored(s) if s.is_open());
    let has_pass = trip.pass.as_ref().is_some_and(|p| !p.revoked);
    let trip_id = trip.dto.id.clone();
    let pass_href = format!("/trips/{}/pass", trip.dto.id);
    let book_href = format!("/trips/{}/book", trip.dto.id);
    let sync_state = use_sync();
    let booking_trip = trip.dto.id.clone();
    let booking = Signal::derive(move || {
        sync_state.trips.with(|s| {
            s.as_ref().and_then(|s| {
                s.bookings
                    .iter()
                    // The trip's one booking that holds it (active, or checked in at a
                    // yard): while there is one the edge refuses another, so "book" is not
                    // offered.
                    .find(|b| {
                        b.trip_id.as_str() == booking_trip
                            && matches!(b.status, BookingStatus::Active | BookingStatus::CheckedIn)
                    })
                    .cloned()
            })
        })
    });
    let accepted = matches!(shown, Shown::Stored(TripStatus::Accepted));
    let can_book = accepted && trip.dto.declaration.is_some();
    let queue_href = super::queue::queue_href(&trip.dto.id);
    let needs_declaration = trip.dto.declaration.is_none() && can_change;
    let direction_key = if trip.dto.direction == Direction::Export {
        Key::TripsExport
    } else {
        Key::TripsImport
    };
    let id_for_form = trip.dto.id.clone();
    view! {
        <li class="card trip" data-testid="trip" data-trip-id=trip.dto.id.clone() data-status=status_code(shown)>
            <p class="plate">{plate}</p>
            <p>{gate_name}" · "{move || i18n.t(direction_key)}</p>
            <p class="muted">{trip.dto.cargo.clone()}</p>
            <p class="muted">{window}</p>
            <p><span class=format!("badge {status_class}") data-testid="trip-status">{move || i18n.t(status_key)}</span></p>
            <ReleasedBookingNotice trip_id=trip.dto.id.clone()/>
            {move || booking.get().map(|b| {
                let time = LocalDateTime::from_unix_ms(b.slot.start_ms).date_time_string();
                let yard = b.slot.yard.to_string();
                let active = b.is_active();
                let state_key = if active { Key::TripsBookedSlot } else { Key::TripsCheckedInSlot };
                view! {
                    <p class="booked" data-testid="trip-booking" data-booking-id=b.id.to_string()
                        data-booking-status=b.status.as_str()>
                        {i18n.t_with(state_key, &[("yard", &yard), ("time", &time)])}
                    </p>
                    <Show when=move || active>
                    <div class="actions">
                        <a class="button secondary" href=format!("/trips/{}/book", b.trip_id) data-testid="move-booking">
                            {i18n.t(Key::TripsMoveBooking)}
                        </a>
                        <CancelBookingButton yard=yard.clone() booking_id=b.id.to_string()/>
                    </div>
                    </Show>
                }
            })}
            <div class="actions">
                <Show when=move || can_book && booking.with(Option::is_none)>
                    <a class="button secondary" href=book_href.clone() data-testid="book-trip">{move || i18n.t(Key::TripsBookSlot)}</a>
                </Show>
                <Show when=move || has_pass>
                    <a class="button" href=pass_href.clone() data-testid="show-pass">{move || i18n.t(Key::TripsShowPass)}</a>
                </Show>
                <Show when=move || accepted>
                    <a class="button secondary" href=queue_href.clone() data-testid="trip-queue">{move || i18n.t(Key::QueueOpenQueue)}</a>
                </Show>
                <Show when=move || can_change>
                    <CancelButton trip_id=trip_id.clone()/>
                </Show>
            </div>
            <Show when=move || needs_declaration>
                <DeclarationForm trip_id=id_for_form.clone()/>
            </Show>
        </li>
    }
}

fn status_label(shown: Shown) -> (Key, &'static str) {
    match shown {
        Shown::Pending => (Key::TripsStatusPending, "badge-pending"),
        Shown::Cancelling => (Key::TripsStatusCancelling, "badge-pending"),
        Shown::Stored(TripStatus::Draft) => (Key::TripsStatusDraft, "badge-pending"),
        Shown::Stored(TripStatus::Submitted) => (Key::TripsStatusSubmitted, "badge-pending"),
        Shown::Stored(TripStatus::Accepted) => (Key::TripsStatusAccepted, "badge-ok"),
        Shown::Stored(TripStatus::Completed) => (Key::TripsStatusCompleted, "badge-ok"),
        Shown::Stored(TripStatus::Cancelled) => (Key::TripsStatusCancelled, "badge-off"),
    }
}

fn status_code(shown: Shown) -> &'static str {
    match shown {
        Shown::Pending => "pending",
        Shown::Cancelling => "cancelling",
        Shown::Stored(s) => s.as_str(),
    }
}

/// A booking of this trip that the edge released (its plate was verified for another
/// account's vehicle), while the trip holds no active booking: the driver is told why.
#[component]
fn ReleasedBookingNotice(trip_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let sync_state = use_sync();
    let released = Signal::derive(move || {
        sync_state.trips.with(|s| {
            let s = s.as_ref()?;
            if s.bookings
                .iter()
                .any(|b| b.trip_id.as_str() == trip_id && b.is_active())
            {
                return None;
            }
            s.bookings
                .iter()
                .filter(|b| b.trip_id.as_str() == trip_id)
                .filter_map(|b| {
                    let release = s.releases.iter().find(|r| r.booking_id == b.id.as_str())?;
                    Some((b.clone(), release.reason))
                })
                .max_by_key(|(b, _)| b.updated_at_ms)
        })
    });
    move || {
        released.get().map(|(b, reason)| {
            let time = LocalDateTime::from_unix_ms(b.slot.start_ms).date_time_string();
            let yard = b.slot.yard.to_string();
            let why = i18n.error_message(reason);
            view! {
                <p class="notice" role="status" data-testid="booking-released"
                    data-booking-id=b.id.to_string() data-reason=reason.as_str()>
                    {i18n.t_with(Key::TripsBookingReleased, &[("yard", &yard), ("time", &time), ("reason", why)])}
                </p>
            }
        })
    }
}

/// Cancels a slot booking (online only: the yard's object decides), then refreshes the trips.
#[component]
fn CancelBookingButton(yard: String, booking_id: String) -> impl IntoView {
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
                    if let Some(account) = use_session_untracked() {
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

fn use_session_untracked() -> Option<String> {
    crate::state::Session::current()
        .and_then(|s| s.account_untracked())
        .map(|a| a.id)
}

#[component]
fn CancelButton(trip_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let on_click = move |_| {
        let confirmed = window()
            .confirm_with_message(i18n.t(Key::TripsConfirmCancel))
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let payload = serde_json::json!(CancelTripDto {
            trip_id: trip_id.clone()
        });
        leptos::task::spawn_local(async move {
            if let Err(e) = sync::submit(OpKind::CancelTrip, payload).await {
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

#[component]
fn DeclarationForm(trip_id: String) -> impl IntoView {
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
        let payload = serde_json::json!(SetDeclarationDto {
            trip_id: trip_id.clone(),
            declaration
        });
        leptos::task::spawn_local(async move {
            match sync::submit(OpKind::SetDeclaration, payload).await {
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

#[component]
fn NewVehicleForm() -> impl IntoView {
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
            match sync::submit(OpKind::RegisterVehicle, serde_json::json!(dto)).await {
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

/// Today's date in Vietnam as `YYYY-MM-DD`, for the date field's default.
fn today_iso() -> String {
    LocalDateTime::from_unix_ms(js_sys::Date::now() as i64).iso_date()
}

#[component]
fn NewTripForm(vehicles: Signal<Vec<VehicleView>>, gates: Signal<Vec<Gate>>) -> impl IntoView {
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
                match sync::submit(OpKind::CreateTrip, serde_json::json!(dto)).await {
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

/// The pass of one trip, full screen: the QR, the plate in large type, the validity. Shown from
/// the phone's copy, so it works with the network off.
#[component]
pub fn PassPage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::Driver, Role::Trader]>
            <PassView/>
        </RequireRole>
    }
}

#[component]
fn PassView() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let sync_state = use_sync();
    let connectivity = use_connectivity();
    let found = move || {
        let id = params.with(|p| p.get("id"))?;
        sync_state.trips.with(|s| {
            let s = s.as_ref()?;
            let record = s.trips.iter().find(|t| t.trip.id == id)?.clone();
            let plate = s
                .vehicles
                .iter()
                .find(|v| v.id == record.trip.vehicle_id)
                .map(|v| (v.plate.clone(), v.trailer.clone()));
            let booking = s
                .bookings
                .iter()
                .find(|b| b.trip_id.as_str() == record.trip.id && b.is_active())
                .map(|b| (b.slot.yard.to_string(), b.slot.start_ms));
            Some((record, plate, s.fetched_at_ms, booking))
        })
    };
    view! {
        <section class="page pass-page" data-testid="pass-page">
            <h1>{move || i18n.t(Key::TripsPassTitle)}</h1>
            {move || match found() {
                None => view! { <p class="status" data-testid="pass-missing">{i18n.t(Key::TripsPassMissing)}</p> }.into_any(),
                Some((record, plate, fetched_at_ms, booking)) => {
                    let offline_copy = !sync_state.live.get() || !connectivity.is_online();
                    let slot = booking.map(|(yard, start)| i18n.t_with(Key::TripsPassSlot, &[
                        ("yard", &yard),
                        ("time", &LocalDateTime::from_unix_ms(start).date_time_string()),
                    ]));
                    view! {
                        {slot.map(|text| view! { <p class="pass-slot" data-testid="pass-slot">{text}</p> })}
                        {pass_body(i18n, record.pass, record.status, record.trip.trailer.or(plate.clone().and_then(|p| p.1)), plate.map(|p| p.0), offline_copy, fetched_at_ms)}
                    }.into_any()
                }
            }}
            <a class="button secondary" href="/trips">{move || i18n.t(Key::TripsBackToTrips)}</a>
        </section>
    }
}

fn pass_body(
    i18n: I18n,
    pass: Option<PassDto>,
    status: TripStatus,
    trailer: Option<String>,
    plate: Option<String>,
    offline_copy: bool,
    fetched_at_ms: i64,
) -> AnyView {
    let Some(pass) = pass else {
        return view! { <p class="status" data-testid="pass-missing">{i18n.t(Key::TripsPassMissing)}</p> }.into_any();
    };
    if pass.revoked || status == TripStatus::Cancelled {
        return view! { <p class="form-error" role="alert" data-testid="pass-revoked">{i18n.t(Key::TripsPassRevoked)}</p> }.into_any();
    }
    let svg = shared::pass::qr::svg(&pass.code).unwrap_or_default();
    let validity = i18n.t_with(
        Key::TripsPassValid,
        &[
            (
                "from",
                &LocalDateTime::from_unix_ms(pass.valid_from * 1000).date_time_string(),
            ),
            (
                "until",
                &LocalDateTime::from_unix_ms(pass.valid_until * 1000).date_time_string(),
            ),
        ],
    );
    let saved = LocalDateTime::from_unix_ms(fetched_at_ms).date_time_string();
    view! {
        <div class="pass" data-testid="pass" data-pass-id=pass.id.clone() data-pass-code=pass.code.clone()>
            {offline_copy.then(|| view! {
                <p class="badge badge-offline" data-testid="offline-copy">{i18n.t_with(Key::TripsPassOfflineCopy, &[("time", &saved)])}</p>
            })}
            <div class="pass-qr" data-testid="pass-qr" role="img" aria-label=i18n.t(Key::TripsPassQrLabel) inner_html=svg></div>
            <p class="pass-plate" data-testid="pass-plate">{plate.unwrap_or_default()}</p>
            {trailer.map(|t| view! { <p class="pass-trailer">{i18n.t_with(Key::TripsTrailerShort, &[("plate", &t)])}</p> })}
            <p class="pass-validity">{validity}</p>
            <p class="muted">{i18n.t(Key::TripsPassShowHint)}</p>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offline::outbox::PendingWrite;
    use shared::wire::v1::TripRecordDto;

    fn trip(id: &str) -> TripDto {
        TripDto {
            id: id.into(),
            vehicle_id: "v-1".into(),
            trailer: None,
            driver_name: "An".into(),
            gate_id: "huu-nghi".into(),
            direction: Direction::Export,
            cargo: "Thanh long".into(),
            perishable: true,
            hs_code: None,
            weight_kg: 1000,
            declaration: None,
            window_from_ms: 1,
            window_until_ms: 2,
        }
    }

    fn pending(seq: u64, kind: OpKind, payload: serde_json::Value) -> PendingWrite {
        PendingWrite {
            account_id: "a".into(),
            seq,
            kind,
            payload,
            queued_at_ms: 0,
        }
    }

    #[test]
    fn pending_writes_show_on_top_of_the_edges_answer() {
        let snapshot = TripsSnapshot {
            fetched_at_ms: 0,
            vehicles: vec![],
            bookings: vec![],
            releases: vec![],
            trips: vec![TripRecordDto {
                trip: trip("t-stored"),
                status: TripStatus::Accepted,
                pass: None,
                created_at_ms: 0,
                updated_at_ms: 0,
            }],
        };
        let outbox = Contents {
            meta: None,
            pending: vec![
                pending(1, OpKind::CreateTrip, serde_json::json!(trip("t-new"))),
                pending(
                    2,
                    OpKind::CancelTrip,
                    serde_json::json!({"trip_id": "t-stored"}),
                ),
                pending(
                    3,
                    OpKind::SetDeclaration,
                    serde_json::json!({"trip_id": "t-stored", "declaration": "123456789012"}),
                ),
            ],
            rejected: vec![],
        };
        let (_, trips) = merge(Some(&snapshot), &outbox);
        assert_eq!(trips.len(), 2);
        assert_eq!(trips[0].dto.id, "t-new");
        assert_eq!(trips[0].shown, Shown::Pending);
        assert_eq!(trips[1].shown, Shown::Cancelling);
        assert_eq!(trips[1].dto.declaration.as_deref(), Some("123456789012"));
    }

    #[test]
    fn a_write_the_edge_already_has_is_not_shown_twice() {
        let snapshot = TripsSnapshot {
            fetched_at_ms: 0,
            vehicles: vec![],
            bookings: vec![],
            releases: vec![],
            trips: vec![TripRecordDto {
                trip: trip("t-1"),
                status: TripStatus::Accepted,
                pass: None,
                created_at_ms: 0,
                updated_at_ms: 0,
            }],
        };
        let outbox = Contents {
            meta: None,
            pending: vec![pending(
                1,
                OpKind::CreateTrip,
                serde_json::json!(trip("t-1")),
            )],
            rejected: vec![],
        };
        let (_, trips) = merge(Some(&snapshot), &outbox);
        assert_eq!(trips.len(), 1);
        assert_eq!(trips[0].shown, Shown::Stored(TripStatus::Accepted));
    }
}
