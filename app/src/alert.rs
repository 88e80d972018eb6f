//! Getting a driver's attention when the yard calls them: a beep (Web Audio, no sound file to
//! download), a vibration, and a system notification where the driver allowed it.
//!
//! Browsers only let a page make sound after the user touched it, so the "Alert me when
//! called" button both asks for notifications and wakes the audio; a driver who never taps it
//! still gets the vibration, the on-screen banner, and the beep on most phones once they have
//! touched the page. Permission is never asked on load.
//!
//! The browser calls sit in a few lines of JavaScript (like the verifier bridge): the Web Audio
//! and Notification bindings would add more to the bundle than they do here.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
let ctx = null;
// Before the first tap on the page browsers refuse both sound and vibration (and log why);
// asking then only adds noise to the console.
function touched() {
  const activation = navigator.userActivation;
  return !activation || activation.hasBeenActive;
}
function audio() {
  const Ctx = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!Ctx) return null;
  if (!ctx) ctx = new Ctx();
  if (ctx.state === "suspended") ctx.resume().catch(() => {});
  return ctx;
}
export function unlock_audio() {
  try { audio(); } catch (e) {}
}
// Three short 880 Hz beeps, 0.4 s apart: loud enough to hear in a cab, over in a second.
export function beep() {
  try {
    if (!touched()) return false;
    const a = audio();
    if (!a) return false;
    const t = a.currentTime + 0.05;
    for (let i = 0; i < 3; i++) {
      const start = t + i * 0.4;
      const osc = a.createOscillator();
      const gain = a.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.5, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.28);
      osc.connect(gain);
      gain.connect(a.destination);
      osc.start(start);
      osc.stop(start + 0.3);
    }
    return true;
  } catch (e) {
    return false;
  }
}
export function vibrate() {
  try {
    return touched() && !!(navigator.vibrate && navigator.vibrate([300, 100, 300]));
  } catch (e) {
    return false;
  }
}
export function notification_permission() {
  return "Notification" in globalThis ? Notification.permission : "unsupported";
}
export function request_notification_permission() {
  if (!("Notification" in globalThis)) return Promise.resolve("unsupported");
  try {
    return Promise.resolve(Notification.requestPermission()).then(
      (p) => p,
      () => Notification.permission
    );
  } catch (e) {
    return Promise.resolve(Notification.permission);
  }
}
// Through the service worker where there is one (Android's Chrome allows no other way), else
// the page's own Notification. Says where it went: "worker", "page" or "none".
export async function notify(title, body, tag) {
  if (!("Notification" in globalThis) || Notification.permission !== "granted") return "none";
  const options = {
    body,
    tag,
    renotify: true,
    requireInteraction: true,
    icon: "/icons/icon-192.png",
    data: { url: location.href },
  };
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    if (registration) {
      await registration.showNotification(title, options);
      return "worker";
    }
  } catch (e) {}
  try {
    new Notification(title, options);
    return "page";
  } catch (e) {
    return "none";
  }
}
export function mark(name) {
  try { performance.mark(name); } catch (e) {}
}
"#)]
extern "C" {
    fn unlock_audio();
    fn beep() -> bool;
    fn vibrate() -> bool;
    fn notification_permission() -> String;
    fn request_notification_permission() -> js_sys::Promise;
    fn notify(title: &str, body: &str, tag: &str) -> js_sys::Promise;
    fn mark(name: &str);
}

/// Whether this page may show notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Not asked yet.
    Default,
    Granted,
    Denied,
    /// The browser has no notifications (some in-app browsers, older iPhones).
    Unsupported,
}

impl Permission {
    fn from_js(value: &str) -> Self {
        match value {
            "granted" => Permission::Granted,
            "denied" => Permission::Denied,
            "default" => Permission::Default,
            _ => Permission::Unsupported,
        }
    }
}

pub fn permission() -> Permission {
    Permission::from_js(&notification_permission())
}

/// Asks for notifications and wakes the audio: call it from a tap.
pub async fn enable() -> Permission {
    unlock_audio();
    match JsFuture::from(request_notification_permission()).await {
        Ok(value) => Permission::from_js(&value.as_string().unwrap_or_default()),
        Err(_) => permission(),
    }
}

/// Where a call's system notification went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notified {
    /// Shown by the service worker (it stays in the tray and survives the page).
    Worker,
    /// Shown by the page itself (no service worker yet).
    Page,
    /// Not shown: no permission, no support, or the browser refused.
    Nowhere,
}

impl Notified {
    fn from_js(value: &str) -> Self {
        match value {
            "worker" => Notified::Worker,
            "page" => Notified::Page,
            _ => Notified::Nowhere,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Notified::Worker => "worker",
            Notified::Page => "page",
            Notified::Nowhere => "none",
        }
    }
}

/// The yard called: beep, vibrate and notify at once. `tag` keeps one notification per trip
/// (a second call replaces the first, and still alerts). `shown` hears where the notification
/// went once the browser has shown it (showing it takes a moment).
pub fn called(title: &str, body: &str, tag: &str, shown: impl FnOnce(Notified) + 'static) {
    // For the benchmark and tests: when the phone alerted (call → alert within two seconds).
    mark("bp-called-alert");
    let _ = beep();
    let _ = vibrate();
    let promise = notify(title, body, tag);
    leptos::task::spawn_local(async move {
        let went = JsFuture::from(promise)
            .await
            .ok()
            .and_then(|value| value.as_string())
            .map_or(Notified::Nowhere, |value| Notified::from_js(&value));
        shown(went);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_reads_the_browsers_words() {
        assert_eq!(Permission::from_js("granted"), Permission::Granted);
        assert_eq!(Permission::from_js("denied"), Permission::Denied);
        assert_eq!(Permission::from_js("default"), Permission::Default);
        assert_eq!(Permission::from_js("unsupported"), Permission::Unsupported);
        assert_eq!(Permission::from_js(""), Permission::Unsupported);
    }

    #[test]
    fn where_a_notification_went_round_trips() {
        for went in [Notified::Worker, Notified::Page, Notified::Nowhere] {
            assert_eq!(Notified::from_js(went.as_str()), went);
        }
        assert_eq!(Notified::from_js("surprise"), Notified::Nowhere);
    }
}
