use super::delivery::{
    dispose, plan_batch, retry_after_ms, Backoff, BatchLimits, Disposition, Pending,
};
use super::record::{Batch, BatchAnswer, ProvinceRecord, RecordOutcome, RecordSubject};
use super::timeline::{
    Force, HoldReason, StatusUpdate, Step, StepState, Timeline, UpdateId, Verdict,
};
use super::webhook::{self, Headers, Refusal, Secret};
use crate::event::{Event, EventId, Recorded};
use crate::{AccountId, Direction, GateId, TripId, VehicleId};
use std::collections::BTreeSet;

// The example of the Standard Webhooks specification (its reference libraries' test vector).
const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SPEC_TIMESTAMP: i64 = 1_614_265_330;
const SPEC_BODY: &str = r#"{"test": 2432232314}"#;
const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn spec_headers<'a>(timestamp: &'a str, signature: &'a str) -> Headers<'a> {
    Headers {
        id: Some(SPEC_ID),
        timestamp: Some(timestamp),
        signature: Some(signature),
    }
}

#[test]
fn signs_the_specifications_example() {
    let secret = Secret::parse(SPEC_SECRET).unwrap();
    assert_eq!(
        webhook::sign(&secret, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY.as_bytes()),
        SPEC_SIGNATURE
    );
    assert_eq!(secret.to_text(), SPEC_SECRET);
}

#[test]
fn verifies_within_the_window_and_refuses_outside_it() {
    let secret = Secret::parse(SPEC_SECRET).unwrap();
    let ts = SPEC_TIMESTAMP.to_string();
    let body = SPEC_BODY.as_bytes();
    for now in [SPEC_TIMESTAMP, SPEC_TIMESTAMP + 300, SPEC_TIMESTAMP - 300] {
        assert_eq!(
            webhook::verify(&secret, spec_headers(&ts, SPEC_SIGNATURE), body, now),
            Ok(SPEC_ID)
        );
    }
    for now in [
        SPEC_TIMESTAMP + 301,
        SPEC_TIMESTAMP - 301,
        i64::MAX,
        i64::MIN,
    ] {
        assert_eq!(
            webhook::verify(&secret, spec_headers(&ts, SPEC_SIGNATURE), body, now),
            Err(Refusal::OutsideWindow)
        );
    }
}

#[test]
fn refuses_a_changed_body_id_or_secret_and_accepts_one_of_several_signatures() {
    let secret = Secret::parse(SPEC_SECRET).unwrap();
    let ts = SPEC_TIMESTAMP.to_string();
    let now = SPEC_TIMESTAMP;
    let changed = br#"{"test": 2432232315}"#;
    assert_eq!(
        webhook::verify(&secret, spec_headers(&ts, SPEC_SIGNATURE), changed, now),
        Err(Refusal::BadSignature)
    );
    let other_id = Headers {
        id: Some("msg_other"),
        ..spec_headers(&ts, SPEC_SIGNATURE)
    };
    assert_eq!(
        webhook::verify(&secret, other_id, SPEC_BODY.as_bytes(), now),
        Err(Refusal::BadSignature)
    );
    let other_secret = Secret::from_bytes(&[7; 32]);
    assert_eq!(
        webhook::verify(
            &other_secret,
            spec_headers(&ts, SPEC_SIGNATURE),
            SPEC_BODY.as_bytes(),
            now
        ),
        Err(Refusal::BadSignature)
    );
    let several = format!("v1,AAAA v2,zzz {SPEC_SIGNATURE}");
    assert_eq!(
        webhook::verify(
            &secret,
            spec_headers(&ts, &several),
            SPEC_BODY.as_bytes(),
            now
        ),
        Ok(SPEC_ID)
    );
    let unversioned = SPEC_SIGNATURE.trim_start_matches("v1,");
    assert_eq!(
        webhook::verify(
            &secret,
            spec_headers(&ts, unversioned),
            SPEC_BODY.as_bytes(),
            now
        ),
        Err(Refusal::BadSignature)
    );
}

