//! The issuer's signing key and the verifier's trusted keys.

use super::{claims, cose, hex, Kid, PassClaims, Reason};
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Signs passes with an Ed25519 key made from a 32-byte seed (the edge keeps the seed as a
/// secret; nothing here draws randomness).
pub struct PassSigner {
    key: SigningKey,
    kid: Kid,
}

impl PassSigner {
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let key = SigningKey::from_bytes(seed);
        let kid = Kid::of(&key.verifying_key().to_bytes());
        PassSigner { key, kid }
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// This key as a verifier's trust-list entry.
    pub fn trusted_key(&self) -> TrustedKey {
        TrustedKey {
            kid: self.kid,
            public_key: self.public_key(),
        }
    }

    /// The `BP1:` string of the claims. Deterministic: the same claims and key always give the
    /// same string (Ed25519 signatures are deterministic).
    ///
    /// Refused with [`Reason::TooLong`] when the validity is longer than the kind's maximum
    /// ([`PassClaims::is_too_long`]): such a pass would never verify, and would keep this key
    /// on the trust list for as long as it claims to be valid.
    pub fn sign(&self, claims: &PassClaims) -> Result<String, Reason> {
        if claims.is_too_long() {
            return Err(Reason::TooLong);
        }
        Ok(self.sign_unchecked(claims))
    }

    /// Signs whatever the claims say: only for tests that need a well-signed pass the issuer
    /// would refuse.
    pub(super) fn sign_unchecked(&self, claims: &PassClaims) -> String {
        let cose = cose::sign1(self.kid, claims::encode(claims), |tbs| {
            self.key.sign(tbs).to_bytes()
        });
        cose::to_text(&cose)
    }
}

impl fmt::Debug for PassSigner {
    /// Shows the key id only: the secret never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PassSigner")
            .field("kid", &self.kid.to_hex())
            .finish()
    }
}

/// A public key that verifiers trust, as served by `GET /api/keys`:
/// `{"kid": "<16 hex>", "public_key": "<64 hex>"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedKey {
    pub kid: Kid,
    #[serde(with = "hex::array")]
    pub public_key: [u8; 32],
}

impl TrustedKey {
    /// Whether `signature` is this key's signature of `message` (strict RFC 8032 checks: no
    /// small-order keys or points, canonical `S`).
    pub(super) fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.public_key) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(signature);
        key.verify_strict(message, &signature).is_ok()
    }
}
