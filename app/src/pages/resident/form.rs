//! The application for a resident pass: name, home commune (only Lạng Sơn's border communes
//! can be chosen, from `shared::resident::BorderCommunes`), citizen ID, the paper border pass
//! and the home gate (preselected from the commune's nearest gate).
//!
//! Every field is checked on the phone by `ResidentApplication::parse`, the edge's own check,
//! and each error is shown next to its field. Sending needs the network: offline, the form
//! says so and keeps what was typed.

use crate::api;
use crate::i18n::{use_i18n, Key};
use crate::labels::gate_name;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::resident::communes::KNOWN_GATES;
use shared::resident::BorderCommunes;
use shared::time::LocalDateTime;
use shared::wire::v1::{ResidentApplication, ResidentApplicationDto, ResidentDto};
use shared::{Error, ErrorCode, Gate};

/// What the resident typed: kept by the home screen across redraws and reconnections.
#[derive(Debug, Clone, Copy)]
pub struct Draft {
    name: RwSignal<String>,
    commune: RwSignal<String>,
    id_number: RwSignal<String>,
    pass_number: RwSignal<String>,
    pass_expires: RwSignal<String>,
    gate: RwSignal<String>,
}

impl Draft {
    pub fn new(name: String) -> Self {
        Draft {
            name: RwSignal::new(name),
            commune: RwSignal::new(String::new()),
            id_number: RwSignal::new(String::new()),
            pass_number: RwSignal::new(String::new()),
            pass_expires: RwSignal::new(String::new()),
            gate: RwSignal::new(String::new()),
        }
    }

    /// Fills the form from a refused application, all but the citizen ID (never kept).
    pub fn refill(&self, r: &ResidentDto) {
        self.name.set(r.name.clone());
        self.commune.set(r.commune_id.clone());
        self.id_number.set(String::new());
        self.pass_number.set(r.border_pass_number.clone());
        self.pass_expires.set(r.border_pass_expires.clone());
        self.gate.set(r.home_gate.clone());
    }

    fn dto(&self) -> ResidentApplicationDto {
        ResidentApplicationDto {
            name: self.name.get_untracked(),
            commune_id: self.commune.get_untracked(),
            id_number: self.id_number.get_untracked(),
            border_pass_number: self.pass_number.get_untracked(),
            border_pass_expires: self.pass_expires.get_untracked(),
            home_gate: self.gate.get_untracked(),
        }
    }
}

/// A field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Commune,
    IdNumber,
    PassNumber,
    PassExpires,
    Gate,
}

impl Field {
    const ALL: [Field; 6] = [
        Field::Name,
        Field::Commune,
        Field::IdNumber,
        Field::PassNumber,
        Field::PassExpires,
        Field::Gate,
    ];

    fn id(self) -> &'static str {
        match self {
            Field::Name => "res-name",
            Field::Commune => "res-commune",
            Field::IdNumber => "res-id",
            Field::PassNumber => "res-pass-number",
            Field::PassExpires => "res-pass-expires",
            Field::Gate => "res-gate",
        }
    }

    fn value_of(self, dto: &ResidentApplicationDto) -> &str {
        match self {
            Field::Name => &dto.name,
            Field::Commune => &dto.commune_id,
            Field::IdNumber => &dto.id_number,
            Field::PassNumber => &dto.border_pass_number,
            Field::PassExpires => &dto.border_pass_expires,
            Field::Gate => &dto.home_gate,
        }
    }

    fn set_in(self, dto: &mut ResidentApplicationDto, value: &str) {
        let slot = match self {
            Field::Name => &mut dto.name,
            Field::Commune => &mut dto.commune_id,
            Field::IdNumber => &mut dto.id_number,
            Field::PassNumber => &mut dto.border_pass_number,
            Field::PassExpires => &mut dto.border_pass_expires,
            Field::Gate => &mut dto.home_gate,
        };
        value.clone_into(slot);
    }

    /// The field an error the edge answered belongs to, if it names one.
    fn of_code(code: ErrorCode) -> Option<Field> {
        match code {
            ErrorCode::InvalidName => Some(Field::Name),
            ErrorCode::NotBorderCommune => Some(Field::Commune),
            ErrorCode::ResidentIdMalformed => Some(Field::IdNumber),
            _ => None,
        }
    }
}

