//! The home screens of yard operators and gate officers: what they are responsible for.

use crate::api;
use crate::components::{GateCard, RequireRole};
use crate::directory;
use crate::i18n::{use_i18n, Key};
use crate::state::use_session;
use leptos::prelude::*;
use shared::time::LocalDateTime;
use shared::{Gate, Role};

#[component]
pub fn OperatorHomePage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::YardOperator]>
            <OperatorHome/>
        </RequireRole>
    }
}

#[component]
fn OperatorHome() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let yard_id = session.account().and_then(|a| a.yard_id);
    let gates = LocalResource::new(directory::load_gates);
    let status = LocalResource::new(move || {
        let yard_id = yard_id.clone();
        async move {
            let yard = shared::YardId::parse(yard_id.as_deref()?).ok()?;
            api::yard_status(&yard).await.ok()
        }
    });
    let yard_id_for_view = session.account().and_then(|a| a.yard_id);
    let yard_view = move || {
        let gates: Vec<Gate> = gates.get().unwrap_or_default();
        let wanted = yard_id_for_view.clone()?;
        gates.into_iter().find_map(|gate| {
            let yard = gate.yards.iter().find(|y| y.id.as_str() == wanted)?.clone();
            Some((gate, yard))
        })
    };
    view! {
        <section class="page staff-home" data-testid="operator-home">
            <h1>{move || i18n.t(Key::StaffOperatorTitle)}</h1>
            <p class="intro">{move || i18n.t(Key::StaffOperatorIntro)}</p>
            {move || yard_view().map(|(gate, yard)| view! {
                <div class="card">
                    <h2 data-testid="my-yard">{move || yard.name.get(i18n.lang()).to_owned()}</h2>
                    <p>{move || gate.name.get(i18n.lang()).to_owned()}</p>
                </div>
            })}
            {move || status.get().flatten().map(|s| view! {
                <p class="muted">
                    {move || i18n.t_with(Key::StaffYardObject, &[("since",
                        &LocalDateTime::from_unix_ms(s.first_seen_at_ms).date_time_string())])}
                </p>
            })}
        </section>
    }
}

#[component]
pub fn OfficerHomePage() -> impl IntoView {
    view! {
        <RequireRole roles=&[Role::Officer]>
            <OfficerHome/>
        </RequireRole>
    }
}

#[component]
fn OfficerHome() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let gate_id = session.account().and_then(|a| a.gate_id);
    let gates = LocalResource::new(directory::load_gates);
    let my_gate = move || {
        let wanted = gate_id.clone()?;
        gates
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|g| g.id.as_str() == wanted)
    };
    view! {
        <section class="page staff-home" data-testid="officer-home">
            <h1>{move || i18n.t(Key::StaffOfficerTitle)}</h1>
            <p class="intro">{move || i18n.t(Key::StaffOfficerIntro)}</p>
            {move || my_gate().map(|gate| view! { <GateCard gate/> })}
        </section>
    }
}
