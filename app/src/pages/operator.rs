//! The yard operator's home: the yard, the day's bookings per slot and the yard's booking
//! settings (hours, capacity, fee, caps, closed days). Everything here needs the network.

use crate::api;
use crate::components::{FormMessage, FormStatus, RequireRole, TextField};
use crate::directory;
use crate::i18n::{use_i18n, Key};
use crate::labels::{closure_reason_text, lane_key, CLOSURE_CODES};
use crate::routes::Route;
use crate::state::{use_connectivity, use_session};
use leptos::prelude::*;
use shared::booking::{
    Booking, BookingStatus, Closure, ClosureCode, ClosureReason, ClosureSpan, Lane, LocalDate,
    YardConfig,
};
use shared::time::{format_hhmm, parse_hhmm, LocalDateTime};
use shared::{Gate, Role, YardId};

#[component]
pub fn OperatorHomePage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::YardOperator]>
            <OperatorHome/>
        </RequireRole>
    }
}

/// Today in Vietnam as `YYYY-MM-DD`.
fn today_iso() -> String {
    LocalDateTime::from_unix_ms(js_sys::Date::now() as i64).iso_date()
}

#[component]
fn OperatorHome() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let yard_id = session.account().and_then(|a| a.yard_id);
    let gates = LocalResource::new(directory::load_gates);
    let status = LocalResource::new(move || {
        let yard_id = yard_id.clone();
        async move {
            let yard = shared::YardId::parse(yard_id.as_deref()?).ok()?;
            api::yard_status(&yard).await.ok()
        }
    });
    let yard_id_for_view = session.account().and_then(|a| a.yard_id);
    let yard_view = move || {
        let gates: Vec<Gate> = gates.get().unwrap_or_default();
        let wanted = yard_id_for_view.clone()?;
        gates.into_iter().find_map(|gate| {
            let yard = gate.yards.iter().find(|y| y.id.as_str() == wanted)?.clone();
            Some((gate, yard))
        })
    };
    let yard = session
        .account()
        .and_then(|a| a.yard_id)
        .and_then(|id| YardId::parse(&id).ok());
    view! {
        <section class="page staff-home" data-testid="operator-home">
            <h1>{move || i18n.t(Key::StaffOperatorTitle)}</h1>
            <p class="intro">{move || i18n.t(Key::StaffOperatorIntro)}</p>
            {move || yard_view().map(|(gate, yard)| view! {
                <div class="card">
                    <h2 data-testid="my-yard">{move || yard.name.get(i18n.lang()).to_owned()}</h2>
                    <p>{move || gate.name.get(i18n.lang()).to_owned()}</p>
                </div>
            })}
            {move || status.get().flatten().map(|s| view! {
                <p class="muted">
                    {move || i18n.t_with(Key::StaffYardObject, &[("since",
                        &LocalDateTime::from_unix_ms(s.first_seen_at_ms).date_time_string())])}
                </p>
            })}
            {yard.is_some().then(|| view! {
                <p>
                    <a class="button" href=Route::OperatorQueue.href() data-testid="open-operator-queue">
                        {move || i18n.t(Key::QueueOpenOperatorQueue)}
                    </a>
                </p>
            })}
            {yard.map(|yard| view! {
                <DayBookings yard=yard.clone()/>
                <YardSettings yard/>
            })}
        </section>
    }
}

fn status_key(status: BookingStatus) -> Key {
    match status {
        BookingStatus::Active => Key::YardStatusActive,
        BookingStatus::Cancelled => Key::YardStatusCancelled,
        BookingStatus::NoShow => Key::YardStatusNoShow,
        BookingStatus::CheckedIn => Key::YardStatusCheckedIn,
    }
}

/// Bookings grouped by slot start, in time order.
fn by_slot(mut bookings: Vec<Booking>) -> Vec<(i64, i64, Vec<Booking>)> {
    bookings.sort_by(|a, b| {
        (a.slot.start_ms, a.plate.display()).cmp(&(b.slot.start_ms, b.plate.display()))
    });
    let mut groups: Vec<(i64, i64, Vec<Booking>)> = Vec::new();
    for b in bookings {
        match groups.last_mut() {
            Some((start, _, list)) if *start == b.slot.start_ms => list.push(b),
            _ => groups.push((b.slot.start_ms, b.slot_end_ms, vec![b])),
        }
    }
    groups
}

