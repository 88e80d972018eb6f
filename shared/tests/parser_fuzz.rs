//! Parser fuzzing: every parser of client input in `shared/` under property-based fuzzing
//! (proptest, stable toolchain), for a fixed budget.
//!
//! Each parser is a *target*: a function of raw bytes that runs the parser (and what the edge
//! runs after it: `TryFrom` into domain types, validation, verification) inside
//! `catch_unwind`, so a panic fails with the target's name and the exact input. Where a parser
//! has a printed form, the target also checks that parse → print → parse gives the same value.
//!
//! 1. The committed corpus (`tests/fuzz-corpus/<target>/*`, seed inputs and past findings) is
//!    replayed first, each file through its target.
//! 2. Then proptest feeds each target arbitrary strings and bytes (all of Unicode, plus a
//!    pool of characters parsers treat specially), mutations of the corpus seeds (byte flips,
//!    insertions, deletions, truncations, splices), random JSON trees with the request
//!    bodies' field names, random CBOR under a valid signature, and huge or deeply nested
//!    JSON and CBOR.
//!
//! Budget: the case counts below (a few seconds in a debug build). `FUZZ_SCALE=20` multiplies
//! every count (`make fuzz`); `FUZZ_SEED=<n>` picks the proptest seed (default: a fixed seed,
//! so `cargo test` is repeatable; `FUZZ_SEED=random` draws one). Failures shrink to a minimal
//! input and are saved in `tests/parser_fuzz.regressions`, replayed first on the next run.

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as Json;
use shared::booking::{BookingId, IdempotencyKey, LocalDate, YardConfig};
use shared::pass::{self, PassClaims, PassSigner, TrustedKey, Verdict, VerifyContext};
use shared::queue::QueueEntryId;
use shared::sync::ClientId;
use shared::time::{format_hhmm, parse_hhmm, parse_local_date_time, LocalDateTime};
use shared::wire::v1 as wire;
use shared::{
    check_new_password, parse_local_instant, AccountId, Cargo, DeclarationNumber, Direction,
    DisplayName, Error, GateId, HsCode, Lang, PhoneNumber, Plate, Role, TripId, TripStatus,
    Vehicle, VehicleId, VehicleType, YardId,
};
use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

// ---- Running a target -------------------------------------------------------------------

/// Runs `f` and turns a panic into a failure that names the target and shows the input.
fn guarded(target: &str, input: &[u8], f: impl FnOnce()) {
    if let Err(panic) = catch_unwind(AssertUnwindSafe(f)) {
        let why = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        match std::str::from_utf8(input) {
            Ok(text) => panic!("target `{target}` panicked: {why}\n  input (text): {text:?}"),
            Err(_) => panic!("target `{target}` panicked: {why}\n  input (bytes): {input:02x?}"),
        }
    }
}

/// A target: a parser (and what runs after it) over raw input bytes.
type Target = fn(&[u8]);

/// Every target, by the name of its corpus directory.
const TARGETS: &[(&str, Target)] = &[
    ("plate", |b| each_text(b, plate)),
    ("phone", |b| each_text(b, phone)),
    ("declaration", |b| each_text(b, declaration)),
    ("id", |b| each_text(b, ids)),
    ("text", |b| each_text(b, words)),
    ("time", |b| each_text(b, time)),
    ("wire", wire_json),
    ("pass", |b| each_text(b, pass_text)),
    ("cose", cose_bytes),
    ("claims", signed_claims),
];

fn target(name: &str) -> Target {
    TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or_else(|| panic!("no target {name}"))
}

fn run(name: &str, input: &[u8]) {
    guarded(name, input, || target(name)(input));
}

/// String parsers see the input as text: exactly (when it is UTF-8) and lossily decoded.
fn each_text(b: &[u8], f: fn(&str)) {
    if let Ok(s) = std::str::from_utf8(b) {
        f(s);
    }
    f(&String::from_utf8_lossy(b));
}

// ---- String parsers -----------------------------------------------------------------------

fn plate(s: &str) {
    let Ok(p) = Plate::parse(s) else { return };
    let again = Plate::parse(p.display()).expect("a plate's display form parses");
    assert_eq!(again, p, "display round trip");
    assert_eq!(p.to_string(), p.display());
    let norm = Plate::parse(p.normalized()).expect("a plate's normalised form parses");
    assert_eq!(norm.normalized(), p.normalized(), "normalised round trip");
    assert_eq!(norm.country(), p.country());
    assert!(p.same_vehicle(&norm));
    assert!(p.display().chars().count() <= Plate::MAX_INPUT_CHARS);
}

