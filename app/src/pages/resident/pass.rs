//! The approved resident's pass: a big QR (the trip pass's rendering, `shared::pass::qr`) with
//! a full-screen mode, the gate and the validity; below it the figures in large type — the
//! day's duty-free allowance left, the month's duty-free days left, when the next stamp is
//! due — and the crossings with what the rules made of each.
//!
//! The figures are folded on the phone at its current time from the history the edge sent
//! (`ResidentLedger::resume`), the same rules the edge and the officer's phone run.

use super::date_in;
use crate::i18n::{use_i18n, I18n, Key};
use crate::labels::{date_time_in, gate_name};
use leptos::html;
use leptos::prelude::*;
use shared::resident::{Crossing, CrossingDirection, ResidentLedger, ResidentRules};
use shared::wire::v1::ResidentDto;
use shared::Gate;

fn vnd(i18n: I18n, amount: i64) -> String {
    let digits =
        shared::format::group_thousands(amount.max(0) as u64, i18n.lang().thousands_separator());
    i18n.t_with(Key::ResidentVnd, &[("amount", &digits)])
}

#[component]
pub fn ResidentPassView(
    resident: ResidentDto,
    gates: Signal<Vec<Gate>>,
    now: Signal<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = resident.pass.clone().unwrap_or_default();
    let svg = shared::pass::qr::svg(&code).unwrap_or_default();
    let valid_until_ms = resident.pass_valid_until.map(|s| s.saturating_mul(1000));
    let gate_id = resident.home_gate.clone();
    let gate = move || gate_name(&gates.get(), &gate_id, i18n.lang());
    let crossings: Vec<Crossing> = resident.history.crossings_with(&[]);
    let stamp_before = resident.history.stamp_before_ms;
    let rules = ResidentRules::current();
    let ledger = StoredValue::new((stamp_before, crossings));
    let with_ledger = move |f: &dyn Fn(&ResidentLedger<'static>) -> AnyView| {
        ledger.with_value(|(stamp, crossings)| f(&ResidentLedger::resume(*stamp, crossings, rules)))
    };

    let big = RwSignal::new(false);
    let close_ref = NodeRef::<html::Button>::new();
    let open_ref = NodeRef::<html::Button>::new();
    Effect::new(move |was_open: Option<bool>| {
        let open = big.get();
        if open {
            if let Some(button) = close_ref.get() {
                let _ = button.focus();
            }
        } else if was_open == Some(true) {
            if let Some(button) = open_ref.get() {
                let _ = button.focus();
            }
        }
        open
    });

    let expired = move || valid_until_ms.is_some_and(|until| now.get() > until);
    let until_text = move || {
        valid_until_ms.map(|until| {
            i18n.t_with(
                Key::ResidentPassValidUntil,
                &[("date", &date_in(until, i18n.lang()))],
            )
        })
    };
    let svg_full = svg.clone();

    let figures = move || {
        let now = now.get();
        with_ledger(&|ledger| {
            let allowance = ledger.allowance_left_today_vnd(now);
            let left = ledger.duty_free_days_left_this_month(now);
            let limit = rules.duty_free_days_per_month.at(now);
            let due = ledger.stamp_due(now);
            let next = if due {
                i18n.t(Key::ResidentStampDueNow).to_owned()
            } else {
                ledger
                    .next_stamp_due_at_ms(now)
                    .map(|at| date_time_in(at, i18n.lang()))
                    .unwrap_or_else(|| i18n.t(Key::ResidentStampDueNow).to_owned())
            };
            view! {
                <div class="figures" data-testid="figures">
                    <div class="figure" data-testid="figure-allowance" data-value=allowance.to_string()>
                        <p class="figure-label">{i18n.t(Key::ResidentAllowanceLeft)}</p>
                        <p class="figure-value">{vnd(i18n, allowance)}</p>
                    </div>
                    <div class="figure" data-testid="figure-days" data-value=left.to_string()>
                        <p class="figure-label">{i18n.t(Key::ResidentDaysLeft)}</p>
                        <p class="figure-value">{i18n.t_with(Key::ResidentDaysOf, &[("left", &left.to_string()), ("limit", &limit.to_string())])}</p>
                    </div>
                    <div class="figure" class:figure-due=due data-testid="figure-stamp" data-due=due.to_string()>
                        <p class="figure-label">{i18n.t(Key::ResidentNextStamp)}</p>
                        <p class="figure-value">{next}</p>
                    </div>
                    <p class="muted">{i18n.t(Key::ResidentFiguresNote)}</p>
                </div>
            }
            .into_any()
        })
    };

    let history = move || {
        with_ledger(&|ledger| {
            let rows = ledger.crossings();
            if rows.is_empty() {
                return view! { <p class="status" data-testid="history-empty">{i18n.t(Key::ResidentHistoryEmpty)}</p> }
                    .into_any();
            }
            let items = rows
                .iter()
                .rev()
                .map(|(c, a)| {
                    let direction = match c.direction {
                        CrossingDirection::In => Key::ResidentDirIn,
                        CrossingDirection::Out => Key::ResidentDirOut,
                    };
                    view! {
                        <li class="crossing" data-testid="crossing" data-direction=c.direction.to_string()>
                            <p class="crossing-head">
                                <span>{date_time_in(c.at_ms, i18n.lang())}</span>
                                <span>{i18n.t(direction)}</span>
                            </p>
                            <dl class="crossing-facts">
                                <dt>{i18n.t(Key::ResidentGoodsTotal)}</dt>
                                <dd data-testid="crossing-total">{vnd(i18n, c.goods_total_vnd())}</dd>
                                <dt>{i18n.t(Key::ResidentDutyFree)}</dt>
                                <dd data-testid="crossing-duty-free">{vnd(i18n, a.duty_free_vnd)}</dd>
                                <dt>{i18n.t(Key::ResidentTaxable)}</dt>
                                <dd data-testid="crossing-taxable" class:taxable={a.taxable_excess_vnd > 0}>{vnd(i18n, a.taxable_excess_vnd)}</dd>
                            </dl>
                            {a.stamp_due.then(|| view! { <p class="badge badge-ok">{i18n.t(Key::ResidentStamped)}</p> })}
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="crossing-list" data-testid="crossing-list">{items}</ul> }.into_any()
        })
    };

    view! {
        <div class="pass resident-pass" data-testid="resident-pass" data-pass-code=code.clone()>
            {move || expired().then(|| view! {
                <p class="form-error" role="alert" data-testid="pass-expired">{i18n.t(Key::ResidentPassExpired)}</p>
            })}
            <div class="pass-qr" data-testid="pass-qr" role="img" aria-label=move || i18n.t(Key::ResidentPassQrLabel) inner_html=svg></div>
            <button type="button" class="pass-big-button" data-testid="qr-full-open" node_ref=open_ref
                on:click=move |_| big.set(true)>
                {move || i18n.t(Key::ResidentShowBig)}
            </button>
            <p class="pass-plate resident-gate" data-testid="resident-gate">{move || i18n.t_with(Key::ResidentPassGate, &[("gate", &gate())])}</p>
            <p class="pass-validity" data-testid="resident-valid-until">{until_text}</p>
            <p class="muted">{move || i18n.t(Key::ResidentShowHint)}</p>
        </div>
        <Show when=move || big.get()>
            <div class="resident-qr-full" role="dialog" aria-modal="true" data-testid="qr-full"
                aria-label=move || i18n.t(Key::ResidentPassQrLabel)
                on:keydown=move |ev| if ev.key() == "Escape" { big.set(false) }>
                <div class="pass-qr" role="img" aria-label=move || i18n.t(Key::ResidentPassQrLabel) inner_html=svg_full.clone()></div>
                <button type="button" data-testid="qr-full-close" node_ref=close_ref on:click=move |_| big.set(false)>
                    {move || i18n.t(Key::ResidentCloseBig)}
                </button>
            </div>
        </Show>
        {figures}
        <h2>{move || i18n.t(Key::ResidentHistoryTitle)}</h2>
        {history}
    }
}
