//! The pass of one trip, full screen: the QR, the plate in large type, the validity and the
//! booked slot, then the trip's timeline at the border gate. Shown from the phone's copy, so it
//! works with the network off.

use super::timeline::TripTimeline;
use crate::components::RequireRole;
use crate::i18n::{use_i18n, I18n, Key};
use crate::labels::date_time_in;
use crate::routes::{self, Route};
use crate::state::use_connectivity;
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::wire::v1::PassDto;
use shared::{Role, TripStatus};

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
        let id = params.with(|p| p.get(routes::TRIP_ID))?;
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
                        ("time", &date_time_in(start, i18n.lang())),
                    ]));
                    let trip_id = record.trip.id.clone();
                    view! {
                        {slot.map(|text| view! { <p class="pass-slot" data-testid="pass-slot">{text}</p> })}
                        {pass_body(i18n, record.pass, record.status, record.trip.trailer.or(plate.clone().and_then(|p| p.1)), plate.map(|p| p.0), offline_copy, fetched_at_ms)}
                        <TripTimeline trip_id full=true/>
                    }.into_any()
                }
            }}
            <a class="button secondary" href=Route::Trips.href()>{move || i18n.t(Key::TripsBackToTrips)}</a>
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
            ("from", &date_time_in(pass.valid_from * 1000, i18n.lang())),
            ("until", &date_time_in(pass.valid_until * 1000, i18n.lang())),
        ],
    );
    let saved = date_time_in(fetched_at_ms, i18n.lang());
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
