//! Vehicles and trips: the writes the outbox carries, and the owner's list.
//!
//! Each write is checked against `shared`'s rules and the stored state, then returned as the
//! statements that make it, for [`crate::sync`] to commit in one batch with the client's mark.
//! A write that breaks a rule is a [`Refused`]: recorded once and reported, never retried.

use crate::error::ApiError;
use crate::passes;
use serde::Deserialize;
use serde_json::json;
use shared::pass::PassSigner;
use shared::wire::v1::{
    CancelTripDto, OpKind, PassDto, SetDeclarationDto, TripDto, TripRecordDto, TripsResponse,
    VehicleDto,
};
use shared::{
    AccountId, DeclarationNumber, Error, ErrorCode, GateId, Plate, TripEvent, TripStatus, Vehicle,
};
use worker::{D1Database, D1PreparedStatement};

/// A write that breaks a rule: the reason, told to the user.
pub type Refused = Error;

/// The statements of an accepted write, or why it is refused.
pub type Checked = Result<Vec<D1PreparedStatement>, Refused>;

/// Who writes, and when.
pub struct Writer<'a> {
    pub db: &'a D1Database,
    pub signer: &'a PassSigner,
    pub account: &'a AccountId,
    pub now_ms: i64,
}

impl Writer<'_> {
    /// Checks one write of the given kind; `Err` only for failures of the edge itself.
    pub async fn check(
        &self,
        kind: OpKind,
        payload: serde_json::Value,
    ) -> Result<Checked, ApiError> {
        match kind {
            OpKind::RegisterVehicle => match payload_of::<VehicleDto>(payload) {
                Ok(dto) => self.register_vehicle(dto).await,
                Err(refused) => Ok(Err(refused)),
            },
            OpKind::CreateTrip => match payload_of::<TripDto>(payload) {
                Ok(dto) => self.create_trip(dto).await,
                Err(refused) => Ok(Err(refused)),
            },
            OpKind::SetDeclaration => match payload_of::<SetDeclarationDto>(payload) {
                Ok(dto) => self.set_declaration(dto).await,
                Err(refused) => Ok(Err(refused)),
            },
            OpKind::CancelTrip => match payload_of::<CancelTripDto>(payload) {
                Ok(dto) => self.cancel_trip(dto).await,
                Err(refused) => Ok(Err(refused)),
            },
            // Check-ins are the yard's (see `sync`); a trip owner's outbox never carries one.
            OpKind::CheckIn => Ok(Err(Error::new(
                ErrorCode::Forbidden,
                "only a yard operator checks vehicles in",
            ))),
        }
    }

    async fn register_vehicle(&self, dto: VehicleDto) -> Result<Checked, ApiError> {
        let vehicle = match Vehicle::try_from(dto) {
            Ok(v) => v,
            Err(refused) => return Ok(Err(refused)),
        };
        if self
            .find_vehicle_any_owner(vehicle.id.as_str())
            .await?
            .is_some()
        {
            return Ok(Err(Error::new(
                ErrorCode::InvalidId,
                "this vehicle id is taken",
            )));
        }
        let same_plate = self
            .db
            .prepare("SELECT id FROM vehicles WHERE account_id = ?1 AND plate_key = ?2")
            .bind(&[
                self.account.as_str().into(),
                vehicle.plate.normalized().into(),
            ])?
            .first::<IdRow>(None)
            .await?;
        if same_plate.is_some() {
            return Ok(Err(Error::new(
                ErrorCode::VehicleExists,
                "you have already registered this plate",
            )));
        }
        if crate::vehicles::verified_elsewhere(self.db, self.account, &vehicle.plate).await? {
            return Ok(Err(Error::new(
                ErrorCode::PlateVerifiedElsewhere,
                "this plate is verified for another account's vehicle",
            )));
        }
        let dto = VehicleDto::from(&vehicle);
        Ok(Ok(vec![
            self.db
                .prepare(
                    "INSERT INTO vehicles (id, account_id, plate, plate_key, trailer, vehicle_type,
                       country, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .bind(&[
                    dto.id.as_str().into(),
                    self.account.as_str().into(),
                    dto.plate.as_str().into(),
                    vehicle.plate.normalized().into(),
                    crate::sql::nullable(dto.trailer.as_deref()),
                    dto.vehicle_type.as_str().into(),
                    country_code(&dto).into(),
                    (self.now_ms as f64).into(),
                ])?,
            self.outbox("vehicle.registered", &dto.id, json!(dto))?,
        ]))
    }

    async fn create_trip(&self, dto: TripDto) -> Result<Checked, ApiError> {
        let trip = match dto.validate(self.now_ms) {
            Ok(t) => t,
            Err(refused) => return Ok(Err(refused)),
        };
        let vehicle = match self
            .find_vehicle_any_owner(trip.vehicle_id.as_str())
            .await?
        {
            Some(v) if v.account_id == self.account.as_str() => v,
            _ => {
                return Ok(Err(Error::new(
                    ErrorCode::NotFound,
                    "no such vehicle of yours",
                )))
            }
        };
        if !crate::gates::gate_exists(self.db, &trip.gate).await? {
            return Ok(Err(Error::new(
                ErrorCode::NotFound,
                format!("no gate {}", trip.gate),
            )));
        }
        if self.find_trip_any_owner(trip.id.as_str()).await?.is_some() {
            return Ok(Err(Error::new(
                ErrorCode::InvalidId,
                "this trip id is taken",
            )));
        }
        let status = match TripStatus::Submitted.transition(TripEvent::Accept) {
            Ok(s) => s,
            Err(refused) => return Ok(Err(refused)),
        };
        // The pass carries the trip's trailer, or the vehicle's usual one.
        let plate = Plate::parse(&vehicle.plate)?;
        let trailer = match &trip.trailer {
            Some(t) => Some(t.clone()),
            None => vehicle.trailer.as_deref().map(Plate::parse).transpose()?,
        };
        let issued = passes::issue(
            self.db,
            self.signer,
            &trip,
            &plate,
            trailer.as_ref(),
            None,
            self.now_ms,
        )?;
        let dto = TripDto::from(&trip);
        let mut statements = vec![self
            .db
            .prepare(
                "INSERT INTO trips (id, account_id, vehicle_id, trailer, driver_name, gate_id,
                   direction, cargo, perishable, hs_code, weight_kg, declaration, window_from_ms,
                   window_until_ms, status, created_at_ms, updated_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
            )
            .bind(&[
                dto.id.as_str().into(),
                self.account.as_str().into(),
                dto.vehicle_id.as_str().into(),
                crate::sql::nullable(dto.trailer.as_deref()),
                dto.driver_name.as_str().into(),
                dto.gate_id.as_str().into(),
                dto.direction.as_str().into(),
                dto.cargo.as_str().into(),
                i32::from(dto.perishable).into(),
                crate::sql::nullable(dto.hs_code.as_deref()),
                dto.weight_kg.into(),
                crate::sql::nullable(dto.declaration.as_deref()),
                (dto.window_from_ms as f64).into(),
                (dto.window_until_ms as f64).into(),
                status.as_str().into(),
                (self.now_ms as f64).into(),
            ])?];
        statements.extend(issued.statements);
        statements.push(self.outbox(
            "trip.accepted",
            &dto.id,
            json!({ "trip": dto, "pass_id": issued.pass.id }),
        )?);
        Ok(Ok(statements))
    }

    async fn set_declaration(&self, dto: SetDeclarationDto) -> Result<Checked, ApiError> {
        let declaration: DeclarationNumber = match dto.declaration.parse() {
            Ok(d) => d,
            Err(refused) => return Ok(Err(refused)),
        };
        let status = match self.own_trip_status(&dto.trip_id).await? {
            Ok(s) => s,
            Err(refused) => return Ok(Err(refused)),
        };
        if !status.is_open() {
            return Ok(Err(Error::new(
                ErrorCode::InvalidTripState,
                format!("a {} trip cannot change", status.as_str()),
            )));
        }
        Ok(Ok(vec![
            self.db
                .prepare("UPDATE trips SET declaration = ?2, updated_at_ms = ?3 WHERE id = ?1")
                .bind(&[
                    dto.trip_id.as_str().into(),
                    declaration.as_str().into(),
                    (self.now_ms as f64).into(),
                ])?,
            self.outbox(
                "trip.declaration_set",
                &dto.trip_id,
                json!({ "trip_id": dto.trip_id, "declaration": declaration.as_str() }),
            )?,
        ]))
    }

    async fn cancel_trip(&self, dto: CancelTripDto) -> Result<Checked, ApiError> {
        let status = match self.own_trip_status(&dto.trip_id).await? {
            Ok(s) => s,
            Err(refused) => return Ok(Err(refused)),
        };
        let cancelled = match status.transition(TripEvent::Cancel) {
            Ok(s) => s,
            Err(refused) => return Ok(Err(refused)),
        };
        Ok(Ok(vec![
            self.db
                .prepare("UPDATE trips SET status = ?2, updated_at_ms = ?3 WHERE id = ?1")
                .bind(&[
                    dto.trip_id.as_str().into(),
                    cancelled.as_str().into(),
                    (self.now_ms as f64).into(),
                ])?,
            passes::revoke_for_trip(self.db, &dto.trip_id, self.now_ms)?,
            self.outbox(
                "trip.cancelled",
                &dto.trip_id,
                json!({ "trip_id": dto.trip_id }),
            )?,
        ]))
    }

    /// The status of one of the writer's own trips; someone else's trip is "not found".
    async fn own_trip_status(
        &self,
        trip_id: &str,
    ) -> Result<Result<TripStatus, Refused>, ApiError> {
        match self.find_trip_any_owner(trip_id).await? {
            Some(row) if row.account_id == self.account.as_str() => {
                Ok(Ok(TripStatus::parse(&row.status)?))
            }
            _ => Ok(Err(Error::new(
                ErrorCode::NotFound,
                "no such trip of yours",
            ))),
        }
    }

    async fn find_vehicle_any_owner(&self, id: &str) -> Result<Option<VehicleRow>, ApiError> {
        Ok(self
            .db
            .prepare("SELECT * FROM vehicles WHERE id = ?1")
            .bind(&[id.into()])?
            .first::<VehicleRow>(None)
            .await?)
    }

    async fn find_trip_any_owner(&self, id: &str) -> Result<Option<TripOwnerRow>, ApiError> {
        Ok(self
            .db
            .prepare("SELECT account_id, status FROM trips WHERE id = ?1")
            .bind(&[id.into()])?
            .first::<TripOwnerRow>(None)
            .await?)
    }

    /// A row for the province sync, committed with the change it reports.
    fn outbox(
        &self,
        topic: &str,
        entity_id: &str,
        payload: serde_json::Value,
    ) -> Result<D1PreparedStatement, ApiError> {
        Ok(self
            .db
            .prepare(
                "INSERT INTO edge_outbox (topic, entity_id, payload, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(&[
                topic.into(),
                entity_id.into(),
                payload.to_string().into(),
                (self.now_ms as f64).into(),
            ])?)
    }
}

