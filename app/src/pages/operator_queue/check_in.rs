//! Checking a vehicle in: scan or paste a pass; online the yard places it at once, offline
//! the phone checks the pass and the check-in waits in the outbox with its scan time.

use super::*;

/// Scan (or paste) a pass: online the yard places the vehicle at once; offline the pass is
/// checked here and the check-in waits in the outbox.
#[component]
pub(super) fn CheckInPanel(
    ctx: Ctx,
    yard_id: String,
    gates: LocalResource<Vec<Gate>>,
) -> impl IntoView {
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
    sync::submit(OutboxWrite::CheckIn(CheckInPayload {
        yard_id: yard_id.to_owned(),
        pass,
        scanned_at_ms,
    }))
    .await?;
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
