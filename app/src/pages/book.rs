//! Booking a yard slot for a trip: the trip's gate → a yard → a day → the slot grid with the
//! places left per lane and the fee, then one tap. Booking needs the network: offline the
//! screen says so and never pretends a place is taken.

use crate::api::{self, BookBody, RescheduleBody};
use crate::components::{FormMessage, FormStatus, RequireRole};
use crate::directory;
use crate::i18n::{use_i18n, Key};
use crate::labels::closure_reason_text;
use crate::offline::outbox::new_record_id;
use crate::routes::{self, Route};
use crate::state::use_connectivity;
use crate::sync::{self, use_sync};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::booking::{DayAvailability, SlotAvailability, SlotState};
use shared::time::LocalDateTime;
use shared::{Gate, Role, YardId};

#[component]
pub fn BookPage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::Driver, Role::Trader]>
            <BookSlot/>
        </RequireRole>
    }
}

/// Tomorrow in Vietnam as `YYYY-MM-DD` (today's slots are mostly gone by the time one books).
fn tomorrow_iso() -> String {
    LocalDateTime::from_unix_ms(js_sys::Date::now() as i64 + 86_400_000).iso_date()
}

#[component]
fn BookSlot() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let sync_state = use_sync();
    let connectivity = use_connectivity();
    let gates = LocalResource::new(directory::load_gates);
    let trip_id = move || params.with(|p| p.get(routes::TRIP_ID)).unwrap_or_default();
    let trip = move || {
        let id = trip_id();
        sync_state.trips.with(|s| {
            s.as_ref()
                .and_then(|s| s.trips.iter().find(|t| t.trip.id == id).cloned())
        })
    };
    let gate = move || -> Option<Gate> {
        let t = trip()?;
        gates
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|g| g.id.as_str() == t.trip.gate_id)
    };
    // A trip that already holds a slot moves it (same yard) instead of booking a second one.
    let held = move || {
        let id = trip_id();
        sync_state.trips.with(|s| {
            s.as_ref().and_then(|s| {
                s.bookings
                    .iter()
                    .find(|b| b.trip_id.as_str() == id && b.is_active())
                    .cloned()
            })
        })
    };
    let yard = RwSignal::new(String::new());
    let date = RwSignal::new(tomorrow_iso());
    Effect::new(move |_| {
        if let Some(b) = held() {
            yard.set(b.slot.yard.to_string());
        }
    });
    // The first yard of the trip's gate, once the directory is there.
    Effect::new(move |_| {
        if yard.get_untracked().is_empty() {
            if let Some(first) = gate().and_then(|g| g.yards.first().map(|y| y.id.to_string())) {
                yard.set(first);
            }
        }
    });
    let refresh = RwSignal::new(0u32);
    let grid = LocalResource::new(move || {
        let (yard, date, _) = (yard.get(), date.get(), refresh.get());
        async move {
            let yard = YardId::parse(&yard).ok()?;
            Some(api::availability(&yard, &date).await)
        }
    });
    let status = RwSignal::new(FormStatus::Idle);
    // One key per attempt: a retry after a lost answer books nothing twice.
    let attempt_key = RwSignal::new(None::<(i64, String)>);
    let navigate = use_navigate();
    let book = move |slot_start_ms: i64| {
        let Ok(yard_id) = YardId::parse(&yard.get_untracked()) else {
            return;
        };
        let key = match attempt_key.get_untracked() {
            Some((start, key)) if start == slot_start_ms => key,
            _ => match new_record_id('k') {
                Ok(key) => {
                    attempt_key.set(Some((slot_start_ms, key.clone())));
                    key
                }
                Err(_) => return,
            },
        };
        let held = held();
        let body = BookBody {
            trip_id: trip_id(),
            slot_start_ms,
            lane: None,
        };
        status.set(FormStatus::Working);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let answer = match held {
                Some(b) => {
                    let body = RescheduleBody {
                        slot_start_ms,
                        lane: None,
                    };
                    api::reschedule_booking(&b.slot.yard, b.id.as_str(), &key, &body).await
                }
                None => api::book(&yard_id, &key, &body).await,
            };
            match answer {
                Ok(_) => {
                    attempt_key.set(None);
                    status.set(FormStatus::Idle);
                    if let Some(account) =
                        crate::state::Session::current().and_then(|s| s.account_untracked())
                    {
                        sync::refresh_trips(&account.id).await;
                    }
                    navigate(&Route::Trips.href(), Default::default());
                }
                Err(e) => {
                    status.set(FormStatus::Failed(e));
                    refresh.update(|n| *n += 1);
                }
            }
        });
    };

    view! {
        <section class="page book" data-testid="book-page">
            <h1>{move || i18n.t(if held().is_some() { Key::TripsMoveTitle } else { Key::TripsBookTitle })}</h1>
            {move || trip().map(|t| view! {
                <p class="muted">{t.trip.cargo.clone()}</p>
            })}
            <Show when=move || !connectivity.is_online()>
                <p class="notice" role="status" data-testid="booking-needs-network">
                    {move || i18n.t(Key::TripsBookingNeedsNetwork)}
                </p>
            </Show>
            <div class="field">
                <label for="book-yard">{move || i18n.t(Key::TripsYard)}</label>
                <select id="book-yard" disabled=move || held().is_some()
                    on:change=move |ev| yard.set(event_target_value(&ev))>
                    {move || gate().map(|g| g.yards.into_iter().map(|y| {
                        let id = y.id.to_string();
                        let selected = { let id = id.clone(); move || yard.get() == id };
                        view! { <option value=id selected=selected>{y.name.get(i18n.lang()).to_owned()}</option> }
                    }).collect_view())}
                </select>
            </div>
            <div class="field">
                <label for="book-date">{move || i18n.t(Key::TripsDate)}</label>
                <input id="book-date" type="date" prop:value=move || date.get()
                    on:change=move |ev| date.set(event_target_value(&ev))/>
            </div>
            <FormMessage status=status/>
            {move || match grid.get().flatten() {
                None => view! { <p class="status">{i18n.t(Key::CommonLoading)}</p> }.into_any(),
                Some(Err(e)) => view! {
                    <p class="form-error" role="alert">{i18n.error_message(e.code())}</p>
                }.into_any(),
                Some(Ok(day)) => slot_grid(day, connectivity.is_online(), book.clone()).into_any(),
            }}
            <a class="button secondary" href=Route::Trips.href()>{move || i18n.t(Key::TripsBackToTrips)}</a>
        </section>
    }
}

