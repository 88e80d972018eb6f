//! The bridge to the verifier module (`app/verifier`, built into `/verifier/`).
//!
//! The module is not part of the app's wasm: drivers never download it; officers (the pass
//! check) and yard operators (the check-in) do. The first call here imports
//! `/verifier/verifier.js` (a same-origin module, allowed by the CSP) and instantiates its wasm;
//! the promise is kept, so later calls reuse the loaded module and a failed load (offline
//! before it was ever cached) is retried next time. The service worker keeps the module for
//! offline use once a phone has loaded it.
//!
//! Calls cross in strings and byte slices only; the verdict comes back as JSON and is read
//! into [`Verdict`], the app's own view of `shared::pass::Verdict`, so the app never links the
//! signature code.

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlCanvasElement, HtmlVideoElement};

#[wasm_bindgen(inline_js = r#"
let loading = null;
export function load() {
  if (!loading) {
    loading = import("/verifier/verifier.js")
      .then(async (m) => {
        await m.default({ module_or_path: "/verifier/verifier_bg.wasm" });
        return m;
      })
      .catch((e) => {
        loading = null;
        throw e;
      });
  }
  return loading;
}
export function verify(m, pass, trust, deny, now, gate) {
  return m.verify(pass, trust, deny, now, gate);
}
export function decode_qr(m, rgba, width, height) {
  return m.decode_qr(rgba, width, height);
}
// Draws the current video frame (at most maxWidth wide) and decodes it; the pixels go from
// the canvas straight into the verifier, never through the app's memory. On a hit, marks when
// that frame was taken ("bp-scan-frame") for the benchmark.
export function decode_video_frame(m, video, canvas, maxWidth) {
  const vw = video.videoWidth, vh = video.videoHeight;
  if (!vw || !vh) return undefined;
  const taken = performance.now();
  const scale = Math.min(1, maxWidth / vw);
  const w = Math.round(vw * scale), h = Math.round(vh * scale);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(video, 0, 0, w, h);
  const text = m.decode_qr(ctx.getImageData(0, 0, w, h).data, w, h);
  if (text !== undefined) performance.mark("bp-scan-frame", { startTime: taken });
  return text;
}
export function mark(name) {
  performance.mark(name);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = load)]
    fn js_load() -> js_sys::Promise;
    #[wasm_bindgen(catch, js_name = verify)]
    fn js_verify(
        module: &JsValue,
        pass: &str,
        trust: &str,
        deny: &str,
        now: f64,
        gate: Option<String>,
    ) -> Result<String, JsValue>;
    #[wasm_bindgen(js_name = decode_qr)]
    fn js_decode_qr(module: &JsValue, rgba: &[u8], width: u32, height: u32) -> Option<String>;
    #[wasm_bindgen(catch, js_name = decode_video_frame)]
    fn js_decode_video_frame(
        module: &JsValue,
        video: &HtmlVideoElement,
        canvas: &HtmlCanvasElement,
        max_width: u32,
    ) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(js_name = mark)]
    fn js_mark(name: &str);
}

/// Why a check could not run (as opposed to a pass that is invalid).
#[derive(Debug, Clone, PartialEq)]
pub enum VerifierError {
    /// The module could not be loaded: offline on a phone that never loaded it.
    Unavailable(String),
    /// The module refused its input (saved trust material it cannot read).
    Input(String),
}

/// The verdict on a pass, as the verifier reports it (`shared::pass::Verdict` in JSON).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Verdict {
    pub valid: bool,
    /// `malformed`, `bad_signature`, `unknown_key`, `expired`, `not_yet_valid`, `revoked`,
    /// `wrong_gate`, `too_long`; a code this build does not know is shown as "not valid".
    pub reason: Option<String>,
    pub claims: Option<Claims>,
}

/// What a pass says; present when it could be read (also for some invalid passes).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Claims {
    pub id: String,
    /// `trip` or `resident`.
    pub kind: String,
    pub issued_at: i64,
    pub valid_from: i64,
    pub valid_until: i64,
    pub gate: String,
    #[serde(default)]
    pub plate: Option<String>,
    #[serde(default)]
    pub trailer: Option<String>,
    #[serde(default)]
    pub booking: Option<Booking>,
    /// A resident pass's holder digest (16 hex digits): how the officer's roster finds whose
    /// it is. Trip passes have none.
    #[serde(default)]
    pub holder_digest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Booking {
    pub yard: String,
    pub slot_start: i64,
    pub slot_minutes: u16,
}

async fn module() -> Result<JsValue, VerifierError> {
    JsFuture::from(js_load())
        .await
        .map_err(|e| VerifierError::Unavailable(describe(&e)))
}

/// Loads the verifier ahead of use (and so gets it cached for offline use).
pub async fn load() -> Result<(), VerifierError> {
    module().await.map(|_| ())
}

/// Verifies `pass` against the trust list and deny-list (JSON arrays, as the verifier takes
/// them) at `now_secs` for the officer's `gate`.
pub async fn verify(
    pass: &str,
    trust_list_json: &str,
    deny_list_json: &str,
    now_secs: f64,
    gate: Option<String>,
) -> Result<Verdict, VerifierError> {
    let module = module().await?;
    let json = js_verify(
        &module,
        pass,
        trust_list_json,
        deny_list_json,
        now_secs,
        gate,
    )
    .map_err(|e| VerifierError::Input(describe(&e)))?;
    serde_json::from_str(&json).map_err(|e| VerifierError::Input(e.to_string()))
}

/// The text of the first QR code in an RGBA image of `width` × `height` pixels.
pub async fn decode_qr(
    rgba: &[u8],
    width: u32,
    height: u32,
) -> Result<Option<String>, VerifierError> {
    let module = module().await?;
    Ok(js_decode_qr(&module, rgba, width, height))
}

/// Decodes the video's current frame, drawn into `canvas` at most `max_width` pixels wide.
pub async fn decode_video_frame(
    video: &HtmlVideoElement,
    canvas: &HtmlCanvasElement,
    max_width: u32,
) -> Result<Option<String>, VerifierError> {
    let module = module().await?;
    js_decode_video_frame(&module, video, canvas, max_width)
        .map_err(|e| VerifierError::Input(describe(&e)))
}

/// A `performance.mark` for the benchmark (scan → verdict on screen).
pub fn mark(name: &str) {
    js_mark(name);
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}
