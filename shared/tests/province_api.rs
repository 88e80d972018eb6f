//! `docs/province-api.json` describes the interface BorderPass offers the province: this test
//! fails when it and the Rust types of `shared::province` (the source of truth) disagree.
//!
//! Checked: the three operations and their signing headers and error statuses; every sample
//! value the Rust types produce (each event of a trip, each answer, each step, force, verdict
//! and reason) validates against its schema, and each object schema's `required` fields are
//! exactly those serde always writes, its `properties` exactly those it can write; every enum
//! lists exactly the values serde writes; every example in the document reads back through
//! serde unchanged; the signed examples and the Standard Webhooks vector verify; the delivery
//! figures (window, batch limits, backoff) and the steps with their forces are the code's.
//!
//! The validator below knows the JSON Schema keywords the document uses, and refuses any other,
//! so a keyword it would silently skip cannot creep in.

use regex::Regex;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use shared::booking::{BookingId, Lane};
use shared::event::{Event, EventId, Recorded, ReleaseReason, EVENT_VERSION};
use shared::pass::{PassId, PassKind};
use shared::province::delivery::{retry_after_ms, Backoff, BatchLimits};
use shared::province::record::{
    Batch, BatchAnswer, ProvinceRecord, RecordOutcome, RecordResult, RecordSubject,
};
use shared::province::timeline::{
    Force, HoldReason, StatusBatch, StatusUpdate, Step, UpdateId, Verdict,
};
use shared::province::webhook::{self, Headers, Secret, TOLERANCE_S};
use shared::province::PROVINCE_API_VERSION;
use shared::queue::QueueEntryId;
use shared::resident::{
    CrossingDirection, CrossingId, GoodsLine, ResidentDecision, ResidentId, ResidentStatus,
};
use shared::wire::v1::{StatusCallbackAnswer, StatusUpdateResult};
use shared::{AccountId, Direction, ErrorCode, GateId, TripId, VehicleId, YardId};
use std::collections::{BTreeMap, BTreeSet};

fn document() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/province-api.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let s = &doc["components"]["schemas"][name];
    assert!(s.is_object(), "components.schemas.{name} is missing");
    s
}

/// Follows a local `$ref` (`#/components/...`), if the value is one.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("only local references are used: {reference}"));
            let target = doc
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} does not resolve"));
            resolve(doc, target)
        }
        None => value,
    }
}

// ---- a small JSON Schema validator (the keywords this document uses) ----

/// Keywords that only annotate.
const ANNOTATIONS: [&str; 5] = [
    "description",
    "examples",
    "default",
    "discriminator",
    "title",
];
const KEYWORDS: [&str; 21] = [
    "$ref",
    "type",
    "const",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "if",
    "then",
    "else",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
];
const PATTERN: &str = "pattern";

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        other => panic!("unknown JSON type {other}"),
    }
}

/// Whether `value` is valid against `schema`; the first failure found, with where.
fn validate(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let Some(map) = schema.as_object() else {
        return match schema {
            Value::Bool(true) => Ok(()),
            Value::Bool(false) => Err(format!("{at}: nothing is allowed here")),
            other => panic!("{at}: a schema is an object or a boolean, not {other}"),
        };
    };
    for key in map.keys() {
        assert!(
            KEYWORDS.contains(&key.as_str())
                || ANNOTATIONS.contains(&key.as_str())
                || key == PATTERN,
            "{at}: the validator does not know the keyword {key:?}"
        );
    }
    if map.contains_key("$ref") {
        return validate(doc, resolve(doc, schema), value, at);
    }
    let fail = |why: String| Err(format!("{at}: {why} (value {value})"));
    if let Some(ty) = map.get("type") {
        let ok = match ty {
            Value::String(name) => type_matches(name, value),
            Value::Array(names) => names
                .iter()
                .any(|n| type_matches(n.as_str().expect("type names"), value)),
            other => panic!("{at}: bad type {other}"),
        };
        if !ok {
            return fail(format!("not of type {ty}"));
        }
    }
    if let Some(c) = map.get("const") {
        if c != value {
            return fail(format!("not the constant {c}"));
        }
    }
    if let Some(e) = map.get("enum") {
        if !e.as_array().expect("enum is an array").contains(value) {
            return fail(format!("not one of {e}"));
        }
    }
    if let Some(n) = value.as_f64() {
        if map
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n < m)
        {
            return fail("below the minimum".into());
        }
        if map
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n > m)
        {
            return fail("above the maximum".into());
        }
    }
    if let Some(s) = value.as_str() {
        let chars = s.chars().count() as u64;
        if map
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| chars < m)
        {
            return fail("too short".into());
        }
        if map
            .get("maxLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| chars > m)
        {
            return fail("too long".into());
        }
        if let Some(pattern) = map.get(PATTERN).and_then(Value::as_str) {
            let re = Regex::new(pattern).unwrap_or_else(|e| panic!("{at}: bad pattern: {e}"));
            if !re.is_match(s) {
                return fail(format!("does not match {pattern}"));
            }
        }
    }
    if let Some(object) = value.as_object() {
        for name in map
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().expect("required names");
            if !object.contains_key(name) {
                return fail(format!("lacks the required {name:?}"));
            }
        }
        let properties = map.get("properties").and_then(Value::as_object);
        for (name, item) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(sub) => validate(doc, sub, item, &format!("{at}.{name}"))?,
                None => match map.get("additionalProperties") {
                    Some(Value::Bool(false)) => return fail(format!("has an unknown {name:?}")),
                    Some(extra) => validate(doc, extra, item, &format!("{at}.{name}"))?,
                    None => {}
                },
            }
        }
    }
    if let Some(items) = value.as_array() {
        if map
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| (items.len() as u64) < m)
        {
            return fail("too few items".into());
        }
        if map
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| (items.len() as u64) > m)
        {
            return fail("too many items".into());
        }
        if let Some(sub) = map.get("items") {
            for (i, item) in items.iter().enumerate() {
                validate(doc, sub, item, &format!("{at}[{i}]"))?;
            }
        }
    }
    if let Some(all) = map.get("allOf").and_then(Value::as_array) {
        for sub in all {
            validate(doc, sub, value, at)?;
        }
    }
    if let Some(any) = map.get("anyOf").and_then(Value::as_array) {
        if !any.iter().any(|sub| validate(doc, sub, value, at).is_ok()) {
            return fail("matches none of anyOf".into());
        }
    }
    if let Some(one) = map.get("oneOf").and_then(Value::as_array) {
        let results: Vec<Result<(), String>> = one
            .iter()
            .map(|sub| validate(doc, sub, value, at))
            .collect();
        let matched = results.iter().filter(|r| r.is_ok()).count();
        if matched != 1 {
            let why: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
            return fail(format!("matches {matched} of oneOf, not 1: {why:?}"));
        }
    }
    if let Some(not) = map.get("not") {
        if validate(doc, not, value, at).is_ok() {
            return fail("matches what `not` excludes".into());
        }
    }
    if let Some(condition) = map.get("if") {
        let branch = if validate(doc, condition, value, at).is_ok() {
            map.get("then")
        } else {
            map.get("else")
        };
        if let Some(branch) = branch {
            validate(doc, branch, value, at)?;
        }
    }
    Ok(())
}

