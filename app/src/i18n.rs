//! Translations, checked at compile time.
//!
//! `build.rs` turns `locales/<lang>/<namespace>.json` into the [`Key`] enum and one table per
//! language; a key missing in any language fails the build. [`I18n`] is the context value
//! holding the current language, remembered across visits.

use crate::offline::prefs;
use leptos::prelude::*;
use shared::{AuditEvent, ErrorCode, GateKind, Lang, Role};

include!(concat!(env!("OUT_DIR"), "/i18n_table.rs"));

/// The text of `key` in `lang`.
pub fn text(lang: Lang, key: Key) -> &'static str {
    let table = match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
        Lang::Zh => &ZH,
    };
    table[key as usize]
}

/// Replaces `{name}` placeholders. Values are inserted as text (Leptos escapes on render).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    args.iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// The translated message for an error code: every code has one (the match is exhaustive).
pub fn error_key(code: ErrorCode) -> Key {
    match code {
        ErrorCode::InvalidPlate => Key::ErrorsInvalidPlate,
        ErrorCode::InvalidDeclarationNumber => Key::ErrorsInvalidDeclarationNumber,
        ErrorCode::InvalidCargo => Key::ErrorsInvalidCargo,
        ErrorCode::InvalidDirection => Key::ErrorsInvalidDirection,
        ErrorCode::InvalidId => Key::ErrorsInvalidId,
        ErrorCode::InvalidLang => Key::ErrorsInvalidLang,
        ErrorCode::InvalidPhone => Key::ErrorsInvalidPhone,
        ErrorCode::WeakPassword => Key::ErrorsWeakPassword,
        ErrorCode::InvalidRole => Key::ErrorsInvalidRole,
        ErrorCode::InvalidBinding => Key::ErrorsInvalidBinding,
        ErrorCode::InvalidName => Key::ErrorsInvalidName,
        ErrorCode::InvalidVehicle => Key::ErrorsInvalidVehicle,
        ErrorCode::InvalidHsCode => Key::ErrorsInvalidHsCode,
        ErrorCode::InvalidWeight => Key::ErrorsInvalidWeight,
        ErrorCode::InvalidWindow => Key::ErrorsInvalidWindow,
        ErrorCode::TimeOutOfRange => Key::ErrorsTimeOutOfRange,
        ErrorCode::InvalidTripState => Key::ErrorsInvalidTripState,
        ErrorCode::VehicleExists => Key::ErrorsVehicleExists,
        ErrorCode::DeclarationMissing => Key::ErrorsDeclarationMissing,
        ErrorCode::TripWrongGate => Key::ErrorsTripWrongGate,
        ErrorCode::VehicleAlreadyBooked => Key::ErrorsVehicleAlreadyBooked,
        ErrorCode::PerishableOnly => Key::ErrorsPerishableOnly,
        ErrorCode::BookingCapReached => Key::ErrorsBookingCapReached,
        ErrorCode::BookingPaused => Key::ErrorsBookingPaused,
        ErrorCode::PlateMismatch => Key::ErrorsPlateMismatch,
        ErrorCode::SlotInPast => Key::ErrorsSlotInPast,
        ErrorCode::SlotOutsideHours => Key::ErrorsSlotOutsideHours,
        ErrorCode::SlotTooFarAhead => Key::ErrorsSlotTooFarAhead,
        ErrorCode::YardClosed => Key::ErrorsYardClosed,
        ErrorCode::SlotFull => Key::ErrorsSlotFull,
        ErrorCode::CapacityBelowBooked => Key::ErrorsCapacityBelowBooked,
        ErrorCode::BookingNotActive => Key::ErrorsBookingNotActive,
        ErrorCode::IdempotencyKeyReused => Key::ErrorsIdempotencyKeyReused,
        ErrorCode::InvalidBookingConfig => Key::ErrorsInvalidBookingConfig,
        ErrorCode::PlateVerifiedElsewhere => Key::ErrorsPlateVerifiedElsewhere,
        ErrorCode::InvalidRegistrationNumber => Key::ErrorsInvalidRegistrationNumber,
        ErrorCode::PassNotValid => Key::ErrorsPassNotValid,
        ErrorCode::QueueWrongYard => Key::ErrorsQueueWrongYard,
        ErrorCode::AlreadyCheckedIn => Key::ErrorsAlreadyCheckedIn,
        ErrorCode::PassSuperseded => Key::ErrorsPassSuperseded,
        ErrorCode::TripQueuedElsewhere => Key::ErrorsTripQueuedElsewhere,
        ErrorCode::TripAlreadyBooked => Key::ErrorsTripAlreadyBooked,
        ErrorCode::QueueEmpty => Key::ErrorsQueueEmpty,
        ErrorCode::QueueEntryNotCalled => Key::ErrorsQueueEntryNotCalled,
        ErrorCode::QueueCallTooRecent => Key::ErrorsQueueCallTooRecent,
        ErrorCode::InvalidQueueRequest => Key::ErrorsInvalidQueueRequest,
        ErrorCode::ReplayMismatch => Key::ErrorsReplayMismatch,
        ErrorCode::InvalidSignature => Key::ErrorsInvalidSignature,
        ErrorCode::SignatureExpired => Key::ErrorsSignatureExpired,
        ErrorCode::ResidentIdMalformed => Key::ErrorsResidentIdMalformed,
        ErrorCode::NotBorderCommune => Key::ErrorsNotBorderCommune,
        ErrorCode::InvalidGoods => Key::ErrorsInvalidGoods,
        ErrorCode::InvalidBorderPass => Key::ErrorsInvalidBorderPass,
        ErrorCode::ResidentApplicationExists => Key::ErrorsResidentApplicationExists,
        ErrorCode::InvalidResidentState => Key::ErrorsInvalidResidentState,
        ErrorCode::InvalidReason => Key::ErrorsInvalidReason,
        ErrorCode::PhoneTaken => Key::ErrorsPhoneTaken,
        ErrorCode::InvalidCredentials => Key::ErrorsInvalidCredentials,
        ErrorCode::Unauthenticated => Key::ErrorsUnauthenticated,
        ErrorCode::SessionExpired => Key::ErrorsSessionExpired,
        ErrorCode::Forbidden => Key::ErrorsForbidden,
        ErrorCode::AccountDisabled => Key::ErrorsAccountDisabled,
        ErrorCode::RateLimited => Key::ErrorsRateLimited,
        ErrorCode::InvalidCode => Key::ErrorsInvalidCode,
        ErrorCode::CodeRequired => Key::ErrorsCodeRequired,
        ErrorCode::SmsUnavailable => Key::ErrorsSmsUnavailable,
        ErrorCode::NotFound => Key::ErrorsNotFound,
        ErrorCode::MethodNotAllowed => Key::ErrorsMethodNotAllowed,
        ErrorCode::PayloadTooLarge => Key::ErrorsPayloadTooLarge,
        ErrorCode::MalformedBody => Key::ErrorsMalformedBody,
        ErrorCode::UnsupportedMediaType => Key::ErrorsUnsupportedMediaType,
        ErrorCode::Internal => Key::ErrorsInternal,
        ErrorCode::Network => Key::ErrorsNetwork,
        ErrorCode::Unknown => Key::ErrorsUnknown,
    }
}

