//! A driver's (or trading household's) place in the yard's queue for one trip: the status in
//! large type, the place in the lane, how many are ahead, the estimated wait, and the alert
//! when the yard calls.
//!
//! Live through [`crate::live`]; in a dead zone the last known place stays on screen with when
//! it was known, next to an estimate of where the vehicle is now from the yard's recent pace
//! ([`shared::queue::estimate`]), clearly marked as an estimate and recomputed as time passes.

use crate::alert::{self, Permission};
use crate::components::RequireRole;
use crate::directory;
use crate::i18n::{fill, text, use_i18n, Key};
use crate::labels::{lane_key, time_of, yard_name};
use crate::live::Follower;
use crate::offline::snapshots::TripQueueSnapshot;
use crate::routes::{self, Route};
use crate::state::{use_connectivity, use_session};
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::queue::{estimate, EntryStatus, TripQueueView};
use shared::{Gate, Role};

/// Without a socket, a view older than this is stale: the screen shows the estimate.
pub const STALE_AFTER_MS: i64 = 60_000;
/// How often the clock the estimate uses moves on.
const CLOCK_TICK_MS: u32 = 10_000;

/// Whether to show "estimated now" next to the last known place: offline, or no socket and
/// the last answer older than [`STALE_AFTER_MS`] (polls are failing). An open socket brings
/// every change, so its last message may be old and still true.
pub fn shows_estimate(online: bool, live: bool, received_at_ms: i64, now_ms: i64) -> bool {
    !online || (!live && now_ms - received_at_ms > STALE_AFTER_MS)
}

/// What the big status line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    NotCheckedIn,
    Waiting,
    Called,
    Served,
    NoShow,
}

impl Standing {
    pub fn of(view: &TripQueueView) -> Self {
        match view.entry.as_ref().map(|e| e.status) {
            None => Standing::NotCheckedIn,
            Some(EntryStatus::Waiting) => Standing::Waiting,
            Some(EntryStatus::Called) => Standing::Called,
            Some(EntryStatus::Served) => Standing::Served,
            Some(EntryStatus::NoShow) => Standing::NoShow,
        }
    }

    /// The `data-status` tests and styles read.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::NotCheckedIn => "not_checked_in",
            Standing::Waiting => "waiting",
            Standing::Called => "called",
            Standing::Served => "served",
            Standing::NoShow => "no_show",
        }
    }

    fn key(self) -> Key {
        match self {
            Standing::NotCheckedIn => Key::QueueStatusNotCheckedIn,
            Standing::Waiting => Key::QueueStatusWaiting,
            Standing::Called => Key::QueueStatusCalled,
            Standing::Served => Key::QueueStatusServed,
            Standing::NoShow => Key::QueueStatusNoShow,
        }
    }
}

#[component]
pub fn QueuePage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::Driver, Role::Trader]>
            <TripQueue/>
        </RequireRole>
    }
}