fn phone(s: &str) {
    let Ok(p) = PhoneNumber::parse(s) else { return };
    for form in [
        p.e164().to_owned(),
        p.national(),
        p.display(),
        p.to_string(),
    ] {
        assert_eq!(
            PhoneNumber::parse(&form).as_ref(),
            Ok(&p),
            "{form:?} round trip"
        );
    }
    // The password rules take any string with any phone.
    let _ = check_new_password(s, &p);
}

fn declaration(s: &str) {
    let Ok(d) = DeclarationNumber::from_str(s) else {
        return;
    };
    assert_eq!(d.as_str().len(), DeclarationNumber::LEN);
    assert_eq!(DeclarationNumber::from_str(&d.to_string()), Ok(d));
}

/// `parse` and JSON deserialisation agree, and the printed id parses back to itself.
fn id_round_trip<T>(s: &str, parse: fn(&str) -> Result<T, Error>, show: fn(&T) -> String)
where
    T: PartialEq + Debug + DeserializeOwned + Serialize,
{
    let parsed = parse(s);
    let json = serde_json::from_value::<T>(Json::String(s.to_owned()));
    assert_eq!(parsed.is_ok(), json.is_ok(), "parse and serde disagree");
    if let Ok(v) = parsed {
        assert_eq!(parse(&show(&v)).as_ref(), Ok(&v), "printed id round trip");
        let text = serde_json::to_string(&v).expect("ids serialise");
        assert_eq!(serde_json::from_str::<T>(&text).ok().as_ref(), Some(&v));
    }
}

fn ids(s: &str) {
    id_round_trip(s, AccountId::parse, ToString::to_string);
    id_round_trip(s, GateId::parse, ToString::to_string);
    id_round_trip(s, YardId::parse, ToString::to_string);
    id_round_trip(s, VehicleId::parse, ToString::to_string);
    id_round_trip(s, TripId::parse, ToString::to_string);
    id_round_trip(s, BookingId::parse, ToString::to_string);
    id_round_trip(s, QueueEntryId::parse, ToString::to_string);
    id_round_trip(s, IdempotencyKey::parse, ToString::to_string);
    id_round_trip(s, ClientId::parse, ToString::to_string);
    id_round_trip(s, pass::PassId::parse_hex, pass::PassId::to_hex);
    if let Ok(kid) = pass::Kid::parse_hex(s) {
        assert_eq!(pass::Kid::parse_hex(&kid.to_hex()), Ok(kid));
    }
}

fn words(s: &str) {
    if let Ok(n) = DisplayName::parse(s) {
        assert_eq!(DisplayName::parse(n.as_str()), Ok(n.clone()));
    }
    if let Ok(h) = HsCode::parse(s) {
        assert_eq!(HsCode::parse(h.as_str()), Ok(h.clone()));
    }
    for perishable in [false, true] {
        if let Ok(c) = Cargo::new(s, perishable) {
            assert_eq!(Cargo::new(c.description(), perishable), Ok(c.clone()));
        }
    }
    if let Ok(r) = Role::from_str(s) {
        assert_eq!(Role::from_str(r.as_str()), Ok(r));
    }
    if let Ok(l) = Lang::from_str(s) {
        assert_eq!(Lang::from_str(l.tag()).ok(), Some(l));
    }
    if let Ok(d) = Direction::from_str(s) {
        assert_eq!(Direction::from_str(d.as_str()).ok(), Some(d));
    }
    if let Ok(t) = VehicleType::parse(s) {
        assert_eq!(VehicleType::parse(t.as_str()), Ok(t));
    }
    if let Ok(t) = TripStatus::parse(s) {
        assert_eq!(TripStatus::parse(t.as_str()), Ok(t));
    }
    if let Ok(k) = wire::OpKind::parse(s) {
        assert_eq!(wire::OpKind::parse(k.as_str()), Ok(k));
    }
}

/// A date and a time: the input split at its first newline (or all of it as both).
fn time(s: &str) {
    let (date, hhmm) = s.split_once('\n').unwrap_or((s, s));
    if let Some(m) = parse_hhmm(hhmm) {
        assert!(m <= 24 * 60);
        assert_eq!(parse_hhmm(&format_hhmm(m)), Some(m), "HH:MM round trip");
    }
    if let Some(ms) = parse_local_date_time(date, hhmm) {
        let local = LocalDateTime::from_unix_ms(ms);
        let (date_again, hhmm_again) = (local.iso_date(), local.time_string());
        assert_eq!(
            parse_local_date_time(&date_again, &hhmm_again),
            Some(ms),
            "local date-time round trip via {date_again} {hhmm_again}"
        );
    }
    if let Ok(ms) = parse_local_instant(date, hhmm) {
        assert_eq!(parse_local_date_time(date, hhmm), Some(ms));
    }
    if let Ok(d) = LocalDate::parse(date) {
        assert_eq!(LocalDate::parse(&d.to_string()), Ok(d), "date round trip");
    }
}

