//! What comes back: the platform's steps for a vehicle, each confirmed by the force
//! responsible, and a trip's timeline folded from the province's status updates.
//!
//! The steps are the platform's own (*Vào cửa khẩu → Vào bãi tập kết → Xe trong bãi → Thanh
//! toán → Xuất bãi tập kết → Rời cửa khẩu*). A step is done when every force it needs has
//! confirmed it ("in" at the gate needs both the border guard and customs); any force may hold
//! it (with a reason the driver can act on) or reject it. For each step and force the latest
//! update counts (by time, then id), so a hold lifted by a later confirmation is lifted, and
//! updates that arrive twice, late or out of order fold to the same timeline.

use crate::{Error, ErrorCode, TripId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A step of a vehicle's passage, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Vào cửa khẩu: enters the border gate area.
    GateIn,
    /// Vào bãi tập kết: enters the gathering yard.
    YardIn,
    /// Xe trong bãi: in the yard, waiting for clearance.
    InYard,
    /// Thanh toán: the gate's fees paid.
    Payment,
    /// Xuất bãi tập kết: leaves the yard for the crossing.
    YardOut,
    /// Rời cửa khẩu: has crossed; leaves the gate.
    GateOut,
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::GateIn,
        Step::YardIn,
        Step::InYard,
        Step::Payment,
        Step::YardOut,
        Step::GateOut,
    ];

    /// The forces whose confirmations make the step done.
    pub fn confirmed_by(self) -> &'static [Force] {
        match self {
            Step::GateIn | Step::GateOut => &[Force::BorderGuard, Force::Customs],
            Step::YardIn | Step::InYard | Step::YardOut => &[Force::Customs],
            Step::Payment => &[Force::GateAuthority],
        }
    }

    /// The platform's Vietnamese name (documentation; the app translates).
    pub fn platform_name(self) -> &'static str {
        match self {
            Step::GateIn => "Vào cửa khẩu",
            Step::YardIn => "Vào bãi tập kết",
            Step::InYard => "Xe trong bãi",
            Step::Payment => "Thanh toán",
            Step::YardOut => "Xuất bãi tập kết",
            Step::GateOut => "Rời cửa khẩu",
        }
    }
}

/// Who confirms a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Force {
    /// Biên phòng.
    BorderGuard,
    /// Hải quan.
    Customs,
    /// The gate's management board (Ban quản lý cửa khẩu), which collects the fees.
    GateAuthority,
}

impl Force {
    pub const ALL: [Force; 3] = [Force::BorderGuard, Force::Customs, Force::GateAuthority];
}

/// What a force said about a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Confirmed,
    /// Stopped for now: the driver has something to do (see [`HoldReason`]).
    Held,
    /// Refused: the vehicle may not go on with this trip.
    Rejected,
}

/// Why a step is held or rejected: what the driver should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    /// Drive to the inspection area.
    Inspection,
    /// The declaration is missing or does not match: the driver (or their agent) fixes it.
    Documents,
    /// The gate's fees are not paid.
    FeesUnpaid,
    /// Anything else: go to the force's office.
    #[serde(other)]
    Other,
}

/// A status update's id (the province's; updates are deduplicated on it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UpdateId(String);

impl UpdateId {
    pub fn parse(s: &str) -> Result<UpdateId, Error> {
        let ok = (1..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
        if ok {
            Ok(UpdateId(s.to_owned()))
        } else {
            Err(Error::new(ErrorCode::InvalidId, "not a status update id"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UpdateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UpdateId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        UpdateId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The longest note a force may attach, in characters.
pub const MAX_NOTE_CHARS: usize = 300;

/// One force's word on one step of one trip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub update_id: UpdateId,
    pub trip_id: TripId,
    pub step: Step,
    pub force: Force,
    pub verdict: Verdict,
    /// For a hold or a rejection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<HoldReason>,
    /// The force's own words, if any (shown as they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When the force decided (Unix ms).
    pub at_ms: i64,
}

impl StatusUpdate {
    /// Checks what serde cannot: the instant's range and the note's length.
    pub fn check(&self) -> Result<(), Error> {
        crate::time::check_instant_ms(self.at_ms)?;
        if self
            .note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS || n.chars().any(char::is_control))
        {
            return Err(Error::new(
                ErrorCode::MalformedBody,
                "a note is at most 300 characters, without control characters",
            ));
        }
        Ok(())
    }
}

/// `POST /api/province/status` (a callback from the province) and the pull's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusBatch {
    pub updates: Vec<StatusUpdate>,
    /// In a pull's page: where the next page starts (absent in a callback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<u64>,
}

/// A step on a trip's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub step: Step,
    pub state: StepState,
    /// The forces that confirmed it, with when.
    pub confirmed: Vec<Confirmation>,
    /// The forces still to confirm it.
    pub waiting_for: Vec<Force>,
    /// The hold or rejection that stops it, if one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stop>,
    /// When it was done (the last confirmation), if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at_ms: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub force: Force,
    pub at_ms: i64,
}

/// A hold or a rejection on a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stop {
    pub force: Force,
    pub verdict: Verdict,
    pub reason: HoldReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Nothing heard yet.
    Waiting,
    /// Some of its forces confirmed it, not all.
    Partly,
    Done,
    Held,
    Rejected,
}

/// A trip's timeline: the six steps in order, folded from every update heard.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Timeline {
    pub steps: Vec<StepView>,
}