#[test]
fn refuses_missing_or_malformed_headers() {
    let secret = Secret::parse(SPEC_SECRET).unwrap();
    let body = SPEC_BODY.as_bytes();
    let ts = SPEC_TIMESTAMP.to_string();
    let now = SPEC_TIMESTAMP;
    assert_eq!(
        webhook::verify(&secret, Headers::default(), body, now),
        Err(Refusal::MissingHeader)
    );
    assert_eq!(
        webhook::verify(&secret, spec_headers(&ts, " "), body, now),
        Err(Refusal::MissingHeader)
    );
    for bad in [
        "1614265330.0",
        "+1614265330",
        "01614265330",
        "abc",
        "99999999999999999999",
    ] {
        assert_eq!(
            webhook::verify(&secret, spec_headers(bad, SPEC_SIGNATURE), body, now),
            Err(Refusal::BadTimestamp),
            "{bad}"
        );
    }
    let long_id = "m".repeat(129);
    let headers = Headers {
        id: Some(&long_id),
        ..spec_headers(&ts, SPEC_SIGNATURE)
    };
    assert_eq!(
        webhook::verify(&secret, headers, body, now),
        Err(Refusal::BadId)
    );
}

#[test]
fn secrets_are_whsec_and_long_enough() {
    assert!(Secret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
    assert!(Secret::parse("whsec_c2hvcnQ=").is_err());
    assert!(Secret::parse("whsec_not base64!").is_err());
    assert_eq!(format!("{:?}", Secret::from_bytes(&[1; 32])), "Secret(…)");
}

fn trip(n: u32) -> TripId {
    TripId::parse(&format!("trip-{n}")).unwrap()
}

fn stream(n: u32) -> RecordSubject {
    RecordSubject::Trip(trip(n))
}

fn created(trip_id: TripId, plate: &str) -> Recorded {
    Recorded::new(
        EventId::parse("ev-0000000000000001").unwrap(),
        1_780_000_000_000,
        Event::TripCreated {
            trip_id,
            account_id: AccountId::parse("00000000000000a1").unwrap(),
            vehicle_id: VehicleId::parse("veh-1").unwrap(),
            plate: plate.to_owned(),
            trailer: Some("12R-001.23".to_owned()),
            gate: GateId::parse("huu-nghi").unwrap(),
            direction: Direction::Export,
            cargo: "dragon fruit".to_owned(),
            perishable: true,
            hs_code: Some("0810.90".to_owned()),
            weight_kg: 18_000,
            declaration: Some("305123456789".to_owned()),
            window_from_ms: 1_780_000_000_000,
            window_to_ms: 1_780_003_600_000,
        },
    )
}

#[test]
fn a_trip_record_speaks_the_platforms_words() {
    let record = ProvinceRecord::of(&created(trip(1), "12C-123.45"), 1).unwrap();
    let json = serde_json::to_value(&record).unwrap();
    assert_eq!(json["type"], "trip.accepted");
    assert_eq!(json["trip_id"], "trip-1");
    assert_eq!(json["seq"], 1);
    assert_eq!(json["data"]["type"], "trip.accepted");
    let declaration = &json["declaration"];
    assert_eq!(declaration["numberHQ"], "305123456789");
    assert_eq!(declaration["plateVN"], "12C-123.45");
    assert!(declaration.get("plateCN").is_none());
    assert_eq!(declaration["gateCode"], "huu-nghi");
    assert_eq!(declaration["hsCode"], "0810.90");
    assert_eq!(declaration["valueVND"], serde_json::Value::Null);
    let back: ProvinceRecord = serde_json::from_value(json).unwrap();
    assert_eq!(back, record);

    let chinese = ProvinceRecord::of(&created(trip(2), "桂A12345"), 1).unwrap();
    let declaration = chinese.declaration.unwrap();
    assert_eq!(declaration.plate_cn.as_deref(), Some("桂A12345"));
    assert_eq!(declaration.plate_vn, None);
}

#[test]
fn events_of_no_trip_are_not_the_provinces() {
    let recorded = Recorded::new(
        EventId::parse("ev-0000000000000002").unwrap(),
        1_780_000_000_000,
        Event::VehicleVerified {
            vehicle_id: VehicleId::parse("veh-1").unwrap(),
            account_id: AccountId::parse("00000000000000a1").unwrap(),
            by: AccountId::parse("00000000000000a2").unwrap(),
        },
    );
    assert_eq!(ProvinceRecord::of(&recorded, 1), None);
}

#[test]
fn a_resident_s_crossing_is_a_record_in_the_resident_s_stream() {
    use crate::resident::{CrossingDirection, CrossingId, GoodsLine, ResidentId};
    let resident = ResidentId::parse("r-00112233445566aa").unwrap();
    let crossed = Recorded::new(
        EventId::parse("ev-0000000000000003").unwrap(),
        1_780_000_000_000,
        Event::ResidentCrossed {
            crossing_id: CrossingId::parse("x-3n8d0p6yr2").unwrap(),
            resident_id: resident.clone(),
            gate: GateId::parse("tan-thanh").unwrap(),
            direction: CrossingDirection::In,
            goods: vec![GoodsLine::new("Rau cải", 2_500_000).unwrap()],
            goods_total_vnd: 2_500_000,
            by: AccountId::parse("00000000000000a2").unwrap(),
        },
    );
    let record = ProvinceRecord::of(&crossed, 3).unwrap();
    assert_eq!(record.subject, RecordSubject::Resident(resident.clone()));
    let json = serde_json::to_value(&record).unwrap();
    assert_eq!(json["type"], "resident.crossed");
    assert_eq!(json["resident_id"], "r-00112233445566aa");
    assert!(json.get("trip_id").is_none());
    assert_eq!(json["seq"], 3);
    assert_eq!(json["data"]["goods"][0]["value_vnd"], 2_500_000);
    assert!(json.get("declaration").is_none());
    let back: ProvinceRecord = serde_json::from_value(json).unwrap();
    assert_eq!(back, record);

    // The stream keys cannot collide: a trip may be called `r-…`, its stream is still a trip's.
    let lookalike = RecordSubject::Trip(TripId::parse("r-00112233445566aa").unwrap());
    assert_ne!(lookalike.stream_key(), record.subject.stream_key());
    for subject in [lookalike, record.subject.clone()] {
        assert_eq!(
            RecordSubject::parse_stream_key(&subject.stream_key()),
            Some(subject)
        );
    }
    assert_eq!(RecordSubject::parse_stream_key("r-00112233445566aa"), None);
    assert_eq!(RecordSubject::parse_stream_key("vehicle:v-1"), None);

    // The resident's application and the officers' decisions stay BorderPass's.
    let applied = Recorded::new(
        EventId::parse("ev-0000000000000004").unwrap(),
        1_780_000_000_000,
        Event::ResidentApplied {
            resident_id: resident,
            account_id: AccountId::parse("00000000000000a1").unwrap(),
            commune_id: "tan-thanh".into(),
            home_gate: GateId::parse("tan-thanh").unwrap(),
        },
    );
    assert_eq!(ProvinceRecord::of(&applied, 1), None);
}

#[test]
fn a_batch_id_depends_only_on_its_records() {
    let one = ProvinceRecord::of(&created(trip(1), "12C-123.45"), 1).unwrap();
    let a = Batch::new(vec![one.clone()]);
    let b = Batch::new(vec![one.clone()]);
    assert_eq!(a.batch_id, b.batch_id);
    assert!(a.batch_id.starts_with("batch_") && a.batch_id.len() == 30);
    let mut other = one;
    other.event_id = EventId::parse("ev-00000000000000ff").unwrap();
    assert_ne!(Batch::new(vec![other]).batch_id, a.batch_id);
}

#[test]
fn answers_parse_per_record() {
    let answer: BatchAnswer = serde_json::from_str(
        r#"{"results":[
            {"event_id":"ev-0000000000000001","result":"accepted"},
            {"event_id":"ev-0000000000000002","result":"duplicate"},
            {"event_id":"ev-0000000000000003","result":"held","expected_seq":2},
            {"event_id":"ev-0000000000000004","result":"rejected","reason_code":"hs_code_unknown","reason":"HS code 9999 is not in the tariff"}
        ]}"#,
    )
    .unwrap();
    let dispositions: Vec<Disposition> = answer
        .results
        .iter()
        .map(|r| dispose(Some(&r.outcome)))
        .collect();
    assert_eq!(
        dispositions,
        vec![
            Disposition::Acknowledge,
            Disposition::Acknowledge,
            Disposition::SendAgain,
            Disposition::Park {
                reason_code: "hs_code_unknown".into(),
                reason: "HS code 9999 is not in the tariff".into()
            },
        ]
    );
    assert_eq!(dispose(None), Disposition::SendAgain);
    assert!(serde_json::from_str::<RecordOutcome>(r#"{"result":"lost"}"#).is_err());
}

#[test]
fn a_batch_skips_blocked_trips_and_never_sends_a_record_without_its_predecessor() {
    let (a, b, c) = (stream(1), stream(2), stream(3));
    let pending = [
        Pending {
            subject: &a,
            bytes: 100,
        },
        Pending {
            subject: &b,
            bytes: 100,
        },
        Pending {
            subject: &a,
            bytes: 900,
        },
        Pending {
            subject: &c,
            bytes: 100,
        },
        Pending {
            subject: &a,
            bytes: 100,
        },
        Pending {
            subject: &b,
            bytes: 100,
        },
    ];
    let limits = BatchLimits {
        max_records: 10,
        max_bytes: 500,
    };
    // a's second record does not fit: a stops there (its third waits too), the others go on.
    assert_eq!(
        plan_batch(&pending, &BTreeSet::new(), limits),
        vec![0, 1, 3, 5]
    );
    let blocked: BTreeSet<RecordSubject> = [b.clone()].into();
    assert_eq!(plan_batch(&pending, &blocked, limits), vec![0, 3]);
    let two = BatchLimits {
        max_records: 2,
        ..limits
    };
    assert_eq!(plan_batch(&pending, &BTreeSet::new(), two), vec![0, 1]);
    // One record larger than the limit still goes alone.
    let huge = [Pending {
        subject: &a,
        bytes: 10_000,
    }];
    assert_eq!(plan_batch(&huge, &BTreeSet::new(), limits), vec![0]);
    assert_eq!(
        plan_batch(&[], &BTreeSet::new(), limits),
        Vec::<usize>::new()
    );
}

#[test]
fn backoff_grows_to_its_cap_with_jitter_and_honours_retry_after() {
    let backoff = Backoff::DEFAULT;
    assert_eq!(backoff.delay_ms(1, 0.0), 1_000);
    assert_eq!(backoff.delay_ms(1, 1.0), 2_000);
    assert_eq!(backoff.delay_ms(2, 0.0), 2_000);
    assert_eq!(backoff.delay_ms(3, 1.0), 8_000);
    assert_eq!(backoff.delay_ms(40, 1.0), 600_000);
    assert_eq!(backoff.delay_ms(u32::MAX, 1.0), 600_000);
    assert_eq!(backoff.delay_ms(1, f64::NAN), 1_000);
    assert_eq!(backoff.delay_ms(1, 7.0), 2_000);
    for failures in 1..40 {
        let d = backoff.delay_ms(failures, 0.5);
        assert!((1_000..=600_000).contains(&d));
    }
    assert_eq!(
        backoff.next_attempt_at_ms(10_000, 1, Some(120_000), 0.0),
        130_000
    );
    assert_eq!(backoff.next_attempt_at_ms(10_000, 1, Some(10), 0.0), 11_000);
    assert_eq!(backoff.next_attempt_at_ms(10_000, 1, Some(-5), 0.0), 11_000);
    assert_eq!(backoff.next_attempt_at_ms(i64::MAX, 9, None, 1.0), i64::MAX);
}

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    let now = 1_445_412_480_000; // Wed, 21 Oct 2015 07:28:00 GMT
    assert_eq!(retry_after_ms("120", now), Some(120_000));
    assert_eq!(retry_after_ms(" 0 ", now), Some(0));
    assert_eq!(retry_after_ms("99999999999", now), Some(86_400_000));
    assert_eq!(
        retry_after_ms("Wed, 21 Oct 2015 07:28:30 GMT", now),
        Some(30_000)
    );
    assert_eq!(
        retry_after_ms("Wed, 21 Oct 2015 07:27:00 GMT", now),
        Some(0)
    );
    for bad in [
        "",
        "-5",
        "1.5",
        "soon",
        "Wed, 31 Feb 2015 07:28:30 GMT",
        "Wed, 21 Oct 2015 25:00:00 GMT",
    ] {
        assert_eq!(retry_after_ms(bad, now), None, "{bad}");
    }
}

