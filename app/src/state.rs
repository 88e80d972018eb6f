//! App-wide state shared through context, each value a small newtype.

use crate::offline::session_store::{self, StoredSession};
use leptos::ev;
use leptos::prelude::*;
use shared::wire::v1::AccountDto;
use shared::Role;

/// Whether the app can reach the edge. Phones often claim to be online when nothing gets
/// through (weak 3G, captive portals), so besides the browser's `online`/`offline` events every
/// API call reports whether it reached the edge; while unreachable, a light probe retries.
#[derive(Debug, Clone, Copy)]
pub struct Connectivity(RwSignal<bool>);

thread_local! {
    static CURRENT: std::cell::Cell<Option<Connectivity>> = const { std::cell::Cell::new(None) };
}

/// How often to probe the edge while it is unreachable.
const PROBE_INTERVAL_MS: u32 = 10_000;

impl Connectivity {
    pub fn provide() -> Self {
        let online = RwSignal::new(window().navigator().on_line());
        let on = window_event_listener(ev::online, move |_| online.set(true));
        let off = window_event_listener(ev::offline, move |_| online.set(false));
        // The listeners live as long as the page.
        std::mem::forget((on, off));
        let connectivity = Connectivity(online);
        CURRENT.with(|c| c.set(Some(connectivity)));
        provide_context(connectivity);
        connectivity
    }

    /// Called by the API layer after every request: did it reach the edge?
    pub fn report(reached: bool) {
        let Some(connectivity) = CURRENT.with(|c| c.get()) else {
            return;
        };
        let was_online = connectivity.0.get_untracked();
        if was_online != reached {
            connectivity.0.set(reached);
        }
        if was_online && !reached {
            leptos::task::spawn_local(probe_until_reachable());
        }
    }
}

async fn probe_until_reachable() {
    loop {
        gloo_timers::future::TimeoutFuture::new(PROBE_INTERVAL_MS).await;
        let online = CURRENT.with(|c| c.get()).map(|c| c.0.get_untracked());
        if online != Some(false) {
            return;
        }
        // `health` reports its outcome through `Connectivity::report`.
        let _ = crate::api::health().await;
    }
}

impl Connectivity {
    pub fn is_online(&self) -> bool {
        self.0.get()
    }

    /// Whether the edge is thought reachable, from code that runs outside components.
    pub fn current_online() -> Option<bool> {
        CURRENT
            .with(|c| c.get())
            .and_then(|c| c.0.try_get_untracked())
    }

    /// A signal that changes when connectivity does, for effects that refresh data.
    pub fn signal(&self) -> RwSignal<bool> {
        self.0
    }
}

pub fn use_connectivity() -> Connectivity {
    expect_context::<Connectivity>()
}

/// Set when a new version of the app has been installed and waits to take over.
#[derive(Debug, Clone, Copy)]
pub struct UpdateReady(RwSignal<bool>);

impl UpdateReady {
    pub fn provide() -> Self {
        let ready = UpdateReady(RwSignal::new(false));
        provide_context(ready);
        ready
    }

    pub fn is_ready(&self) -> bool {
        self.0.get()
    }

    pub fn mark_ready(&self) {
        self.0.set(true);
    }
}

pub fn use_update_ready() -> UpdateReady {
    expect_context::<UpdateReady>()
}

/// Who is signed in on this phone. Loaded from IndexedDB at start, so people stay signed in
/// offline; the API layer reports a session the edge no longer accepts.
#[derive(Debug, Clone, Copy)]
pub struct Session(RwSignal<SessionState>);

#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    Loading,
    /// `ended` is true when the edge ended the session (expired, signed out elsewhere,
    /// disabled): the app asks to sign in again, keeping everything saved on the phone.
    SignedOut {
        ended: bool,
    },
    SignedIn(StoredSession),
}

thread_local! {
    static SESSION: std::cell::Cell<Option<Session>> = const { std::cell::Cell::new(None) };
}

impl Session {
    pub fn provide() -> Self {
        let session = Session(RwSignal::new(SessionState::Loading));
        SESSION.with(|s| s.set(Some(session)));
        provide_context(session);
        leptos::task::spawn_local(async move {
            let state = match session_store::load().await {
                Some(stored) => SessionState::SignedIn(stored),
                None => SessionState::SignedOut { ended: false },
            };
            session.0.set(state);
        });
        session
    }

    pub fn state(&self) -> SessionState {
        self.0.get()
    }

    pub fn account(&self) -> Option<AccountDto> {
        self.0.with(|s| match s {
            SessionState::SignedIn(stored) => Some(stored.account.clone()),
            _ => None,
        })
    }

    /// The account, read outside any reactive scope (no tracking).
    pub fn account_untracked(&self) -> Option<AccountDto> {
        self.0.with_untracked(|s| match s {
            SessionState::SignedIn(stored) => Some(stored.account.clone()),
            _ => None,
        })
    }

    /// The app's session, from code that runs outside components (the sync engine).
    pub fn current() -> Option<Session> {
        SESSION.with(|s| s.get())
    }

    pub fn role(&self) -> Option<Role> {
        self.0.with(|s| match s {
            SessionState::SignedIn(stored) => Some(stored.account.role),
            _ => None,
        })
    }

    pub fn is_loading(&self) -> bool {
        self.0.with(|s| *s == SessionState::Loading)
    }

    pub fn was_ended(&self) -> bool {
        self.0
            .with(|s| *s == SessionState::SignedOut { ended: true })
    }

    pub async fn signed_in(&self, stored: StoredSession) {
        session_store::save(&stored).await;
        self.0.set(SessionState::SignedIn(stored));
    }

    /// Forgets the session on this phone (and only the session).
    pub async fn signed_out(&self, ended: bool) {
        session_store::clear().await;
        self.0.set(SessionState::SignedOut { ended });
    }

    /// The bearer token for API calls, if signed in.
    pub fn current_token() -> Option<String> {
        let session = SESSION.with(|s| s.get())?;
        session.0.with_untracked(|s| match s {
            SessionState::SignedIn(stored) => Some(stored.token.clone()),
            _ => None,
        })
    }

    /// Called by the API layer when the edge refuses the session it was given.
    pub fn report_ended() {
        if let Some(session) = SESSION.with(|s| s.get()) {
            leptos::task::spawn_local(async move { session.signed_out(true).await });
        }
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
