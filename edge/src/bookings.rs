//! Yard slot booking at the edge: the Worker's side.
//!
//! The Worker checks who calls and gathers what the yard's object cannot see (the trip's facts
//! from D1, the yard's gate and directory settings), then hands one call to the object, the only
//! writer of the yard's bookings. "My bookings" are read from D1's copy.

use crate::audit;
use crate::auth::Principal;
use crate::availability_cache;
use crate::error::ApiError;
use crate::gates;
use crate::yard_protocol::{
    Availability, Book, Cancel, CancelByYard, DayBookings, GetConfig, Reschedule, SetConfig,
    TripFactsDto, YardClient,
};
use crate::{passes, rate_limits, trips};
use serde::Deserialize;
use serde_json::json;
use shared::booking::{
    Booking, BookingId, BookingRefusal, BookingStatus, DayAvailability, IdempotencyKey, LocalDate,
    YardConfig,
};
use shared::pass::Booking as PassBooking;
use shared::wire::v1::{
    BookSlotRequest, DayBookingsResponse, MyBookingsResponse, NewBooking, RescheduleBookingRequest,
    SlotChoice, YardSettings,
};
use shared::yard::BookingAnswer;
use shared::{AuditEvent, ErrorCode, RateLimit, TripStatus, YardId};
use worker::{D1Database, Env};

/// `GET …/availability`: the object's answer, or (anonymous, at the real clock) a few
/// seconds' memory of it (see [`crate::availability_cache`]).
pub enum AvailabilityBody {
    Answer(DayAvailability),
    /// The JSON as remembered; `cache` is `hit` (it was there) or `miss` (just fetched).
    Remembered {
        json: String,
        cache: &'static str,
    },
}

