//! The citizen ID (căn cước công dân, CCCD) of a border resident, and the digest that stands
//! for it.
//!
//! The number is parsed here and never shown back: `Debug` hides it and there is no
//! `Display`. The edge keeps only [`HolderDigest`] (an HMAC of [`ResidentIdNumber::digest_input`]
//! with a Worker secret: shared holds no key) and the last four digits.

use crate::pass::hex;
use crate::{Error, ErrorCode};
use std::fmt;

/// A CCCD: exactly 12 ASCII digits once the spaces around and inside are taken out.
#[derive(Clone, PartialEq, Eq)]
pub struct ResidentIdNumber([u8; 12]);

impl ResidentIdNumber {
    pub const DIGITS: usize = 12;

    pub fn parse(input: &str) -> Result<Self, Error> {
        let malformed = || {
            Error::new(
                ErrorCode::ResidentIdMalformed,
                "a citizen ID number is exactly 12 digits",
            )
        };
        if input.len() > 64 {
            return Err(malformed());
        }
        let digits: Vec<u8> = input.bytes().filter(|b| *b != b' ').collect();
        if digits.len() != Self::DIGITS || !digits.iter().all(u8::is_ascii_digit) {
            return Err(malformed());
        }
        let mut out = [0u8; 12];
        out.copy_from_slice(&digits);
        Ok(ResidentIdNumber(out))
    }

    /// The last four digits, shown to an officer to compare with the card.
    pub fn last4(&self) -> String {
        self.0[8..].iter().map(|&b| char::from(b)).collect()
    }

    /// The bytes the edge digests with its secret: a fixed label, then the 12 digits. Never to
    /// change (stored digests are compared with new ones).
    pub fn digest_input(&self) -> Vec<u8> {
        let mut v = b"borderpass.resident-id.v1:".to_vec();
        v.extend_from_slice(&self.0);
        v
    }
}

impl fmt::Debug for ResidentIdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResidentIdNumber(<hidden>)")
    }
}

/// The first 8 bytes of the edge's HMAC of a resident's ID: what a resident pass carries
/// (`holder_digest` in the claims) and what the edge stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HolderDigest(pub [u8; 8]);

impl HolderDigest {
    /// From 16 hex digits (either case).
    pub fn parse_hex(s: &str) -> Result<Self, Error> {
        hex::decode(s.trim())
            .and_then(|v| <[u8; 8]>::try_from(v).ok())
            .map(HolderDigest)
            .ok_or_else(|| Error::new(ErrorCode::InvalidId, "a holder digest is 16 hex digits"))
    }

    /// 16 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_digits_parse_with_spaces_taken_out() {
        let a = ResidentIdNumber::parse(" 001 203 004 567 ").unwrap();
        assert_eq!(a, ResidentIdNumber::parse("001203004567").unwrap());
        assert_eq!(a.last4(), "4567");
        assert_eq!(a.digest_input(), b"borderpass.resident-id.v1:001203004567");
    }

    #[test]
    fn anything_else_is_malformed() {
        for bad in [
            "",
            "12345678901",
            "1234567890123",
            "12345678901a",
            "１２３４５６７８９０１２",
            "1234-5678-9012",
            "-12345678901",
        ] {
            assert_eq!(
                ResidentIdNumber::parse(bad).unwrap_err().code(),
                ErrorCode::ResidentIdMalformed,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn debug_never_shows_the_number() {
        let n = ResidentIdNumber::parse("001203004567").unwrap();
        assert!(!format!("{n:?}").contains("4567"));
    }

    #[test]
    fn holder_digests_round_trip_as_hex() {
        let d = HolderDigest::parse_hex("00ABcdef01234567").unwrap();
        assert_eq!(d.to_hex(), "00abcdef01234567");
        for bad in ["", "00ab", "00abcdef0123456789", "zzabcdef01234567"] {
            assert_eq!(
                HolderDigest::parse_hex(bad).unwrap_err().code(),
                ErrorCode::InvalidId
            );
        }
    }
}
