use crate::i18n::{use_i18n, Key};
use crate::state::use_session;
use leptos::prelude::*;
use shared::Role;

/// The screens this account's role uses, and nothing else.
pub fn menu_for(role: Option<Role>) -> Vec<(&'static str, Key)> {
    // The queue board is public: everyone sees it, signed in or not.
    let mut items = vec![("/", Key::NavGates), ("/board", Key::NavBoard)];
    match role {
        Some(Role::YardOperator) => {
            items.push(("/operator", Key::NavMyYard));
            items.push(("/operator/queue", Key::NavQueue));
        }
        Some(Role::Officer) => {
            items.push(("/officer", Key::NavMyGate));
            items.push(("/officer/verify", Key::NavVerify));
        }
        Some(Role::Driver | Role::Trader) => items.push(("/trips", Key::NavTrips)),
        Some(Role::Admin) => items.push(("/admin", Key::NavAdmin)),
        _ => {}
    }
    items.push(match role {
        Some(_) => ("/account", Key::NavAccount),
        None => ("/signin", Key::NavSignIn),
    });
    items
}

/// Where an account lands after signing in.
pub fn home_for(role: Role) -> &'static str {
    match role {
        Role::YardOperator => "/operator",
        Role::Officer => "/officer",
        Role::Admin => "/admin",
        Role::Driver | Role::Trader | Role::Resident => "/",
    }
}

#[component]
pub fn NavMenu() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <nav class="nav-menu" aria-label=move || i18n.t(Key::NavLabel)>
            <ul>
                {move || {
                    menu_for(session.role())
                        .into_iter()
                        .map(|(href, key)| view! { <li><a href=href>{i18n.t(key)}</a></li> })
                        .collect_view()
                }}
            </ul>
        </nav>
    }
}

#[component]
pub fn SessionEndedBanner() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <Show when=move || session.was_ended()>
            <div class="session-banner" role="alert" data-testid="session-ended">
                <span>{move || i18n.t(Key::AuthSessionEnded)}</span>
                <a class="button" href="/signin">{move || i18n.t(Key::NavSignIn)}</a>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(role: Option<Role>) -> Vec<&'static str> {
        menu_for(role).into_iter().map(|(path, _)| path).collect()
    }

    #[test]
    fn each_role_sees_only_its_own_screens() {
        assert_eq!(paths(None), ["/", "/board", "/signin"]);
        for role in [Role::Driver, Role::Trader] {
            assert_eq!(paths(Some(role)), ["/", "/board", "/trips", "/account"]);
        }
        assert_eq!(paths(Some(Role::Resident)), ["/", "/board", "/account"]);
        assert_eq!(
            paths(Some(Role::YardOperator)),
            ["/", "/board", "/operator", "/operator/queue", "/account"]
        );
        assert_eq!(
            paths(Some(Role::Officer)),
            ["/", "/board", "/officer", "/officer/verify", "/account"]
        );
        assert_eq!(
            paths(Some(Role::Admin)),
            ["/", "/board", "/admin", "/account"]
        );
    }

    #[test]
    fn every_role_lands_on_a_screen_in_its_menu() {
        for role in Role::ALL {
            assert!(paths(Some(role)).contains(&home_for(role)), "{role}");
        }
    }
}
