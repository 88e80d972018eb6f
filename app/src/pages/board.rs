//! The public queue board: for every yard, vehicles waiting per lane, the average wait and the
//! vehicles served today, and a small chart of the queue over the day. No sign-in; the last
//! board is kept on the phone and shown offline with when it was true.

use crate::api;
use crate::components::ErrorPanel;
use crate::i18n::{use_i18n, Key};
use crate::labels::{gate_name, time_of, yard_name};
use crate::offline::snapshots::{self, BoardSnapshot};
use crate::state::use_connectivity;
use leptos::prelude::*;
use shared::booking::{Lane, LocalDate, DAY_MS};
use shared::queue::{ChartPoint, QueueStats};
use shared::wire::v1::BoardYardDto;
use shared::{Error, Gate};

/// How often an open board asks again.
const REFRESH_MS: u32 = 60_000;
/// The chart's drawing area, in SVG units (it scales to the card's width).
const CHART_WIDTH: f64 = 300.0;
const CHART_HEIGHT: f64 = 80.0;

/// The chart's shapes: the line of vehicles waiting over the day and the area under it, with
/// the value at the top of the scale.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartShapes {
    pub line: String,
    pub area: String,
    pub top: u32,
}

/// The top of the scale: the peak rounded up to 1, 2 or 5 × a power of ten (at least 5), so
/// the chart of a quiet yard does not look like a full one.
pub fn scale_top(peak: u32) -> u32 {
    let mut step = 1u32;
    loop {
        for m in [1u32, 2, 5] {
            let top = m.saturating_mul(step);
            if top >= peak.max(5) {
                return top;
            }
        }
        step = step.saturating_mul(10);
    }
}

/// The SVG paths of `points` on a day from `day_start_ms` (local midnight) to 24 hours later,
/// `width` × `height` units, y growing downwards. `None` without points.
pub fn chart_shapes(
    points: &[ChartPoint],
    day_start_ms: i64,
    width: f64,
    height: f64,
) -> Option<ChartShapes> {
    let first = points.first()?;
    let last = points.last()?;
    let top = scale_top(points.iter().map(|p| p.waiting).max().unwrap_or(0));
    let x = |at_ms: i64| {
        let share = (at_ms - day_start_ms) as f64 / DAY_MS as f64;
        share.clamp(0.0, 1.0) * width
    };
    let y = |waiting: u32| height - f64::from(waiting.min(top)) / f64::from(top) * height;
    let line = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let command = if i == 0 { 'M' } else { 'L' };
            format!("{command}{:.1},{:.1}", x(p.at_ms), y(p.waiting))
        })
        .collect::<Vec<_>>()
        .join(" ");
    let area = format!(
        "{line} L{:.1},{height:.1} L{:.1},{height:.1} Z",
        x(last.at_ms),
        x(first.at_ms)
    );
    Some(ChartShapes { line, area, top })
}

/// The peak of the day and when it was (the first time it was reached).
pub fn peak(points: &[ChartPoint]) -> Option<ChartPoint> {
    points
        .iter()
        .copied()
        .fold(None, |best: Option<ChartPoint>, p| match best {
            Some(b) if b.waiting >= p.waiting => Some(b),
            _ => Some(p),
        })
}

/// The yards of the board in the directory's order, under their gates; yards the directory
/// does not know (yet) come last, under their gate's id.
pub fn by_gate(gates: &[Gate], yards: &[BoardYardDto]) -> Vec<(String, Vec<BoardYardDto>)> {
    let mut groups: Vec<(String, Vec<BoardYardDto>)> = Vec::new();
    let mut placed = vec![false; yards.len()];
    for gate in gates {
        let mut list = Vec::new();
        for yard in &gate.yards {
            if let Some(i) = yards.iter().position(|y| y.yard_id == yard.id.as_str()) {
                placed[i] = true;
                list.push(yards[i].clone());
            }
        }
        if !list.is_empty() {
            groups.push((gate.id.to_string(), list));
        }
    }
    for (yard, _) in yards.iter().zip(&placed).filter(|(_, placed)| !**placed) {
        match groups.iter_mut().find(|(g, _)| *g == yard.gate_id) {
            Some((_, list)) => list.push(yard.clone()),
            None => groups.push((yard.gate_id.clone(), vec![yard.clone()])),
        }
    }
    groups
}

