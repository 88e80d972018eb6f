//! Vehicles and trips: what a driver or trading household registers before reaching a gate.
//!
//! A trip's life: the app keeps it as a draft, queues it (`submitted`), the edge validates and
//! accepts it and issues a signed pass (`accepted`); it ends `completed` or `cancelled`.
//! [`TripStatus::transition`] is the only way a status changes, at the edge and in the app.

use crate::gate::slug_id;
use crate::time::{check_instant_ms, parse_hhmm, MINUTES_PER_DAY};
use crate::{
    Cargo, Country, DeclarationNumber, Direction, DisplayName, Error, ErrorCode, GateId, Plate,
};
use serde::{Deserialize, Serialize};
use std::fmt;

slug_id!(
    /// A vehicle's id, drawn by the app that registered it (e.g. `v-7k2m9q4xw1`), so a vehicle
    /// can be referred to by trips before it ever reached the edge.
    VehicleId
);
slug_id!(
    /// A trip's id, drawn by the app (e.g. `t-3n8d0p6yr2`), for the same reason.
    TripId
);

/// What kind of vehicle crosses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VehicleType {
    /// A rigid truck (xe tải).
    Truck,
    /// A tractor unit pulling a semi-trailer (xe đầu kéo).
    Tractor,
    /// A container truck.
    Container,
    /// A refrigerated truck, for fresh fruit.
    Reefer,
    /// A van or pickup.
    Van,
}

impl VehicleType {
    pub const ALL: [VehicleType; 5] = [
        VehicleType::Truck,
        VehicleType::Tractor,
        VehicleType::Container,
        VehicleType::Reefer,
        VehicleType::Van,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VehicleType::Truck => "truck",
            VehicleType::Tractor => "tractor",
            VehicleType::Container => "container",
            VehicleType::Reefer => "reefer",
            VehicleType::Van => "van",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Error> {
        VehicleType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidVehicle,
                    format!("unknown vehicle type {s:?}"),
                )
            })
    }
}

/// A registered vehicle: its plate, the trailer it usually pulls, its type and country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vehicle {
    pub id: VehicleId,
    pub plate: Plate,
    pub trailer: Option<Plate>,
    pub vehicle_type: VehicleType,
}

impl Vehicle {
    /// The plate's country decides the vehicle's; a claimed country that disagrees is refused
    /// (a `29C-…` truck is Vietnamese whatever the form says).
    pub fn new(
        id: VehicleId,
        plate: Plate,
        trailer: Option<Plate>,
        vehicle_type: VehicleType,
        country: Country,
    ) -> Result<Self, Error> {
        if plate.country() != country {
            return Err(Error::new(
                ErrorCode::InvalidVehicle,
                "the country does not match the plate",
            ));
        }
        if trailer.as_ref().is_some_and(|t| t.same_vehicle(&plate)) {
            return Err(Error::new(
                ErrorCode::InvalidVehicle,
                "the trailer plate is the vehicle's own plate",
            ));
        }
        Ok(Vehicle {
            id,
            plate,
            trailer,
            vehicle_type,
        })
    }

    pub fn country(&self) -> Country {
        self.plate.country()
    }
}

/// A Harmonized System code for the cargo: 4 to 10 digits (chapter, heading, subheading, and
/// Vietnam's or China's national digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HsCode(String);

