//! The rear camera as a QR code reader, for the officer's pass check and the yard operator's
//! check-in: a frame every [`FRAME_INTERVAL_MS`] is decoded by the verifier module
//! ([`crate::verifier`]) until a code reads, then the camera turns off (its light too).
//!
//! Tests drive it with Chromium's fake camera (a video file that films a QR code), so both
//! screens scan the same way on a phone and in a test.

use crate::verifier::{self, VerifierError};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlVideoElement, MediaStream, MediaStreamConstraints, MediaStreamTrack};

/// Time between two decoded camera frames: quick enough to feel instant, light on a cheap
/// phone's CPU (decoding a frame takes tens of milliseconds).
const FRAME_INTERVAL_MS: u32 = 150;
/// Frames are scaled down to this width before decoding: a pass's QR code held up to the
/// camera still has several pixels per module, and decoding stays fast.
const FRAME_MAX_WIDTH: u32 = 640;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CameraState {
    Off,
    Starting,
    Scanning,
    Failed,
}

/// The camera and what to do with what it reads. The screen renders `video` (shown while
/// scanning) and `canvas` (always hidden).
#[derive(Clone, Copy)]
pub struct Scanner {
    pub state: RwSignal<CameraState>,
    stream: StoredValue<Option<MediaStream>, LocalStorage>,
    pub video: NodeRef<html::Video>,
    pub canvas: NodeRef<html::Canvas>,
    /// Called with the text of the code that was read.
    on_code: Callback<String>,
    /// Called when the verifier module cannot be loaded (offline before it was ever cached).
    on_unavailable: Callback<()>,
}

impl Scanner {
    pub fn new(
        on_code: impl Fn(String) + Send + Sync + 'static,
        on_unavailable: impl Fn() + Send + Sync + 'static,
    ) -> Self {
        Scanner {
            state: RwSignal::new(CameraState::Off),
            stream: StoredValue::new_local(None),
            video: NodeRef::new(),
            canvas: NodeRef::new(),
            on_code: Callback::new(on_code),
            on_unavailable: Callback::new(move |()| on_unavailable()),
        }
    }

    /// Whether the camera is opening or reading (reactive).
    pub fn is_on(self) -> bool {
        matches!(
            self.state.get(),
            CameraState::Starting | CameraState::Scanning
        )
    }

    pub fn is_on_untracked(self) -> bool {
        matches!(
            self.state.get_untracked(),
            CameraState::Starting | CameraState::Scanning
        )
    }

    pub fn toggle(self) {
        match self.state.get_untracked() {
            CameraState::Starting | CameraState::Scanning => self.stop(),
            CameraState::Off | CameraState::Failed => self.start(),
        }
    }

    pub fn start(self) {
        self.state.set(CameraState::Starting);
        spawn_local(async move {
            let Some(video) = self.video.get_untracked() else {
                return;
            };
            let stream = match open_rear_camera().await {
                Ok(stream) => stream,
                Err(e) => {
                    leptos::logging::warn!("camera not available: {e:?}");
                    let _ = self.state.try_set(CameraState::Failed);
                    return;
                }
            };
            video.set_src_object(Some(&stream));
            let _ = self.stream.try_set_value(Some(stream));
            if self.state.try_get_untracked() != Some(CameraState::Starting) {
                // Stopped (or left the screen) while the camera was opening.
                self.stop();
                return;
            }
            if let Ok(playing) = video.play() {
                let _ = JsFuture::from(playing).await;
            }
            let _ = self.state.try_set(CameraState::Scanning);
            self.scan(&video).await;
        });
    }

    async fn scan(self, video: &HtmlVideoElement) {
        let Some(canvas) = self.canvas.get_untracked() else {
            self.stop();
            return;
        };
        while self.state.try_get_untracked() == Some(CameraState::Scanning) {
            match verifier::decode_video_frame(video, &canvas, FRAME_MAX_WIDTH).await {
                Ok(Some(text)) => {
                    self.stop();
                    self.on_code.try_run(text);
                    return;
                }
                Ok(None) => {}
                Err(VerifierError::Unavailable(e)) => {
                    leptos::logging::warn!("verifier not available: {e}");
                    self.stop();
                    self.on_unavailable.try_run(());
                    return;
                }
                Err(VerifierError::Input(e)) => leptos::logging::warn!("frame not decoded: {e}"),
            }
            gloo_timers::future::TimeoutFuture::new(FRAME_INTERVAL_MS).await;
        }
    }

    /// Turns the camera off (its light too) and stops scanning.
    pub fn stop(self) {
        if let Some(stream) = self.stream.try_update_value(Option::take).flatten() {
            for track in stream.get_tracks() {
                if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
                    track.stop();
                }
            }
        }
        if let Some(video) = self.video.get_untracked() {
            video.set_src_object(None);
        }
        let _ = self.state.try_set(CameraState::Off);
    }
}

async fn open_rear_camera() -> Result<MediaStream, JsValue> {
    let devices = window().navigator().media_devices()?;
    let video = js_sys::Object::new();
    js_sys::Reflect::set(&video, &"facingMode".into(), &"environment".into())?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(&video);
    constraints.set_audio(&JsValue::FALSE);
    let stream = JsFuture::from(devices.get_user_media_with_constraints(&constraints)?).await?;
    stream.dyn_into()
}

/// What the camera shows on a screen that scans: "scanning…", a failure, and the preview
/// while the camera is on. The canvas the frames are drawn on stays hidden.
#[component]
pub fn CameraView(scanner: Scanner) -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    use crate::i18n::Key;
    view! {
        {move || (scanner.state.get() == CameraState::Scanning).then(|| view! {
            <p class="status" data-testid="scanning">{i18n.t(Key::VerifyScanning)}</p>
        })}
        {move || (scanner.state.get() == CameraState::Failed).then(|| view! {
            <p class="form-error" data-testid="camera-error">{i18n.t(Key::VerifyCameraFailed)}</p>
        })}
        <video class="camera" data-testid="camera-preview" node_ref=scanner.video
            playsinline=true muted=true
            aria-label=move || i18n.t(Key::VerifyCameraPreview)
            hidden=move || !scanner.is_on()></video>
        <canvas node_ref=scanner.canvas hidden=true></canvas>
    }
}
