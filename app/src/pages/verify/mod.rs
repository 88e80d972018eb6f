//! The officer's pass check: scan the driver's QR code (or paste the pass) and see at once,
//! with or without a network, whether it is valid, for which vehicle, gate and time. A border
//! resident's pass also shows the resident from the phone's roster and records the crossing
//! ([`resident`]).
//!
//! Verification runs in the separate verifier module ([`crate::verifier`]), loaded only on
//! the screens that read passes (this one and the yard operator's check-in); the trust list and deny-list are the copy saved on the phone
//! ([`trust_store`]), refreshed whenever the screen is open online. The officer's gate comes
//! from the account, so a pass for another gate is refused here.

mod resident;

use crate::components::RequireRole;
use crate::directory;
use crate::i18n::{use_i18n, Key};
use crate::labels::{gate_name, pass_reason_key, yard_name};
use crate::offline::outbox::RejectedWrite;
use crate::offline::trust_store::{self, TrustSnapshot};
use crate::scanner::{CameraView, Scanner};
use crate::state::{use_connectivity, use_session};
use crate::sync::{self, use_sync};
use crate::verifier::{self, Claims, Verdict, VerifierError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use resident::ResidentPanel;
use shared::time::LocalDateTime;
use shared::wire::v1::{CrossingDto, OpKind};
use shared::{Gate, Role};

#[component]
pub fn VerifyPage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::Officer]>
            <Verify/>
        </RequireRole>
    }
}

/// What the last check gave.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// The verdict, and when the pass was scanned (a resident's crossing is recorded at that
    /// time).
    Checked(Box<Verdict>, i64),
    /// The verifier module is not on the phone and cannot be fetched.
    Unavailable,
    /// The verifier refused the saved trust material.
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ModuleState {
    Loading,
    Ready,
    Unavailable,
}

/// Runs checks: the pass, the saved trust material, the officer's gate, the phone's clock.
#[derive(Clone, Copy)]
struct Checker {
    gate: StoredValue<Option<String>>,
    trust: RwSignal<Option<TrustSnapshot>>,
    outcome: RwSignal<Option<Outcome>>,
}

impl Checker {
    fn check(self, pass: String) {
        let pass = pass.trim().to_owned();
        if pass.is_empty() {
            return;
        }
        spawn_local(async move {
            let (trust_list, deny_list) = self
                .trust
                .get_untracked()
                .map(|t| (t.trust_list_json(), t.deny_list_json()))
                .unwrap_or_else(|| ("[]".to_owned(), "[]".to_owned()));
            let scanned_at_ms = js_sys::Date::now();
            let now_secs = scanned_at_ms / 1000.0;
            let gate = self.gate.get_value();
            let outcome =
                match verifier::verify(&pass, &trust_list, &deny_list, now_secs, gate).await {
                    Ok(verdict) => Outcome::Checked(Box::new(verdict), scanned_at_ms as i64),
                    Err(VerifierError::Unavailable(e)) => {
                        leptos::logging::warn!("verifier not available: {e}");
                        Outcome::Unavailable
                    }
                    Err(VerifierError::Input(e)) => {
                        leptos::logging::warn!("verifier refused the saved trust list: {e}");
                        Outcome::Failed
                    }
                };
            let _ = self.outcome.try_set(Some(outcome));
        });
    }
}

