//! What a pass is for: its subject.
//!
//! Issuing is generic over the subject ([`PassSubject`]): the edge signs and stores a pass for
//! anything that says what kind of pass it gets, whose it is, when it is valid and what it
//! claims: a trip ([`TripPass`]) or a border resident ([`ResidentPass`]). The edge's `passes` table is keyed by the subject ([`SubjectRef`]: kind + id), so
//! revoking "every pass of this subject" works the same for every kind.

use super::{Booking, PassClaims, PassId, PassKind, MAX_RESIDENT_VALIDITY_SECS};
use crate::event::EventId;
use crate::resident::{HolderDigest, ResidentId};
use crate::time::day_start_ms;
use crate::{Error, ErrorCode, GateId, Plate, Trip};

/// The id of the event that records the revocation of pass `id`. A pass is revoked once, so
/// the id follows from the pass: two changes racing to revoke it record the same event, and the
/// edge outbox keeps it once (its event ids are unique).
pub fn revocation_event_id(id: &PassId) -> EventId {
    EventId::parse(&format!("pass-{}-revoked", id.to_hex()))
        .expect("a pass id's hex (at most 32 characters) makes a valid event id")
}

/// The subject a pass belongs to, as stored: its kind and its id (a trip's id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRef {
    pub kind: PassKind,
    pub id: String,
}

impl SubjectRef {
    pub fn trip(id: &crate::TripId) -> Self {
        SubjectRef {
            kind: PassKind::Trip,
            id: id.to_string(),
        }
    }

    pub fn resident(id: &ResidentId) -> Self {
        SubjectRef {
            kind: PassKind::Resident,
            id: id.to_string(),
        }
    }
}

/// Something a pass can be issued for.
pub trait PassSubject {
    /// Which subject: the pass's kind and the subject's id.
    fn subject(&self) -> SubjectRef;

    /// When its pass is valid, Unix seconds (`valid_from`, `valid_until`). The signer refuses a
    /// validity longer than the kind's maximum ([`PassKind::max_validity_secs`]).
    fn validity_secs(&self) -> (i64, i64);

    /// The gate the pass is for.
    fn gate(&self) -> &GateId;

    /// The claims of the pass `id`, issued at `issued_at` (Unix seconds).
    fn claims(&self, id: PassId, issued_at: i64) -> PassClaims;
}

/// A trip's pass: the trip, the plate of its vehicle, the trailer it pulls (the trip's, or the
/// vehicle's usual one) and, once booked, its yard slot.
#[derive(Debug, Clone)]
pub struct TripPass<'a> {
    pub trip: &'a Trip,
    pub plate: &'a Plate,
    pub trailer: Option<&'a Plate>,
    pub booking: Option<Booking>,
}

impl PassSubject for TripPass<'_> {
    fn subject(&self) -> SubjectRef {
        SubjectRef::trip(&self.trip.id)
    }

    /// From six hours before the arrival window to a day after it
    /// ([`crate::ArrivalWindow::pass_validity_secs`]).
    fn validity_secs(&self) -> (i64, i64) {
        self.trip.window.pass_validity_secs()
    }

    fn gate(&self) -> &GateId {
        &self.trip.gate
    }

    fn claims(&self, id: PassId, issued_at: i64) -> PassClaims {
        let (valid_from, valid_until) = self.validity_secs();
        PassClaims {
            id,
            kind: PassKind::Trip,
            issued_at,
            valid_from,
            valid_until,
            gate: self.trip.gate.clone(),
            plate: Some(self.plate.clone()),
            trailer: self.trailer.cloned(),
            booking: self.booking.clone(),
            holder_digest: None,
        }
    }
}

/// A border resident's pass: whose (the holder digest, never the ID itself), for which gate,
/// valid from its approval to the end of the paper border pass's last day, and never longer
/// than [`MAX_RESIDENT_VALIDITY_SECS`]. No name and no number travel in it.
#[derive(Debug, Clone)]
pub struct ResidentPass<'a> {
    pub resident: &'a ResidentId,
    pub holder: HolderDigest,
    pub gate: &'a GateId,
    valid_from: i64,
    valid_until: i64,
}

impl<'a> ResidentPass<'a> {
    /// The pass issued at `issued_at_ms` (an approval or a reinstatement) for a paper pass
    /// whose last valid day is `paper_expires_day` (local days since 1970-01-01): refused
    /// `invalid_border_pass` when that day is already over.
    pub fn new(
        resident: &'a ResidentId,
        holder: HolderDigest,
        gate: &'a GateId,
        issued_at_ms: i64,
        paper_expires_day: i64,
    ) -> Result<Self, Error> {
        let valid_from = issued_at_ms.div_euclid(1000);
        let paper_end = day_start_ms(paper_expires_day.saturating_add(1)).div_euclid(1000) - 1;
        let valid_until = paper_end.min(valid_from.saturating_add(MAX_RESIDENT_VALIDITY_SECS));
        if valid_until <= valid_from {
            return Err(Error::new(
                ErrorCode::InvalidBorderPass,
                "the paper border pass has expired",
            ));
        }
        Ok(ResidentPass {
            resident,
            holder,
            gate,
            valid_from,
            valid_until,
        })
    }
}

