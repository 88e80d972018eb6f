use super::*;
use crate::booking::{Lane, YardConfig};

fn sample() -> GateDto {
    serde_json::from_str(
        r#"{"id":"chi-ma","kind":"main",
            "name":{"vi":"Cửa khẩu Chi Ma","en":"Chi Ma Border Gate","zh":"支麻口岸"},
            "counterpart":{"vi":"Ái Điếm","en":"Aidian","zh":"爱店"},
            "yards":[{"id":"cm-general","name":{"vi":"Bãi A","en":"Yard A","zh":"A 停车场"},
              "daily_capacity":350,"slot_minutes":60,"perishable_percent":20,
              "opens":"06:00","closes":"22:00"}]}"#,
    )
    .unwrap()
}

#[test]
fn a_gate_round_trips_through_the_domain() {
    let dto = sample();
    let gate = Gate::try_from(dto.clone()).unwrap();
    assert_eq!(gate.yards[0].opens_minute, 360);
    assert_eq!(GateDto::from(&gate), dto);
}

#[test]
fn invalid_wire_data_is_refused_by_the_same_rules() {
    let mut dto = sample();
    dto.yards[0].closes = "25:00".into();
    assert_eq!(
        Gate::try_from(dto).unwrap_err().code(),
        ErrorCode::MalformedBody
    );
    let mut dto = sample();
    dto.id = "Chi Ma".into();
    assert_eq!(
        Gate::try_from(dto).unwrap_err().code(),
        ErrorCode::InvalidId
    );
}

fn sign_up(role: &str, password: &str) -> SignUpRequest {
    SignUpRequest {
        phone: "0912 345 678".into(),
        password: password.into(),
        role: role.into(),
        display_name: Some("  Lê Thị Hoa ".into()),
        code: "123456".into(),
        device_id: None,
    }
}

#[test]
fn a_self_sign_up_is_validated_by_the_domain_rules() {
    let s = SignUp::try_from(sign_up("trader", "hang hoa 2026")).unwrap();
    assert_eq!(s.phone.e164(), "+84912345678");
    assert_eq!(s.role, Role::Trader);
    assert_eq!(s.display_name.unwrap().as_str(), "Lê Thị Hoa");
    let code = |r: SignUpRequest| SignUp::try_from(r).unwrap_err().code();
    assert_eq!(
        code(sign_up("admin", "hang hoa 2026")),
        ErrorCode::InvalidRole
    );
    assert_eq!(
        code(sign_up("officer", "hang hoa 2026")),
        ErrorCode::InvalidRole
    );
    assert_eq!(
        code(sign_up("pilot", "hang hoa 2026")),
        ErrorCode::InvalidRole
    );
    assert_eq!(code(sign_up("driver", "12345678")), ErrorCode::WeakPassword);
    let mut bad_phone = sign_up("driver", "hang hoa 2026");
    bad_phone.phone = "12345".into();
    assert_eq!(code(bad_phone), ErrorCode::InvalidPhone);
}

#[test]
fn requests_with_unknown_fields_are_refused() {
    let json =
        r#"{"phone":"0912345678","password":"hang hoa 2026","role":"driver","is_admin":true}"#;
    assert!(serde_json::from_str::<SignUpRequest>(json).is_err());
}

#[test]
fn staff_accounts_need_their_binding() {
    let req = |role: &str, yard: Option<&str>, gate: Option<&str>| CreateAccountRequest {
        phone: "0387654321".into(),
        password: "bien phong 2026".into(),
        role: role.into(),
        display_name: "Trần Văn Bình".into(),
        yard_id: yard.map(Into::into),
        gate_id: gate.map(Into::into),
    };
    let officer = NewStaffAccount::try_from(req("officer", None, Some("huu-nghi"))).unwrap();
    assert_eq!(officer.responsibility.gate().unwrap().as_str(), "huu-nghi");
    assert!(NewStaffAccount::try_from(req("yard_operator", Some("cm-1"), None)).is_ok());
    assert_eq!(
        NewStaffAccount::try_from(req("officer", None, None))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidBinding
    );
    assert_eq!(
        NewStaffAccount::try_from(req("officer", None, Some("Huu Nghi")))
            .unwrap_err()
            .code(),
        ErrorCode::InvalidId
    );
}