/// The booking routes, as calls of the yard's client.
impl YardClient<'_> {
    /// A day's slots. `public`: an anonymous call at the real clock, answered from a few
    /// seconds' memory when it can, so floods of them do not reach the yard's object;
    /// everyone else gets the object's own answer.
    pub async fn availability(
        &self,
        date: Option<String>,
        public: bool,
    ) -> Result<AvailabilityBody, ApiError> {
        // A date that does not parse never reaches the object (nor the memory).
        let date = LocalDate::parse(&required(date, "date")?)?;
        if !public {
            return Ok(AvailabilityBody::Answer(
                self.send(Availability { date }).await?,
            ));
        }
        let now = crate::clock::now_ms();
        if let Some(json) = availability_cache::cached(&self.yard, date, now) {
            return Ok(AvailabilityBody::Remembered { json, cache: "hit" });
        }
        let day = self.send_keeping_cache(Availability { date }).await?;
        let json = serde_json::to_string(&day).map_err(|_| ApiError::internal())?;
        availability_cache::remember(&self.yard, date, json.clone(), now);
        Ok(AvailabilityBody::Remembered {
            json,
            cache: "miss",
        })
    }

    pub async fn book(
        &self,
        me: &Principal,
        key: Option<String>,
        body: BookSlotRequest,
    ) -> Result<Booking, ApiError> {
        let key = idempotency_key(key)?;
        let request = NewBooking::try_from(body)?;
        // An unknown yard is "not found" before anything is claimed for it.
        if !gates::yard_exists(self.db, &self.yard).await? {
            return Err(ApiError::not_found(format!("no yard {}", self.yard)));
        }
        let trip = trip_facts(self.db, &request.trip_id).await?;
        // The trip's one booking, at any yard: claimed in D1 before the object books (someone
        // else's trip is left to the object's rules, which refuse it, so nobody can hold a
        // claim on another's trip).
        let claim = if trip.owner == me.account_id.as_str() {
            Some(self.claim_trip(me, &trip.trip_id, &key).await?)
        } else {
            None
        };
        let trip_id = trip.trip_id.clone();
        let answer = self
            .send(Book {
                account: me.account_id.clone(),
                role: me.role,
                trip,
                slot_start_ms: request.slot.start_ms,
                lane: request.slot.lane,
                key: key.clone(),
            })
            .await;
        let drop_claim = match (&claim, &answer) {
            // Refused: the claim this request made goes (a retry with the key claims again and
            // gets the same refusal). A failure of ours keeps it: the booking may exist.
            (Some(TripClaim::Fresh), Err(e)) => e.status() < 500,
            // A replay of a booking that has ended since: it holds nothing any more.
            (Some(TripClaim::Fresh), Ok(a)) => a.replay.is_some_and(|r| !r.still_holds()),
            _ => false,
        };
        if drop_claim {
            self.drop_claim(me, &trip_id, &key).await?;
        }
        self.with_reissued_pass(answer?, true).await
    }

    /// Claims the trip's one booking for this request (`Held`: a retry with the same key
    /// already holds it). A claim left by a booking that has ended (or by a request that never
    /// finished) is taken over; any other is `trip_already_booked`.
    async fn claim_trip(
        &self,
        me: &Principal,
        trip_id: &str,
        key: &str,
    ) -> Result<TripClaim, ApiError> {
        #[derive(Deserialize)]
        struct Held {
            yard_id: String,
            account_id: String,
            idem_key: String,
            claimed_at_ms: f64,
        }
        for _ in 0..2 {
            let inserted = self
                .db
                .prepare(
                    "INSERT INTO trip_bookings (trip_id, yard_id, account_id, idem_key, claimed_at_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (trip_id) DO NOTHING RETURNING trip_id",
                )
                .bind(&[
                    trip_id.into(),
                    self.yard.as_str().into(),
                    me.account_id.as_str().into(),
                    key.into(),
                    (self.now_ms as f64).into(),
                ])?
                .all()
                .await?
                .results::<serde_json::Value>()?;
            if !inserted.is_empty() {
                return Ok(TripClaim::Fresh);
            }
            let Some(held) = self
                .db
                .prepare(
                    "SELECT yard_id, account_id, idem_key, claimed_at_ms FROM trip_bookings
                     WHERE trip_id = ?1",
                )
                .bind(&[trip_id.into()])?
                .first::<Held>(None)
                .await?
            else {
                continue; // released meanwhile
            };
            if held.yard_id == self.yard.as_str()
                && held.account_id == me.account_id.as_str()
                && held.idem_key == key
            {
                return Ok(TripClaim::Held);
            }
            #[derive(Deserialize)]
            struct Status {
                status: String,
            }
            let booked = self
                .db
                .prepare(
                    "SELECT status FROM bookings WHERE trip_id = ?1 AND yard_id = ?2
                       AND account_id = ?3 AND json_extract(json, '$.idempotency_key') = ?4",
                )
                .bind(&[
                    trip_id.into(),
                    held.yard_id.as_str().into(),
                    held.account_id.as_str().into(),
                    held.idem_key.as_str().into(),
                ])?
                .first::<Status>(None)
                .await?;
            let stale = match booked {
                Some(b) => b.status != "active" && b.status != "checked_in",
                // No booking came of it (yet): stale once the request must have finished.
                None => (held.claimed_at_ms as i64) < self.now_ms - CLAIM_PENDING_MS,
            };
            if !stale {
                return Err(shared::Error::from(BookingRefusal::TripAlreadyBooked).into());
            }
            self.db
                .prepare(
                    "DELETE FROM trip_bookings WHERE trip_id = ?1 AND yard_id = ?2
                       AND account_id = ?3 AND idem_key = ?4 AND claimed_at_ms = ?5",
                )
                .bind(&[
                    trip_id.into(),
                    held.yard_id.into(),
                    held.account_id.into(),
                    held.idem_key.into(),
                    held.claimed_at_ms.into(),
                ])?
                .run()
                .await?;
        }
        Err(BookingRefusal::TripAlreadyBooked
            .error("the trip's booking claim is contended")
            .into())
    }

    /// Gives up the claim this request made.
    async fn drop_claim(&self, me: &Principal, trip_id: &str, key: &str) -> Result<(), ApiError> {
        self.db
            .prepare(
                "DELETE FROM trip_bookings WHERE trip_id = ?1 AND yard_id = ?2
                   AND account_id = ?3 AND idem_key = ?4",
            )
            .bind(&[
                trip_id.into(),
                self.yard.as_str().into(),
                me.account_id.as_str().into(),
                key.into(),
            ])?
            .run()
            .await?;
        Ok(())
    }

    pub async fn cancel(
        &self,
        me: &Principal,
        booking_id: String,
        key: Option<String>,
    ) -> Result<Booking, ApiError> {
        let answer = self
            .send(Cancel {
                account: me.account_id.clone(),
                booking_id,
                key: idempotency_key(key)?,
            })
            .await?;
        self.with_reissued_pass(answer, false).await
    }

    pub async fn reschedule(
        &self,
        me: &Principal,
        booking_id: String,
        key: Option<String>,
        body: RescheduleBookingRequest,
    ) -> Result<Booking, ApiError> {
        let slot = SlotChoice::try_from(body)?;
        let answer = self
            .send(Reschedule {
                account: me.account_id.clone(),
                booking_id,
                slot_start_ms: slot.start_ms,
                lane: slot.lane,
                key: idempotency_key(key)?,
            })
            .await?;
        self.with_reissued_pass(answer, true).await
    }

    /// After a booking changed: the trip's pass is issued again (its older passes revoked as
    /// superseded), with the yard and slot inside it while the booking is active
    /// (`carries_booking`), without them after a cancellation. A replayed answer issues
    /// nothing: the pass of the first answer may have been replaced since.
    async fn with_reissued_pass(
        &self,
        answer: BookingAnswer,
        carries_booking: bool,
    ) -> Result<Booking, ApiError> {
        let booking = answer.booking;
        if answer.replay.is_some() {
            return Ok(booking);
        }
        if !booking.is_active() && booking.status != BookingStatus::CheckedIn {
            release_claim(self.db, &booking).await?;
        }
        let claim = (carries_booking && booking.is_active()).then(|| PassBooking {
            yard: booking.slot.yard.clone(),
            slot_start: booking.slot.start_ms.div_euclid(1000),
            slot_minutes: ((booking.slot_end_ms - booking.slot.start_ms) / 60_000) as u16,
        });
        let signer = passes::signer(self.env)?;
        trips::reissue_pass(
            self.db,
            &signer,
            booking.trip_id.as_str(),
            claim,
            self.now_ms,
        )
        .await?;
        Ok(booking)
    }

    /// A day's bookings, with `verified_trips`: those whose vehicle is verified (the badge), and
    /// `province_received_trips`: those whose record the province has acknowledged.
    pub async fn day_bookings(
        &self,
        date: Option<String>,
    ) -> Result<DayBookingsResponse, ApiError> {
        let date = LocalDate::parse(&required(date, "date")?)?;
        let bookings = self.send(DayBookings { date }).await?;
        let trips: Vec<String> = bookings.iter().map(|b| b.trip_id.to_string()).collect();
        let verified_trips = crate::verified_plates::verified_trips(self.db, &trips).await?;
        let province_received_trips =
            crate::province::status::received_trips(self.db, &trips).await?;
        Ok(DayBookingsResponse {
            bookings,
            verified_trips,
            province_received_trips,
        })
    }

    pub async fn config(&self) -> Result<YardConfig, ApiError> {
        self.send(GetConfig {}).await
    }

    /// Saves the yard's settings; a change that is accepted is audit-logged.
    pub async fn set_config(
        &self,
        me: &Principal,
        config: YardSettings,
    ) -> Result<YardConfig, ApiError> {
        config.validate()?;
        let detail = json!({ "yard_id": self.yard.as_str(), "config": &config });
        let saved = self.send(SetConfig { config }).await?;
        audit::record(
            self.db,
            self.now_ms,
            Some(me.account_id.as_str()),
            AuditEvent::YardConfigChanged,
            Some(self.yard.as_str()),
            detail,
        )
        .await?;
        Ok(saved)
    }
}