#[component]
fn TripQueue() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let session = use_session();
    let connectivity = use_connectivity();
    let sync_state = use_sync();
    let gates = LocalResource::new(directory::load_gates);
    let trip_id = params
        .with_untracked(|p| p.get(routes::TRIP_ID))
        .unwrap_or_default();
    let account_id = session
        .account_untracked()
        .map(|a| a.id)
        .unwrap_or_default();
    let gate_list = Signal::derive(move || gates.get().unwrap_or_default());

    // How many times the yard called during this visit (the banner says the alert went off).
    let alerts = RwSignal::new(0u32);
    // Where the last call's notification went, once the browser has shown it.
    let notified = RwSignal::new(None::<alert::Notified>);
    let notification_tag = format!("queue-{trip_id}");
    let follower = Follower::start(trip_id.clone(), account_id, move |view: TripQueueView| {
        let lang = i18n.lang_untracked();
        let yard = yard_name(
            &gates.get_untracked().unwrap_or_default(),
            &view.yard_id,
            lang,
        );
        alert::called(
            text(lang, Key::QueueNotificationTitle),
            &fill(text(lang, Key::QueueNotificationBody), &[("yard", &yard)]),
            &notification_tag,
            move |went| {
                let _ = notified.try_set(Some(went));
            },
        );
        let _ = alerts.try_update(|n| *n += 1);
    });

    // The clock the staleness and the estimate are measured with.
    let clock = RwSignal::new(js_sys::Date::now() as i64);
    leptos::task::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(CLOCK_TICK_MS).await;
            if clock.try_set(js_sys::Date::now() as i64).is_some() {
                return;
            }
        }
    });

    let plate = {
        let trip_id = trip_id.clone();
        move || {
            sync_state.trips.with(|s| {
                let s = s.as_ref()?;
                let trip = s.trips.iter().find(|t| t.trip.id == trip_id)?;
                s.vehicles
                    .iter()
                    .find(|v| v.id == trip.trip.vehicle_id)
                    .map(|v| v.plate.clone())
            })
        }
    };

    let body = move || {
        if let Some(e) = follower.error.get() {
            if follower.shown.with(Option::is_none) {
                return view! {
                    <p class="form-error" role="alert" data-testid="queue-error" data-code=e.code().as_str()>
                        {i18n.error_message(e.code())}
                    </p>
                }
                .into_any();
            }
        }
        match follower.shown.get() {
            Some(snapshot) if !follower.missing.get() => {
                let online = connectivity.is_online();
                let live = follower.live.get();
                let now = clock.get().max(snapshot.received_at_ms);
                let stale = shows_estimate(online, live, snapshot.received_at_ms, now);
                view! { <StandingView snapshot stale now/> }.into_any()
            }
            _ if follower.missing.get() => view! {
                <div class="queue-status status-not_checked_in" data-testid="queue-status"
                    data-status=Standing::NotCheckedIn.as_str()>
                    <p class="queue-status-text">{i18n.t(Key::QueueStatusNotCheckedIn)}</p>
                    <p>{i18n.t(Key::QueueNoQueue)}</p>
                </div>
            }
            .into_any(),
            _ if !follower.loaded.get() || connectivity.is_online() => {
                view! { <p class="status" role="status">{i18n.t(Key::CommonLoading)}</p> }.into_any()
            }
            _ => view! {
                <p class="notice" role="status" data-testid="queue-offline-empty">{i18n.t(Key::QueueOfflineNothing)}</p>
            }
            .into_any(),
        }
    };

    view! {
        <section class="page queue" data-testid="queue-page">
            <h1>{move || i18n.t(Key::QueueTitle)}</h1>
            <p class="queue-trip">
                <span class="plate">{plate}</span>
                {move || follower.shown.get().map(|s| {
                    let yard = yard_name(&gate_list.get(), &s.view.yard_id, i18n.lang());
                    view! { <span class="queue-yard">{i18n.t_with(Key::QueueYard, &[("yard", &yard)])}</span> }
                })}
            </p>
            <p class="queue-live" data-testid="queue-live"
                data-live=move || follower.live.get().to_string()
                class:is-live=move || follower.live.get()>
                {move || if !connectivity.is_online() {
                    i18n.t(Key::QueueOffline)
                } else if follower.live.get() {
                    i18n.t(Key::QueueLiveOn)
                } else {
                    i18n.t(Key::QueueLiveOff)
                }}
            </p>
            <CalledBanner follower alerts notified gates=gate_list/>
            {body}
            <AlertsControl/>
            <a class="button secondary" href=Route::Trips.href()>{move || i18n.t(Key::TripsBackToTrips)}</a>
        </section>
    }
}

/// The yard called: a banner screen readers announce at once.
#[component]
fn CalledBanner(
    follower: Follower,
    alerts: RwSignal<u32>,
    notified: RwSignal<Option<alert::Notified>>,
    gates: Signal<Vec<Gate>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Only a new call redraws the banner (and makes screen readers announce it again), not every
    // view the socket brings.
    let called = Memo::new(move |_| {
        follower.shown.with(|s| {
            s.as_ref().and_then(|s| {
                let entry = s.view.entry.as_ref()?;
                (entry.status == EntryStatus::Called)
                    .then(|| (s.view.yard_id.clone(), entry.called_at_ms))
            })
        })
    });
    move || {
        called.get().map(|(yard_id, called_at)| {
            let yard = yard_name(&gates.get(), &yard_id, i18n.lang());
            let received_at = js_sys::Date::now() as i64;
            view! {
                <div class="called-alert" role="alert" data-testid="called-alert"
                    data-alerted=move || (alerts.get() > 0).to_string()
                    data-notified=move || notified.get().map(alert::Notified::as_str)>
                    <p class="called-alert-title">{i18n.t(Key::QueueStatusCalled)}</p>
                    <p>{i18n.t_with(Key::QueueCalledBanner, &[("yard", &yard)])}</p>
                    {called_at.map(|at| view! {
                        <p>{i18n.t_with(Key::QueueCalledAt, &[("time", &time_of(at, received_at))])}</p>
                    })}
                </div>
            }
        })
    }
}