#[component]
fn DayBookings(yard: YardId) -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let date = RwSignal::new(today_iso());
    let refresh = RwSignal::new(0u32);
    let bookings = LocalResource::new(move || {
        let (yard, date, _) = (yard.clone(), date.get(), refresh.get());
        async move { api::yard_bookings(&yard, &date).await }
    });
    // The one booking whose vehicle's papers are being entered, and the last verification.
    let verifying = RwSignal::new(None::<String>);
    let verified_notice = RwSignal::new(None::<String>);
    let list = DayList {
        verifying,
        verified_notice,
        refresh,
    };
    view! {
        <section class="card yard-bookings" data-testid="yard-bookings" aria-labelledby="yard-bookings-title">
            <h2 id="yard-bookings-title">{move || i18n.t(Key::YardBookingsTitle)}</h2>
            <div class="yard-date-row">
                <div class="field">
                    <label for="yard-date">{move || i18n.t(Key::YardDate)}</label>
                    <input id="yard-date" type="date" prop:value=move || date.get()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if !v.is_empty() { date.set(v); }
                        }/>
                </div>
                <button type="button" class="button secondary" data-testid="refresh-bookings"
                    on:click=move |_| refresh.update(|n| *n += 1)>
                    {move || i18n.t(Key::YardRefresh)}
                </button>
            </div>
            {move || verified_notice.get().map(|message| view! {
                <p class="form-done" role="status" data-testid="verify-done">{message}</p>
            })}
            {move || if !connectivity.is_online() {
                view! {
                    <p class="notice" role="status" data-testid="yard-needs-network">
                        {i18n.t(Key::YardNeedsNetwork)}
                    </p>
                }.into_any()
            } else {
                match bookings.get() {
                    None => view! { <p class="status">{i18n.t(Key::CommonLoading)}</p> }.into_any(),
                    Some(Err(e)) => view! {
                        <p class="form-error" role="alert" data-code=e.code().as_str()>
                            {i18n.error_message(e.code())}
                        </p>
                    }.into_any(),
                    Some(Ok(day)) => day_view(day.bookings, day.verified_trips, day.province_received_trips, list).into_any(),
                }
            }}
        </section>
    }
}

/// What the day's list shares with its rows: which vehicle is being verified, and how to say
/// it was and reload.
#[derive(Clone, Copy)]
struct DayList {
    verifying: RwSignal<Option<String>>,
    verified_notice: RwSignal<Option<String>>,
    refresh: RwSignal<u32>,
}