// ---- Wire types -------------------------------------------------------------------------

/// "Now" for validating trips: 2026-11-28.
const NOW_MS: i64 = 1_795_829_400_000;

/// Deserialises `T` from the input; when it parses, its JSON parses back to an equal value.
fn dto<T: DeserializeOwned + Serialize + PartialEq + Debug>(b: &[u8]) -> Option<T> {
    let v: T = serde_json::from_slice(b).ok()?;
    let text = serde_json::to_string(&v).expect("a parsed request serialises");
    let again: T = serde_json::from_str(&text).expect("a serialised request parses");
    assert_eq!(again, v, "JSON round trip");
    Some(v)
}

/// Every request body the edge reads from a client (and what the apps read from the edge),
/// then what the edge runs on it: `TryFrom` into domain types, validation, verification.
fn wire_json(b: &[u8]) {
    let _ = serde_json::from_slice::<Json>(b);
    if let Some(r) = dto::<wire::SignUpRequest>(b) {
        let _ = wire::SignUp::try_from(r);
    }
    if let Some(r) = dto::<wire::SignInRequest>(b) {
        let _ = PhoneNumber::parse(&r.phone);
    }
    if let Some(r) = dto::<wire::ChangePasswordRequest>(b) {
        let _ = check_new_password(&r.new_password, &PhoneNumber::parse("0912345678").unwrap());
    }
    if let Some(r) = dto::<wire::CreateAccountRequest>(b) {
        let _ = wire::NewStaffAccount::try_from(r);
    }
    if let Some(r) = dto::<wire::VehicleDto>(b) {
        if let Ok(v) = Vehicle::try_from(r) {
            let back = wire::VehicleDto::from(&v);
            assert_eq!(
                Vehicle::try_from(back).as_ref(),
                Ok(&v),
                "vehicle round trip"
            );
        }
    }
    if let Some(r) = dto::<wire::TripDto>(b) {
        if let Ok(t) = r.clone().validate_stored() {
            let back = wire::TripDto::from(&t);
            assert_eq!(back.validate_stored().as_ref(), Ok(&t), "trip round trip");
        }
        // Any i64 instants: the window is bounded before any arithmetic (shared::time).
        let _ = r.validate(NOW_MS);
    }
    if let Some(r) = dto::<wire::SetDeclarationDto>(b) {
        let _ = TripId::parse(&r.trip_id);
        let _ = DeclarationNumber::from_str(&r.declaration);
    }
    if let Some(r) = dto::<wire::CancelTripDto>(b) {
        let _ = TripId::parse(&r.trip_id);
    }
    if let Some(r) = dto::<wire::CheckInRequest>(b) {
        let _ = verify(&r.pass);
    }
    if let Some(r) = dto::<wire::CheckInPayload>(b) {
        let _ = YardId::parse(&r.yard_id);
        let _ = verify(&r.pass);
    }
    let _ = dto::<wire::CallRequest>(b);
    let _ = dto::<wire::MoveRequest>(b);
    if let Some(c) = dto::<YardConfig>(b) {
        let _ = c.validate();
    }
    if let Ok(e) = serde_json::from_slice::<wire::ErrorBody>(b) {
        let _ = Error::from(e);
    }
    // What the verifier and the app read from the edge.
    if let Ok(r) = serde_json::from_slice::<wire::RevocationsResponse>(b) {
        for id in &r.pass_ids {
            let _ = pass::PassId::parse_hex(id);
        }
    }
    let _ = dto::<Vec<TrustedKey>>(b);
    let _ = dto::<Verdict>(b);
    let _ = dto::<PassClaims>(b);
}

// ---- Passes -----------------------------------------------------------------------------

const SEED: [u8; 32] = [7; 32];

fn signer() -> &'static PassSigner {
    static SIGNER: OnceLock<PassSigner> = OnceLock::new();
    SIGNER.get_or_init(|| PassSigner::from_seed(&SEED))
}