#[test]
fn error_body_carries_the_stable_code() {
    let body = ErrorBody::from(&Error::new(ErrorCode::NotFound, "no such route"));
    let json = serde_json::to_value(&body).unwrap();
    assert_eq!(json["code"], "not_found");
    assert_eq!(json["message"], "no such route");
    assert_eq!(Error::from(body).code(), ErrorCode::NotFound);
}
#[test]
fn a_trip_round_trips_and_bad_fields_are_named() {
    let now = 1_795_829_400_000;
    let json = r#"{"id":"t-abc123","vehicle_id":"v-abc123","driver_name":" Nguyễn  Văn An ",
        "gate_id":"huu-nghi","direction":"export","cargo":"Thanh long","perishable":true,
        "hs_code":"0810.90","weight_kg":18000,"declaration":"",
        "window_from_ms":1795829400000,"window_until_ms":1795843800000}"#;
    let dto: TripDto = serde_json::from_str(json).unwrap();
    let trip = dto.clone().validate(now).unwrap();
    assert_eq!(trip.driver_name.as_str(), "Nguyễn Văn An");
    assert!(trip.declaration.is_none());
    assert_eq!(TripDto::from(&trip).hs_code.as_deref(), Some("081090"));
    let cases = [
        (
            TripDto {
                weight_kg: 0,
                ..dto.clone()
            },
            ErrorCode::InvalidWeight,
        ),
        (
            TripDto {
                declaration: Some("123".into()),
                ..dto.clone()
            },
            ErrorCode::InvalidDeclarationNumber,
        ),
        (
            TripDto {
                gate_id: "Hữu Nghị".into(),
                ..dto.clone()
            },
            ErrorCode::InvalidId,
        ),
        (
            TripDto {
                window_until_ms: dto.window_from_ms,
                ..dto.clone()
            },
            ErrorCode::InvalidWindow,
        ),
        (
            TripDto {
                trailer: Some("nope".into()),
                ..dto.clone()
            },
            ErrorCode::InvalidPlate,
        ),
        (
            TripDto {
                cargo: "x".repeat(201),
                ..dto.clone()
            },
            ErrorCode::InvalidCargo,
        ),
    ];
    for (bad, code) in cases {
        assert_eq!(bad.validate(now).unwrap_err().code(), code);
    }
    let unknown_field = json.replace("\"perishable\":true", "\"perishable\":true,\"x\":1");
    assert!(serde_json::from_str::<TripDto>(&unknown_field).is_err());
}

#[test]
fn a_vehicle_round_trips() {
    let dto: VehicleDto = serde_json::from_str(
        r#"{"id":"v-abc123","plate":"29c12345","trailer":"29R-012.34","vehicle_type":"tractor","country":"VN"}"#,
    )
    .unwrap();
    let vehicle = Vehicle::try_from(dto).unwrap();
    assert!(vehicle
        .plate
        .same_vehicle(&Plate::parse("29C-123.45").unwrap()));
    let back = Vehicle::try_from(VehicleDto::from(&vehicle)).unwrap();
    assert_eq!(back, vehicle);
}

#[test]
fn write_kinds_round_trip() {
    for kind in OpKind::ALL {
        assert_eq!(OpKind::parse(kind.as_str()).unwrap(), kind);
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
    }
    assert_eq!(
        OpKind::parse("trip.delete").unwrap_err().code(),
        ErrorCode::MalformedBody
    );
}

