//! Vehicles, trips and the passes the app shows.

use super::*;
use crate::pass::PassId;
use crate::province::timeline::Timeline;
use crate::RegistrationNumber;

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

/// A vehicle verification, checked: the plate and certificate number as written on the papers,
/// and the trip that finds the vehicle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VehicleVerification {
    pub plate: Plate,
    pub registration: RegistrationNumber,
    pub found_by: VehicleFoundBy,
}

/// Which trip finds the vehicle: one named in the operator's day list, or the one a scanned
/// pass was issued for (the edge looks the pass up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VehicleFoundBy {
    Trip(TripId),
    Pass(PassId),
}

impl TryFrom<VerifyVehicleRequest> for VehicleVerification {
    type Error = Error;

    fn try_from(req: VerifyVehicleRequest) -> Result<Self, Error> {
        let plate = Plate::parse(&req.plate)?;
        let registration = RegistrationNumber::parse(&req.registration_number)?;
        let found_by = match (req.trip_id.as_deref(), req.pass_id.as_deref()) {
            (Some(trip), None) => VehicleFoundBy::Trip(TripId::parse(trip)?),
            (None, Some(pass)) => VehicleFoundBy::Pass(trip_pass_id(pass)?),
            _ => {
                return Err(Error::new(
                    ErrorCode::MalformedBody,
                    "name the vehicle by exactly one of `trip_id` and `pass_id`",
                ))
            }
        };
        Ok(VehicleVerification {
            plate,
            registration,
            found_by,
        })
    }
}

/// A trip pass's id: 12 hex characters, of either case.
fn trip_pass_id(s: &str) -> Result<PassId, Error> {
    if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::new(
            ErrorCode::InvalidId,
            "a pass id is 12 hex characters",
        ));
    }
    PassId::parse_hex(s)
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
    /// The province's platform has acknowledged the trip's record (`trip.accepted`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub province_received: bool,
    /// What the province's forces said about the trip, step by step (empty until they speak).
    #[serde(default)]
    pub timeline: Timeline,
}

/// `GET /api/trips`: the account's own vehicles and trips, newest trips first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripsResponse {
    pub vehicles: Vec<VehicleDto>,
    pub trips: Vec<TripRecordDto>,
}
