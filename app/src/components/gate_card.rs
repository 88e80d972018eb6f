use crate::i18n::{gate_kind_key, use_i18n, Key};
use leptos::prelude::*;
use shared::time::format_hhmm;
use shared::{Gate, Yard};

#[component]
pub fn GateCard(gate: Gate) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("gate-{}", gate.id);
    let labelled_by = heading_id.clone();
    let daily = u64::from(gate.daily_capacity());
    let yard_count = gate.yards.len() as u64;
    let name = gate.name.clone();
    let counterpart = gate.counterpart.clone();
    let kind = gate.kind;
    view! {
        <article class="gate-card" aria-labelledby=labelled_by data-gate=gate.id.to_string()>
            <h2 id=heading_id>{move || name.get(i18n.lang()).to_owned()}</h2>
            <p class="gate-kind">{move || i18n.t(gate_kind_key(kind))}</p>
            <p class="counterpart">
                {move || i18n.t_with(Key::HomeCounterpart, &[("name", counterpart.get(i18n.lang()))])}
            </p>
            <p class="gate-totals">
                {move || i18n.t_with(Key::HomeYardsCount, &[("count", &i18n.count(yard_count))])}
                " · "
                {move || i18n.t_with(Key::HomePerDay, &[("count", &i18n.count(daily))])}
            </p>
            <ul class="yard-list">
                {gate.yards.into_iter().map(|yard| view! { <YardRow yard/> }).collect_view()}
            </ul>
        </article>
    }
}

#[component]
fn YardRow(yard: Yard) -> impl IntoView {
    let i18n = use_i18n();
    let hours = (
        format_hhmm(yard.opens_minute),
        format_hhmm(yard.closes_minute),
    );
    let daily = u64::from(yard.daily_capacity);
    let minutes = yard.slot_minutes.to_string();
    let percent = yard.perishable_percent.to_string();
    let name = yard.name.clone();
    view! {
        <li class="yard" data-yard=yard.id.to_string()>
            <h3>{move || name.get(i18n.lang()).to_owned()}</h3>
            <p>
                {move || i18n.t_with(Key::HomePerDay, &[("count", &i18n.count(daily))])}
                " · "
                {move || i18n.t_with(Key::HomeHours, &[("opens", &hours.0), ("closes", &hours.1)])}
            </p>
            <p>
                {move || i18n.t_with(Key::HomeSlotLength, &[("minutes", &minutes)])}
                " · "
                {move || i18n.t_with(Key::HomePerishableShare, &[("percent", &percent)])}
            </p>
        </li>
    }
}
