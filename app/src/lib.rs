//! BorderPass in the browser: a Leptos client-side app compiled to WebAssembly, installable
//! as a PWA and usable offline.
//!
//! - [`routes`]: every path of the app, once: the router's patterns and the typed links.
//! - [`pages`]: one component per screen (no page imports another); [`components`]: pieces
//!   shared between screens; [`labels`]: how domain values read on any screen;
//!   [`auth_flow`]: the end of every way into an account.
//! - [`state`]: app-wide context values (connectivity, session, update availability).
//! - [`directory`]: the gate list for any screen, fresh or saved.
//! - [`i18n`]: the compile-time-checked translations (Vietnamese first).
//! - [`api`]: typed calls to the edge returning `Result<_, shared::Error>`.
//! - [`offline`]: the only module that touches IndexedDB, local storage and the service worker.
//! - [`sync`]: sends the outbox of queued writes and keeps the account's trips fresh, and
//!   finds what the province said since the saved list (the in-app alert, `sync::news`).
//! - [`live`]: follows a trip's place in its yard's queue (WebSocket, polling, saved copy).
//! - [`alert`]: the beep, vibration and notification when the yard calls a driver.
//! - [`scanner`] and [`verifier`]: the camera's QR reader and the offline pass check.
//!
//! Domain rules come from the `shared` crate, the same code the edge runs.

pub mod alert;
pub mod api;
pub mod auth_flow;
pub mod components;
pub mod directory;
pub mod i18n;
pub mod labels;
pub mod live;
pub mod offline;
pub mod pages;
pub mod routes;
pub mod scanner;
pub mod state;
pub mod sync;
pub mod verifier;

use components::{AppHeader, SessionEndedBanner, TimelineAlert, UpdateBanner};
use i18n::{use_i18n, I18n, Key};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use pages::{
    AccountPage, AdminPage, BoardPage, BookPage, DevSmsPage, ForgotPasswordPage, HomePage,
    NotFoundPage, OfficerHomePage, OfficerResidentsPage, OperatorHomePage, OperatorQueuePage,
    PassPage, ProvinceSyncPage, QueuePage, ResidentPage, SignInPage, SignUpPage, TripsPage,
    VerifyPage,
};
use routes::pattern;
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
            <TimelineAlert/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=pattern::HOME view=HomePage/>
                    <Route path=pattern::SIGN_IN view=SignInPage/>
                    <Route path=pattern::SIGN_UP view=SignUpPage/>
                    <Route path=pattern::FORGOT_PASSWORD view=ForgotPasswordPage/>
                    <Route path=pattern::DEV_SMS view=DevSmsPage/>
                    <Route path=pattern::ACCOUNT view=AccountPage/>
                    <Route path=pattern::BOARD view=BoardPage/>
                    <Route path=pattern::OPERATOR_HOME view=OperatorHomePage/>
                    <Route path=pattern::OPERATOR_QUEUE view=OperatorQueuePage/>
                    <Route path=pattern::OFFICER_HOME view=OfficerHomePage/>
                    <Route path=pattern::OFFICER_VERIFY view=VerifyPage/>
                    <Route path=pattern::OFFICER_RESIDENTS view=OfficerResidentsPage/>
                    <Route path=pattern::TRIPS_HOME view=TripsPage/>
                    <Route path=pattern::TRIP_PASS view=PassPage/>
                    <Route path=pattern::TRIP_BOOK view=BookPage/>
                    <Route path=pattern::TRIP_QUEUE view=QueuePage/>
                    <Route path=pattern::ADMIN view=AdminPage/>
                    <Route path=pattern::ADMIN_PROVINCE_SYNC view=ProvinceSyncPage/>
                    <Route path=pattern::RESIDENT view=ResidentPage/>
                </Routes>
            </main>
        </Router>
    }
}
