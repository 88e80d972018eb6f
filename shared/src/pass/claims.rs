//! What a pass says, and its CBOR (CWT) encoding.
//!
//! ```text
//! { 4: exp, 5: nbf, 6: iat, 7: cti,
//!   -65537: { 0: kind, 1: gate, ?2: plate, ?3: trailer,
//!             ?4: [yard, slot_start, slot_minutes], ?5: holder_digest } }
//! ```
//!
//! Keys are small integers so a trip pass with a booking fits a version-12 QR code. Encoding
//! is deterministic (RFC 8949 §4.2.1: shortest integers, keys in ascending byte order), so the
//! same claims always give the same bytes.

use super::{hex, PassId, Reason};
use crate::{GateId, Plate, YardId};
use ciborium::Value;
use serde::{Deserialize, Serialize};

/// The private CWT claim holding the BorderPass map: the first private-use claim key
/// (the CWT registry reserves keys below -65536 for private use).
pub const CLAIM_KEY: i64 = -65537;

const CWT_EXP: i64 = 4;
const CWT_NBF: i64 = 5;
const CWT_IAT: i64 = 6;
const CWT_CTI: i64 = 7;

const KIND: i64 = 0;
const GATE: i64 = 1;
const PLATE: i64 = 2;
const TRAILER: i64 = 3;
const BOOKING: i64 = 4;
const HOLDER_DIGEST: i64 = 5;

/// What the pass is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassKind {
    /// One crossing by one vehicle (CBOR `0`).
    Trip,
    /// A border resident's pass (CBOR `1`).
    Resident,
}

/// The longest validity (`valid_until - valid_from`) of a trip pass, in seconds: 102 hours, a
/// trip's longest arrival window (three days) plus six hours before it and a day after it.
pub const MAX_TRIP_VALIDITY_SECS: i64 = 102 * 3600;

/// The longest validity of a border resident's pass, in seconds: 366 days.
pub const MAX_RESIDENT_VALIDITY_SECS: i64 = 366 * 86_400;

impl PassKind {
    /// Its name in JSON and in the edge's `passes.subject_kind`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PassKind::Trip => "trip",
            PassKind::Resident => "resident",
        }
    }

    /// The longest validity a pass of this kind may have, in seconds: no pass is signed, and
    /// none verifies valid, with a longer one.
    pub const fn max_validity_secs(self) -> i64 {
        match self {
            PassKind::Trip => MAX_TRIP_VALIDITY_SECS,
            PassKind::Resident => MAX_RESIDENT_VALIDITY_SECS,
        }
    }
}

/// The yard slot a trip pass was booked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub yard: YardId,
    /// Start of the slot, unix seconds.
    pub slot_start: i64,
    pub slot_minutes: u16,
}

/// The claims of a pass. Times are unix seconds; the pass is valid for
/// `valid_from <= now < valid_until`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassClaims {
    pub id: PassId,
    pub kind: PassKind,
    pub issued_at: i64,
    pub valid_from: i64,
    pub valid_until: i64,
    pub gate: GateId,
    /// The vehicle's plate as the driver typed it ([`Plate::display`]).
    #[serde(default, with = "plate_text")]
    pub plate: Option<Plate>,
    #[serde(default, with = "plate_text")]
    pub trailer: Option<Plate>,
    #[serde(default)]
    pub booking: Option<Booking>,
    /// A digest of the holder's identity (resident passes); never the identity itself.
    #[serde(default, with = "hex::option_array")]
    pub holder_digest: Option<[u8; 8]>,
}

impl PassClaims {
    /// `valid_until - valid_from` in seconds, exactly (in i128: both ends are any i64 a
    /// decoded pass may carry). Zero or negative for a pass that is never valid.
    pub fn validity_secs(&self) -> i128 {
        i128::from(self.valid_until) - i128::from(self.valid_from)
    }

    /// Whether the validity is longer than its kind's maximum
    /// ([`PassKind::max_validity_secs`]): such a pass is never signed nor valid.
    pub fn is_too_long(&self) -> bool {
        self.validity_secs() > i128::from(self.kind.max_validity_secs())
    }
}

/// Plates travel as their display text, in JSON as in CBOR.
mod plate_text {
    use crate::Plate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &Option<Plate>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(p) => s.serialize_str(p.display()),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Plate>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| Plate::parse(&s).map_err(serde::de::Error::custom))
            .transpose()
    }
}

