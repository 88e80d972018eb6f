//! Sending the outbox: on start, when the network comes back, every 30 seconds while there is
//! something to send, when the service worker's Background Sync fires, and right after a write.
//!
//! One drain runs at a time. Writes go in `seq` order, in batches; a final answer (applied or
//! refused) removes a write from the queue, a deferred one or a lost connection stops the drain
//! until next time. After a drain a driver's or trader's trips are fetched again, passes
//! and the province's timelines included; while the app is in front and online they are also
//! fetched every minute, so a step the province confirms shows without a tap. Each fresh
//! list is compared with the one saved before it ([`news`]): the steps that
//! changed become the in-app alert.
//!
//! Drivers and traders queue their trips here; yard operators queue the check-ins they scanned
//! with no network (`queue.check_in`, sent in scan order); border officers queue the residents'
//! crossings they record (`resident.cross`, with the scan time), online or not, and keep their
//! gate's residents roster on the phone ([`refresh_roster`], after each drain too).

use crate::api;
use crate::offline::outbox::{self, Contents, RejectedWrite};
use crate::offline::roster::{self, RosterSnapshot};
use crate::offline::snapshots::{self, TripsSnapshot};
use crate::state::{use_connectivity, Connectivity, Session};
use leptos::prelude::*;
use shared::sync::{Outcome, MAX_OPS_PER_SYNC};
use shared::wire::v1::{OutboxWrite, SyncRequest};
use shared::{ErrorCode, Role};
use std::cell::Cell;

/// How often to try again while writes are waiting.
const RETRY_INTERVAL_MS: u32 = 30_000;
/// How often an ask for a drain checks whether the running one has ended.
const DRAIN_WAIT_POLL_MS: u32 = 50;
/// How long an ask waits for the running drain at most (a request can hang on a weak network;
/// signing out then goes on and counts the writes still waiting).
const DRAIN_WAIT_MAX_MS: u32 = 15_000;
/// How often the trips (and their timelines) are fetched while the app is in front, online.
const REFRESH_EVERY_TICKS: u32 = 2;

/// What the screens show about the outbox and the account's trips.
#[derive(Debug, Clone, Copy)]
pub struct SyncState {
    pub outbox: RwSignal<Contents>,
    /// Whether `outbox` has been read from the phone yet (until then no count is shown).
    pub outbox_loaded: RwSignal<bool>,
    pub trips: RwSignal<Option<TripsSnapshot>>,
    pub syncing: RwSignal<bool>,
    /// Whether `trips` came from the edge during this visit (false: the copy on the phone).
    pub live: RwSignal<bool>,
    /// Timeline steps that changed since the saved list, until the driver has read them.
    pub news: RwSignal<Vec<news::StepNews>>,
    /// An officer's roster of the gate's residents: fresh from the edge or saved on the phone.
    pub roster: RwSignal<Option<RosterSnapshot>>,
}

thread_local! {
    static STATE: Cell<Option<SyncState>> = const { Cell::new(None) };
    static DRAINING: Cell<Drain> = const { Cell::new(Drain::Idle) };
    /// Counts [`forget_account`] calls: a refresh that started before one saves nothing (its
    /// answer belongs to a session the person has just ended on this phone).
    static FORGOTTEN: Cell<u64> = const { Cell::new(0) };
    /// Refreshes of the trips: how many started, and the newest one whose answer is shown. An
    /// answer older than the one shown is dropped, so a slow refresh begun before a write was
    /// applied cannot put the list from before it back on the screen (or in storage).
    static REFRESHES: Cell<RefreshTickets> = const { Cell::new(RefreshTickets { started: 0, shown: 0 }) };
}

/// Whether a drain runs, and whether something asked for one meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drain {
    Idle,
    Running,
    /// Asked for while running (the network came back, a write was queued): the running drain
    /// goes round once more when it ends, so the ask is not lost until the next 30 s tick.
    RunAgain,
}

#[derive(Debug, Clone, Copy)]
struct RefreshTickets {
    started: u64,
    shown: u64,
}