impl HsCode {
    pub fn parse(input: &str) -> Result<Self, Error> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '.')).collect();
        if (4..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(HsCode(digits))
        } else {
            Err(Error::new(
                ErrorCode::InvalidHsCode,
                "HS codes are 4 to 10 digits",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Gross weight of the cargo in kilograms: a loaded truck at Lang Son carries up to ~40 t;
/// 100 t is refused as a typo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WeightKg(u32);

impl WeightKg {
    pub const MAX: u32 = 100_000;

    pub fn new(kg: u32) -> Result<Self, Error> {
        if (1..=Self::MAX).contains(&kg) {
            Ok(WeightKg(kg))
        } else {
            Err(Error::new(
                ErrorCode::InvalidWeight,
                "weight is 1 to 100,000 kg",
            ))
        }
    }

    pub fn kg(self) -> u32 {
        self.0
    }
}

/// When the truck expects to reach the gate: a window of Unix milliseconds, both ends within
/// BorderPass's range of instants ([`crate::time::check_instant_ms`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArrivalWindow {
    from_ms: i64,
    until_ms: i64,
}

impl ArrivalWindow {
    /// Longest window accepted: three days.
    pub const MAX_LENGTH_MS: i64 = 3 * 24 * 3600 * 1000;
    /// How far ahead a trip can be registered: sixty days.
    pub const MAX_AHEAD_MS: i64 = 60 * 24 * 3600 * 1000;
    /// A trip's pass is valid from this long before its window (trucks come early and wait)...
    pub const PASS_EARLY_SECS: i64 = 6 * 3600;
    /// ...to this long after it (the queue at the yard can take that long).
    pub const PASS_LATE_SECS: i64 = 24 * 3600;

    /// A window that ends after it starts, lasts at most three days, has not already ended at
    /// `now_ms` and starts within sixty days. All three instants are first checked to be in
    /// range (`time_out_of_range`), so the subtractions below cannot overflow.
    pub fn new(from_ms: i64, until_ms: i64, now_ms: i64) -> Result<Self, Error> {
        check_instant_ms(now_ms)?;
        let window = Self::stored(from_ms, until_ms)?;
        let problem = if until_ms - from_ms > Self::MAX_LENGTH_MS {
            Some("the window is longer than three days")
        } else if until_ms <= now_ms {
            Some("the window has already ended")
        } else if from_ms - now_ms > Self::MAX_AHEAD_MS {
            Some("the window starts more than sixty days ahead")
        } else {
            None
        };
        match problem {
            Some(p) => Err(Error::new(ErrorCode::InvalidWindow, p)),
            None => Ok(window),
        }
    }

    /// A window as it was stored, already validated once: no check against a clock, but the
    /// range and the order are checked again (a row written before the range existed, or read
    /// back through a float, must not sign a pass for ever).
    pub fn stored(from_ms: i64, until_ms: i64) -> Result<Self, Error> {
        check_instant_ms(from_ms)?;
        check_instant_ms(until_ms)?;
        if until_ms <= from_ms {
            return Err(Error::new(
                ErrorCode::InvalidWindow,
                "the window ends before it starts",
            ));
        }
        Ok(ArrivalWindow { from_ms, until_ms })
    }

    pub fn from_ms(self) -> i64 {
        self.from_ms
    }

    pub fn until_ms(self) -> i64 {
        self.until_ms
    }

    /// The validity of the trip's pass, in Unix seconds: from [`Self::PASS_EARLY_SECS`] before
    /// the window to [`Self::PASS_LATE_SECS`] after it. Both ends are in range, so this cannot
    /// overflow; a stored window may be longer than [`Self::MAX_LENGTH_MS`] (it was checked
    /// by an older rule), and the signer refuses a validity longer than
    /// [`crate::pass::MAX_TRIP_VALIDITY_SECS`] whatever the window says.
    pub fn pass_validity_secs(self) -> (i64, i64) {
        (
            self.from_ms.div_euclid(1000) - Self::PASS_EARLY_SECS,
            self.until_ms.div_euclid(1000) + Self::PASS_LATE_SECS,
        )
    }
}

// The longest window this module accepts gives a pass the signer accepts.
const _: () = assert!(
    ArrivalWindow::MAX_LENGTH_MS / 1000
        + ArrivalWindow::PASS_EARLY_SECS
        + ArrivalWindow::PASS_LATE_SECS
        <= crate::pass::MAX_TRIP_VALIDITY_SECS
);

/// Where a trip is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TripStatus {
    /// Being written on the phone; nothing sent.
    Draft,
    /// Saved and queued for the edge.
    Submitted,
    /// Validated by the edge; the pass is issued.
    Accepted,
    /// Done: the truck crossed.
    Completed,
    /// Called off by its owner (or refused); its pass is revoked.
    Cancelled,
}

/// What can happen to a trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TripEvent {
    Submit,
    Accept,
    Complete,
    Cancel,
}

