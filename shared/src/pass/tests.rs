//! Unit and property tests of the pass: round trips, tampering, time edges, limits, QR size.

use super::*;
use crate::{GateId, Plate, YardId};
use proptest::prelude::*;

const SEED: [u8; 32] = [7; 32];
const OTHER_SEED: [u8; 32] = [9; 32];
/// 2026-03-01 08:00:00 UTC.
const T0: i64 = 1_772_352_000;

fn gate() -> GateId {
    GateId::parse("huu-nghi").unwrap()
}

fn trip(plate: &str, trailer: Option<&str>, booking: bool) -> PassClaims {
    PassClaims {
        id: PassId::from_bytes(&[0x3f, 0x91, 0x0c, 0x5e, 0xa2, 0x7b, 0x14, 0xd8]).unwrap(),
        kind: PassKind::Trip,
        issued_at: T0,
        valid_from: T0 + 3600,
        valid_until: T0 + 3 * 86_400,
        gate: gate(),
        plate: Some(Plate::parse(plate).unwrap()),
        trailer: trailer.map(|t| Plate::parse(t).unwrap()),
        booking: booking.then(|| Booking {
            yard: YardId::parse("hn-fruit").unwrap(),
            slot_start: T0 + 7200,
            slot_minutes: 30,
        }),
        holder_digest: None,
    }
}

fn typical() -> PassClaims {
    trip("29C-123.45", Some("29R-012.34"), true)
}

fn ctx<'a>(keys: &'a [TrustedKey], deny: &'a [PassId], now: i64) -> VerifyContext<'a> {
    VerifyContext {
        trust_list: keys,
        deny_list: deny,
        now,
        gate: None,
    }
}

fn signer() -> PassSigner {
    PassSigner::from_seed(&SEED)
}

/// Verifies with the test key at a time inside the validity window.
fn check(pass: &str) -> Verdict {
    let keys = [signer().trusted_key()];
    verify(pass, &ctx(&keys, &[], T0 + 7200))
}

fn cose_bytes(pass: &str) -> Vec<u8> {
    cose::from_text(pass).unwrap()
}

#[test]
fn round_trips_with_and_without_booking_and_trailer() {
    let cases = [
        trip("29C-123.45", None, false),
        trip("29C-123.45", Some("29R-012.34"), false),
        trip("29C-123.45", Some("29R-012.34"), true),
        trip("桂A·12345", None, true),
        trip("桂A·12345", Some("桂B·1234挂"), true),
        PassClaims {
            kind: PassKind::Resident,
            plate: None,
            holder_digest: Some([1, 2, 3, 4, 5, 6, 7, 8]),
            ..trip("12C-1234", None, false)
        },
    ];
    for claims in cases {
        let pass = signer().sign(&claims).unwrap();
        assert!(pass.starts_with(PREFIX), "{pass}");
        assert_eq!(check(&pass), Verdict::Valid(claims.clone()));
        let (kid, decoded) = decode_unverified(&pass).unwrap();
        assert_eq!(kid, signer().kid());
        assert_eq!(decoded, claims);
        // Signing is deterministic.
        assert_eq!(signer().sign(&claims).unwrap(), pass);
    }
}

#[test]
fn emits_tagged_cose_with_the_documented_header() {
    let s = signer();
    let bytes = cose_bytes(&s.sign(&typical()).unwrap());
    // Tag 18, array of 4, protected bstr of 13 bytes: {1: -8, 4: h'<kid>'}.
    assert_eq!(&bytes[..5], &[0xd2, 0x84, 0x4d, 0xa2, 0x01]);
    assert_eq!(&bytes[5..8], &[0x27, 0x04, 0x48]);
    assert_eq!(&bytes[8..16], s.kid().as_bytes());
    // Empty unprotected map.
    assert_eq!(bytes[16], 0xa0);
}

