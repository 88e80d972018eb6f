//! The yard operator's queue: check vehicles in by scanning their pass at the gate, call the
//! next ones per lane, mark them served or absent, move a waiting vehicle with a reason, and
//! see both lanes and the day's figures at a glance.
//!
//! Checking in works with no network: the pass is checked on the phone by the verifier module
//! (with the saved trust list, as on the officer's screen) and the check-in goes into the
//! outbox with its scan time; the yard places it by that time when it arrives. Everything else
//! here needs the network, and the screen says so.

use crate::api;
use crate::components::RequireRole;
use crate::directory;
use crate::i18n::{use_i18n, Key};
use crate::offline::outbox::RejectedWrite;
use crate::offline::trust_store::{self, TrustSnapshot};
use crate::pages::operator::lane_key;
use crate::pages::queue::time_of;
use crate::pages::verify::{reason_key, yard_name};
use crate::scanner::{CameraView, Scanner};
use crate::state::{use_connectivity, use_session};
use crate::sync::{self, use_sync};
use crate::verifier::{self, Verdict, VerifierError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::booking::Lane;
use shared::queue::{Entry, Priority, QueueEntryId, YardQueueView, LANES, MAX_CALL};
use shared::wire::v1::{CallRequest, CheckInPayload, CheckInRequest, MoveRequest, OpKind};
use shared::{Error, ErrorCode, Gate, Role, YardId};

/// How often the lanes are fetched again while the screen is open.
const REFRESH_MS: u32 = 10_000;

#[component]
pub fn OperatorQueuePage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::YardOperator]>
            <OperatorQueue/>
        </RequireRole>
    }
}

#[component]
fn OperatorQueue() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let yard = session
        .account_untracked()
        .and_then(|a| a.yard_id)
        .and_then(|id| YardId::parse(&id).ok());
    view! {
        <section class="page operator-queue" data-testid="operator-queue-page">
            <h1>{move || i18n.t(Key::QueueOpTitle)}</h1>
            {match yard {
                Some(yard) => view! { <YardQueue yard/> }.into_any(),
                None => view! {
                    <p class="notice" data-testid="queue-no-yard">{move || i18n.t(Key::QueueNoYard)}</p>
                }
                .into_any(),
            }}
        </section>
    }
}

/// Where on the screen an error is shown: next to what the operator just did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    CheckIn,
    Lanes,
    Called,
    Move,
}

/// What the check-in panel shows after a pass.
#[derive(Debug, Clone, PartialEq)]
enum CheckedIn {
    /// The yard placed it.
    Placed {
        plate: String,
        lane: Lane,
        position: Option<u32>,
    },
    /// Checked on the phone and queued for the yard (no network).
    Queued {
        plate: Option<String>,
        scanned_at_ms: i64,
    },
    /// Queued without a check on the phone (the verifier is not on it yet).
    QueuedUnchecked { scanned_at_ms: i64 },
}

/// What the phone's own check says about a pass at this yard, before it is queued offline:
/// the edge would refuse an invalid pass, a pass that is not a trip's, and a pass booked at
/// another yard, so these are refused here at once, with the same codes. Otherwise the
/// plate, if the pass carries one.
pub(crate) fn offline_check(verdict: &Verdict, yard_id: &str) -> Result<Option<String>, Error> {
    if !verdict.valid {
        let reason = verdict
            .reason
            .clone()
            .unwrap_or_else(|| "invalid".to_owned());
        return Err(Error::new(ErrorCode::PassNotValid, reason));
    }
    let Some(claims) = &verdict.claims else {
        return Err(Error::new(ErrorCode::PassNotValid, "malformed"));
    };
    if claims.kind != "trip" {
        return Err(Error::new(ErrorCode::PassNotValid, "not a trip pass"));
    }
    if claims.booking.as_ref().is_some_and(|b| b.yard != yard_id) {
        return Err(Error::new(
            ErrorCode::QueueWrongYard,
            "the pass is booked at another yard",
        ));
    }
    Ok(claims.plate.clone())
}

/// The number of vehicles to call, from the form's text: 1 to [`MAX_CALL`].
pub(crate) fn parse_call_count(text: &str) -> Option<u32> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_CALL).contains(n))
}

/// A move's new place and reason, as the edge takes them (reason of 3 to 200 characters).
pub(crate) fn parse_move(position: &str, reason: &str) -> Option<MoveRequest> {
    let position = position.trim().parse::<u32>().ok().filter(|p| *p >= 1)?;
    let reason = reason.trim();
    (3..=200)
        .contains(&reason.chars().count())
        .then(|| MoveRequest {
            position,
            reason: reason.to_owned(),
        })
}

