//! Vehicles and trips: the writes the outbox carries, and the owner's list.
//!
//! Each write comes typed and valid by `shared`'s rules ([`Op`]); here it is checked against
//! the stored state (owner, status, taken ids), then returned as the statements that make it,
//! its domain event (`shared::event::Event`, through [`crate::outbox`]) among them, for
//! [`crate::sync`] to commit in one batch with the client's mark. A write that breaks a rule
//! is a [`Refused`]: recorded once and reported, never retried.

use crate::error::ApiError;
use crate::outbox;
use crate::passes::{self, RevokedBecause};
use serde::Deserialize;
use shared::event::Event;
use shared::pass::{PassSigner, SubjectRef, TripPass};
use shared::wire::v1::{Op, PassDto, TripDto, TripRecordDto, TripsResponse, VehicleDto};
use shared::{
    AccountId, DeclarationNumber, Error, ErrorCode, GateId, Plate, Trip, TripEvent, TripId,
    TripStatus, Vehicle,
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
    /// Checks one write (already valid by `shared`'s rules, [`Op::try_from`]) against the
    /// stored state; `Err` only for failures of the edge itself.
    pub async fn check(&self, op: Op) -> Result<Checked, ApiError> {
        match op {
            Op::RegisterVehicle(vehicle) => self.register_vehicle(vehicle).await,
            Op::CreateTrip(trip) => self.create_trip(trip).await,
            Op::SetDeclaration {
                trip_id,
                declaration,
            } => self.set_declaration(trip_id, declaration).await,
            Op::CancelTrip { trip_id } => self.cancel_trip(trip_id).await,
            // Check-ins are the yard's (see `sync`); a trip owner's outbox never carries one.
            Op::CheckIn { .. } => Ok(Err(Error::new(
                ErrorCode::Forbidden,
                "only a yard operator checks vehicles in",
            ))),
            // Crossings are the officers' (see `sync`, `residents`): never a trip owner's.
            Op::RecordCrossing(_) => Ok(Err(Error::new(
                ErrorCode::Forbidden,
                "only a border officer records residents' crossings",
            ))),
        }
    }

    async fn register_vehicle(&self, vehicle: Vehicle) -> Result<Checked, ApiError> {
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
        if crate::verified_plates::verified_elsewhere(self.db, self.account, &vehicle.plate).await?
        {
            return Ok(Err(Error::new(
                ErrorCode::PlateVerifiedElsewhere,
                "this plate is verified for another account's vehicle",
            )));
        }
        let dto = VehicleDto::from(&vehicle);
        let registered = Event::VehicleRegistered {
            vehicle_id: vehicle.id.clone(),
            account_id: self.account.clone(),
            plate: dto.plate.clone(),
            trailer: dto.trailer.clone(),
        };
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
            outbox::record_new(self.db, registered, self.now_ms)?,
        ]))
    }

    async fn create_trip(&self, trip: Trip) -> Result<Checked, ApiError> {
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
        let (plate, trailer) = vehicle.pass_plates(&trip)?;
        let issued = passes::issue(
            self.db,
            self.signer,
            &TripPass {
                trip: &trip,
                plate: &plate,
                trailer: trailer.as_ref(),
                booking: None,
            },
            self.now_ms,
        )?;
        let dto = TripDto::from(&trip);
        let accepted = Event::TripCreated {
            trip_id: trip.id.clone(),
            account_id: self.account.clone(),
            vehicle_id: trip.vehicle_id.clone(),
            plate: plate.display().to_owned(),
            trailer: trailer.as_ref().map(|t| t.display().to_owned()),
            gate: trip.gate.clone(),
            direction: trip.direction,
            cargo: dto.cargo.clone(),
            perishable: dto.perishable,
            hs_code: dto.hs_code.clone(),
            weight_kg: dto.weight_kg,
            declaration: dto.declaration.clone(),
            window_from_ms: dto.window_from_ms,
            window_to_ms: dto.window_until_ms,
        };
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
        // The trip's event first: its pass is issued for an accepted trip.
        statements.push(outbox::record_new(self.db, accepted, self.now_ms)?);
        statements.extend(issued.statements);
        Ok(Ok(statements))
    }

    async fn set_declaration(
        &self,
        trip_id: TripId,
        declaration: DeclarationNumber,
    ) -> Result<Checked, ApiError> {
        let status = match self.own_trip_status(&trip_id).await? {
            Ok(s) => s,
            Err(refused) => return Ok(Err(refused)),
        };
        if !status.is_open() {
            return Ok(Err(Error::new(
                ErrorCode::InvalidTripState,
                format!("a {} trip cannot change", status.as_str()),
            )));
        }
        let update = self
            .db
            .prepare("UPDATE trips SET declaration = ?2, updated_at_ms = ?3 WHERE id = ?1")
            .bind(&[
                trip_id.as_str().into(),
                declaration.as_str().into(),
                (self.now_ms as f64).into(),
            ])?;
        let added = Event::DeclarationAdded {
            trip_id,
            declaration: declaration.as_str().to_owned(),
        };
        Ok(Ok(vec![
            update,
            outbox::record_new(self.db, added, self.now_ms)?,
        ]))
    }

    async fn cancel_trip(&self, trip_id: TripId) -> Result<Checked, ApiError> {
        let status = match self.own_trip_status(&trip_id).await? {
            Ok(s) => s,
            Err(refused) => return Ok(Err(refused)),
        };
        let cancelled = match status.transition(TripEvent::Cancel) {
            Ok(s) => s,
            Err(refused) => return Ok(Err(refused)),
        };
        let mut statements = vec![self
            .db
            .prepare("UPDATE trips SET status = ?2, updated_at_ms = ?3 WHERE id = ?1")
            .bind(&[
                trip_id.as_str().into(),
                cancelled.as_str().into(),
                (self.now_ms as f64).into(),
            ])?];
        statements.push(outbox::record_new(
            self.db,
            Event::TripCancelled {
                trip_id: trip_id.clone(),
            },
            self.now_ms,
        )?);
        statements.extend(
            passes::revoke(
                self.db,
                &SubjectRef::trip(&trip_id),
                RevokedBecause::Cancelled,
                self.now_ms,
            )
            .await?,
        );
        Ok(Ok(statements))
    }

    /// The status of one of the writer's own trips; someone else's trip is "not found".
    async fn own_trip_status(
        &self,
        trip_id: &TripId,
    ) -> Result<Result<TripStatus, Refused>, ApiError> {
        match self.find_trip_any_owner(trip_id.as_str()).await? {
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
    // What the province received and said (shared::province::timeline), per trip.
    let mut timelines = crate::province::status::timelines_of_account(db, account).await?;
    let received = crate::province::status::received_trips_of_account(db, account).await?;
    let mut dtos = Vec::with_capacity(trips.len());
    for row in trips {
        let mut dto = row.into_dto().map_err(|e| {
            // A stored row the domain refuses is the edge's fault, not the caller's.
            worker::console_error!("unreadable trip row: {e}");
            ApiError::internal()
        })?;
        dto.province_received = received.contains(&dto.trip.id);
        dto.timeline = timelines
            .remove(&dto.trip.id)
            .unwrap_or_else(|| shared::province::timeline::Timeline::fold(&[]));
        dtos.push(dto);
    }
    Ok(TripsResponse {
        vehicles: vehicles.into_iter().map(VehicleRow::into_dto).collect(),
        trips: dtos,
    })
}

fn country_code(dto: &VehicleDto) -> &'static str {
    match dto.country {
        shared::Country::Vn => "VN",
        shared::Country::Cn => "CN",
    }
}

