//! The phones' outbox: `POST /api/sync` answers.

use super::*;

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
}

impl OpKind {
    pub const ALL: [OpKind; 5] = [
        OpKind::RegisterVehicle,
        OpKind::CreateTrip,
        OpKind::SetDeclaration,
        OpKind::CancelTrip,
        OpKind::CheckIn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::RegisterVehicle => "vehicle.register",
            OpKind::CreateTrip => "trip.create",
            OpKind::SetDeclaration => "trip.set_declaration",
            OpKind::CancelTrip => "trip.cancel",
            OpKind::CheckIn => "queue.check_in",
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
