//! The outbox protocol: how writes made on a phone reach the edge exactly once.
//!
//! The app numbers every write it makes with a per-client sequence number (`seq`, from 1) and
//! keeps it until the edge has answered for it. The edge remembers, per client, the last `seq`
//! it has dealt with, in the same transaction as the write itself, so:
//!
//! - a `seq` at or below that mark is a replay: nothing changes, the first outcome is returned;
//! - the next `seq` is applied, or rejected with a reason (and the mark still moves on, so a
//!   refused write is reported once, never retried forever);
//! - a `seq` beyond the next one is a gap: it waits until the missing ones arrive.

use crate::{Error, ErrorCode};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Most writes in one sync request; the app sends a long outbox in batches.
pub const MAX_OPS_PER_SYNC: usize = 100;

/// One phone's (and account's) identity in the protocol: 16-64 characters of `A-Z a-z 0-9 _ -`,
/// drawn at random by the app.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ClientId(String);

impl ClientId {
    pub fn parse(s: &str) -> Result<Self, Error> {
        let ok = (16..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if ok {
            Ok(ClientId(s.to_owned()))
        } else {
            Err(Error::new(
                ErrorCode::InvalidId,
                "a client id is 16-64 characters of A-Z, a-z, 0-9, _ and -",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ClientId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ClientId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Where a write's `seq` stands against the last one the edge dealt with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeqCheck {
    /// Already dealt with: answer with the recorded outcome, change nothing.
    Replay,
    /// The next one: apply it (or reject it) and move the mark to it.
    Next,
    /// One or more writes before it are missing: keep it for later.
    Gap { expected: u64 },
}

/// Classifies `seq` against `last_seq`, the last one dealt with (0 before the first).
pub fn check_seq(last_seq: u64, seq: u64) -> SeqCheck {
    if seq <= last_seq {
        SeqCheck::Replay
    } else if seq == last_seq + 1 {
        SeqCheck::Next
    } else {
        SeqCheck::Gap {
            expected: last_seq + 1,
        }
    }
}

/// What the edge did with one write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stored (now or on its first arrival).
    Applied,
    /// Refused with a reason; will never be applied. The app shows why and drops it.
    Rejected,
    /// Not looked at yet: earlier writes are missing. The app sends it again later.
    Deferred,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Rejected => "rejected",
            Outcome::Deferred => "deferred",
        }
    }

    /// Whether the app may forget the write: the edge has dealt with it for good.
    pub fn is_final(self) -> bool {
        !matches!(self, Outcome::Deferred)
    }
}

/// The canonical form of a write (a [`crate::wire::v1::SyncOp`]'s kind and payload): its kind,
/// a newline, and its payload as JSON with object keys sorted (recursively), integral numbers
/// as integers and no whitespace. Two sends of the same write (the app keeps the payload as it
/// queued it) give the same bytes; any change to the kind or payload does not.
///
/// The edge keeps the SHA-256 of these bytes with each write it dealt with (`sync_ops.digest`,
/// migration 0007), so this form must never change: a replay of a write recorded before would
/// no longer be recognised.
pub fn canonical_write(kind: &str, payload: &serde_json::Value) -> String {
    fn write(value: &serde_json::Value, out: &mut String) {
        match value {
            serde_json::Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push('{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(key.clone()).to_string());
                    out.push(':');
                    write(&map[key], out);
                }
                out.push('}');
            }
            serde_json::Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            // A number the phone stored and read back may come back as a float (`18000.0`):
            // integral values are written as integers, so a resend is still the same write.
            serde_json::Value::Number(n) => match n.as_f64() {
                Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => {
                    out.push_str(&(f as i64).to_string())
                }
                _ => out.push_str(&n.to_string()),
            },
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    let mut out = String::with_capacity(64);
    out.push_str(kind);
    out.push('\n');
    write(payload, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn client_ids_are_checked() {
        assert!(ClientId::parse("c_0123456789abcdef").is_ok());
        for bad in [
            "short",
            "has space 0123456789",
            "ü0123456789abcdefgh",
            &"x".repeat(65),
        ] {
            assert_eq!(
                ClientId::parse(bad).unwrap_err().code(),
                ErrorCode::InvalidId
            );
        }
    }

    #[test]
    fn sequence_numbers_are_classified() {
        assert_eq!(check_seq(0, 1), SeqCheck::Next);
        assert_eq!(check_seq(0, 2), SeqCheck::Gap { expected: 1 });
        assert_eq!(check_seq(5, 5), SeqCheck::Replay);
        assert_eq!(check_seq(5, 1), SeqCheck::Replay);
        assert_eq!(check_seq(5, 6), SeqCheck::Next);
        assert!(!Outcome::Deferred.is_final());
        assert!(Outcome::Rejected.is_final());
    }

    #[test]
    fn the_canonical_form_ignores_key_order_and_spacing_only() {
        let a: serde_json::Value =
            serde_json::from_str(r#"{"b": [1, {"y": "é", "x": null}], "a": true}"#).unwrap();
        let b = json!({ "a": true, "b": [1, { "x": null, "y": "é" }] });
        assert_eq!(
            canonical_write("trip.cancel", &a),
            canonical_write("trip.cancel", &b)
        );
        assert_eq!(
            canonical_write("trip.cancel", &b),
            "trip.cancel\n{\"a\":true,\"b\":[1,{\"x\":null,\"y\":\"é\"}]}"
        );
        assert_ne!(
            canonical_write("trip.create", &b),
            canonical_write("trip.cancel", &b)
        );
        let changed = json!({ "a": true, "b": [1, { "x": null, "y": "e" }] });
        assert_ne!(
            canonical_write("trip.cancel", &b),
            canonical_write("trip.cancel", &changed)
        );
        // A number read back as a float is the same number.
        let float: serde_json::Value = serde_json::from_str(r#"{"w": 18000.0, "f": 1.5}"#).unwrap();
        assert_eq!(
            canonical_write("k", &float),
            canonical_write("k", &json!({ "f": 1.5, "w": 18000 }))
        );
        // The kind cannot run into the payload.
        assert_ne!(
            canonical_write("a", &json!("b\nc")),
            canonical_write("a\n\"b", &json!("c"))
        );
    }

    proptest! {
        /// Replaying any prefix of a stream of writes, in any order, applies each exactly once.
        #[test]
        fn replays_apply_each_write_exactly_once(order in proptest::collection::vec(1u64..=20, 0..200)) {
            let mut last = 0u64;
            let mut applied = Vec::new();
            for seq in order {
                if check_seq(last, seq) == SeqCheck::Next {
                    applied.push(seq);
                    last = seq;
                }
            }
            let expected: Vec<u64> = (1..=last).collect();
            prop_assert_eq!(applied, expected);
        }
    }
}
