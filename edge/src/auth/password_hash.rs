//! The stored form of a password hash: `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`.
//!
//! Keeping the algorithm and iteration count in the string lets the count rise later without
//! breaking existing accounts. Parsing and comparing are pure; deriving runs in WebCrypto.

/// Iterations for new hashes: the most the Workers runtime allows for PBKDF2.
pub const ITERATIONS: u32 = 100_000;
pub const SALT_BYTES: usize = 16;
pub const HASH_BYTES: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

impl PasswordHash {
    pub fn parse(stored: &str) -> Option<PasswordHash> {
        let mut parts = stored.split('$');
        if parts.next()? != "pbkdf2-sha256" {
            return None;
        }
        let iterations = parts.next()?.parse().ok().filter(|n| *n >= 1)?;
        let salt = from_hex(parts.next()?)?;
        let hash = from_hex(parts.next()?)?;
        if parts.next().is_some() || hash.len() != HASH_BYTES || salt.is_empty() {
            return None;
        }
        Some(PasswordHash {
            iterations,
            salt,
            hash,
        })
    }

    pub fn to_stored(&self) -> String {
        format!(
            "pbkdf2-sha256${}${}${}",
            self.iterations,
            to_hex(&self.salt),
            to_hex(&self.hash)
        )
    }

    /// Compares a freshly derived hash without an early exit, so timing reveals nothing.
    pub fn matches(&self, derived: &[u8]) -> bool {
        derived.len() == self.hash.len()
            && derived
                .iter()
                .zip(&self.hash)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips() {
        let h = PasswordHash {
            iterations: ITERATIONS,
            salt: vec![1; SALT_BYTES],
            hash: vec![0xab; HASH_BYTES],
        };
        assert_eq!(PasswordHash::parse(&h.to_stored()), Some(h));
    }

    #[test]
    fn the_node_generated_demo_hashes_parse() {
        let seed = include_str!("../../seed/demo-accounts.sql");
        let stored: Vec<_> = seed
            .split('\'')
            .filter(|s| s.starts_with("pbkdf2-sha256$"))
            .collect();
        assert_eq!(stored.len(), 6);
        for s in stored {
            let h = PasswordHash::parse(s).unwrap();
            assert_eq!(h.iterations, ITERATIONS);
            assert_eq!(h.salt.len(), SALT_BYTES);
        }
    }

    #[test]
    fn malformed_stored_forms_are_refused() {
        for bad in [
            "",
            "bcrypt$10$x$y",
            "pbkdf2-sha256$0$00$00",
            "pbkdf2-sha256$100000$$ab",
            "pbkdf2-sha256$100000$0g$ab",
            "pbkdf2-sha256$100000$00$abab",
            "pbkdf2-sha256$100000$00$ab$extra",
        ] {
            assert_eq!(PasswordHash::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn matching_needs_every_byte() {
        let h = PasswordHash {
            iterations: 1,
            salt: vec![0],
            hash: vec![7; HASH_BYTES],
        };
        assert!(h.matches(&[7; HASH_BYTES]));
        let mut off_by_one = [7; HASH_BYTES];
        off_by_one[HASH_BYTES - 1] = 8;
        assert!(!h.matches(&off_by_one));
        assert!(!h.matches(&[7; 16]));
    }
}