fn assert_valid(doc: &Value, name: &str, value: &Value) {
    let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
    if let Err(why) = validate(doc, &reference, value, name) {
        panic!("serde's JSON does not fit the schema {name}: {why}");
    }
}

fn assert_invalid(doc: &Value, name: &str, value: &Value, what: &str) {
    let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
    assert!(
        validate(doc, &reference, value, name).is_err(),
        "the schema {name} accepts {what}: {value}"
    );
}

// ---- sample values, built through the real code paths ----

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialises")
}

fn trip_id() -> TripId {
    TripId::parse("t-3n8d0p6yr2").unwrap()
}
fn account() -> AccountId {
    AccountId::parse("4a7c19e2b05d3f68").unwrap()
}
fn yard() -> YardId {
    YardId::parse("hn-fruit").unwrap()
}
fn booking() -> BookingId {
    BookingId::parse("bk-4f9c2a7d1e").unwrap()
}
fn entry() -> QueueEntryId {
    QueueEntryId::parse("q-3fa9c01b2e").unwrap()
}

const AT: i64 = 1_800_000_000_000;

fn resident() -> ResidentId {
    ResidentId::parse("r-3c9e51a07b2d84f6").unwrap()
}

fn crossed(direction: CrossingDirection, goods: &[(&str, i64)]) -> Event {
    let goods: Vec<GoodsLine> = goods
        .iter()
        .map(|(d, v)| GoodsLine::new(d, *v).unwrap())
        .collect();
    Event::ResidentCrossed {
        crossing_id: CrossingId::parse("x-8h2k5m9p3q").unwrap(),
        resident_id: resident(),
        gate: GateId::parse("tan-thanh").unwrap(),
        direction,
        goods_total_vnd: goods.iter().map(GoodsLine::value_vnd).sum(),
        goods,
        by: account(),
    }
}

fn trip_created(plate: &str, all: bool) -> Event {
    Event::TripCreated {
        trip_id: trip_id(),
        account_id: account(),
        vehicle_id: VehicleId::parse("v-7k2m9q4xw1").unwrap(),
        plate: plate.to_owned(),
        trailer: all.then(|| "29R-012.34".to_owned()),
        gate: GateId::parse("huu-nghi").unwrap(),
        direction: if all {
            Direction::Export
        } else {
            Direction::Import
        },
        cargo: "Thanh long ruột đỏ".to_owned(),
        perishable: all,
        hs_code: all.then(|| "0810.90".to_owned()),
        weight_kg: 18_000,
        declaration: all.then(|| "305123456789".to_owned()),
        window_from_ms: AT,
        window_to_ms: AT + 3_600_000,
    }
}

/// Which variant an event is: a match without a wildcard, so a new variant of `Event` does
/// not compile here until a sample of it is added below.
fn variant(event: &Event) -> usize {
    match event {
        Event::VehicleRegistered { .. } => 0,
        Event::VehicleVerified { .. } => 1,
        Event::TripCreated { .. } => 2,
        Event::DeclarationAdded { .. } => 3,
        Event::TripCancelled { .. } => 4,
        Event::TripCompleted { .. } => 5,
        Event::PassIssued { .. } => 6,
        Event::PassRevoked { .. } => 7,
        Event::BookingMade { .. } => 8,
        Event::BookingCancelled { .. } => 9,
        Event::BookingRescheduled { .. } => 10,
        Event::BookingReleased { .. } => 11,
        Event::CheckedIn { .. } => 12,
        Event::Called { .. } => 13,
        Event::Served { .. } => 14,
        Event::Absent { .. } => 15,
        Event::Moved { .. } => 16,
        Event::ResidentApplied { .. } => 17,
        Event::ResidentDecided { .. } => 18,
        Event::ResidentCrossed { .. } => 19,
    }
}
const VARIANTS: usize = 20;

