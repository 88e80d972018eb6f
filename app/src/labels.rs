//! How domain values read on screen: gate and yard names from the directory, lanes, closure
//! reasons, pass-check reasons, times of day, and the province's steps, forces and verdicts.
//!
//! Each of these is shown by more than one screen, so it lives here rather than in one page
//! that the others would have to import.

use crate::i18n::{text, Key};
use shared::booking::{ClosureCode, ClosureReason, Lane};
use shared::province::timeline::{Force, HoldReason, Step, StepState};
use shared::time::LocalDateTime;
use shared::{Gate, Lang};

/// The gate's name in `lang`, or its id if the directory does not know it (yet).
pub fn gate_name(gates: &[Gate], id: &str, lang: Lang) -> String {
    gates
        .iter()
        .find(|g| g.id.as_str() == id)
        .map_or_else(|| id.to_owned(), |g| g.name.get(lang).to_owned())
}

/// The yard's name in `lang`, or its id if the directory does not know it (yet).
pub fn yard_name(gates: &[Gate], id: &str, lang: Lang) -> String {
    gates
        .iter()
        .flat_map(|g| &g.yards)
        .find(|y| y.id.as_str() == id)
        .map_or_else(|| id.to_owned(), |y| y.name.get(lang).to_owned())
}

/// The translated name of a lane (the operator's day, the queue screens, the board).
pub fn lane_key(lane: Lane) -> Key {
    match lane {
        Lane::General => Key::YardLaneGeneral,
        Lane::Perishable => Key::YardLanePerishable,
    }
}

/// The closure reasons an operator picks from, in the order offered, with their names.
pub const CLOSURE_CODES: [(ClosureCode, Key); 5] = [
    (ClosureCode::Holiday, Key::YardReasonHoliday),
    (ClosureCode::Weather, Key::YardReasonWeather),
    (ClosureCode::Maintenance, Key::YardReasonMaintenance),
    (ClosureCode::Congestion, Key::YardReasonCongestion),
    (ClosureCode::GateClosed, Key::YardReasonGateClosed),
];

/// The translated name of a closure reason code.
pub fn closure_code_key(code: ClosureCode) -> Key {
    CLOSURE_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, k)| *k)
        .unwrap_or(Key::YardReasonHoliday)
}

/// Why a yard is closed, in `lang`: a code's translation, or the operator's own words (shown to
/// operators in the settings and to drivers on the slot grid).
pub fn closure_reason_text(reason: &ClosureReason, lang: Lang) -> String {
    match reason {
        ClosureReason::Code(code) => text(lang, closure_code_key(*code)).to_owned(),
        ClosureReason::Text(words) => words.get(lang).to_owned(),
    }
}

/// The translated verifier reason (`expired`, `revoked`…); also for the edge's `pass_not_valid`,
/// whose message is the same code.
pub fn pass_reason_key(code: &str) -> Key {
    match code {
        "malformed" => Key::VerifyReasonMalformed,
        "bad_signature" => Key::VerifyReasonBadSignature,
        "unknown_key" => Key::VerifyReasonUnknownKey,
        "expired" => Key::VerifyReasonExpired,
        "not_yet_valid" => Key::VerifyReasonNotYetValid,
        "revoked" => Key::VerifyReasonRevoked,
        "wrong_gate" => Key::VerifyReasonWrongGate,
        "too_long" => Key::VerifyReasonTooLong,
        "superseded" => Key::VerifyReasonSuperseded,
        _ => Key::VerifyReasonOther,
    }
}

/// `HH:MM` today, with the date on another day.
pub fn time_of(ms: i64, now_ms: i64) -> String {
    let at = LocalDateTime::from_unix_ms(ms);
    if at.date_string() == LocalDateTime::from_unix_ms(now_ms).date_string() {
        at.time_string()
    } else {
        at.date_time_string()
    }
}

/// A date and time as the language writes it: year first in Chinese (`2025-03-01 10:05`),
/// day first in Vietnamese and English (`01/03/2025 10:05`).
pub fn date_time_in(ms: i64, lang: Lang) -> String {
    let at = LocalDateTime::from_unix_ms(ms);
    match lang {
        Lang::Zh => format!("{} {}", at.iso_date(), at.time_string()),
        Lang::Vi | Lang::En => at.date_time_string(),
    }
}

/// `HH:MM` today, with the date (as the language writes it) on another day.
pub fn time_of_in(ms: i64, now_ms: i64, lang: Lang) -> String {
    let at = LocalDateTime::from_unix_ms(ms);
    if at.date_string() == LocalDateTime::from_unix_ms(now_ms).date_string() {
        at.time_string()
    } else {
        date_time_in(ms, lang)
    }
}

/// A step of the province's platform, by its translated name.
pub fn step_key(step: Step) -> Key {
    match step {
        Step::GateIn => Key::ProvinceStepGateIn,
        Step::YardIn => Key::ProvinceStepYardIn,
        Step::InYard => Key::ProvinceStepInYard,
        Step::Payment => Key::ProvinceStepPayment,
        Step::YardOut => Key::ProvinceStepYardOut,
        Step::GateOut => Key::ProvinceStepGateOut,
    }
}

/// The force that confirms (or holds) a step.
pub fn force_key(force: Force) -> Key {
    match force {
        Force::BorderGuard => Key::ProvinceForceBorderGuard,
        Force::Customs => Key::ProvinceForceCustoms,
        Force::GateAuthority => Key::ProvinceForceGateAuthority,
    }
}

