//! Writes the pass test vectors to `docs/pass-vectors/*.json`, deterministically: fixed seeds,
//! fixed claims, deterministic Ed25519, so re-running gives byte-identical files.
//!
//! `cargo run -p borderpass-shared --example make_pass_vectors`

use ciborium::Value;
use ed25519_dalek::{Signer as _, SigningKey};
use serde::Serialize;
use shared::pass::MAX_TRIP_VALIDITY_SECS;
use shared::pass::{
    verify, Booking, PassClaims, PassId, PassKind, PassSigner, TrustedKey, Verdict, VerifyContext,
    PREFIX,
};
use shared::{GateId, Plate, YardId};
use std::path::PathBuf;

/// The issuer's key in every vector (never used outside tests).
const ISSUER_SEED: [u8; 32] = *b"borderpass-test-vector-issuer-01";
/// A key the verifier does not trust.
const STRANGER_SEED: [u8; 32] = *b"borderpass-test-vector-stranger1";
/// 2026-03-01 08:00:00 UTC.
const T0: i64 = 1_772_352_000;

fn trip() -> PassClaims {
    PassClaims {
        id: PassId::parse_hex("3f910c5ea27b14d8").unwrap(),
        kind: PassKind::Trip,
        issued_at: T0,
        valid_from: T0 + 3_600,
        valid_until: T0 + 3 * 86_400,
        gate: GateId::parse("huu-nghi").unwrap(),
        plate: Some(Plate::parse("29C-123.45").unwrap()),
        trailer: Some(Plate::parse("29R-012.34").unwrap()),
        booking: Some(Booking {
            yard: YardId::parse("hn-fruit").unwrap(),
            slot_start: T0 + 7_200,
            slot_minutes: 30,
        }),
        holder_digest: None,
    }
}

struct Vector {
    name: &'static str,
    description: &'static str,
    pass: String,
    trust_list: Vec<TrustedKey>,
    deny_list: Vec<PassId>,
    now: i64,
    gate: Option<&'static str>,
}

/// The file format, fields in the documented order.
#[derive(Serialize)]
struct VectorFile<'a> {
    description: &'a str,
    pass: &'a str,
    trust_list: &'a [TrustedKey],
    deny_list: &'a [PassId],
    now: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<&'a str>,
    expected: &'a str,
}

fn cose_of(pass: &str) -> Vec<u8> {
    base45::decode(&pass[PREFIX.len()..]).unwrap()
}

fn pass_of(cose: &[u8]) -> String {
    format!("{PREFIX}{}", base45::encode(cose))
}

/// The pass re-signed by `seed` after `edit` changed its CWT claims: a correctly signed pass
/// that `PassSigner::sign` would refuse to make. Built by hand (CBOR and COSE as in
/// `docs/pass-format.md` §3-4), as an independent issuer would.
fn resigned(pass: &str, seed: &[u8; 32], edit: impl FnOnce(&mut Vec<(Value, Value)>)) -> String {
    let Value::Tag(18, cose) = ciborium::de::from_reader(&cose_of(pass)[..]).unwrap() else {
        panic!("a tagged COSE_Sign1");
    };
    let Value::Array(mut parts) = *cose else {
        panic!("a COSE array");
    };
    let protected = parts[0].clone();
    let Value::Bytes(payload) = &parts[2] else {
        panic!("an embedded payload");
    };
    let Value::Map(mut claims) = ciborium::de::from_reader(&payload[..]).unwrap() else {
        panic!("a claims map");
    };
    edit(&mut claims);
    let mut payload = Vec::new();
    ciborium::ser::into_writer(&Value::Map(claims), &mut payload).unwrap();
    let sig_structure = Value::Array(vec![
        Value::Text("Signature1".into()),
        protected,
        Value::Bytes(vec![]),
        Value::Bytes(payload.clone()),
    ]);
    let mut tbs = Vec::new();
    ciborium::ser::into_writer(&sig_structure, &mut tbs).unwrap();
    let signature = SigningKey::from_bytes(seed).sign(&tbs).to_bytes();
    parts[2] = Value::Bytes(payload);
    parts[3] = Value::Bytes(signature.to_vec());
    let mut out = Vec::new();
    ciborium::ser::into_writer(&Value::Tag(18, Box::new(Value::Array(parts))), &mut out).unwrap();
    pass_of(&out)
}

/// Sets CWT claim `key` (4 `exp`, 5 `nbf`) to `value`.
fn set_claim(claims: &mut [(Value, Value)], key: i64, value: i64) {
    let entry = claims
        .iter_mut()
        .find(|(k, _)| *k == Value::Integer(key.into()))
        .unwrap();
    entry.1 = Value::Integer(value.into());
}

