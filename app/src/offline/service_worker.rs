//! Registers the service worker (`public/sw.js`) and offers its updates.
//!
//! A new version installs in the background and waits. The app then shows "update available";
//! when the user agrees, the waiting worker is told to take over and the page reloads once it
//! controls it. A first install never prompts: there is nothing to replace.

use crate::state::UpdateReady;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

const SCRIPT_URL: &str = "/sw.js";
const SKIP_WAITING: &str = "SKIP_WAITING";
/// The Background Sync tag for the outbox, and the message the worker sends when it fires.
const OUTBOX_SYNC_TAG: &str = "outbox";
const DRAIN_OUTBOX: &str = "DRAIN_OUTBOX";

thread_local! {
    /// Set when the user accepts an update: only then does a change of worker reload the page
    /// (the first install also changes the controller, and must not reload).
    static UPDATE_ACCEPTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

pub fn register(update: UpdateReady) {
    let Some(container) = web_sys::window().map(|w| w.navigator().service_worker()) else {
        return;
    };
    // Background Sync fired (the network is back, maybe with the app in the background).
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
            if event.data().as_string().as_deref() == Some(DRAIN_OUTBOX) {
                leptos::task::spawn_local(async {
                    crate::sync::drain().await;
                });
            }
        });
    container.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Reload once the accepted new worker takes over, so the page runs the code it serves.
    let on_change = Closure::<dyn FnMut()>::new(move || {
        if UPDATE_ACCEPTED.with(|a| a.get()) {
            let _ = web_sys::window().map(|w| w.location().reload());
        }
    });
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();

    leptos::task::spawn_local(async move {
        match JsFuture::from(container.register(SCRIPT_URL)).await {
            Ok(registration) => watch(registration.unchecked_into(), update),
            Err(e) => leptos::logging::warn!("service worker not registered: {e:?}"),
        }
    });
}

fn watch(registration: ServiceWorkerRegistration, update: UpdateReady) {
    let has_controller = || {
        web_sys::window()
            .map(|w| w.navigator().service_worker().controller().is_some())
            .unwrap_or(false)
    };
    if registration.waiting().is_some() && has_controller() {
        update.mark_ready();
    }
    let registration_for_event = registration.clone();
    let on_update_found = Closure::<dyn FnMut()>::new(move || {
        let Some(installing) = registration_for_event.installing() else {
            return;
        };
        let worker = installing.clone();
        let on_state = Closure::<dyn FnMut()>::new(move || {
            if worker.state() == ServiceWorkerState::Installed && has_controller() {
                update.mark_ready();
            }
        });
        installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
        on_state.forget();
    });
    registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
    on_update_found.forget();
}

/// Asks the waiting worker to take over; the page reloads on `controllerchange`.
pub fn apply_update() {
    leptos::task::spawn_local(async {
        let Some(window) = web_sys::window() else {
            return;
        };
        let container = window.navigator().service_worker();
        let Ok(registration) = JsFuture::from(container.get_registration()).await else {
            return;
        };
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        if let Some(waiting) = registration.waiting() {
            UPDATE_ACCEPTED.with(|a| a.set(true));
            post_skip_waiting(&waiting);
        }
    });
}

fn post_skip_waiting(worker: &ServiceWorker) {
    let _ = worker.post_message(&JsValue::from_str(SKIP_WAITING));
}

/// Asks the browser for a Background Sync when the network returns, where it has one
/// (Chromium-based browsers): the worker then tells the app to send its outbox. Elsewhere the
/// app's own triggers (`online`, start, the periodic retry) do it.
pub fn request_background_sync() {
    leptos::task::spawn_local(async {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(ready) = window.navigator().service_worker().ready() else {
            return;
        };
        let Ok(registration) = JsFuture::from(ready).await else {
            return;
        };
        let Ok(sync) = js_sys::Reflect::get(&registration, &JsValue::from_str("sync")) else {
            return;
        };
        if sync.is_undefined() {
            return;
        }
        let register = js_sys::Reflect::get(&sync, &JsValue::from_str("register"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(register) = register {
            if let Ok(promise) = register.call1(&sync, &JsValue::from_str(OUTBOX_SYNC_TAG)) {
                let _ = JsFuture::from(js_sys::Promise::from(promise)).await;
            }
        }
    });
}