/// Where a step stands.
pub fn step_state_key(state: StepState) -> Key {
    match state {
        StepState::Waiting => Key::ProvinceStateWaiting,
        StepState::Partly => Key::ProvinceStatePartly,
        StepState::Done => Key::ProvinceStateDone,
        StepState::Held => Key::ProvinceStateHeld,
        StepState::Rejected => Key::ProvinceStateRejected,
    }
}

/// A step state as a stable code (for `data-state` and the style sheet).
pub fn step_state_code(state: StepState) -> &'static str {
    match state {
        StepState::Waiting => "waiting",
        StepState::Partly => "partly",
        StepState::Done => "done",
        StepState::Held => "held",
        StepState::Rejected => "rejected",
    }
}

/// A step as a stable code (its wire name).
pub fn step_code(step: Step) -> &'static str {
    match step {
        Step::GateIn => "gate_in",
        Step::YardIn => "yard_in",
        Step::InYard => "in_yard",
        Step::Payment => "payment",
        Step::YardOut => "yard_out",
        Step::GateOut => "gate_out",
    }
}

/// A hold reason as a stable code (its wire name).
pub fn hold_reason_code(reason: HoldReason) -> &'static str {
    match reason {
        HoldReason::Inspection => "inspection",
        HoldReason::Documents => "documents",
        HoldReason::FeesUnpaid => "fees_unpaid",
        HoldReason::Other => "other",
    }
}

/// What the driver should do about a step held or rejected for `reason` by `force`, in `lang`.
pub fn what_to_do(reason: HoldReason, force: Force, lang: Lang) -> String {
    match reason {
        HoldReason::Inspection => text(lang, Key::ProvinceDoInspection).to_owned(),
        HoldReason::Documents => text(lang, Key::ProvinceDoDocuments).to_owned(),
        HoldReason::FeesUnpaid => text(lang, Key::ProvinceDoFeesUnpaid).to_owned(),
        HoldReason::Other => crate::i18n::fill(
            text(lang, Key::ProvinceDoOther),
            &[("force", text(lang, force_key(force)))],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_code_has_its_own_message() {
        let codes = [
            "malformed",
            "bad_signature",
            "unknown_key",
            "expired",
            "not_yet_valid",
            "revoked",
            "wrong_gate",
            "too_long",
            "superseded",
        ];
        let keys: std::collections::HashSet<Key> =
            codes.iter().map(|c| pass_reason_key(c)).collect();
        assert_eq!(keys.len(), codes.len());
        assert!(!keys.contains(&Key::VerifyReasonOther));
        assert_eq!(pass_reason_key("from_a_newer_edge"), Key::VerifyReasonOther);
    }

    #[test]
    fn times_show_the_date_only_on_another_day() {
        // 2025-03-01 10:05 in Vietnam is 03:05 UTC.
        let at = 1_740_798_300_000;
        assert_eq!(time_of(at, at + 60_000), "10:05");
        assert_eq!(time_of(at, at + 86_400_000), "01/03/2025 10:05");
    }

    #[test]
    fn chinese_dates_are_year_first() {
        let at = 1_740_798_300_000;
        assert_eq!(date_time_in(at, Lang::Zh), "2025-03-01 10:05");
        assert_eq!(date_time_in(at, Lang::Vi), "01/03/2025 10:05");
        assert_eq!(time_of_in(at, at + 60_000, Lang::Zh), "10:05");
        assert_eq!(
            time_of_in(at, at + 86_400_000, Lang::Zh),
            "2025-03-01 10:05"
        );
    }

    #[test]
    fn each_hold_reason_says_something_different_to_do() {
        let reasons = [
            HoldReason::Inspection,
            HoldReason::Documents,
            HoldReason::FeesUnpaid,
            HoldReason::Other,
        ];
        for lang in Lang::ALL {
            let said: std::collections::HashSet<String> = reasons
                .iter()
                .map(|r| what_to_do(*r, Force::Customs, lang))
                .collect();
            assert_eq!(said.len(), reasons.len(), "{lang:?}");
            assert!(said.iter().all(|s| !s.contains('{')), "{lang:?}");
        }
        assert_eq!(
            what_to_do(HoldReason::Other, Force::BorderGuard, Lang::Vi),
            "Đến văn phòng Biên phòng tại cửa khẩu."
        );
        assert_eq!(
            what_to_do(HoldReason::Inspection, Force::Customs, Lang::En),
            "Drive to the inspection area."
        );
    }

    #[test]
    fn codes_are_the_wire_names() {
        for step in Step::ALL {
            assert_eq!(
                serde_json::to_value(step).unwrap(),
                serde_json::json!(step_code(step))
            );
        }
        for reason in [
            HoldReason::Inspection,
            HoldReason::Documents,
            HoldReason::FeesUnpaid,
            HoldReason::Other,
        ] {
            assert_eq!(
                serde_json::to_value(reason).unwrap(),
                serde_json::json!(hold_reason_code(reason))
            );
        }
    }

    #[test]
    fn chinese_says_yard_one_way() {
        for key in [
            Key::ProvinceStepYardIn,
            Key::ProvinceStepInYard,
            Key::ProvinceStepYardOut,
        ] {
            let zh = text(Lang::Zh, key);
            assert!(zh.contains("堆场") && !zh.contains("停车场"), "{zh}");
        }
    }
}