/// The test key and the published vectors' keys.
fn trust_list() -> &'static [TrustedKey] {
    static KEYS: OnceLock<Vec<TrustedKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys = vec![signer().trusted_key()];
        let vector: Json = serde_json::from_str(include_str!("../../docs/pass-vectors/valid.json"))
            .expect("the valid vector is JSON");
        keys.extend(
            serde_json::from_value::<Vec<TrustedKey>>(vector["trust_list"].clone())
                .expect("the vector's trust list"),
        );
        keys
    })
}

/// Verifies at a time inside most passes' windows, with and without a gate; checks that a
/// valid verdict's claims are the ones `decode_unverified` sees.
fn verify(s: &str) -> Verdict {
    let gate = GateId::parse("huu-nghi").unwrap();
    let ctx = |now, gate| VerifyContext {
        trust_list: trust_list(),
        deny_list: &[],
        now,
        gate,
    };
    let verdict = pass::verify(s, &ctx(1_772_359_200, None));
    let _ = pass::verify(s, &ctx(i64::MIN, Some(&gate)));
    let _ = pass::verify(s, &ctx(i64::MAX, Some(&gate)));
    let decoded = pass::decode_unverified(s);
    if let Some(claims) = verdict.claims() {
        assert_eq!(decoded.as_ref().map(|(_, c)| c), Ok(claims));
    }
    if let Ok((_, claims)) = &decoded {
        // Claims that decode also travel as JSON (the verifier's verdict) and back.
        let text = serde_json::to_string(claims).expect("claims serialise");
        assert_eq!(
            serde_json::from_str::<PassClaims>(&text).ok().as_ref(),
            Some(claims)
        );
    }
    verdict
}

fn pass_text(s: &str) {
    let _ = verify(s);
    let _ = pass::qr::version(&s.chars().take(64).collect::<String>());
}

/// Raw COSE bytes behind the prefix, as a scanner would read them.
fn cose_bytes(b: &[u8]) {
    let _ = verify(&format!("{}{}", pass::PREFIX, base45::encode(b)));
}

/// A COSE_Sign1 with the documented header, the test key's valid signature and `payload` as
/// its claims, as the signer would have made it.
fn sign_payload(payload: &[u8]) -> String {
    use coset::{iana, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable};
    use ed25519_dalek::{Signer, SigningKey};
    let key = SigningKey::from_bytes(&SEED);
    let header = HeaderBuilder::new()
        .algorithm(iana::Algorithm::EdDSA)
        .key_id(signer().kid().as_bytes().to_vec())
        .build();
    let cose = CoseSign1Builder::new()
        .protected(header)
        .payload(payload.to_vec())
        .create_signature(&[], |tbs| key.sign(tbs).to_bytes().to_vec())
        .build();
    let bytes = cose.to_tagged_vec().expect("COSE into a Vec");
    format!("{}{}", pass::PREFIX, base45::encode(&bytes))
}

/// Arbitrary CBOR as the claims of a correctly signed pass: this reaches the claims decoder.
fn signed_claims(payload: &[u8]) {
    let pass = sign_payload(payload);
    let verdict = verify(&pass);
    if let Some(claims) = verdict.claims() {
        // Whatever decodes, signs again to a pass that verifies to the same claims.
        // Claims valid for longer than their kind allows are never signed (nor verified valid).
        match signer().sign(claims) {
            Ok(again) => assert_eq!(verify(&again).claims(), Some(claims), "claims round trip"),
            Err(refused) => assert_eq!(verdict.reason(), Some(refused), "refused to sign"),
        }
    }
}

// ---- The corpus -------------------------------------------------------------------------

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus")
}

/// The seed inputs of a target, sorted by file name.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = corpus_dir().join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
        .map(|e| e.expect("a corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read(p).expect("a corpus file"))
        .collect()
}

fn all_seeds(target: &str) -> &'static [Vec<u8>] {
    static ALL: OnceLock<Vec<(String, Vec<Vec<u8>>)>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        TARGETS
            .iter()
            .map(|(n, _)| ((*n).to_owned(), seeds(n)))
            .collect()
    });
    &all.iter().find(|(n, _)| n == target).expect("a target").1
}

#[test]
fn corpus_replays_without_panics() {
    for (name, _) in TARGETS {
        let inputs = all_seeds(name);
        assert!(!inputs.is_empty(), "the corpus of `{name}` is empty");
        for input in inputs {
            run(name, input);
        }
    }
}