fn slot_grid(
    day: DayAvailability,
    online: bool,
    book: impl Fn(i64) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let fee = day.fee_vnd;
    view! {
        <p class="muted" data-testid="booking-fee">
            {move || i18n.t_with(Key::TripsFee, &[("fee", &i18n.count(fee))])}
        </p>
        <ul class="slot-grid" data-testid="slot-grid">
            {day.slots.into_iter().map(|slot| slot_row(slot, online, book.clone())).collect_view()}
        </ul>
    }
}

fn slot_row(
    slot: SlotAvailability,
    online: bool,
    book: impl Fn(i64) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let from = LocalDateTime::from_unix_ms(slot.start_ms).time_string();
    let until = LocalDateTime::from_unix_ms(slot.end_ms).time_string();
    let open = slot.state == SlotState::Open;
    // A closed slot says why, in the reader's language.
    let closed_reason = match &slot.state {
        SlotState::Closed { reason } => Some(reason.clone()),
        _ => None,
    };
    let left = slot.remaining.general + slot.remaining.perishable;
    let bookable = open && left > 0 && online;
    let start = slot.start_ms;
    let (general, perishable) = (slot.remaining.general, slot.remaining.perishable);
    view! {
        <li class="slot" data-testid="slot" data-start=start.to_string()
            data-general=general.to_string() data-perishable=perishable.to_string()>
            <span class="slot-time">{format!("{from}–{until}")}</span>
            <span>{move || i18n.t_with(Key::TripsGeneralLeft, &[("count", &general.to_string())])}</span>
            <span>{move || i18n.t_with(Key::TripsPerishableLeft, &[("count", &perishable.to_string())])}</span>
            {(!open).then(|| view! { <span class="badge badge-off">{move || i18n.t(Key::TripsSlotClosed)}</span> })}
            {closed_reason.map(|reason| view! {
                <span class="muted" data-testid="closed-reason">{move || closure_reason_text(&reason, i18n.lang())}</span>
            })}
            <button type="button" class="button" data-testid="book-slot" disabled=!bookable
                on:click=move |_| book(start)>
                {move || i18n.t(Key::TripsBook)}
            </button>
        </li>
    }
}
