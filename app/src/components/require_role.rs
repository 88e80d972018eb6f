use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use crate::state::use_session;
use leptos::prelude::*;
use shared::Role;

/// Shows its children only to the given roles. Others see why, never the screen; the edge
/// refuses their requests anyway.
#[component]
pub fn RequireRole(roles: &'static [Role], children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || {
        if session.is_loading() {
            return view! { <p class="status">{i18n.t(Key::CommonLoading)}</p> }.into_any();
        }
        match session.role() {
            Some(role) if roles.contains(&role) => children().into_any(),
            Some(_) => view! {
                <section class="page" data-testid="not-for-you">
                    <h1>{move || i18n.t(Key::AuthNotForYouTitle)}</h1>
                    <a class="button" href=Route::Home.href()>{move || i18n.t(Key::CommonBackHome)}</a>
                </section>
            }
            .into_any(),
            None => view! {
                <section class="page" data-testid="please-sign-in">
                    <h1>{move || i18n.t(Key::AuthPleaseSignIn)}</h1>
                    <a class="button" href=Route::SignIn.href()>{move || i18n.t(Key::NavSignIn)}</a>
                </section>
            }
            .into_any(),
        }
    }
}