/// An application that `ResidentApplication::parse` accepts at `now_ms`: each field is
/// checked alone by putting it into this one.
fn sound_application(now_ms: i64) -> ResidentApplicationDto {
    ResidentApplicationDto {
        name: "A".into(),
        commune_id: BorderCommunes::current()
            .all()
            .first()
            .map(|c| c.id.clone())
            .unwrap_or_default(),
        id_number: "000000000000".into(),
        border_pass_number: "A1".into(),
        border_pass_expires: LocalDateTime::from_unix_ms(now_ms).iso_date(),
        home_gate: KNOWN_GATES[0].into(),
    }
}

/// Every field's error by the edge's own check at `now_ms` (each field checked on its own,
/// so all the errors show at once, each by its field).
fn field_errors(dto: &ResidentApplicationDto, now_ms: i64) -> Vec<(Field, Error)> {
    let sound = sound_application(now_ms);
    let mut errors: Vec<(Field, Error)> = Field::ALL
        .into_iter()
        .filter_map(|field| {
            let mut one = sound.clone();
            field.set_in(&mut one, field.value_of(dto));
            ResidentApplication::parse(&one, now_ms)
                .err()
                .map(|e| (field, e))
        })
        .collect();
    // Whatever the fields alone let through, the whole must pass too.
    if errors.is_empty() {
        if let Err(e) = ResidentApplication::parse(dto, now_ms) {
            errors.push((Field::Name, e));
        }
    }
    errors
}

/// How the last press of "Send" went.
#[derive(Debug, Clone, PartialEq)]
enum Sent {
    Idle,
    Sending,
    FixFields,
    OnlineOnly,
    Failed(Error),
}