fn main() {
    let issuer = PassSigner::from_seed(&ISSUER_SEED);
    let stranger = PassSigner::from_seed(&STRANGER_SEED);
    let trusted = vec![issuer.trusted_key()];
    let claims = trip();
    let pass = issuer.sign(&claims).unwrap();
    let inside = T0 + 7_200;

    let cn = PassClaims {
        id: PassId::parse_hex("a1b2c3d4").unwrap(),
        plate: Some(Plate::parse("桂A·12345").unwrap()),
        trailer: Some(Plate::parse("桂B·1234挂").unwrap()),
        ..trip()
    };
    let resident = PassClaims {
        id: PassId::parse_hex("0102030405060708090a0b0c0d0e0f10").unwrap(),
        kind: PassKind::Resident,
        valid_until: T0 + 365 * 86_400,
        plate: None,
        trailer: None,
        booking: None,
        holder_digest: Some(*b"\x5a\x17\xc0\xde\x99\x01\x22\x7f"),
        ..trip()
    };

    // One byte of the plate text changed ("29C-123.45" -> "29C-123.46"): still well-formed.
    let mut tampered = cose_of(&pass);
    let at = tampered
        .windows(10)
        .position(|w| w == b"29C-123.45")
        .unwrap();
    tampered[at + 9] = b'6';

    let zlib = miniz_oxide::deflate::compress_to_vec_zlib(&cose_of(&pass), 9);
    let untagged = cose_of(&pass)[1..].to_vec();

    let v = |name, description, pass: String| Vector {
        name,
        description,
        pass,
        trust_list: trusted.clone(),
        deny_list: vec![],
        now: inside,
        gate: None,
    };
    let vectors = vec![
        v(
            "valid",
            "A trip pass with plate, trailer and booking, inside its validity window.",
            pass.clone(),
        ),
        Vector {
            gate: Some("huu-nghi"),
            ..v(
                "valid_at_gate",
                "The same pass verified at the gate it was issued for.",
                pass.clone(),
            )
        },
        Vector {
            now: claims.valid_from,
            ..v(
                "valid_at_valid_from",
                "Valid from the first second: valid_from <= now.",
                pass.clone(),
            )
        },
        Vector {
            now: claims.valid_until - 1,
            ..v(
                "valid_last_second",
                "Valid until the last second before valid_until.",
                pass.clone(),
            )
        },
        v(
            "valid_chinese_plates",
            "A trip pass for a Chinese truck and trailer (UTF-8 plates).",
            issuer.sign(&cn).unwrap(),
        ),
        v(
            "valid_resident",
            "A resident pass: 16-byte id, no plate, a holder digest.",
            issuer.sign(&resident).unwrap(),
        ),
        v(
            "valid_zlib",
            "The valid pass, its COSE bytes zlib-compressed (decoders must inflate).",
            pass_of(&zlib),
        ),
        v(
            "valid_untagged",
            "The valid pass as an untagged COSE_Sign1 (no tag 18).",
            pass_of(&untagged),
        ),
        v(
            "tampered",
            "One byte of the plate changed after signing.",
            pass_of(&tampered),
        ),
        Vector {
            now: claims.valid_until,
            ..v(
                "expired",
                "At valid_until the pass has expired: now < valid_until is required.",
                pass.clone(),
            )
        },
        Vector {
            now: claims.valid_from - 1,
            ..v(
                "not_yet_valid",
                "One second before valid_from.",
                pass.clone(),
            )
        },
        Vector {
            trust_list: vec![stranger.trusted_key()],
            ..v(
                "unknown_key",
                "Signed by a key that is not on the trust list.",
                pass.clone(),
            )
        },
        v(
            "unknown_key_stranger",
            "Signed by a stranger's key whose kid is not trusted.",
            stranger.sign(&claims).unwrap(),
        ),
        Vector {
            trust_list: vec![TrustedKey {
                kid: stranger.kid(),
                public_key: issuer.public_key(),
            }],
            ..v(
                "bad_signature_wrong_key",
                "The kid is trusted but the pass was signed by another key.",
                stranger.sign(&claims).unwrap(),
            )
        },
        Vector {
            deny_list: vec![PassId::parse_hex("00ff").unwrap(), claims.id.clone()],
            ..v("revoked", "The pass id is on the deny-list.", pass.clone())
        },
        Vector {
            gate: Some("tan-thanh"),
            ..v(
                "wrong_gate",
                "Issued for huu-nghi, scanned at tan-thanh.",
                pass.clone(),
            )
        },
        v(
            "too_long",
            "Correctly signed, but valid for one second longer than a trip pass may be (102 hours): never valid.",
            resigned(&pass, &ISSUER_SEED, |c| {
                set_claim(c, 4, claims.valid_from + MAX_TRIP_VALIDITY_SECS + 1)
            }),
        ),
        v(
            "too_long_extreme",
            "Correctly signed, valid from the smallest to the largest 64-bit second (about 584 billion years): never valid.",
            resigned(&pass, &ISSUER_SEED, |c| {
                set_claim(c, 4, i64::MAX);
                set_claim(c, 5, i64::MIN);
            }),
        ),
        v(
            "malformed_truncated",
            "The last 10 characters cut off.",
            pass[..pass.len() - 10].to_owned(),
        ),
        v(
            "malformed_not_base45",
            "Lower-case letters are not Base45.",
            pass.to_lowercase().replacen("bp1:", PREFIX, 1),
        ),
        v(
            "malformed_prefix",
            "An HCERT-style prefix instead of BP1:.",
            pass.replacen(PREFIX, "HC1:", 1),
        ),
        v("malformed_empty", "The prefix alone.", PREFIX.to_owned()),
    ];

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/pass-vectors");
    std::fs::create_dir_all(&dir).unwrap();
    for vector in &vectors {
        let expected = {
            let gate = vector.gate.map(|g| GateId::parse(g).unwrap());
            let ctx = VerifyContext {
                trust_list: &vector.trust_list,
                deny_list: &vector.deny_list,
                now: vector.now,
                gate: gate.as_ref(),
            };
            match verify(&vector.pass, &ctx) {
                Verdict::Valid(_) => "valid",
                Verdict::Invalid { reason, .. } => reason.as_str(),
            }
        };
        let doc = VectorFile {
            description: vector.description,
            pass: &vector.pass,
            trust_list: &vector.trust_list,
            deny_list: &vector.deny_list,
            now: vector.now,
            gate: vector.gate,
            expected,
        };
        let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
        std::fs::write(dir.join(format!("{}.json", vector.name)), text).unwrap();
        println!("{:<26} {expected}", vector.name);
    }
}