#[component]
fn StandingView(snapshot: TripQueueSnapshot, stale: bool, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let queue = snapshot.view;
    let standing = Standing::of(&queue);
    let entry = queue.entry.clone();
    let waiting_place = entry
        .as_ref()
        .filter(|e| e.status == EntryStatus::Waiting)
        .and_then(|e| Some((e.position?, e.ahead.unwrap_or(0), e.lane, e.absences)));
    let as_of = time_of(queue.as_of_ms, now);
    let counts = queue.waiting;
    let (as_of_ms, served_per_hour) = (queue.as_of_ms, queue.served_per_hour);
    view! {
        <div class=format!("queue-status status-{}", standing.as_str()) data-testid="queue-status"
            data-status=standing.as_str()>
            <p class="queue-status-text">{move || i18n.t(standing.key())}</p>
            {(standing == Standing::NotCheckedIn).then(|| view! {
                <p>{move || i18n.t(Key::QueueNotCheckedInHint)}</p>
            })}
        </div>
        {stale.then(|| view! {
            <p class="queue-as-of" data-testid="queue-as-of" data-as-of=as_of_ms.to_string()>
                {move || i18n.t_with(Key::QueueAsOf, &[("time", &as_of)])}
            </p>
        })}
        {waiting_place.map(|(position, ahead, lane, absences)| {
            let eta = estimate(position, served_per_hour, as_of_ms, as_of_ms).minutes_to_call;
            view! {
                <div class="queue-place">
                    <p class="queue-place-label">
                        {move || i18n.t(Key::QueuePositionLabel)}" · "{move || i18n.t(lane_key(lane))}
                    </p>
                    <p class="queue-position" data-testid="queue-position" data-position=position.to_string()>
                        {position.to_string()}
                    </p>
                    <p class="queue-ahead" data-testid="queue-ahead" data-ahead=ahead.to_string()>
                        {move || if ahead == 0 {
                            i18n.t(Key::QueueAheadNone).to_owned()
                        } else {
                            i18n.t_with(Key::QueueAhead, &[("count", &ahead.to_string())])
                        }}
                    </p>
                    <p class="queue-eta" data-testid="queue-eta"
                        data-minutes=eta.map(|m| m.to_string()).unwrap_or_default()>
                        {move || match eta {
                            Some(m) => i18n.t_with(Key::QueueEta, &[("minutes", &m.to_string())]),
                            None => i18n.t(Key::QueueEtaUnknown).to_owned(),
                        }}
                    </p>
                    {(absences > 0).then(|| view! {
                        <p class="notice">{move || i18n.t(Key::QueueSentBack)}</p>
                    })}
                </div>
                {stale.then(|| view! {
                    <EstimateNow position served_per_hour
                        received_at_ms=snapshot.received_at_ms now/>
                })}
            }
        })}
        <section class="card queue-waiting" aria-labelledby="queue-waiting-title">
            <h2 id="queue-waiting-title">{move || i18n.t(Key::QueueWaitingTitle)}</h2>
            <p data-testid="queue-waiting" data-general=counts.general.to_string()
                data-perishable=counts.perishable.to_string()>
                {move || i18n.t_with(Key::YardLaneCounts, &[
                    ("general", &i18n.count(u64::from(counts.general))),
                    ("perishable", &i18n.count(u64::from(counts.perishable))),
                ])}
            </p>
        </section>
    }
}