#[component]
pub fn ApplicationForm(
    draft: Draft,
    gates: Signal<Vec<Gate>>,
    on_applied: Callback<ResidentDto>,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = RwSignal::new(Vec::<(Field, Error)>::new());
    let sent = RwSignal::new(Sent::Idle);

    let error_of = move |field: Field| {
        errors.with(|list| {
            list.iter()
                .find(|(f, _)| *f == field)
                .map(|(_, e)| e.clone())
        })
    };
    // An empty choice reads "choose one", not the check's message for a wrong value.
    let error_text = move |field: Field, e: &Error| {
        let empty = match field {
            Field::Commune => draft.commune.with(String::is_empty),
            Field::Gate => draft.gate.with(String::is_empty),
            _ => false,
        };
        match field {
            Field::Commune if empty => i18n.t(Key::ResidentCommuneRequired).to_owned(),
            Field::Gate if empty => i18n.t(Key::ResidentGateRequired).to_owned(),
            _ => i18n.error_text(e),
        }
    };
    let error_view = move |field: Field| {
        move || {
            error_of(field).map(|e| {
                view! {
                    <p class="field-error" id=format!("{}-error", field.id())
                        data-testid=format!("{}-error", field.id()) data-code=e.code().as_str()>
                        {error_text(field, &e)}
                    </p>
                }
            })
        }
    };
    let invalid = move |field: Field| move || error_of(field).is_some().then_some("true");
    let described = move |field: Field, hint: bool| {
        move || {
            let mut ids = Vec::new();
            if hint {
                ids.push(format!("{}-hint", field.id()));
            }
            if error_of(field).is_some() {
                ids.push(format!("{}-error", field.id()));
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if sent.get_untracked() == Sent::Sending {
            return;
        }
        let now = js_sys::Date::now() as i64;
        let dto = draft.dto();
        let found = field_errors(&dto, now);
        let ok = found.is_empty();
        errors.set(found);
        if !ok {
            sent.set(Sent::FixFields);
            return;
        }
        if crate::state::Connectivity::current_online() == Some(false) {
            sent.set(Sent::OnlineOnly);
            return;
        }
        sent.set(Sent::Sending);
        leptos::task::spawn_local(async move {
            match api::apply_resident(&dto).await {
                Ok(resident) => {
                    sent.set(Sent::Idle);
                    draft.id_number.set(String::new());
                    on_applied.run(resident);
                }
                Err(e) if e.code() == ErrorCode::Network => sent.set(Sent::OnlineOnly),
                Err(e) => {
                    if let Some(field) = Field::of_code(e.code()) {
                        errors.set(vec![(field, e.clone())]);
                    }
                    sent.set(Sent::Failed(e));
                }
            }
        });
    };

    let choose_commune = move |id: String| {
        if let Ok(commune) = BorderCommunes::current().get(&id) {
            draft.gate.set(commune.nearest_gate.to_string());
        }
        draft.commune.set(id);
    };
    let gate_options = move || {
        let listed = gates.get();
        let ids: Vec<String> = if listed.is_empty() {
            KNOWN_GATES.iter().map(|g| (*g).to_owned()).collect()
        } else {
            listed.iter().map(|g| g.id.to_string()).collect()
        };
        ids.into_iter()
            .map(|id| {
                let name = gate_name(&listed, &id, i18n.lang());
                let value = id.clone();
                view! { <option value=value prop:selected=move || draft.gate.with(|g| *g == id)>{name}</option> }
            })
            .collect_view()
    };

    view! {
        <form class="resident-form" data-testid="resident-form" novalidate on:submit=submit>
            <h2>{move || i18n.t(Key::ResidentApplyTitle)}</h2>
            <p class="intro">{move || i18n.t(Key::ResidentApplyIntro)}</p>
            <div class="field">
                <label for=Field::Name.id()>{move || i18n.t(Key::ResidentName)}</label>
                <input id=Field::Name.id() name="name" type="text" autocomplete="name" required
                    aria-invalid=invalid(Field::Name) aria-describedby=described(Field::Name, false)
                    prop:value=move || draft.name.get()
                    on:input=move |ev| draft.name.set(event_target_value(&ev))/>
                {error_view(Field::Name)}
            </div>
            <div class="field">
                <label for=Field::Commune.id()>{move || i18n.t(Key::ResidentCommune)}</label>
                <select id=Field::Commune.id() name="commune" required
                    aria-invalid=invalid(Field::Commune) aria-describedby=described(Field::Commune, true)
                    on:change=move |ev| choose_commune(event_target_value(&ev))>
                    <option value="" prop:selected=move || draft.commune.with(String::is_empty)>
                        {move || i18n.t(Key::ResidentCommuneChoose)}
                    </option>
                    {move || BorderCommunes::current().all().iter().map(|c| {
                        let id = c.id.clone();
                        let label = i18n.t_with(Key::ResidentCommuneOption, &[("name", &c.name), ("district", &c.district)]);
                        view! { <option value=c.id.clone() prop:selected=move || draft.commune.with(|v| *v == id)>{label}</option> }
                    }).collect_view()}
                </select>
                <p class="hint" id=format!("{}-hint", Field::Commune.id())>{move || i18n.t(Key::ResidentCommuneHint)}</p>
                {error_view(Field::Commune)}
            </div>
            <div class="field">
                <label for=Field::IdNumber.id()>{move || i18n.t(Key::ResidentIdNumber)}</label>
                <input id=Field::IdNumber.id() name="id-number" type="text" inputmode="numeric"
                    autocomplete="off" maxlength="20" required
                    aria-invalid=invalid(Field::IdNumber) aria-describedby=described(Field::IdNumber, true)
                    prop:value=move || draft.id_number.get()
                    on:input=move |ev| draft.id_number.set(event_target_value(&ev))/>
                <p class="hint" id=format!("{}-hint", Field::IdNumber.id())>{move || i18n.t(Key::ResidentIdHint)}</p>
                {error_view(Field::IdNumber)}
            </div>
            <div class="field">
                <label for=Field::PassNumber.id()>{move || i18n.t(Key::ResidentBorderPassNumber)}</label>
                <input id=Field::PassNumber.id() name="border-pass-number" type="text"
                    autocomplete="off" autocapitalize="characters" required
                    aria-invalid=invalid(Field::PassNumber) aria-describedby=described(Field::PassNumber, true)
                    prop:value=move || draft.pass_number.get()
                    on:input=move |ev| draft.pass_number.set(event_target_value(&ev))/>
                <p class="hint" id=format!("{}-hint", Field::PassNumber.id())>{move || i18n.t(Key::ResidentBorderPassNumberHint)}</p>
                {error_view(Field::PassNumber)}
            </div>
            <div class="field">
                <label for=Field::PassExpires.id()>{move || i18n.t(Key::ResidentBorderPassExpires)}</label>
                <input id=Field::PassExpires.id() name="border-pass-expires" type="date" required
                    aria-invalid=invalid(Field::PassExpires) aria-describedby=described(Field::PassExpires, true)
                    prop:value=move || draft.pass_expires.get()
                    on:input=move |ev| draft.pass_expires.set(event_target_value(&ev))
                    on:change=move |ev| draft.pass_expires.set(event_target_value(&ev))/>
                <p class="hint" id=format!("{}-hint", Field::PassExpires.id())>{move || i18n.t(Key::ResidentBorderPassExpiresHint)}</p>
                {error_view(Field::PassExpires)}
            </div>
            <div class="field">
                <label for=Field::Gate.id()>{move || i18n.t(Key::ResidentHomeGate)}</label>
                <select id=Field::Gate.id() name="home-gate" required
                    aria-invalid=invalid(Field::Gate) aria-describedby=described(Field::Gate, true)
                    on:change=move |ev| draft.gate.set(event_target_value(&ev))>
                    <option value="" prop:selected=move || draft.gate.with(String::is_empty)>
                        {move || i18n.t(Key::ResidentGateChoose)}
                    </option>
                    {gate_options}
                </select>
                <p class="hint" id=format!("{}-hint", Field::Gate.id())>{move || i18n.t(Key::ResidentHomeGateHint)}</p>
                {error_view(Field::Gate)}
            </div>
            {move || match sent.get() {
                Sent::Idle => ().into_any(),
                Sent::Sending => view! {
                    <p class="form-status" role="status">{i18n.t(Key::ResidentSending)}</p>
                }.into_any(),
                Sent::FixFields => view! {
                    <p class="form-error" role="alert" data-testid="form-error" data-code="fix_fields">{i18n.t(Key::ResidentFixFields)}</p>
                }.into_any(),
                Sent::OnlineOnly => view! {
                    <p class="notice" role="alert" data-testid="online-only">{i18n.t(Key::ResidentOnlineOnly)}</p>
                }.into_any(),
                Sent::Failed(e) => view! {
                    <p class="form-error" role="alert" data-testid="form-error" data-code=e.code().as_str()>{i18n.error_text(&e)}</p>
                }.into_any(),
            }}
            <button type="submit" class="resident-submit" data-testid="resident-submit"
                disabled=move || sent.get() == Sent::Sending>
                {move || i18n.t(Key::ResidentSubmit)}
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-02 10:00 in Vietnam.
    const NOW: i64 = 1_796_180_400_000;

    fn good() -> ResidentApplicationDto {
        ResidentApplicationDto {
            name: "Hoàng Thị Lan".into(),
            commune_id: "vl-tan-thanh".into(),
            id_number: "001 203 004 567".into(),
            border_pass_number: "gt123456".into(),
            border_pass_expires: "2027-06-30".into(),
            home_gate: "tan-thanh".into(),
        }
    }

    #[test]
    fn a_sound_application_has_no_errors_and_the_sample_is_sound() {
        assert!(ResidentApplication::parse(&sound_application(NOW), NOW).is_ok());
        assert!(field_errors(&good(), NOW).is_empty());
    }

    #[test]
    fn each_wrong_field_gets_its_own_error_all_at_once() {
        let mut dto = good();
        dto.name = " ".into();
        dto.commune_id = "ha-noi".into();
        dto.id_number = "12345".into();
        dto.border_pass_number = "GT-1".into();
        dto.border_pass_expires = "2026-12-01".into();
        dto.home_gate = String::new();
        let found: Vec<(Field, ErrorCode)> = field_errors(&dto, NOW)
            .into_iter()
            .map(|(f, e)| (f, e.code()))
            .collect();
        assert_eq!(
            found,
            [
                (Field::Name, ErrorCode::InvalidName),
                (Field::Commune, ErrorCode::NotBorderCommune),
                (Field::IdNumber, ErrorCode::ResidentIdMalformed),
                (Field::PassNumber, ErrorCode::InvalidBorderPass),
                (Field::PassExpires, ErrorCode::InvalidBorderPass),
                (Field::Gate, ErrorCode::InvalidId),
            ]
        );
    }

    #[test]
    fn the_expiry_is_today_at_the_earliest_and_a_year_at_the_latest() {
        let mut dto = good();
        dto.border_pass_expires = "2026-12-02".into();
        assert!(field_errors(&dto, NOW).is_empty(), "valid today");
        dto.border_pass_expires = "2028-01-01".into();
        let found = field_errors(&dto, NOW);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Field::PassExpires);
    }
}
