//! The JSON shapes of the HTTP API, versioned.
//!
//! Wire types are not domain types: they are what travels, so they stay stable while the
//! domain evolves. Converting a wire type into a domain type runs the domain's validation, the
//! same in the app and at the edge.

pub mod v1 {
    use crate::sync::Outcome;
    use crate::time::{format_hhmm, parse_hhmm};
    use crate::{
        check_new_password, ArrivalWindow, Cargo, Country, Direction, DisplayName, Error,
        ErrorCode, Gate, GateId, GateKind, HsCode, LocalizedText, PhoneNumber, Plate,
        Responsibility, Role, Trip, TripId, TripStatus, Vehicle, VehicleId, VehicleType, WeightKg,
        Yard, YardId,
    };
    use serde::{Deserialize, Serialize};

    /// The version of these shapes; sent in [`HealthResponse`].
    pub const API_VERSION: u32 = 1;

    /// Largest request body the edge reads, in bytes.
    pub const MAX_BODY_BYTES: usize = 64 * 1024;

    /// The body of every error response.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ErrorBody {
        pub code: ErrorCode,
        /// English, for developers and logs; users see the translation of `code`.
        pub message: String,
    }

    impl From<&Error> for ErrorBody {
        fn from(e: &Error) -> Self {
            ErrorBody {
                code: e.code(),
                message: e.detail().to_owned(),
            }
        }
    }

    impl From<ErrorBody> for Error {
        fn from(body: ErrorBody) -> Self {
            Error::new(body.code, body.message)
        }
    }

    /// `GET /api/health`
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct HealthResponse {
        pub status: String,
        pub api_version: u32,
        /// When the scheduled job last ran (Unix ms), if ever.
        pub last_cron_at_ms: Option<i64>,
    }

    /// `GET /api/gates`
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct GatesResponse {
        pub gates: Vec<GateDto>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct GateDto {
        pub id: String,
        pub kind: GateKind,
        pub name: LocalizedText,
        pub counterpart: LocalizedText,
        pub yards: Vec<YardDto>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct YardDto {
        pub id: String,
        pub name: LocalizedText,
        pub daily_capacity: u32,
        pub slot_minutes: u16,
        pub perishable_percent: u8,
        /// Local opening time, `HH:MM`.
        pub opens: String,
        /// Local closing time, `HH:MM` (`24:00` for midnight).
        pub closes: String,
    }

    /// `GET /api/yards/{id}/status`: the yard's Durable Object answering for itself.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct YardStatusResponse {
        pub yard_id: String,
        /// Version of the object's SQLite schema.
        pub schema_version: u32,
        /// When the object first served a request (Unix ms), from its own storage.
        pub first_seen_at_ms: i64,
        /// Status calls served so far, counted in the object's storage.
        pub status_calls: u64,
        /// Times the object has migrated its schema: once per schema version it has run, not
        /// once per call (0 for an object whose schema predates the count).
        #[serde(default)]
        pub schema_migrations: u64,
    }

    impl From<&Yard> for YardDto {
        fn from(y: &Yard) -> Self {
            YardDto {
                id: y.id.to_string(),
                name: y.name.clone(),
                daily_capacity: y.daily_capacity,
                slot_minutes: y.slot_minutes,
                perishable_percent: y.perishable_percent,
                opens: format_hhmm(y.opens_minute),
                closes: format_hhmm(y.closes_minute),
            }
        }
    }

    impl TryFrom<YardDto> for Yard {
        type Error = Error;

        fn try_from(dto: YardDto) -> Result<Self, Error> {
            let hours = |s: &str| {
                parse_hhmm(s).ok_or_else(|| {
                    Error::new(
                        ErrorCode::MalformedBody,
                        format!("{s:?} is not a HH:MM time"),
                    )
                })
            };
            let yard = Yard {
                id: YardId::parse(&dto.id)?,
                name: dto.name,
                daily_capacity: dto.daily_capacity,
                slot_minutes: dto.slot_minutes,
                perishable_percent: dto.perishable_percent,
                opens_minute: hours(&dto.opens)?,
                closes_minute: hours(&dto.closes)?,
            };
            yard.validate()?;
            Ok(yard)
        }
    }

    impl From<&Gate> for GateDto {
        fn from(g: &Gate) -> Self {
            GateDto {
                id: g.id.to_string(),
                kind: g.kind,
                name: g.name.clone(),
                counterpart: g.counterpart.clone(),
                yards: g.yards.iter().map(YardDto::from).collect(),
            }
        }
    }

    impl TryFrom<GateDto> for Gate {
        type Error = Error;

        fn try_from(dto: GateDto) -> Result<Self, Error> {
            let gate = Gate {
                id: GateId::parse(&dto.id)?,
                kind: dto.kind,
                name: dto.name,
                counterpart: dto.counterpart,
                yards: dto
                    .yards
                    .into_iter()
                    .map(Yard::try_from)
                    .collect::<Result<_, _>>()?,
            };
            gate.validate()?;
            Ok(gate)
        }
    }

    /// `POST /api/auth/signup`: a driver, trader or resident signs up on their phone, with the
    /// code that `POST /api/auth/codes` sent to it. The device becomes known to the account.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct SignUpRequest {
        pub phone: String,
        pub password: String,
        pub role: String,
        #[serde(default)]
        pub display_name: Option<String>,
        pub code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub device_id: Option<String>,
    }

    /// `POST /api/auth/signin`. From a device the account does not know, the answer is
    /// `code_required` (a code was sent by SMS); the same request with `code` then signs in
    /// and remembers the device.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct SignInRequest {
        pub phone: String,
        pub password: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub device_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub code: Option<String>,
    }

    /// `POST /api/auth/codes`: send a one-time code for `purpose` (`sign_up` or
    /// `reset_password`). The answer is the same whether or not the phone has an account.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct CodeRequest {
        pub phone: String,
        pub purpose: String,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CodeSent {
        pub sent: bool,
        /// How long a code is valid.
        pub expires_in_secs: i64,
    }

    /// `POST /api/auth/password-reset`: a new password with the code sent for
    /// `reset_password`. Every session of the account ends; this device is signed in.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct PasswordResetRequest {
        pub phone: String,
        pub code: String,
        pub new_password: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub device_id: Option<String>,
    }

    /// `GET /api/dev/sms?phone=`: the local SMS double's inbox (only with `SMS_ADAPTER=local`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SmsInbox {
        pub messages: Vec<SmsMessage>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SmsMessage {
        pub phone: String,
        pub text: String,
        pub sent_at_ms: i64,
    }

    /// `POST /api/auth/password`: change one's own password (other sessions are signed out).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct ChangePasswordRequest {
        pub current_password: String,
        pub new_password: String,
    }

    /// `POST /api/admin/accounts`: an admin creates a staff account bound to its yard or gate.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct CreateAccountRequest {
        pub phone: String,
        pub password: String,
        pub role: String,
        pub display_name: String,
        #[serde(default)]
        pub yard_id: Option<String>,
        #[serde(default)]
        pub gate_id: Option<String>,
    }

    /// A new session: the bearer token is shown once, here.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SessionResponse {
        pub token: String,
        pub expires_at_ms: i64,
        pub account: AccountDto,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct AccountDto {
        pub id: String,
        /// E.164 (`+84912345678`).
        pub phone: String,
        pub role: Role,
        pub display_name: Option<String>,
        pub yard_id: Option<String>,
        pub gate_id: Option<String>,
        pub disabled: bool,
        pub created_at_ms: i64,
    }

    /// `GET /api/admin/accounts`
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct AccountsResponse {
        pub accounts: Vec<AccountDto>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct AuditEntryDto {
        pub id: i64,
        pub at_ms: i64,
        pub actor_id: Option<String>,
        pub event: String,
        pub subject: Option<String>,
        /// A small JSON object with the event's facts (never passwords or tokens).
        pub detail: String,
    }

    /// `GET /api/admin/audit`: newest first.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct AuditLogResponse {
        pub entries: Vec<AuditEntryDto>,
    }

    /// An acknowledgement for actions with nothing else to say.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Done {
        pub done: bool,
    }

    /// A validated self sign-up.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct SignUp {
        pub phone: PhoneNumber,
        pub password: String,
        pub role: Role,
        pub display_name: Option<DisplayName>,
    }

    impl TryFrom<SignUpRequest> for SignUp {
        type Error = Error;

        fn try_from(req: SignUpRequest) -> Result<Self, Error> {
            let phone = PhoneNumber::parse(&req.phone)?;
            let role: Role = req.role.parse()?;
            if !role.is_self_service() {
                return Err(Error::new(
                    ErrorCode::InvalidRole,
                    "staff accounts are created by an admin",
                ));
            }
            check_new_password(&req.password, &phone)?;
            let display_name = match req.display_name.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(name) => Some(DisplayName::parse(name)?),
            };
            Ok(SignUp {
                phone,
                password: req.password,
                role,
                display_name,
            })
        }
    }

    /// A validated staff account, created by an admin.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct NewStaffAccount {
        pub phone: PhoneNumber,
        pub password: String,
        pub role: Role,
        pub display_name: DisplayName,
        pub responsibility: Responsibility,
    }

    impl TryFrom<CreateAccountRequest> for NewStaffAccount {
        type Error = Error;

        fn try_from(req: CreateAccountRequest) -> Result<Self, Error> {
            let phone = PhoneNumber::parse(&req.phone)?;
            let role: Role = req.role.parse()?;
            check_new_password(&req.password, &phone)?;
            let display_name = DisplayName::parse(&req.display_name)?;
            let yard = req.yard_id.as_deref().map(YardId::parse).transpose()?;
            let gate = req.gate_id.as_deref().map(GateId::parse).transpose()?;
            let responsibility = Responsibility::for_role(role, yard, gate)?;
            Ok(NewStaffAccount {
                phone,
                password: req.password,
                role,
                display_name,
                responsibility,
            })
        }
    }

    // ---- Vehicles, trips and passes -------------------------------------------------------

    /// A vehicle as registered (`vehicle.register`) and as listed.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct VehicleDto {
        pub id: String,
        pub plate: String,
        #[serde(default)]
        pub trailer: Option<String>,
        pub vehicle_type: String,
        pub country: Country,
        /// In lists: a yard operator or officer has seen the registration papers (set by the
        /// edge; a write that sends it changes nothing).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub verified: bool,
    }

    /// `POST /api/vehicles/verifications`: a yard operator or officer has seen the vehicle's
    /// registration papers. The vehicle is found from one of its trips: `trip_id` (a booking in
    /// the operator's day list) or `pass_id` (a scanned pass), exactly one; `plate` is as
    /// written on the papers and must be the trip's vehicle's.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct VerifyVehicleRequest {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub trip_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub pass_id: Option<String>,
        pub plate: String,
        pub registration_number: String,
    }

    /// The answer: the vehicle now verified, and how many other accounts' bookings of its
    /// plate were released.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct VerifyVehicleResponse {
        pub vehicle_id: String,
        pub plate: String,
        pub verified_at_ms: i64,
        pub released_bookings: u32,
    }

    /// A booking of mine that the edge released (in `GET /api/bookings`): why, for the app to
    /// say on the booking. `reason` is an error code (`plate_verified_elsewhere`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct BookingReleaseDto {
        pub booking_id: String,
        pub reason: ErrorCode,
        pub released_at_ms: i64,
    }

    impl TryFrom<VehicleDto> for Vehicle {
        type Error = Error;

        fn try_from(dto: VehicleDto) -> Result<Self, Error> {
            Vehicle::new(
                VehicleId::parse(&dto.id)?,
                Plate::parse(&dto.plate)?,
                optional(dto.trailer.as_deref(), Plate::parse)?,
                VehicleType::parse(&dto.vehicle_type)?,
                dto.country,
            )
        }
    }

    impl From<&Vehicle> for VehicleDto {
        fn from(v: &Vehicle) -> Self {
            VehicleDto {
                id: v.id.to_string(),
                plate: v.plate.display().to_owned(),
                trailer: v.trailer.as_ref().map(|t| t.display().to_owned()),
                vehicle_type: v.vehicle_type.as_str().to_owned(),
                country: v.country(),
                verified: false,
            }
        }
    }

    /// A trip as registered (`trip.create`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct TripDto {
        pub id: String,
        pub vehicle_id: String,
        #[serde(default)]
        pub trailer: Option<String>,
        pub driver_name: String,
        pub gate_id: String,
        pub direction: Direction,
        pub cargo: String,
        pub perishable: bool,
        #[serde(default)]
        pub hs_code: Option<String>,
        pub weight_kg: u32,
        #[serde(default)]
        pub declaration: Option<String>,
        pub window_from_ms: i64,
        pub window_until_ms: i64,
    }

    impl TripDto {
        /// Validates the trip as of `now_ms` (the window must not be over yet).
        pub fn validate(self, now_ms: i64) -> Result<Trip, Error> {
            ArrivalWindow::new(self.window_from_ms, self.window_until_ms, now_ms)?;
            self.validate_stored()
        }

        /// Validates a trip as it was stored (accepted once): the same rules, no clock.
        pub fn validate_stored(self) -> Result<Trip, Error> {
            Ok(Trip {
                id: TripId::parse(&self.id)?,
                vehicle_id: VehicleId::parse(&self.vehicle_id)?,
                trailer: optional(self.trailer.as_deref(), Plate::parse)?,
                driver_name: DisplayName::parse(&self.driver_name)?,
                gate: GateId::parse(&self.gate_id)?,
                direction: self.direction,
                cargo: Cargo::new(&self.cargo, self.perishable)?,
                hs_code: optional(self.hs_code.as_deref(), HsCode::parse)?,
                weight: WeightKg::new(self.weight_kg)?,
                declaration: optional(self.declaration.as_deref(), str::parse)?,
                window: ArrivalWindow::stored(self.window_from_ms, self.window_until_ms)?,
            })
        }
    }

    impl From<&Trip> for TripDto {
        fn from(t: &Trip) -> Self {
            TripDto {
                id: t.id.to_string(),
                vehicle_id: t.vehicle_id.to_string(),
                trailer: t.trailer.as_ref().map(|p| p.display().to_owned()),
                driver_name: t.driver_name.as_str().to_owned(),
                gate_id: t.gate.to_string(),
                direction: t.direction,
                cargo: t.cargo.description().to_owned(),
                perishable: t.cargo.is_perishable(),
                hs_code: t.hs_code.as_ref().map(|h| h.to_string()),
                weight_kg: t.weight.kg(),
                declaration: t.declaration.as_ref().map(|d| d.to_string()),
                window_from_ms: t.window.from_ms(),
                window_until_ms: t.window.until_ms(),
            }
        }
    }

    /// `trip.set_declaration`: the customs declaration number, often known only later.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct SetDeclarationDto {
        pub trip_id: String,
        pub declaration: String,
    }

    /// `trip.cancel`: calls the trip off and revokes its pass.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct CancelTripDto {
        pub trip_id: String,
    }

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

    /// A signed pass as the app shows it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PassDto {
        /// Hex.
        pub id: String,
        /// `BP1:…`, the QR's content.
        pub code: String,
        /// Unix seconds.
        pub valid_from: i64,
        pub valid_until: i64,
        pub revoked: bool,
    }

    /// A trip as stored at the edge, with its status and current pass.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct TripRecordDto {
        #[serde(flatten)]
        pub trip: TripDto,
        pub status: TripStatus,
        pub pass: Option<PassDto>,
        pub created_at_ms: i64,
        pub updated_at_ms: i64,
    }

    /// `GET /api/trips`: the account's own vehicles and trips, newest trips first.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct TripsResponse {
        pub vehicles: Vec<VehicleDto>,
        pub trips: Vec<TripRecordDto>,
    }

    /// A public key that signs passes (hex).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct KeyDto {
        pub kid: String,
        pub public_key: String,
    }

    /// `GET /api/keys`: the trust list, every key whose passes may still be valid.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct KeysResponse {
        pub keys: Vec<KeyDto>,
    }

    /// `GET /api/revocations`: the deny-list, revoked passes that have not expired yet (with
    /// `?since=<ms>`, only those revoked after that instant: a verifier merges them into the
    /// list it holds and asks again `since` this answer's `as_of_ms`).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RevocationsResponse {
        pub pass_ids: Vec<String>,
        pub as_of_ms: i64,
        /// The same passes with why and when each was revoked.
        #[serde(default)]
        pub revoked: Vec<RevocationDto>,
    }

    /// One revoked pass: `reason` is `cancelled` (its trip was), `superseded` (a newer pass of
    /// the trip replaced it), `completed` (its trip was served) or `disabled` (its account was).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RevocationDto {
        pub pass_id: String,
        pub reason: String,
        pub revoked_at_ms: i64,
        /// Unix seconds: after it the pass is expired anyway and can be forgotten.
        pub valid_until: i64,
    }

    /// `POST /api/yards/{id}/queue/check-ins`: the operator scanned a pass. `scanned_at_ms`
    /// defaults to now.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct CheckInRequest {
        pub pass: String,
        #[serde(default)]
        pub scanned_at_ms: Option<i64>,
    }

    /// The outbox payload of [`OpKind::CheckIn`]: a check-in scanned offline.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct CheckInPayload {
        pub yard_id: String,
        pub pass: String,
        pub scanned_at_ms: i64,
    }

    /// The answer to a check-in: the vehicle's entry and its place in its lane.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CheckInResponse {
        pub entry: crate::queue::Entry,
        pub position: Option<u32>,
    }

    /// `POST /api/yards/{id}/queue/call`: call the next `count` vehicles of a lane.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct CallRequest {
        pub lane: crate::booking::Lane,
        pub count: u32,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CallResponse {
        pub called: Vec<crate::queue::Entry>,
    }

    /// `POST /api/yards/{id}/queue/entries/{entry}/move`: a new place, and why.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct MoveRequest {
        pub position: u32,
        pub reason: String,
    }

    /// `GET /api/board`: every yard's queue figures, for anyone.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct BoardResponse {
        pub as_of_ms: i64,
        pub yards: Vec<BoardYardDto>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct BoardYardDto {
        pub yard_id: String,
        pub gate_id: String,
        /// `None` for a yard whose queue has never been used.
        pub stats: Option<crate::queue::QueueStats>,
    }

    fn optional<T>(
        value: Option<&str>,
        parse: impl Fn(&str) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        match value.map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => parse(v).map(Some),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn sample() -> GateDto {
            serde_json::from_str(
                r#"{"id":"chi-ma","kind":"main",
                    "name":{"vi":"Cửa khẩu Chi Ma","en":"Chi Ma Border Gate","zh":"支麻口岸"},
                    "counterpart":{"vi":"Ái Điếm","en":"Aidian","zh":"爱店"},
                    "yards":[{"id":"cm-general","name":{"vi":"Bãi A","en":"Yard A","zh":"A 停车场"},
                      "daily_capacity":350,"slot_minutes":60,"perishable_percent":20,
                      "opens":"06:00","closes":"22:00"}]}"#,
            )
            .unwrap()
        }

        #[test]
        fn a_gate_round_trips_through_the_domain() {
            let dto = sample();
            let gate = Gate::try_from(dto.clone()).unwrap();
            assert_eq!(gate.yards[0].opens_minute, 360);
            assert_eq!(GateDto::from(&gate), dto);
        }

        #[test]
        fn invalid_wire_data_is_refused_by_the_same_rules() {
            let mut dto = sample();
            dto.yards[0].closes = "25:00".into();
            assert_eq!(
                Gate::try_from(dto).unwrap_err().code(),
                ErrorCode::MalformedBody
            );
            let mut dto = sample();
            dto.id = "Chi Ma".into();
            assert_eq!(
                Gate::try_from(dto).unwrap_err().code(),
                ErrorCode::InvalidId
            );
        }

        fn sign_up(role: &str, password: &str) -> SignUpRequest {
            SignUpRequest {
                phone: "0912 345 678".into(),
                password: password.into(),
                role: role.into(),
                display_name: Some("  Lê Thị Hoa ".into()),
                code: "123456".into(),
                device_id: None,
            }
        }

        #[test]
        fn a_self_sign_up_is_validated_by_the_domain_rules() {
            let s = SignUp::try_from(sign_up("trader", "hang hoa 2026")).unwrap();
            assert_eq!(s.phone.e164(), "+84912345678");
            assert_eq!(s.role, Role::Trader);
            assert_eq!(s.display_name.unwrap().as_str(), "Lê Thị Hoa");
            let code = |r: SignUpRequest| SignUp::try_from(r).unwrap_err().code();
            assert_eq!(
                code(sign_up("admin", "hang hoa 2026")),
                ErrorCode::InvalidRole
            );
            assert_eq!(
                code(sign_up("officer", "hang hoa 2026")),
                ErrorCode::InvalidRole
            );
            assert_eq!(
                code(sign_up("pilot", "hang hoa 2026")),
                ErrorCode::InvalidRole
            );
            assert_eq!(code(sign_up("driver", "12345678")), ErrorCode::WeakPassword);
            let mut bad_phone = sign_up("driver", "hang hoa 2026");
            bad_phone.phone = "12345".into();
            assert_eq!(code(bad_phone), ErrorCode::InvalidPhone);
        }

        #[test]
        fn requests_with_unknown_fields_are_refused() {
            let json = r#"{"phone":"0912345678","password":"hang hoa 2026","role":"driver","is_admin":true}"#;
            assert!(serde_json::from_str::<SignUpRequest>(json).is_err());
        }

        #[test]
        fn staff_accounts_need_their_binding() {
            let req = |role: &str, yard: Option<&str>, gate: Option<&str>| CreateAccountRequest {
                phone: "0387654321".into(),
                password: "bien phong 2026".into(),
                role: role.into(),
                display_name: "Trần Văn Bình".into(),
                yard_id: yard.map(Into::into),
                gate_id: gate.map(Into::into),
            };
            let officer =
                NewStaffAccount::try_from(req("officer", None, Some("huu-nghi"))).unwrap();
            assert_eq!(officer.responsibility.gate().unwrap().as_str(), "huu-nghi");
            assert!(NewStaffAccount::try_from(req("yard_operator", Some("cm-1"), None)).is_ok());
            assert_eq!(
                NewStaffAccount::try_from(req("officer", None, None))
                    .unwrap_err()
                    .code(),
                ErrorCode::InvalidBinding
            );
            assert_eq!(
                NewStaffAccount::try_from(req("officer", None, Some("Huu Nghi")))
                    .unwrap_err()
                    .code(),
                ErrorCode::InvalidId
            );
        }

        #[test]
        fn error_body_carries_the_stable_code() {
            let body = ErrorBody::from(&Error::new(ErrorCode::NotFound, "no such route"));
            let json = serde_json::to_value(&body).unwrap();
            assert_eq!(json["code"], "not_found");
            assert_eq!(json["message"], "no such route");
            assert_eq!(Error::from(body).code(), ErrorCode::NotFound);
        }
        #[test]
        fn a_trip_round_trips_and_bad_fields_are_named() {
            let now = 1_795_829_400_000;
            let json = r#"{"id":"t-abc123","vehicle_id":"v-abc123","driver_name":" Nguyễn  Văn An ",
                "gate_id":"huu-nghi","direction":"export","cargo":"Thanh long","perishable":true,
                "hs_code":"0810.90","weight_kg":18000,"declaration":"",
                "window_from_ms":1795829400000,"window_until_ms":1795843800000}"#;
            let dto: TripDto = serde_json::from_str(json).unwrap();
            let trip = dto.clone().validate(now).unwrap();
            assert_eq!(trip.driver_name.as_str(), "Nguyễn Văn An");
            assert!(trip.declaration.is_none());
            assert_eq!(TripDto::from(&trip).hs_code.as_deref(), Some("081090"));
            let cases = [
                (
                    TripDto {
                        weight_kg: 0,
                        ..dto.clone()
                    },
                    ErrorCode::InvalidWeight,
                ),
                (
                    TripDto {
                        declaration: Some("123".into()),
                        ..dto.clone()
                    },
                    ErrorCode::InvalidDeclarationNumber,
                ),
                (
                    TripDto {
                        gate_id: "Hữu Nghị".into(),
                        ..dto.clone()
                    },
                    ErrorCode::InvalidId,
                ),
                (
                    TripDto {
                        window_until_ms: dto.window_from_ms,
                        ..dto.clone()
                    },
                    ErrorCode::InvalidWindow,
                ),
                (
                    TripDto {
                        trailer: Some("nope".into()),
                        ..dto.clone()
                    },
                    ErrorCode::InvalidPlate,
                ),
                (
                    TripDto {
                        cargo: "x".repeat(201),
                        ..dto.clone()
                    },
                    ErrorCode::InvalidCargo,
                ),
            ];
            for (bad, code) in cases {
                assert_eq!(bad.validate(now).unwrap_err().code(), code);
            }
            let unknown_field = json.replace("\"perishable\":true", "\"perishable\":true,\"x\":1");
            assert!(serde_json::from_str::<TripDto>(&unknown_field).is_err());
        }

        #[test]
        fn a_vehicle_round_trips() {
            let dto: VehicleDto = serde_json::from_str(
                r#"{"id":"v-abc123","plate":"29c12345","trailer":"29R-012.34","vehicle_type":"tractor","country":"VN"}"#,
            )
            .unwrap();
            let vehicle = Vehicle::try_from(dto).unwrap();
            assert!(vehicle
                .plate
                .same_vehicle(&Plate::parse("29C-123.45").unwrap()));
            let back = Vehicle::try_from(VehicleDto::from(&vehicle)).unwrap();
            assert_eq!(back, vehicle);
        }

        #[test]
        fn write_kinds_round_trip() {
            for kind in OpKind::ALL {
                assert_eq!(OpKind::parse(kind.as_str()).unwrap(), kind);
                let json = serde_json::to_string(&kind).unwrap();
                assert_eq!(json, format!("\"{}\"", kind.as_str()));
            }
            assert_eq!(
                OpKind::parse("trip.delete").unwrap_err().code(),
                ErrorCode::MalformedBody
            );
        }
    }
}