/// Samples of every event, with optional fields both present and absent.
fn events() -> Vec<Event> {
    let events = vec![
        Event::VehicleRegistered {
            vehicle_id: VehicleId::parse("v-7k2m9q4xw1").unwrap(),
            account_id: account(),
            plate: "29C-123.45".into(),
            trailer: None,
        },
        Event::VehicleVerified {
            vehicle_id: VehicleId::parse("v-7k2m9q4xw1").unwrap(),
            account_id: account(),
            by: AccountId::parse("00000000000000a1").unwrap(),
        },
        trip_created("29C-123.45", true),
        trip_created("29C-123.45", false),
        trip_created("桂A12345", true),
        trip_created("桂A12345", false),
        Event::DeclarationAdded {
            trip_id: trip_id(),
            declaration: "305123456789".into(),
        },
        Event::TripCancelled { trip_id: trip_id() },
        Event::TripCompleted { trip_id: trip_id() },
        Event::PassIssued {
            pass_id: PassId::from_bytes(&[1, 2, 3, 4]).unwrap(),
            kind: PassKind::Trip,
            subject: trip_id().to_string(),
            valid_from_ms: AT,
            valid_until_ms: AT + 3_600_000,
        },
        Event::PassRevoked {
            pass_id: PassId::from_bytes(&[1, 2, 3, 4]).unwrap(),
            subject: trip_id().to_string(),
            reason: "cancelled".into(),
        },
        Event::BookingMade {
            booking_id: booking(),
            trip_id: trip_id(),
            yard_id: yard(),
            slot_start_ms: AT,
            lane: Lane::Perishable,
        },
        Event::BookingCancelled {
            booking_id: booking(),
            trip_id: trip_id(),
            yard_id: yard(),
        },
        Event::BookingRescheduled {
            booking_id: booking(),
            trip_id: trip_id(),
            yard_id: yard(),
            from_start_ms: AT,
            slot_start_ms: AT + 3_600_000,
            lane: Lane::General,
        },
        Event::BookingReleased {
            booking_id: booking(),
            trip_id: trip_id(),
            yard_id: yard(),
            reason: ReleaseReason::NoShow,
        },
        Event::BookingReleased {
            booking_id: booking(),
            trip_id: trip_id(),
            yard_id: yard(),
            reason: ReleaseReason::ByYard,
        },
        Event::CheckedIn {
            entry_id: entry(),
            trip_id: trip_id(),
            yard_id: yard(),
            lane: Lane::Perishable,
            booking_id: Some(booking()),
            scanned_at_ms: AT,
        },
        Event::CheckedIn {
            entry_id: entry(),
            trip_id: trip_id(),
            yard_id: yard(),
            lane: Lane::General,
            booking_id: None,
            scanned_at_ms: AT,
        },
        Event::Called {
            entry_id: entry(),
            trip_id: trip_id(),
            yard_id: yard(),
            lane: Lane::General,
        },
        Event::Served {
            entry_id: entry(),
            trip_id: trip_id(),
            yard_id: yard(),
        },
        Event::Absent {
            entry_id: entry(),
            trip_id: trip_id(),
            yard_id: yard(),
            absences: 3,
            no_show: true,
        },
        Event::Moved {
            entry_id: entry(),
            trip_id: trip_id(),
            yard_id: yard(),
            position: 0,
            reason: "xe cấp cứu".into(),
            by: account(),
        },
        Event::ResidentApplied {
            resident_id: resident(),
            account_id: account(),
            commune_id: "tan-thanh".into(),
            home_gate: GateId::parse("tan-thanh").unwrap(),
        },
        Event::ResidentDecided {
            resident_id: resident(),
            decision: ResidentDecision::Suspend,
            status: ResidentStatus::Suspended,
            reason: Some("giấy thông hành bị mất".into()),
            by: account(),
        },
        crossed(
            CrossingDirection::In,
            &[("Rau cải", 1_500_000), ("Nấm", 900_000)],
        ),
        crossed(CrossingDirection::Out, &[]),
    ];
    let covered: BTreeSet<usize> = events.iter().map(variant).collect();
    assert_eq!(covered.len(), VARIANTS, "a sample of every event");
    events
}

/// The records the pusher would send for every sample event of a trip.
fn records() -> Vec<ProvinceRecord> {
    let mut seq = 0;
    events()
        .into_iter()
        .filter_map(|event| {
            let recorded = Recorded::new(
                EventId::from_random([seq as u8; 8]),
                AT + i64::from(seq),
                event,
            );
            let record = ProvinceRecord::of(&recorded, seq + 1)?;
            seq += 1;
            Some(record)
        })
        .collect()
}

/// The kinds of event the province receives: a trip's, and a resident's crossings.
fn record_kinds() -> BTreeSet<String> {
    events()
        .iter()
        .filter(|e| RecordSubject::of(e).is_some())
        .map(|e| e.kind().to_owned())
        .collect()
}

fn outcomes() -> Vec<RecordOutcome> {
    let all = vec![
        RecordOutcome::Accepted,
        RecordOutcome::Duplicate,
        RecordOutcome::Held { expected_seq: 2 },
        RecordOutcome::Rejected {
            reason_code: "invalid_declaration".into(),
            reason: "numberHQ unknown".into(),
        },
    ];
    // Exhaustive: a new outcome does not compile here until it is sampled.
    let covered: BTreeSet<usize> = all
        .iter()
        .map(|o| match o {
            RecordOutcome::Accepted => 0,
            RecordOutcome::Duplicate => 1,
            RecordOutcome::Held { .. } => 2,
            RecordOutcome::Rejected { .. } => 3,
        })
        .collect();
    assert_eq!(covered.len(), 4);
    all
}

fn answer() -> BatchAnswer {
    BatchAnswer {
        results: outcomes()
            .into_iter()
            .enumerate()
            .map(|(i, outcome)| RecordResult {
                event_id: EventId::from_random([i as u8; 8]),
                outcome,
            })
            .collect(),
    }
}

