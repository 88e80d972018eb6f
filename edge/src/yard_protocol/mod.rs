//! The one protocol between the Worker and a yard's Durable Object.
//!
//! [`YardRequest`] lists every method the object serves; each method is a struct of its own
//! with its answer type ([`YardMethod::Answer`]). A call travels as an [`Envelope`] (the yard,
//! its directory setup, "now", the request) and its answer comes back as
//! `Result<Answer, ErrorBody>`: both serialised by `serde_json` on both sides (never by
//! JavaScript, where integers past 2^53 become floats). No status code carries meaning: a
//! refusal is the answer's `Err`, which the Worker turns into its [`crate::error::ApiError`].
//!
//! [`client::YardClient`] is the Worker's one client; `facts.rs` holds the trip facts as they
//! travel. The WebSocket of a phone following its trip is the one call outside the enum: it is
//! an HTTP upgrade, handed over as it came ([`client::YardClient::forward_live`]).

pub mod client;
pub mod facts;

pub use client::YardClient;
pub use facts::{CheckInTrip, TripFactsDto};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::booking::{Booking, BookingId, DayAvailability, Lane, LocalDate, YardConfig};
use shared::queue::{Entry, QueueEntryId, TripQueueView, YardQueueView};
use shared::wire::v1::{CallResponse, CheckInResponse, ErrorBody, YardStatusResponse};
use shared::yard::{BookingAnswer, YardSetup};
use shared::{AccountId, Role, TripId, YardId};

/// The path of a call in the enum; the only other path is [`LIVE_PATH`].
pub const CALL_PATH: &str = "/call";
/// A phone's WebSocket upgrade, for the trip in [`TRIP_ID_HEADER`].
pub const LIVE_PATH: &str = "/live";
/// The header that tells the object which yard a live connection is for.
pub const YARD_ID_HEADER: &str = "x-yard-id";
/// The header that carries the trip a live connection follows.
pub const TRIP_ID_HEADER: &str = "x-trip-id";
/// The WebSocket subprotocol the app asks for (next to `bearer.<token>`).
pub const LIVE_SUBPROTOCOL: &str = "borderpass";

/// One call: which yard (objects are named after their yard), what the directory says of it
/// (used the first time the object sees it; `None` for calls that need no yard state),
/// "now" (the Worker's clock, or the test clock) and the request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope {
    pub yard: YardId,
    pub setup: Option<YardSetup>,
    pub now_ms: i64,
    pub request: YardRequest,
}

/// A method of the yard's object: its request struct, and what it answers.
pub trait YardMethod: Into<YardRequest> {
    type Answer: Serialize + DeserializeOwned;
}

/// What a call answers on the wire.
pub type WireAnswer<T> = Result<T, ErrorBody>;

macro_rules! yard_methods {
    ($($(#[$doc:meta])* $method:ident => $answer:ty),* $(,)?) => {
        /// Every method of the yard's object.
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(tag = "method", rename_all = "snake_case")]
        pub enum YardRequest {
            $($(#[$doc])* $method($method)),*
        }

        $(
            impl YardMethod for $method {
                type Answer = $answer;
            }

            impl From<$method> for YardRequest {
                fn from(m: $method) -> Self {
                    YardRequest::$method(m)
                }
            }
        )*
    };
}

yard_methods! {
    /// The object's own counters (schema version, migrations, calls): no yard state.
    Status => YardStatusResponse,
    Availability => DayAvailability,
    Book => BookingAnswer,
    Cancel => BookingAnswer,
    Reschedule => BookingAnswer,
    /// The yard releases a booking (trip cancelled, account disabled, plate verified).
    CancelByYard => Booking,
    DayBookings => Vec<Booking>,
    GetConfig => YardConfig,
    SetConfig => YardConfig,
    CheckIn => CheckInResponse,
    /// The first answer stored for an outbox check-in's key, if any.
    StoredCheckIn => Option<WireAnswer<CheckInResponse>>,
    LanesView => YardQueueView,
    Call => CallResponse,
    Serve => Entry,
    Absent => Entry,
    Move => Entry,
    TripView => TripQueueView,
    AccountDisabled => AccountDisabledAnswer,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Availability {
    pub date: LocalDate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Book {
    pub account: AccountId,
    pub role: Role,
    pub trip: TripFactsDto,
    pub slot_start_ms: i64,
    pub lane: Option<Lane>,
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cancel {
    pub account: AccountId,
    pub booking_id: String,
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reschedule {
    pub account: AccountId,
    pub booking_id: String,
    pub slot_start_ms: i64,
    pub lane: Option<Lane>,
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CancelByYard {
    pub booking_id: BookingId,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DayBookings {
    pub date: LocalDate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetConfig {}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetConfig {
    pub config: YardConfig,
}

/// A verified pass was scanned. `key` is set for check-ins from an operator's outbox
/// (`client:seq`), so a replay gets the first answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckIn {
    pub trip: CheckInTrip,
    pub scanned_at_ms: i64,
    pub key: Option<String>,
}

/// Asked before the pass is checked again, so a replay gets the first answer even if the
/// pass changed since.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredCheckIn {
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LanesView {}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Call {
    pub lane: Lane,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Serve {
    pub entry: QueueEntryId,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Absent {
    pub entry: QueueEntryId,
}

/// The operator `by` moves a waiting vehicle, with a reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Move {
    pub entry: QueueEntryId,
    pub position: u32,
    pub reason: String,
    pub by: AccountId,
}

/// Where one trip stands, for its owner.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TripView {
    pub trip_id: TripId,
}

/// The account was disabled: its vehicles in the queue are flagged for the operator and the
/// phones following its trips are disconnected.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountDisabled {
    pub account_id: AccountId,
    pub trip_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDisabledAnswer {
    pub flagged: u32,
    pub closed: u32,
}

/// Parses a JSON body with `serde_json` (see the module's doc: never JavaScript's parser).
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, shared::Error> {
    serde_json::from_str(text)
        .map_err(|e| shared::Error::new(shared::ErrorCode::Internal, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_travels_as_tagged_json_and_back() {
        let envelope = Envelope {
            yard: YardId::parse("hn-fruit").unwrap(),
            setup: None,
            // Past 2^53: serde_json keeps it exact where JavaScript would not.
            now_ms: (1 << 53) + 1,
            request: Call {
                lane: Lane::General,
                count: 2,
            }
            .into(),
        };
        let json = serde_json::to_string(&envelope).unwrap();
        assert!(json.contains(r#""method":"call""#), "{json}");
        let back: Envelope = from_json(&json).unwrap();
        assert_eq!(back.now_ms, (1 << 53) + 1);
        assert!(matches!(
            back.request,
            YardRequest::Call(Call { count: 2, .. })
        ));
        let unit = serde_json::to_string(&YardRequest::from(LanesView {})).unwrap();
        assert!(matches!(
            from_json::<YardRequest>(&unit).unwrap(),
            YardRequest::LanesView(_)
        ));
    }

    #[test]
    fn a_refusal_is_the_answers_err() {
        let refused: WireAnswer<Entry> = Err(ErrorBody {
            code: shared::ErrorCode::QueueEmpty,
            message: "empty".into(),
        });
        let json = serde_json::to_string(&refused).unwrap();
        let back: WireAnswer<Entry> = from_json(&json).unwrap();
        assert_eq!(back.unwrap_err().code, shared::ErrorCode::QueueEmpty);
    }
}
