//! What a truck carries.

use crate::{Error, ErrorCode};

/// A cargo description with its perishable flag. Perishable goods (fresh fruit: dragon fruit,
/// durian, jackfruit, watermelon) get their own share of yard capacity and their own lane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cargo {
    description: String,
    perishable: bool,
}

impl Cargo {
    /// Longest description accepted, in characters.
    pub const MAX_DESCRIPTION_CHARS: usize = 200;

    /// Validates and tidies the description (trimmed, inner whitespace collapsed).
    pub fn new(description: &str, perishable: bool) -> Result<Self, Error> {
        let tidy = description.split_whitespace().collect::<Vec<_>>().join(" ");
        if tidy.is_empty() {
            return Err(Error::new(
                ErrorCode::InvalidCargo,
                "cargo description is empty",
            ));
        }
        if tidy.chars().count() > Self::MAX_DESCRIPTION_CHARS {
            return Err(Error::new(
                ErrorCode::InvalidCargo,
                "cargo description is longer than 200 characters",
            ));
        }
        if tidy.chars().any(char::is_control) {
            return Err(Error::new(
                ErrorCode::InvalidCargo,
                "cargo description contains control characters",
            ));
        }
        Ok(Cargo {
            description: tidy,
            perishable,
        })
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    pub fn is_perishable(&self) -> bool {
        self.perishable
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn description_is_tidied() {
        let c = Cargo::new("  Thanh long   ruột đỏ ", true).unwrap();
        assert_eq!(c.description(), "Thanh long ruột đỏ");
        assert!(c.is_perishable());
    }

    #[test]
    fn empty_and_blank_descriptions_are_refused() {
        for bad in ["", "   ", "\n\t"] {
            assert_eq!(
                Cargo::new(bad, false).unwrap_err().code(),
                ErrorCode::InvalidCargo
            );
        }
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        // 200 Vietnamese characters with diacritics are 400+ bytes but allowed.
        let ok = "ế".repeat(200);
        assert!(Cargo::new(&ok, false).is_ok());
        let too_long = "ế".repeat(201);
        assert!(Cargo::new(&too_long, false).is_err());
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(Cargo::new("sầu riêng\u{0007}", true).is_err());
    }

    proptest! {
        #[test]
        fn accepted_descriptions_are_tidy(s in "\\PC{0,250}") {
            if let Ok(c) = Cargo::new(&s, false) {
                prop_assert_eq!(c.description().trim(), c.description());
                prop_assert!(!c.description().contains("  "));
                prop_assert!(c.description().chars().count() <= Cargo::MAX_DESCRIPTION_CHARS);
            }
        }
    }
}