impl SyncState {
    /// Provides the state and starts the triggers that send the outbox.
    pub fn provide() -> Self {
        let state = SyncState {
            outbox: RwSignal::new(Contents::default()),
            outbox_loaded: RwSignal::new(false),
            trips: RwSignal::new(None),
            syncing: RwSignal::new(false),
            live: RwSignal::new(false),
            news: RwSignal::new(Vec::new()),
            roster: RwSignal::new(None),
        };
        STATE.with(|s| s.set(Some(state)));
        provide_context(state);

        let session = expect_context::<Session>();
        let connectivity = use_connectivity();
        // On start (once the session is loaded), on sign-in, and whenever the network returns.
        Effect::new(move |_| {
            // Drivers and traders write trips, yard operators check-ins, officers residents'
            // crossings; other roles have no outbox to send.
            let account = session
                .account()
                .filter(|a| has_outbox(a.role))
                .map(|a| a.id);
            let online = connectivity.is_online();
            if let Some(account_id) = account {
                leptos::task::spawn_local(async move {
                    reload(&account_id).await;
                    if online {
                        drain().await;
                    }
                });
            }
        });
        leptos::task::spawn_local(async {
            let mut ticks: u32 = 0;
            loop {
                gloo_timers::future::TimeoutFuture::new(RETRY_INTERVAL_MS).await;
                ticks = ticks.wrapping_add(1);
                let waiting =
                    current().is_some_and(|s| !s.outbox.get_untracked().pending.is_empty());
                if waiting {
                    drain().await;
                } else if ticks.is_multiple_of(REFRESH_EVERY_TICKS)
                    && in_front_and_online()
                    && has_trips()
                {
                    if let Some(account_id) = signed_in_account() {
                        refresh_trips(&account_id).await;
                    }
                }
            }
        });
        state
    }
}

pub fn use_sync() -> SyncState {
    expect_context::<SyncState>()
}

fn current() -> Option<SyncState> {
    STATE.with(|s| s.get())
}

/// Whether the person is looking at the app and the phone has network: a background tab or a
/// dead zone fetches nothing.
fn in_front_and_online() -> bool {
    !document().hidden() && Connectivity::current_online() == Some(true)
}

fn signed_in_account() -> Option<String> {
    Session::current()?.account_untracked().map(|a| a.id)
}

/// The roles whose writes go through the outbox.
pub fn has_outbox(role: Role) -> bool {
    matches!(
        role,
        Role::Driver | Role::Trader | Role::YardOperator | Role::Officer
    )
}

/// Whether the signed-in account is a border officer (who keeps a residents roster).
fn is_officer() -> bool {
    Session::current()
        .and_then(|s| s.account_untracked())
        .is_some_and(|a| a.role == Role::Officer)
}

/// The roles that have trips (and passes) to keep on the phone.
fn has_trips() -> bool {
    Session::current()
        .and_then(|s| s.account_untracked())
        .is_some_and(|a| matches!(a.role, Role::Driver | Role::Trader))
}

/// Queues a write for the signed-in account, shows it at once, and tries to send it.
pub async fn submit(write: OutboxWrite) -> Result<u64, shared::Error> {
    let account_id = signed_in_account()
        .ok_or_else(|| shared::Error::new(ErrorCode::Unauthenticated, "not signed in"))?;
    let seq = outbox::enqueue(&account_id, write.kind(), write.payload(), now_ms())
        .await
        .map_err(|e| shared::Error::new(ErrorCode::Internal, e))?;
    reload(&account_id).await;
    crate::offline::service_worker::request_background_sync();
    leptos::task::spawn_local(async {
        drain().await;
    });
    Ok(seq)
}

/// Forgets a refused write after the user has read why.
pub async fn dismiss(seq: u64) {
    let Some(account_id) = signed_in_account() else {
        return;
    };
    if let Err(e) = outbox::dismiss_rejected(&account_id, seq).await {
        leptos::logging::warn!("could not dismiss a refused write: {e}");
    }
    reload(&account_id).await;
}

