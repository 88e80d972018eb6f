//! Border residents (issue 13): an application, a crossing as an officer's phone sends it,
//! and a resident's figures.

use super::*;
use crate::resident::{
    BorderCommunes, Crossing, CrossingDirection, CrossingId, DecisionReason, GoodsLine,
    HolderDigest, ResidentDecision, ResidentIdNumber, ResidentLedger, ResidentStatus,
};
use crate::time::{local_day, parse_iso_day};

/// One goods line of a crossing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodsLineDto {
    pub description: String,
    pub value_vnd: i64,
}

/// A crossing recorded by an officer (offline too: `at_ms` is the scan time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossingDto {
    pub id: String,
    /// The resident pass's holder digest, 16 hex digits.
    pub resident: String,
    pub at_ms: i64,
    pub direction: CrossingDirection,
    #[serde(default)]
    pub goods: Vec<GoodsLineDto>,
    pub recorded_by: String,
}

impl TryFrom<CrossingDto> for Crossing {
    type Error = Error;

    fn try_from(dto: CrossingDto) -> Result<Self, Error> {
        if dto.goods.len() > Crossing::MAX_GOODS_LINES {
            return Err(Error::new(
                ErrorCode::InvalidGoods,
                "a crossing has at most 20 goods lines",
            ));
        }
        let goods = dto
            .goods
            .iter()
            .map(|g| GoodsLine::new(&g.description, g.value_vnd))
            .collect::<Result<Vec<_>, _>>()?;
        Crossing::new(
            CrossingId::parse(&dto.id)?,
            HolderDigest::parse_hex(&dto.resident)?,
            dto.at_ms,
            dto.direction,
            goods,
            GateId::parse(&dto.recorded_by)?,
        )
    }
}

impl From<&Crossing> for CrossingDto {
    fn from(c: &Crossing) -> Self {
        CrossingDto {
            id: c.id.to_string(),
            resident: c.resident.to_hex(),
            at_ms: c.at_ms,
            direction: c.direction,
            goods: c
                .goods()
                .iter()
                .map(|g| GoodsLineDto {
                    description: g.description().to_owned(),
                    value_vnd: g.value_vnd(),
                })
                .collect(),
            recorded_by: c.recorded_by.to_string(),
        }
    }
}

/// A resident's application for a resident pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResidentApplicationDto {
    pub name: String,
    pub commune_id: String,
    /// The CCCD, 12 digits: the edge keeps only its digest and last 4 digits.
    pub id_number: String,
    pub border_pass_number: String,
    /// `YYYY-MM-DD`, the paper pass's last valid day.
    pub border_pass_expires: String,
    pub home_gate: String,
}

/// An application, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentApplication {
    pub name: DisplayName,
    pub commune_id: String,
    pub id_number: ResidentIdNumber,
    /// Upper case, 1-20 letters and digits.
    pub border_pass_number: String,
    /// The paper pass's last valid day (local days since 1970-01-01).
    pub border_pass_expires_day: i64,
    pub home_gate: GateId,
}

impl ResidentApplication {
    /// The longest validity of a paper border pass, in days (12 months, a leap year's).
    pub const MAX_PASS_DAYS: i64 = 366;

    /// Checks an application at `now_ms` (the paper pass is valid today or later, and for no
    /// more than 12 months).
    pub fn parse(dto: &ResidentApplicationDto, now_ms: i64) -> Result<Self, Error> {
        let now_ms = crate::time::check_instant_ms(now_ms)?;
        let name = DisplayName::parse(&dto.name)?;
        let commune = BorderCommunes::current().get(&dto.commune_id)?;
        let id_number = ResidentIdNumber::parse(&dto.id_number)?;
        let number = dto.border_pass_number.trim().to_ascii_uppercase();
        let pass_bad = |why: &str| Error::new(ErrorCode::InvalidBorderPass, why);
        if number.is_empty()
            || number.len() > 20
            || !number.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(pass_bad("a border pass number is 1-20 letters and digits"));
        }
        let expires = parse_iso_day(&dto.border_pass_expires)
            .ok_or_else(|| pass_bad("the expiry is a date, YYYY-MM-DD"))?;
        let today = local_day(now_ms);
        if expires < today {
            return Err(pass_bad("the border pass has expired"));
        }
        if expires > today + Self::MAX_PASS_DAYS {
            return Err(pass_bad("a border pass is valid for at most 12 months"));
        }
        Ok(ResidentApplication {
            name,
            commune_id: commune.id.clone(),
            id_number,
            border_pass_number: number,
            border_pass_expires_day: expires,
            home_gate: GateId::parse(dto.home_gate.trim())?,
        })
    }
}