impl TripStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TripStatus::Draft => "draft",
            TripStatus::Submitted => "submitted",
            TripStatus::Accepted => "accepted",
            TripStatus::Completed => "completed",
            TripStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Error> {
        [
            TripStatus::Draft,
            TripStatus::Submitted,
            TripStatus::Accepted,
            TripStatus::Completed,
            TripStatus::Cancelled,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidTripState,
                format!("unknown trip status {s:?}"),
            )
        })
    }

    /// The status after `event`, or `invalid_trip_state` if the event cannot happen now.
    pub fn transition(self, event: TripEvent) -> Result<TripStatus, Error> {
        use TripEvent::*;
        use TripStatus::*;
        match (self, event) {
            (Draft, Submit) => Ok(Submitted),
            (Submitted, Accept) => Ok(Accepted),
            (Accepted, Complete) => Ok(Completed),
            (Draft | Submitted | Accepted, Cancel) => Ok(Cancelled),
            (status, event) => Err(Error::new(
                ErrorCode::InvalidTripState,
                format!("a {} trip cannot {event:?}", status.as_str()),
            )),
        }
    }

    /// Whether the trip can still be changed (declaration added, cancelled).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TripStatus::Draft | TripStatus::Submitted | TripStatus::Accepted
        )
    }
}

/// A trip as registered: everything the gate needs to know before the truck arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trip {
    pub id: TripId,
    pub vehicle_id: VehicleId,
    pub trailer: Option<Plate>,
    pub driver_name: DisplayName,
    pub gate: GateId,
    pub direction: Direction,
    pub cargo: Cargo,
    pub hs_code: Option<HsCode>,
    pub weight: WeightKg,
    pub declaration: Option<DeclarationNumber>,
    pub window: ArrivalWindow,
}