#[component]
fn Verify() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let connectivity = use_connectivity();
    let gate_id = session.account().and_then(|a| a.gate_id);
    let gates = LocalResource::new(directory::load_gates);
    let module = RwSignal::new(ModuleState::Loading);
    let pasted = RwSignal::new(String::new());
    let checker = Checker {
        gate: StoredValue::new(gate_id.clone()),
        trust: RwSignal::new(None),
        outcome: RwSignal::new(None),
    };
    let scanner = Scanner::new(
        move |text| checker.check(text),
        move || {
            let _ = checker.outcome.try_set(Some(Outcome::Unavailable));
        },
    );
    on_cleanup(move || scanner.stop());

    // The saved trust material at once; a fresh copy whenever online. Loading the verifier now
    // makes the first check instant and gets the module cached for offline use.
    let trust = checker.trust;
    spawn_local(async move {
        if let Some(saved) = trust_store::load().await {
            if trust.try_get_untracked().flatten().is_none() {
                let _ = trust.try_set(Some(saved));
            }
        }
    });
    let load_module = move || {
        spawn_local(async move {
            let state = match verifier::load().await {
                Ok(()) => ModuleState::Ready,
                Err(e) => {
                    leptos::logging::warn!("verifier not loaded: {e:?}");
                    ModuleState::Unavailable
                }
            };
            let _ = module.try_set(state);
        })
    };
    load_module();
    Effect::new(move |_| {
        if !connectivity.is_online() {
            return;
        }
        if module.get_untracked() == ModuleState::Unavailable {
            module.set(ModuleState::Loading);
            load_module();
        }
        spawn_local(async move {
            if let Ok(fresh) = trust_store::refresh().await {
                let _ = trust.try_set(Some(fresh));
            }
            // The residents roster too, for resident passes scanned offline later.
            if let Err(e) = sync::refresh_roster().await {
                leptos::logging::warn!("could not refresh the residents roster: {e}");
            }
        });
    });

    let gate_for_view = gate_id.clone();
    let gate_line = move || match gate_for_view.clone() {
        Some(id) => {
            let name = gate_name(&gates.get().unwrap_or_default(), &id, i18n.lang());
            view! {
                <p class="verify-gate" data-testid="verify-gate" data-gate=id>
                    {i18n.t_with(Key::VerifyAtGate, &[("gate", &name)])}
                </p>
            }
            .into_any()
        }
        None => {
            view! { <p class="notice" data-testid="verify-no-gate">{i18n.t(Key::VerifyNoGate)}</p> }
                .into_any()
        }
    };

    let trust_status = move || {
        let now_ms = js_sys::Date::now() as i64;
        match trust.get() {
            None => view! {
                <p class="notice" data-testid="trust-warning" data-kind="missing">
                    {i18n.t(Key::VerifyTrustMissing)}
                </p>
            }
            .into_any(),
            Some(t) => {
                let fetched = LocalDateTime::from_unix_ms(t.fetched_at_ms);
                let today = LocalDateTime::from_unix_ms(now_ms).date_string();
                let time = if fetched.date_string() == today {
                    fetched.time_string()
                } else {
                    fetched.date_time_string()
                };
                let revoked = i18n.count(t.revoked.len() as u64);
                view! {
                    <p class="trust-as-of muted" data-testid="trust-as-of"
                        data-fetched-at=t.fetched_at_ms.to_string()>
                        {i18n.t_with(Key::VerifyTrustAsOf, &[("time", &time)])}
                        " · "
                        {i18n.t_with(Key::VerifyRevokedCount, &[("count", &revoked)])}
                    </p>
                    {t.is_stale(now_ms).then(|| view! {
                        <p class="notice" data-testid="trust-warning" data-kind="stale">
                            {i18n.t(Key::VerifyTrustStale)}
                        </p>
                    })}
                }
                .into_any()
            }
        }
    };

    // The residents roster resident passes are matched against (saved on the phone).
    let roster = use_sync().roster;
    let roster_status = move || {
        roster.get().map(|r| {
            let time = LocalDateTime::from_unix_ms(r.fetched_at_ms).date_time_string();
            let count = i18n.count(r.residents.len() as u64);
            view! {
                <p class="muted" data-testid="roster-as-of" data-fetched-at=r.fetched_at_ms.to_string()
                    data-count=r.residents.len().to_string()>
                    {i18n.t_with(Key::VerifyResRosterAsOf, &[("time", &time), ("count", &count)])}
                </p>
            }
        })
    };

    let module_status = move || {
        match module.get() {
        ModuleState::Ready => ().into_any(),
        ModuleState::Loading => {
            view! { <p class="status" data-testid="verifier-status">{i18n.t(Key::VerifyLoadingVerifier)}</p> }
                .into_any()
        }
        ModuleState::Unavailable => view! {
            <p class="notice" data-testid="verifier-status">{i18n.t(Key::VerifyVerifierUnavailable)}</p>
        }
        .into_any(),
    }
    };

    let outcome = checker.outcome;
    let verdict_panel = move || {
        let shown = outcome.get()?;
        // For the benchmark: the verdict is on screen (scan → verdict).
        verifier::mark("bp-verdict");
        Some(view! { <VerdictPanel outcome=shown gates/> })
    };

    let scanning = move || scanner.is_on();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        scanner.stop();
        checker.check(pasted.get_untracked());
    };
    let check_another = move |_| {
        outcome.set(None);
        pasted.set(String::new());
    };

    view! {
        <section class="page verify" data-testid="verify-page">
            <h1>{move || i18n.t(Key::VerifyTitle)}</h1>
            {gate_line}
            {trust_status}
            {roster_status}
            {module_status}
            <div class="verdict-slot" aria-live="assertive">{verdict_panel}</div>
            {move || outcome.get().map(|shown| view! { <ResidentPart outcome=shown gates/> })}
            {move || outcome.with(Option::is_some).then(|| view! {
                <button type="button" class="secondary check-another" data-testid="check-another"
                    on:click=check_another>
                    {i18n.t(Key::VerifyCheckAnother)}
                </button>
            })}
            <p class="intro">{move || i18n.t(Key::VerifyIntro)}</p>
            <button type="button" class="scan-button" data-testid="scan-button"
                aria-pressed=move || scanning().to_string()
                on:click=move |_| {
                    if !scanner.is_on_untracked() {
                        outcome.set(None);
                    }
                    scanner.toggle()
                }>
                {move || if scanning() { i18n.t(Key::VerifyStop) } else { i18n.t(Key::VerifyScan) }}
            </button>
            <CameraView scanner/>
            <form class="paste-pass" on:submit=submit>
                <div class="field">
                    <label for="pass-input">{move || i18n.t(Key::VerifyPasteLabel)}</label>
                    <textarea id="pass-input" data-testid="pass-input" rows="3"
                        autocomplete="off" autocapitalize="characters" spellcheck="false"
                        prop:value=move || pasted.get()
                        on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" data-testid="verify-button">{move || i18n.t(Key::VerifyCheck)}</button>
            </form>
            <CrossingsOutbox/>
        </section>
    }
}

