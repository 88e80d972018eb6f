//! A scanned border resident's pass: who it is (name and the last 4 ID digits, large, to
//! compare with the ID card), the stamp and the duty-free figures at the scan time, and the
//! crossing recorded in two taps (direction, then Record), offline too.
//!
//! Everything is computed on the phone from the saved roster (`GET /api/residents`) and the
//! officer's crossings still in the outbox ([`roster::ledger`]), at the scan time; offline the
//! figures say from when their data is. A recorded crossing goes into the officer's outbox
//! (`resident.cross`, with the scan time) and counts at once in the figures shown.

use crate::i18n::{use_i18n, I18n, Key};
use crate::offline::outbox::new_record_id;
use crate::offline::roster::{self, RosterSnapshot};
use crate::state::{use_connectivity, use_session};
use crate::sync::{self, use_sync};
use crate::verifier;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::resident::{Assessment, Crossing, CrossingDirection, GoodsLine, ResidentStatus};
use shared::time::LocalDateTime;
use shared::wire::v1::{CrossingDto, GoodsLineDto, OutboxWrite, ResidentDto};

fn status_key(status: ResidentStatus) -> Key {
    match status {
        ResidentStatus::Pending => Key::VerifyResStatusPending,
        ResidentStatus::Refused => Key::VerifyResStatusRefused,
        ResidentStatus::Approved => Key::VerifyResStatusApproved,
        ResidentStatus::Suspended => Key::VerifyResStatusSuspended,
        ResidentStatus::Revoked => Key::VerifyResStatusRevoked,
    }
}

fn direction_key(direction: CrossingDirection) -> Key {
    match direction {
        CrossingDirection::In => Key::VerifyResIn,
        CrossingDirection::Out => Key::VerifyResOut,
    }
}

fn vnd(i18n: I18n, amount: i64) -> String {
    let amount = i18n.count(amount.max(0) as u64);
    i18n.t_with(Key::VerifyResVnd, &[("amount", &amount)])
}

fn find(roster: Option<&RosterSnapshot>, digest: &str) -> Option<ResidentDto> {
    roster?.by_digest(digest).cloned()
}

/// A goods value as typed: digits, with dots, commas or spaces between thousands.
pub(super) fn parse_vnd(text: &str) -> Option<i64> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The goods lines as typed: a line left blank is no line; a line half filled, or with a
/// value that is not a number, is an error.
pub(super) fn goods_of(lines: &[(String, String)]) -> Result<Vec<GoodsLineDto>, ()> {
    lines
        .iter()
        .filter(|(d, v)| !(d.trim().is_empty() && v.trim().is_empty()))
        .map(|(d, v)| {
            let value = parse_vnd(v).ok_or(())?;
            let line = GoodsLine::new(d, value).map_err(|_| ())?;
            Ok(GoodsLineDto {
                description: line.description().to_owned(),
                value_vnd: line.value_vnd(),
            })
        })
        .collect()
}

