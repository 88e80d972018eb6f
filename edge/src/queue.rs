//! The yard queue at the edge: the Worker's side.
//!
//! A check-in starts here: the scanned pass is verified (signature, trust list, deny-list,
//! validity, gate), the pass must be for this yard if it carries a booking, and the trip is read
//! from D1; then the yard's object, the queue's only writer, places the vehicle. Operators' other
//! calls go straight to the object. A trip's owner finds where the trip stands (and follows it
//! over a WebSocket) through D1's copy of the queues; the public board reads D1's figures.

use crate::audit;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::gates;
use crate::passes;
use crate::trips;
use crate::yard_protocol::{
    Absent, Call, CheckIn, CheckInTrip, LanesView, Move, Serve, StoredCheckIn, TripView, YardClient,
};
use serde::Deserialize;
use serde_json::json;
use shared::pass::{self, Kid, PassKind, TrustedKey, Verdict, VerifyContext};
use shared::queue::{Entry, QueueEntryId, QueueStats, TripQueueView, YardQueueView};
use shared::wire::v1::{
    BoardResponse, BoardYardDto, CallRequest, CallResponse, CheckInPayload, CheckInRequest,
    CheckInResponse, MoveRequest,
};
use shared::{AuditEvent, Error, ErrorCode, Role, TripId, TripStatus, YardId};
use worker::{D1Database, Env, Request, Response};

/// How far an online check-in's scan time may be from the edge's clock (phones' clocks drift).
const ONLINE_SCAN_SKEW_MS: i64 = 10 * 60_000;