#[test]
fn the_corpus_holds_valid_and_invalid_inputs() {
    // The seeds must reach past the first check of each parser, or mutating them finds little.
    let valid = |name: &str, ok: fn(&str) -> bool| {
        let texts: Vec<String> = all_seeds(name)
            .iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect();
        assert!(texts.iter().any(|t| ok(t)), "no valid seed for `{name}`");
        assert!(texts.iter().any(|t| !ok(t)), "no invalid seed for `{name}`");
    };
    valid("plate", |s| Plate::parse(s).is_ok());
    valid("phone", |s| PhoneNumber::parse(s).is_ok());
    valid("declaration", |s| DeclarationNumber::from_str(s).is_ok());
    valid("id", |s| GateId::parse(s).is_ok());
    valid("pass", |s| verify(s).is_valid());
    // Every wire seed but the `bad-` ones is a request body the edge accepts the shape of.
    let dir = corpus_dir().join("wire");
    for entry in std::fs::read_dir(&dir).expect("the wire corpus") {
        let path = entry.expect("an entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("bad-") {
            continue;
        }
        let b = std::fs::read(&path).expect("a seed");
        let shapes = [
            serde_json::from_slice::<wire::SignUpRequest>(&b).is_ok(),
            serde_json::from_slice::<wire::SignInRequest>(&b).is_ok(),
            serde_json::from_slice::<wire::ChangePasswordRequest>(&b).is_ok(),
            serde_json::from_slice::<wire::CreateAccountRequest>(&b).is_ok(),
            serde_json::from_slice::<wire::VehicleDto>(&b).is_ok(),
            serde_json::from_slice::<wire::TripDto>(&b).is_ok(),
            serde_json::from_slice::<wire::SetDeclarationDto>(&b).is_ok(),
            serde_json::from_slice::<wire::CancelTripDto>(&b).is_ok(),
            serde_json::from_slice::<wire::CheckInRequest>(&b).is_ok(),
            serde_json::from_slice::<wire::CheckInPayload>(&b).is_ok(),
            serde_json::from_slice::<wire::CallRequest>(&b).is_ok(),
            serde_json::from_slice::<wire::MoveRequest>(&b).is_ok(),
            serde_json::from_slice::<wire::ErrorBody>(&b).is_ok(),
            serde_json::from_slice::<wire::RevocationsResponse>(&b).is_ok(),
            serde_json::from_slice::<wire::KeysResponse>(&b).is_ok(),
            serde_json::from_slice::<YardConfig>(&b).is_ok(),
        ];
        assert!(
            shapes.contains(&true),
            "wire seed {name} is no request body"
        );
    }
    assert!(all_seeds("claims")
        .iter()
        .any(|p| verify(&sign_payload(p)).is_valid()));
    assert!(all_seeds("cose").iter().any(|b| verify(&format!(
        "{}{}",
        pass::PREFIX,
        base45::encode(b)
    ))
    .is_valid()));
}

// ---- Huge and nested input --------------------------------------------------------------

#[test]
fn huge_and_deeply_nested_json_is_refused_without_panics() {
    let deep_array = "[".repeat(100_000) + &"]".repeat(100_000);
    let deep_object = "{\"a\":".repeat(50_000) + "1" + &"}".repeat(50_000);
    let long_string = format!(
        "{{\"phone\":\"{}\",\"password\":\"x\"}}",
        "9".repeat(1 << 20)
    );
    let many_fields = format!(
        "{{{}\"trip_id\":\"t-1\"}}",
        (0..20_000)
            .map(|i| format!("\"k{i}\":{i},"))
            .collect::<String>()
    );
    let big_numbers =
        r#"{"weight_kg":99999999999999999999999,"window_from_ms":-1e400,"count":1e400}"#;
    for input in [
        deep_array,
        deep_object,
        long_string,
        many_fields,
        big_numbers.to_owned(),
    ] {
        run("wire", input.as_bytes());
    }
}