/// `GET /api/trips`: the account's own vehicles and trips with their current passes.
pub async fn list(db: &D1Database, account: &AccountId) -> Result<TripsResponse, ApiError> {
    let vehicles = db
        .prepare("SELECT * FROM vehicles WHERE account_id = ?1 ORDER BY created_at_ms")
        .bind(&[account.as_str().into()])?
        .all()
        .await?
        .results::<VehicleRow>()?;
    let trips = db
        .prepare(
            "SELECT t.*, p.id AS pass_id, p.code AS pass_code, p.valid_from AS pass_valid_from,
               p.valid_until AS pass_valid_until, p.revoked_at_ms AS pass_revoked_at_ms
             FROM trips t
             LEFT JOIN passes p ON p.id = (SELECT id FROM passes WHERE trip_id = t.id
                                           ORDER BY issued_at_ms DESC LIMIT 1)
             WHERE t.account_id = ?1 ORDER BY t.created_at_ms DESC LIMIT 200",
        )
        .bind(&[account.as_str().into()])?
        .all()
        .await?
        .results::<TripRow>()?;
    Ok(TripsResponse {
        vehicles: vehicles.into_iter().map(VehicleRow::into_dto).collect(),
        trips: trips
            .into_iter()
            .map(TripRow::into_dto)
            .collect::<Result<_, _>>()
            .map_err(|e| {
                // A stored row the domain refuses is the edge's fault, not the caller's.
                worker::console_error!("unreadable trip row: {e}");
                ApiError::internal()
            })?,
    })
}

