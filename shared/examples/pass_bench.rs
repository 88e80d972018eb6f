//! Times signing and verifying a typical trip pass and prints one JSON line.
//!
//! `cargo run --release -p borderpass-shared --example pass_bench`

use shared::pass::{qr, verify, Booking, PassClaims, PassId, PassKind, PassSigner, VerifyContext};
use shared::{GateId, Plate, YardId};
use std::hint::black_box;
use std::time::Instant;

const ITERATIONS: u32 = 2000;
const WARM_UP: u32 = 200;
/// 2026-03-01 08:00:00 UTC.
const T0: i64 = 1_772_352_000;

fn main() {
    let signer = PassSigner::from_seed(&[42; 32]);
    let claims = PassClaims {
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
    };
    let keys = [signer.trusted_key()];
    let gate = claims.gate.clone();
    let ctx = VerifyContext {
        trust_list: &keys,
        deny_list: &[],
        now: T0 + 7_200,
        gate: Some(&gate),
    };

    let pass = signer.sign(&claims).unwrap();
    assert!(verify(&pass, &ctx).is_valid());

    for _ in 0..WARM_UP {
        black_box(signer.sign(black_box(&claims)).unwrap());
    }
    let started = Instant::now();
    for _ in 0..ITERATIONS {
        black_box(signer.sign(black_box(&claims)).unwrap());
    }
    let sign_us = started.elapsed().as_secs_f64() * 1e6 / f64::from(ITERATIONS);

    for _ in 0..WARM_UP {
        black_box(verify(black_box(&pass), &ctx));
    }
    let started = Instant::now();
    for _ in 0..ITERATIONS {
        black_box(verify(black_box(&pass), &ctx));
    }
    let verify_us = started.elapsed().as_secs_f64() * 1e6 / f64::from(ITERATIONS);

    println!(
        r#"{{"pass_sign_us": {sign_us:.1}, "pass_verify_us": {verify_us:.1}, "pass_qr_version": {}, "pass_chars": {}}}"#,
        qr::version(&pass).unwrap_or(-1),
        pass.len()
    );
}