/// The account's writes still waiting on this phone, after one more try to send them when
/// online (signing out asks before losing any).
pub async fn waiting_writes(account_id: &str, online: bool) -> Result<usize, String> {
    if online {
        drain().await;
    }
    Ok(outbox::contents(account_id).await?.pending.len())
}

/// Forgets what the account left on this phone (signing out of it: a shared phone must not
/// show the next person someone's trips and passes): its saved trips, passes and queue
/// places, its outbox, and the screens' copies of them.
pub async fn forget_account(account_id: &str) {
    FORGOTTEN.with(|f| f.set(f.get().wrapping_add(1)));
    if let Err(e) = snapshots::clear_account(account_id).await {
        leptos::logging::warn!("could not clear the account's saved trips: {e}");
    }
    if let Err(e) = outbox::clear_account(account_id).await {
        leptos::logging::warn!("could not clear the account's outbox: {e}");
    }
    if let Err(e) = roster::clear_account(account_id).await {
        leptos::logging::warn!("could not clear the saved residents roster: {e}");
    }
    if let Some(state) = current() {
        state.outbox.set(Contents::default());
        state.outbox_loaded.set(false);
        state.trips.set(None);
        state.live.set(false);
        state.news.set(Vec::new());
        state.roster.set(None);
    }
}

/// The driver has read the alert.
pub fn dismiss_news() {
    if let Some(state) = current() {
        state.news.set(Vec::new());
    }
}

/// Loads the outbox and the saved trips into the screens' signals.
async fn reload(account_id: &str) {
    let Some(state) = current() else {
        return;
    };
    match outbox::contents(account_id).await {
        Ok(contents) => {
            state.outbox.set(contents);
            state.outbox_loaded.set(true);
        }
        Err(e) => leptos::logging::warn!("could not read the outbox: {e}"),
    }
    if !state.live.get_untracked() && has_trips() {
        if let Some(snapshot) = snapshots::load_trips(account_id).await {
            state.trips.set(Some(snapshot));
        }
    }
    if is_officer() && state.roster.get_untracked().is_none() {
        if let Some(saved) = roster::load(account_id).await {
            if state.roster.get_untracked().is_none() {
                state.roster.set(Some(saved));
            }
        }
    }
}

/// Fetches the officer's gate's residents (`GET /api/residents`), shows them and keeps them
/// on the phone for offline scans. Returns the error when the edge could not be asked (the
/// saved copy stays).
pub async fn refresh_roster() -> Result<RosterSnapshot, shared::Error> {
    let account_id = signed_in_account()
        .ok_or_else(|| shared::Error::new(ErrorCode::Unauthenticated, "not signed in"))?;
    let forgotten_before = FORGOTTEN.with(Cell::get);
    let response = api::gate_residents().await?;
    let snapshot = RosterSnapshot::from_response(response, now_ms());
    // Signed out (or someone else signed in) while the answer was on its way: keep nothing.
    if FORGOTTEN.with(Cell::get) != forgotten_before
        || signed_in_account().as_deref() != Some(account_id.as_str())
    {
        return Err(shared::Error::new(ErrorCode::Unauthenticated, "signed out"));
    }
    if let Some(state) = current() {
        // An older answer does not replace a newer one.
        let newer = state
            .roster
            .get_untracked()
            .is_none_or(|shown| shown.as_of_ms <= snapshot.as_of_ms);
        if newer {
            state.roster.set(Some(snapshot.clone()));
        }
    }
    roster::save(&account_id, &snapshot).await;
    Ok(snapshot)
}