/// A resident's figures at an instant, for the resident's and the officer's screens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentSummaryDto {
    pub at_ms: i64,
    pub allowance_left_today_vnd: i64,
    pub used_today_vnd: i64,
    pub duty_free_days_used_this_month: i64,
    pub duty_free_days_left_this_month: i64,
    pub last_stamp_at_ms: Option<i64>,
    pub next_stamp_due_at_ms: Option<i64>,
    pub stamp_due: bool,
}

impl ResidentSummaryDto {
    pub fn of(ledger: &ResidentLedger<'_>, now_ms: i64) -> Self {
        ResidentSummaryDto {
            at_ms: now_ms,
            allowance_left_today_vnd: ledger.allowance_left_today_vnd(now_ms),
            used_today_vnd: ledger.used_today_vnd(now_ms),
            duty_free_days_used_this_month: ledger.duty_free_days_used_this_month(now_ms),
            duty_free_days_left_this_month: ledger.duty_free_days_left_this_month(now_ms),
            last_stamp_at_ms: ledger.last_stamp_at_ms(),
            next_stamp_due_at_ms: ledger.next_stamp_due_at_ms(now_ms),
            stamp_due: ledger.stamp_due(now_ms),
        }
    }
}

/// `POST /api/residents/{id}/decisions`: an officer of the resident's home gate decides;
/// `reason` is needed to refuse, suspend or revoke (1-200 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResidentDecisionDto {
    pub decision: ResidentDecision,
    #[serde(default)]
    pub reason: Option<String>,
}

impl ResidentDecisionDto {
    /// The decision with its checked reason (`invalid_reason` when one is needed and missing
    /// or malformed; a reason given for approving or reinstating is ignored).
    pub fn checked(&self) -> Result<(ResidentDecision, Option<DecisionReason>), Error> {
        if !self.decision.needs_reason() {
            return Ok((self.decision, None));
        }
        let reason = DecisionReason::parse(self.reason.as_deref().unwrap_or(""))?;
        Ok((self.decision, Some(reason)))
    }
}

/// The part of a resident's history a phone needs to compute the figures itself (offline
/// too): the crossings since the start of the previous local month and the last stamp before
/// them ([`ResidentLedger::resume`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentHistoryDto {
    pub since_ms: i64,
    pub stamp_before_ms: Option<i64>,
    pub crossings: Vec<CrossingDto>,
}

impl ResidentHistoryDto {
    /// The history a phone needs at `now_ms`, from the full ledger.
    pub fn of(ledger: &ResidentLedger<'_>, now_ms: i64) -> Self {
        let since_ms = crate::time::previous_month_start_ms(now_ms);
        let (stamp_before_ms, crossings) = ledger.history_since(since_ms);
        ResidentHistoryDto {
            since_ms,
            stamp_before_ms,
            crossings: crossings.iter().map(CrossingDto::from).collect(),
        }
    }

    /// The crossings, checked (a stored one that no longer parses is left out), with `extra`
    /// (a phone's crossings not yet synced) merged in; the ledger is
    /// `ResidentLedger::resume(self.stamp_before_ms, &crossings, rules)`.
    pub fn crossings_with(&self, extra: &[Crossing]) -> Vec<Crossing> {
        self.crossings
            .iter()
            .filter_map(|c| Crossing::try_from(c.clone()).ok())
            .chain(extra.iter().cloned())
            .collect()
    }
}

/// A resident as the API shows them: to themselves (`GET /api/residents/me`, with the signed
/// pass once approved) and to the officers of their home gate (`GET /api/residents`, without
/// it). Of the ID number only the last 4 digits and the holder digest ever leave the edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentDto {
    pub id: String,
    pub status: ResidentStatus,
    pub name: String,
    pub commune_id: String,
    pub home_gate: String,
    pub id_last4: String,
    /// The pass's holder digest, 16 hex digits: how an officer's phone finds the resident of a
    /// scanned pass.
    pub holder_digest: String,
    pub border_pass_number: String,
    /// `YYYY-MM-DD`.
    pub border_pass_expires: String,
    pub applied_at_ms: i64,
    pub decided_at_ms: Option<i64>,
    /// Why it was refused, suspended or revoked.
    pub reason: Option<String>,
    /// The resident's own signed pass (`BP1:…`) while approved; never in an officer's list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<String>,
    /// Unix seconds: the pass's last valid instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_valid_until: Option<i64>,
    pub summary: ResidentSummaryDto,
    pub history: ResidentHistoryDto,
}

/// `GET /api/residents`: the residents of the officer's gate (`?status=` filters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentsResponse {
    pub residents: Vec<ResidentDto>,
    pub as_of_ms: i64,
}