/// The queue routes, as calls of the yard's client.
impl YardClient<'_> {
    /// `POST …/queue/check-ins`: the operator scanned a pass just now (or at `scanned_at_ms`).
    pub async fn check_in(&self, body: CheckInRequest) -> Result<CheckInResponse, ApiError> {
        // Online, the scan is now: a scan time far from it would be an unaudited move.
        // In range first; then `abs_diff` (never `(a - b).abs()`: it overflows on a client i64).
        let scanned_at_ms =
            shared::time::check_instant_ms(body.scanned_at_ms.unwrap_or(self.now_ms))?;
        if scanned_at_ms.abs_diff(self.now_ms) > ONLINE_SCAN_SKEW_MS.unsigned_abs() {
            return Err(Error::new(
                ErrorCode::InvalidQueueRequest,
                "an online check-in is scanned now (offline scans go through the outbox)",
            )
            .into());
        }
        let trip = self.verified_trip(&body.pass).await?;
        self.send(CheckIn {
            trip,
            scanned_at_ms,
            key: None,
        })
        .await
    }

    /// A check-in from an operator's outbox, applied exactly once per `key` (`client:seq`).
    /// The inner result is the write's outcome (applied, or refused with the reason the phone
    /// shows); the outer error is a failure of ours, which the phone retries later.
    pub async fn check_in_from_outbox(
        &self,
        payload: CheckInPayload,
        key: String,
    ) -> Result<Result<(), Error>, ApiError> {
        match self.send(StoredCheckIn { key: key.clone() }).await? {
            Some(Ok(_)) => return Ok(Ok(())),
            Some(Err(refused)) => return Ok(Err(refused.into())),
            None => {}
        }
        // In range before it travels to the yard's object.
        if let Err(e) = shared::time::check_instant_ms(payload.scanned_at_ms) {
            return Ok(Err(e));
        }
        let trip = match self.verified_trip(&payload.pass).await {
            Ok(trip) => trip,
            Err(e) if e.status() >= 500 => return Err(e),
            Err(e) => return Ok(Err(e.body().into())),
        };
        let answer = self
            .send(CheckIn {
                trip,
                scanned_at_ms: payload.scanned_at_ms,
                key: Some(key),
            })
            .await;
        match answer {
            Ok(_) => Ok(Ok(())),
            Err(e) if e.status() >= 500 => Err(ApiError::internal()),
            Err(e) => Ok(Err(e.body().into())),
        }
    }

    pub async fn view(&self) -> Result<YardQueueView, ApiError> {
        self.send(LanesView {}).await
    }

    pub async fn call(&self, body: CallRequest) -> Result<CallResponse, ApiError> {
        self.send(Call {
            lane: body.lane,
            count: body.count,
        })
        .await
    }

    /// The vehicle was served: its trip is completed (its passes revoked, its booking claim
    /// released), so it can check in nowhere again.
    pub async fn serve(&self, entry: String) -> Result<Entry, ApiError> {
        let entry = QueueEntryId::parse(&entry)?;
        let served = self.send(Serve { entry }).await?;
        trips::complete(self.db, served.trip_id.as_str(), self.now_ms).await?;
        Ok(served)
    }

    pub async fn absent(&self, entry: String) -> Result<Entry, ApiError> {
        let entry = QueueEntryId::parse(&entry)?;
        self.send(Absent { entry }).await
    }

    /// Moves a waiting vehicle; an accepted move is audit-logged with its reason.
    pub async fn move_entry(
        &self,
        me: &Principal,
        entry: String,
        body: MoveRequest,
    ) -> Result<Entry, ApiError> {
        let detail = json!({
            "yard_id": self.yard.as_str(),
            "entry": &entry,
            "position": body.position,
            "reason": body.reason.trim(),
        });
        let moved = self
            .send(Move {
                entry: QueueEntryId::parse(&entry)?,
                position: body.position,
                reason: body.reason,
                by: me.account_id.clone(),
            })
            .await?;
        audit::record(
            self.db,
            self.now_ms,
            Some(me.account_id.as_str()),
            AuditEvent::QueueReordered,
            Some(self.yard.as_str()),
            detail,
        )
        .await?;
        Ok(moved)
    }

    pub async fn trip(&self, trip_id: &str) -> Result<TripQueueView, ApiError> {
        self.send(TripView {
            trip_id: TripId::parse(trip_id)?,
        })
        .await
    }

    /// Verifies a scanned pass as the yard's gate would, and reads its trip.
    async fn verified_trip(&self, code: &str) -> Result<CheckInTrip, ApiError> {
        let (_, gate) = gates::yard_with_gate(self.db, &self.yard)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("no yard {}", self.yard)))?;
        let trust = trust_list(self.env, self.db, self.now_ms).await?;
        // Revocations are looked up for this one pass below, not scanned from the deny-list.
        let verdict = pass::verify(
            code.trim(),
            &VerifyContext {
                trust_list: &trust,
                deny_list: &[],
                now: self.now_ms.div_euclid(1000),
                gate: Some(&gate),
            },
        );
        let claims = match verdict {
            Verdict::Valid(claims) => claims,
            Verdict::Invalid { reason, .. } => {
                return Err(Error::new(ErrorCode::PassNotValid, reason.as_str()).into())
            }
        };
        if claims.kind != PassKind::Trip {
            return Err(Error::new(ErrorCode::PassNotValid, "not a trip pass").into());
        }
        #[derive(Deserialize)]
        struct Row {
            trip_id: String,
            account_id: String,
            status: String,
            plate: String,
            perishable: f64,
            revoked_at_ms: Option<f64>,
            revoked_reason: Option<String>,
        }
        let row = self
            .db
            .prepare(
                "SELECT t.id AS trip_id, t.account_id, t.status, v.plate, t.perishable,
                   p.revoked_at_ms, p.revoked_reason
                 FROM passes p JOIN trips t ON t.id = p.trip_id
                 JOIN vehicles v ON v.id = t.vehicle_id WHERE p.id = ?1",
            )
            .bind(&[claims.id.to_hex().into()])?
            .first::<Row>(None)
            .await?
            .ok_or_else(|| Error::new(ErrorCode::PassNotValid, "unknown pass"))?;
        if row.revoked_at_ms.is_some() {
            let because = row.revoked_reason.as_deref().unwrap_or("cancelled");
            if because == passes::RevokedBecause::Superseded.as_str() {
                return Err(Error::new(
                    ErrorCode::PassSuperseded,
                    "superseded: the trip has a newer pass (the driver shows the newest one)",
                )
                .into());
            }
            return Err(Error::new(ErrorCode::PassNotValid, format!("revoked ({because})")).into());
        }
        if let Some(booking) = &claims.booking {
            if booking.yard != self.yard {
                return Err(Error::new(
                    ErrorCode::QueueWrongYard,
                    format!("the pass is booked at {}", booking.yard),
                )
                .into());
            }
        }
        let status = TripStatus::parse(&row.status).map_err(|_| ApiError::internal())?;
        if status != TripStatus::Accepted {
            return Err(Error::new(
                ErrorCode::InvalidTripState,
                format!("the trip is {}", row.status),
            )
            .into());
        }
        // A trip in one yard's queue (D1's copy) checks in nowhere else until it leaves it.
        #[derive(Deserialize)]
        struct Elsewhere {
            yard_id: String,
        }
        let elsewhere = self
            .db
            .prepare(
                "SELECT yard_id FROM queue_entries WHERE trip_id = ?1 AND yard_id != ?2
                   AND status IN ('waiting', 'called') LIMIT 1",
            )
            .bind(&[row.trip_id.as_str().into(), self.yard.as_str().into()])?
            .first::<Elsewhere>(None)
            .await?;
        if let Some(other) = elsewhere {
            return Err(Error::new(
                ErrorCode::TripQueuedElsewhere,
                format!("the trip is in the queue of {}", other.yard_id),
            )
            .into());
        }
        Ok(CheckInTrip {
            trip_id: row.trip_id,
            account_id: row.account_id,
            plate: row.plate,
            perishable: row.perishable != 0.0,
        })
    }
}

