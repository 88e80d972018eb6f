//! The phones' outbox: `POST /api/sync`, its writes and its answers.
//!
//! A write travels as a [`SyncOp`]: its `seq`, its `kind` and its payload, the payload kept as
//! raw JSON. A payload that does not parse is a refused write, reported for that write alone;
//! if the request's shape depended on it, one bad write would refuse the whole request and
//! the phone would send it again for ever. Each write is then turned into a typed [`Op`] by
//! `Op::try_from`, which runs the domain's validation: the edge applies only an [`Op`].

use super::*;
use crate::resident::Crossing;
use crate::{DeclarationNumber, TripId};

/// The kinds of write the outbox carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OpKind {
    #[serde(rename = "vehicle.register")]
    RegisterVehicle,
    #[serde(rename = "trip.create")]
    CreateTrip,
    #[serde(rename = "trip.set_declaration")]
    SetDeclaration,
    #[serde(rename = "trip.cancel")]
    CancelTrip,
    /// A yard operator's check-in, scanned while offline.
    #[serde(rename = "queue.check_in")]
    CheckIn,
    /// A border officer's record of a resident's crossing, offline too.
    #[serde(rename = "resident.cross")]
    RecordCrossing,
}

impl OpKind {
    pub const ALL: [OpKind; 6] = [
        OpKind::RegisterVehicle,
        OpKind::CreateTrip,
        OpKind::SetDeclaration,
        OpKind::CancelTrip,
        OpKind::CheckIn,
        OpKind::RecordCrossing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::RegisterVehicle => "vehicle.register",
            OpKind::CreateTrip => "trip.create",
            OpKind::SetDeclaration => "trip.set_declaration",
            OpKind::CancelTrip => "trip.cancel",
            OpKind::CheckIn => "queue.check_in",
            OpKind::RecordCrossing => "resident.cross",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Error> {
        OpKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::MalformedBody,
                    format!("unknown write kind {s:?}"),
                )
            })
    }

    /// Whether a yard operator's outbox may carry this kind: an operator only checks vehicles
    /// in; everything else is a trip owner's.
    pub fn is_yard_operators(self) -> bool {
        matches!(self, OpKind::CheckIn)
    }

    /// Whether a border officer's outbox may carry this kind: an officer only records
    /// residents' crossings.
    pub fn is_officers(self) -> bool {
        matches!(self, OpKind::RecordCrossing)
    }

    /// Whether this kind is a trip owner's (vehicles and trips).
    pub fn is_trip_owners(self) -> bool {
        !self.is_yard_operators() && !self.is_officers()
    }
}

/// A write as a phone queues it: its payload typed by its kind. The app builds only these (no
/// hand-written kind next to a JSON payload); in the outbox and on the wire each becomes the
/// kind and payload of a [`SyncOp`], which the edge reads back as an [`Op`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxWrite {
    RegisterVehicle(VehicleDto),
    CreateTrip(TripDto),
    SetDeclaration(SetDeclarationDto),
    CancelTrip(CancelTripDto),
    CheckIn(CheckInPayload),
    RecordCrossing(CrossingDto),
}

impl OutboxWrite {
    pub fn kind(&self) -> OpKind {
        match self {
            OutboxWrite::RegisterVehicle(_) => OpKind::RegisterVehicle,
            OutboxWrite::CreateTrip(_) => OpKind::CreateTrip,
            OutboxWrite::SetDeclaration(_) => OpKind::SetDeclaration,
            OutboxWrite::CancelTrip(_) => OpKind::CancelTrip,
            OutboxWrite::CheckIn(_) => OpKind::CheckIn,
            OutboxWrite::RecordCrossing(_) => OpKind::RecordCrossing,
        }
    }

    /// The payload as it is queued and sent (the JSON of its body type).
    pub fn payload(&self) -> serde_json::Value {
        let json = match self {
            OutboxWrite::RegisterVehicle(dto) => serde_json::to_value(dto),
            OutboxWrite::CreateTrip(dto) => serde_json::to_value(dto),
            OutboxWrite::SetDeclaration(dto) => serde_json::to_value(dto),
            OutboxWrite::CancelTrip(dto) => serde_json::to_value(dto),
            OutboxWrite::CheckIn(payload) => serde_json::to_value(payload),
            OutboxWrite::RecordCrossing(dto) => serde_json::to_value(dto),
        };
        // Plain structs of strings and numbers always serialise.
        json.unwrap_or(serde_json::Value::Null)
    }