#[test]
fn accepts_untagged_cose() {
    let bytes = cose_bytes(&signer().sign(&typical()).unwrap());
    let untagged = cose::to_text(&bytes[1..]);
    assert!(check(&untagged).is_valid());
}

/// What a signature check would be asked: the Sig_structure and the signature.
fn signed_parts(opened: &cose::Opened) -> (&[u8], &[u8; 64]) {
    (&opened.signed_bytes, &opened.signature)
}

/// A tampered pass can only verify if it still opens AND asks the signature check the very
/// same question as the original (any other question would need a forged Ed25519 signature).
/// Checking that for every change is fast; a sample of the changes that open also goes
/// through the full (slow, in debug builds) `verify`.
fn assert_never_valid(original: &cose::Opened, tampered: Result<cose::Opened, Reason>, what: &str) {
    if let Ok(opened) = tampered {
        assert_ne!(
            signed_parts(&opened),
            signed_parts(original),
            "{what} still verifies"
        );
    }
}

#[test]
fn no_single_byte_change_of_the_cose_bytes_is_valid() {
    let bytes = cose_bytes(&signer().sign(&typical()).unwrap());
    let original = cose::open_bytes(&bytes).unwrap();
    let keys = [signer().trusted_key()];
    let context = ctx(&keys, &[], T0 + 7200);
    let mut opened = 0;
    for i in 0..bytes.len() {
        for b in 0..=255u8 {
            if b == bytes[i] {
                continue;
            }
            let mut tampered = bytes.clone();
            tampered[i] = b;
            let result = cose::open_bytes(&tampered);
            if result.is_ok() {
                opened += 1;
                if opened % 211 == 1 {
                    let verdict = verify(&cose::to_text(&tampered), &context);
                    assert!(!verdict.is_valid(), "byte {i} set to {b:#04x}");
                }
            }
            assert_never_valid(&original, result, &format!("byte {i} set to {b:#04x}"));
        }
    }
}

#[test]
fn no_single_character_change_of_the_base45_text_is_valid() {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let pass = signer().sign(&typical()).unwrap();
    let original = cose::open(&pass).unwrap();
    let keys = [signer().trusted_key()];
    let context = ctx(&keys, &[], T0 + 7200);
    let mut opened = 0;
    for i in PREFIX.len()..pass.len() {
        for &c in ALPHABET {
            if c == pass.as_bytes()[i] {
                continue;
            }
            let mut tampered = pass.clone().into_bytes();
            tampered[i] = c;
            let tampered = String::from_utf8(tampered).unwrap();
            let result = cose::open(&tampered);
            if result.is_ok() {
                opened += 1;
                if opened % 211 == 1 {
                    assert!(!verify(&tampered, &context).is_valid(), "{tampered}");
                }
            }
            assert_never_valid(&original, result, &tampered);
        }
    }
}

#[test]
fn the_final_base45_pair_has_one_spelling() {
    // A final pair above 255 decodes (mod 256) to the same byte in a lenient decoder.
    // An odd number of COSE bytes ends in a pair; the id length sets the parity.
    let pass = (1..=2)
        .map(|n| {
            let claims = PassClaims {
                id: PassId::from_bytes(&vec![0x42; n]).unwrap(),
                ..typical()
            };
            signer().sign(&claims).unwrap()
        })
        .find(|pass| (pass.len() - PREFIX.len()) % 3 == 2)
        .unwrap();
    let last = cose_bytes(&pass).last().copied().unwrap();
    let alias = u32::from(last) + 256;
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let pair = [
        ALPHABET[(alias % 45) as usize],
        ALPHABET[(alias / 45) as usize],
    ];
    let mut forged = pass[..pass.len() - 2].to_owned();
    forged.push_str(std::str::from_utf8(&pair).unwrap());
    assert!(check(&pass).is_valid());
    assert_eq!(check(&forged).reason(), Some(Reason::Malformed));
}

