//! The lanes at a glance: the day's figures, each lane's waiting vehicles with "call next"
//! and "move", and the called vehicles with "served" and "absent".

use super::*;

#[component]
pub(super) fn DayFigures(ctx: Ctx) -> impl IntoView {
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
pub(super) fn LanePanel(ctx: Ctx, lane: Lane) -> impl IntoView {
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
                    key=|(position, e)| (e.id.clone(), *position, e.priority, e.absences, e.account_disabled)
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
    let account_disabled = entry.account_disabled;
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
            {account_disabled.then(|| view! {
                <span class="badge badge-off" data-testid="account-disabled">{move || i18n.t(Key::QueueAccountDisabled)}</span>
            })}
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
pub(super) fn CalledList(ctx: Ctx) -> impl IntoView {
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
                    key=|e| (e.id.clone(), e.called_at_ms, e.absences, e.account_disabled)
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
    let account_disabled = entry.account_disabled;
    let (plate_attr, id_attr) = (plate.clone(), entry.id.to_string());
    view! {
        <li class="called-entry" data-testid="called-entry" data-plate=plate_attr
            data-entry=id_attr data-lane=lane.as_str()>
            <span class="plate">{plate}</span>
            <span>{move || i18n.t(lane_key(lane))}</span>
            {called_time.map(|time| view! {
                <span class="muted">{move || i18n.t_with(Key::QueueCalledAt, &[("time", &time)])}</span>
            })}
            {account_disabled.then(|| view! {
                <span class="badge badge-off" data-testid="account-disabled">{move || i18n.t(Key::QueueAccountDisabled)}</span>
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