fn day_view(
    list: Vec<Booking>,
    verified_trips: Vec<String>,
    province_received_trips: Vec<String>,
    day: DayList,
) -> impl IntoView {
    let i18n = use_i18n();
    let counted = |lane: Lane| {
        list.iter()
            .filter(|b| b.lane == lane && b.status != BookingStatus::Cancelled)
            .count()
            .to_string()
    };
    let (general, perishable) = (counted(Lane::General), counted(Lane::Perishable));
    let (general_attr, perishable_attr) = (general.clone(), perishable.clone());
    let empty = list.is_empty();
    let groups = by_slot(list);
    view! {
        <p class="lane-counts" data-testid="lane-counts" data-general=general_attr
            data-perishable=perishable_attr>
            {move || i18n.t_with(Key::YardLaneCounts,
                &[("general", &general), ("perishable", &perishable)])}
        </p>
        {empty.then(|| view! {
            <p class="muted" data-testid="no-bookings">{move || i18n.t(Key::YardNoBookings)}</p>
        })}
        <ol class="yard-slots" data-testid="yard-slots">
            {groups.into_iter().map(|(start, end, list)| {
                let from = LocalDateTime::from_unix_ms(start).time_string();
                let until = LocalDateTime::from_unix_ms(end).time_string();
                view! {
                    <li class="yard-slot" data-testid="yard-slot" data-start=start.to_string()>
                        <h3 class="slot-time">{format!("{from}–{until}")}</h3>
                        <ul class="yard-slot-bookings">
                            {list.into_iter().map(|b| {
                                let (lane, status) = (b.lane, b.status);
                                let verified = verified_trips.iter().any(|t| t == b.trip_id.as_str());
                                // The vehicle's trip record has reached the province's platform.
                                let received = province_received_trips.iter().any(|t| t == b.trip_id.as_str());
                                let can_verify = !verified && status != BookingStatus::Cancelled;
                                let booking_id = b.id.to_string();
                                let open_id = booking_id.clone();
                                let is_open = move || day.verifying.with(|v| v.as_deref() == Some(open_id.as_str()));
                                let plate = b.plate.display().to_owned();
                                let trip_id = b.trip_id.to_string();
                                view! {
                                    <li class="yard-booking" data-testid="yard-booking"
                                        data-plate=b.plate.display().to_owned()
                                        data-lane=lane.as_str() data-status=status.as_str()
                                        data-verified=verified.to_string()
                                        data-province-received=received.to_string()>
                                        <span class="plate">{b.plate.display().to_owned()}</span>
                                        {verified.then(|| view! {
                                            <span class="badge badge-ok" data-testid="plate-verified">
                                                "✓ "{move || i18n.t(Key::YardPlateVerified)}
                                            </span>
                                        })}
                                        {received.then(|| view! {
                                            <span class="badge badge-ok" data-testid="province-received">
                                                {move || i18n.t(Key::ProvinceReceived)}
                                            </span>
                                        })}
                                        <span>{move || i18n.t(lane_key(lane))}</span>
                                        <span class=if status == BookingStatus::Active { "badge badge-ok" } else { "badge badge-pending" }>
                                            {move || i18n.t(status_key(status))}
                                        </span>
                                        {can_verify.then(|| {
                                            let is_open = is_open.clone();
                                            view! {
                                                <button type="button" class="button secondary verify-toggle"
                                                    data-testid="verify-vehicle"
                                                    aria-expanded=move || is_open().to_string()
                                                    on:click=move |_| day.verifying.update(|v| {
                                                        *v = if v.as_deref() == Some(booking_id.as_str()) { None } else { Some(booking_id.clone()) };
                                                    })>
                                                    {move || i18n.t(Key::YardVerifyVehicle)}
                                                </button>
                                            }
                                        })}
                                        <Show when=is_open.clone()>
                                            <VerifyVehicleForm trip_id=trip_id.clone() plate=plate.clone() day=day/>
                                        </Show>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// The operator has seen a vehicle's registration papers: the plate as written on them and
/// the certificate number. The edge checks the plate is the vehicle's and keeps only a digest
/// of the number; other accounts' bookings of the plate are released.
#[component]
fn VerifyVehicleForm(trip_id: String, plate: String, day: DayList) -> impl IntoView {
    let i18n = use_i18n();
    let seen_plate = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let status = RwSignal::new(FormStatus::Idle);
    let title_plate = plate.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if matches!(status.get_untracked(), FormStatus::Working) {
            return;
        }
        let request = shared::wire::v1::VerifyVehicleRequest {
            trip_id: Some(trip_id.clone()),
            pass_id: None,
            plate: seen_plate.get_untracked().trim().to_owned(),
            registration_number: number.get_untracked().trim().to_owned(),
        };
        // The same checks as the edge, for an instant answer.
        if let Err(e) = shared::Plate::parse(&request.plate)
            .and_then(|_| shared::RegistrationNumber::parse(&request.registration_number))
        {
            status.set(FormStatus::Failed(e));
            return;
        }
        status.set(FormStatus::Working);
        leptos::task::spawn_local(async move {
            match api::verify_vehicle(&request).await {
                Ok(done) => {
                    let released = done.released_bookings.to_string();
                    day.verified_notice.set(Some(i18n.t_with(
                        Key::YardVerifyDone,
                        &[("plate", &done.plate), ("released", &released)],
                    )));
                    day.verifying.set(None);
                    day.refresh.update(|n| *n += 1);
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };
    view! {
        <form class="verify-vehicle" data-testid="verify-form" on:submit=submit novalidate
            aria-labelledby="verify-title">
            <h4 id="verify-title">{move || i18n.t_with(Key::YardVerifyTitle, &[("plate", &title_plate)])}</h4>
            <TextField id="verify-plate" label=Key::YardVerifyPlate value=seen_plate hint=Key::YardVerifyPlateHint/>
            <TextField id="verify-number" label=Key::YardVerifyNumber value=number
                hint=Key::YardVerifyNumberHint/>
            <FormMessage status/>
            <div class="actions">
                <button type="submit" class="button" data-testid="verify-submit">
                    {move || i18n.t(Key::YardVerifySubmit)}
                </button>
                <button type="button" class="button secondary" data-testid="verify-close"
                    on:click=move |_| day.verifying.set(None)>
                    {move || i18n.t(Key::YardVerifyClose)}
                </button>
            </div>
        </form>
    }
}

/// The text fields of the settings form.
#[derive(Clone, Copy)]
struct Fields {
    slot_minutes: RwSignal<String>,
    opens: RwSignal<String>,
    closes: RwSignal<String>,
    capacity: RwSignal<String>,
    perishable: RwSignal<String>,
    fee: RwSignal<String>,
    max_driver: RwSignal<String>,
    max_trader: RwSignal<String>,
    horizon: RwSignal<String>,
    grace: RwSignal<String>,
    closures: RwSignal<Vec<Closure>>,
}

impl Fields {
    fn new() -> Self {
        let s = || RwSignal::new(String::new());
        Fields {
            slot_minutes: s(),
            opens: s(),
            closes: s(),
            capacity: s(),
            perishable: s(),
            fee: s(),
            max_driver: s(),
            max_trader: s(),
            horizon: s(),
            grace: s(),
            closures: RwSignal::new(Vec::new()),
        }
    }

    fn load(&self, c: &YardConfig) {
        self.slot_minutes.set(c.slot_minutes.to_string());
        self.opens.set(format_hhmm(c.opens_minute));
        self.closes.set(format_hhmm(c.closes_minute));
        self.capacity.set(c.capacity_per_slot.to_string());
        self.perishable.set(c.perishable_percent.to_string());
        self.fee.set(c.fee_vnd.to_string());
        self.max_driver.set(c.max_active_driver.to_string());
        self.max_trader.set(c.max_active_trader.to_string());
        self.horizon.set(c.horizon_days.to_string());
        self.grace.set(c.no_show.grace_minutes.to_string());
        self.closures.set(c.closures.clone());
    }

    /// The loaded settings with the form's values; the key of the first field that does not
    /// parse otherwise.
    fn apply(&self, base: &YardConfig) -> Result<YardConfig, Key> {
        fn num<T: std::str::FromStr>(s: RwSignal<String>) -> Result<T, Key> {
            s.get_untracked()
                .trim()
                .replace(['.', ',', ' '], "")
                .parse()
                .map_err(|_| Key::YardBadNumber)
        }
        let time =
            |s: RwSignal<String>| parse_hhmm(s.get_untracked().trim()).ok_or(Key::YardBadTime);
        let mut c = base.clone();
        c.slot_minutes = num(self.slot_minutes)?;
        c.opens_minute = time(self.opens)?;
        c.closes_minute = time(self.closes)?;
        c.capacity_per_slot = num(self.capacity)?;
        c.perishable_percent = num(self.perishable)?;
        c.fee_vnd = num(self.fee)?;
        c.max_active_driver = num(self.max_driver)?;
        c.max_active_trader = num(self.max_trader)?;
        c.horizon_days = num(self.horizon)?;
        c.no_show.grace_minutes = num(self.grace)?;
        c.closures = self.closures.get_untracked();
        Ok(c)
    }
}

#[component]
fn NumberField(id: &'static str, label: Key, value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(label)}</label>
            <input id=id name=id type="text" inputmode="numeric" autocomplete="off" required=true
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}

#[component]
fn YardSettings(yard: YardId) -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let fields = Fields::new();
    let loaded = RwSignal::new(None::<YardConfig>);
    let load_error = RwSignal::new(None::<shared::Error>);
    let status = RwSignal::new(FormStatus::Idle);
    let local_error = RwSignal::new(None::<Key>);
    let new_date = RwSignal::new(String::new());
    let new_reason = RwSignal::new(ClosureCode::Holiday);
    {
        let yard = yard.clone();
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) || !connectivity.is_online() {
                return done.unwrap_or(false);
            }
            let yard = yard.clone();
            leptos::task::spawn_local(async move {
                match api::yard_config(&yard).await {
                    Ok(c) => {
                        fields.load(&c);
                        loaded.set(Some(c));
                        load_error.set(None);
                    }
                    Err(e) => load_error.set(Some(e)),
                }
            });
            true
        });
    }
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let Some(base) = loaded.get_untracked() else {
            return;
        };
        let config = match fields.apply(&base) {
            Ok(c) => c,
            Err(key) => {
                status.set(FormStatus::Idle);
                local_error.set(Some(key));
                return;
            }
        };
        if let Err(e) = config.validate() {
            status.set(FormStatus::Failed(e));
            return;
        }
        status.set(FormStatus::Working);
        let yard = yard.clone();
        leptos::task::spawn_local(async move {
            match api::save_yard_config(&yard, &config).await {
                Ok(stored) => {
                    fields.load(&stored);
                    loaded.set(Some(stored));
                    status.set(FormStatus::Done(i18n.t(Key::YardSaved).to_owned()));
                }
                Err(e) => status.set(FormStatus::Failed(e)),
            }
        });
    };
    let add_closure = move |_| {
        local_error.set(None);
        let Ok(date) = LocalDate::parse(&new_date.get_untracked()) else {
            local_error.set(Some(Key::YardBadDate));
            return;
        };
        let closure = Closure {
            span: ClosureSpan::Day { date },
            reason: ClosureReason::Code(new_reason.get_untracked()),
        };
        fields.closures.update(|list| {
            if !list.contains(&closure) {
                list.push(closure);
            }
        });
        new_date.set(String::new());
    };
    let slot_option = move |minutes: u16| {
        let value = minutes.to_string();
        let selected = {
            let value = value.clone();
            move || fields.slot_minutes.get() == value
        };
        view! {
            <option value=value selected=selected>
                {move || i18n.t_with(Key::YardMinutes, &[("minutes", &minutes.to_string())])}
            </option>
        }
    };
    view! {
        <section class="card yard-settings" data-testid="yard-settings" aria-labelledby="yard-settings-title">
            <h2 id="yard-settings-title">{move || i18n.t(Key::YardSettingsTitle)}</h2>
            <p class="muted">{move || i18n.t(Key::YardSettingsIntro)}</p>
            <Show when=move || !connectivity.is_online()>
                <p class="notice" role="status" data-testid="settings-needs-network">
                    {move || i18n.t(Key::YardNeedsNetwork)}
                </p>
            </Show>
            {move || load_error.get().map(|e| view! {
                <p class="form-error" role="alert" data-code=e.code().as_str()>{i18n.error_message(e.code())}</p>
            })}
            <Show when=move || loaded.with(Option::is_some)>
                <form class="yard-form" data-testid="yard-form" on:submit=save.clone() novalidate=true>
                    <div class="field">
                        <label for="yard-slot-minutes">{move || i18n.t(Key::YardSlotMinutes)}</label>
                        <select id="yard-slot-minutes"
                            on:change=move |ev| fields.slot_minutes.set(event_target_value(&ev))>
                            {slot_option(30)}
                            {slot_option(60)}
                        </select>
                    </div>
                    <div class="field-row">
                        <NumberField id="yard-opens" label=Key::YardOpens value=fields.opens/>
                        <NumberField id="yard-closes" label=Key::YardCloses value=fields.closes/>
                    </div>
                    <div class="field-row">
                        <NumberField id="yard-capacity" label=Key::YardCapacity value=fields.capacity/>
                        <NumberField id="yard-perishable" label=Key::YardPerishablePercent value=fields.perishable/>
                    </div>
                    <NumberField id="yard-fee" label=Key::YardFee value=fields.fee/>
                    <div class="field-row">
                        <NumberField id="yard-max-driver" label=Key::YardMaxDriver value=fields.max_driver/>
                        <NumberField id="yard-max-trader" label=Key::YardMaxTrader value=fields.max_trader/>
                    </div>
                    <div class="field-row">
                        <NumberField id="yard-horizon" label=Key::YardHorizonDays value=fields.horizon/>
                        <NumberField id="yard-grace" label=Key::YardGraceMinutes value=fields.grace/>
                    </div>

                    <h3>{move || i18n.t(Key::YardClosuresTitle)}</h3>
                    {move || fields.closures.with(Vec::is_empty).then(|| view! {
                        <p class="muted">{i18n.t(Key::YardNoClosures)}</p>
                    })}
                    <ul class="closures" data-testid="closures">
                        {move || fields.closures.get().into_iter().enumerate().map(|(i, c)| {
                            closure_row(i, c, fields.closures)
                        }).collect_view()}
                    </ul>
                    <fieldset class="add-closure" data-testid="add-closure">
                        <legend>{move || i18n.t(Key::YardAddClosure)}</legend>
                        <div class="field-row">
                            <div class="field">
                                <label for="closure-date">{move || i18n.t(Key::YardClosureDate)}</label>
                                <input id="closure-date" type="date" prop:value=move || new_date.get()
                                    on:input=move |ev| new_date.set(event_target_value(&ev))
                                    on:change=move |ev| new_date.set(event_target_value(&ev))/>
                            </div>
                            <div class="field">
                                <label for="closure-reason">{move || i18n.t(Key::YardClosureReason)}</label>
                                <select id="closure-reason" on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    if let Some((code, _)) = CLOSURE_CODES.iter().find(|(c, _)| c.as_str() == v) {
                                        new_reason.set(*code);
                                    }
                                }>
                                    {CLOSURE_CODES.iter().map(|(code, key)| {
                                        let (code, key) = (*code, *key);
                                        view! {
                                            <option value=code.as_str() selected=move || new_reason.get() == code>
                                                {move || i18n.t(key)}
                                            </option>
                                        }
                                    }).collect_view()}
                                </select>
                            </div>
                        </div>
                        <button type="button" class="button secondary" data-testid="add-closure-button"
                            on:click=add_closure>
                            {move || i18n.t(Key::YardAddClosure)}
                        </button>
                    </fieldset>

                    {move || local_error.get().map(|key| view! {
                        <p class="form-error" role="alert" data-testid="form-error" data-code="local">{i18n.t(key)}</p>
                    })}
                    <FormMessage status=status/>
                    <button type="submit" class="button" data-testid="save-settings"
                        disabled=move || !connectivity.is_online() || status.get() == FormStatus::Working>
                        {move || i18n.t(Key::YardSave)}
                    </button>
                </form>
            </Show>
        </section>
    }
}

fn closure_row(index: usize, closure: Closure, list: RwSignal<Vec<Closure>>) -> impl IntoView {
    let i18n = use_i18n();
    let (when, date) = match closure.span {
        ClosureSpan::Day { date } => (date.date_string(), date.to_string()),
        ClosureSpan::Hours { from_ms, until_ms } => (
            i18n.t_with(
                Key::YardClosureHours,
                &[
                    (
                        "from",
                        &LocalDateTime::from_unix_ms(from_ms).date_time_string(),
                    ),
                    (
                        "until",
                        &LocalDateTime::from_unix_ms(until_ms).date_time_string(),
                    ),
                ],
            ),
            String::new(),
        ),
    };
    let reason = closure.reason.clone();
    let reason_text = move || closure_reason_text(&reason, i18n.lang());
    let code = match &closure.reason {
        ClosureReason::Code(code) => code.as_str(),
        ClosureReason::Text(_) => "text",
    };
    view! {
        <li class="closure" data-testid="closure" data-date=date data-reason=code>
            <span class="closure-when">{when}</span>
            <span>{reason_text}</span>
            <button type="button" class="button danger" data-testid="remove-closure"
                on:click=move |_| list.update(|l| {
                    if index < l.len() {
                        l.remove(index);
                    }
                })>
                {move || i18n.t(Key::YardRemove)}
            </button>
        </li>
    }
}
