//! Vietnamese mobile numbers: the identity of drivers, traders and residents.

use crate::{Error, ErrorCode};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A Vietnamese mobile number, stored in E.164 form (`+84912345678`). `0912 345 678`,
/// `+84 912 345 678`, `84912345678` and `(+84) 912.345.678` are the same person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, Error> {
        let invalid = || {
            Error::new(
                ErrorCode::InvalidPhone,
                "not a Vietnamese mobile number (like 0912 345 678)",
            )
        };
        if input.chars().count() > 32 {
            return Err(invalid());
        }
        let mut digits = String::new();
        let mut seen_plus = false;
        for c in input.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if digits.is_empty() && !seen_plus => seen_plus = true,
                ' ' | '.' | '-' | '(' | ')' => {}
                _ => return Err(invalid()),
            }
        }
        // The nine digits after the leading 0 (national) or 84 (international).
        let subscriber = if let Some(rest) = digits.strip_prefix("84").filter(|r| r.len() == 9) {
            rest
        } else if let Some(rest) = digits.strip_prefix('0').filter(|r| r.len() == 9) {
            rest
        } else {
            return Err(invalid());
        };
        // Mobile ranges since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
        if !matches!(subscriber.as_bytes()[0], b'3' | b'5' | b'7' | b'8' | b'9') {
            return Err(invalid());
        }
        Ok(PhoneNumber(format!("+84{subscriber}")))
    }

    /// `+84912345678`: store and match on this.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// `0912345678`, as people write it in Vietnam.
    pub fn national(&self) -> String {
        format!("0{}", &self.0[3..])
    }

    /// `0912 345 678`, for display.
    pub fn display(&self) -> String {
        let n = self.national();
        format!("{} {} {}", &n[..4], &n[4..7], &n[7..])
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PhoneNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spellings_of_one_number_are_one_person() {
        for s in [
            "0912 345 678",
            "+84 912 345 678",
            "84912345678",
            "0912345678",
            "(+84) 912.345.678",
            "+84-912-345-678",
        ] {
            assert_eq!(PhoneNumber::parse(s).unwrap().e164(), "+84912345678", "{s}");
        }
    }

    #[test]
    fn national_and_display_forms() {
        let p = PhoneNumber::parse("+84 387 654 321").unwrap();
        assert_eq!(p.national(), "0387654321");
        assert_eq!(p.display(), "0387 654 321");
    }

    #[test]
    fn non_mobile_and_malformed_numbers_are_refused() {
        for bad in [
            "",
            "091234567",
            "09123456789",
            "0212345678",
            "0412345678",
            "+86 138 0013 8000",
            "09l2345678",
            "0912+345678",
            "phone",
            "0912 345 678 ext 2",
        ] {
            assert_eq!(
                PhoneNumber::parse(bad).unwrap_err().code(),
                ErrorCode::InvalidPhone,
                "{bad:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn national_and_international_forms_agree(prefix in "[35789]", rest in "[0-9]{8}") {
            let national = PhoneNumber::parse(&format!("0{prefix}{rest}")).unwrap();
            let international = PhoneNumber::parse(&format!("+84 {prefix}{rest}")).unwrap();
            prop_assert_eq!(&national, &international);
            prop_assert_eq!(PhoneNumber::parse(&national.display()).unwrap(), national);
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,40}") {
            let _ = PhoneNumber::parse(&s);
        }
    }
}
