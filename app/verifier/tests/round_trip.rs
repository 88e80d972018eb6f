//! A pass signed by `shared`, shown as a QR code, seen by a camera (rasterised here into an
//! RGBA frame with scaling, a quiet zone and a grey background), decoded and verified through
//! the module's JSON interface.

use borderpass_verifier::{decode_rgba, verify_json};
use qrcode::{Color, EcLevel, QrCode};
use serde_json::Value;
use shared::pass::{Booking, PassClaims, PassId, PassKind, PassSigner};
use shared::{GateId, Plate, YardId};

/// 2026-03-01 08:00:00 UTC.
const T0: i64 = 1_772_352_000;
const NOW: f64 = (T0 + 7200) as f64;

fn signer() -> PassSigner {
    PassSigner::from_seed(&[7; 32])
}

fn claims(gate: &str) -> PassClaims {
    PassClaims {
        id: PassId::from_bytes(&[0x3f, 0x91, 0x0c, 0x5e, 0xa2, 0x7b, 0x14, 0xd8]).unwrap(),
        kind: PassKind::Trip,
        issued_at: T0,
        valid_from: T0 + 3600,
        valid_until: T0 + 3 * 86_400,
        gate: GateId::parse(gate).unwrap(),
        plate: Some(Plate::parse("29C-123.45").unwrap()),
        trailer: Some(Plate::parse("29R-012.34").unwrap()),
        booking: Some(Booking {
            yard: YardId::parse("hn-fruit").unwrap(),
            slot_start: T0 + 7200,
            slot_minutes: 30,
        }),
        holder_digest: None,
    }
}

fn trust_json() -> String {
    serde_json::to_string(&[signer().trusted_key()]).unwrap()
}

/// A camera frame of `width` × `height` showing `text` as a level-Q QR code, `scale` pixels per
/// module, with a 4-module white quiet zone, placed at (`left`, `top`) on a grey background.
fn frame(
    text: &str,
    width: usize,
    height: usize,
    scale: usize,
    left: usize,
    top: usize,
) -> Vec<u8> {
    let code = QrCode::with_error_correction_level(text, EcLevel::Q).unwrap();
    let modules = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    assert!(
        left + side <= width && top + side <= height,
        "the code fits the frame"
    );
    let mut rgba = vec![0u8; width * height * 4];
    for y in 0..height {
        for x in 0..width {
            let shade = if (left..left + side).contains(&x) && (top..top + side).contains(&y) {
                let (mx, my) = ((x - left) / scale, (y - top) / scale);
                let inside = |m: usize| (quiet..quiet + modules).contains(&m);
                let dark = inside(mx)
                    && inside(my)
                    && colors[(my - quiet) * modules + (mx - quiet)] == Color::Dark;
                if dark {
                    20
                } else {
                    235
                }
            } else {
                128
            };
            let i = (y * width + x) * 4;
            rgba[i..i + 3].copy_from_slice(&[shade, shade, shade.saturating_add(8)]);
            rgba[i + 3] = 255;
        }
    }
    rgba
}

fn verdict(pass: &str, deny: &str, gate: Option<&str>) -> Value {
    serde_json::from_str(&verify_json(pass, &trust_json(), deny, NOW, gate).unwrap()).unwrap()
}

#[test]
fn a_scanned_pass_decodes_and_verifies() {
    let pass = signer().sign(&claims("huu-nghi")).unwrap();
    let rgba = frame(&pass, 640, 480, 5, 150, 60);
    let scanned = decode_rgba(&rgba, 640, 480).expect("the QR code decodes");
    assert_eq!(scanned, pass);

    let v = verdict(&scanned, "[]", Some("huu-nghi"));
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["reason"], Value::Null);
    let c = &v["claims"];
    assert_eq!(c["id"], "3f910c5ea27b14d8");
    assert_eq!(c["kind"], "trip");
    assert_eq!(c["gate"], "huu-nghi");
    assert_eq!(c["plate"], "29C-123.45");
    assert_eq!(c["trailer"], "29R-012.34");
    assert_eq!(c["valid_from"], T0 + 3600);
    assert_eq!(c["booking"]["yard"], "hn-fruit");
    assert_eq!(c["booking"]["slot_minutes"], 30);
}