fn payload_of<T: serde::de::DeserializeOwned>(payload: serde_json::Value) -> Result<T, Refused> {
    serde_json::from_value(payload)
        .map_err(|e| Error::new(ErrorCode::MalformedBody, format!("payload: {e}")))
}

fn country_code(dto: &VehicleDto) -> &'static str {
    match dto.country {
        shared::Country::Vn => "VN",
        shared::Country::Cn => "CN",
    }
}

#[derive(Deserialize)]
struct IdRow {
    #[allow(dead_code)]
    id: String,
}

#[derive(Deserialize)]
struct TripOwnerRow {
    account_id: String,
    status: String,
}

#[derive(Deserialize)]
struct VehicleRow {
    id: String,
    account_id: String,
    plate: String,
    trailer: Option<String>,
    vehicle_type: String,
    country: shared::Country,
    #[serde(default)]
    verified_at_ms: Option<f64>,
}

impl VehicleRow {
    fn into_dto(self) -> VehicleDto {
        VehicleDto {
            id: self.id,
            plate: self.plate,
            trailer: self.trailer,
            vehicle_type: self.vehicle_type,
            country: self.country,
            verified: self.verified_at_ms.is_some(),
        }
    }
}

#[derive(Deserialize)]
struct TripRow {
    id: String,
    vehicle_id: String,
    trailer: Option<String>,
    driver_name: String,
    gate_id: String,
    direction: String,
    cargo: String,
    perishable: f64,
    hs_code: Option<String>,
    weight_kg: f64,
    declaration: Option<String>,
    window_from_ms: f64,
    window_until_ms: f64,
    status: String,
    created_at_ms: f64,
    updated_at_ms: f64,
    pass_id: Option<String>,
    pass_code: Option<String>,
    pass_valid_from: Option<f64>,
    pass_valid_until: Option<f64>,
    pass_revoked_at_ms: Option<f64>,
}