#[test]
fn validity_edges() {
    let claims = typical();
    let pass = signer().sign(&claims).unwrap();
    let keys = [signer().trusted_key()];
    let at = |now| verify(&pass, &ctx(&keys, &[], now));
    assert_eq!(
        at(claims.valid_from - 1).reason(),
        Some(Reason::NotYetValid)
    );
    assert!(at(claims.valid_from).is_valid());
    assert!(at(claims.valid_until - 1).is_valid());
    assert_eq!(at(claims.valid_until).reason(), Some(Reason::Expired));
    // The claims come along so the officer sees the plate.
    assert_eq!(at(claims.valid_until).claims(), Some(&claims));
}

/// Whether a pass is too long, computed in i128 from the documented maxima.
fn reference_too_long(claims: &PassClaims) -> bool {
    let max = match claims.kind {
        PassKind::Trip => 102 * 3600,
        PassKind::Resident => 366 * 86_400,
    };
    i128::from(claims.valid_until) - i128::from(claims.valid_from) > max
}

#[test]
fn a_pass_valid_for_too_long_is_never_signed_nor_valid() {
    let keys = [signer().trusted_key()];
    let longest = PassClaims {
        valid_until: T0 + 3600 + MAX_TRIP_VALIDITY_SECS,
        ..typical()
    };
    let pass = signer().sign(&longest).unwrap();
    assert!(verify(&pass, &ctx(&keys, &[], T0 + 7200)).is_valid());

    let cases = [
        PassClaims {
            valid_until: longest.valid_until + 1,
            ..typical()
        },
        // The reproduced attack: an i64::MIN window start, ~292 million years.
        PassClaims {
            valid_from: i64::MIN,
            valid_until: i64::MAX,
            ..typical()
        },
        PassClaims {
            valid_from: i64::MIN / 1000 - 6 * 3600,
            ..typical()
        },
        PassClaims {
            kind: PassKind::Resident,
            valid_until: T0 + 3600 + MAX_RESIDENT_VALIDITY_SECS + 1,
            ..typical()
        },
    ];
    for claims in cases {
        assert_eq!(signer().sign(&claims), Err(Reason::TooLong), "{claims:?}");
        // Signed anyway (a compromised or buggy issuer): the verifier still refuses it, at
        // every instant, and shows the claims (the signature checked out).
        let forged = signer().sign_unchecked(&claims);
        for now in [
            i64::MIN,
            claims.valid_from,
            T0 + 7200,
            claims.valid_until - 1,
            i64::MAX,
        ] {
            let verdict = verify(&forged, &ctx(&keys, &[], now));
            assert_eq!(verdict.reason(), Some(Reason::TooLong), "{now}");
            assert_eq!(verdict.claims(), Some(&claims));
        }
    }
    // A resident pass may be valid for a year.
    let resident = PassClaims {
        kind: PassKind::Resident,
        valid_until: T0 + 3600 + MAX_RESIDENT_VALIDITY_SECS,
        ..typical()
    };
    assert!(signer().sign(&resident).is_ok());
}

#[test]
fn unknown_key() {
    let pass = PassSigner::from_seed(&OTHER_SEED).sign(&typical()).unwrap();
    assert_eq!(
        check(&pass),
        Verdict::Invalid {
            reason: Reason::UnknownKey,
            claims: None
        }
    );
}

#[test]
fn a_trusted_kid_with_the_wrong_key_is_a_bad_signature() {
    let other = PassSigner::from_seed(&OTHER_SEED);
    let pass = other.sign(&typical()).unwrap();
    let keys = [TrustedKey {
        kid: other.kid(),
        public_key: signer().public_key(),
    }];
    assert_eq!(
        verify(&pass, &ctx(&keys, &[], T0 + 7200)),
        Verdict::Invalid {
            reason: Reason::BadSignature,
            claims: None
        }
    );
}

#[test]
fn any_of_several_trusted_keys() {
    let other = PassSigner::from_seed(&OTHER_SEED);
    let keys = [other.trusted_key(), signer().trusted_key()];
    let pass = signer().sign(&typical()).unwrap();
    assert!(verify(&pass, &ctx(&keys, &[], T0 + 7200)).is_valid());
}

