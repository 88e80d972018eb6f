use super::{ConnectivityBadge, LangSwitch, NavMenu};
use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use leptos::prelude::*;

#[component]
pub fn AppHeader() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="app-header">
            <div class="brand">
                <a href=Route::Home.href() class="brand-name">{move || i18n.t(Key::CommonAppName)}</a>
                <span class="tagline">{move || i18n.t(Key::CommonTagline)}</span>
            </div>
            <div class="header-tools">
                <ConnectivityBadge/>
                <LangSwitch/>
            </div>
            <NavMenu/>
        </header>
    }
}