#[test]
fn huge_and_deeply_nested_cbor_is_malformed_without_panics() {
    let mut inputs: Vec<Vec<u8>> = vec![
        // Headers that claim 2^64-1 items or bytes, with nothing behind them.
        vec![0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        vec![0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        vec![0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        vec![0x7b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        // Indefinite-length items never closed.
        vec![0x9f; 700],
        vec![0xbf; 700],
        vec![0x5f; 700],
    ];
    // Nesting as deep as fits in a pass string (arrays, maps, tags).
    for open in [0x81u8, 0xa1, 0xc6] {
        let mut v = vec![open; 790];
        v.push(0x00);
        inputs.push(v);
    }
    for input in &inputs {
        run("cose", input);
        run("claims", input);
        // The same nesting inside an otherwise valid pass's private claims.
        let mut payload = vec![0xa5, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07, 0x41, 0x01];
        payload.extend([0x3a, 0x00, 0x01, 0x00, 0x00]);
        payload.extend(input);
        run("claims", &payload);
    }
    // A zlib stream that inflates past the limit, and one truncated.
    let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&[0u8; 1 << 20], 10);
    run("cose", &bomb);
    run("cose", &bomb[..bomb.len() / 2]);
    // Text far longer than any pass.
    run("pass", format!("BP1:{}", "0".repeat(1 << 20)).as_bytes());
}

#[test]
fn every_truncation_and_extension_of_a_valid_pass_is_handled() {
    let pass = std::str::from_utf8(&all_seeds("pass")[0])
        .expect("a text pass")
        .to_owned();
    for end in 0..pass.len() {
        run("pass", &pass.as_bytes()[..end]);
    }
    for tail in [
        "0", "00", "000", " ", "%", ":", "\r\n", "\0", "é", "\u{FEFF}",
    ] {
        run("pass", format!("{pass}{tail}").as_bytes());
        run("pass", format!("{tail}{pass}").as_bytes());
    }
}

// ---- Properties -------------------------------------------------------------------------

/// A case count scaled by `FUZZ_SCALE`, a fixed seed unless `FUZZ_SEED` says otherwise, and
/// failures saved beside this file.
fn config(cases: u32) -> Config {
    let scale: u32 = std::env::var("FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let rng_seed = match std::env::var("FUZZ_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(n) => RngSeed::Fixed(n.parse().expect("FUZZ_SEED is a number or `random`")),
        None => RngSeed::Fixed(0x0B0D_E4BA_5510),
    };
    Config {
        cases: cases.saturating_mul(scale),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        rng_seed,
        max_shrink_iters: 2_000,
        ..Config::default()
    }
}

/// Characters the parsers treat specially, or that change length when case-folded,
/// normalised or lossily decoded.
const TRICKY: &[char] = &[
    '0',
    '1',
    '2',
    '9',
    'A',
    'C',
    'I',
    'O',
    'Z',
    'a',
    'z',
    'Đ',
    'đ',
    'İ',
    'ı',
    'ß',
    'ǅ',
    'ﬀ',
    '-',
    '.',
    '·',
    '•',
    '・',
    '_',
    '/',
    ' ',
    '\t',
    '\n',
    '\r',
    '\u{3000}',
    '\u{85}',
    '\u{a0}',
    '\u{2028}',
    '+',
    '(',
    ')',
    ':',
    '%',
    '*',
    '$',
    '"',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ',',
    '桂',
    '粤',
    '京',
    '挂',
    '学',
    '０',
    '９',
    'Ａ',
    'Ｚ',
    '－',
    '．',
    '\u{FF5E}',
    '\u{FF01}',
    '\u{0301}',
    '\u{200D}',
    '\u{202E}',
    '\u{FEFF}',
    '\u{FFFD}',
    '\0',
    '\u{7f}',
    '\u{1b}',
    '٣',
    '໓',
    '🚚',
    '\u{10FFFF}',
];

fn tricky_string() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TRICKY), 0..40).prop_map(String::from_iter)
}

/// Any string: all of Unicode, the tricky pool, or near-valid shapes.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        tricky_string(),
        "[0-9]{2}[A-ZĐa-z]{1,2}[0-9]?[-. ·]?[0-9]{3}[.]?[0-9]{1,3}",
        "[桂粤京][A-Za-z][·]?[0-9A-Z]{4,6}挂?",
        "[+(]{0,2}8?4?[)]? ?0?[35789][0-9 .-]{7,12}",
        "[0-9 ]{10,14}",
        "[a-z0-9-]{1,34}",
        "[0-9a-fA-F]{0,34}",
        "[+]?[0-9]{1,5}-[+]?[0-9]{1,2}-[+]?[0-9]{1,2}\n[+]?[0-9]{1,2}:[+]?[0-9]{1,2}",
    ]
}

/// Byte-level mutations of a seed: flips, insertions, deletions, truncation, splices.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize, usize),
    Truncate(usize),
    Duplicate(usize, usize),
    Splice(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(i, x)| Mutation::Flip(i, x)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, x)| Mutation::Insert(i, x)),
        (any::<usize>(), 1usize..8).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::Splice(i, b)),
    ]
}

