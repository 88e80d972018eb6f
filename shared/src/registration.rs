//! Vehicle registration certificate numbers (giấy chứng nhận đăng ký xe, 机动车登记证书).
//!
//! A yard operator or officer types the number from the papers when marking a vehicle
//! verified. The edge keeps only a salted digest of the normalised number, so the number is
//! parsed here and never shown back: `Debug` hides it and there is no `Display`.

use crate::{Error, ErrorCode};
use std::fmt;

/// A validated certificate number: 4 to 20 letters and digits (at least one digit) once
/// spaces, dashes, dots and slashes are taken out; full-width characters folded, upper case.
#[derive(Clone, PartialEq, Eq)]
pub struct RegistrationNumber(String);

impl RegistrationNumber {
    /// Longest input accepted, in characters (separators included).
    pub const MAX_INPUT_CHARS: usize = 40;
    const MIN_CHARS: usize = 4;
    const MAX_CHARS: usize = 20;

    pub fn parse(input: &str) -> Result<RegistrationNumber, Error> {
        let invalid = |why: &str| Error::new(ErrorCode::InvalidRegistrationNumber, why);
        if input.chars().count() > Self::MAX_INPUT_CHARS {
            return Err(invalid("the number is too long"));
        }
        let mut normalized = String::new();
        for c in input.chars() {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                _ => c,
            };
            if matches!(c, '-' | '.' | '/' | '_') || c.is_whitespace() {
                continue;
            }
            if !c.is_ascii_alphanumeric() {
                return Err(invalid("only letters, digits and separators"));
            }
            normalized.push(c.to_ascii_uppercase());
        }
        let n = normalized.len();
        if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&n) {
            return Err(invalid("the number has 4 to 20 letters and digits"));
        }
        if !normalized.bytes().any(|b| b.is_ascii_digit()) {
            return Err(invalid("the number has digits"));
        }
        Ok(RegistrationNumber(normalized))
    }

    /// The normalised number: what the edge digests (never stored or logged as is).
    pub fn normalized(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RegistrationNumber(<hidden>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_number_are_the_same() {
        let a = RegistrationNumber::parse("012 345").unwrap();
        let b = RegistrationNumber::parse("012-345").unwrap();
        let c = RegistrationNumber::parse("０１２３４５").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.normalized(), "012345");
        assert_eq!(
            RegistrationNumber::parse("ab-4500.1234/56")
                .unwrap()
                .normalized(),
            "AB4500123456"
        );
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in [
            "",
            "12",
            "abcdef",
            "123456789012345678901",
            "12345 é",
            "12345<script>",
            &"1".repeat(41),
        ] {
            assert_eq!(
                RegistrationNumber::parse(bad).unwrap_err().code(),
                ErrorCode::InvalidRegistrationNumber,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn debug_never_shows_the_number() {
        let n = RegistrationNumber::parse("987654").unwrap();
        assert!(!format!("{n:?}").contains("987654"));
    }
}
