//! What a pass is for: its subject.
//!
//! Issuing is generic over the subject ([`PassSubject`]): the edge signs and stores a pass for
//! anything that says what kind of pass it gets, whose it is, when it is valid and what it
//! claims. A trip ([`TripPass`]) is the one subject today; a border resident's pass is the
//! next. The edge's `passes` table is keyed by the subject ([`SubjectRef`]: kind + id), so
//! revoking "every pass of this subject" works the same for every kind.

use super::{Booking, PassClaims, PassId, PassKind};
use crate::event::EventId;
use crate::{GateId, Plate, Trip};

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
}
