//! The deployment settings keep the test switches, the signing key and the residents' ID key
//! where they belong.
//!
//! At run time workerd hands secrets and plain variables to the Worker the same way (strings),
//! so the code cannot tell them apart: the guard is here. The signing key is never a plain
//! `[vars]` entry of `wrangler.toml` (it would sit in the repository and the dashboard in
//! clear), and no environment turns on the test switches, which only a build with the
//! `test-hooks` feature has anyway.

fn wrangler_toml() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../wrangler.toml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn the_signing_key_and_the_test_switches_are_no_plain_variables() {
    let text = wrangler_toml();
    let settings: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .collect();
    for name in [
        borderpass_edge::passes::SIGNING_KEY_SECRET,
        borderpass_edge::residents::ID_KEY_SECRET,
        "TEST_CLOCK",
        "RATE_LIMIT_WINDOW_MS",
    ] {
        assert!(
            !settings.iter().any(|l| l.contains(name)),
            "wrangler.toml sets {name}"
        );
    }
}