fn update(id: &str, step: Step, force: Force, verdict: Verdict, at_ms: i64) -> StatusUpdate {
    StatusUpdate {
        update_id: UpdateId::parse(id).unwrap(),
        trip_id: trip(1),
        step,
        force,
        verdict,
        reason: (verdict != Verdict::Confirmed).then_some(HoldReason::Inspection),
        note: None,
        at_ms,
    }
}

#[test]
fn the_gate_is_passed_only_when_both_forces_confirm() {
    let guard = update(
        "u1",
        Step::GateIn,
        Force::BorderGuard,
        Verdict::Confirmed,
        1_000,
    );
    let timeline = Timeline::fold(std::slice::from_ref(&guard));
    assert_eq!(timeline.steps.len(), 6);
    assert_eq!(timeline.steps[0].state, StepState::Partly);
    assert_eq!(timeline.steps[0].waiting_for, vec![Force::Customs]);
    assert_eq!(timeline.steps[0].done_at_ms, None);
    let customs = update(
        "u2",
        Step::GateIn,
        Force::Customs,
        Verdict::Confirmed,
        2_000,
    );
    let timeline = Timeline::fold(&[guard, customs]);
    assert_eq!(timeline.steps[0].state, StepState::Done);
    assert_eq!(timeline.steps[0].done_at_ms, Some(2_000));
    assert!(timeline.steps[1..]
        .iter()
        .all(|s| s.state == StepState::Waiting));
    assert_eq!(timeline.current().unwrap().step, Step::GateIn);
}