fn int(n: impl Into<i64>) -> Value {
    Value::Integer(n.into().into())
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

/// The CBOR payload of a pass.
pub(super) fn encode(c: &PassClaims) -> Vec<u8> {
    let mut private = vec![
        (int(KIND), int(c.kind as u8)),
        (int(GATE), text(c.gate.as_str())),
    ];
    if let Some(plate) = &c.plate {
        private.push((int(PLATE), text(plate.display())));
    }
    if let Some(trailer) = &c.trailer {
        private.push((int(TRAILER), text(trailer.display())));
    }
    if let Some(b) = &c.booking {
        private.push((
            int(BOOKING),
            Value::Array(vec![
                text(b.yard.as_str()),
                int(b.slot_start),
                int(b.slot_minutes),
            ]),
        ));
    }
    if let Some(digest) = c.holder_digest {
        private.push((int(HOLDER_DIGEST), Value::Bytes(digest.to_vec())));
    }
    let claims = Value::Map(vec![
        (int(CWT_EXP), int(c.valid_until)),
        (int(CWT_NBF), int(c.valid_from)),
        (int(CWT_IAT), int(c.issued_at)),
        (int(CWT_CTI), Value::Bytes(c.id.as_bytes().to_vec())),
        (int(CLAIM_KEY), Value::Map(private)),
    ]);
    let mut out = Vec::with_capacity(128);
    ciborium::ser::into_writer(&claims, &mut out).expect("writing CBOR into a Vec cannot fail");
    out
}

const MALFORMED: Reason = Reason::Malformed;

/// The claims from a CBOR payload: exactly one CBOR item, a map with the required keys of the
/// right types. Unknown keys (with integer or text labels) are ignored; a repeated key is
/// malformed.
pub(super) fn decode(payload: &[u8]) -> Result<PassClaims, Reason> {
    let mut rest = payload;
    let value: Value = ciborium::de::from_reader(&mut rest).map_err(|_| MALFORMED)?;
    if !rest.is_empty() {
        return Err(MALFORMED);
    }
    let mut claims = IntMap::from(value)?;
    let valid_until = as_i64(claims.take(CWT_EXP)?)?;
    let valid_from = as_i64(claims.take(CWT_NBF)?)?;
    let issued_at = as_i64(claims.take(CWT_IAT)?)?;
    let id = PassId::from_bytes(&as_bytes(claims.take(CWT_CTI)?)?).map_err(|_| MALFORMED)?;
    let mut private = IntMap::from(claims.take(CLAIM_KEY)?)?;

    let kind = match as_i64(private.take(KIND)?)? {
        0 => PassKind::Trip,
        1 => PassKind::Resident,
        _ => return Err(MALFORMED),
    };
    let gate = GateId::parse(&as_text(private.take(GATE)?)?).map_err(|_| MALFORMED)?;
    let plate = private.take_opt(PLATE).map(as_plate).transpose()?;
    let trailer = private.take_opt(TRAILER).map(as_plate).transpose()?;
    let booking = private.take_opt(BOOKING).map(as_booking).transpose()?;
    let holder_digest = private
        .take_opt(HOLDER_DIGEST)
        .map(|v| <[u8; 8]>::try_from(as_bytes(v)?).map_err(|_| MALFORMED))
        .transpose()?;
    Ok(PassClaims {
        id,
        kind,
        issued_at,
        valid_from,
        valid_until,
        gate,
        plate,
        trailer,
        booking,
        holder_digest,
    })
}

/// The integer-keyed entries of a CBOR map.
struct IntMap(Vec<(i128, Value)>);

impl IntMap {
    fn from(value: Value) -> Result<IntMap, Reason> {
        let Value::Map(entries) = value else {
            return Err(MALFORMED);
        };
        let mut out: Vec<(i128, Value)> = Vec::with_capacity(entries.len());
        let mut texts: Vec<String> = Vec::new();
        for (k, v) in entries {
            match k {
                Value::Integer(k) => {
                    let k = i128::from(k);
                    if out.iter().any(|(seen, _)| *seen == k) {
                        return Err(MALFORMED);
                    }
                    out.push((k, v));
                }
                Value::Text(t) if !texts.contains(&t) => texts.push(t),
                _ => return Err(MALFORMED),
            }
        }
        Ok(IntMap(out))
    }

    fn take_opt(&mut self, key: i64) -> Option<Value> {
        let key = i128::from(key);
        let i = self.0.iter().position(|(k, _)| *k == key)?;
        Some(self.0.swap_remove(i).1)
    }

    fn take(&mut self, key: i64) -> Result<Value, Reason> {
        self.take_opt(key).ok_or(MALFORMED)
    }
}

fn as_i64(v: Value) -> Result<i64, Reason> {
    match v {
        Value::Integer(n) => i64::try_from(n).map_err(|_| MALFORMED),
        _ => Err(MALFORMED),
    }
}

fn as_bytes(v: Value) -> Result<Vec<u8>, Reason> {
    match v {
        Value::Bytes(b) => Ok(b),
        _ => Err(MALFORMED),
    }
}

fn as_text(v: Value) -> Result<String, Reason> {
    match v {
        Value::Text(t) => Ok(t),
        _ => Err(MALFORMED),
    }
}

fn as_plate(v: Value) -> Result<Plate, Reason> {
    let text = as_text(v)?;
    let plate = Plate::parse(&text).map_err(|_| MALFORMED)?;
    // Issuers sign the canonical form; passes signed before it carry the plate as typed,
    // tidied. Untidy text was not made by us. Either way the claims show the canonical form.
    if Plate::is_tidy(&text) {
        Ok(plate)
    } else {
        Err(MALFORMED)
    }
}

fn as_booking(v: Value) -> Result<Booking, Reason> {
    let Value::Array(items) = v else {
        return Err(MALFORMED);
    };
    let [yard, start, minutes]: [Value; 3] = items.try_into().map_err(|_| MALFORMED)?;
    Ok(Booking {
        yard: YardId::parse(&as_text(yard)?).map_err(|_| MALFORMED)?,
        slot_start: as_i64(start)?,
        slot_minutes: u16::try_from(as_i64(minutes)?).map_err(|_| MALFORMED)?,
    })
}