/// A stored plate in its canonical form (rows from before it keep the text as typed).
fn canonical(plate: String) -> String {
    Plate::parse(&plate).map_or(plate, |p| p.display().to_owned())
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
    /// The plates a pass of `trip` carries: the vehicle's, and the trip's trailer or else the
    /// vehicle's usual one.
    fn pass_plates(&self, trip: &Trip) -> Result<(Plate, Option<Plate>), ApiError> {
        let plate = Plate::parse(&self.plate)?;
        let trailer = match &trip.trailer {
            Some(t) => Some(t.clone()),
            None => self.trailer.as_deref().map(Plate::parse).transpose()?,
        };
        Ok((plate, trailer))
    }

    fn into_dto(self) -> VehicleDto {
        VehicleDto {
            id: self.id,
            plate: canonical(self.plate),
            trailer: self.trailer.map(canonical),
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
                trailer: self.trailer.map(canonical),
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
            province_received: false,
            timeline: Default::default(),
        })
    }
}

/// Issues a new pass for a stored trip carrying `booking` (or none): after a slot is booked,
/// moved or cancelled. One pass per trip is valid at a time: the trip's earlier passes are
/// revoked as superseded in the same batch (verifiers see why on the deny-list), with the
/// events of both. The trip's list shows the newest pass.
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
    let (plate, trailer) = vehicle.pass_plates(&trip)?;
    let issued = passes::issue(
        db,
        signer,
        &TripPass {
            trip: &trip,
            plate: &plate,
            trailer: trailer.as_ref(),
            booking,
        },
        now_ms,
    )?;
    let mut batch = passes::revoke(
        db,
        &SubjectRef::trip(&trip.id),
        RevokedBecause::Superseded,
        now_ms,
    )
    .await?;
    batch.extend(issued.statements);
    db.batch(batch).await?;
    Ok(())
}

/// The trip was served at a yard: it is completed (through [`TripStatus::transition`]), its
/// passes are revoked as completed and its booking claim released, in one batch with the
/// events. A trip that cannot complete (already completed, cancelled meanwhile) is left as
/// it is.
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
    let trip = TripId::parse(trip_id).map_err(|_| ApiError::internal())?;
    let mut batch = vec![
        db.prepare(
            "UPDATE trips SET status = ?2, updated_at_ms = ?3 WHERE id = ?1 AND status = ?4",
        )
        .bind(&[
            trip_id.into(),
            completed.as_str().into(),
            (now_ms as f64).into(),
            before.as_str().into(),
        ])?,
        // Only if the update above completed it (a cancel may have come first).
        outbox::record_if_changed(
            db,
            &outbox::new_event(
                Event::TripCompleted {
                    trip_id: trip.clone(),
                },
                now_ms,
            )?,
        )?,
        db.prepare("DELETE FROM trip_bookings WHERE trip_id = ?1")
            .bind(&[trip_id.into()])?,
    ];
    batch.extend(
        passes::revoke(
            db,
            &SubjectRef::trip(&trip),
            RevokedBecause::Completed,
            now_ms,
        )
        .await?,
    );
    db.batch(batch).await?;
    Ok(())
}
