//! The trips and vehicles as the screen shows them: the edge's last answer with the writes
//! still in the outbox on top.

use crate::offline::outbox::Contents;
use crate::offline::snapshots::TripsSnapshot;
use shared::wire::v1::{CancelTripDto, OpKind, PassDto, SetDeclarationDto, TripDto, VehicleDto};
use shared::TripStatus;

/// A vehicle as shown: from the edge, or still in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleView {
    pub dto: VehicleDto,
    pub pending: bool,
}

/// Where a trip stands, as the phone knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shown {
    /// In the outbox, not yet accepted.
    Pending,
    /// As the edge last said.
    Stored(TripStatus),
    /// Stored, with a cancellation waiting in the outbox.
    Cancelling,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TripView {
    pub dto: TripDto,
    pub shown: Shown,
    pub pass: Option<PassDto>,
}

/// Merges the edge's last answer with the writes still waiting: pending vehicles and trips are
/// added, pending cancellations mark their trips. Newest trips first.
pub fn merge(
    snapshot: Option<&TripsSnapshot>,
    outbox: &Contents,
) -> (Vec<VehicleView>, Vec<TripView>) {
    let mut vehicles: Vec<VehicleView> = snapshot
        .map(|s| {
            s.vehicles
                .iter()
                .map(|dto| VehicleView {
                    dto: dto.clone(),
                    pending: false,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut trips: Vec<TripView> = snapshot
        .map(|s| {
            s.trips
                .iter()
                .map(|t| TripView {
                    dto: t.trip.clone(),
                    shown: Shown::Stored(t.status),
                    pass: t.pass.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    for write in &outbox.pending {
        match write.kind {
            OpKind::RegisterVehicle => {
                if let Ok(dto) = serde_json::from_value::<VehicleDto>(write.payload.clone()) {
                    if !vehicles.iter().any(|v| v.dto.id == dto.id) {
                        vehicles.push(VehicleView { dto, pending: true });
                    }
                }
            }
            OpKind::CreateTrip => {
                if let Ok(dto) = serde_json::from_value::<TripDto>(write.payload.clone()) {
                    if !trips.iter().any(|t| t.dto.id == dto.id) {
                        trips.insert(
                            0,
                            TripView {
                                dto,
                                shown: Shown::Pending,
                                pass: None,
                            },
                        );
                    }
                }
            }
            OpKind::CancelTrip => {
                if let Ok(cancel) = serde_json::from_value::<CancelTripDto>(write.payload.clone()) {
                    if let Some(t) = trips.iter_mut().find(|t| t.dto.id == cancel.trip_id) {
                        if t.shown != Shown::Stored(TripStatus::Cancelled) {
                            t.shown = Shown::Cancelling;
                        }
                    }
                }
            }
            OpKind::SetDeclaration => {
                if let Ok(set) = serde_json::from_value::<SetDeclarationDto>(write.payload.clone())
                {
                    if let Some(t) = trips.iter_mut().find(|t| t.dto.id == set.trip_id) {
                        t.dto.declaration = Some(set.declaration);
                    }
                }
            }
            // A yard operator's or an officer's write: never in a driver's or trader's outbox.
            OpKind::CheckIn | OpKind::RecordCrossing => {}
        }
    }
    (vehicles, trips)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offline::outbox::PendingWrite;
    use shared::wire::v1::TripRecordDto;
    use shared::Direction;

    fn trip(id: &str) -> TripDto {
        TripDto {
            id: id.into(),
            vehicle_id: "v-1".into(),
            trailer: None,
            driver_name: "An".into(),
            gate_id: "huu-nghi".into(),
            direction: Direction::Export,
            cargo: "Thanh long".into(),
            perishable: true,
            hs_code: None,
            weight_kg: 1000,
            declaration: None,
            window_from_ms: 1,
            window_until_ms: 2,
        }
    }

    fn pending(seq: u64, kind: OpKind, payload: serde_json::Value) -> PendingWrite {
        PendingWrite {
            account_id: "a".into(),
            seq,
            kind,
            payload,
            queued_at_ms: 0,
        }
    }

    #[test]
    fn pending_writes_show_on_top_of_the_edges_answer() {
        let snapshot = TripsSnapshot {
            fetched_at_ms: 0,
            vehicles: vec![],
            bookings: vec![],
            releases: vec![],
            trips: vec![TripRecordDto {
                trip: trip("t-stored"),
                status: TripStatus::Accepted,
                pass: None,
                created_at_ms: 0,
                updated_at_ms: 0,
                province_received: false,
                timeline: Default::default(),
            }],
        };
        let outbox = Contents {
            meta: None,
            pending: vec![
                pending(1, OpKind::CreateTrip, serde_json::json!(trip("t-new"))),
                pending(
                    2,
                    OpKind::CancelTrip,
                    serde_json::json!({"trip_id": "t-stored"}),
                ),
                pending(
                    3,
                    OpKind::SetDeclaration,
                    serde_json::json!({"trip_id": "t-stored", "declaration": "123456789012"}),
                ),
            ],
            rejected: vec![],
        };
        let (_, trips) = merge(Some(&snapshot), &outbox);
        assert_eq!(trips.len(), 2);
        assert_eq!(trips[0].dto.id, "t-new");
        assert_eq!(trips[0].shown, Shown::Pending);
        assert_eq!(trips[1].shown, Shown::Cancelling);
        assert_eq!(trips[1].dto.declaration.as_deref(), Some("123456789012"));
    }

    #[test]
    fn a_write_the_edge_already_has_is_not_shown_twice() {
        let snapshot = TripsSnapshot {
            fetched_at_ms: 0,
            vehicles: vec![],
            bookings: vec![],
            releases: vec![],
            trips: vec![TripRecordDto {
                trip: trip("t-1"),
                status: TripStatus::Accepted,
                pass: None,
                created_at_ms: 0,
                updated_at_ms: 0,
                province_received: false,
                timeline: Default::default(),
            }],
        };
        let outbox = Contents {
            meta: None,
            pending: vec![pending(
                1,
                OpKind::CreateTrip,
                serde_json::json!(trip("t-1")),
            )],
            rejected: vec![],
        };
        let (_, trips) = merge(Some(&snapshot), &outbox);
        assert_eq!(trips.len(), 1);
        assert_eq!(trips[0].shown, Shown::Stored(TripStatus::Accepted));
    }
}