/// Serialises `value`, checks the JSON is `expected`, and parses it back to `value`.
fn round_trips<T>(value: &T, expected: serde_json::Value)
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(value).unwrap();
    assert_eq!(json, expected);
    assert_eq!(&serde_json::from_value::<T>(json).unwrap(), value);
}

/// The fields of a JSON object, in order (serde_json keeps them sorted).
fn field_names(json: &serde_json::Value) -> Vec<&str> {
    json.as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

/// 2026-12-02 08:00 in Hanoi.
const SLOT_MS: i64 = 1_796_173_200_000;

fn booking_json() -> serde_json::Value {
    serde_json::json!({
        "id": "bk-4f9c2a7d1e",
        "slot": { "yard": "cm-general", "start_ms": SLOT_MS },
        "slot_end_ms": SLOT_MS + 3_600_000,
        "lane": "perishable",
        "account_id": "0123456789abcdef",
        "plate": "29C-123.45",
        "trip_id": "t-abc123",
        "perishable": true,
        "fee_vnd": 50_000,
        "status": "active",
        "created_at_ms": SLOT_MS - 86_400_000,
        "updated_at_ms": SLOT_MS - 86_400_000,
        "closed_at_ms": null,
        "idempotency_key": "3f2b9c1e-8a7d-4e6f"
    })
}

#[test]
fn booking_requests_keep_their_shape_and_check_the_slot() {
    let book = BookSlotRequest {
        trip_id: "t-abc123".into(),
        slot_start_ms: SLOT_MS,
        lane: None,
    };
    round_trips(
        &book,
        serde_json::json!({ "trip_id": "t-abc123", "slot_start_ms": SLOT_MS, "lane": null }),
    );
    // `lane` may be left out; nothing else may be added.
    let sent: BookSlotRequest =
        serde_json::from_str(r#"{"trip_id":"t-abc123","slot_start_ms":1796173200000}"#).unwrap();
    assert_eq!(sent, book);
    assert!(serde_json::from_str::<BookSlotRequest>(
        r#"{"trip_id":"t-abc123","slot_start_ms":1796173200000,"fee_vnd":0}"#
    )
    .is_err());
    let checked = NewBooking::try_from(book.clone()).unwrap();
    assert_eq!(checked.trip_id, "t-abc123");
    assert_eq!(checked.slot.start_ms, SLOT_MS);
    // The trip id is not judged here: the edge looks it up as sent (`not_found`).
    let odd_trip = BookSlotRequest {
        trip_id: "No Such Trip".into(),
        ..book.clone()
    };
    assert!(NewBooking::try_from(odd_trip).is_ok());
    let far = BookSlotRequest {
        slot_start_ms: i64::MAX,
        ..book
    };
    assert_eq!(
        NewBooking::try_from(far).unwrap_err().code(),
        ErrorCode::TimeOutOfRange
    );

    let move_to = RescheduleBookingRequest {
        slot_start_ms: SLOT_MS,
        lane: Some(Lane::General),
    };
    round_trips(
        &move_to,
        serde_json::json!({ "slot_start_ms": SLOT_MS, "lane": "general" }),
    );
    assert_eq!(
        SlotChoice::try_from(move_to).unwrap(),
        SlotChoice {
            start_ms: SLOT_MS,
            lane: Some(Lane::General)
        }
    );
    let before_2020 = RescheduleBookingRequest {
        slot_start_ms: -1,
        lane: None,
    };
    assert_eq!(
        SlotChoice::try_from(before_2020).unwrap_err().code(),
        ErrorCode::TimeOutOfRange
    );
    assert!(serde_json::from_str::<RescheduleBookingRequest>(
        r#"{"slot_start_ms":1796173200000,"trip_id":"t-abc123"}"#
    )
    .is_err());
}

#[test]
fn booking_lists_keep_their_shape() {
    let booking: Booking = serde_json::from_value(booking_json()).unwrap();
    round_trips(&booking, booking_json());
    let release = BookingReleaseDto {
        booking_id: "bk-4f9c2a7d1e".into(),
        reason: ErrorCode::PlateVerifiedElsewhere,
        released_at_ms: SLOT_MS,
    };
    let mine = MyBookingsResponse {
        bookings: vec![booking.clone()],
        releases: vec![release],
    };
    round_trips(
        &mine,
        serde_json::json!({
            "bookings": [booking_json()],
            "releases": [{ "booking_id": "bk-4f9c2a7d1e", "reason": "plate_verified_elsewhere",
                           "released_at_ms": SLOT_MS }]
        }),
    );
    let day = DayBookingsResponse {
        bookings: vec![booking],
        verified_trips: vec!["t-abc123".into()],
        province_received_trips: vec!["t-abc123".into()],
    };
    round_trips(
        &day,
        serde_json::json!({ "bookings": [booking_json()], "verified_trips": ["t-abc123"],
                            "province_received_trips": ["t-abc123"] }),
    );
    // The yard's object answers a day's list without the badge; the edge adds it.
    let from_yard: DayBookingsResponse =
        serde_json::from_value(serde_json::json!({ "bookings": [] })).unwrap();
    assert!(from_yard.verified_trips.is_empty());
}

#[test]
fn a_day_of_slots_and_the_settings_keep_their_shape() {
    use crate::booking::{Ledger, LocalDate};
    let gate = Gate::try_from(sample()).unwrap();
    let yard = &gate.yards[0];
    let settings: YardSettings = YardConfig::from_yard(yard);
    let json = serde_json::to_value(&settings).unwrap();
    assert_eq!(
        field_names(&json),
        [
            "capacity_per_slot",
            "closes_minute",
            "closures",
            "fee_vnd",
            "horizon_days",
            "max_active_driver",
            "max_active_trader",
            "no_show",
            "opens_minute",
            "perishable_percent",
            "slot_minutes"
        ]
    );
    assert_eq!(
        serde_json::from_value::<YardSettings>(json).unwrap(),
        settings
    );

    let ledger = Ledger::new(yard.id.clone(), gate.id.clone(), settings).unwrap();
    let day: AvailabilityResponse =
        ledger.availability(LocalDate::parse("2026-12-02").unwrap(), SLOT_MS);
    let json = serde_json::to_value(&day).unwrap();
    assert_eq!(field_names(&json), ["date", "fee_vnd", "slots", "yard"]);
    assert_eq!(json["date"], "2026-12-02");
    assert_eq!(
        field_names(&json["slots"][0]),
        [
            "booked",
            "capacity",
            "end_ms",
            "remaining",
            "start_ms",
            "state"
        ]
    );
    assert_eq!(
        serde_json::from_value::<AvailabilityResponse>(json).unwrap(),
        day
    );
}

#[test]
fn a_vehicle_verification_is_checked_in_the_edges_order() {
    let req = |trip: Option<&str>, pass: Option<&str>| VerifyVehicleRequest {
        trip_id: trip.map(Into::into),
        pass_id: pass.map(Into::into),
        plate: "29c12345".into(),
        registration_number: "AB 123456".into(),
    };
    round_trips(
        &req(Some("t-abc123"), None),
        serde_json::json!({ "trip_id": "t-abc123", "plate": "29c12345",
                            "registration_number": "AB 123456" }),
    );
    let by_trip = VehicleVerification::try_from(req(Some("t-abc123"), None)).unwrap();
    assert_eq!(by_trip.plate.normalized(), "29C12345");
    assert_eq!(
        by_trip.found_by,
        VehicleFoundBy::Trip(TripId::parse("t-abc123").unwrap())
    );
    let by_pass = VehicleVerification::try_from(req(None, Some("A1B2C3D4E5F6"))).unwrap();
    assert_eq!(
        by_pass.found_by,
        VehicleFoundBy::Pass(crate::pass::PassId::parse_hex("a1b2c3d4e5f6").unwrap())
    );
    let code = |r: VerifyVehicleRequest| VehicleVerification::try_from(r).unwrap_err().code();
    assert_eq!(code(req(None, None)), ErrorCode::MalformedBody);
    assert_eq!(
        code(req(Some("t-abc123"), Some("a1b2c3d4e5f6"))),
        ErrorCode::MalformedBody
    );
    assert_eq!(code(req(None, Some("a1b2c3"))), ErrorCode::InvalidId);
    assert_eq!(code(req(None, Some("a1b2c3d4e5fg"))), ErrorCode::InvalidId);
    assert_eq!(code(req(Some("T ABC"), None)), ErrorCode::InvalidId);
    // The papers first: a bad plate or number is named before the trip is.
    let mut bad_plate = req(None, None);
    bad_plate.plate = "?".into();
    assert_eq!(code(bad_plate), ErrorCode::InvalidPlate);
    let mut bad_number = req(None, None);
    bad_number.registration_number = "x".into();
    assert_eq!(code(bad_number), ErrorCode::InvalidRegistrationNumber);
    let answer = VerifyVehicleResponse {
        vehicle_id: "v-abc123".into(),
        plate: "29C-123.45".into(),
        verified_at_ms: SLOT_MS,
        released_bookings: 1,
    };
    round_trips(
        &answer,
        serde_json::json!({ "vehicle_id": "v-abc123", "plate": "29C-123.45",
                            "verified_at_ms": SLOT_MS, "released_bookings": 1 }),
    );
}

#[test]
fn the_trust_list_keeps_its_shape() {
    let keys = KeysResponse {
        keys: vec![KeyDto {
            kid: "0123456789abcdef".into(),
            public_key: "ab".repeat(32),
        }],
    };
    round_trips(
        &keys,
        serde_json::json!({ "keys": [{ "kid": "0123456789abcdef", "public_key": "ab".repeat(32) }] }),
    );
}

#[test]
fn a_queued_write_reads_back_as_its_typed_op() {
    let write = OutboxWrite::CancelTrip(CancelTripDto {
        trip_id: "t-3n8d0p6yr2".into(),
    });
    let op = write.to_sync_op(7);
    assert_eq!(op.seq, 7);
    assert_eq!(op.kind, "trip.cancel");
    assert_eq!(op.payload, serde_json::json!({ "trip_id": "t-3n8d0p6yr2" }));
    assert_eq!(
        Op::try_from(&op).unwrap(),
        Op::CancelTrip {
            trip_id: TripId::parse("t-3n8d0p6yr2").unwrap()
        }
    );
}

// ---- Border residents ------------------------------------------------------------------

#[test]
fn a_crossing_is_pinned_and_round_trips() {
    let json = r#"{"id":"x-3n8d0p6yr2","resident":"abababababababab","at_ms":1795829400000,"direction":"in","goods":[{"description":" Rau cải ","value_vnd":1500000}],"recorded_by":"huu-nghi"}"#;
    let dto: CrossingDto = serde_json::from_str(json).unwrap();
    let c = crate::resident::Crossing::try_from(dto).unwrap();
    assert_eq!(c.goods_total_vnd(), 1_500_000);
    let back = serde_json::to_string(&CrossingDto::from(&c)).unwrap();
    assert_eq!(back, json.replace(" Rau cải ", "Rau cải"));
    let bad = |from: &str, to: &str| {
        let dto: CrossingDto = serde_json::from_str(&json.replace(from, to)).unwrap();
        crate::resident::Crossing::try_from(dto).unwrap_err().code()
    };
    assert_eq!(bad("1500000", "-1"), ErrorCode::InvalidGoods);
    assert_eq!(bad("1500000", "99999999999"), ErrorCode::InvalidGoods);
    assert_eq!(bad("1795829400000", "5"), ErrorCode::TimeOutOfRange);
    assert_eq!(bad("abababababababab", "abab"), ErrorCode::InvalidId);
    assert!(serde_json::from_str::<CrossingDto>(&json.replace("\"in\"", "\"import\"")).is_err());
}

fn application() -> ResidentApplicationDto {
    serde_json::from_str(
        r#"{"name":"  Hoàng Văn  Páo ","commune_id":"vl-tan-thanh","id_number":"020 190 001 234",
            "border_pass_number":"ab123456","border_pass_expires":"2027-06-30","home_gate":"tan-thanh"}"#,
    )
    .unwrap()
}

#[test]
fn a_resident_application_is_checked() {
    let now = crate::time::parse_local_date_time("2026-12-02", "10:00").unwrap();
    let a = ResidentApplication::parse(&application(), now).unwrap();
    assert_eq!(a.name.as_str(), "Hoàng Văn Páo");
    assert_eq!(a.id_number.last4(), "1234");
    assert_eq!(a.border_pass_number, "AB123456");
    assert_eq!(a.home_gate.as_str(), "tan-thanh");
    let code = |f: fn(&mut ResidentApplicationDto)| {
        let mut dto = application();
        f(&mut dto);
        ResidentApplication::parse(&dto, now).unwrap_err().code()
    };
    assert_eq!(
        code(|d| d.commune_id = "ha-noi".into()),
        ErrorCode::NotBorderCommune
    );
    assert_eq!(
        code(|d| d.id_number = "12345".into()),
        ErrorCode::ResidentIdMalformed
    );
    assert_eq!(code(|d| d.name = " ".into()), ErrorCode::InvalidName);
    assert_eq!(
        code(|d| d.border_pass_number = "".into()),
        ErrorCode::InvalidBorderPass
    );
    assert_eq!(
        code(|d| d.border_pass_number = "AB-12".into()),
        ErrorCode::InvalidBorderPass
    );
    assert_eq!(
        code(|d| d.border_pass_number = "A".repeat(21)),
        ErrorCode::InvalidBorderPass
    );
    assert_eq!(
        code(|d| d.border_pass_expires = "2026-12-01".into()),
        ErrorCode::InvalidBorderPass
    );
    assert_eq!(
        code(|d| d.border_pass_expires = "2028-01-01".into()),
        ErrorCode::InvalidBorderPass
    );
    assert_eq!(
        code(|d| d.border_pass_expires = "2027-02-30".into()),
        ErrorCode::InvalidBorderPass
    );
    assert_eq!(
        code(|d| d.home_gate = "Tan Thanh".into()),
        ErrorCode::InvalidId
    );
    let mut today = application();
    today.border_pass_expires = "2026-12-02".into();
    assert!(ResidentApplication::parse(&today, now).is_ok());
}

#[test]
fn a_resident_summary_is_pinned() {
    let now = crate::time::parse_local_date_time("2026-12-02", "10:00").unwrap();
    let dto: CrossingDto = serde_json::from_str(&format!(
        r#"{{"id":"x-1","resident":"abababababababab","at_ms":{},"direction":"in","goods":[{{"description":"Rau","value_vnd":500000}}],"recorded_by":"huu-nghi"}}"#,
        now - 3_600_000
    ))
    .unwrap();
    let c = crate::resident::Crossing::try_from(dto).unwrap();
    let ledger = crate::resident::ResidentLedger::from_crossings(
        &[c],
        crate::resident::ResidentRules::current(),
    );
    let json = serde_json::to_value(ResidentSummaryDto::of(&ledger, now)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "at_ms": now,
            "allowance_left_today_vnd": 1_500_000,
            "used_today_vnd": 500_000,
            "duty_free_days_used_this_month": 1,
            "duty_free_days_left_this_month": 3,
            "last_stamp_at_ms": now - 3_600_000,
            "next_stamp_due_at_ms": now - 3_600_000 + 10 * 86_400_000,
            "stamp_due": false
        })
    );
}