/// The gate a yard belongs to, for the offline check of a pass's gate.
fn gate_of(gates: &[Gate], yard_id: &str) -> Option<String> {
    gates
        .iter()
        .find(|g| g.yards.iter().any(|y| y.id.as_str() == yard_id))
        .map(|g| g.id.to_string())
}

/// Everything the screen's pieces share.
#[derive(Clone, Copy)]
struct Ctx {
    yard: StoredValue<YardId>,
    queue: RwSignal<Option<YardQueueView>>,
    load_error: RwSignal<Option<Error>>,
    problem: RwSignal<Option<(Place, Error)>>,
    busy: RwSignal<bool>,
    /// The waiting vehicle whose move form is open (the lanes are not refreshed meanwhile).
    moving: RwSignal<Option<QueueEntryId>>,
}

impl Ctx {
    async fn load(self) {
        let Some(yard) = self.yard.try_get_value() else {
            return;
        };
        match api::yard_queue(&yard).await {
            Ok(view) => {
                let _ = self.queue.try_set(Some(view));
                let _ = self.load_error.try_set(None);
            }
            // Offline: the last lanes stay on screen, marked as needing the network.
            Err(e) if e.code() == ErrorCode::Network => {}
            Err(e) => {
                let _ = self.load_error.try_set(Some(e));
            }
        }
    }

    /// Runs one action against the yard, then shows the lanes as they are now.
    fn act<T: 'static>(
        self,
        place: Place,
        action: impl std::future::Future<Output = Result<T, Error>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        self.busy.set(true);
        self.problem.set(None);
        spawn_local(async move {
            match action.await {
                Ok(value) => done(value),
                Err(e) => {
                    let _ = self.problem.try_set(Some((place, e)));
                }
            }
            self.load().await;
            let _ = self.busy.try_set(false);
        });
    }

    fn problem_at(self, place: Place) -> Option<Error> {
        self.problem.with(|p| {
            p.as_ref()
                .filter(|(at, _)| *at == place)
                .map(|(_, e)| e.clone())
        })
    }
}

#[component]
fn ProblemAt(ctx: Ctx, place: Place) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        ctx.problem_at(place).map(|e| {
            let code = e.code();
            // `pass_not_valid` carries the verifier's reason code (expired, revoked…).
            let reason = (code == ErrorCode::PassNotValid).then(|| e.detail().to_owned());
            let reason_text = reason
                .as_deref()
                .map(reason_key)
                .filter(|k| *k != Key::VerifyReasonOther);
            view! {
                <div class="form-error" role="alert" data-testid="queue-error" data-code=code.as_str()
                    data-reason=reason>
                    <p>{i18n.error_message(code)}</p>
                    {reason_text.map(|key| view! { <p>{i18n.t(key)}</p> })}
                </div>
            }
        })
    }
}

#[component]
fn YardQueue(yard: YardId) -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let sync_state = use_sync();
    let gates = LocalResource::new(directory::load_gates);
    let yard_id = yard.to_string();
    let ctx = Ctx {
        yard: StoredValue::new(yard),
        queue: RwSignal::new(None),
        load_error: RwSignal::new(None),
        problem: RwSignal::new(None),
        busy: RwSignal::new(false),
        moving: RwSignal::new(None),
    };

    // Now, when the network returns, when a queued check-in has gone out, and every few
    // seconds (other operators and the yard's own rules change the lanes too).
    Effect::new(move |_| {
        let online = connectivity.is_online();
        sync_state.outbox.with(|o| o.pending.len());
        if online {
            spawn_local(ctx.load());
        }
    });
    spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(REFRESH_MS).await;
            let Some(moving) = ctx.moving.try_get_untracked() else {
                return;
            };
            if moving.is_none() && connectivity.signal().get_untracked() {
                ctx.load().await;
            }
        }
    });

    let name = {
        let yard_id = yard_id.clone();
        move || yard_name(&gates.get().unwrap_or_default(), &yard_id, i18n.lang())
    };
    let body = move || {
        if ctx.queue.with(Option::is_none) {
            return Some(match ctx.load_error.get() {
                Some(e) => view! {
                    <p class="form-error" role="alert" data-testid="queue-error" data-code=e.code().as_str()>
                        {i18n.error_message(e.code())}
                    </p>
                }
                .into_any(),
                None if connectivity.is_online() => {
                    view! { <p class="status" role="status">{i18n.t(Key::CommonLoading)}</p> }.into_any()
                }
                None => ().into_any(),
            });
        }
        None
    };
    view! {
        <p class="queue-yard-name" data-testid="queue-yard" data-yard=yard_id.clone()>{name}</p>
        <p class="intro">{move || i18n.t(Key::QueueOpIntro)}</p>
        <CheckInPanel ctx yard_id=yard_id.clone() gates/>
        <Show when=move || !connectivity.is_online()>
            <p class="notice" role="status" data-testid="queue-needs-network">
                {move || i18n.t(Key::QueueNeedsNetwork)}
            </p>
        </Show>
        {body}
        <Show when=move || ctx.queue.with(Option::is_some)>
            <DayFigures ctx/>
            <section class="queue-lanes" aria-labelledby="queue-lanes-title">
                <h2 id="queue-lanes-title">{move || i18n.t(Key::QueueLanesTitle)}</h2>
                <ProblemAt ctx place=Place::Lanes/>
                {LANES.into_iter().map(|lane| view! { <LanePanel ctx lane/> }).collect_view()}
            </section>
            <CalledList ctx/>
        </Show>
    }
}