#[test]
fn revoked() {
    let claims = typical();
    let pass = signer().sign(&claims).unwrap();
    let keys = [signer().trusted_key()];
    let deny = [PassId::parse_hex("00").unwrap(), claims.id.clone()];
    assert_eq!(
        verify(&pass, &ctx(&keys, &deny, T0 + 7200)),
        Verdict::Invalid {
            reason: Reason::Revoked,
            claims: Some(claims)
        }
    );
}

#[test]
fn wrong_gate() {
    let claims = typical();
    let pass = signer().sign(&claims).unwrap();
    let keys = [signer().trusted_key()];
    let other_gate = GateId::parse("tan-thanh").unwrap();
    let here = gate();
    let mut context = ctx(&keys, &[], T0 + 7200);
    context.gate = Some(&other_gate);
    assert_eq!(
        verify(&pass, &context),
        Verdict::Invalid {
            reason: Reason::WrongGate,
            claims: Some(claims.clone())
        }
    );
    context.gate = Some(&here);
    assert_eq!(verify(&pass, &context), Verdict::Valid(claims));
}

#[test]
fn a_zlib_compressed_pass_decodes_and_verifies() {
    let claims = typical();
    let bytes = cose_bytes(&signer().sign(&claims).unwrap());
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 9);
    assert_eq!(compressed[0], 0x78);
    let pass = cose::to_text(&compressed);
    assert_eq!(check(&pass), Verdict::Valid(claims));
}

#[test]
fn a_zlib_bomb_is_malformed() {
    let big = vec![0u8; 200_000];
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&big, 9);
    let pass = cose::to_text(&compressed);
    assert!(pass.len() <= MAX_PASS_CHARS, "{}", pass.len());
    assert_eq!(check(&pass).reason(), Some(Reason::Malformed));
}

#[test]
fn oversized_input_is_malformed() {
    // Refused by its length before any decoding (no timed assertion: machines are noisy).
    let huge = format!("{PREFIX}{}", "0".repeat(10_000_000));
    assert_eq!(check(&huge).reason(), Some(Reason::Malformed));
    // Just over the limit, even if otherwise well-formed.
    let mut long = signer().sign(&typical()).unwrap();
    while long.len() <= MAX_PASS_CHARS {
        long.push('0');
    }
    assert_eq!(check(&long).reason(), Some(Reason::Malformed));
}

#[test]
fn structural_junk_is_malformed() {
    let pass = signer().sign(&typical()).unwrap();
    for junk in [
        "",
        "BP1:",
        "BP1",
        "bp1:6BFOXN",
        "HC1:6BFOXN%TS3DH0YOJ58S",
        &pass[PREFIX.len()..],
        &pass[..pass.len() - 3],
        &pass[..pass.len() - 1],
        &format!("{pass}00"),
        &pass.to_lowercase(),
        &format!("BP1:{}", "00".repeat(20)),
    ] {
        assert_eq!(check(junk).reason(), Some(Reason::Malformed), "{junk:?}");
    }
}

#[test]
fn a_trailing_newline_from_a_scanner_is_forgiven() {
    let pass = signer().sign(&typical()).unwrap();
    assert!(check(&format!("{pass}\r\n")).is_valid());
    assert!(!check(&format!("{pass} ")).is_valid());
}

#[test]
fn a_typical_trip_pass_fits_qr_version_12_at_level_q() {
    for claims in [typical(), trip("桂A·12345", Some("桂B·1234挂"), true)] {
        let pass = signer().sign(&claims).unwrap();
        let version = qr::version(&pass).unwrap();
        assert!(version <= 12, "{} chars need version {version}", pass.len());
    }
}

