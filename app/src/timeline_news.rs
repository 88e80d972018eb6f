//! What the province said since the phone last saved the trips: the steps whose state changed
//! between the saved list and the fresh one (`Timeline::changed_since`), for the in-app alert.
//!
//! Pure: [`crate::sync`] calls [`news`] with both lists before saving the fresh one, and keeps
//! what it found (with [`add`]) until the driver has read it.

use crate::offline::snapshots::TripsSnapshot;
use shared::province::timeline::{Step, StepView, Timeline};

/// One step of one trip that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepNews {
    pub trip_id: String,
    /// The trip's plate, when the phone knows its vehicle.
    pub plate: Option<String>,
    pub step: StepView,
}

impl StepNews {
    fn key(&self) -> (&str, Step) {
        (&self.trip_id, self.step.step)
    }
}

/// The steps that changed from `before` (the list saved on the phone) to `after` (the edge's
/// answer). With nothing saved before there is nothing to compare with, so no news: the
/// first list a phone receives is not an alert. A trip new to the list is compared with an
/// empty timeline (everything the province already said about it is news).
pub fn news(before: Option<&TripsSnapshot>, after: &TripsSnapshot) -> Vec<StepNews> {
    let Some(before) = before else {
        return Vec::new();
    };
    let empty = Timeline::default();
    after
        .trips
        .iter()
        .flat_map(|trip| {
            let was = before
                .trips
                .iter()
                .find(|t| t.trip.id == trip.trip.id)
                .map_or(&empty, |t| &t.timeline);
            let plate = after
                .vehicles
                .iter()
                .find(|v| v.id == trip.trip.vehicle_id)
                .map(|v| v.plate.clone());
            trip.timeline
                .changed_since(was)
                .into_iter()
                .map(move |step| StepNews {
                    trip_id: trip.trip.id.clone(),
                    plate: plate.clone(),
                    step: step.clone(),
                })
        })
        .collect()
}

/// Adds fresh news to what is shown: a step that changed again replaces its older news.
pub fn add(shown: &mut Vec<StepNews>, fresh: Vec<StepNews>) {
    for item in fresh {
        shown.retain(|old| old.key() != item.key());
        shown.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::province::timeline::{
        Force, HoldReason, StatusUpdate, StepState, UpdateId, Verdict,
    };
    use shared::wire::v1::{TripDto, TripRecordDto, VehicleDto};
    use shared::{Country, Direction, TripId, TripStatus};

    fn update(id: &str, step: Step, force: Force, verdict: Verdict, at_ms: i64) -> StatusUpdate {
        StatusUpdate {
            update_id: UpdateId::parse(id).unwrap(),
            trip_id: TripId::parse("t-abcdefghijkm").unwrap(),
            step,
            force,
            verdict,
            reason: (verdict != Verdict::Confirmed).then_some(HoldReason::Inspection),
            note: None,
            at_ms,
        }
    }

    fn record(id: &str, updates: &[StatusUpdate]) -> TripRecordDto {
        TripRecordDto {
            trip: TripDto {
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
            },
            status: TripStatus::Accepted,
            pass: None,
            created_at_ms: 0,
            updated_at_ms: 0,
            province_received: true,
            timeline: Timeline::fold(updates),
        }
    }

    fn snapshot(trips: Vec<TripRecordDto>) -> TripsSnapshot {
        TripsSnapshot {
            fetched_at_ms: 0,
            vehicles: vec![VehicleDto {
                id: "v-1".into(),
                plate: "12C-345.67".into(),
                trailer: None,
                vehicle_type: "truck".into(),
                country: Country::Vn,
                verified: false,
            }],
            trips,
            bookings: vec![],
            releases: vec![],
        }
    }

    #[test]
    fn a_step_that_changed_is_news_and_one_that_did_not_is_not() {
        let customs = update("u1", Step::GateIn, Force::Customs, Verdict::Confirmed, 10);
        let guard = update(
            "u2",
            Step::GateIn,
            Force::BorderGuard,
            Verdict::Confirmed,
            20,
        );
        let hold = update("u3", Step::YardIn, Force::Customs, Verdict::Held, 30);
        let before = snapshot(vec![record("t-1", std::slice::from_ref(&customs))]);
        let same = snapshot(vec![record("t-1", std::slice::from_ref(&customs))]);
        assert!(news(Some(&before), &same).is_empty(), "nothing changed");

        let after = snapshot(vec![record("t-1", &[customs, guard, hold])]);
        let found = news(Some(&before), &after);
        let steps: Vec<(Step, StepState)> =
            found.iter().map(|n| (n.step.step, n.step.state)).collect();
        assert_eq!(
            steps,
            [
                (Step::GateIn, StepState::Done),
                (Step::YardIn, StepState::Held)
            ]
        );
        assert_eq!(found[0].plate.as_deref(), Some("12C-345.67"));
        assert_eq!(found[0].trip_id, "t-1");
    }

    #[test]
    fn the_first_list_on_a_phone_is_no_alert_but_a_new_trip_with_steps_is() {
        let confirmed = update("u1", Step::GateIn, Force::Customs, Verdict::Confirmed, 10);
        let after = snapshot(vec![record("t-2", &[confirmed])]);
        assert!(news(None, &after).is_empty());
        let before = snapshot(vec![]);
        let found = news(Some(&before), &after);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].step.state, StepState::Partly);
        // A trip the province has said nothing about is no news.
        assert!(news(Some(&before), &snapshot(vec![record("t-3", &[])])).is_empty());
    }

    #[test]
    fn news_of_a_step_replaces_its_older_news() {
        let held = update("u1", Step::Payment, Force::GateAuthority, Verdict::Held, 10);
        let paid = update(
            "u2",
            Step::Payment,
            Force::GateAuthority,
            Verdict::Confirmed,
            20,
        );
        let empty = snapshot(vec![record("t-1", &[])]);
        let mut shown = news(
            Some(&empty),
            &snapshot(vec![record("t-1", std::slice::from_ref(&held))]),
        );
        assert_eq!(shown.len(), 1);
        let later = news(
            Some(&snapshot(vec![record("t-1", std::slice::from_ref(&held))])),
            &snapshot(vec![record("t-1", &[held, paid])]),
        );
        add(&mut shown, later);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].step.state, StepState::Done);
    }
}
