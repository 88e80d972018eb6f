use crate::i18n::{use_i18n, Key};
use crate::routes::Route;
use crate::state::use_session;
use leptos::prelude::*;
use shared::Role;

/// The screens this account's role uses, and nothing else.
pub fn menu_for(role: Option<Role>) -> Vec<(Route, Key)> {
    // The queue board is public: everyone sees it, signed in or not.
    let mut items = vec![(Route::Home, Key::NavGates), (Route::Board, Key::NavBoard)];
    match role {
        Some(Role::YardOperator) => {
            items.push((Route::OperatorHome, Key::NavMyYard));
            items.push((Route::OperatorQueue, Key::NavQueue));
        }
        Some(Role::Officer) => {
            items.push((Route::OfficerHome, Key::NavMyGate));
            items.push((Route::OfficerVerify, Key::NavVerify));
            items.push((Route::OfficerResidents, Key::OfficerResidentsNav));
        }
        Some(Role::Driver | Role::Trader) => items.push((Route::Trips, Key::NavTrips)),
        Some(Role::Resident) => items.push((Route::Resident, Key::ResidentNav)),
        Some(Role::Admin) => {
            items.push((Route::Admin, Key::NavAdmin));
            items.push((Route::AdminProvinceSync, Key::ProvinceNav));
        }
        None => {}
    }
    items.push(match role {
        Some(_) => (Route::Account, Key::NavAccount),
        None => (Route::SignIn, Key::NavSignIn),
    });
    items
}

/// Where an account lands after signing in.
pub fn home_for(role: Role) -> Route {
    match role {
        Role::YardOperator => Route::OperatorHome,
        Role::Officer => Route::OfficerHome,
        Role::Admin => Route::Admin,
        Role::Resident => Route::Resident,
        Role::Driver | Role::Trader => Route::Home,
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
                        .map(|(route, key)| view! { <li><a href=route.href()>{i18n.t(key)}</a></li> })
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
                <a class="button" href=Route::SignIn.href()>{move || i18n.t(Key::NavSignIn)}</a>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screens(role: Option<Role>) -> Vec<Route> {
        menu_for(role).into_iter().map(|(route, _)| route).collect()
    }

    #[test]
    fn each_role_sees_only_its_own_screens() {
        use Route::*;
        assert_eq!(screens(None), [Home, Board, SignIn]);
        for role in [Role::Driver, Role::Trader] {
            assert_eq!(screens(Some(role)), [Home, Board, Trips, Account]);
        }
        assert_eq!(
            screens(Some(Role::Resident)),
            [Home, Board, Resident, Account]
        );
        assert_eq!(
            screens(Some(Role::YardOperator)),
            [Home, Board, OperatorHome, OperatorQueue, Account]
        );
        assert_eq!(
            screens(Some(Role::Officer)),
            [
                Home,
                Board,
                OfficerHome,
                OfficerVerify,
                OfficerResidents,
                Account
            ]
        );
        assert_eq!(
            screens(Some(Role::Admin)),
            [Home, Board, Admin, AdminProvinceSync, Account]
        );
    }

    #[test]
    fn every_role_lands_on_a_screen_in_its_menu() {
        for role in Role::ALL {
            assert!(screens(Some(role)).contains(&home_for(role)), "{role}");
        }
    }
}
