//! The officer's roster of the gate's border residents, kept on the phone so a scanned
//! resident pass can be matched with no network: `GET /api/residents` as last received
//! (holder digest → name, last 4 ID digits, status, history), under `roster/<account>` in the
//! `snapshots` store (a new key: no database upgrade).
//!
//! Refreshed whenever the officer is online on the verify or residents screen, and after each
//! sync of the outbox ([`crate::sync::refresh_roster`]). The figures shown for a resident
//! (stamp, allowance, duty-free days) are computed here from the saved history plus the
//! officer's crossings still waiting in the outbox ([`figures`]).

use super::db;
use super::outbox::Contents;
use serde::{Deserialize, Serialize};
use shared::resident::{Crossing, HolderDigest, ResidentLedger, ResidentRules};
use shared::wire::v1::{CrossingDto, OpKind, ResidentDto, ResidentsResponse};

/// The gate's residents as last received, with when this phone received them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterSnapshot {
    /// When this phone received the answer (its own clock).
    pub fetched_at_ms: i64,
    /// When the edge produced it.
    pub as_of_ms: i64,
    pub residents: Vec<ResidentDto>,
}

impl RosterSnapshot {
    pub fn from_response(response: ResidentsResponse, fetched_at_ms: i64) -> Self {
        RosterSnapshot {
            fetched_at_ms,
            as_of_ms: response.as_of_ms,
            residents: response.residents,
        }
    }

    /// The resident whose pass carries `holder_digest` (16 hex digits, either case).
    pub fn by_digest(&self, holder_digest: &str) -> Option<&ResidentDto> {
        let wanted = HolderDigest::parse_hex(holder_digest).ok()?;
        self.residents
            .iter()
            .filter(|r| HolderDigest::parse_hex(&r.holder_digest).ok() == Some(wanted))
            // A resident refused then applying again has two rows: the newest one counts.
            .max_by_key(|r| r.applied_at_ms)
    }
}

fn key(account_id: &str) -> String {
    format!("roster/{account_id}")
}

pub async fn save(account_id: &str, snapshot: &RosterSnapshot) {
    if let Err(e) = db::put(db::SNAPSHOTS, &key(account_id), snapshot).await {
        leptos::logging::warn!("could not save the residents roster for offline use: {e}");
    }
}

pub async fn load(account_id: &str) -> Option<RosterSnapshot> {
    match db::get(db::SNAPSHOTS, &key(account_id)).await {
        Ok(snapshot) => snapshot,
        Err(e) => {
            leptos::logging::warn!("could not read the saved residents roster: {e}");
            None
        }
    }
}

/// Forgets the account's roster (signing out of this phone).
pub async fn clear_account(account_id: &str) -> db::DbResult<()> {
    db::delete(db::SNAPSHOTS, &key(account_id)).await
}

/// The crossings of the resident `holder_digest` still waiting in the outbox (recorded on
/// this phone, not yet accepted by the edge).
pub fn unsynced_crossings(outbox: &Contents, holder_digest: &str) -> Vec<Crossing> {
    let Ok(wanted) = HolderDigest::parse_hex(holder_digest) else {
        return Vec::new();
    };
    outbox
        .pending
        .iter()
        .filter(|w| w.kind == OpKind::RecordCrossing)
        .filter_map(|w| serde_json::from_value::<CrossingDto>(w.payload.clone()).ok())
        .filter_map(|dto| Crossing::try_from(dto).ok())
        .filter(|c| c.resident == wanted)
        .collect()
}

/// The resident's ledger from what the phone knows: the saved history and the crossings not
/// yet synced (a crossing in both is counted once).
pub fn ledger(resident: &ResidentDto, unsynced: &[Crossing]) -> ResidentLedger<'static> {
    ResidentLedger::resume(
        resident.history.stamp_before_ms,
        &resident.history.crossings_with(unsynced),
        ResidentRules::current(),
    )
}

/// The figures for a crossing at `at_ms` (the scan time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    pub stamp_due: bool,
    pub next_stamp_due_at_ms: Option<i64>,
    pub allowance_left_today_vnd: i64,
    pub duty_free_days_left_this_month: i64,
}