/// Scan (or paste) a pass: online the yard places the vehicle at once; offline the pass is
/// checked here and the check-in waits in the outbox.
#[component]
fn CheckInPanel(ctx: Ctx, yard_id: String, gates: LocalResource<Vec<Gate>>) -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let sync_state = use_sync();
    let trust = RwSignal::new(None::<TrustSnapshot>);
    let result = RwSignal::new(None::<CheckedIn>);
    let pasted = RwSignal::new(String::new());
    let yard_for_check = StoredValue::new(yard_id);
    // The camera needs the verifier module to read codes; it is not on the phone yet.
    let verifier_missing = RwSignal::new(false);

    let check_in = move |pass: String, scanned_at_ms: i64| {
        let pass = pass.trim().to_owned();
        if pass.is_empty() {
            return;
        }
        let (Some(yard_id), Some(yard)) =
            (yard_for_check.try_get_value(), ctx.yard.try_get_value())
        else {
            return;
        };
        result.set(None);
        ctx.problem.set(None);
        ctx.busy.set(true);
        spawn_local(async move {
            let outcome = if connectivity.signal().get_untracked() {
                // Online, the yard's clock stamps the check-in (a phone's clock may be off).
                let request = CheckInRequest {
                    pass: pass.clone(),
                    scanned_at_ms: None,
                };
                match api::check_in(&yard, &request).await {
                    Ok(answer) => Ok(CheckedIn::Placed {
                        plate: answer.entry.plate.display().to_owned(),
                        lane: answer.entry.lane,
                        position: answer.position,
                    }),
                    // The network went: keep the scan as if offline from the start.
                    Err(e) if e.code() == ErrorCode::Network => {
                        check_in_offline(pass, scanned_at_ms, &yard_id, trust, gates).await
                    }
                    Err(e) => Err(e),
                }
            } else {
                check_in_offline(pass, scanned_at_ms, &yard_id, trust, gates).await
            };
            match outcome {
                Ok(shown) => {
                    let _ = result.try_set(Some(shown));
                    let _ = pasted.try_set(String::new());
                }
                Err(e) => {
                    let _ = ctx.problem.try_set(Some((Place::CheckIn, e)));
                }
            }
            ctx.load().await;
            let _ = ctx.busy.try_set(false);
        });
    };

    let scanner = Scanner::new(
        move |text| check_in(text, js_sys::Date::now() as i64),
        move || {
            let _ = verifier_missing.try_set(true);
        },
    );
    on_cleanup(move || scanner.stop());

    // The saved trust list at once, a fresh one whenever online; loading the verifier now
    // makes the first offline check instant and gets the module cached for dead zones.
    spawn_local(async move {
        if let Some(saved) = trust_store::load().await {
            if trust.try_get_untracked().flatten().is_none() {
                let _ = trust.try_set(Some(saved));
            }
        }
        match verifier::load().await {
            Ok(()) => {
                let _ = verifier_missing.try_set(false);
            }
            Err(e) => leptos::logging::warn!("verifier not loaded: {e:?}"),
        }
    });
    Effect::new(move |_| {
        if !connectivity.is_online() {
            return;
        }
        spawn_local(async move {
            if verifier::load().await.is_ok() {
                let _ = verifier_missing.try_set(false);
            }
            if let Ok(fresh) = trust_store::refresh().await {
                let _ = trust.try_set(Some(fresh));
            }
        });
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        scanner.stop();
        check_in(pasted.get_untracked(), js_sys::Date::now() as i64);
    };
    // What offline checks go by: the trust list's age, or that there is none yet.
    let trust_line = move || {
        trust.get().map(|t| {
            let time = time_of(t.fetched_at_ms, js_sys::Date::now() as i64);
            view! {
                <p class="muted" data-testid="trust-as-of" data-fetched-at=t.fetched_at_ms.to_string()>
                    {i18n.t_with(Key::VerifyTrustAsOf, &[("time", &time)])}
                </p>
            }
        })
    };
    let trust_missing = move || {
        trust.with(Option::is_none).then(|| view! {
            <p class="notice" data-testid="trust-warning" data-kind="missing">{i18n.t(Key::VerifyTrustMissing)}</p>
        })
    };
    let pending = move || {
        sync_state.outbox.with(|o| {
            o.pending
                .iter()
                .filter(|w| w.kind == OpKind::CheckIn)
                .count()
        })
    };
    let rejected = move || {
        sync_state.outbox.with(|o| {
            o.rejected
                .iter()
                .filter(|w| w.kind == OpKind::CheckIn)
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    view! {
        <section class="card checkin" aria-labelledby="checkin-title">
            <h2 id="checkin-title">{move || i18n.t(Key::QueueCheckInTitle)}</h2>
            {trust_line}
            {trust_missing}
            <button type="button" class="scan-button" data-testid="scan-start"
                aria-pressed=move || scanner.is_on().to_string()
                on:click=move |_| {
                    if !scanner.is_on_untracked() {
                        result.set(None);
                        ctx.problem.set(None);
                    }
                    scanner.toggle()
                }>
                {move || if scanner.is_on() { i18n.t(Key::VerifyStop) } else { i18n.t(Key::QueueScan) }}
            </button>
            {move || verifier_missing.get().then(|| view! {
                <p class="notice" data-testid="verifier-status">{i18n.t(Key::VerifyVerifierUnavailable)}</p>
            })}
            <CameraView scanner/>
            <div class="checkin-outcome" aria-live="assertive">
                {move || result.get().map(|shown| view! { <CheckInResult shown/> })}
                <ProblemAt ctx place=Place::CheckIn/>
            </div>
            <form class="paste-pass" on:submit=submit>
                <div class="field">
                    <label for="checkin-pass">{move || i18n.t(Key::QueuePasteLabel)}</label>
                    <textarea id="checkin-pass" data-testid="checkin-pass-input" rows="3"
                        autocomplete="off" autocapitalize="characters" spellcheck="false"
                        prop:value=move || pasted.get()
                        on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" data-testid="checkin-submit" disabled=move || ctx.busy.get()>
                    {move || i18n.t(Key::QueueCheckIn)}
                </button>
            </form>
            <div class="sync-bar" role="status" aria-live="polite">
                <p data-testid="pending-count"
                    data-count=move || sync_state.outbox_loaded.get().then(|| pending().to_string())>
                    {move || match (sync_state.outbox_loaded.get(), pending()) {
                        (false, _) => String::new(),
                        (true, 0) => i18n.t(Key::QueueAllSent).to_owned(),
                        (true, n) => i18n.t_with(Key::QueuePending, &[("count", &n.to_string())]),
                    }}
                </p>
                <Show when=move || { pending() > 0 }>
                    <button type="button" class="button secondary" data-testid="sync-now"
                        disabled=move || !connectivity.is_online() || sync_state.syncing.get()
                        on:click=move |_| spawn_local(async {
                            sync::drain().await;
                        })>
                        {move || if sync_state.syncing.get() { i18n.t(Key::TripsSyncing) } else { i18n.t(Key::TripsSyncNow) }}
                    </button>
                </Show>
            </div>
            <Show when=move || !rejected().is_empty()>
                <div class="rejected" role="alert">
                    <h3>{move || i18n.t(Key::QueueRejectedTitle)}</h3>
                    <ul>
                        <For each=rejected key=|r| r.seq let:write>
                            <RejectedCheckIn write/>
                        </For>
                    </ul>
                </div>
            </Show>
        </section>
    }
}

/// The offline path: check the pass on the phone, then queue the check-in with its scan time.
/// A phone without the verifier yet still queues it; the yard checks it on arrival.
async fn check_in_offline(
    pass: String,
    scanned_at_ms: i64,
    yard_id: &str,
    trust: RwSignal<Option<TrustSnapshot>>,
    gates: LocalResource<Vec<Gate>>,
) -> Result<CheckedIn, Error> {
    let (trust_list, deny_list) = trust
        .try_get_untracked()
        .flatten()
        .map(|t| (t.trust_list_json(), t.deny_list_json()))
        .unwrap_or_else(|| ("[]".to_owned(), "[]".to_owned()));
    let gate = gate_of(&gates.get_untracked().unwrap_or_default(), yard_id);
    let scanned_secs = scanned_at_ms as f64 / 1000.0;
    let checked = match verifier::verify(&pass, &trust_list, &deny_list, scanned_secs, gate).await {
        Ok(verdict) => Some(offline_check(&verdict, yard_id)?),
        Err(VerifierError::Unavailable(e) | VerifierError::Input(e)) => {
            leptos::logging::warn!("pass not checked on the phone: {e}");
            None
        }
    };
    let payload = CheckInPayload {
        yard_id: yard_id.to_owned(),
        pass,
        scanned_at_ms,
    };
    let payload = serde_json::to_value(&payload)
        .map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))?;
    sync::submit(OpKind::CheckIn, payload).await?;
    Ok(match checked {
        Some(plate) => CheckedIn::Queued {
            plate,
            scanned_at_ms,
        },
        None => CheckedIn::QueuedUnchecked { scanned_at_ms },
    })
}

#[component]
fn CheckInResult(shown: CheckedIn) -> impl IntoView {
    let i18n = use_i18n();
    let now = js_sys::Date::now() as i64;
    match shown {
        CheckedIn::Placed {
            plate,
            lane,
            position,
        } => {
            let plate_attr = plate.clone();
            view! {
                <div class="verdict valid checkin-result" data-testid="checkin-result"
                    data-status="checked_in" data-plate=plate_attr data-lane=lane.as_str()
                    data-position=position.map(|p| p.to_string())>
                    <p class="verdict-plate">{plate}</p>
                    <p class="checkin-place">
                        {move || i18n.t(lane_key(lane))}
                        {position.map(|p| view! {
                            " · "{move || i18n.t_with(Key::QueuePlace, &[("position", &p.to_string())])}
                        })}
                    </p>
                </div>
            }
            .into_any()
        }
        CheckedIn::Queued {
            plate,
            scanned_at_ms,
        } => {
            let time = time_of(scanned_at_ms, now);
            let plate_attr = plate.clone();
            view! {
                <div class="verdict verdict-error checkin-result" data-testid="checkin-result"
                    data-status="queued" data-plate=plate_attr>
                    {plate.map(|p| view! { <p class="verdict-plate">{p}</p> })}
                    <p>{move || i18n.t_with(Key::QueueQueued, &[("time", &time)])}</p>
                </div>
            }
            .into_any()
        }
        CheckedIn::QueuedUnchecked { scanned_at_ms } => {
            let time = time_of(scanned_at_ms, now);
            view! {
                <div class="verdict verdict-error checkin-result" data-testid="checkin-result"
                    data-status="queued_unchecked">
                    <p>{move || i18n.t_with(Key::QueueQueuedUnchecked, &[("time", &time)])}</p>
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn RejectedCheckIn(write: RejectedWrite) -> impl IntoView {
    let i18n = use_i18n();
    let seq = write.seq;
    let code = write.code;
    let scanned = serde_json::from_value::<CheckInPayload>(write.payload.clone())
        .ok()
        .map(|p| time_of(p.scanned_at_ms, js_sys::Date::now() as i64));
    view! {
        <li class="rejected-write" data-testid="rejected-write" data-code=code.as_str()>
            <strong>{move || i18n.t(Key::QueueKindCheckIn)}</strong>
            {scanned.map(|time| view! {
                " · "<span>{move || i18n.t_with(Key::QueueScannedAt, &[("time", &time)])}</span>
            })}
            " — "
            <span>{move || i18n.error_message(code)}</span>
            <button type="button" class="button secondary"
                on:click=move |_| spawn_local(sync::dismiss(seq))>
                {move || i18n.t(Key::TripsDismiss)}
            </button>
        </li>
    }
}

#[component]
fn DayFigures(ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let stats = move || ctx.queue.with(|q| q.as_ref().map(|q| q.stats.clone()));
    let served_today = move || stats().map_or(0, |s| s.served_today);
    let average = move || stats().and_then(|s| s.average_wait_minutes);
    let last_hour = move || {
        stats().map_or(0, |s| {
            s.lanes.iter().map(|l| l.served_last_hour).sum::<u32>()
        })
    };
    view! {
        <section class="card queue-day" aria-labelledby="queue-day-title">
            <h2 id="queue-day-title">{move || i18n.t(Key::QueueDayTitle)}</h2>
            <dl class="board-figures">
                <div>
                    <dt>{move || i18n.t(Key::QueueServedToday)}</dt>
                    <dd data-testid="queue-served-today" data-count=move || served_today().to_string()>
                        {move || i18n.count(u64::from(served_today()))}
                    </dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Key::QueueAverageWait)}</dt>
                    <dd data-testid="queue-average-wait" class:board-none=move || average().is_none()
                        data-minutes=move || average().map(|m| m.to_string()).unwrap_or_default()>
                        {move || match average() {
                            Some(m) => i18n.t_with(Key::QueueMinutes, &[("minutes", &m.to_string())]),
                            None => i18n.t(Key::QueueNoAverage).to_owned(),
                        }}
                    </dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Key::QueueServedLastHour)}</dt>
                    <dd data-testid="queue-served-last-hour" data-count=move || last_hour().to_string()>
                        {move || i18n.count(u64::from(last_hour()))}
                    </dd>
                </div>
            </dl>
        </section>
    }
}

fn priority_key(priority: Priority) -> Key {
    match priority {
        Priority::Booked => Key::QueueBooked,
        Priority::WalkIn => Key::QueueWalkIn,
    }
}

/// One lane: its waiting vehicles in order, and "call next".
#[component]
fn LanePanel(ctx: Ctx, lane: Lane) -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let entries = Memo::new(move |_| {
        ctx.queue.with(|q| {
            q.as_ref()
                .and_then(|q| q.lanes.iter().find(|l| l.lane == lane))
                .map(|l| l.waiting.clone())
                .unwrap_or_default()
        })
    });
    let count = RwSignal::new("1".to_owned());
    let heading = format!("lane-title-{}", lane.as_str());
    let heading_ref = heading.clone();
    let count_id = format!("call-count-{}", lane.as_str());
    let numbered = move || {
        entries
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, e)| (i as u32 + 1, e))
            .collect::<Vec<_>>()
    };
    let lane_len = Signal::derive(move || entries.with(Vec::len));
    let call = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(count) = parse_call_count(&count.get_untracked()) else {
            ctx.problem.set(Some((
                Place::Lanes,
                Error::new(ErrorCode::InvalidQueueRequest, "call 1 to 20 vehicles"),
            )));
            return;
        };
        let yard = ctx.yard.get_value();
        ctx.act(
            Place::Lanes,
            async move { api::call_next(&yard, &CallRequest { lane, count }).await },
            |_| {},
        );
    };
    view! {
        <section class="card lane" data-testid="lane" data-lane=lane.as_str()
            data-count=move || entries.with(Vec::len).to_string() aria-labelledby=heading_ref>
            <h3 id=heading>
                {move || i18n.t(lane_key(lane))}
                " · "
                <span class="lane-count">
                    {move || i18n.t_with(Key::QueueWaitingCount, &[("count", &entries.with(Vec::len).to_string())])}
                </span>
            </h3>
            <Show when=move || entries.with(Vec::is_empty)>
                <p class="muted">{move || i18n.t(Key::QueueLaneEmpty)}</p>
            </Show>
            <ol class="lane-entries">
                <For
                    each=numbered
                    key=|(position, e)| (e.id.clone(), *position, e.priority, e.absences)
                    let:item
                >
                    <LaneEntry ctx position=item.0 entry=item.1 lane_len/>
                </For>
            </ol>
            <form class="call-form" on:submit=call>
                <div class="field">
                    <label for=count_id.clone()>{move || i18n.t(Key::QueueCallCount)}</label>
                    <input id=count_id type="number" inputmode="numeric" min="1" max=MAX_CALL.to_string()
                        data-testid="call-count" prop:value=move || count.get()
                        on:input=move |ev| count.set(event_target_value(&ev))/>
                </div>
                <button type="submit" data-testid="call-next"
                    disabled=move || !connectivity.is_online() || ctx.busy.get()>
                    {move || i18n.t(Key::QueueCallNext)}
                </button>
            </form>
        </section>
    }
}