pub fn role_key(role: Role) -> Key {
    match role {
        Role::Driver => Key::RolesDriver,
        Role::Trader => Key::RolesTrader,
        Role::Resident => Key::RolesResident,
        Role::YardOperator => Key::RolesYardOperator,
        Role::Officer => Key::RolesOfficer,
        Role::Admin => Key::RolesAdmin,
    }
}

/// Audit events arrive as their wire names; one this build does not know is "other event".
pub fn audit_event_key(event: &str) -> Key {
    let known = [
        (AuditEvent::SignedUp, Key::AuditSignedUp),
        (AuditEvent::SignInSucceeded, Key::AuditSignInSucceeded),
        (AuditEvent::SignInFailed, Key::AuditSignInFailed),
        (AuditEvent::SignInRateLimited, Key::AuditSignInRateLimited),
        (
            AuditEvent::SignedOutEverywhere,
            Key::AuditSignedOutEverywhere,
        ),
        (AuditEvent::PasswordChanged, Key::AuditPasswordChanged),
        (AuditEvent::PasswordReset, Key::AuditPasswordReset),
        (AuditEvent::AccountCreated, Key::AuditAccountCreated),
        (AuditEvent::AccountDisabled, Key::AuditAccountDisabled),
        (AuditEvent::AccountEnabled, Key::AuditAccountEnabled),
        (AuditEvent::YardConfigChanged, Key::AuditYardConfigChanged),
        (AuditEvent::QueueReordered, Key::AuditQueueReordered),
        (AuditEvent::SyncReplayMismatch, Key::AuditSyncReplayMismatch),
        (
            AuditEvent::BookingReleasedTripCancelled,
            Key::AuditBookingReleasedTripCancelled,
        ),
        (AuditEvent::VehicleVerified, Key::AuditVehicleVerified),
        (
            AuditEvent::PlateBookingReleased,
            Key::AuditPlateBookingReleased,
        ),
        (AuditEvent::BookingReleased, Key::AuditBookingReleased),
        (
            AuditEvent::ProvinceRecordRetried,
            Key::AuditProvinceRecordRetried,
        ),
    ];
    known
        .into_iter()
        .find(|(e, _)| e.as_str() == event)
        .map_or(Key::AuditOther, |(_, key)| key)
}

