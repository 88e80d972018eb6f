//! Verifies a pass as an officer's phone does, offline, and prints the verdict as JSON
//! (`{"valid", "reason", "claims"}`, docs/pass-format.md §5). Reads on stdin a case in the test
//! vectors' shape without `expected`: `{"pass", "trust_list", "deny_list", "now", "gate"?}`.
//! The API tests use it to check the passes the edge issues (e2e/api/residents.test.mjs):
//! `cargo run -q -p borderpass-shared --example verify_pass < case.json`.

use serde::Deserialize;
use shared::pass::{verify, PassId, TrustedKey, VerifyContext};
use shared::GateId;
use std::io::Read;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    pass: String,
    trust_list: Vec<TrustedKey>,
    deny_list: Vec<PassId>,
    now: i64,
    #[serde(default)]
    gate: Option<GateId>,
}

fn main() {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("reading stdin: {e}");
        std::process::exit(2);
    }
    let case: Case = match serde_json::from_str(&input) {
        Ok(case) => case,
        Err(e) => {
            eprintln!("not a case {{pass, trust_list, deny_list, now, gate?}}: {e}");
            std::process::exit(2);
        }
    };
    let verdict = verify(
        &case.pass,
        &VerifyContext {
            trust_list: &case.trust_list,
            deny_list: &case.deny_list,
            now: case.now,
            gate: case.gate.as_ref(),
        },
    );
    match serde_json::to_string(&verdict) {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("the verdict does not serialise: {e}");
            std::process::exit(1);
        }
    }
}
