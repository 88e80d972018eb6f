//! Runs every test vector in `docs/pass-vectors/` through `shared::pass::verify`.
//! Regenerate them with `cargo run -p borderpass-shared --example make_pass_vectors`.

use serde::Deserialize;
use shared::pass::{verify, PassId, TrustedKey, Verdict, VerifyContext};
use shared::GateId;
use std::path::PathBuf;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    description: String,
    pass: String,
    trust_list: Vec<TrustedKey>,
    deny_list: Vec<PassId>,
    now: i64,
    #[serde(default)]
    gate: Option<GateId>,
    expected: String,
}

#[test]
fn every_vector_verifies_as_expected() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/pass-vectors");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();

    let mut seen = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let v: Vector =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!v.description.is_empty());
        let ctx = VerifyContext {
            trust_list: &v.trust_list,
            deny_list: &v.deny_list,
            now: v.now,
            gate: v.gate.as_ref(),
        };
        let verdict = verify(&v.pass, &ctx);
        let got = match &verdict {
            Verdict::Valid(_) => "valid",
            Verdict::Invalid { reason, .. } => reason.as_str(),
        };
        assert_eq!(got, v.expected, "{}: {}", path.display(), v.description);
        assert!(
            v.pass.len() < 2000,
            "{}: keep vectors small",
            path.display()
        );
        seen.push(v.expected);
    }

    for code in [
        "valid",
        "bad_signature",
        "expired",
        "not_yet_valid",
        "unknown_key",
        "revoked",
        "wrong_gate",
        "too_long",
        "malformed",
    ] {
        assert!(
            seen.iter().any(|expected| expected == code),
            "no vector expects {code}"
        );
    }
    // The compressed form decoders must accept (its content is checked above).
    assert!(paths.iter().any(|p| p.ends_with("valid_zlib.json")));
}