fn mutate(seed: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for m in mutations {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match m {
            Mutation::Flip(i, x) if !b.is_empty() => {
                let i = i % b.len();
                b[i] ^= x;
            }
            Mutation::Flip(..) => {}
            Mutation::Insert(i, x) => b.insert(at(*i, b.len()), *x),
            Mutation::Delete(i, n) => {
                let i = at(*i, b.len());
                b.drain(i..(i + n).min(b.len()));
            }
            Mutation::Truncate(i) => b.truncate(at(*i, b.len())),
            Mutation::Duplicate(i, n) => {
                let i = at(*i, b.len());
                let piece: Vec<u8> = b[i..(i + n).min(b.len())].to_vec();
                b.splice(i..i, piece);
            }
            Mutation::Splice(i, bytes) => {
                let i = at(*i, b.len());
                b.splice(i..i, bytes.iter().copied());
            }
        }
    }
    b
}

/// A seed of `target` with a few mutations applied.
fn mutated(target: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let n = all_seeds(target).len();
    (0..n, prop::collection::vec(mutation(), 1..6))
        .prop_map(move |(i, ms)| mutate(&all_seeds(target)[i], &ms))
}

/// The field names of every request body, so random JSON objects hit real fields.
const FIELDS: &[&str] = &[
    "phone",
    "password",
    "role",
    "display_name",
    "current_password",
    "new_password",
    "yard_id",
    "gate_id",
    "id",
    "plate",
    "trailer",
    "vehicle_type",
    "country",
    "vehicle_id",
    "driver_name",
    "direction",
    "cargo",
    "perishable",
    "hs_code",
    "weight_kg",
    "declaration",
    "window_from_ms",
    "window_until_ms",
    "trip_id",
    "pass",
    "scanned_at_ms",
    "lane",
    "count",
    "position",
    "reason",
    "code",
    "message",
    "pass_ids",
    "as_of_ms",
    "kid",
    "public_key",
    "valid",
    "claims",
    "slot_minutes",
    "opens_minute",
    "closes_minute",
    "capacity_per_slot",
    "closures",
    "span",
    "from_ms",
    "until_ms",
    "no_show",
    "horizon_days",
];

fn json_leaf() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        prop_oneof![
            Just(i64::MIN),
            Just(i64::MAX),
            Just(0),
            Just(-1),
            Just(1 << 53)
        ]
        .prop_map(Json::from),
        any::<f64>().prop_map(Json::from),
        any_text().prop_map(Json::String),
        prop::sample::select(
            &[
                "VN",
                "CN",
                "driver",
                "trader",
                "admin",
                "officer",
                "yard_operator",
                "entry",
                "exit",
                "truck",
                "perishable",
                "general",
                "huu-nghi",
                "cm-1",
                "29C-123.45",
                "0912345678",
                "123456789012",
                "t-1",
                "v-1",
                "BP1:",
            ][..]
        )
        .prop_map(|s| Json::String(s.to_owned())),
    ]
}

fn json_tree() -> impl Strategy<Value = Json> {
    json_leaf().prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        4 => prop::sample::select(FIELDS).prop_map(str::to_owned),
                        1 => any_text(),
                    ],
                    inner
                ),
                0..10
            )
            .prop_map(|fields| Json::Object(fields.into_iter().collect())),
        ]
    })
}

/// A valid request body from the corpus with one field set to random JSON (or removed).
fn near_valid_json() -> impl Strategy<Value = Vec<u8>> {
    let objects: Vec<serde_json::Map<String, Json>> = all_seeds("wire")
        .iter()
        .filter_map(|b| serde_json::from_slice::<Json>(b).ok())
        .filter_map(|v| v.as_object().cloned())
        .collect();
    let n = objects.len();
    (
        0..n,
        any::<prop::sample::Index>(),
        prop::option::of(json_tree()),
    )
        .prop_map(move |(i, field, value)| {
            let mut o = objects[i].clone();
            let keys: Vec<String> = o.keys().cloned().collect();
            if !keys.is_empty() {
                let key = field.get(&keys).clone();
                match value {
                    Some(v) => o.insert(key, v),
                    None => o.remove(&key),
                };
            }
            serde_json::to_vec(&Json::Object(o)).expect("JSON")
        })
}

