//! A yard's figures for the day: what the public board and the operator show.

use super::{EntryStatus, Queue, LANES};
use crate::booking::{Lane, LocalDate, MINUTE_MS};
use serde::{Deserialize, Serialize};

/// The chart's resolution: one point per half hour.
pub const CHART_STEP_MS: i64 = 30 * MINUTE_MS;
const HOUR_MS: i64 = 60 * MINUTE_MS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueStats {
    pub as_of_ms: i64,
    pub lanes: Vec<LaneStats>,
    /// Served since local midnight.
    pub served_today: u32,
    /// Mean minutes from check-in (scan) to first call, for vehicles first called today.
    pub average_wait_minutes: Option<u32>,
    /// Vehicles waiting over the day, every half hour from local midnight to now.
    pub chart: Vec<ChartPoint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaneStats {
    pub lane: Lane,
    pub waiting: u32,
    pub called: u32,
    pub served_last_hour: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartPoint {
    pub at_ms: i64,
    pub waiting: u32,
}

impl QueueStats {
    pub fn of(queue: &Queue, now_ms: i64) -> Self {
        let midnight = LocalDate::of_instant(now_ms).midnight_ms();
        let served_today = queue
            .entries()
            .filter(|e| e.status == EntryStatus::Served)
            .filter(|e| e.closed_at_ms.is_some_and(|t| t >= midnight))
            .count() as u32;
        let waits: Vec<i64> = queue
            .entries()
            .filter_map(|e| {
                let called = e.first_called_at_ms?;
                (called >= midnight).then_some((called - e.scanned_at_ms).max(0))
            })
            .collect();
        let average_wait_minutes = (!waits.is_empty()).then(|| {
            let mean = waits.iter().sum::<i64>() / waits.len() as i64;
            ((mean + MINUTE_MS / 2) / MINUTE_MS) as u32
        });
        QueueStats {
            as_of_ms: now_ms,
            lanes: LANES
                .iter()
                .map(|&lane| LaneStats {
                    lane,
                    waiting: queue.waiting_count(lane),
                    called: queue
                        .entries()
                        .filter(|e| e.lane == lane && e.status == EntryStatus::Called)
                        .count() as u32,
                    served_last_hour: served_in_last_hour(queue, Some(lane), now_ms),
                })
                .collect(),
            served_today,
            average_wait_minutes,
            chart: chart(queue, midnight, now_ms),
        }
    }

    pub fn waiting(&self) -> u32 {
        self.lanes.iter().map(|l| l.waiting).sum()
    }
}

/// When a yard's figures are next recomputed with no change in its queue: the next half hour,
/// the chart's step (so the chart moves on, and "today" rolls over at local midnight).
pub fn next_refresh_ms(now_ms: i64) -> i64 {
    let midnight = LocalDate::of_instant(now_ms).midnight_ms();
    midnight + ((now_ms - midnight) / CHART_STEP_MS + 1) * CHART_STEP_MS
}

/// Served in `(now - 1 h, now]`, in one lane or both.
pub fn served_in_last_hour(queue: &Queue, lane: Option<Lane>, now_ms: i64) -> u32 {
    queue
        .entries()
        .filter(|e| e.status == EntryStatus::Served && lane.is_none_or(|l| e.lane == l))
        .filter(|e| {
            e.closed_at_ms
                .is_some_and(|t| t > now_ms - HOUR_MS && t <= now_ms)
        })
        .count() as u32
}

/// Vehicles waiting at each half hour of the day so far, and now. A vehicle counts as waiting
/// from its scan to its first call (or its no-show, or now); a vehicle sent back after an
/// absence is not counted twice.
fn chart(queue: &Queue, midnight_ms: i64, now_ms: i64) -> Vec<ChartPoint> {
    let spans: Vec<(i64, i64)> = queue
        .entries()
        .map(|e| {
            let end = match e.status {
                EntryStatus::Waiting if e.first_called_at_ms.is_none() => i64::MAX,
                _ => e.first_called_at_ms.or(e.closed_at_ms).unwrap_or(i64::MAX),
            };
            (e.scanned_at_ms, end)
        })
        .collect();
    let waiting_at = |t: i64| spans.iter().filter(|(s, e)| *s <= t && t < *e).count() as u32;
    let mut points: Vec<ChartPoint> = (0..)
        .map(|i| midnight_ms + i * CHART_STEP_MS)
        .take_while(|t| *t < now_ms)
        .map(|at_ms| ChartPoint {
            at_ms,
            waiting: waiting_at(at_ms),
        })
        .collect();
    points.push(ChartPoint {
        at_ms: now_ms,
        waiting: waiting_at(now_ms),
    });
    points
}