pub fn gate_kind_key(kind: GateKind) -> Key {
    match kind {
        GateKind::InternationalRoad => Key::GateKindInternationalRoad,
        GateKind::InternationalRail => Key::GateKindInternationalRail,
        GateKind::Main => Key::GateKindMain,
        GateKind::Auxiliary => Key::GateKindAuxiliary,
        GateKind::ClearancePoint => Key::GateKindClearancePoint,
    }
}

/// The current language, as a context value. Reading it inside a view makes the view follow
/// language changes.
#[derive(Debug, Clone, Copy)]
pub struct I18n(RwSignal<Lang>);

impl I18n {
    /// Starts with the language the user chose last time (Vietnamese the first time).
    pub fn provide() -> Self {
        let lang = prefs::saved_lang().unwrap_or_default();
        prefs::show_lang_on_page(lang);
        let i18n = I18n(RwSignal::new(lang));
        provide_context(i18n);
        i18n
    }

    pub fn lang(&self) -> Lang {
        self.0.get()
    }

    /// The language, read outside any reactive scope (no tracking): for alerts and other text
    /// made in callbacks.
    pub fn lang_untracked(&self) -> Lang {
        self.0.get_untracked()
    }

    pub fn set_lang(&self, lang: Lang) {
        self.0.set(lang);
        prefs::save_lang(lang);
        prefs::show_lang_on_page(lang);
    }

    pub fn t(&self, key: Key) -> &'static str {
        text(self.lang(), key)
    }

    pub fn t_with(&self, key: Key, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    pub fn error_message(&self, code: ErrorCode) -> &'static str {
        self.t(error_key(code))
    }

    /// The message for an error as the user reads it: a rate limit says how many minutes to
    /// wait when the edge said (`Retry-After`), rounded up.
    pub fn error_text(&self, error: &shared::Error) -> String {
        match (error.code(), error.retry_after_secs()) {
            (ErrorCode::RateLimited, Some(secs)) => {
                let minutes = secs.div_ceil(60).max(1).to_string();
                self.t_with(Key::ErrorsRateLimitedWait, &[("minutes", &minutes)])
            }
            (code, _) => self.error_message(code).to_owned(),
        }
    }

    /// A count with the language's thousands separator (`1.000` in Vietnamese).
    pub fn count(&self, n: u64) -> String {
        shared::format::group_thousands(n, self.lang().thousands_separator())
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_reads_well_in_every_language() {
        for lang in Lang::ALL {
            for code in ErrorCode::ALL {
                let message = text(lang, error_key(code));
                assert!(message.trim().len() > 3, "{lang:?} {code}");
                assert!(
                    !message.contains('{'),
                    "{lang:?} {code}: a placeholder left in"
                );
            }
        }
    }

    #[test]
    fn every_role_and_gate_kind_has_a_name() {
        for lang in Lang::ALL {
            for role in Role::ALL {
                assert!(!text(lang, role_key(role)).is_empty());
            }
        }
        assert_eq!(
            text(Lang::Vi, gate_kind_key(GateKind::Main)),
            "Cửa khẩu chính (song phương)"
        );
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill(
                text(Lang::En, Key::HomeHours),
                &[("opens", "06:00"), ("closes", "22:00")]
            ),
            "Open 06:00–22:00"
        );
        assert_eq!(
            fill(text(Lang::Zh, Key::HomePerDay), &[("count", "1,200")]),
            "每天 1,200 辆"
        );
    }

    #[test]
    fn audit_events_map_to_their_names_and_unknown_ones_to_other() {
        assert_eq!(
            audit_event_key("account_disabled"),
            Key::AuditAccountDisabled
        );
        assert_eq!(audit_event_key("something_new"), Key::AuditOther);
    }
}