pub fn figures(ledger: &ResidentLedger<'_>, at_ms: i64) -> Figures {
    Figures {
        stamp_due: ledger.stamp_due(at_ms),
        next_stamp_due_at_ms: ledger.next_stamp_due_at_ms(at_ms),
        allowance_left_today_vnd: ledger.allowance_left_today_vnd(at_ms),
        duty_free_days_left_this_month: ledger.duty_free_days_left_this_month(at_ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offline::outbox::PendingWrite;
    use shared::resident::{CrossingDirection, ResidentStatus};
    use shared::wire::v1::{GoodsLineDto, OutboxWrite, ResidentHistoryDto, ResidentSummaryDto};

    /// 2026-12-02 10:00 in Hanoi.
    const NOW: i64 = 1_796_180_400_000;
    const DAY: i64 = 86_400_000;
    const DIGEST: &str = "abababababababab";

    fn crossing(id: &str, at_ms: i64, value: i64) -> CrossingDto {
        CrossingDto {
            id: id.into(),
            resident: DIGEST.into(),
            at_ms,
            direction: CrossingDirection::In,
            goods: vec![GoodsLineDto {
                description: "Hạt dẻ".into(),
                value_vnd: value,
            }],
            recorded_by: "huu-nghi".into(),
        }
    }

    fn resident(history: Vec<CrossingDto>, stamp_before_ms: Option<i64>) -> ResidentDto {
        let ledger = ResidentLedger::from_crossings(&[], ResidentRules::current());
        ResidentDto {
            id: "r-0011223344556677".into(),
            status: ResidentStatus::Approved,
            name: "Hoàng Văn Páo".into(),
            commune_id: "x".into(),
            home_gate: "huu-nghi".into(),
            id_last4: "4567".into(),
            holder_digest: DIGEST.to_uppercase(),
            border_pass_number: "LS123".into(),
            border_pass_expires: "2027-06-30".into(),
            applied_at_ms: NOW - 30 * DAY,
            decided_at_ms: Some(NOW - 29 * DAY),
            reason: None,
            pass: None,
            pass_valid_until: None,
            summary: ResidentSummaryDto::of(&ledger, NOW),
            history: ResidentHistoryDto {
                since_ms: NOW - 40 * DAY,
                stamp_before_ms,
                crossings: history,
            },
        }
    }

    fn outbox_with(writes: Vec<OutboxWrite>) -> Contents {
        Contents {
            meta: None,
            pending: writes
                .into_iter()
                .enumerate()
                .map(|(i, w)| PendingWrite {
                    account_id: "d000000000000002".into(),
                    seq: i as u64 + 1,
                    kind: w.kind(),
                    payload: w.payload(),
                    queued_at_ms: NOW,
                })
                .collect(),
            rejected: vec![],
        }
    }

    #[test]
    fn a_pass_finds_its_resident_by_digest_in_either_case() {
        let roster = RosterSnapshot {
            fetched_at_ms: NOW,
            as_of_ms: NOW,
            residents: vec![resident(vec![], None)],
        };
        assert_eq!(roster.by_digest(DIGEST).unwrap().id_last4, "4567");
        assert!(roster.by_digest("0000000000000000").is_none());
        assert!(roster.by_digest("not hex").is_none());
    }

    #[test]
    fn the_figures_count_the_saved_history_and_the_unsynced_crossings_once_each() {
        let earlier = crossing("x-earlier", NOW - 3 * DAY, 500_000);
        let r = resident(vec![earlier.clone()], None);
        // Stamped three days ago: not due, due again in seven days.
        let before = figures(&ledger(&r, &[]), NOW);
        assert!(!before.stamp_due);
        assert_eq!(before.next_stamp_due_at_ms, Some(NOW + 7 * DAY));
        assert_eq!(before.allowance_left_today_vnd, 2_000_000);
        let left = before.duty_free_days_left_this_month;

        // This morning's crossing, still in the outbox (and the history's one sent again).
        let outbox = outbox_with(vec![
            OutboxWrite::RecordCrossing(crossing("x-today", NOW - 3_600_000, 1_500_000)),
            OutboxWrite::RecordCrossing(earlier),
            OutboxWrite::RecordCrossing(CrossingDto {
                resident: "0000000000000000".into(),
                ..crossing("x-someone-else", NOW - 60_000, 1_000_000)
            }),
        ]);
        let unsynced = unsynced_crossings(&outbox, DIGEST);
        assert_eq!(
            unsynced.len(),
            2,
            "another resident's crossing is not theirs"
        );
        let after = figures(&ledger(&r, &unsynced), NOW);
        assert_eq!(after.allowance_left_today_vnd, 500_000);
        assert_eq!(after.duty_free_days_left_this_month, left - 1);
        // What a new crossing of 1,000,000 would get: 500,000 free, 500,000 taxable.
        let a = ledger(&r, &unsynced).assess(1_000_000, NOW);
        assert_eq!((a.duty_free_vnd, a.taxable_excess_vnd), (500_000, 500_000));
    }

    #[test]
    fn with_no_stamp_yet_a_stamp_is_due() {
        let r = resident(vec![], None);
        let f = figures(&ledger(&r, &[]), NOW);
        assert!(f.stamp_due);
        assert_eq!(f.next_stamp_due_at_ms, None);
    }
}
