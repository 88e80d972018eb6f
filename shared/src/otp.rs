//! One-time codes sent by SMS: they prove that whoever signs up, resets a password or signs in
//! on a new device holds the phone. The edge draws the randomness, keeps only a SHA-256 of
//! [`digest_input`] and counts attempts; the rules and the texts are here.

use crate::{Error, ErrorCode, PhoneNumber};
use serde::{Deserialize, Serialize};

/// Digits in a code.
pub const CODE_DIGITS: usize = 6;
/// How long a code is valid.
pub const CODE_TTL_MS: i64 = 10 * 60_000;
/// Tries per code; after the last wrong one the code is locked until it expires.
pub const ATTEMPTS_PER_CODE: u32 = 5;

/// What a code is for: a code for one purpose never works for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodePurpose {
    SignUp,
    ResetPassword,
    NewDevice,
}

impl CodePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::SignUp => "sign_up",
            CodePurpose::ResetPassword => "reset_password",
            CodePurpose::NewDevice => "new_device",
        }
    }

    /// The purposes a caller may ask a code for by phone number alone (a new device's code
    /// is sent by a sign-in with the right password).
    pub fn parse_requestable(s: &str) -> Result<CodePurpose, Error> {
        match s {
            "sign_up" => Ok(CodePurpose::SignUp),
            "reset_password" => Ok(CodePurpose::ResetPassword),
            _ => Err(Error::new(
                ErrorCode::MalformedBody,
                "purpose is sign_up or reset_password",
            )),
        }
    }
}

/// A code as typed: exactly six digits (spaces are ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

impl OneTimeCode {
    pub fn parse(s: &str) -> Result<OneTimeCode, Error> {
        let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(OneTimeCode(digits))
        } else {
            Err(wrong_code())
        }
    }

    /// A uniformly drawn code from random 32-bit words: a word is used only below the largest
    /// multiple of 10^6 (rejection sampling, so no code is likelier than another). `None` if
    /// every word was rejected (a chance of about 2·10^-4 per word).
    pub fn from_random(words: impl IntoIterator<Item = u32>) -> Option<OneTimeCode> {
        const RANGE: u32 = 1_000_000;
        const LIMIT: u32 = u32::MAX - (u32::MAX % RANGE) - 1;
        words
            .into_iter()
            .find(|w| *w <= LIMIT)
            .map(|w| OneTimeCode(format!("{:06}", w % RANGE)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The refusal for a wrong, used or expired code (one answer for all three, so that a code
/// never tells whether a phone has an account).
pub fn wrong_code() -> Error {
    Error::new(
        ErrorCode::InvalidCode,
        "the code is wrong or no longer valid; ask for a new one",
    )
}

/// What is hashed and stored: the code bound to its phone and purpose.
pub fn digest_input(purpose: CodePurpose, phone: &PhoneNumber, code: &OneTimeCode) -> String {
    format!(
        "borderpass-otp-v1:{}:{}:{}",
        purpose.as_str(),
        phone.e164(),
        code.as_str()
    )
}

/// A phone's device, as the app keeps it: 16 to 64 letters, digits, `-` or `_`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId(String);

impl DeviceId {
    pub fn parse(s: &str) -> Result<DeviceId, Error> {
        let ok = (16..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(DeviceId(s.to_owned()))
        } else {
            Err(Error::new(ErrorCode::InvalidId, "not a device id"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The SMS texts, Vietnamese first, then English (plain ASCII, one message each).
pub enum SmsText<'a> {
    Code {
        purpose: CodePurpose,
        code: &'a OneTimeCode,
        minutes: i64,
    },
    /// Sent instead of a sign-up code when the number already has an account.
    AlreadyHasAccount,
}

impl SmsText<'_> {
    pub fn render(&self) -> String {
        match self {
            SmsText::Code {
                purpose,
                code,
                minutes,
            } => {
                let (vi, en) = match purpose {
                    CodePurpose::SignUp => ("dang ky", "sign-up"),
                    CodePurpose::ResetPassword => ("dat lai mat khau", "password reset"),
                    CodePurpose::NewDevice => ("dang nhap tren thiet bi moi", "new device sign-in"),
                };
                let code = code.as_str();
                format!(
                    "BorderPass: ma {vi} cua ban la {code}, hieu luc {minutes} phut. Khong dua ma nay cho ai. \
                     / Your {en} code is {code}, valid {minutes} min. Do not share it."
                )
            }
            SmsText::AlreadyHasAccount => {
                "BorderPass: so nay da co tai khoan. Hay dang nhap, hoac chon \"Quen mat khau\". \
                 / This number already has an account: sign in, or choose \"Forgot password\"."
                    .to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_typed_with_or_without_spaces() {
        assert_eq!(OneTimeCode::parse("012345").unwrap().as_str(), "012345");
        assert_eq!(OneTimeCode::parse(" 012 345 ").unwrap().as_str(), "012345");
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６", "12-456"] {
            assert_eq!(
                OneTimeCode::parse(bad).unwrap_err().code(),
                ErrorCode::InvalidCode,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn random_words_give_uniform_codes_with_leading_zeros() {
        assert_eq!(OneTimeCode::from_random([7]).unwrap().as_str(), "000007");
        assert_eq!(
            OneTimeCode::from_random([1_234_567]).unwrap().as_str(),
            "234567"
        );
        // The top of the u32 range would favour low codes: it is skipped.
        assert_eq!(OneTimeCode::from_random([u32::MAX]), None);
        assert_eq!(
            OneTimeCode::from_random([u32::MAX, 4_294_000_000 - 1])
                .unwrap()
                .as_str(),
            "999999"
        );
        assert_eq!(OneTimeCode::from_random([4_294_000_000]), None);
    }

    #[test]
    fn a_digest_binds_the_code_to_its_phone_and_purpose() {
        let phone = PhoneNumber::parse("0912345678").unwrap();
        let other = PhoneNumber::parse("0912345679").unwrap();
        let code = OneTimeCode::parse("123456").unwrap();
        let a = digest_input(CodePurpose::SignUp, &phone, &code);
        assert_ne!(a, digest_input(CodePurpose::ResetPassword, &phone, &code));
        assert_ne!(a, digest_input(CodePurpose::SignUp, &other, &code));
        assert!(a.ends_with(":+84912345678:123456"));
    }

    #[test]
    fn only_sign_up_and_reset_codes_are_requested_by_phone_alone() {
        assert_eq!(
            CodePurpose::parse_requestable("sign_up").unwrap(),
            CodePurpose::SignUp
        );
        assert!(CodePurpose::parse_requestable("new_device").is_err());
        assert!(CodePurpose::parse_requestable("").is_err());
    }

    #[test]
    fn device_ids_are_bounded_tokens() {
        assert!(DeviceId::parse("0123456789abcdef").is_ok());
        assert!(DeviceId::parse("short").is_err());
        assert!(DeviceId::parse(&"a".repeat(65)).is_err());
        assert!(DeviceId::parse("0123456789abcde f").is_err());
    }

    #[test]
    fn sms_texts_carry_the_code_and_its_lifetime() {
        let code = OneTimeCode::parse("042042").unwrap();
        let text = SmsText::Code {
            purpose: CodePurpose::SignUp,
            code: &code,
            minutes: 10,
        }
        .render();
        assert!(text.contains("042042") && text.contains("10 phut"));
        assert!(!SmsText::AlreadyHasAccount
            .render()
            .chars()
            .any(|c| c.is_ascii_digit()));
    }
}