/// The goods total the rules assess: an `out` crossing counts 0.
fn assessed_total(direction: Option<CrossingDirection>, goods: &[GoodsLineDto]) -> i64 {
    match direction {
        Some(CrossingDirection::Out) => 0,
        _ => goods.iter().map(|g| g.value_vnd).sum(),
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Recorded {
    id: String,
    direction: CrossingDirection,
    at_ms: i64,
}

#[derive(Clone, Copy)]
struct Line {
    key: u32,
    description: RwSignal<String>,
    value: RwSignal<String>,
}

impl Line {
    fn new(key: u32) -> Self {
        Line {
            key,
            description: RwSignal::new(String::new()),
            value: RwSignal::new(String::new()),
        }
    }
}

/// The resident part of a resident pass's verdict.
#[component]
pub(super) fn ResidentPanel(digest: String, valid: bool, scanned_at_ms: i64) -> impl IntoView {
    let i18n = use_i18n();
    let sync_state = use_sync();
    let connectivity = use_connectivity();
    let roster_signal = sync_state.roster;
    let digest = StoredValue::new(digest);
    let resident =
        Memo::new(move |_| roster_signal.with(|r| find(r.as_ref(), &digest.get_value())));

    let identity = move || match resident.get() {
        Some(r) => {
            let status = r.status;
            view! {
                <p class="resident-name" data-testid="resident-name">{r.name.clone()}</p>
                <p class="resident-last4-label">{i18n.t(Key::VerifyResLast4Label)}</p>
                <p class="resident-last4" data-testid="resident-last4">{r.id_last4.clone()}</p>
                {(status != ResidentStatus::Approved).then(|| view! {
                    <p class="notice" role="alert" data-testid="resident-not-approved" data-status=status.as_str()>
                        {i18n.t_with(Key::VerifyResNotApproved, &[("status", i18n.t(status_key(status)))])}
                    </p>
                })}
            }
            .into_any()
        }
        None => view! {
            <p class="notice" data-testid="resident-unknown">{i18n.t(Key::VerifyResUnknown)}</p>
        }
        .into_any(),
    };

    let figures = move || {
        let r = resident.get()?;
        let unsynced = sync_state
            .outbox
            .with(|o| roster::unsynced_crossings(o, &digest.get_value()));
        let f = roster::figures(&roster::ledger(&r, &unsynced), scanned_at_ms);
        let offline_since = (!connectivity.is_online())
            .then(|| roster_signal.with(|r| r.as_ref().map(|r| r.fetched_at_ms)))
            .flatten();
        let next = f
            .next_stamp_due_at_ms
            .map(|ms| LocalDateTime::from_unix_ms(ms).date_time_string());
        let days = i18n.count(f.duty_free_days_left_this_month.max(0) as u64);
        Some(view! {
            <div class="resident-figures" data-testid="resident-figures"
                data-stamp-due=f.stamp_due.to_string()
                data-next-stamp=f.next_stamp_due_at_ms.map(|ms| ms.to_string())
                data-allowance-left=f.allowance_left_today_vnd.to_string()
                data-days-left=f.duty_free_days_left_this_month.to_string()>
                {if f.stamp_due {
                    view! { <p class="stamp-due" data-testid="stamp-due">{i18n.t(Key::VerifyResStampDue)}</p> }.into_any()
                } else {
                    view! {
                        <p class="stamp-next" data-testid="stamp-next">
                            {i18n.t_with(Key::VerifyResNextStamp, &[("date", &next.unwrap_or_default())])}
                        </p>
                    }
                    .into_any()
                }}
                <dl class="resident-allowance">
                    <dt>{i18n.t(Key::VerifyResAllowanceToday)}</dt>
                    <dd data-testid="allowance-left">{vnd(i18n, f.allowance_left_today_vnd)}</dd>
                    <dt>{i18n.t(Key::VerifyResDaysLeft)}</dt>
                    <dd data-testid="days-left">{days}</dd>
                </dl>
                {offline_since.map(|ms| {
                    let time = LocalDateTime::from_unix_ms(ms).date_time_string();
                    view! {
                        <p class="muted" data-testid="computed-offline" data-from=ms.to_string()>
                            {i18n.t_with(Key::VerifyResComputedOffline, &[("time", &time)])}
                        </p>
                    }
                })}
            </div>
        })
    };

    // Recording is for a valid pass of a resident the roster does not show as out of force.
    let recordable = move || {
        valid
            && resident.with(|r| {
                r.as_ref()
                    .is_none_or(|r| r.status == ResidentStatus::Approved)
            })
    };

    view! {
        <section class="resident-panel" data-testid="resident-panel"
            data-known=move || resident.with(Option::is_some).to_string()
            aria-labelledby="resident-panel-title">
            <h2 id="resident-panel-title">{move || i18n.t(Key::VerifyResTitle)}</h2>
            {identity}
            {move || if valid { figures() } else { None }}
            <Show when=recordable>
                <RecordForm digest=digest.get_value() scanned_at_ms resident/>
            </Show>
        </section>
    }
}

#[component]
fn RecordForm(
    digest: String,
    scanned_at_ms: i64,
    resident: Memo<Option<ResidentDto>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync_state = use_sync();
    let gate = session.account().and_then(|a| a.gate_id);
    let digest = StoredValue::new(digest);
    let direction = RwSignal::new(None::<CrossingDirection>);
    let lines = RwSignal::new(vec![Line::new(0)]);
    let next_key = StoredValue::new(1u32);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let recorded = RwSignal::new(None::<Recorded>);
    // The assessment as it stood before the crossing was recorded (the ledger then includes it).
    let assessed = RwSignal::new(None::<Assessment>);

    let typed = move || {
        lines.with(|ls| {
            ls.iter()
                .map(|l| (l.description.get(), l.value.get()))
                .collect::<Vec<_>>()
        })
    };
    let assessment = Memo::new(move |_| {
        let goods = goods_of(&typed()).ok()?;
        let r = resident.get()?;
        let unsynced = sync_state
            .outbox
            .with(|o| roster::unsynced_crossings(o, &digest.get_value()));
        let total = assessed_total(direction.get(), &goods);
        Some((
            total,
            roster::ledger(&r, &unsynced).assess(total, scanned_at_ms),
        ))
    });

    let gate_for_record = StoredValue::new(gate);
    let record = move || {
        let Some(dir) = direction.get_untracked() else {
            problem.set(Some(i18n.t(Key::VerifyResPickDirection).to_owned()));
            return;
        };
        let Ok(goods) = goods_of(&lines.with_untracked(|ls| {
            ls.iter()
                .map(|l| (l.description.get_untracked(), l.value.get_untracked()))
                .collect::<Vec<_>>()
        })) else {
            problem.set(Some(i18n.t(Key::VerifyResBadGoods).to_owned()));
            return;
        };
        let Some(gate) = gate_for_record.get_value() else {
            return;
        };
        let id = match new_record_id('x') {
            Ok(id) => id,
            Err(e) => {
                leptos::logging::warn!("no crossing id: {e}");
                problem.set(Some(i18n.t(Key::VerifyResRecordFailed).to_owned()));
                return;
            }
        };
        let dto = CrossingDto {
            id: id.clone(),
            resident: digest.get_value().to_ascii_lowercase(),
            at_ms: scanned_at_ms,
            direction: dir,
            goods,
            recorded_by: gate,
        };
        if let Err(e) = Crossing::try_from(dto.clone()) {
            problem.set(Some(i18n.error_text(&e)));
            return;
        }
        problem.set(None);
        busy.set(true);
        let before = assessment.get_untracked().map(|(_, a)| a);
        spawn_local(async move {
            match sync::submit(OutboxWrite::RecordCrossing(dto)).await {
                Ok(_) => {
                    // For the benchmark: the crossing is in the outbox (scan → recorded).
                    verifier::mark("bp-crossing-recorded");
                    let _ = assessed.try_set(before);
                    let _ = recorded.try_set(Some(Recorded {
                        id,
                        direction: dir,
                        at_ms: scanned_at_ms,
                    }));
                }
                Err(e) => {
                    leptos::logging::warn!("crossing not queued: {e}");
                    let _ = problem.try_set(Some(i18n.t(Key::VerifyResRecordFailed).to_owned()));
                }
            }
            let _ = busy.try_set(false);
        });
    };

    let direction_button = move |dir: CrossingDirection| {
        let class = match dir {
            CrossingDirection::In => "direction-button direction-in",
            CrossingDirection::Out => "direction-button direction-out",
        };
        view! {
            <button type="button" class=class data-testid=format!("direction-{dir}")
                aria-pressed=move || (direction.get() == Some(dir)).to_string()
                on:click=move |_| {
                    direction.set(Some(dir));
                    problem.set(None);
                }>
                {move || i18n.t(direction_key(dir))}
            </button>
        }
    };

    let add_line = move |_: leptos::ev::MouseEvent| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        lines.update(|ls| ls.push(Line::new(key)));
    };

    let line_view = move |index: usize, line: Line| {
        let n = (index + 1).to_string();
        let desc_id = format!("goods-desc-{}", line.key);
        let value_id = format!("goods-value-{}", line.key);
        let n_label = n.clone();
        let n_remove = n.clone();
        view! {
            <li class="goods-line" data-testid="goods-line">
                <div class="field">
                    <label for=desc_id.clone()>{move || i18n.t_with(Key::VerifyResGoodsDescription, &[("n", &n)])}</label>
                    <input id=desc_id type="text" data-testid="goods-description" maxlength="120"
                        autocomplete="off"
                        prop:value=move || line.description.get()
                        on:input=move |ev| line.description.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for=value_id.clone()>{move || i18n.t_with(Key::VerifyResGoodsValue, &[("n", &n_label)])}</label>
                    <input id=value_id type="text" inputmode="numeric"
                        data-testid="goods-value" autocomplete="off"
                        prop:value=move || line.value.get()
                        on:input=move |ev| line.value.set(event_target_value(&ev))/>
                </div>
                {(index > 0).then(|| view! {
                    <button type="button" class="button secondary goods-remove" data-testid="goods-remove"
                        aria-label=move || i18n.t_with(Key::VerifyResRemoveLine, &[("n", &n_remove)])
                        on:click=move |_| lines.update(|ls| ls.retain(|l| l.key != line.key))>
                        "×"
                    </button>
                })}
            </li>
        }
    };

    let assessment_view = move || {
        let dir = direction.get();
        let (total, a) = assessment.get()?;
        let out = dir == Some(CrossingDirection::Out);
        Some(view! {
            <div class="assessment" data-testid="assessment" data-total=total.to_string()
                data-duty-free=a.duty_free_vnd.to_string()
                data-taxable=a.taxable_excess_vnd.to_string()
                data-stamp=a.stamp_due.to_string()>
                {out.then(|| view! { <p class="muted">{i18n.t(Key::VerifyResOutNotCounted)}</p> })}
                <dl>
                    <dt>{i18n.t(Key::VerifyResTotal)}</dt>
                    <dd data-testid="assessment-total">{vnd(i18n, total)}</dd>
                    <dt>{i18n.t(Key::VerifyResDutyFree)}</dt>
                    <dd data-testid="assessment-duty-free">{vnd(i18n, a.duty_free_vnd)}</dd>
                </dl>
                {if a.taxable_excess_vnd > 0 {
                    view! {
                        <p class="taxable-excess" data-testid="taxable-excess">
                            <span class="taxable-label">{i18n.t(Key::VerifyResTaxable)}</span>
                            <span class="taxable-amount">{vnd(i18n, a.taxable_excess_vnd)}</span>
                        </p>
                    }
                    .into_any()
                } else {
                    view! { <p class="no-tax" data-testid="no-tax">{i18n.t(Key::VerifyResNoTax)}</p> }.into_any()
                }}
                <p class="assessment-stamp" data-testid="assessment-stamp">
                    {i18n.t(if a.stamp_due { Key::VerifyResStampThis } else { Key::VerifyResNoStamp })}
                </p>
            </div>
        })
    };

    let confirmation = move || {
        recorded.get().map(|r| {
            let time = LocalDateTime::from_unix_ms(r.at_ms).time_string();
            let a = assessed.get();
            let dir = r.direction;
            let id = r.id.clone();
            view! {
                <div class="crossing-recorded" role="status" data-testid="crossing-recorded"
                    data-crossing-id=r.id.clone() data-direction=r.direction.to_string()
                    data-taxable=a.map(|a| a.taxable_excess_vnd.to_string())>
                    <p class="crossing-recorded-title">
                        <span aria-hidden="true">"✓ "</span>
                        {move || i18n.t_with(Key::VerifyResRecorded, &[("time", &time), ("direction", i18n.t(direction_key(dir)))])}
                    </p>
                    {a.filter(|a| a.taxable_excess_vnd > 0).map(|a| view! {
                        <p class="taxable-excess">
                            <span class="taxable-label">{move || i18n.t(Key::VerifyResTaxable)}</span>
                            <span class="taxable-amount">{move || vnd(i18n, a.taxable_excess_vnd)}</span>
                        </p>
                    })}
                    {move || sync_state.outbox.with(|o| o.pending.iter().any(|w| {
                        w.payload.get("id").and_then(|v| v.as_str()) == Some(id.as_str())
                    })).then(|| view! {
                        <p class="muted" data-testid="crossing-queued">{i18n.t(Key::VerifyResRecordedQueued)}</p>
                    })}
                </div>
            }
        })
    };

    view! {
        {move || if recorded.with(Option::is_some) {
            confirmation().into_any()
        } else {
            view! {
                <form class="record-crossing" data-testid="record-form" novalidate=true
                    aria-labelledby="record-title"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        record();
                    }>
                    <h3 id="record-title">{move || i18n.t(Key::VerifyResRecordTitle)}</h3>
                    <div class="direction-buttons" role="group" aria-label=move || i18n.t(Key::VerifyResDirection)>
                        {direction_button(CrossingDirection::In)}
                        {direction_button(CrossingDirection::Out)}
                    </div>
                    <fieldset class="goods">
                        <legend>{move || i18n.t(Key::VerifyResGoods)}</legend>
                        <ul class="goods-lines">
                            {move || lines.get().into_iter().enumerate().map(|(i, l)| line_view(i, l)).collect_view()}
                        </ul>
                        <button type="button" class="button secondary" data-testid="goods-add" on:click=add_line>
                            {move || i18n.t(Key::VerifyResAddLine)}
                        </button>
                    </fieldset>
                    {assessment_view}
                    {move || problem.get().map(|p| view! {
                        <p class="form-error" role="alert" data-testid="record-problem">{p}</p>
                    })}
                    <button type="submit" class="record-button" data-testid="record-crossing"
                        disabled=move || busy.get()>
                        {move || i18n.t(Key::VerifyResRecord)}
                    </button>
                </form>
            }
            .into_any()
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_digits_with_thousands_separators() {
        assert_eq!(parse_vnd("2.500.000"), Some(2_500_000));
        assert_eq!(parse_vnd("2,500,000"), Some(2_500_000));
        assert_eq!(parse_vnd(" 300 000 "), Some(300_000));
        assert_eq!(parse_vnd(""), None);
        assert_eq!(parse_vnd("-5"), None);
        assert_eq!(parse_vnd("1e6"), None);
    }

    #[test]
    fn blank_lines_are_no_lines_and_half_filled_ones_are_errors() {
        let line = |d: &str, v: &str| (d.to_owned(), v.to_owned());
        assert_eq!(goods_of(&[line("", " ")]), Ok(vec![]));
        let goods = goods_of(&[line("Hạt dẻ", "1.200.000"), line("", "")]).unwrap();
        assert_eq!(goods.len(), 1);
        assert_eq!(goods[0].value_vnd, 1_200_000);
        assert!(goods_of(&[line("Hạt dẻ", "")]).is_err());
        assert!(goods_of(&[line("", "5000")]).is_err());
        assert!(
            goods_of(&[line("Vải", "99999999999999")]).is_err(),
            "over the maximum"
        );
        assert_eq!(
            assessed_total(Some(CrossingDirection::Out), &goods),
            0,
            "goods going out are not assessed"
        );
        assert_eq!(
            assessed_total(Some(CrossingDirection::In), &goods),
            1_200_000
        );
    }
}
