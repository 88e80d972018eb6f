use crate::i18n::{use_i18n, Key};
use leptos::prelude::*;
use shared::Lang;

/// Three buttons, each in its own language, so anyone can find theirs.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="lang-switch" aria-label=move || i18n.t(Key::CommonLanguage)>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    view! {
                        <button
                            type="button"
                            lang=lang.tag()
                            aria-pressed=move || (i18n.lang() == lang).to_string()
                            data-lang=lang.tag()
                            on:click=move |_| i18n.set_lang(lang)
                        >
                            {lang.native_name()}
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}
