//! BorderPass in the browser: a Leptos client-side app compiled to WebAssembly, installable
//! as a PWA and usable offline.
//!
//! - [`pages`]: one component per screen; [`components`]: pieces shared between screens.
//! - [`state`]: app-wide context values (connectivity, session, update availability).
//! - [`directory`]: the gate list for any screen, fresh or saved.
//! - [`i18n`]: the compile-time-checked translations (Vietnamese first).
//! - [`api`]: typed calls to the edge returning `Result<_, shared::Error>`.
//! - [`offline`]: the only module that touches IndexedDB, local storage and the service worker.
//! - [`sync`]: sends the outbox of queued writes and keeps the account's trips fresh.
//! - [`live`]: follows a trip's place in its yard's queue (WebSocket, polling, saved copy).
//! - [`alert`]: the beep, vibration and notification when the yard calls a driver.
//! - [`scanner`] and [`verifier`]: the camera's QR reader and the offline pass check.
//!
//! Domain rules come from the `shared` crate, the same code the edge runs.

pub mod alert;
pub mod api;
pub mod components;
pub mod directory;
pub mod i18n;
pub mod live;
pub mod offline;
pub mod pages;
pub mod scanner;
pub mod state;
pub mod sync;
pub mod verifier;

use components::{AppHeader, SessionEndedBanner, UpdateBanner};
use i18n::{use_i18n, I18n, Key};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use pages::{
    AccountPage, AdminPage, BoardPage, BookPage, DevSmsPage, ForgotPasswordPage, HomePage,
    NotFoundPage, OfficerHomePage, OperatorHomePage, OperatorQueuePage, PassPage, QueuePage,
    SignInPage, SignUpPage, TripsPage, VerifyPage,
};
use state::{Connectivity, Session, UpdateReady};

/// Mounts the app in place of the loading placeholder of `index.html`.
pub fn start() {
    console_error_panic_hook::set_once();
    if let Some(placeholder) = document().get_element_by_id("boot") {
        placeholder.remove();
    }
    leptos::mount::mount_to_body(App);
}

#[component]
pub fn App() -> impl IntoView {
    I18n::provide();
    Connectivity::provide();
    Session::provide();
    sync::SyncState::provide();
    let update = UpdateReady::provide();
    offline::service_worker::register(update);
    let i18n = use_i18n();

    view! {
        <Router>
            <a class="skip-link" href="#main">{move || i18n.t(Key::CommonSkipToContent)}</a>
            <AppHeader/>
            <UpdateBanner/>
            <SessionEndedBanner/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/signin") view=SignInPage/>
                    <Route path=path!("/signup") view=SignUpPage/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                    <Route path=path!("/dev/sms") view=DevSmsPage/>
                    <Route path=path!("/account") view=AccountPage/>
                    <Route path=path!("/board") view=BoardPage/>
                    <Route path=path!("/operator") view=OperatorHomePage/>
                    <Route path=path!("/operator/queue") view=OperatorQueuePage/>
                    <Route path=path!("/officer") view=OfficerHomePage/>
                    <Route path=path!("/officer/verify") view=VerifyPage/>
                    <Route path=path!("/trips") view=TripsPage/>
                    <Route path=path!("/trips/:id/pass") view=PassPage/>
                    <Route path=path!("/trips/:id/book") view=BookPage/>
                    <Route path=path!("/trips/:id/queue") view=QueuePage/>
                    <Route path=path!("/admin") view=AdminPage/>
                </Routes>
            </main>
        </Router>
    }
}
