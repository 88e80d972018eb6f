//! Customs declaration numbers (VNACCS).

use crate::{Error, ErrorCode};
use std::fmt;
use std::str::FromStr;

/// A VNACCS customs declaration number: exactly 12 digits. Spaces that people type to group
/// the digits are ignored; anything else is refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeclarationNumber(String);

impl DeclarationNumber {
    pub const LEN: usize = 12;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for DeclarationNumber {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let invalid = |why: &str| Error::new(ErrorCode::InvalidDeclarationNumber, why);
        if input.len() > 64 {
            return Err(invalid("declaration number is far too long"));
        }
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid("declaration number must contain digits only"));
        }
        if digits.len() != Self::LEN {
            return Err(invalid("declaration number must have exactly 12 digits"));
        }
        Ok(DeclarationNumber(digits))
    }
}

impl fmt::Display for DeclarationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn twelve_digits_are_accepted_with_grouping_spaces() {
        let n: DeclarationNumber = "1051 2345 6789".parse().unwrap();
        assert_eq!(n.as_str(), "105123456789");
    }

    #[test]
    fn wrong_lengths_and_letters_are_refused() {
        for bad in [
            "",
            "12345678901",
            "1234567890123",
            "10512345678O",
            "105-123456789",
        ] {
            let err = bad.parse::<DeclarationNumber>().unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidDeclarationNumber, "{bad}");
        }
    }

    #[test]
    fn non_ascii_digits_are_refused() {
        // Arabic-Indic digits are `char::is_numeric` but not VNACCS digits.
        assert!("١٢٣٤٥٦٧٨٩٠١٢".parse::<DeclarationNumber>().is_err());
    }

    proptest! {
        #[test]
        fn any_twelve_digit_string_round_trips(s in "[0-9]{12}") {
            let n: DeclarationNumber = s.parse().unwrap();
            prop_assert_eq!(n.to_string(), s);
        }

        #[test]
        fn other_lengths_never_parse(s in "[0-9]{0,11}|[0-9]{13,30}") {
            prop_assert!(s.parse::<DeclarationNumber>().is_err());
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,80}") {
            let _ = s.parse::<DeclarationNumber>();
        }
    }
}
