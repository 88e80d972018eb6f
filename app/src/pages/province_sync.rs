//! The admin's view of the sync to the province's platform: whether it is configured, how
//! many records wait and for how long, the last success, the failures and the next attempt,
//! and the records the province refused (parked), each with a Retry button (asked first,
//! audited at the edge, the outcome announced).

use crate::api;
use crate::components::RequireRole;
use crate::i18n::{use_i18n, I18n, Key};
use crate::labels::date_time_in;
use leptos::prelude::*;
use shared::wire::v1::{ParkedRecordDto, ProvinceSyncHealth};
use shared::{Lang, Role};

#[component]
pub fn ProvinceSyncPage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::Admin]>
            <ProvinceSyncScreen/>
        </RequireRole>
    }
}

/// What the last retry did, announced once.
#[derive(Debug, Clone, PartialEq)]
enum RetryOutcome {
    Done(String),
    Failed(String),
}

#[component]
fn ProvinceSyncScreen() -> impl IntoView {
    let i18n = use_i18n();
    let refresh = RwSignal::new(0u32);
    let outcome = RwSignal::new(None::<RetryOutcome>);
    let health = LocalResource::new(move || {
        refresh.track();
        async move {
            let fetched_at_ms = js_sys::Date::now() as i64;
            api::admin_province_sync()
                .await
                .map(|health| (health, fetched_at_ms))
        }
    });
    view! {
        <section class="page province-sync" data-testid="province-sync-page">
            <h1>{move || i18n.t(Key::ProvinceAdminTitle)}</h1>
            <p class="intro">{move || i18n.t(Key::ProvinceAdminIntro)}</p>
            <div class="actions">
                <button type="button" class="secondary" data-testid="province-sync-refresh"
                    on:click=move |_| refresh.update(|n| *n += 1)>
                    {move || i18n.t(Key::ProvinceRefresh)}
                </button>
            </div>
            <div role="status" aria-live="polite" data-testid="retry-outcome-region">
                {move || outcome.get().map(|o| match o {
                    RetryOutcome::Done(text) => view! { <p class="form-done" data-testid="retry-outcome" data-outcome="done">{text}</p> }.into_any(),
                    RetryOutcome::Failed(text) => view! { <p class="form-error" data-testid="retry-outcome" data-outcome="failed">{text}</p> }.into_any(),
                })}
            </div>
            {move || match health.get() {
                None => view! { <p class="status" role="status">{i18n.t(Key::ProvinceAdminLoading)}</p> }.into_any(),
                Some(Err(e)) => view! {
                    <p class="form-error" role="alert" data-testid="province-sync-error" data-code=e.code().as_str()>
                        {i18n.t_with(Key::ProvinceAdminError, &[("error", &i18n.error_text(&e))])}
                    </p>
                }.into_any(),
                Some(Ok((h, fetched_at_ms))) => health_view(i18n, h, fetched_at_ms, refresh, outcome).into_any(),
            }}
        </section>
    }
}

