use super::*;

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