/// Counts one booking write (book, cancel, reschedule) against the caller's per-account quota;
/// over it, `rate_limited` with `Retry-After`, before the yard is asked anything.
pub async fn count_write(
    db: &D1Database,
    me: &Principal,
    limits: [RateLimit; 2],
    now_ms: i64,
) -> Result<(), ApiError> {
    rate_limits::check_account_writes(db, "booking", me.account_id.as_str(), limits, 1, now_ms)
        .await
}

/// How long a claim without a booking may be waiting for its request to finish.
const CLAIM_PENDING_MS: i64 = 2 * 60_000;

/// Whether the trip's booking claim was made by this request or held already by its key.
enum TripClaim {
    Fresh,
    Held,
}

/// Releases the trip's claim held by `booking` (it ended). The yard's object also releases it
/// when it copies the ended booking to D1; this makes it immediate.
pub async fn release_claim(db: &D1Database, booking: &Booking) -> Result<(), ApiError> {
    db.prepare(
        "DELETE FROM trip_bookings WHERE trip_id = ?1 AND yard_id = ?2 AND account_id = ?3
           AND idem_key = ?4",
    )
    .bind(&[
        booking.trip_id.as_str().into(),
        booking.slot.yard.as_str().into(),
        booking.account_id.as_str().into(),
        booking.idempotency_key.as_str().into(),
    ])?
    .run()
    .await?;
    Ok(())
}