/// Sends what is waiting, then refreshes the trips. Returns how many writes were answered
/// (0 when a drain was already running: that one goes round again for this ask, and this call
/// returns once it has ended, or after [`DRAIN_WAIT_MAX_MS`]).
///
/// An ask while a drain runs is kept, not dropped: the network often comes back in the middle
/// of a drain whose first request failed (Chromium fails a request sent as the connection
/// returns), and the queue must not then wait for the next tick. The asker waits for the end,
/// so what it reads next (signing out counts the writes left) is what the drain left, and no
/// request of the drain is still to go out with a session about to end.
pub async fn drain() -> usize {
    let was = DRAINING.with(|d| {
        let was = d.get();
        d.set(if was == Drain::Idle {
            Drain::Running
        } else {
            Drain::RunAgain
        });
        was
    });
    if was != Drain::Idle {
        let mut waited_ms = 0;
        while DRAINING.with(Cell::get) != Drain::Idle && waited_ms < DRAIN_WAIT_MAX_MS {
            gloo_timers::future::TimeoutFuture::new(DRAIN_WAIT_POLL_MS).await;
            waited_ms += DRAIN_WAIT_POLL_MS;
        }
        return 0;
    }
    let mut answered = 0;
    loop {
        answered += drain_once().await;
        let again = DRAINING.with(|d| d.replace(Drain::Running)) == Drain::RunAgain;
        if !again {
            DRAINING.with(|d| d.set(Drain::Idle));
            return answered;
        }
    }
}

async fn drain_once() -> usize {
    let (Some(state), Some(account_id)) = (current(), signed_in_account()) else {
        return 0;
    };
    state.syncing.set(true);
    let mut answered = 0;
    loop {
        let contents = match outbox::contents(&account_id).await {
            Ok(c) => c,
            Err(e) => {
                leptos::logging::warn!("could not read the outbox: {e}");
                break;
            }
        };
        let Some(meta) = contents.meta.clone() else {
            break;
        };
        if contents.pending.is_empty() {
            break;
        }
        let batch: Vec<_> = contents.pending.iter().take(MAX_OPS_PER_SYNC).collect();
        let request = SyncRequest {
            client_id: meta.client_id.clone(),
            ops: batch.iter().map(|w| w.to_sync_op()).collect(),
        };
        let Ok(response) = api::sync(&request).await else {
            // Offline, or the session ended: everything stays queued.
            break;
        };
        let now = now_ms();
        let mut applied = Vec::new();
        let mut rejected = Vec::new();
        for result in &response.results {
            let Some(write) = batch.iter().find(|w| w.seq == result.seq) else {
                continue;
            };
            match result.outcome {
                Outcome::Applied => applied.push(result.seq),
                Outcome::Rejected => rejected.push(RejectedWrite {
                    account_id: account_id.clone(),
                    seq: write.seq,
                    kind: write.kind,
                    payload: write.payload.clone(),
                    code: result.code.unwrap_or(ErrorCode::Unknown),
                    message: result.message.clone().unwrap_or_default(),
                    at_ms: now,
                }),
                Outcome::Deferred => {}
            }
        }
        let progressed = applied.len() + rejected.len();
        answered += progressed;
        if let Err(e) = outbox::settle(&account_id, &applied, rejected, now).await {
            leptos::logging::warn!("could not record the edge's answers: {e}");
            break;
        }
        if progressed == 0 {
            break;
        }
    }
    if has_trips() {
        refresh_trips(&account_id).await;
    }
    // Crossings just accepted leave the outbox: the roster's history now holds them.
    if is_officer() && answered > 0 {
        if let Err(e) = refresh_roster().await {
            leptos::logging::warn!("could not refresh the residents roster: {e}");
        }
    }
    reload(&account_id).await;
    state.syncing.set(false);
    answered
}