/// The residents' crossings this officer recorded that are still waiting to be sent, and
/// those the edge refused (with why, until dismissed).
#[component]
fn CrossingsOutbox() -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let sync_state = use_sync();
    let pending = move || {
        sync_state.outbox.with(|o| {
            o.pending
                .iter()
                .filter(|w| w.kind == OpKind::RecordCrossing)
                .count()
        })
    };
    let rejected = move || {
        sync_state.outbox.with(|o| {
            o.rejected
                .iter()
                .filter(|w| w.kind == OpKind::RecordCrossing)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="sync-bar" role="status" aria-live="polite">
            <p data-testid="crossings-pending"
                data-count=move || sync_state.outbox_loaded.get().then(|| pending().to_string())>
                {move || match (sync_state.outbox_loaded.get(), pending()) {
                    (false, _) => String::new(),
                    (true, 0) => i18n.t(Key::VerifyResAllSent).to_owned(),
                    (true, n) => i18n.t_with(Key::VerifyResPending, &[("count", &n.to_string())]),
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
                <h2>{move || i18n.t(Key::VerifyResRejectedTitle)}</h2>
                <ul>
                    <For each=rejected key=|r| r.seq let:write>
                        <RejectedCrossing write/>
                    </For>
                </ul>
            </div>
        </Show>
    }
}

#[component]
fn RejectedCrossing(write: RejectedWrite) -> impl IntoView {
    let i18n = use_i18n();
    let seq = write.seq;
    let code = write.code;
    let time = serde_json::from_value::<CrossingDto>(write.payload.clone())
        .ok()
        .map(|c| LocalDateTime::from_unix_ms(c.at_ms).date_time_string())
        .unwrap_or_default();
    view! {
        <li class="rejected-write" data-testid="rejected-crossing" data-code=code.as_str()>
            <strong>{move || i18n.t_with(Key::VerifyResRejectedItem, &[("time", &time)])}</strong>
            " — "
            <span>{move || i18n.error_message(code)}</span>
            <button type="button" class="button secondary"
                on:click=move |_| spawn_local(sync::dismiss(seq))>
                {move || i18n.t(Key::TripsDismiss)}
            </button>
        </li>
    }
}

/// The holder digest of a resident pass (a trip pass has none).
fn resident_of(claims: &Claims) -> Option<&str> {
    (claims.kind == "resident")
        .then_some(claims.holder_digest.as_deref())
        .flatten()
}

/// A resident pass's part, right under the verdict: the resident, the figures and the
/// crossing to record, then the pass's details. Outside the verdict's live region, so typing
/// goods is not read out as a new verdict.
#[component]
fn ResidentPart(outcome: Outcome, gates: LocalResource<Vec<Gate>>) -> impl IntoView {
    let Outcome::Checked(verdict, scanned_at_ms) = outcome else {
        return ().into_any();
    };
    let Some(claims) = verdict.claims.clone() else {
        return ().into_any();
    };
    let Some(digest) = resident_of(&claims).map(str::to_owned) else {
        return ().into_any();
    };
    let valid = verdict.valid;
    view! {
        <ResidentPanel digest valid scanned_at_ms/>
        <div class="verdict-more"><ClaimsDetails claims gates/></div>
    }
    .into_any()
}

#[component]
fn VerdictPanel(outcome: Outcome, gates: LocalResource<Vec<Gate>>) -> impl IntoView {
    let i18n = use_i18n();
    let verdict = match outcome {
        Outcome::Checked(verdict, _) => *verdict,
        Outcome::Unavailable => return view! {
            <div class="verdict verdict-error" data-testid="verdict-error" data-kind="unavailable">
                <p>{move || i18n.t(Key::VerifyVerifierUnavailable)}</p>
            </div>
        }
        .into_any(),
        Outcome::Failed => {
            return view! {
                <div class="verdict verdict-error" data-testid="verdict-error" data-kind="failed">
                    <p>{move || i18n.t(Key::VerifyCheckFailed)}</p>
                </div>
            }
            .into_any()
        }
    };
    let valid = verdict.valid;
    let reason = verdict.reason.clone();
    let reason_text = reason.clone().map(|code| {
        let code_attr = code.clone();
        view! {
            <p class="verdict-reason" data-testid="verdict-reason" data-reason=code_attr>
                {move || i18n.t(pass_reason_key(&code))}
            </p>
        }
    });
    // A resident pass's details come after the resident panel (`ResidentPart`).
    let details = verdict
        .claims
        .filter(|c| resident_of(c).is_none())
        .map(|claims| view! { <ClaimsDetails claims gates/> });
    view! {
        <div class=if valid { "verdict valid" } else { "verdict invalid" } data-testid="verdict"
            data-valid=valid.to_string() data-reason=reason.unwrap_or_default()>
            <p class="verdict-banner" data-testid="verdict-banner">
                <span aria-hidden="true">{if valid { "✓ " } else { "✗ " }}</span>
                {move || i18n.t(if valid { Key::VerifyValid } else { Key::VerifyInvalid })}
            </p>
            {reason_text}
            {details}
        </div>
    }
    .into_any()
}

#[component]
fn ClaimsDetails(claims: Claims, gates: LocalResource<Vec<Gate>>) -> impl IntoView {
    let i18n = use_i18n();
    let is_trip = claims.kind != "resident";
    let kind = if claims.kind == "resident" {
        Key::VerifyKindResident
    } else {
        Key::VerifyKindTrip
    };
    let at = |secs: i64| LocalDateTime::from_unix_ms(secs.saturating_mul(1000)).date_time_string();
    let window = (at(claims.valid_from), at(claims.valid_until));
    let gate = claims.gate.clone();
    let gate_attr = claims.gate.clone();
    let booking = claims.booking.clone();
    let plate = claims.plate.clone();
    let trailer = claims.trailer.clone();
    view! {
        <p class="verdict-kind">{move || i18n.t(kind)}</p>
        {plate.map(|plate| view! {
            <div class="verdict-plates">
                <p class="verdict-label">{move || i18n.t(Key::VerifyPlate)}</p>
                <p class="verdict-plate" data-testid="verdict-plate">{plate}</p>
                {trailer.map(|trailer| view! {
                    <p class="verdict-label">{move || i18n.t(Key::VerifyTrailer)}</p>
                    <p class="verdict-plate" data-testid="verdict-trailer">{trailer}</p>
                })}
            </div>
        })}
        <dl class="verdict-facts">
            <dt>{move || i18n.t(Key::VerifyGate)}</dt>
            <dd data-testid="verdict-gate" data-gate=gate_attr>
                {move || gate_name(&gates.get().unwrap_or_default(), &gate, i18n.lang())}
            </dd>
            <dt>{move || i18n.t(Key::VerifyValidWindow)}</dt>
            <dd data-testid="verdict-window">
                {move || i18n.t_with(Key::VerifyWindow, &[("from", &window.0), ("until", &window.1)])}
            </dd>
            {is_trip.then(|| view! {
                <dt>{move || i18n.t(Key::VerifyBooking)}</dt>
                <dd data-testid="verdict-booking">
                    {move || match &booking {
                        Some(b) => i18n.t_with(Key::VerifyBookingDetail, &[
                            ("yard", &yard_name(&gates.get().unwrap_or_default(), &b.yard, i18n.lang())),
                            ("start", &at(b.slot_start)),
                            ("minutes", &b.slot_minutes.to_string()),
                        ]),
                        None => i18n.t(Key::VerifyNoBooking).to_owned(),
                    }}
                </dd>
            })}
        </dl>
        <p class="muted verdict-id">{move || i18n.t_with(Key::VerifyPassId, &[("id", &claims.id)])}</p>
    }
}
