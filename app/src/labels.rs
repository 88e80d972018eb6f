//! How domain values read on screen: gate and yard names from the directory, lanes, closure
//! reasons, pass-check reasons and times of day.
//!
//! Each of these is shown by more than one screen, so it lives here rather than in one page
//! that the others would have to import.

use crate::i18n::{text, Key};
use shared::booking::{ClosureCode, ClosureReason, Lane};
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
}