#[test]
fn qr_svg_is_scalable_black_on_white() {
    let pass = signer().sign(&typical()).unwrap();
    let svg = qr::svg(&pass).unwrap();
    let version = qr::version(&pass).unwrap();
    let side = 17 + 4 * version + 8;
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")));
    assert!(!svg.contains("<svg width") && !svg.contains("px"));
    assert!(svg.contains("fill=\"#fff\"") && svg.contains("fill=\"#000\""));
    assert!(svg.ends_with("</svg>"));
    assert!(qr::svg("hello").is_err());
    assert!(qr::svg("BP1:lowercase").is_err());
    assert_eq!(qr::version("BP1:"), Some(1));
}

#[test]
fn verdict_json_shape() {
    let claims = typical();
    let valid = serde_json::to_value(Verdict::Valid(claims.clone())).unwrap();
    assert_eq!(valid["valid"], true);
    assert_eq!(valid["reason"], serde_json::Value::Null);
    assert_eq!(valid["claims"]["id"], "3f910c5ea27b14d8");
    assert_eq!(valid["claims"]["kind"], "trip");
    assert_eq!(valid["claims"]["plate"], "29C-123.45");
    assert_eq!(valid["claims"]["trailer"], "29R-012.34");
    assert_eq!(valid["claims"]["booking"]["yard"], "hn-fruit");
    assert_eq!(valid["claims"]["holder_digest"], serde_json::Value::Null);
    let back: Verdict = serde_json::from_value(valid).unwrap();
    assert_eq!(back, Verdict::Valid(claims.clone()));

    let invalid = Verdict::Invalid {
        reason: Reason::BadSignature,
        claims: None,
    };
    assert_eq!(
        serde_json::to_string(&invalid).unwrap(),
        r#"{"valid":false,"reason":"bad_signature","claims":null}"#
    );
    let resident = PassClaims {
        holder_digest: Some([0xab; 8]),
        ..claims
    };
    let json = serde_json::to_value(&resident).unwrap();
    assert_eq!(json["holder_digest"], "abababababababab");
    assert_eq!(
        serde_json::from_value::<PassClaims>(json).unwrap(),
        resident
    );
}

#[test]
fn reason_codes() {
    for reason in Reason::ALL {
        let json = serde_json::to_string(&reason).unwrap();
        assert_eq!(json, format!("\"{}\"", reason.as_str()));
        assert_eq!(reason.to_string(), reason.as_str());
    }
}

#[test]
fn trusted_key_json() {
    let key = signer().trusted_key();
    let json = serde_json::to_value(&key).unwrap();
    assert_eq!(json["kid"].as_str().unwrap().len(), 16);
    assert_eq!(json["public_key"].as_str().unwrap().len(), 64);
    assert_eq!(serde_json::from_value::<TrustedKey>(json).unwrap(), key);
    assert!(format!("{:?}", signer()).contains(&key.kid.to_hex()));
}

fn plate_strategy() -> impl Strategy<Value = Plate> {
    prop_oneof![
        (11u32..=99, "[A-HK-NP-Z]", 0u32..100_000).prop_map(|(p, s, n)| {
            Plate::parse(&format!("{p}{s}-{:03}.{:02}", n / 100, n % 100)).unwrap()
        }),
        ("[桂粤云京]", "[A-H]", 0u32..100_000)
            .prop_map(|(p, a, n)| Plate::parse(&format!("{p}{a}·{n:05}")).unwrap()),
    ]
}

fn slug() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{0,30}[a-z0-9]"
}