/// Where the vehicle probably is now, from the last known place and the yard's pace, measured
/// with the phone's clock since the phone received that place.
#[component]
fn EstimateNow(
    position: u32,
    served_per_hour: u32,
    received_at_ms: i64,
    now: i64,
) -> impl IntoView {
    let i18n = use_i18n();
    let guess = estimate(position, served_per_hour, received_at_ms, now);
    view! {
        <div class="queue-estimate" data-testid="queue-estimate" data-position=guess.position.to_string()
            data-minutes=guess.minutes_to_call.map(|m| m.to_string()).unwrap_or_default()>
            <h2><span class="badge">{move || i18n.t(Key::QueueEstimateTitle)}</span></h2>
            {match guess.minutes_to_call {
                Some(minutes) => view! {
                    <p class="estimate-position">
                        {move || i18n.t_with(Key::QueueEstimatePosition, &[("position", &guess.position.to_string())])}
                    </p>
                    <p>{move || i18n.t_with(Key::QueueEstimateEta, &[("minutes", &minutes.to_string())])}</p>
                    <p class="muted">
                        {move || i18n.t_with(Key::QueueEstimateNote, &[("rate", &served_per_hour.to_string())])}
                    </p>
                }
                .into_any(),
                None => view! {
                    <p class="estimate-position">
                        {move || i18n.t_with(Key::QueueEstimatePosition, &[("position", &guess.position.to_string())])}
                    </p>
                    <p class="muted">{move || i18n.t(Key::QueueEstimateNoPace)}</p>
                }
                .into_any(),
            }}
        </div>
    }
}

/// "Alert me when called": asks for notifications (and wakes the sound) on a tap, never on
/// load.
#[component]
fn AlertsControl() -> impl IntoView {
    let i18n = use_i18n();
    let permission = RwSignal::new(alert::permission());
    let tapped = RwSignal::new(false);
    let enable = move |_| {
        tapped.set(true);
        leptos::task::spawn_local(async move {
            let answer = alert::enable().await;
            let _ = permission.try_set(answer);
        });
    };
    move || {
        match (permission.get(), tapped.get()) {
        (Permission::Granted, _) => {
            view! { <p class="muted alerts-state" data-testid="alerts-state" data-state="on">{i18n.t(Key::QueueAlertsOn)}</p> }
                .into_any()
        }
        (Permission::Denied, _) => view! {
            <p class="notice alerts-state" data-testid="alerts-state" data-state="blocked">{i18n.t(Key::QueueAlertsBlocked)}</p>
        }
        .into_any(),
        (Permission::Unsupported, true) => view! {
            <p class="muted alerts-state" data-testid="alerts-state" data-state="screen">{i18n.t(Key::QueueAlertsScreenOpen)}</p>
        }
        .into_any(),
        (Permission::Default | Permission::Unsupported, _) => view! {
            <button type="button" class="button secondary enable-alerts" data-testid="enable-alerts"
                on:click=enable>
                {i18n.t(Key::QueueEnableAlerts)}
            </button>
        }
        .into_any(),
    }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::booking::{Lane, LaneCounts};
    use shared::queue::{Priority, QueueEntryId, TripQueueEntry};

    #[test]
    fn offline_always_estimates() {
        assert!(shows_estimate(false, false, 1_000, 1_000));
        assert!(shows_estimate(false, true, 1_000, 1_000));
    }

    #[test]
    fn online_estimates_only_without_a_socket_and_after_a_minute() {
        let received = 1_000_000;
        assert!(!shows_estimate(
            true,
            false,
            received,
            received + STALE_AFTER_MS
        ));
        assert!(shows_estimate(
            true,
            false,
            received,
            received + STALE_AFTER_MS + 1
        ));
        // A socket pushes every change: an old last message is still the truth.
        assert!(!shows_estimate(true, true, received, received + 3_600_000));
    }

    fn view(status: Option<EntryStatus>) -> TripQueueView {
        TripQueueView {
            yard_id: "tan-thanh-1".into(),
            trip_id: "t-1".into(),
            entry: status.map(|status| TripQueueEntry {
                id: QueueEntryId::parse("q-1").unwrap(),
                status,
                lane: Lane::General,
                priority: Priority::WalkIn,
                position: None,
                ahead: None,
                scanned_at_ms: 0,
                called_at_ms: None,
                absences: 0,
            }),
            waiting: LaneCounts::default(),
            served_per_hour: 0,
            as_of_ms: 0,
        }
    }

    #[test]
    fn every_status_has_its_own_name() {
        let cases = [
            (None, "not_checked_in"),
            (Some(EntryStatus::Waiting), "waiting"),
            (Some(EntryStatus::Called), "called"),
            (Some(EntryStatus::Served), "served"),
            (Some(EntryStatus::NoShow), "no_show"),
        ];
        for (status, name) in cases {
            assert_eq!(Standing::of(&view(status)).as_str(), name);
        }
    }
}
