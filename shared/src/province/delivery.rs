//! The pusher's rules, without IO: which pending records go in the next batch, what the
//! province's answer does to each, and when to try again after a failure.
//!
//! The guarantee these rules give, with the edge's outbox and the province's deduplication:
//! every record is sent until the province answers it accepted or duplicate (at least once),
//! and the province keeps one per event id (so exactly once in effect); a subject's records (a
//! trip's, a resident's) are taken in `seq` order; a record the province rejects is parked with
//! its reason, and the rest of its subject's stream waits behind it while the others go on.

use super::record::RecordOutcome;
use super::record::RecordSubject;
use std::collections::BTreeSet;

/// How big a batch may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    pub max_records: usize,
    /// Of the records' JSON, summed.
    pub max_bytes: usize,
}

impl BatchLimits {
    /// 200 records or 256 KB, whichever comes first.
    pub const DEFAULT: BatchLimits = BatchLimits {
        max_records: 200,
        max_bytes: 256 * 1024,
    };
}

/// A record waiting in the outbox, as the planner needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending<'a> {
    pub subject: &'a RecordSubject,
    /// The length of its JSON.
    pub bytes: usize,
}

/// The indices (into `pending`, which is in outbox order) of the records for the next batch:
/// the longest run in order that fits `limits`, skipping the subjects in `blocked` (those with
/// a parked record). A record that does not fit stops its subject's stream for this batch (a
/// later record never goes without it); at least one record goes if any may, however large.
pub fn plan_batch(
    pending: &[Pending<'_>],
    blocked: &BTreeSet<RecordSubject>,
    limits: BatchLimits,
) -> Vec<usize> {
    let mut chosen = Vec::new();
    let mut bytes = 0usize;
    let mut cut: BTreeSet<&RecordSubject> = BTreeSet::new();
    for (index, record) in pending.iter().enumerate() {
        if chosen.len() >= limits.max_records {
            break;
        }
        if blocked.contains(record.subject) || cut.contains(record.subject) {
            continue;
        }
        let fits = chosen.is_empty() || bytes.saturating_add(record.bytes) <= limits.max_bytes;
        if fits {
            bytes = bytes.saturating_add(record.bytes);
            chosen.push(index);
        } else {
            cut.insert(record.subject);
        }
    }
    chosen
}

/// What the pusher does with a record after the province's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// Delivered: mark it acknowledged.
    Acknowledge,
    /// Refused as invalid: park it with the reason (its stream waits; an admin may retry it).
    Park { reason_code: String, reason: String },
    /// Not taken yet (held behind an earlier record, or not answered at all): send it again.
    SendAgain,
}

/// The disposition of a record given its answer (`None`: the answer did not mention it).
pub fn dispose(outcome: Option<&RecordOutcome>) -> Disposition {
    match outcome {
        Some(RecordOutcome::Accepted | RecordOutcome::Duplicate) => Disposition::Acknowledge,
        Some(RecordOutcome::Rejected {
            reason_code,
            reason,
        }) => Disposition::Park {
            reason_code: reason_code.clone(),
            reason: reason.clone(),
        },
        Some(RecordOutcome::Held { .. }) | None => Disposition::SendAgain,
    }
}

/// Exponential backoff with jitter, after failed attempts (no answer, 5xx, 429, a bad
/// signature on the answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The delay after the first failure.
    pub base_ms: i64,
    /// The longest delay.
    pub cap_ms: i64,
}

impl Backoff {
    /// 2 s, 4 s, 8 s, … up to 10 minutes.
    pub const DEFAULT: Backoff = Backoff {
        base_ms: 2_000,
        cap_ms: 10 * 60 * 1000,
    };

    /// The delay after `failures` failures in a row (1 for the first): the exponential delay
    /// `d`, then "equal jitter": `d/2` plus `jitter` (0..=1, drawn by the caller) of `d/2`, so
    /// many edges recovering at once do not strike together.
    pub fn delay_ms(self, failures: u32, jitter: f64) -> i64 {
        let exponent = failures.saturating_sub(1).min(30);
        let exponential = self
            .base_ms
            .saturating_mul(1i64 << exponent)
            .min(self.cap_ms);
        let half = exponential / 2;
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        half + (half as f64 * jitter) as i64
    }

    /// When to try again: after the backoff delay, and never before the province's
    /// `Retry-After` (when it sent one).
    pub fn next_attempt_at_ms(
        self,
        now_ms: i64,
        failures: u32,
        retry_after_ms: Option<i64>,
        jitter: f64,
    ) -> i64 {
        let delay = self.delay_ms(failures, jitter);
        let delay = retry_after_ms.map_or(delay, |after| delay.max(after.max(0)));
        now_ms.saturating_add(delay)
    }
}

/// A `Retry-After` header's wait in ms: either delay-seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2026 07:28:00 GMT`), read against `now_ms`. `None` for anything else.
pub fn retry_after_ms(header: &str, now_ms: i64) -> Option<i64> {
    let header = header.trim();
    if !header.is_empty() && header.bytes().all(|b| b.is_ascii_digit()) {
        let seconds: i64 = header.parse().ok()?;
        return Some(seconds.min(24 * 3600) * 1000);
    }
    let at = http_date_ms(header)?;
    Some((at - now_ms).clamp(0, 24 * 3600 * 1000))
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only HTTP date form senders may use.
fn http_date_ms(text: &str) -> Option<i64> {
    let rest = text.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as u8 + 1;
    let day: u8 = day.parse().ok()?;
    let year: i32 = year.parse().ok()?;
    let hms: Vec<u32> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if *h > 23 || *m > 59 || *s > 60 || !(1970..=9999).contains(&year) {
        return None;
    }
    if day == 0 || day > crate::time::days_in_month(year, month) {
        return None;
    }
    let days = crate::time::days_from_civil(year, month, day);
    Some((days * 86_400 + i64::from(h * 3600 + m * 60 + s)) * 1000)
}