impl Timeline {
    /// Folds a trip's updates (any order, repeats allowed) into its timeline.
    pub fn fold(updates: &[StatusUpdate]) -> Timeline {
        let mut latest: BTreeMap<(Step, Force), &StatusUpdate> = BTreeMap::new();
        for update in updates {
            let key = (update.step, update.force);
            let newer = latest.get(&key).is_none_or(|seen| {
                (update.at_ms, &update.update_id) > (seen.at_ms, &seen.update_id)
            });
            if newer {
                latest.insert(key, update);
            }
        }
        let steps = Step::ALL
            .iter()
            .map(|&step| {
                let said: Vec<&StatusUpdate> = Force::ALL
                    .iter()
                    .filter_map(|&force| latest.get(&(step, force)).copied())
                    .collect();
                let confirmed: Vec<Confirmation> = said
                    .iter()
                    .filter(|u| u.verdict == Verdict::Confirmed)
                    .map(|u| Confirmation {
                        force: u.force,
                        at_ms: u.at_ms,
                    })
                    .collect();
                let waiting_for: Vec<Force> = step
                    .confirmed_by()
                    .iter()
                    .copied()
                    .filter(|f| !confirmed.iter().any(|c| c.force == *f))
                    .collect();
                // A rejection outweighs a hold; between two of a kind, the later.
                let stopped = said
                    .iter()
                    .filter(|u| u.verdict != Verdict::Confirmed)
                    .max_by_key(|u| (u.verdict == Verdict::Rejected, u.at_ms))
                    .map(|u| Stop {
                        force: u.force,
                        verdict: u.verdict,
                        reason: u.reason.unwrap_or(HoldReason::Other),
                        note: u.note.clone(),
                        at_ms: u.at_ms,
                    });
                let state = match (&stopped, waiting_for.is_empty(), confirmed.is_empty()) {
                    (Some(stop), _, _) if stop.verdict == Verdict::Rejected => StepState::Rejected,
                    (Some(_), _, _) => StepState::Held,
                    (None, true, _) => StepState::Done,
                    (None, false, false) => StepState::Partly,
                    (None, false, true) => StepState::Waiting,
                };
                let done_at_ms = (state == StepState::Done)
                    .then(|| confirmed.iter().map(|c| c.at_ms).max())
                    .flatten();
                StepView {
                    step,
                    state,
                    confirmed,
                    waiting_for,
                    stopped,
                    done_at_ms,
                }
            })
            .collect();
        Timeline { steps }
    }

    /// Whether the province has said anything about the trip yet.
    pub fn is_empty(&self) -> bool {
        self.steps.iter().all(|s| s.state == StepState::Waiting)
    }

    /// The step to show first: the one stopped (held or rejected), else the last one the
    /// province said anything about.
    pub fn current(&self) -> Option<&StepView> {
        self.steps
            .iter()
            .find(|s| matches!(s.state, StepState::Held | StepState::Rejected))
            .or_else(|| {
                self.steps
                    .iter()
                    .rev()
                    .find(|s| s.state != StepState::Waiting)
            })
    }

    /// The steps whose state differs from `before` (what an in-app alert announces).
    pub fn changed_since(&self, before: &Timeline) -> Vec<&StepView> {
        self.steps
            .iter()
            .filter(|step| {
                before
                    .steps
                    .iter()
                    .find(|b| b.step == step.step)
                    .is_none_or(|b| b.state != step.state)
            })
            .filter(|step| step.state != StepState::Waiting)
            .collect()
    }
}