fn steps() -> Vec<Step> {
    let all = Step::ALL.to_vec();
    let covered: BTreeSet<usize> = all
        .iter()
        .map(|s| match s {
            Step::GateIn => 0,
            Step::YardIn => 1,
            Step::InYard => 2,
            Step::Payment => 3,
            Step::YardOut => 4,
            Step::GateOut => 5,
        })
        .collect();
    assert_eq!(covered.len(), 6, "Step::ALL lists every step");
    all
}
fn forces() -> Vec<Force> {
    let all = Force::ALL.to_vec();
    let covered: BTreeSet<usize> = all
        .iter()
        .map(|f| match f {
            Force::BorderGuard => 0,
            Force::Customs => 1,
            Force::GateAuthority => 2,
        })
        .collect();
    assert_eq!(covered.len(), 3, "Force::ALL lists every force");
    all
}
fn verdicts() -> Vec<Verdict> {
    let all = vec![Verdict::Confirmed, Verdict::Held, Verdict::Rejected];
    let covered: BTreeSet<usize> = all
        .iter()
        .map(|v| match v {
            Verdict::Confirmed => 0,
            Verdict::Held => 1,
            Verdict::Rejected => 2,
        })
        .collect();
    assert_eq!(covered.len(), 3);
    all
}
fn hold_reasons() -> Vec<HoldReason> {
    let all = vec![
        HoldReason::Inspection,
        HoldReason::Documents,
        HoldReason::FeesUnpaid,
        HoldReason::Other,
    ];
    let covered: BTreeSet<usize> = all
        .iter()
        .map(|r| match r {
            HoldReason::Inspection => 0,
            HoldReason::Documents => 1,
            HoldReason::FeesUnpaid => 2,
            HoldReason::Other => 3,
        })
        .collect();
    assert_eq!(covered.len(), 4);
    all
}

/// Every step × force × verdict, with and without a reason and a note.
fn updates() -> Vec<StatusUpdate> {
    let mut all = Vec::new();
    let mut n = 0;
    for step in steps() {
        for force in forces() {
            for verdict in verdicts() {
                let reasons: Vec<Option<HoldReason>> = match verdict {
                    Verdict::Confirmed => vec![None],
                    _ => hold_reasons().into_iter().map(Some).chain([None]).collect(),
                };
                for reason in reasons {
                    n += 1;
                    all.push(StatusUpdate {
                        update_id: UpdateId::parse(&format!("st-{n:06}")).unwrap(),
                        trip_id: trip_id(),
                        step,
                        force,
                        verdict,
                        reason,
                        note: (n % 2 == 0).then(|| "Kiểm tra thực tế hàng hóa".to_owned()),
                        at_ms: AT + n,
                    });
                }
            }
        }
    }
    all
}

fn callback_answer() -> StatusCallbackAnswer {
    StatusCallbackAnswer {
        results: [
            ("accepted", None),
            ("duplicate", None),
            ("rejected", Some("unknown trip")),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (result, reason))| StatusUpdateResult {
            update_id: UpdateId::parse(&format!("st-{i}")).unwrap(),
            result: result.into(),
            reason: reason.map(str::to_owned),
        })
        .collect(),
    }
}