    /// The wire's form of the write under `seq`.
    pub fn to_sync_op(&self, seq: u64) -> SyncOp {
        SyncOp {
            seq,
            kind: self.kind().as_str().to_owned(),
            payload: self.payload(),
        }
    }
}

/// `POST /api/sync`: the writes of one phone (`client_id`, see [`crate::sync::ClientId`]),
/// in `seq` order, at most [`crate::sync::MAX_OPS_PER_SYNC`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// Checked by the edge ([`crate::sync::ClientId::parse`]), so a bad one is `invalid_id`.
    pub client_id: String,
    pub ops: Vec<SyncOp>,
}

impl SyncRequest {
    /// How many writes the request carries, for the account's quota.
    pub fn write_count(&self) -> u32 {
        u32::try_from(self.ops.len()).unwrap_or(u32::MAX)
    }
}

/// One write as the phone queued it. `kind` stays text and `payload` raw JSON: an unknown kind
/// or a payload of the wrong shape is refused for this write alone ([`Op::try_from`]). The
/// replay digest is computed from exactly these (`crate::sync::canonical_write`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncOp {
    pub seq: u64,
    pub kind: String,
    pub payload: serde_json::Value,
}

/// A write the domain's rules accept, typed by its kind (the wire's `kind` + `payload`).
///
/// Built only by `Op::try_from(&SyncOp)`, which parses the payload of the kind and validates it
/// without a clock; [`Op::check_at`] adds the rules that depend on the time. The rules that
/// depend on stored state (owner, status, taken ids) are the edge's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `vehicle.register`, payload [`VehicleDto`].
    RegisterVehicle(Vehicle),
    /// `trip.create`, payload [`TripDto`].
    CreateTrip(Trip),
    /// `trip.set_declaration`, payload [`SetDeclarationDto`].
    SetDeclaration {
        trip_id: TripId,
        declaration: DeclarationNumber,
    },
    /// `trip.cancel`, payload [`CancelTripDto`].
    CancelTrip { trip_id: TripId },
    /// `queue.check_in`, payload [`CheckInPayload`] (its yard checked).
    CheckIn {
        yard: YardId,
        check_in: CheckInPayload,
    },
    /// `resident.cross`, payload [`CrossingDto`].
    RecordCrossing(Crossing),
}

impl Op {
    pub fn kind(&self) -> OpKind {
        match self {
            Op::RegisterVehicle(_) => OpKind::RegisterVehicle,
            Op::CreateTrip(_) => OpKind::CreateTrip,
            Op::SetDeclaration { .. } => OpKind::SetDeclaration,
            Op::CancelTrip { .. } => OpKind::CancelTrip,
            Op::CheckIn { .. } => OpKind::CheckIn,
            Op::RecordCrossing(_) => OpKind::RecordCrossing,
        }
    }

    /// The rules that depend on when the write arrives: a new trip's window must not be over
    /// at `now_ms` nor start more than sixty days later ([`ArrivalWindow::new`]).
    pub fn check_at(&self, now_ms: i64) -> Result<(), Error> {
        match self {
            Op::CreateTrip(trip) => {
                ArrivalWindow::new(trip.window.from_ms(), trip.window.until_ms(), now_ms).map(drop)
            }
            Op::RegisterVehicle(_)
            | Op::SetDeclaration { .. }
            | Op::CancelTrip { .. }
            | Op::CheckIn { .. }
            | Op::RecordCrossing(_) => Ok(()),
        }
    }
}

impl TryFrom<&SyncOp> for Op {
    type Error = Error;

    /// An unknown kind or a payload of the wrong shape is `malformed_body`; a payload that
    /// breaks a rule, that rule's code.
    fn try_from(op: &SyncOp) -> Result<Self, Error> {
        let payload = &op.payload;
        match OpKind::parse(&op.kind)? {
            OpKind::RegisterVehicle => {
                Vehicle::try_from(payload_of::<VehicleDto>(payload)?).map(Op::RegisterVehicle)
            }
            OpKind::CreateTrip => payload_of::<TripDto>(payload)?
                .validate_stored()
                .map(Op::CreateTrip),
            OpKind::SetDeclaration => {
                let dto = payload_of::<SetDeclarationDto>(payload)?;
                let declaration = dto.declaration.parse()?;
                Ok(Op::SetDeclaration {
                    trip_id: trip_named(&dto.trip_id)?,
                    declaration,
                })
            }
            OpKind::CancelTrip => Ok(Op::CancelTrip {
                trip_id: trip_named(&payload_of::<CancelTripDto>(payload)?.trip_id)?,
            }),
            OpKind::CheckIn => {
                let check_in = CheckInPayload::deserialize(payload)
                    .map_err(|e| Error::new(ErrorCode::MalformedBody, e.to_string()))?;
                Ok(Op::CheckIn {
                    yard: YardId::parse(&check_in.yard_id)?,
                    check_in,
                })
            }
            OpKind::RecordCrossing => {
                Crossing::try_from(payload_of::<CrossingDto>(payload)?).map(Op::RecordCrossing)
            }
        }
    }
}

