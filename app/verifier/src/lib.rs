//! The officer's pass verifier: a WebAssembly module of its own, loaded only on the officer's
//! verify screen, so drivers' phones never download signature checking or QR decoding.
//!
//! Two exports, both pure and offline:
//! - [`verify`]: a `BP1:` pass against the trust list and the deny-list saved on the phone,
//!   at a given time and gate → the verdict as JSON (`shared::pass::Verdict`).
//! - [`decode_qr`]: the text of the first QR code found in an RGBA camera frame.
//!
//! The app talks to this module in strings and byte slices only (see `app/src/verifier.rs`),
//! so the two are built separately and neither links the other's code. Verification needs no
//! randomness: nothing here pulls `getrandom`.

mod check;
mod decode;

pub use check::verify_json;
pub use decode::decode_rgba;

use wasm_bindgen::prelude::*;

/// Verifies `pass` offline. `trust_list_json` is a JSON array of `{"kid", "public_key"}`
/// (hex), `deny_list_json` a JSON array of revoked pass ids (hex), `now_secs` the phone's
/// clock in Unix seconds, `gate` the officer's gate id if bound to one. Returns the verdict as
/// JSON; a malformed trust list, deny-list or gate id throws an `Error` saying which.
#[wasm_bindgen]
pub fn verify(
    pass: &str,
    trust_list_json: &str,
    deny_list_json: &str,
    now_secs: f64,
    gate: Option<String>,
) -> Result<String, JsError> {
    verify_json(
        pass,
        trust_list_json,
        deny_list_json,
        now_secs,
        gate.as_deref(),
    )
    .map_err(|e| JsError::new(&e))
}

/// The text of the first QR code that decodes in an RGBA frame of `width` × `height` pixels
/// (e.g. a canvas's `ImageData`), or `undefined` if none does.
#[wasm_bindgen]
pub fn decode_qr(rgba: &[u8], width: u32, height: u32) -> Option<String> {
    decode_rgba(rgba, width as usize, height as usize)
}