impl TripRow {
    fn into_dto(self) -> Result<TripRecordDto, shared::Error> {
        let pass = match (self.pass_id, self.pass_code) {
            (Some(id), Some(code)) => Some(PassDto {
                id,
                code,
                valid_from: self.pass_valid_from.unwrap_or_default() as i64,
                valid_until: self.pass_valid_until.unwrap_or_default() as i64,
                revoked: self.pass_revoked_at_ms.is_some(),
            }),
            _ => None,
        };
        Ok(TripRecordDto {
            trip: TripDto {
                id: self.id,
                vehicle_id: self.vehicle_id,
                trailer: self.trailer,
                driver_name: self.driver_name,
                gate_id: GateId::parse(&self.gate_id)?.to_string(),
                direction: self.direction.parse()?,
                cargo: self.cargo,
                perishable: self.perishable != 0.0,
                hs_code: self.hs_code,
                weight_kg: self.weight_kg as u32,
                declaration: self.declaration,
                window_from_ms: self.window_from_ms as i64,
                window_until_ms: self.window_until_ms as i64,
            },
            status: TripStatus::parse(&self.status)?,
            pass,
            created_at_ms: self.created_at_ms as i64,
            updated_at_ms: self.updated_at_ms as i64,
        })
    }
}

/// Issues a new pass for a stored trip carrying `booking` (or none): after a slot is booked,
/// moved or cancelled. One pass per trip is valid at a time: the trip's earlier passes are
/// revoked as superseded in the same batch (verifiers see why on the deny-list). The trip's
/// list shows the newest pass.
pub async fn reissue_pass(
    db: &D1Database,
    signer: &PassSigner,
    trip_id: &str,
    booking: Option<shared::pass::Booking>,
    now_ms: i64,
) -> Result<(), ApiError> {
    let row = db
        .prepare(
            "SELECT t.*, NULL AS pass_id, NULL AS pass_code, NULL AS pass_valid_from,
               NULL AS pass_valid_until, NULL AS pass_revoked_at_ms
             FROM trips t WHERE t.id = ?1",
        )
        .bind(&[trip_id.into()])?
        .first::<TripRow>(None)
        .await?
        .ok_or_else(|| ApiError::not_found("no such trip"))?;
    let vehicle = db
        .prepare("SELECT * FROM vehicles WHERE id = ?1")
        .bind(&[row.vehicle_id.as_str().into()])?
        .first::<VehicleRow>(None)
        .await?
        .ok_or_else(ApiError::internal)?;
    let record = row.into_dto().map_err(|_| ApiError::internal())?;
    if !record.status.is_open() {
        return Ok(());
    }
    let trip = record
        .trip
        .validate_stored()
        .map_err(|_| ApiError::internal())?;
    let plate = Plate::parse(&vehicle.plate)?;
    let trailer = match &trip.trailer {
        Some(t) => Some(t.clone()),
        None => vehicle.trailer.as_deref().map(Plate::parse).transpose()?,
    };
    let issued = passes::issue(db, signer, &trip, &plate, trailer.as_ref(), booking, now_ms)?;
    let mut batch = vec![passes::revoke_for_trip_because(
        db,
        trip_id,
        passes::RevokedBecause::Superseded,
        now_ms,
    )?];
    batch.extend(issued.statements);
    db.batch(batch).await?;
    Ok(())
}