/// The keys passes are checked against: the same list `GET /api/keys` serves.
async fn trust_list(env: &Env, db: &D1Database, now_ms: i64) -> Result<Vec<TrustedKey>, ApiError> {
    let keys = passes::trust_list(db, &passes::signer(env)?, now_ms).await?;
    Ok(keys
        .keys
        .iter()
        .filter_map(|k| {
            let kid = Kid::parse_hex(&k.kid).ok()?;
            let bytes = hex_32(&k.public_key)?;
            Some(TrustedKey {
                kid,
                public_key: bytes,
            })
        })
        .collect())
}

fn hex_32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The trip's owner asks where it stands: its newest check-in, or else its active booking,
/// names the yard. Someone else's trip is refused; a trip at no yard is not found.
pub async fn yard_of_own_trip(
    db: &D1Database,
    me: &Principal,
    trip_id: &str,
) -> Result<YardId, ApiError> {
    #[derive(Deserialize)]
    struct Owner {
        account_id: String,
    }
    let owner = db
        .prepare("SELECT account_id FROM trips WHERE id = ?1")
        .bind(&[trip_id.into()])?
        .first::<Owner>(None)
        .await?
        .ok_or_else(|| ApiError::not_found("no such trip"))?;
    if owner.account_id != me.account_id.as_str() {
        return Err(ApiError::from(shared::Error::new(
            ErrorCode::Forbidden,
            "this trip belongs to another account",
        )));
    }
    #[derive(Deserialize)]
    struct Yard {
        yard_id: String,
    }
    // A vehicle in a queue (waiting or called) is followed there; else its next active
    // booking; else the queue it last left; else the booking it checked in with.
    let yard = db
        .prepare(
            "SELECT yard_id FROM (
               SELECT yard_id, CASE WHEN status IN ('waiting', 'called') THEN 4 ELSE 2 END AS rank,
                 updated_at_ms AS recency
               FROM queue_entries WHERE trip_id = ?1
               UNION ALL
               SELECT yard_id, CASE WHEN status = 'active' THEN 3 ELSE 1 END AS rank,
                 CASE WHEN status = 'active' THEN -slot_start_ms ELSE slot_start_ms END AS recency
               FROM bookings WHERE trip_id = ?1 AND status IN ('active', 'checked_in'))
             ORDER BY rank DESC, recency DESC LIMIT 1",
        )
        .bind(&[trip_id.into()])?
        .first::<Yard>(None)
        .await?
        .ok_or_else(|| {
            ApiError::not_found("the trip is neither booked nor checked in at a yard")
        })?;
    Ok(YardId::parse(&yard.yard_id)?)
}

/// `GET /api/trips/{trip_id}/queue/live`: hands the phone's WebSocket to the yard's object.
pub async fn live(
    env: &Env,
    db: &D1Database,
    me: &Principal,
    trip_id: &str,
    req: &Request,
) -> Result<Response, ApiError> {
    let upgrade = req.headers().get("upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Err(Error::new(
            ErrorCode::MalformedBody,
            "this route expects a WebSocket upgrade",
        )
        .into());
    }
    let yard = yard_of_own_trip(db, me, trip_id).await?;
    YardClient::forward_live(env, &yard, trip_id, req).await
}

/// `GET /api/board`: every yard with its latest figures, from D1's copy (no object is woken).
pub async fn board(db: &D1Database, now_ms: i64) -> Result<BoardResponse, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        gate_id: String,
        json: Option<String>,
    }
    let rows = db
        .prepare(
            "SELECT y.id, y.gate_id, s.json FROM yards y
             LEFT JOIN yard_queue_stats s ON s.yard_id = y.id ORDER BY y.gate_id, y.id",
        )
        .all()
        .await?
        .results::<Row>()?;
    Ok(BoardResponse {
        as_of_ms: now_ms,
        yards: rows
            .into_iter()
            .map(|r| BoardYardDto {
                yard_id: r.id,
                gate_id: r.gate_id,
                stats: r
                    .json
                    .and_then(|j| serde_json::from_str::<QueueStats>(&j).ok()),
            })
            .collect(),
    })
}

/// The roles whose outbox may carry check-ins.
pub fn may_check_in(me: &Principal, yard: &YardId) -> Result<(), Error> {
    let own_yard = me.role == Role::YardOperator && me.responsibility.yard() == Some(yard);
    if own_yard {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::Forbidden,
            "only the yard's operator checks vehicles in there",
        ))
    }
}
