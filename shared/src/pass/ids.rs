//! The pass id and the signing key id.

use super::hex;
use crate::{Error, ErrorCode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;

/// A short opaque pass id of 1 to 16 bytes: the CWT `cti`. It names the pass on the
/// deny-list. Serialised and displayed as lowercase hex.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PassId(Vec<u8>);

impl PassId {
    pub const MAX_BYTES: usize = 16;

    pub fn from_bytes(b: &[u8]) -> Result<Self, Error> {
        if (1..=Self::MAX_BYTES).contains(&b.len()) {
            Ok(PassId(b.to_vec()))
        } else {
            Err(Error::new(ErrorCode::InvalidId, "a pass id is 1-16 bytes"))
        }
    }

    /// Hex of either case (ids are written in lowercase).
    pub fn parse_hex(s: &str) -> Result<Self, Error> {
        let bytes = hex::decode(s)
            .ok_or_else(|| Error::new(ErrorCode::InvalidId, "a pass id is hex digits"))?;
        Self::from_bytes(&bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }
}

impl fmt::Display for PassId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for PassId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for PassId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PassId::parse_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// The id of a signing key: the first 8 bytes of SHA-256 of its 32-byte Ed25519 public key.
/// Carried in the pass's protected header; verifiers look the key up by it. Serialised as 16
/// lowercase hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Kid([u8; 8]);

impl Kid {
    pub fn of(public_key: &[u8; 32]) -> Kid {
        let digest = Sha256::digest(public_key);
        let mut kid = [0; 8];
        kid.copy_from_slice(&digest[..8]);
        Kid(kid)
    }

    pub fn from_bytes(bytes: [u8; 8]) -> Kid {
        Kid(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 8] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }

    pub fn parse_hex(s: &str) -> Result<Self, Error> {
        hex::decode(s)
            .and_then(|v| <[u8; 8]>::try_from(v).ok())
            .map(Kid)
            .ok_or_else(|| Error::new(ErrorCode::InvalidId, "a key id is 16 hex digits"))
    }
}

impl fmt::Display for Kid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for Kid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Kid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Kid::parse_hex(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_id_length_and_hex() {
        assert!(PassId::from_bytes(&[]).is_err());
        assert!(PassId::from_bytes(&[0; 17]).is_err());
        let id = PassId::parse_hex("00A1ff").unwrap();
        assert_eq!(id.as_bytes(), &[0x00, 0xa1, 0xff]);
        assert_eq!(id.to_string(), "00a1ff");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"00a1ff\"");
        let back: PassId = serde_json::from_str("\"00a1ff\"").unwrap();
        assert_eq!(back, id);
        let err = PassId::parse_hex("xyz").unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidId);
        assert!(serde_json::from_str::<PassId>("\"\"").is_err());
    }

    #[test]
    fn kid_is_sha256_prefix_of_the_key() {
        // SHA-256 of 32 zero bytes is 66687aadf862bd77...
        let kid = Kid::of(&[0; 32]);
        assert_eq!(kid.to_hex(), "66687aadf862bd77");
        assert_eq!(Kid::parse_hex("66687AADF862BD77").unwrap(), kid);
        assert_eq!(serde_json::to_string(&kid).unwrap(), "\"66687aadf862bd77\"");
        assert!(Kid::parse_hex("66687aadf862bd").is_err());
    }
}