/// What the board shows.
#[derive(Debug, Clone)]
enum Shown {
    Loading,
    Board {
        snapshot: BoardSnapshot,
        /// True for the copy saved on the phone.
        saved_copy: bool,
    },
    Failed(Error),
}

/// The saved copy at once, then the edge's; a failure keeps whatever is on screen.
async fn refresh(shown: RwSignal<Shown>) {
    if matches!(shown.get_untracked(), Shown::Loading) {
        if let Some(saved) = snapshots::load_board().await {
            let _ = shown.try_set(Shown::Board {
                snapshot: saved,
                saved_copy: true,
            });
        }
    }
    match api::board().await {
        Ok(board) => {
            let snapshot = BoardSnapshot {
                fetched_at_ms: js_sys::Date::now() as i64,
                board,
            };
            snapshots::save_board(&snapshot).await;
            let _ = shown.try_set(Shown::Board {
                snapshot,
                saved_copy: false,
            });
        }
        Err(e) => {
            leptos::logging::warn!("queue board not refreshed: {e}");
            if matches!(shown.try_get_untracked(), Some(Shown::Loading)) {
                let _ = shown.try_set(Shown::Failed(e));
            }
        }
    }
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let shown = RwSignal::new(Shown::Loading);
    let gates = LocalResource::new(crate::directory::load_gates);

    // Now, whenever the network comes back, and every minute while the board is open.
    Effect::new(move |_| {
        if connectivity.signal().get() || matches!(shown.get_untracked(), Shown::Loading) {
            leptos::task::spawn_local(refresh(shown));
        }
    });
    leptos::task::spawn_local(async move {
        loop {
            gloo_timers::future::TimeoutFuture::new(REFRESH_MS).await;
            match shown.try_get_untracked() {
                None => return,
                Some(_) if connectivity.signal().get_untracked() => refresh(shown).await,
                Some(_) => {}
            }
        }
    });
    let retry = move || {
        shown.set(Shown::Loading);
        leptos::task::spawn_local(refresh(shown));
    };

    let body = move || match shown.get() {
        Shown::Loading => {
            view! { <p class="status" role="status">{i18n.t(Key::CommonLoading)}</p> }.into_any()
        }
        Shown::Failed(error) => view! { <ErrorPanel error on_retry=retry/> }.into_any(),
        Shown::Board {
            snapshot,
            saved_copy,
        } => {
            let now = js_sys::Date::now() as i64;
            let as_of_ms = snapshot.board.as_of_ms;
            let as_of = time_of(as_of_ms, now);
            let gate_list = gates.get().unwrap_or_default();
            let groups = by_gate(&gate_list, &snapshot.board.yards);
            let empty = groups.is_empty();
            view! {
                <p class="as-of" class:saved-copy=saved_copy data-testid="board-as-of"
                    data-as-of=as_of_ms.to_string() data-saved-copy=saved_copy.to_string()>
                    <span>{i18n.t_with(Key::BoardAsOf, &[("time", &as_of)])}</span>
                    {saved_copy.then(|| view! {
                        <span class="badge" data-testid="board-saved-copy">{i18n.t(Key::BoardSavedCopy)}</span>
                    })}
                </p>
                {empty.then(|| view! { <p>{i18n.t(Key::BoardNoYards)}</p> })}
                <ul class="board-gates">
                    {groups.into_iter().map(|(gate_id, yards)| {
                        let title = gate_name(&gate_list, &gate_id, i18n.lang());
                        let gates_for_yards = gate_list.clone();
                        view! {
                            <li class="card board-gate" data-gate=gate_id>
                                <h2>{title}</h2>
                                <ul class="board-yards">
                                    {yards.into_iter().map(|yard| {
                                        let name = yard_name(&gates_for_yards, &yard.yard_id, i18n.lang());
                                        view! { <BoardYard yard name/> }
                                    }).collect_view()}
                                </ul>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }
    };

    view! {
        <section class="page board" data-testid="board-page">
            <h1>{move || i18n.t(Key::BoardTitle)}</h1>
            <p class="intro">{move || i18n.t(Key::BoardIntro)}</p>
            {body}
        </section>
    }
}

#[component]
fn BoardYard(yard: BoardYardDto, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let waiting = |lane: Lane| {
        yard.stats
            .as_ref()
            .and_then(|s| s.lanes.iter().find(|l| l.lane == lane))
            .map_or(0, |l| l.waiting)
    };
    let (perishable, general) = (waiting(Lane::Perishable), waiting(Lane::General));
    let served = yard.stats.as_ref().map_or(0, |s| s.served_today);
    let average = yard.stats.as_ref().and_then(|s| s.average_wait_minutes);
    view! {
        <li class="board-yard" data-testid="board-yard" data-yard=yard.yard_id.clone()>
            <h3>{name}</h3>
            <dl class="board-figures">
                <div>
                    <dt>{move || i18n.t(Key::BoardWaitingPerishable)}</dt>
                    <dd data-testid="board-waiting-perishable" data-count=perishable.to_string()>
                        {move || i18n.count(u64::from(perishable))}
                    </dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Key::BoardWaitingGeneral)}</dt>
                    <dd data-testid="board-waiting-general" data-count=general.to_string()>
                        {move || i18n.count(u64::from(general))}
                    </dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Key::BoardAverageWait)}</dt>
                    <dd data-testid="board-average-wait" class:board-none=average.is_none()
                        data-minutes=average.map(|m| m.to_string()).unwrap_or_default()>
                        {move || match average {
                            Some(m) => i18n.t_with(Key::BoardMinutes, &[("minutes", &m.to_string())]),
                            None => i18n.t(Key::BoardNoWaitYet).to_owned(),
                        }}
                    </dd>
                </div>
                <div>
                    <dt>{move || i18n.t(Key::BoardServedToday)}</dt>
                    <dd data-testid="board-served-today" data-count=served.to_string()>
                        {move || i18n.count(u64::from(served))}
                    </dd>
                </div>
            </dl>
            {match yard.stats {
                Some(stats) => view! { <QueueChart stats yard_id=yard.yard_id.clone()/> }.into_any(),
                None => view! { <p class="muted">{move || i18n.t(Key::BoardNoQueueYet)}</p> }.into_any(),
            }}
        </li>
    }
}

/// Vehicles waiting over the day, every half hour: an area under a line, hours marked below.
/// The title says what the chart shows in words, for screen readers.
#[component]
fn QueueChart(stats: QueueStats, yard_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let day_start = LocalDate::of_instant(stats.as_of_ms).midnight_ms();
    let Some(shapes) = chart_shapes(&stats.chart, day_start, CHART_WIDTH, CHART_HEIGHT) else {
        return ().into_any();
    };
    let now = stats.chart.last().map_or(0, |p| p.waiting);
    let busiest = peak(&stats.chart);
    let title_id = format!("board-chart-title-{yard_id}");
    let title_ref = title_id.clone();
    let summary = move || {
        let (most, at) = busiest.map_or((0, String::new()), |p| {
            (p.waiting, time_of(p.at_ms, stats.as_of_ms))
        });
        i18n.t_with(
            Key::BoardChartTitle,
            &[
                ("now", &now.to_string()),
                ("peak", &most.to_string()),
                ("time", &at),
            ],
        )
    };
    let top = shapes.top;
    // Room for the scale's labels around the drawing area.
    let view_box = format!("-2 -12 {} {}", CHART_WIDTH + 4.0, CHART_HEIGHT + 28.0);
    view! {
        <figure class="board-chart">
            <svg data-testid="board-chart" role="img" aria-labelledby=title_ref
                viewBox=view_box preserveAspectRatio="xMidYMid meet" data-points=stats.chart.len().to_string()>
                <title id=title_id>{summary}</title>
                <line class="chart-axis" x1="0" y1=CHART_HEIGHT.to_string() x2=CHART_WIDTH.to_string()
                    y2=CHART_HEIGHT.to_string()/>
                <line class="chart-grid" x1="0" y1="0" x2=CHART_WIDTH.to_string() y2="0"/>
                <path class="chart-area" d=shapes.area/>
                <path class="chart-line" d=shapes.line/>
                <text class="chart-label" x="0" y="-3" aria-hidden="true">{top.to_string()}</text>
                {[0u32, 6, 12, 18, 24].into_iter().map(|hour| {
                    let x = f64::from(hour) / 24.0 * CHART_WIDTH;
                    let anchor = match hour { 0 => "start", 24 => "end", _ => "middle" };
                    view! {
                        <text class="chart-label" x=format!("{x:.1}") y=(CHART_HEIGHT + 14.0).to_string()
                            text-anchor=anchor aria-hidden="true">
                            {format!("{hour:02}:00")}
                        </text>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="muted">{move || i18n.t(Key::BoardChartCaption)}</figcaption>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HALF_HOUR: i64 = 30 * 60 * 1000;

    fn points(values: &[u32]) -> Vec<ChartPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, &waiting)| ChartPoint {
                at_ms: i as i64 * HALF_HOUR,
                waiting,
            })
            .collect()
    }

    #[test]
    fn the_scale_rounds_the_peak_up_to_a_round_number() {
        assert_eq!(scale_top(0), 5);
        assert_eq!(scale_top(3), 5);
        assert_eq!(scale_top(5), 5);
        assert_eq!(scale_top(6), 10);
        assert_eq!(scale_top(11), 20);
        assert_eq!(scale_top(21), 50);
        assert_eq!(scale_top(120), 200);
        assert!(scale_top(u32::MAX) >= u32::MAX / 2);
    }

    #[test]
    fn the_line_spans_the_day_left_to_right_and_the_queue_bottom_up() {
        let shapes = chart_shapes(&points(&[0, 10, 5]), 0, 480.0, 100.0).unwrap();
        assert_eq!(shapes.top, 10);
        // Half an hour is 1/48 of the day: 10 units of 480.
        assert_eq!(shapes.line, "M0.0,100.0 L10.0,0.0 L20.0,50.0");
        assert_eq!(
            shapes.area,
            "M0.0,100.0 L10.0,0.0 L20.0,50.0 L20.0,100.0 L0.0,100.0 Z"
        );
    }

    #[test]
    fn no_points_no_chart_and_one_point_a_dot() {
        assert_eq!(chart_shapes(&[], 0, 300.0, 80.0), None);
        let one = chart_shapes(&points(&[2]), 0, 300.0, 80.0).unwrap();
        assert_eq!(one.line, "M0.0,48.0");
    }

    #[test]
    fn points_outside_the_day_stay_on_the_chart() {
        let late = [ChartPoint {
            at_ms: 2 * DAY_MS,
            waiting: 1,
        }];
        let shapes = chart_shapes(&late, 0, 300.0, 80.0).unwrap();
        assert!(shapes.line.starts_with("M300.0,"));
    }

    #[test]
    fn yards_the_directory_does_not_know_are_grouped_by_their_gate() {
        let yard = |yard_id: &str, gate_id: &str| BoardYardDto {
            yard_id: yard_id.into(),
            gate_id: gate_id.into(),
            stats: None,
        };
        let groups = by_gate(&[], &[yard("a-1", "a"), yard("b-1", "b"), yard("a-2", "a")]);
        let ids: Vec<(String, Vec<String>)> = groups
            .into_iter()
            .map(|(g, ys)| (g, ys.into_iter().map(|y| y.yard_id).collect()))
            .collect();
        assert_eq!(
            ids,
            [
                ("a".to_owned(), vec!["a-1".to_owned(), "a-2".to_owned()]),
                ("b".to_owned(), vec!["b-1".to_owned()]),
            ]
        );
    }

    #[test]
    fn the_peak_is_the_first_time_the_most_vehicles_waited() {
        let p = peak(&points(&[1, 4, 2, 4])).unwrap();
        assert_eq!((p.waiting, p.at_ms), (4, HALF_HOUR));
        assert_eq!(peak(&[]), None);
    }
}
