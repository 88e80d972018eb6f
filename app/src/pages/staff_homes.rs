//! The home screen of gate officers: the gate they are responsible for (the yard operator's
//! home is in `operator`).

use crate::components::{GateCard, RequireRole};
use crate::directory;
use crate::i18n::{use_i18n, Key};
use crate::state::use_session;
use leptos::prelude::*;
use shared::Role;

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