/// `(schema, values serde writes for it)` for every object schema with a Rust type.
fn samples() -> Vec<(String, Vec<Value>)> {
    let records = records();
    let record_json: Vec<Value> = records.iter().map(to_json).collect();
    let mut by_schema: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let doc = document();
    // Each event's schema, found by its `type` constant.
    let event_schema: BTreeMap<String, String> = schema(&doc, "RecordEvent")["oneOf"]
        .as_array()
        .expect("RecordEvent is a oneOf")
        .iter()
        .map(|r| {
            let name = r["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .expect("RecordEvent's branches are references")
                .to_owned();
            let kind = schema(&doc, &name)["properties"]["type"]["const"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: type is a const"))
                .to_owned();
            (kind, name)
        })
        .collect();
    for record in &records {
        let name = event_schema
            .get(&record.kind)
            .unwrap_or_else(|| panic!("no schema for the event {}", record.kind));
        by_schema
            .entry(name.clone())
            .or_default()
            .push(to_json(&record.data));
        if let Some(declaration) = &record.declaration {
            by_schema
                .entry("PlatformDeclaration".into())
                .or_default()
                .push(to_json(declaration));
        }
    }
    by_schema.insert("ProvinceRecord".into(), record_json);
    by_schema.insert("Batch".into(), vec![to_json(&Batch::new(records))]);
    let answer = answer();
    by_schema.insert("BatchAnswer".into(), vec![to_json(&answer)]);
    for (result, name) in [
        ("accepted", "RecordAccepted"),
        ("duplicate", "RecordDuplicate"),
        ("held", "RecordHeld"),
        ("rejected", "RecordRejected"),
    ] {
        let of_kind: Vec<Value> = answer
            .results
            .iter()
            .map(to_json)
            .filter(|v| v["result"] == result)
            .collect();
        by_schema.insert(name.into(), of_kind);
    }
    let updates = updates();
    by_schema.insert("StatusUpdate".into(), updates.iter().map(to_json).collect());
    by_schema.insert(
        "StatusBatch".into(),
        vec![
            to_json(&StatusBatch {
                updates: updates.clone(),
                next_cursor: None,
            }),
            to_json(&StatusBatch {
                updates: updates[..3].to_vec(),
                next_cursor: Some(42),
            }),
        ],
    );
    let callback_answer = callback_answer();
    by_schema.insert(
        "StatusUpdateResult".into(),
        callback_answer.results.iter().map(to_json).collect(),
    );
    by_schema.insert(
        "StatusCallbackAnswer".into(),
        vec![to_json(&callback_answer)],
    );
    by_schema.into_iter().collect()
}

fn names(values: &Value) -> BTreeSet<String> {
    values
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_str().expect("strings").to_owned())
        .collect()
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

// ---- the tests ----

#[test]
fn the_document_is_openapi_3_1_with_the_three_operations() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    for key in ["title", "version", "description"] {
        assert!(doc["info"][key].is_string(), "info.{key}");
    }
    let mut operations = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, _) in item.as_object().expect("path item") {
            if method != "servers" && method != "parameters" {
                operations.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let expected: BTreeSet<String> = [
        "POST /v1/records",
        "GET /v1/status",
        "POST /api/province/status",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(operations, expected);
}

/// Each operation carries the three signed headers, says who serves it and which secret signs
/// it, refuses bad signatures with `401` and the two codes, and (the province's) asks for
/// `Retry-After` with `429`.
#[test]
fn each_operation_is_signed_and_refuses_bad_signatures() {
    let doc = document();
    let codes: BTreeSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    let listed = names(&schema(&doc, "ErrorCode")["enum"]);
    for code in &listed {
        assert!(codes.contains(code.as_str()), "{code} is not an ErrorCode");
    }
    for (method, path, served_by, secret) in [
        ("post", "/v1/records", "province", "PROVINCE_PUSH_SECRET"),
        ("get", "/v1/status", "province", "PROVINCE_PUSH_SECRET"),
        (
            "post",
            "/api/province/status",
            "edge",
            "PROVINCE_CALLBACK_SECRET",
        ),
    ] {
        let name = format!("{method} {path}");
        let op = &doc["paths"][path][method];
        assert_eq!(op["x-served-by"], served_by, "{name}");
        assert_eq!(op["x-signed-with"], secret, "{name}");
        for key in ["summary", "description", "operationId"] {
            assert!(
                op[key].as_str().is_some_and(|s| !s.is_empty()),
                "{name}: {key}"
            );
        }
        let headers: BTreeSet<String> = op["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .map(|p| resolve(&doc, p))
            .filter(|p| p["in"] == "header")
            .map(|p| {
                assert_eq!(p["required"], true, "{name}: signed headers are required");
                p["name"].as_str().unwrap().to_owned()
            })
            .collect();
        let signed: BTreeSet<String> = [
            webhook::ID_HEADER,
            webhook::TIMESTAMP_HEADER,
            webhook::SIGNATURE_HEADER,
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        assert_eq!(headers, signed, "{name}: the signed headers");
        let responses = op["responses"].as_object().expect("responses");
        assert!(responses.contains_key("200"), "{name}: 200");
        for (status, response) in responses {
            let response = resolve(&doc, response);
            assert!(response["description"].is_string(), "{name} {status}");
            if let Some(codes) = response.get("x-codes") {
                for code in names(codes) {
                    assert!(
                        listed.contains(&code),
                        "{name} {status}: {code} not in ErrorCode"
                    );
                }
            }
        }
        if served_by == "edge" {
            assert_eq!(
                names(&resolve(&doc, &responses["401"])["x-codes"]),
                BTreeSet::from([
                    "invalid_signature".to_owned(),
                    "signature_expired".to_owned()
                ]),
                "{name}: 401"
            );
        }
        assert!(responses.contains_key("401"), "{name}: 401");
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                let expected = if served_by == "edge" {
                    "Error"
                } else {
                    "ProvinceError"
                };
                assert_eq!(
                    resolve(&doc, response)["content"]["application/json"]["schema"]["$ref"],
                    format!("#/components/schemas/{expected}"),
                    "{name} {status}: the error's schema"
                );
            }
        }
        if served_by == "province" {
            assert_eq!(
                op["x-answer-signed-with"], "PROVINCE_CALLBACK_SECRET",
                "{name}"
            );
            let answer_headers = keys(&responses["200"]["headers"]);
            assert_eq!(answer_headers, signed, "{name}: a signed answer");
            let retry = &resolve(&doc, &responses["429"])["headers"]["Retry-After"];
            assert_eq!(retry["required"], true, "{name}: 429 has Retry-After");
            assert!(
                resolve(&doc, &responses["503"])["headers"]["Retry-After"].is_object(),
                "{name}: 503 may have Retry-After"
            );
        }
    }
}

#[test]
fn what_serde_writes_fits_the_schemas() {
    let doc = document();
    for (name, values) in samples() {
        assert!(!values.is_empty(), "samples of {name}");
        for value in &values {
            assert_valid(&doc, &name, value);
        }
    }
}

/// `required` is what serde always writes, `properties` what it can write: a field added to a
/// Rust type, made optional or renamed fails here until the document says so.
#[test]
fn required_fields_and_properties_are_exactly_what_serde_writes() {
    let doc = document();
    for (name, values) in samples() {
        let s = schema(&doc, &name);
        let always: BTreeSet<String> = values
            .iter()
            .map(keys)
            .reduce(|a, b| a.intersection(&b).cloned().collect())
            .unwrap();
        let ever: BTreeSet<String> = values.iter().flat_map(keys).collect();
        assert_eq!(names(&s["required"]), always, "{name}: required");
        assert_eq!(keys(&s["properties"]), ever, "{name}: properties");
    }
}

fn serde_names<T: Serialize>(values: impl IntoIterator<Item = T>) -> BTreeSet<String> {
    values
        .into_iter()
        .map(|v| to_json(&v).as_str().expect("a unit variant").to_owned())
        .collect()
}

#[test]
fn every_enum_lists_exactly_what_serde_writes() {
    let doc = document();
    let enums: [(&str, BTreeSet<String>); 8] = [
        ("Step", serde_names(steps())),
        ("Force", serde_names(forces())),
        ("Verdict", serde_names(verdicts())),
        ("HoldReason", serde_names(hold_reasons())),
        (
            "Direction",
            serde_names([Direction::Export, Direction::Import]),
        ),
        ("Lane", serde_names([Lane::General, Lane::Perishable])),
        (
            "CrossingDirection",
            serde_names([CrossingDirection::In, CrossingDirection::Out]),
        ),
        (
            "ReleaseReason",
            serde_names([ReleaseReason::NoShow, ReleaseReason::ByYard]),
        ),
    ];
    for (name, written) in enums {
        assert_eq!(names(&schema(&doc, name)["enum"]), written, "{name}");
    }
    // A record's type: exactly the events of a trip and a resident's crossings; the others are
    // never sent.
    let record_type = names(&schema(&doc, "ProvinceRecord")["properties"]["type"]["enum"]);
    assert_eq!(record_type, record_kinds(), "ProvinceRecord.type");
    for event in events() {
        let recorded = Recorded::new(EventId::from_random([9; 8]), AT, event.clone());
        assert_eq!(
            ProvinceRecord::of(&recorded, 1).is_some(),
            record_type.contains(event.kind()),
            "{} is sent iff documented",
            event.kind()
        );
    }
    let mapping = keys(&schema(&doc, "RecordEvent")["discriminator"]["mapping"]);
    assert_eq!(mapping, record_kinds(), "RecordEvent's discriminator");
    // A record's result: exactly the outcomes' tags.
    let tags: BTreeSet<String> = outcomes()
        .iter()
        .map(|o| {
            let result = RecordResult {
                event_id: EventId::from_random([0; 8]),
                outcome: o.clone(),
            };
            to_json(&result)["result"].as_str().unwrap().to_owned()
        })
        .collect();
    let documented: BTreeSet<String> = schema(&doc, "RecordResult")["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            resolve(&doc, r)["properties"]["result"]["const"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(documented, tags, "RecordResult's results");
    assert_eq!(
        keys(&schema(&doc, "RecordResult")["discriminator"]["mapping"]),
        tags
    );
    // The interface's version is the code's.
    assert_eq!(
        schema(&doc, "ProvinceRecord")["properties"]["version"]["const"],
        json!(PROVINCE_API_VERSION)
    );
    assert_eq!(doc["info"]["version"], PROVINCE_API_VERSION.to_string());
    assert!(records().iter().all(|r| r.event_version == EVENT_VERSION));
}

/// What the schemas refuse: the validator is not vacuous, and the document's conditional rules
/// (a declaration on `trip.accepted` only, exactly one plate) hold.
#[test]
fn the_schemas_refuse_what_serde_never_writes() {
    let doc = document();
    let records: Vec<Value> = records().iter().map(to_json).collect();
    let accepted = records
        .iter()
        .find(|r| r["type"] == "trip.accepted")
        .unwrap()
        .clone();
    let booked = records
        .iter()
        .find(|r| r["type"] == "booking.made")
        .unwrap()
        .clone();
    let mut without = accepted.clone();
    without.as_object_mut().unwrap().remove("declaration");
    assert_invalid(
        &doc,
        "ProvinceRecord",
        &without,
        "trip.accepted without a declaration",
    );
    let mut with = booked.clone();
    with["declaration"] = accepted["declaration"].clone();
    assert_invalid(
        &doc,
        "ProvinceRecord",
        &with,
        "a declaration on booking.made",
    );
    let mut mismatched = booked.clone();
    mismatched["data"] = accepted["data"].clone();
    mismatched["data"].as_object_mut().unwrap().remove("plate");
    assert_invalid(
        &doc,
        "ProvinceRecord",
        &mismatched,
        "an event without its plate",
    );
    let mut seq0 = booked.clone();
    seq0["seq"] = json!(0);
    assert_invalid(&doc, "ProvinceRecord", &seq0, "seq 0");
    let mut other = booked.clone();
    other["type"] = json!("vehicle.registered");
    assert_invalid(&doc, "ProvinceRecord", &other, "an event of no trip");
    // A crossing is in its resident's stream, never a trip's; a trip's event never in a resident's.
    let crossing = records
        .iter()
        .find(|r| r["type"] == "resident.crossed")
        .unwrap()
        .clone();
    assert_valid(&doc, "ProvinceRecord", &crossing);
    let mut as_trip = crossing.clone();
    let resident = as_trip
        .as_object_mut()
        .unwrap()
        .remove("resident_id")
        .unwrap();
    as_trip["trip_id"] = resident;
    assert_invalid(
        &doc,
        "ProvinceRecord",
        &as_trip,
        "a crossing in a trip's stream",
    );
    let mut both_subjects = crossing.clone();
    both_subjects["trip_id"] = json!("t-1");
    assert_invalid(&doc, "ProvinceRecord", &both_subjects, "two subjects");
    let mut in_resident = booked;
    in_resident["resident_id"] = in_resident["trip_id"].clone();
    in_resident.as_object_mut().unwrap().remove("trip_id");
    assert_invalid(
        &doc,
        "ProvinceRecord",
        &in_resident,
        "a booking in a resident's stream",
    );
    let mut negative = crossing;
    negative["data"]["goods"][0]["value_vnd"] = json!(-1);
    assert_invalid(&doc, "ProvinceRecord", &negative, "a negative value");
    let mut both = accepted["declaration"].clone();
    both["plateCN"] = json!("桂A12345");
    assert_invalid(&doc, "PlatformDeclaration", &both, "two plates");
    let mut neither = accepted["declaration"].clone();
    neither.as_object_mut().unwrap().remove("plateVN");
    assert_invalid(&doc, "PlatformDeclaration", &neither, "no plate");
    let mut long_note = to_json(&updates()[1]);
    long_note["note"] = json!("x".repeat(301));
    assert_invalid(&doc, "StatusUpdate", &long_note, "a note of 301 characters");
    assert_invalid(
        &doc,
        "StatusUpdate",
        &json!({"update_id": "u1", "trip_id": "t-1", "step": "customs_check", "force": "customs", "verdict": "confirmed", "at_ms": AT}),
        "an unknown step",
    );
    assert_invalid(
        &doc,
        "RecordResult",
        &json!({"event_id": "ev-0000000000000000", "result": "held"}),
        "held without expected_seq",
    );
}

/// The document's id patterns say what the parsers say.
#[test]
fn id_patterns_agree_with_the_parsers() {
    let doc = document();
    let pattern = |name: &str| {
        let p = schema(&doc, name)["pattern"].as_str().unwrap();
        let min = schema(&doc, name)["minLength"].as_u64().unwrap_or(0) as usize;
        let max = schema(&doc, name)["maxLength"].as_u64().unwrap_or(u64::MAX) as usize;
        let re = Regex::new(p).unwrap();
        move |s: &str| re.is_match(s) && (min..=max).contains(&s.chars().count())
    };
    let candidates = [
        "",
        "a",
        "ab",
        "t-1",
        "t-3n8d0p6yr2",
        "-ab",
        "ab-",
        "A-b",
        "a_b",
        "a.b",
        "ev-00ff",
        "hn-fruit.7",
        "ev 1",
        "4a7c19e2b05d3f68",
        "4A7C19E2B05D3F68",
        "ç-1",
        "abcdefghijabcdefghijabcdefghijab",
        "abcdefghijabcdefghijabcdefghijabc",
        "Xyz-01_2.3",
        "a/b",
    ];
    let long = "x".repeat(65);
    let slug = pattern("Slug");
    let event = pattern("EventId");
    let update = pattern("UpdateId");
    let account = pattern("AccountId");
    for s in candidates.iter().copied().chain([long.as_str()]) {
        assert_eq!(slug(s), TripId::parse(s).is_ok(), "Slug {s:?}");
        assert_eq!(event(s), EventId::parse(s).is_ok(), "EventId {s:?}");
        assert_eq!(update(s), UpdateId::parse(s).is_ok(), "UpdateId {s:?}");
        assert_eq!(account(s), AccountId::parse(s).is_ok(), "AccountId {s:?}");
    }
    let batch_id = Regex::new(
        schema(&doc, "Batch")["properties"]["batch_id"]["pattern"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert!(batch_id.is_match(&Batch::new(records()).batch_id));
    assert!(batch_id.is_match(&Batch::new(Vec::new()).batch_id));
}

fn round_trip<T: Serialize + DeserializeOwned>(name: &str, example: &Value) {
    let typed: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("an example of {name} does not parse: {e}\n{example}"));
    assert_eq!(
        &to_json(&typed),
        example,
        "an example of {name} changes through serde"
    );
}

/// Every example in the document is what the code reads and writes, unchanged.
#[test]
fn the_examples_read_back_unchanged() {
    let doc = document();
    let mut seen = BTreeSet::new();
    for (name, s) in doc["components"]["schemas"].as_object().unwrap() {
        let Some(examples) = s.get("examples").and_then(Value::as_array) else {
            continue;
        };
        for example in examples {
            assert_valid(&doc, name, example);
            match name.as_str() {
                "Batch" => round_trip::<Batch>(name, example),
                "ProvinceRecord" => round_trip::<ProvinceRecord>(name, example),
                "PlatformDeclaration" => {
                    round_trip::<shared::province::record::PlatformDeclaration>(name, example)
                }
                "BatchAnswer" => round_trip::<BatchAnswer>(name, example),
                "StatusUpdate" => round_trip::<StatusUpdate>(name, example),
                "StatusBatch" => round_trip::<StatusBatch>(name, example),
                "StatusCallbackAnswer" => round_trip::<StatusCallbackAnswer>(name, example),
                other => panic!("an example of {other}, which has no Rust type here"),
            }
            seen.insert(name.clone());
        }
    }
    for name in [
        "Batch",
        "BatchAnswer",
        "StatusBatch",
        "StatusCallbackAnswer",
    ] {
        assert!(seen.contains(name), "an example of {name}");
    }
    // The batch example's id is the one its records make, and a trip.accepted example's
    // declaration is the one the code derives from its event.
    let batch: Batch =
        serde_json::from_value(schema(&doc, "Batch")["examples"][0].clone()).unwrap();
    assert_eq!(Batch::new(batch.records.clone()).batch_id, batch.batch_id);
    for record in &batch.records {
        let recorded = Recorded {
            id: record.event_id.clone(),
            version: record.event_version,
            at_ms: record.occurred_at_ms,
            event: record.data.clone(),
        };
        assert_eq!(
            ProvinceRecord::of(&recorded, record.seq).as_ref(),
            Some(record)
        );
    }
}

fn signed_parts(example: &Value) -> (Secret, String, i64, String, String) {
    let text = |key: &str| {
        example[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key}"))
            .to_owned()
    };
    let secret = Secret::parse(&text("secret")).expect("a whsec_ secret");
    let ts: i64 = text("webhook-timestamp").parse().unwrap();
    (
        secret,
        text("webhook-id"),
        ts,
        text("body"),
        text("webhook-signature"),
    )
}

/// The Standard Webhooks vector and the document's own signed request and answer verify.
#[test]
fn the_signed_examples_verify() {
    let doc = document();
    let vector = &doc["x-signature-test-vector"];
    let (secret, id, ts, body, signature) = signed_parts(vector);
    assert_eq!(
        id, "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "the specification's example"
    );
    assert_eq!(webhook::sign(&secret, &id, ts, body.as_bytes()), signature);

    let op = &doc["paths"]["/v1/records"]["post"];
    let (secret, id, ts, body, signature) = signed_parts(&op["x-signed-example"]);
    assert_eq!(webhook::sign(&secret, &id, ts, body.as_bytes()), signature);
    let headers = Headers {
        id: Some(&id),
        timestamp: Some(&ts.to_string()),
        signature: Some(&signature),
    };
    assert_eq!(
        webhook::verify(&secret, headers, body.as_bytes(), ts + TOLERANCE_S),
        Ok(id.as_str())
    );
    let batch: Batch = serde_json::from_str(&body).expect("the signed body is a Batch");
    assert_eq!(batch.batch_id, id, "webhook-id is the batch id");
    assert_eq!(
        serde_json::to_string(&batch).unwrap(),
        body,
        "the bytes the edge sends"
    );
    assert_valid(&doc, "Batch", &serde_json::from_str(&body).unwrap());

    let (answer_secret, answer_id, answer_ts, answer_body, answer_signature) =
        signed_parts(&op["x-signed-answer-example"]);
    assert_ne!(answer_secret, secret, "one secret per direction");
    assert_eq!(answer_id, format!("ans_{id}"));
    assert!((answer_ts - ts).abs() <= TOLERANCE_S);
    assert_eq!(
        webhook::sign(
            &answer_secret,
            &answer_id,
            answer_ts,
            answer_body.as_bytes()
        ),
        answer_signature
    );
    let answer: BatchAnswer = serde_json::from_str(&answer_body).expect("a BatchAnswer");
    assert_eq!(answer.results.len(), batch.records.len());
    // Signed with the other side's secret, it does not verify.
    let headers = Headers {
        id: Some(&answer_id),
        timestamp: Some(&answer_ts.to_string()),
        signature: Some(&answer_signature),
    };
    assert!(webhook::verify(&secret, headers, answer_body.as_bytes(), answer_ts).is_err());
}

#[test]
fn the_delivery_figures_and_the_steps_are_the_codes() {
    let doc = document();
    let d = &doc["x-delivery"];
    assert_eq!(d["replay_window_s"], json!(TOLERANCE_S));
    assert_eq!(
        d["batch_max_records"],
        json!(BatchLimits::DEFAULT.max_records)
    );
    assert_eq!(d["batch_max_bytes"], json!(BatchLimits::DEFAULT.max_bytes));
    assert_eq!(d["backoff_base_ms"], json!(Backoff::DEFAULT.base_ms));
    assert_eq!(d["backoff_cap_ms"], json!(Backoff::DEFAULT.cap_ms));
    assert_eq!(d["backoff_jitter"], "equal");
    // Equal jitter: half the exponential delay, plus up to as much again.
    assert_eq!(Backoff::DEFAULT.delay_ms(1, 0.0), 1_000);
    assert_eq!(Backoff::DEFAULT.delay_ms(1, 1.0), 2_000);
    assert_eq!(Backoff::DEFAULT.delay_ms(40, 1.0), Backoff::DEFAULT.cap_ms);
    let cap_s = d["retry_after_cap_s"].as_i64().unwrap();
    assert_eq!(
        retry_after_ms(&(cap_s * 10).to_string(), 0),
        Some(cap_s * 1000)
    );
    let batch = &schema(&doc, "Batch")["properties"]["records"];
    assert_eq!(batch["maxItems"], json!(BatchLimits::DEFAULT.max_records));

    let documented = doc["x-steps"].as_array().expect("x-steps");
    assert_eq!(documented.len(), Step::ALL.len());
    for (entry, step) in documented.iter().zip(steps()) {
        assert_eq!(entry["step"], to_json(&step), "x-steps in order");
        assert_eq!(entry["platform_name"], step.platform_name());
        let forces: Vec<Value> = step.confirmed_by().iter().map(to_json).collect();
        assert_eq!(
            entry["confirmed_by"],
            json!(forces),
            "{step:?}: confirmed by"
        );
    }
}

/// `docs/province-sync.md` quotes the same vector, steps and figures.
/// The callback is also a route of BorderPass's own API (`docs/openapi.json`, checked against
/// the route table by `edge/tests/openapi.rs`): both documents give it the same error codes.
#[test]
fn the_callback_matches_the_edge_api_document() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json");
    let edge: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("docs/openapi.json"))
            .expect("JSON");
    let ours = document();
    let Some(theirs) = edge["paths"]["/api/province/status"]["post"].as_object() else {
        // Not routed yet on this branch: nothing to compare.
        return;
    };
    let codes = |doc: &Value, responses: &Value| -> BTreeMap<String, BTreeSet<String>> {
        responses
            .as_object()
            .expect("responses")
            .iter()
            .filter(|(status, _)| status.starts_with('4'))
            .map(|(status, r)| {
                let r = resolve(doc, r);
                let codes = r.get("x-codes").map(names).unwrap_or_default();
                (status.clone(), codes)
            })
            .collect()
    };
    assert_eq!(
        codes(
            &ours,
            &ours["paths"]["/api/province/status"]["post"]["responses"]
        ),
        codes(&edge, &theirs["responses"]),
        "POST /api/province/status: the error statuses and codes of both documents"
    );
}

#[test]
fn the_guide_quotes_the_same_vector_and_steps() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/province-sync.md");
    let guide = std::fs::read_to_string(&path).expect("docs/province-sync.md");
    let doc = document();
    let vector = &doc["x-signature-test-vector"];
    for key in [
        "secret",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "body",
    ] {
        let text = vector[key].as_str().unwrap();
        assert!(
            guide.contains(text),
            "the guide quotes the vector's {key}: {text}"
        );
    }
    for step in steps() {
        let name = to_json(&step);
        assert!(
            guide.contains(&format!("`{}`", name.as_str().unwrap())),
            "{step:?}"
        );
        assert!(
            guide.contains(step.platform_name()),
            "{step:?}'s platform name"
        );
    }
    for kind in record_kinds() {
        assert!(
            guide.contains(&format!("`{kind}`")),
            "the guide names {kind}"
        );
    }
}

#[test]
fn every_reference_resolves() {
    fn walk(doc: &Value, value: &Value) {
        match value {
            Value::Object(map) => {
                if map.contains_key("$ref") {
                    resolve(doc, value);
                }
                map.values().for_each(|v| walk(doc, v));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(doc, v)),
            _ => {}
        }
    }
    let doc = document();
    walk(&doc, &doc);
    // And every schema is used by an operation, directly or through another schema.
    let text = doc["paths"].to_string();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut frontier = vec![text];
    while let Some(t) = frontier.pop() {
        for (name, s) in doc["components"]["schemas"].as_object().unwrap() {
            if !used.contains(name) && t.contains(&format!("\"#/components/schemas/{name}\"")) {
                used.insert(name.clone());
                frontier.push(s.to_string());
            }
        }
    }
    let all: BTreeSet<String> = keys(&doc["components"]["schemas"]);
    let unused: Vec<&String> = all.difference(&used).collect();
    assert!(unused.is_empty(), "schemas no operation uses: {unused:?}");
}