/// Random CBOR trees (ciborium's value), encoded: claims-shaped maps and anything else.
fn cbor_tree() -> impl Strategy<Value = ciborium::Value> {
    use ciborium::Value as C;
    let leaf = prop_oneof![
        any::<i64>().prop_map(|n| C::Integer(n.into())),
        prop_oneof![
            Just(-65537i64),
            Just(0),
            Just(1),
            Just(2),
            Just(3),
            Just(4),
            Just(5)
        ]
        .prop_map(|n| C::Integer(n.into())),
        any::<u64>().prop_map(|n| C::Integer(n.into())),
        prop::collection::vec(any::<u8>(), 0..20).prop_map(C::Bytes),
        any_text().prop_map(C::Text),
        prop::sample::select(&["huu-nghi", "hn-fruit", "29C-123.45", "桂A·12345"][..])
            .prop_map(|s| C::Text(s.to_owned())),
        any::<bool>().prop_map(C::Bool),
        any::<f64>().prop_map(C::Float),
        Just(C::Null),
    ];
    leaf.prop_recursive(4, 40, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(C::Array),
            prop::collection::vec((inner.clone(), inner.clone()), 0..7).prop_map(C::Map),
            (any::<u64>(), inner).prop_map(|(t, v)| C::Tag(t, Box::new(v))),
        ]
    })
}

/// A claims map whose five CWT entries are random (but well-keyed), so the decoder gets past
/// the outer map most of the time.
fn claims_shaped_cbor() -> impl Strategy<Value = Vec<u8>> {
    use ciborium::Value as C;
    let int = |n: i64| C::Integer(n.into());
    (
        prop::collection::vec(cbor_tree(), 5),
        prop::collection::vec((0i64..8, cbor_tree()), 0..7),
    )
        .prop_map(move |(top, private)| {
            let mut top = top.into_iter();
            let private = C::Map(private.into_iter().map(|(k, v)| (int(k), v)).collect());
            let map = C::Map(vec![
                (int(4), top.next().unwrap()),
                (int(5), top.next().unwrap()),
                (int(6), top.next().unwrap()),
                (int(7), top.next().unwrap()),
                (int(-65537), private),
            ]);
            let mut out = Vec::new();
            ciborium::ser::into_writer(&map, &mut out).expect("CBOR into a Vec");
            out
        })
}

fn cbor_bytes() -> impl Strategy<Value = Vec<u8>> {
    cbor_tree().prop_map(|v| {
        let mut out = Vec::new();
        ciborium::ser::into_writer(&v, &mut out).expect("CBOR into a Vec");
        out
    })
}

const STRING_TARGETS: [&str; 6] = ["plate", "phone", "declaration", "id", "text", "time"];

proptest! {
    #![proptest_config(config(384))]

    #[test]
    fn string_parsers_take_any_text(s in any_text()) {
        for name in STRING_TARGETS {
            run(name, s.as_bytes());
        }
    }

    #[test]
    fn string_parsers_take_any_bytes(b in prop::collection::vec(any::<u8>(), 0..64)) {
        for name in STRING_TARGETS {
            run(name, &b);
        }
    }

    #[test]
    fn string_parsers_take_mutated_seeds(
        plate in mutated("plate"),
        phone in mutated("phone"),
        declaration in mutated("declaration"),
        id in mutated("id"),
        text in mutated("text"),
        time in mutated("time"),
    ) {
        run("plate", &plate);
        run("phone", &phone);
        run("declaration", &declaration);
        run("id", &id);
        run("text", &text);
        run("time", &time);
    }

    #[test]
    fn wire_types_take_random_json(v in json_tree()) {
        run("wire", serde_json::to_string(&v).unwrap().as_bytes());
    }

    #[test]
    fn wire_types_take_near_valid_bodies(b in near_valid_json()) {
        run("wire", &b);
    }

    #[test]
    fn wire_types_take_mutated_text(b in mutated("wire")) {
        run("wire", &b);
    }
}

proptest! {
    // Every case below verifies signatures (slow in a debug build): fewer cases.
    #![proptest_config(config(96))]

    #[test]
    fn passes_take_any_text(s in any_text()) {
        run("pass", s.as_bytes());
        run("pass", format!("BP1:{s}").as_bytes());
    }

    #[test]
    fn passes_take_mutated_seeds(b in mutated("pass")) {
        run("pass", &b);
    }

    #[test]
    fn cose_takes_mutated_seeds(b in mutated("cose")) {
        run("cose", &b);
    }

    #[test]
    fn cose_takes_random_cbor(b in cbor_bytes()) {
        run("cose", &b);
    }

    #[test]
    fn signed_claims_take_random_cbor(b in prop_oneof![cbor_bytes(), claims_shaped_cbor()]) {
        run("claims", &b);
    }

    #[test]
    fn signed_claims_take_mutated_seeds(b in mutated("claims")) {
        run("claims", &b);
    }
}
