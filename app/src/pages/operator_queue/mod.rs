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
use crate::labels::{lane_key, pass_reason_key, time_of, yard_name};
use crate::offline::outbox::RejectedWrite;
use crate::offline::trust_store::{self, TrustSnapshot};
use crate::scanner::{CameraView, Scanner};
use crate::state::{use_connectivity, use_session};
use crate::sync::{self, use_sync};
use crate::verifier::{self, Verdict, VerifierError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::booking::Lane;
use shared::queue::{Entry, Priority, QueueEntryId, YardQueueView, LANES, MAX_CALL};
use shared::wire::v1::{
    CallRequest, CheckInPayload, CheckInRequest, MoveRequest, OpKind, OutboxWrite,
};
use shared::{Error, ErrorCode, Gate, Role, YardId};

mod check_in;
mod lanes;

use check_in::CheckInPanel;
use lanes::{CalledList, DayFigures, LanePanel};

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
                .map(pass_reason_key)
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
                holder_digest: None,
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