impl PassSubject for ResidentPass<'_> {
    fn subject(&self) -> SubjectRef {
        SubjectRef::resident(self.resident)
    }

    fn validity_secs(&self) -> (i64, i64) {
        (self.valid_from, self.valid_until)
    }

    fn gate(&self) -> &GateId {
        self.gate
    }

    fn claims(&self, id: PassId, issued_at: i64) -> PassClaims {
        PassClaims {
            id,
            kind: PassKind::Resident,
            issued_at,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            gate: self.gate.clone(),
            plate: None,
            trailer: None,
            booking: None,
            holder_digest: Some(self.holder.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::v1::TripDto;
    use crate::{Direction, YardId};

    fn trip() -> Trip {
        TripDto {
            id: "t-3n8d0p6yr2".into(),
            vehicle_id: "v-7k2m9q4xw1".into(),
            trailer: None,
            driver_name: "Nguyễn Văn An".into(),
            gate_id: "huu-nghi".into(),
            direction: Direction::Export,
            cargo: "Thanh long".into(),
            perishable: true,
            hs_code: None,
            weight_kg: 18_000,
            declaration: None,
            window_from_ms: 1_800_000_000_000,
            window_until_ms: 1_800_014_400_000,
        }
        .validate_stored()
        .unwrap()
    }

    #[test]
    fn a_trip_pass_claims_what_the_trip_says() {
        let trip = trip();
        let plate = Plate::parse("29C-123.45").unwrap();
        let trailer = Plate::parse("29R-012.34").unwrap();
        let booking = Booking {
            yard: YardId::parse("hn-fruit").unwrap(),
            slot_start: 1_800_003_600,
            slot_minutes: 30,
        };
        let subject = TripPass {
            trip: &trip,
            plate: &plate,
            trailer: Some(&trailer),
            booking: Some(booking.clone()),
        };
        assert_eq!(
            subject.subject(),
            SubjectRef {
                kind: PassKind::Trip,
                id: "t-3n8d0p6yr2".into()
            }
        );
        let id = PassId::from_bytes(&[1, 2, 3, 4, 5, 6]).unwrap();
        let claims = subject.claims(id.clone(), 1_799_990_000);
        assert_eq!(
            claims,
            PassClaims {
                id,
                kind: PassKind::Trip,
                issued_at: 1_799_990_000,
                valid_from: 1_800_000_000 - 6 * 3600,
                valid_until: 1_800_014_400 + 24 * 3600,
                gate: trip.gate.clone(),
                plate: Some(plate.clone()),
                trailer: Some(trailer.clone()),
                booking: Some(booking),
                holder_digest: None,
            }
        );
        assert_eq!(subject.gate(), &trip.gate);
        assert!(!claims.is_too_long());
    }

    #[test]
    fn a_revocation_event_id_follows_from_its_pass() {
        let short = PassId::from_bytes(&[0xab; 6]).unwrap();
        assert_eq!(
            revocation_event_id(&short).as_str(),
            "pass-abababababab-revoked"
        );
        let longest = PassId::from_bytes(&[0xff; PassId::MAX_BYTES]).unwrap();
        assert!(revocation_event_id(&longest).as_str().len() <= 64);
        assert_ne!(
            revocation_event_id(&short),
            revocation_event_id(&PassId::from_bytes(&[0xab; 7]).unwrap())
        );
    }

    #[test]
    fn a_resident_pass_runs_to_the_paper_pass_s_last_day_and_never_longer() {
        let resident = ResidentId::parse("r-0011223344556677").unwrap();
        let gate = GateId::parse("tan-thanh").unwrap();
        let holder = HolderDigest([7; 8]);
        // 2026-12-02 10:00 local; the paper pass ends on 2027-03-31.
        let now_ms = 1_796_187_600_000;
        let last_day = crate::time::parse_iso_day("2027-03-31").unwrap();
        let pass = ResidentPass::new(&resident, holder, &gate, now_ms, last_day).unwrap();
        let (from, until) = pass.validity_secs();
        assert_eq!(from, now_ms / 1000);
        // 2027-03-31 23:59:59 in Asia/Ho_Chi_Minh.
        assert_eq!(until, crate::time::day_start_ms(last_day + 1) / 1000 - 1);
        assert_eq!(pass.subject(), SubjectRef::resident(&resident));
        let claims = pass.claims(PassId::from_bytes(&[9; 6]).unwrap(), from);
        assert_eq!(claims.kind, PassKind::Resident);
        assert_eq!(claims.holder_digest, Some([7; 8]));
        assert_eq!((claims.plate, claims.booking), (None, None));
        // A paper pass valid for longer than a pass may be gives the longest pass.
        let far = ResidentPass::new(&resident, holder, &gate, now_ms, last_day + 400).unwrap();
        assert_eq!(far.validity_secs().1 - from, MAX_RESIDENT_VALIDITY_SECS);
        // Its last day over: refused.
        let today = crate::time::local_day(now_ms);
        assert!(ResidentPass::new(&resident, holder, &gate, now_ms, today).is_ok());
        assert_eq!(
            ResidentPass::new(&resident, holder, &gate, now_ms, today - 1)
                .unwrap_err()
                .code(),
            ErrorCode::InvalidBorderPass
        );
    }
}