/// Releases one booking at its yard, as the yard's own act (`CancelByYard`: never a no-show for
/// its owner), and the trip's booking claim with it. `None` when the yard id is unreadable or the
/// object did not release it (logged): callers audit only what was released.
pub async fn release_at_yard(
    env: &Env,
    db: &D1Database,
    yard_id: &str,
    booking_id: &str,
    now_ms: i64,
) -> Result<Option<Booking>, ApiError> {
    let Ok(yard) = YardId::parse(yard_id) else {
        worker::console_error!("booking {booking_id} has an unreadable yard id {yard_id}");
        return Ok(None);
    };
    let Ok(id) = BookingId::parse(booking_id) else {
        worker::console_error!("booking {booking_id} has an unreadable id");
        return Ok(None);
    };
    let yard = YardClient {
        env,
        db,
        yard,
        now_ms,
    };
    let released = match yard.send(CancelByYard { booking_id: id }).await {
        Ok(released) => released,
        Err(e) if e.status() >= 500 => return Err(e),
        Err(e) => {
            worker::console_error!("releasing booking {booking_id}: the yard refused: {e:?}");
            return Ok(None);
        }
    };
    release_claim(db, &released).await?;
    Ok(Some(released))
}

/// Releases the active bookings of cancelled trips (found in D1's copy), each audited. Only a
/// trip that is `me`'s own and cancelled (checked in D1 first) gives its bookings back. Best
/// effort: the trip is cancelled already; a failure is logged, and an exact replay of the
/// cancel tries again.
pub async fn release_for_trips(
    env: &Env,
    db: &D1Database,
    me: &Principal,
    trip_ids: &[String],
    now_ms: i64,
) {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        yard_id: String,
    }
    for trip_id in trip_ids {
        let rows = match db
            .prepare(
                "SELECT b.id, b.yard_id FROM bookings b JOIN trips t ON t.id = b.trip_id
                 WHERE b.trip_id = ?1 AND b.status = 'active'
                   AND t.account_id = ?2 AND t.status = ?3",
            )
            .bind(&[
                trip_id.as_str().into(),
                me.account_id.as_str().into(),
                TripStatus::Cancelled.as_str().into(),
            ]) {
            Ok(statement) => statement.all().await.and_then(|r| r.results::<Row>()),
            Err(e) => Err(e),
        };
        let rows = match rows {
            Ok(rows) => rows,
            Err(e) => {
                worker::console_error!("finding trip {trip_id}'s bookings failed: {e}");
                continue;
            }
        };
        for row in rows {
            match release_at_yard(env, db, &row.yard_id, &row.id, now_ms).await {
                Ok(Some(_)) => {}
                Ok(None) => continue,
                Err(e) => {
                    worker::console_error!("releasing booking {} failed: {e:?}", row.id);
                    continue;
                }
            }
            let audited = audit::record(
                db,
                now_ms,
                Some(me.account_id.as_str()),
                AuditEvent::BookingReleasedTripCancelled,
                Some(row.id.as_str()),
                json!({ "trip_id": trip_id, "booking_id": row.id, "yard_id": row.yard_id }),
            )
            .await;
            if audited.is_err() {
                worker::console_error!("auditing the release of booking {} failed", row.id);
            }
        }
    }
}

