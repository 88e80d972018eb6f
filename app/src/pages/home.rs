//! The home screen: Lang Son's gates and their yards, from the network or the saved copy.

use crate::api;
use crate::components::{ErrorPanel, GateCard};
use crate::i18n::{use_i18n, Key};
use crate::offline::snapshots::{self, GatesSnapshot};
use crate::state::use_connectivity;
use leptos::prelude::*;
use shared::time::LocalDateTime;
use shared::{Error, Gate};

/// What the gate list shows.
#[derive(Debug, Clone)]
enum GateList {
    Loading,
    Shown {
        gates: Vec<Gate>,
        fetched_at_ms: i64,
        /// True when this is the copy saved on the phone, not a fresh answer.
        saved_copy: bool,
    },
    Failed(Error),
}

impl GateList {
    fn from_snapshot(snapshot: GatesSnapshot, saved_copy: bool) -> Result<Self, Error> {
        let gates = snapshot
            .gates
            .into_iter()
            .map(Gate::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(GateList::Shown {
            gates,
            fetched_at_ms: snapshot.fetched_at_ms,
            saved_copy,
        })
    }

    fn is_shown(&self) -> bool {
        matches!(self, GateList::Shown { .. })
    }
}

/// Shows the saved copy at once, then asks the edge; a fresh answer replaces the copy on screen
/// and on the phone. Without network, the saved copy stays, marked as such.
async fn refresh(list: RwSignal<GateList>) {
    if !list.with_untracked(GateList::is_shown) {
        if let Some(saved) = snapshots::load_gates().await {
            if let Ok(shown) = GateList::from_snapshot(saved, true) {
                list.set(shown);
            }
        }
    }
    let fetched = api::gates().await.and_then(|response| {
        let snapshot = GatesSnapshot {
            fetched_at_ms: js_sys::Date::now() as i64,
            gates: response.gates,
        };
        GateList::from_snapshot(snapshot.clone(), false).map(|shown| (snapshot, shown))
    });
    match fetched {
        Ok((snapshot, shown)) => {
            list.set(shown);
            snapshots::save_gates(&snapshot).await;
        }
        Err(e) => {
            leptos::logging::warn!("gate list not refreshed: {e}");
            if !list.with_untracked(GateList::is_shown) {
                list.set(GateList::Failed(e));
            }
        }
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let connectivity = use_connectivity();
    let list = RwSignal::new(GateList::Loading);

    // Load now, and again whenever the phone comes back online.
    Effect::new(move |_| {
        if connectivity.signal().get() || list.with_untracked(|l| matches!(l, GateList::Loading)) {
            leptos::task::spawn_local(refresh(list));
        }
    });
    let retry = move || {
        list.set(GateList::Loading);
        leptos::task::spawn_local(refresh(list));
    };

    let body = move || match list.get() {
        GateList::Loading => view! {
            <p class="status" role="status">{i18n.t(Key::CommonLoading)}</p>
        }
        .into_any(),
        GateList::Failed(error) => view! { <ErrorPanel error on_retry=retry/> }.into_any(),
        GateList::Shown {
            gates,
            fetched_at_ms,
            saved_copy,
        } => {
            let as_of = i18n.t_with(
                Key::HomeAsOf,
                &[(
                    "time",
                    &LocalDateTime::from_unix_ms(fetched_at_ms).date_time_string(),
                )],
            );
            let empty = gates.is_empty();
            view! {
                <p class="as-of" class:saved-copy=saved_copy data-testid="as-of">
                    <span>{as_of}</span>
                    {saved_copy.then(|| view! {
                        <span class="badge" data-testid="saved-copy">{i18n.t(Key::HomeOfflineCopy)}</span>
                    })}
                </p>
                {empty.then(|| view! { <p>{i18n.t(Key::HomeNoGates)}</p> })}
                <ul class="gate-list" data-testid="gate-list">
                    {gates.into_iter().map(|gate| view! { <li><GateCard gate/></li> }).collect_view()}
                </ul>
            }
            .into_any()
        }
    };

    view! {
        <section class="page home">
            <h1>{move || i18n.t(Key::HomeTitle)}</h1>
            <p class="intro">{move || i18n.t(Key::HomeIntro)}</p>
            {body}
        </section>
    }
}