#[component]
fn LaneEntry(ctx: Ctx, position: u32, entry: Entry, lane_len: Signal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let plate = entry.plate.display().to_owned();
    let id = entry.id.clone();
    let open = {
        let id = id.clone();
        move || ctx.moving.with(|m| m.as_ref() == Some(&id))
    };
    let open_for_button = open.clone();
    let toggle = {
        let id = id.clone();
        move |_| {
            ctx.problem.set(None);
            ctx.moving.update(|m| {
                *m = if m.as_ref() == Some(&id) {
                    None
                } else {
                    Some(id.clone())
                };
            });
        }
    };
    let scanned = time_of(entry.scanned_at_ms, js_sys::Date::now() as i64);
    let priority = entry.priority;
    let (plate_attr, id_attr) = (plate.clone(), id.to_string());
    view! {
        <li class="lane-entry" data-testid="lane-entry" data-plate=plate_attr
            data-position=position.to_string() data-entry=id_attr data-priority=priority.to_string()>
            <span class="lane-place" aria-label=move || i18n.t_with(Key::QueuePlace, &[("position", &position.to_string())])>
                {position.to_string()}
            </span>
            <span class="plate">{plate.clone()}</span>
            <span class=if priority == Priority::Booked { "badge badge-ok" } else { "badge badge-pending" }>
                {move || i18n.t(priority_key(priority))}
            </span>
            <span class="muted">{move || i18n.t_with(Key::QueueScannedAt, &[("time", &scanned)])}</span>
            {(entry.absences > 0).then(|| {
                let absences = entry.absences.to_string();
                view! { <span class="muted">{move || i18n.t_with(Key::QueueAbsences, &[("count", &absences)])}</span> }
            })}
            <button type="button" class="button secondary" data-testid="move"
                aria-expanded=move || open_for_button().to_string()
                disabled=move || !connectivity.is_online()
                on:click=toggle>
                {move || i18n.t(Key::QueueMove)}
            </button>
            <Show when=open.clone()>
                <MoveForm ctx entry=id.clone() plate=plate.clone() position lane_len/>
            </Show>
        </li>
    }
}

