use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page not-found">
            <h1>{move || i18n.t(Key::CommonNotFoundTitle)}</h1>
            <p>{move || i18n.t(Key::CommonNotFoundBody)}</p>
            <a class="button" href=Route::Home.href()>{move || i18n.t(Key::CommonBackHome)}</a>
        </section>
    }
}
