//! App-wide state shared through context, each value a small newtype.

use leptos::ev;
use leptos::prelude::*;

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