fn health_view(
    i18n: I18n,
    h: ProvinceSyncHealth,
    fetched_at_ms: i64,
    refresh: RwSignal<u32>,
    outcome: RwSignal<Option<RetryOutcome>>,
) -> impl IntoView {
    let lang = i18n.lang();
    let t = move |key| crate::i18n::text(lang, key);
    let at = move |ms: Option<i64>, otherwise: Key| {
        ms.map_or_else(|| t(otherwise).to_owned(), |ms| date_time_in(ms, lang))
    };
    let configured = h.configured;
    let facts: Vec<(Key, &'static str, String)> = vec![
        (Key::ProvincePending, "pending", i18n.count(h.pending)),
        (Key::ProvinceLag, "lag", duration_text(lang, h.lag_ms)),
        (
            Key::ProvinceLastSuccess,
            "last-success",
            at(h.last_success_at_ms, Key::ProvinceNever),
        ),
        (Key::ProvinceFailures, "failures", h.failures.to_string()),
        (
            Key::ProvinceLastError,
            "last-error",
            h.last_error
                .clone()
                .unwrap_or_else(|| t(Key::ProvinceNone).to_owned()),
        ),
        (
            Key::ProvinceNextAttempt,
            "next-attempt",
            at(h.next_attempt_at_ms, Key::ProvinceNoBackoff),
        ),
    ];
    let parked = h.parked;
    let parked_count = parked.len();
    view! {
        <div class="card sync-health" data-testid="sync-health" data-configured=configured.to_string()
            data-pending=h.pending.to_string() data-failures=h.failures.to_string()
            data-parked=parked_count.to_string() data-fetched-at=fetched_at_ms.to_string()>
            {if configured {
                view! { <p class="form-done" data-testid="sync-configured">{t(Key::ProvinceConfiguredYes)}</p> }.into_any()
            } else {
                view! { <p class="notice" data-testid="sync-not-configured">{t(Key::ProvinceConfiguredNo)}</p> }.into_any()
            }}
            <dl class="sync-facts">
                {facts.into_iter().map(|(label, code, value)| view! {
                    <div class="sync-fact" data-testid=format!("sync-{code}")>
                        <dt>{t(label)}</dt>
                        <dd>{value}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </div>
        <h2>{t(Key::ProvinceParkedTitle)}</h2>
        {if parked.is_empty() {
            view! { <p class="muted" data-testid="parked-none">{t(Key::ProvinceParkedNone)}</p> }.into_any()
        } else {
            view! {
                <ul class="parked-list" data-testid="parked-list">
                    {parked.into_iter().map(|p| parked_row(i18n, p, refresh, outcome)).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

fn parked_row(
    i18n: I18n,
    record: ParkedRecordDto,
    refresh: RwSignal<u32>,
    outcome: RwSignal<Option<RetryOutcome>>,
) -> impl IntoView {
    let lang = i18n.lang();
    let t = move |key| crate::i18n::text(lang, key);
    let fill = crate::i18n::fill;
    let seq = record.seq.to_string();
    let (kind, behind_key) = match (&record.trip_id, &record.resident_id) {
        (None, Some(resident)) => (
            fill(
                t(Key::ProvinceParkedKindResident),
                &[
                    ("kind", &record.kind),
                    ("resident", resident),
                    ("seq", &seq),
                ],
            ),
            Key::ProvinceHeldBehindResident,
        ),
        (trip, _) => (
            fill(
                t(Key::ProvinceParkedKind),
                &[
                    ("kind", &record.kind),
                    ("trip", trip.as_deref().unwrap_or("")),
                    ("seq", &seq),
                ],
            ),
            Key::ProvinceHeldBehind,
        ),
    };
    let plate = match &record.plate {
        Some(plate) => fill(t(Key::ProvinceParkedPlate), &[("plate", plate)]),
        None => t(Key::ProvinceParkedNoPlate).to_owned(),
    };
    let reason = fill(
        t(Key::ProvinceParkedReason),
        &[("reason", &record.reason), ("code", &record.reason_code)],
    );
    let parked_at = fill(
        t(Key::ProvinceParkedAt),
        &[("time", &date_time_in(record.parked_at_ms, lang))],
    );
    let behind = fill(t(behind_key), &[("count", &i18n.count(record.held_behind))]);
    let plate_or_trip = record
        .plate
        .clone()
        .or_else(|| record.trip_id.clone())
        .or_else(|| record.resident_id.clone())
        .unwrap_or_default();
    let label = fill(
        t(Key::ProvinceRetryNamed),
        &[("event", &record.event_id), ("plate", &plate_or_trip)],
    );
    let working = RwSignal::new(false);
    let (id, event_id) = (record.id, record.event_id.clone());
    let retry = move |_| {
        let event = event_id.clone();
        let question = fill(t(Key::ProvinceConfirmRetry), &[("event", &event)]);
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        working.set(true);
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let lang = i18n.lang_untracked();
            let said = match api::admin_retry_parked(id).await {
                Ok(done) => RetryOutcome::Done(fill(
                    crate::i18n::text(lang, Key::ProvinceRetried),
                    &[("event", &done.event_id)],
                )),
                Err(e) => RetryOutcome::Failed(fill(
                    crate::i18n::text(lang, Key::ProvinceRetryFailed),
                    &[("event", &event), ("error", &i18n.error_text(&e))],
                )),
            };
            outcome.set(Some(said));
            working.set(false);
            refresh.update(|n| *n += 1);
        });
    };
    view! {
        <li class="parked-record" data-testid="parked-record" data-id=record.id.to_string()
            data-event-id=record.event_id.clone() data-reason-code=record.reason_code.clone()
            data-held-behind=record.held_behind.to_string()>
            <p class="parked-kind">{kind}</p>
            <p class="plate-line">{plate}</p>
            <p>{reason}</p>
            <p class="muted">{parked_at}</p>
            <p class="muted" data-testid="held-behind">{behind}</p>
            <button type="button" data-testid="retry-parked" aria-label=label
                disabled=move || working.get() on:click=retry>
                {t(Key::ProvinceRetry)}
            </button>
        </li>
    }
}

/// How long, in the largest unit that reads well: seconds, minutes, or hours and minutes.
fn duration_text(lang: Lang, ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    let t = |key| crate::i18n::text(lang, key);
    if secs < 60 {
        crate::i18n::fill(t(Key::ProvinceSeconds), &[("n", &secs.to_string())])
    } else if secs < 3600 {
        crate::i18n::fill(t(Key::ProvinceMinutes), &[("n", &(secs / 60).to_string())])
    } else {
        crate::i18n::fill(
            t(Key::ProvinceHours),
            &[
                ("h", &(secs / 3600).to_string()),
                ("m", &((secs % 3600) / 60).to_string()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_the_largest_unit() {
        assert_eq!(duration_text(Lang::En, 0), "0 s");
        assert_eq!(duration_text(Lang::En, -5), "0 s");
        assert_eq!(duration_text(Lang::En, 59_999), "59 s");
        assert_eq!(duration_text(Lang::Vi, 125_000), "2 phút");
        assert_eq!(duration_text(Lang::Zh, 3_723_000), "1 小时 2 分钟");
    }
}