/// `GET /api/bookings`: the caller's own bookings at every yard, from D1's copy, and why the
/// edge released any of them (`releases`).
pub async fn mine(db: &D1Database, me: &Principal) -> Result<MyBookingsResponse, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        json: String,
    }
    let rows = db
        .prepare(
            "SELECT json FROM bookings WHERE account_id = ?1 ORDER BY slot_start_ms DESC LIMIT 200",
        )
        .bind(&[me.account_id.as_str().into()])?
        .all()
        .await?
        .results::<Row>()?;
    let bookings = rows
        .iter()
        .map(|r| serde_json::from_str::<Booking>(&r.json))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ApiError::internal())?;
    let releases = crate::verified_plates::releases_of(db, &me.account_id).await?;
    Ok(MyBookingsResponse { bookings, releases })
}

/// The trip's facts for the yard's rules. An unknown trip is "not found"; someone else's trip
/// is refused by the rules (`forbidden`), which see its owner.
async fn trip_facts(db: &D1Database, trip_id: &str) -> Result<TripFactsDto, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        account_id: String,
        status: String,
        gate_id: String,
        plate: String,
        perishable: f64,
        declaration: Option<String>,
        plate_verified_elsewhere: f64,
    }
    let row = db
        .prepare(
            "SELECT t.id, t.account_id, t.status, t.gate_id, v.plate, t.perishable, t.declaration,
               EXISTS (SELECT 1 FROM vehicles o WHERE o.plate_key = v.plate_key
                       AND o.verified_at_ms IS NOT NULL AND o.account_id <> t.account_id)
                 AS plate_verified_elsewhere
             FROM trips t JOIN vehicles v ON v.id = t.vehicle_id WHERE t.id = ?1",
        )
        .bind(&[trip_id.into()])?
        .first::<Row>(None)
        .await?
        .ok_or_else(|| ApiError::not_found("no such trip"))?;
    Ok(TripFactsDto {
        trip_id: row.id,
        owner: row.account_id,
        status: TripStatus::parse(&row.status).map_err(|_| ApiError::internal())?,
        gate: row.gate_id,
        plate: row.plate,
        perishable: row.perishable != 0.0,
        declaration: row.declaration,
        plate_verified_elsewhere: row.plate_verified_elsewhere != 0.0,
    })
}

fn idempotency_key(key: Option<String>) -> Result<String, ApiError> {
    let key = key.ok_or_else(|| {
        ApiError::from(shared::Error::new(
            ErrorCode::InvalidId,
            "an Idempotency-Key header is required",
        ))
    })?;
    Ok(IdempotencyKey::parse(key.trim())?.as_str().to_owned())
}

fn required(value: Option<String>, name: &str) -> Result<String, ApiError> {
    value.ok_or_else(|| {
        ApiError::from(shared::Error::new(
            ErrorCode::MalformedBody,
            format!("the query parameter `{name}` is required"),
        ))
    })
}