/// A new place and a reason (the edge audit-logs both).
#[component]
fn MoveForm(
    ctx: Ctx,
    entry: QueueEntryId,
    plate: String,
    position: u32,
    lane_len: Signal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let new_position = RwSignal::new(position.to_string());
    let reason = RwSignal::new(String::new());
    let position_id = format!("move-position-{entry}");
    let reason_id = format!("move-reason-{entry}");
    let title_id = format!("move-title-{entry}");
    let title_ref = title_id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(request) = parse_move(&new_position.get_untracked(), &reason.get_untracked())
        else {
            ctx.problem.set(Some((
                Place::Move,
                Error::new(
                    ErrorCode::InvalidQueueRequest,
                    "a place and a reason of 3 to 200 characters",
                ),
            )));
            return;
        };
        let (yard, entry) = (ctx.yard.get_value(), entry.clone());
        ctx.act(
            Place::Move,
            async move { api::move_entry(&yard, &entry, &request).await },
            move |_| {
                let _ = ctx.moving.try_set(None);
            },
        );
    };
    view! {
        <form class="move-form" on:submit=submit aria-labelledby=title_ref>
            <h4 id=title_id>{move || i18n.t_with(Key::QueueMoveTitle, &[("plate", &plate)])}</h4>
            <div class="field">
                <label for=position_id.clone()>{move || i18n.t(Key::QueueMovePosition)}</label>
                <input id=position_id type="number" inputmode="numeric" min="1"
                    max=move || lane_len.get().max(1).to_string()
                    data-testid="move-position" prop:value=move || new_position.get()
                    on:input=move |ev| new_position.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for=reason_id.clone()>{move || i18n.t(Key::QueueMoveReason)}</label>
                <input id=reason_id type="text" maxlength="200" autocomplete="off"
                    data-testid="move-reason" prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
            </div>
            <ProblemAt ctx place=Place::Move/>
            <div class="actions">
                <button type="submit" data-testid="move-submit"
                    disabled=move || !connectivity.is_online() || ctx.busy.get()>
                    {move || i18n.t(Key::QueueMoveSubmit)}
                </button>
                <button type="button" class="secondary" data-testid="move-cancel"
                    on:click=move |_| {
                        ctx.problem.set(None);
                        ctx.moving.set(None);
                    }>
                    {move || i18n.t(Key::QueueMoveCancel)}
                </button>
            </div>
        </form>
    }
}

