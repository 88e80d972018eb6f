//! One trip's card in the list.

use super::model::{Shown, TripView, VehicleView};
use super::timeline::TripTimeline;
use super::trip_actions::{CancelBookingButton, CancelButton, DeclarationForm};
use crate::i18n::{use_i18n, Key};
use crate::labels::date_time_in;
use crate::labels::gate_name;
use crate::routes::Route;
use crate::sync::use_sync;
use leptos::prelude::*;
use shared::booking::BookingStatus;
use shared::{Direction, Gate, TripStatus};

/// One trip: its vehicle, gate, cargo, window and status, its slot booking (or why one was
/// released), and what can be done with it now.
#[component]
pub(super) fn TripCard(
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
    let gate = move || gates.with(|gs| gate_name(gs, &gate_id, i18n.lang()));
    let shown = trip.shown;
    let (status_key, status_class) = status_label(shown);
    let window = i18n.t_with(
        Key::TripsWindow,
        &[
            (
                "from",
                &date_time_in(trip.dto.window_from_ms, i18n.lang_untracked()),
            ),
            (
                "until",
                &date_time_in(trip.dto.window_until_ms, i18n.lang_untracked()),
            ),
        ],
    );
    let can_change = matches!(shown, Shown::Stored(s) if s.is_open());
    let has_pass = trip.pass.as_ref().is_some_and(|p| !p.revoked);
    let trip_id = trip.dto.id.clone();
    let pass_href = Route::TripPass(trip.dto.id.clone()).href();
    let book_href = Route::TripBook(trip.dto.id.clone()).href();
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
    let queue_href = Route::TripQueue(trip.dto.id.clone()).href();
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
            <p>{gate}" · "{move || i18n.t(direction_key)}</p>
            <p class="muted">{trip.dto.cargo.clone()}</p>
            <p class="muted">{window}</p>
            <p><span class=format!("badge {status_class}") data-testid="trip-status">{move || i18n.t(status_key)}</span></p>
            <ReleasedBookingNotice trip_id=trip.dto.id.clone()/>
            {(shown != Shown::Pending).then(|| view! { <TripTimeline trip_id=trip.dto.id.clone() full=false/> })}
            {move || booking.get().map(|b| {
                let time = date_time_in(b.slot.start_ms, i18n.lang());
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
                        <a class="button secondary" href=Route::TripBook(b.trip_id.as_str().to_owned()).href() data-testid="move-booking">
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
            let time = date_time_in(b.slot.start_ms, i18n.lang());
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