/// Fetches the account's trips (and passes) and keeps them for offline use.
pub async fn refresh_trips(account_id: &str) {
    let forgotten_before = FORGOTTEN.with(Cell::get);
    let ticket = REFRESHES.with(|r| {
        let mut tickets = r.get();
        tickets.started += 1;
        r.set(tickets);
        tickets.started
    });
    if let Ok(response) = api::trips().await {
        let (bookings, releases) = match api::my_bookings().await {
            Ok(b) => (b.bookings, b.releases),
            // Keep the bookings last seen rather than show none.
            Err(_) => current()
                .and_then(|s| s.trips.get_untracked())
                .map(|s| (s.bookings, s.releases))
                .unwrap_or_default(),
        };
        let snapshot = TripsSnapshot {
            fetched_at_ms: now_ms(),
            vehicles: response.vehicles,
            trips: response.trips,
            bookings,
            releases,
        };
        // What the phone had before this answer: on screen, else saved.
        let before = match current().and_then(|s| s.trips.get_untracked()) {
            Some(shown) => Some(shown),
            None => snapshots::load_trips(account_id).await,
        };
        // Signed out while the answer was on its way: keep nothing (the sign-out has already
        // cleared what was saved; saving now would put the trips back on a shared phone).
        if FORGOTTEN.with(Cell::get) != forgotten_before {
            return;
        }
        // A newer answer is already shown: this one is older than what the edge last said.
        let newest = REFRESHES.with(|r| {
            let mut tickets = r.get();
            let newest = ticket > tickets.shown;
            if newest {
                tickets.shown = ticket;
                r.set(tickets);
            }
            newest
        });
        if !newest {
            return;
        }
        let fresh = news::news(before.as_ref(), &snapshot);
        if let Some(state) = current() {
            state.trips.set(Some(snapshot.clone()));
            state.live.set(true);
            if !fresh.is_empty() {
                state.news.update(|shown| news::add(shown, fresh));
            }
        }
        // Saved after it is shown, with no await between the checks above and the screen; saves
        // run in the order they start (IndexedDB), so the newest answer is the one kept.
        snapshots::save_trips(account_id, &snapshot).await;
    }
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drivers_traders_yard_operators_and_officers_have_an_outbox() {
        for role in Role::ALL {
            let expected = matches!(
                role,
                Role::Driver | Role::Trader | Role::YardOperator | Role::Officer
            );
            assert_eq!(has_outbox(role), expected, "{role}");
        }
    }
}

pub mod news {
    //! What the province said since the phone last saved the trips: the steps whose state changed
    //! between the saved list and the fresh one (`Timeline::changed_since`), for the in-app alert.
    //!
    //! Pure: [`crate::sync`] calls [`news`] with both lists before saving the fresh one, and keeps
    //! what it found (with [`add`]) until the driver has read it.

    use crate::offline::snapshots::TripsSnapshot;
    use shared::province::timeline::{Step, StepView, Timeline};