#[test]
fn a_small_code_in_a_corner_still_decodes() {
    let pass = signer().sign(&claims("huu-nghi")).unwrap();
    let rgba = frame(&pass, 640, 480, 3, 400, 250);
    assert_eq!(decode_rgba(&rgba, 640, 480).as_deref(), Some(pass.as_str()));
}

#[test]
fn a_frame_without_a_code_decodes_nothing() {
    let grey = vec![128u8; 320 * 240 * 4];
    assert_eq!(decode_rgba(&grey, 320, 240), None);
}

#[test]
fn invalid_passes_say_why() {
    let pass = signer().sign(&claims("huu-nghi")).unwrap();
    // One Base45 character changed: the signature no longer matches, or the structure breaks.
    let i = pass.len() - 20;
    let swapped = if &pass[i..=i] == "A" { "B" } else { "A" };
    let forged = format!("{}{}{}", &pass[..i], swapped, &pass[i + 1..]);
    let reason = verdict(&forged, "[]", None)["reason"].clone();
    assert!(
        reason == "bad_signature" || reason == "malformed",
        "{reason}"
    );

    let other = PassSigner::from_seed(&[9; 32])
        .sign(&claims("huu-nghi"))
        .unwrap();
    assert_eq!(verdict(&other, "[]", None)["reason"], "unknown_key");
    assert_eq!(verdict(&other, "[]", None)["claims"], Value::Null);

    let wrong_gate = verdict(&pass, "[]", Some("tan-thanh"));
    assert_eq!(wrong_gate["valid"], false);
    assert_eq!(wrong_gate["reason"], "wrong_gate");
    assert_eq!(wrong_gate["claims"]["plate"], "29C-123.45");

    assert_eq!(
        verdict(&pass, r#"["3f910c5ea27b14d8"]"#, None)["reason"],
        "revoked"
    );
    assert_eq!(verdict("hello", "[]", None)["reason"], "malformed");
}

#[test]
fn a_pass_replaced_by_a_newer_one_reads_as_superseded() {
    let pass = signer().sign(&claims("huu-nghi")).unwrap();
    let superseded = verdict(
        &pass,
        r#"[{"pass_id":"3f910c5ea27b14d8","reason":"superseded"}]"#,
        None,
    );
    assert_eq!(superseded["valid"], false);
    assert_eq!(superseded["reason"], "superseded");
    assert_eq!(superseded["claims"]["plate"], "29C-123.45");
    for other in [
        r#"[{"pass_id":"3f910c5ea27b14d8","reason":"cancelled"}]"#,
        r#"[{"pass_id":"3f910c5ea27b14d8"}]"#,
        r#"["3f910c5ea27b14d8"]"#,
    ] {
        assert_eq!(verdict(&pass, other, None)["reason"], "revoked", "{other}");
    }
    // Another pass superseded changes nothing for this one.
    let valid = verdict(
        &pass,
        r#"[{"pass_id":"00000000000000aa","reason":"superseded"}]"#,
        None,
    );
    assert_eq!(valid["valid"], true);
}

#[test]
fn unusable_trust_material_is_an_error_not_a_verdict() {
    let pass = signer().sign(&claims("huu-nghi")).unwrap();
    let err = verify_json(&pass, "{not json", "[]", NOW, None).unwrap_err();
    assert!(err.contains("trust list"), "{err}");
    let err = verify_json(
        &pass,
        r#"[{"kid":"zz","public_key":"00"}]"#,
        "[]",
        NOW,
        None,
    )
    .unwrap_err();
    assert!(err.contains("trust list"), "{err}");
    let err = verify_json(&pass, &trust_json(), r#"{"pass_ids":[]}"#, NOW, None).unwrap_err();
    assert!(err.contains("deny-list"), "{err}");
    let err = verify_json(&pass, &trust_json(), "[]", f64::NAN, None).unwrap_err();
    assert!(err.contains("time"), "{err}");
    let err = verify_json(&pass, &trust_json(), "[]", NOW, Some("Not A Gate")).unwrap_err();
    assert!(err.contains("gate"), "{err}");
}