/// The trip was served at a yard: it is completed (through [`TripStatus::transition`]), its
/// passes are revoked as completed and its booking claim released, in one batch. A trip that
/// cannot complete (already completed, cancelled meanwhile) is left as it is.
pub async fn complete(db: &D1Database, trip_id: &str, now_ms: i64) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Status {
        status: String,
    }
    let Some(row) = db
        .prepare("SELECT status FROM trips WHERE id = ?1")
        .bind(&[trip_id.into()])?
        .first::<Status>(None)
        .await?
    else {
        return Ok(());
    };
    let before = TripStatus::parse(&row.status).map_err(|_| ApiError::internal())?;
    let Ok(completed) = before.transition(TripEvent::Complete) else {
        return Ok(());
    };
    db.batch(vec![
        db.prepare(
            "UPDATE trips SET status = ?2, updated_at_ms = ?3 WHERE id = ?1 AND status = ?4",
        )
        .bind(&[
            trip_id.into(),
            completed.as_str().into(),
            (now_ms as f64).into(),
            before.as_str().into(),
        ])?,
        passes::revoke_for_trip_because(db, trip_id, passes::RevokedBecause::Completed, now_ms)?,
        db.prepare("DELETE FROM trip_bookings WHERE trip_id = ?1")
            .bind(&[trip_id.into()])?,
        db.prepare(
            "INSERT INTO edge_outbox (topic, entity_id, payload, created_at_ms)
             VALUES ('trip.completed', ?1, ?2, ?3)",
        )
        .bind(&[
            trip_id.into(),
            json!({ "trip_id": trip_id }).to_string().into(),
            (now_ms as f64).into(),
        ])?,
    ])
    .await?;
    Ok(())
}