    /// One step of one trip that changed.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct StepNews {
        pub trip_id: String,
        /// The trip's plate, when the phone knows its vehicle.
        pub plate: Option<String>,
        pub step: StepView,
    }

    impl StepNews {
        fn key(&self) -> (&str, Step) {
            (&self.trip_id, self.step.step)
        }
    }

    /// The steps that changed from `before` (the list saved on the phone) to `after` (the edge's
    /// answer). With nothing saved before there is nothing to compare with, so no news: the
    /// first list a phone receives is not an alert. A trip new to the list is compared with an
    /// empty timeline (everything the province already said about it is news).
    pub fn news(before: Option<&TripsSnapshot>, after: &TripsSnapshot) -> Vec<StepNews> {
        let Some(before) = before else {
            return Vec::new();
        };
        let empty = Timeline::default();
        after
            .trips
            .iter()
            .flat_map(|trip| {
                let was = before
                    .trips
                    .iter()
                    .find(|t| t.trip.id == trip.trip.id)
                    .map_or(&empty, |t| &t.timeline);
                let plate = after
                    .vehicles
                    .iter()
                    .find(|v| v.id == trip.trip.vehicle_id)
                    .map(|v| v.plate.clone());
                trip.timeline
                    .changed_since(was)
                    .into_iter()
                    .map(move |step| StepNews {
                        trip_id: trip.trip.id.clone(),
                        plate: plate.clone(),
                        step: step.clone(),
                    })
            })
            .collect()
    }

    /// Adds fresh news to what is shown: a step that changed again replaces its older news.
    pub fn add(shown: &mut Vec<StepNews>, fresh: Vec<StepNews>) {
        for item in fresh {
            shown.retain(|old| old.key() != item.key());
            shown.push(item);
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use shared::province::timeline::{
            Force, HoldReason, StatusUpdate, StepState, UpdateId, Verdict,
        };
        use shared::wire::v1::{TripDto, TripRecordDto, VehicleDto};
        use shared::{Country, Direction, TripId, TripStatus};

        fn update(
            id: &str,
            step: Step,
            force: Force,
            verdict: Verdict,
            at_ms: i64,
        ) -> StatusUpdate {
            StatusUpdate {
                update_id: UpdateId::parse(id).unwrap(),
                trip_id: TripId::parse("t-abcdefghijkm").unwrap(),
                step,
                force,
                verdict,
                reason: (verdict != Verdict::Confirmed).then_some(HoldReason::Inspection),
                note: None,
                at_ms,
            }
        }

        fn record(id: &str, updates: &[StatusUpdate]) -> TripRecordDto {
            TripRecordDto {
                trip: TripDto {
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
                },
                status: TripStatus::Accepted,
                pass: None,
                created_at_ms: 0,
                updated_at_ms: 0,
                province_received: true,
                timeline: Timeline::fold(updates),
            }
        }

        fn snapshot(trips: Vec<TripRecordDto>) -> TripsSnapshot {
            TripsSnapshot {
                fetched_at_ms: 0,
                vehicles: vec![VehicleDto {
                    id: "v-1".into(),
                    plate: "12C-345.67".into(),
                    trailer: None,
                    vehicle_type: "truck".into(),
                    country: Country::Vn,
                    verified: false,
                }],
                trips,
                bookings: vec![],
                releases: vec![],
            }
        }

        #[test]
        fn a_step_that_changed_is_news_and_one_that_did_not_is_not() {
            let customs = update("u1", Step::GateIn, Force::Customs, Verdict::Confirmed, 10);
            let guard = update(
                "u2",
                Step::GateIn,
                Force::BorderGuard,
                Verdict::Confirmed,
                20,
            );
            let hold = update("u3", Step::YardIn, Force::Customs, Verdict::Held, 30);
            let before = snapshot(vec![record("t-1", std::slice::from_ref(&customs))]);
            let same = snapshot(vec![record("t-1", std::slice::from_ref(&customs))]);
            assert!(news(Some(&before), &same).is_empty(), "nothing changed");

            let after = snapshot(vec![record("t-1", &[customs, guard, hold])]);
            let found = news(Some(&before), &after);
            let steps: Vec<(Step, StepState)> =
                found.iter().map(|n| (n.step.step, n.step.state)).collect();
            assert_eq!(
                steps,
                [
                    (Step::GateIn, StepState::Done),
                    (Step::YardIn, StepState::Held)
                ]
            );
            assert_eq!(found[0].plate.as_deref(), Some("12C-345.67"));
            assert_eq!(found[0].trip_id, "t-1");
        }

        #[test]
        fn the_first_list_on_a_phone_is_no_alert_but_a_new_trip_with_steps_is() {
            let confirmed = update("u1", Step::GateIn, Force::Customs, Verdict::Confirmed, 10);
            let after = snapshot(vec![record("t-2", &[confirmed])]);
            assert!(news(None, &after).is_empty());
            let before = snapshot(vec![]);
            let found = news(Some(&before), &after);
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].step.state, StepState::Partly);
            // A trip the province has said nothing about is no news.
            assert!(news(Some(&before), &snapshot(vec![record("t-3", &[])])).is_empty());
        }

        #[test]
        fn news_of_a_step_replaces_its_older_news() {
            let held = update("u1", Step::Payment, Force::GateAuthority, Verdict::Held, 10);
            let paid = update(
                "u2",
                Step::Payment,
                Force::GateAuthority,
                Verdict::Confirmed,
                20,
            );
            let empty = snapshot(vec![record("t-1", &[])]);
            let mut shown = news(
                Some(&empty),
                &snapshot(vec![record("t-1", std::slice::from_ref(&held))]),
            );
            assert_eq!(shown.len(), 1);
            let later = news(
                Some(&snapshot(vec![record("t-1", std::slice::from_ref(&held))])),
                &snapshot(vec![record("t-1", &[held, paid])]),
            );
            add(&mut shown, later);
            assert_eq!(shown.len(), 1);
            assert_eq!(shown[0].step.state, StepState::Done);
        }
    }
}