fn payload_of<'a, T: Deserialize<'a>>(payload: &'a serde_json::Value) -> Result<T, Error> {
    T::deserialize(payload)
        .map_err(|e| Error::new(ErrorCode::MalformedBody, format!("payload: {e}")))
}

/// The trip a write names. An id that is not even well-formed names none of the caller's
/// trips: `not_found`, the answer for any trip that is not theirs.
fn trip_named(id: &str) -> Result<TripId, Error> {
    TripId::parse(id).map_err(|_| Error::new(ErrorCode::NotFound, "no such trip of yours"))
}

/// One write's outcome in a [`SyncResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResultDto {
    pub seq: u64,
    pub outcome: Outcome,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// True when this write had already been dealt with: the outcome is the first one.
    #[serde(default)]
    pub replayed: bool,
}

/// `POST /api/sync` answers with one result per write sent, in order, and the last `seq`
/// the edge has dealt with for this client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub last_seq: u64,
    pub results: Vec<SyncResultDto>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000_000;
    const HOUR: i64 = 3_600_000;

    fn op(kind: &str, payload: serde_json::Value) -> SyncOp {
        SyncOp {
            seq: 1,
            kind: kind.into(),
            payload,
        }
    }

    fn trip_payload() -> serde_json::Value {
        json!({
            "id": "t-3n8d0p6yr2", "vehicle_id": "v-7k2m9q4xw1", "driver_name": "Nguyễn Văn An",
            "gate_id": "huu-nghi", "direction": "export", "cargo": "Thanh long",
            "perishable": true, "weight_kg": 18000,
            "window_from_ms": NOW + HOUR, "window_until_ms": NOW + 4 * HOUR
        })
    }

    fn code_of(kind: &str, payload: serde_json::Value) -> ErrorCode {
        Op::try_from(&op(kind, payload)).unwrap_err().code()
    }

    #[test]
    fn the_request_keeps_the_wire_shape() {
        let text = r#"{"client_id":"c_0123456789abcdef","ops":[{"seq":1,"kind":"trip.cancel","payload":{"trip_id":"t-1"}},{"seq":2,"kind":"trip.delete","payload":[1]}]}"#;
        let request: SyncRequest = serde_json::from_str(text).unwrap();
        assert_eq!(request.write_count(), 2);
        assert_eq!(request.ops[1].kind, "trip.delete");
        assert_eq!(serde_json::to_string(&request).unwrap(), text);
        // A field the protocol does not know is refused, in the request and in a write.
        assert!(
            serde_json::from_str::<SyncRequest>(r#"{"client_id":"x","ops":[],"x":1}"#).is_err()
        );
        assert!(serde_json::from_str::<SyncRequest>(
            r#"{"client_id":"x","ops":[{"seq":1,"kind":"k","payload":{},"x":1}]}"#
        )
        .is_err());
    }

    #[test]
    fn each_kind_becomes_its_typed_write() {
        let vehicle = json!({
            "id": "v-7k2m9q4xw1", "plate": "29c12345", "vehicle_type": "truck", "country": "VN"
        });
        let Op::RegisterVehicle(v) = Op::try_from(&op("vehicle.register", vehicle)).unwrap() else {
            panic!("not a vehicle")
        };
        assert!(v.plate.same_vehicle(&Plate::parse("29C-123.45").unwrap()));

        let created = Op::try_from(&op("trip.create", trip_payload())).unwrap();
        assert_eq!(created.kind(), OpKind::CreateTrip);
        assert_eq!(created.check_at(NOW), Ok(()));

        assert_eq!(
            Op::try_from(&op(
                "trip.set_declaration",
                json!({ "trip_id": "t-1", "declaration": "1234 5678 9012" })
            ))
            .unwrap(),
            Op::SetDeclaration {
                trip_id: TripId::parse("t-1").unwrap(),
                declaration: "123456789012".parse().unwrap(),
            }
        );
        assert_eq!(
            Op::try_from(&op("trip.cancel", json!({ "trip_id": "t-1" }))).unwrap(),
            Op::CancelTrip {
                trip_id: TripId::parse("t-1").unwrap()
            }
        );
        let check_in = Op::try_from(&op(
            "queue.check_in",
            json!({ "yard_id": "hn-fruit", "pass": "BP1:x", "scanned_at_ms": NOW }),
        ))
        .unwrap();
        assert_eq!(check_in.kind(), OpKind::CheckIn);
        assert!(check_in.kind().is_yard_operators());
        for kind in OpKind::ALL {
            assert_eq!(kind.is_yard_operators(), kind == OpKind::CheckIn);
            assert_eq!(kind.is_officers(), kind == OpKind::RecordCrossing);
            assert_eq!(
                kind.is_trip_owners(),
                !matches!(kind, OpKind::CheckIn | OpKind::RecordCrossing)
            );
        }
        let crossing = Op::try_from(&op(
            "resident.cross",
            json!({
                "id": "x-3n8d0p6yr2", "resident": "abababababababab", "at_ms": NOW,
                "direction": "in", "goods": [{ "description": "Rau", "value_vnd": 500000 }],
                "recorded_by": "tan-thanh"
            }),
        ))
        .unwrap();
        let Op::RecordCrossing(c) = crossing else {
            panic!("not a crossing")
        };
        assert_eq!(c.goods_total_vnd(), 500_000);
    }

    #[test]
    fn a_bad_write_is_refused_with_the_rule_it_breaks() {
        assert_eq!(code_of("trip.delete", json!({})), ErrorCode::MalformedBody);
        assert_eq!(code_of("trip.cancel", json!([1])), ErrorCode::MalformedBody);
        assert_eq!(
            code_of("trip.cancel", json!({ "trip_id": "t-1", "why": "no" })),
            ErrorCode::MalformedBody
        );
        // A trip id that cannot exist is no trip of the caller's.
        assert_eq!(
            code_of("trip.cancel", json!({ "trip_id": "T 1" })),
            ErrorCode::NotFound
        );
        assert_eq!(
            code_of(
                "trip.set_declaration",
                json!({ "trip_id": "t-1", "declaration": "12" })
            ),
            ErrorCode::InvalidDeclarationNumber
        );
        assert_eq!(
            code_of(
                "vehicle.register",
                json!({ "id": "v-1", "plate": "nope", "vehicle_type": "truck", "country": "VN" })
            ),
            ErrorCode::InvalidPlate
        );
        let mut backwards = trip_payload();
        backwards["window_until_ms"] = json!(NOW);
        assert_eq!(code_of("trip.create", backwards), ErrorCode::InvalidWindow);
        assert_eq!(
            code_of(
                "queue.check_in",
                json!({ "yard_id": "Not A Yard", "pass": "BP1:x", "scanned_at_ms": NOW })
            ),
            ErrorCode::InvalidId
        );
        let crossing = |value: serde_json::Value| {
            json!({
                "id": "x-3n8d0p6yr2", "resident": "abababababababab", "at_ms": NOW,
                "direction": "in", "goods": [{ "description": "Rau", "value_vnd": value }],
                "recorded_by": "tan-thanh"
            })
        };
        for absurd in [
            json!(-1),
            json!(10_000_000_001_i64),
            json!(i64::MIN),
            json!(i64::MAX),
        ] {
            assert_eq!(
                code_of("resident.cross", crossing(absurd)),
                ErrorCode::InvalidGoods
            );
        }
        assert_eq!(
            code_of("resident.cross", crossing(json!(1.5))),
            ErrorCode::MalformedBody
        );
        let mut at_extreme = crossing(json!(1));
        at_extreme["at_ms"] = json!(i64::MAX);
        assert_eq!(
            code_of("resident.cross", at_extreme),
            ErrorCode::TimeOutOfRange
        );
    }

    #[test]
    fn a_trip_whose_window_is_over_is_refused_when_it_arrives() {
        let created = Op::try_from(&op("trip.create", trip_payload())).unwrap();
        assert_eq!(
            created.check_at(NOW + 5 * HOUR).unwrap_err().code(),
            ErrorCode::InvalidWindow
        );
        assert_eq!(
            created.check_at(NOW - 61 * 24 * HOUR).unwrap_err().code(),
            ErrorCode::InvalidWindow
        );
    }
}