#[test]
fn a_hold_is_lifted_by_a_later_confirmation_whatever_the_arrival_order() {
    let held = update("u1", Step::InYard, Force::Customs, Verdict::Held, 1_000);
    let lifted = update(
        "u2",
        Step::InYard,
        Force::Customs,
        Verdict::Confirmed,
        2_000,
    );
    let timeline = Timeline::fold(std::slice::from_ref(&held));
    assert_eq!(timeline.steps[2].state, StepState::Held);
    assert_eq!(
        timeline.steps[2].stopped.as_ref().unwrap().reason,
        HoldReason::Inspection
    );
    assert_eq!(timeline.current().unwrap().step, Step::InYard);
    let in_order = Timeline::fold(&[held.clone(), lifted.clone()]);
    let reversed = Timeline::fold(&[lifted.clone(), held.clone(), lifted.clone()]);
    assert_eq!(in_order, reversed);
    assert_eq!(in_order.steps[2].state, StepState::Done);
    assert_eq!(in_order.changed_since(&timeline).len(), 1);
    assert!(in_order.changed_since(&in_order).is_empty());
}

#[test]
fn a_rejection_outweighs_a_confirmation_by_another_force() {
    let guard = update(
        "u1",
        Step::GateOut,
        Force::BorderGuard,
        Verdict::Confirmed,
        1_000,
    );
    let rejected = update("u2", Step::GateOut, Force::Customs, Verdict::Rejected, 900);
    let timeline = Timeline::fold(&[guard, rejected]);
    assert_eq!(timeline.steps[5].state, StepState::Rejected);
    assert!(!timeline.is_empty());
    assert!(Timeline::fold(&[]).is_empty());
    assert_eq!(Timeline::fold(&[]).current(), None);
}

#[test]
fn status_updates_check_their_instant_and_note() {
    let mut u = update(
        "u1",
        Step::Payment,
        Force::GateAuthority,
        Verdict::Confirmed,
        1_780_000_000_000,
    );
    assert!(u.check().is_ok());
    u.at_ms = i64::MAX;
    assert!(u.check().is_err());
    u.at_ms = 1_780_000_000_000;
    u.note = Some("x".repeat(301));
    assert!(u.check().is_err());
    u.note = Some("bad\u{0}note".into());
    assert!(u.check().is_err());
    assert!(UpdateId::parse("").is_err());
    assert!(UpdateId::parse("has space").is_err());
    let json = r#"{"update_id":"u9","trip_id":"trip-1","step":"payment","force":"gate_authority","verdict":"held","reason":"something_new","at_ms":1780000000000}"#;
    let parsed: StatusUpdate = serde_json::from_str(json).unwrap();
    assert_eq!(parsed.reason, Some(HoldReason::Other));
}