/// Parses a local `YYYY-MM-DD` date and `HH:MM` time as typed into the app's form.
pub fn parse_local_instant(date: &str, hhmm: &str) -> Result<i64, Error> {
    if parse_hhmm(hhmm.trim()).is_some_and(|m| m >= MINUTES_PER_DAY) {
        return Err(Error::new(
            ErrorCode::InvalidWindow,
            "24:00 is not a time of day",
        ));
    }
    crate::time::parse_local_date_time(date, hhmm)
        .ok_or_else(|| Error::new(ErrorCode::InvalidWindow, "no such date or time"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOUR: i64 = 3_600_000;
    const NOW: i64 = 1_795_829_400_000;

    fn plate(s: &str) -> Plate {
        Plate::parse(s).unwrap()
    }

    #[test]
    fn a_vehicle_takes_its_country_from_its_plate() {
        let id = VehicleId::parse("v-1").unwrap();
        let ok = Vehicle::new(
            id.clone(),
            plate("29C-123.45"),
            Some(plate("29R-012.34")),
            VehicleType::Tractor,
            Country::Vn,
        );
        assert_eq!(ok.unwrap().country(), Country::Vn);
        let wrong = Vehicle::new(
            id.clone(),
            plate("桂A·12345"),
            None,
            VehicleType::Truck,
            Country::Vn,
        );
        assert_eq!(wrong.unwrap_err().code(), ErrorCode::InvalidVehicle);
        let own_trailer = Vehicle::new(
            id,
            plate("29C-123.45"),
            Some(plate("29C12345")),
            VehicleType::Truck,
            Country::Vn,
        );
        assert_eq!(own_trailer.unwrap_err().code(), ErrorCode::InvalidVehicle);
    }

    #[test]
    fn vehicle_types_round_trip_and_unknown_ones_are_refused() {
        for t in VehicleType::ALL {
            assert_eq!(VehicleType::parse(t.as_str()).unwrap(), t);
        }
        assert_eq!(
            VehicleType::parse("bicycle").unwrap_err().code(),
            ErrorCode::InvalidVehicle
        );
    }

    #[test]
    fn hs_codes_are_four_to_ten_digits() {
        assert_eq!(HsCode::parse("0810.90").unwrap().as_str(), "081090");
        assert_eq!(HsCode::parse("0810 90 10").unwrap().as_str(), "08109010");
        for bad in ["081", "08109010123", "08a0", ""] {
            assert_eq!(
                HsCode::parse(bad).unwrap_err().code(),
                ErrorCode::InvalidHsCode,
                "{bad}"
            );
        }
    }

    #[test]
    fn weights_are_bounded() {
        assert!(WeightKg::new(0).is_err());
        assert_eq!(WeightKg::new(32_000).unwrap().kg(), 32_000);
        assert!(WeightKg::new(100_001).is_err());
    }

    #[test]
    fn windows_must_be_possible() {
        assert!(ArrivalWindow::new(NOW + HOUR, NOW + 5 * HOUR, NOW).is_ok());
        // Already started but not ended: fine, the truck is on its way.
        assert!(ArrivalWindow::new(NOW - HOUR, NOW + HOUR, NOW).is_ok());
        for (from, until) in [
            (NOW + 5 * HOUR, NOW + HOUR),
            (NOW + HOUR, NOW + HOUR),
            (NOW - 5 * HOUR, NOW - HOUR),
            (NOW, NOW + 73 * HOUR),
            (NOW + 61 * 24 * HOUR, NOW + 62 * 24 * HOUR),
        ] {
            let e = ArrivalWindow::new(from, until, NOW).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidWindow, "{from} {until}");
        }
    }

    #[test]
    fn a_pass_is_valid_around_the_window() {
        let w = ArrivalWindow::new(NOW, NOW + 4 * HOUR, NOW).unwrap();
        let (from, until) = w.pass_validity_secs();
        assert_eq!(from, NOW / 1000 - 6 * 3600);
        assert_eq!(until, (NOW + 4 * HOUR) / 1000 + 24 * 3600);
    }

    #[test]
    fn the_trip_lifecycle_allows_only_its_transitions() {
        use TripEvent::*;
        use TripStatus::*;
        assert_eq!(Draft.transition(Submit).unwrap(), Submitted);
        assert_eq!(Submitted.transition(Accept).unwrap(), Accepted);
        assert_eq!(Accepted.transition(Complete).unwrap(), Completed);
        assert_eq!(Accepted.transition(Cancel).unwrap(), Cancelled);
        for (status, event) in [
            (Cancelled, Cancel),
            (Completed, Cancel),
            (Cancelled, Accept),
            (Draft, Accept),
            (Submitted, Complete),
            (Accepted, Submit),
        ] {
            let e = status.transition(event).unwrap_err();
            assert_eq!(
                e.code(),
                ErrorCode::InvalidTripState,
                "{status:?} {event:?}"
            );
        }
        assert!(Accepted.is_open());
        assert!(!Cancelled.is_open());
    }

    #[test]
    fn form_dates_are_parsed_or_refused() {
        assert_eq!(parse_local_instant("2026-11-28", "08:30").unwrap(), NOW);
        for (d, t) in [
            ("2026-02-30", "08:00"),
            ("2026-11-28", "25:00"),
            ("2026-11-28", "24:00"),
            ("", ""),
        ] {
            assert_eq!(
                parse_local_instant(d, t).unwrap_err().code(),
                ErrorCode::InvalidWindow
            );
        }
    }

    #[test]
    fn windows_at_the_ends_of_i64_are_refused_not_wrapped() {
        // The reproduced attack: from = i64::MIN wrapped `until - from` to a small number.
        for (from, until, now) in [
            (i64::MIN, NOW + HOUR, NOW),
            (i64::MIN, i64::MIN + HOUR, NOW),
            (NOW, i64::MAX, NOW),
            (i64::MAX - HOUR, i64::MAX, NOW),
            (i64::MIN, i64::MAX, NOW),
            (NOW, NOW + HOUR, i64::MIN),
            (NOW, NOW + HOUR, i64::MAX),
            (-HOUR, HOUR, 0),
        ] {
            let e = ArrivalWindow::new(from, until, now).unwrap_err();
            assert_eq!(e.code(), ErrorCode::TimeOutOfRange, "{from} {until} {now}");
        }
        let e = ArrivalWindow::stored(i64::MIN, NOW).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TimeOutOfRange);
        let e = ArrivalWindow::stored(NOW, i64::MAX).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TimeOutOfRange);
    }

    /// What `ArrivalWindow::new` must answer, computed in i128 where nothing can overflow.
    fn reference_new(from: i64, until: i64, now: i64) -> Result<(), ErrorCode> {
        let in_range = |ms: i64| {
            (i128::from(crate::time::EARLIEST_INSTANT_MS)
                ..i128::from(crate::time::LATEST_INSTANT_MS))
                .contains(&i128::from(ms))
        };
        let (f, u, n) = (i128::from(from), i128::from(until), i128::from(now));
        if !in_range(from) || !in_range(until) || !in_range(now) {
            Err(ErrorCode::TimeOutOfRange)
        } else if u <= f
            || u - f > i128::from(ArrivalWindow::MAX_LENGTH_MS)
            || u <= n
            || f - n > i128::from(ArrivalWindow::MAX_AHEAD_MS)
        {
            Err(ErrorCode::InvalidWindow)
        } else {
            Ok(())
        }
    }

    /// Any i64 at all, with the edges and the range's neighbourhood drawn often.
    fn any_instant() -> impl Strategy<Value = i64> {
        prop_oneof![
            any::<i64>(),
            Just(i64::MIN),
            Just(i64::MAX),
            Just(0i64),
            (crate::time::EARLIEST_INSTANT_MS - 100 * 24 * HOUR)
                ..(crate::time::LATEST_INSTANT_MS + 100 * 24 * HOUR),
        ]
    }

    /// A (from, until, now) triple: anything, or a window near `now` (often acceptable).
    fn window_triple() -> impl Strategy<Value = (i64, i64, i64)> {
        prop_oneof![
            (any_instant(), any_instant(), any_instant()),
            (any_instant(), any::<i64>(), any::<i64>()).prop_map(|(now, a, b)| {
                let from = now.saturating_add(a % (70 * 24 * HOUR));
                (from, from.saturating_add(b % (4 * 24 * HOUR)), now)
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn windows_agree_with_the_i128_reference_over_all_of_i64((from, until, now) in window_triple()) {
            let got = ArrivalWindow::new(from, until, now);
            prop_assert_eq!(got.as_ref().map(|_| ()).map_err(|e| e.code()), reference_new(from, until, now));
            if let Ok(w) = got {
                let (a, b) = w.pass_validity_secs();
                let wide_a = i128::from(from).div_euclid(1000) - i128::from(ArrivalWindow::PASS_EARLY_SECS);
                let wide_b = i128::from(until).div_euclid(1000) + i128::from(ArrivalWindow::PASS_LATE_SECS);
                prop_assert_eq!((i128::from(a), i128::from(b)), (wide_a, wide_b));
                prop_assert!(0 < wide_b - wide_a);
                prop_assert!(wide_b - wide_a <= i128::from(crate::pass::MAX_TRIP_VALIDITY_SECS));
            }
        }

        #[test]
        fn stored_windows_never_panic_and_stay_in_range(from in any_instant(), until in any_instant()) {
            match ArrivalWindow::stored(from, until) {
                Ok(w) => {
                    prop_assert!(crate::time::is_in_range(from) && crate::time::is_in_range(until) && from < until);
                    let (a, b) = w.pass_validity_secs();
                    prop_assert!(a < b);
                }
                Err(e) => prop_assert!(matches!(e.code(), ErrorCode::TimeOutOfRange | ErrorCode::InvalidWindow)),
            }
        }
    }

    proptest! {
        #[test]
        fn statuses_round_trip_through_their_names(i in 0usize..5) {
            let s = [TripStatus::Draft, TripStatus::Submitted, TripStatus::Accepted, TripStatus::Completed, TripStatus::Cancelled][i];
            prop_assert_eq!(TripStatus::parse(s.as_str()).unwrap(), s);
        }

        #[test]
        fn a_valid_window_always_ends_after_now(from in 0i64..10_000_000_000_000, len in 1i64..300_000_000, now in 0i64..10_000_000_000_000) {
            if let Ok(w) = ArrivalWindow::new(from, from + len, now) {
                prop_assert!(w.until_ms() > now && w.until_ms() > w.from_ms());
                let (a, b) = w.pass_validity_secs();
                prop_assert!(a < b);
            }
        }
    }
}