/// The called vehicles, earliest call first, with "served" and "absent".
#[component]
fn CalledList(ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let called = Memo::new(move |_| {
        ctx.queue
            .with(|q| q.as_ref().map(|q| q.called.clone()).unwrap_or_default())
    });
    let absent_after_ms = Signal::derive(move || {
        ctx.queue.with(|q| {
            q.as_ref()
                .map_or(0, |q| i64::from(q.policy.absent_after_minutes) * 60_000)
        })
    });
    view! {
        <section class="card called" aria-labelledby="called-title">
            <h2 id="called-title">{move || i18n.t(Key::QueueCalledTitle)}</h2>
            <ProblemAt ctx place=Place::Called/>
            <Show when=move || called.with(Vec::is_empty)>
                <p class="muted">{move || i18n.t(Key::QueueCalledEmpty)}</p>
            </Show>
            <ul class="called-entries">
                <For
                    each=move || called.get()
                    key=|e| (e.id.clone(), e.called_at_ms, e.absences)
                    let:entry
                >
                    <CalledEntry ctx entry absent_after_ms/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn CalledEntry(ctx: Ctx, entry: Entry, absent_after_ms: Signal<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let plate = entry.plate.display().to_owned();
    let lane = entry.lane;
    let now = js_sys::Date::now() as i64;
    let called_at = entry.called_at_ms;
    let called_time = called_at.map(|at| time_of(at, now));
    let absent_from = move || called_at.map(|at| time_of(at + absent_after_ms.get(), now));
    let serve = {
        let id = entry.id.clone();
        move |_| {
            let (yard, id) = (ctx.yard.get_value(), id.clone());
            ctx.act(
                Place::Called,
                async move { api::serve_entry(&yard, &id).await },
                |_| {},
            );
        }
    };
    let absent = {
        let id = entry.id.clone();
        move |_| {
            let (yard, id) = (ctx.yard.get_value(), id.clone());
            ctx.act(
                Place::Called,
                async move { api::mark_absent(&yard, &id).await },
                |_| {},
            );
        }
    };
    let absences = entry.absences;
    let (plate_attr, id_attr) = (plate.clone(), entry.id.to_string());
    view! {
        <li class="called-entry" data-testid="called-entry" data-plate=plate_attr
            data-entry=id_attr data-lane=lane.as_str()>
            <span class="plate">{plate}</span>
            <span>{move || i18n.t(lane_key(lane))}</span>
            {called_time.map(|time| view! {
                <span class="muted">{move || i18n.t_with(Key::QueueCalledAt, &[("time", &time)])}</span>
            })}
            {(absences > 0).then(|| view! {
                <span class="muted">{move || i18n.t_with(Key::QueueAbsences, &[("count", &absences.to_string())])}</span>
            })}
            <span class="muted">{move || absent_from().map(|time| i18n.t_with(Key::QueueAbsentFrom, &[("time", &time)]))}</span>
            <div class="actions">
                <button type="button" data-testid="serve"
                    disabled=move || !connectivity.is_online() || ctx.busy.get() on:click=serve>
                    {move || i18n.t(Key::QueueServe)}
                </button>
                <button type="button" class="danger" data-testid="absent"
                    disabled=move || !connectivity.is_online() || ctx.busy.get() on:click=absent>
                    {move || i18n.t(Key::QueueAbsent)}
                </button>
            </div>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verifier::{Booking, Claims};

    fn verdict(valid: bool, reason: Option<&str>, booked_at: Option<&str>) -> Verdict {
        Verdict {
            valid,
            reason: reason.map(str::to_owned),
            claims: Some(Claims {
                id: "0f".repeat(8),
                kind: "trip".into(),
                issued_at: 0,
                valid_from: 0,
                valid_until: 1,
                gate: "huu-nghi".into(),
                plate: Some("12C-345.67".into()),
                trailer: None,
                booking: booked_at.map(|yard| Booking {
                    yard: yard.into(),
                    slot_start: 0,
                    slot_minutes: 60,
                }),
            }),
        }
    }

    #[test]
    fn a_valid_pass_for_this_yard_or_none_is_queued_with_its_plate() {
        assert_eq!(
            offline_check(&verdict(true, None, Some("huu-nghi-1")), "huu-nghi-1"),
            Ok(Some("12C-345.67".to_owned()))
        );
        assert_eq!(
            offline_check(&verdict(true, None, None), "huu-nghi-1"),
            Ok(Some("12C-345.67".to_owned()))
        );
    }

    #[test]
    fn the_phone_refuses_what_the_yard_would_refuse() {
        let expired = offline_check(&verdict(false, Some("expired"), None), "y").unwrap_err();
        assert_eq!(expired.code(), ErrorCode::PassNotValid);
        assert_eq!(expired.detail(), "expired");
        let elsewhere =
            offline_check(&verdict(true, None, Some("other-yard")), "huu-nghi-1").unwrap_err();
        assert_eq!(elsewhere.code(), ErrorCode::QueueWrongYard);
        let mut resident = verdict(true, None, None);
        if let Some(c) = resident.claims.as_mut() {
            c.kind = "resident".into();
        }
        assert_eq!(
            offline_check(&resident, "y").unwrap_err().code(),
            ErrorCode::PassNotValid
        );
    }

    #[test]
    fn call_counts_are_one_to_twenty() {
        assert_eq!(parse_call_count("1"), Some(1));
        assert_eq!(parse_call_count(" 20 "), Some(20));
        assert_eq!(parse_call_count("0"), None);
        assert_eq!(parse_call_count("21"), None);
        assert_eq!(parse_call_count("two"), None);
    }

    #[test]
    fn a_move_needs_a_place_and_a_real_reason() {
        assert_eq!(
            parse_move("2", "  urgent medicine "),
            Some(MoveRequest {
                position: 2,
                reason: "urgent medicine".into()
            })
        );
        assert_eq!(parse_move("0", "urgent"), None);
        assert_eq!(parse_move("x", "urgent"), None);
        assert_eq!(parse_move("2", " ab "), None);
        assert_eq!(parse_move("2", &"x".repeat(201)), None);
        assert!(parse_move("2", &"ư".repeat(200)).is_some());
    }
}