prop_compose! {
    fn claims_strategy()(
        id in proptest::collection::vec(any::<u8>(), 1..=16),
        resident in any::<bool>(),
        issued_at in any::<i64>(),
        valid_from in any::<i64>(),
        valid_until in any::<i64>(),
        gate in slug(),
        plate in proptest::option::of(plate_strategy()),
        trailer in proptest::option::of(plate_strategy()),
        booking in proptest::option::of((slug(), any::<i64>(), any::<u16>())),
        holder_digest in proptest::option::of(any::<[u8; 8]>()),
    ) -> PassClaims {
        PassClaims {
            id: PassId::from_bytes(&id).unwrap(),
            kind: if resident { PassKind::Resident } else { PassKind::Trip },
            issued_at,
            valid_from,
            valid_until,
            gate: GateId::parse(&gate).unwrap(),
            plate,
            trailer,
            booking: booking.map(|(yard, slot_start, slot_minutes)| Booking {
                yard: YardId::parse(&yard).unwrap(),
                slot_start,
                slot_minutes,
            }),
            holder_digest,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_strings_never_panic_nor_verify(s in any::<String>()) {
        prop_assert!(!check(&s).is_valid());
        let pass = format!("{PREFIX}{s}");
        prop_assert!(!check(&pass).is_valid());
        let _ = decode_unverified(&s);
        let _ = qr::version(&s);
    }

    #[test]
    fn arbitrary_base45_text_never_panics_nor_verifies(
        s in "[0-9A-Z $%*+./:-]{0,400}"
    ) {
        let pass = format!("{PREFIX}{s}");
        prop_assert!(!check(&pass).is_valid());
    }

    #[test]
    fn arbitrary_bytes_behind_the_prefix_never_panic_nor_verify(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        zlib in any::<bool>(),
        tag in any::<bool>(),
    ) {
        let mut bytes = bytes;
        if tag {
            bytes.insert(0, 0xd2);
        }
        if zlib {
            bytes = miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 6);
        }
        let pass = cose::to_text(&bytes);
        prop_assert!(!check(&pass).is_valid());
        let _ = decode_unverified(&pass);
    }
}

// Each case runs a full Ed25519 verification, ~20 ms in a debug build: fewer cases here
// (`PROPTEST_CASES=1000 cargo test --release` for a longer run).
proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn arbitrary_claims_round_trip(claims in claims_strategy(), short in any::<bool>(), length in -10i64..MAX_RESIDENT_VALIDITY_SECS + 10) {
        // Half the cases get a validity near the limits; the others keep any i64 pair.
        let mut claims = claims;
        if short {
            claims.valid_until = claims.valid_from.saturating_add(length);
        }
        let too_long = reference_too_long(&claims);
        let keys = [signer().trusted_key()];
        let pass = match signer().sign(&claims) {
            Ok(pass) => {
                prop_assert!(!too_long);
                pass
            }
            Err(reason) => {
                prop_assert!(too_long);
                prop_assert_eq!(reason, Reason::TooLong);
                signer().sign_unchecked(&claims)
            }
        };
        prop_assert!(pass.len() <= MAX_PASS_CHARS);
        let verdict = verify(&pass, &ctx(&keys, &[], T0));
        prop_assert_eq!(verdict.claims(), Some(&claims));
        let valid = !too_long && claims.valid_from <= T0 && T0 < claims.valid_until;
        prop_assert_eq!(verdict.is_valid(), valid);
        if too_long {
            prop_assert_eq!(verdict.reason(), Some(Reason::TooLong));
        }
        // Valid whenever it is, at any time: never with a validity above the maximum.
        let at_from = verify(&pass, &ctx(&keys, &[], claims.valid_from));
        prop_assert_eq!(at_from.is_valid(), !too_long && claims.valid_from < claims.valid_until);
        prop_assert_eq!(decode_unverified(&pass), Ok((signer().kid(), claims)));
    }

    #[test]
    fn mutated_passes_never_verify(
        claims in claims_strategy(),
        at in any::<prop::sample::Index>(),
        by in 1u8..=255,
    ) {
        let mut bytes = cose_bytes(&signer().sign_unchecked(&claims));
        let i = at.index(bytes.len());
        bytes[i] ^= by;
        let keys = [signer().trusted_key()];
        let context = VerifyContext { now: claims.valid_from, ..ctx(&keys, &[], 0) };
        prop_assert!(!verify(&cose::to_text(&bytes), &context).is_valid());
    }
}
