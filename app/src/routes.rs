//! Every path of the app, written once.
//!
//! [`pattern`] holds the router's patterns (`lib.rs` builds the router from them) and
//! [`Route`] names each screen for links, redirects and `navigate`: its [`Route::href`] is
//! generated from the same pattern, so a link cannot point at a path the router does not know.
//! No other module writes a path; the service worker's list of the shell's files
//! (`public/sw.js`) is not a route.

use leptos_router::{PathSegment, PossibleRouteMatch};

/// The name of the trip id in the trip screens' paths (`/trips/:id/…`), for `use_params_map`.
pub const TRIP_ID: &str = "id";

/// The router's patterns, one per screen.
pub mod pattern {
    use super::TRIP_ID;
    use leptos_router::{ParamSegment, StaticSegment};

    type Fixed = StaticSegment<&'static str>;
    /// `/trips/:id/<what>`: one trip's screens.
    type OfTrip = (Fixed, ParamSegment, Fixed);

    const TRIPS: Fixed = StaticSegment("trips");
    const OPERATOR: Fixed = StaticSegment("operator");
    const OFFICER: Fixed = StaticSegment("officer");
    const ADMIN_SEGMENT: Fixed = StaticSegment("admin");

    pub const HOME: () = ();
    pub const SIGN_IN: (Fixed,) = (StaticSegment("signin"),);
    pub const SIGN_UP: (Fixed,) = (StaticSegment("signup"),);
    pub const FORGOT_PASSWORD: (Fixed,) = (StaticSegment("forgot-password"),);
    pub const DEV_SMS: (Fixed, Fixed) = (StaticSegment("dev"), StaticSegment("sms"));
    pub const ACCOUNT: (Fixed,) = (StaticSegment("account"),);
    pub const BOARD: (Fixed,) = (StaticSegment("board"),);
    pub const OPERATOR_HOME: (Fixed,) = (OPERATOR,);
    pub const OPERATOR_QUEUE: (Fixed, Fixed) = (OPERATOR, StaticSegment("queue"));
    pub const OFFICER_HOME: (Fixed,) = (OFFICER,);
    pub const OFFICER_VERIFY: (Fixed, Fixed) = (OFFICER, StaticSegment("verify"));
    pub const OFFICER_RESIDENTS: (Fixed, Fixed) = (OFFICER, StaticSegment("residents"));
    pub const TRIPS_HOME: (Fixed,) = (TRIPS,);
    pub const TRIP_PASS: OfTrip = (TRIPS, ParamSegment(TRIP_ID), StaticSegment("pass"));
    pub const TRIP_BOOK: OfTrip = (TRIPS, ParamSegment(TRIP_ID), StaticSegment("book"));
    pub const TRIP_QUEUE: OfTrip = (TRIPS, ParamSegment(TRIP_ID), StaticSegment("queue"));
    pub const ADMIN: (Fixed,) = (ADMIN_SEGMENT,);
    pub const RESIDENT: (Fixed,) = (StaticSegment("resident"),);
    pub const ADMIN_PROVINCE_SYNC: (Fixed, Fixed) = (ADMIN_SEGMENT, StaticSegment("province-sync"));
}

/// A screen of the app, with the trip it shows where it shows one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    SignIn,
    SignUp,
    ForgotPassword,
    /// The local SMS inbox of the demo.
    DevSms,
    Account,
    /// The public queue board.
    Board,
    OperatorHome,
    OperatorQueue,
    OfficerHome,
    OfficerVerify,
    /// The officer's border residents: applications to decide, passes to suspend or revoke.
    OfficerResidents,
    Trips,
    /// A trip's pass, full screen.
    TripPass(String),
    /// Booking (or moving) a yard slot for a trip.
    TripBook(String),
    /// A trip's place in its yard's queue.
    TripQueue(String),
    Admin,
    /// The admin's view of the sync to the province's platform.
    AdminProvinceSync,
    /// A border resident's home: the application, its status, the resident pass and figures.
    Resident,
}

impl Route {
    /// The router's pattern for this screen.
    pub fn pattern(&self) -> &'static dyn PossibleRouteMatch {
        match self {
            Route::Home => &pattern::HOME,
            Route::SignIn => &pattern::SIGN_IN,
            Route::SignUp => &pattern::SIGN_UP,
            Route::ForgotPassword => &pattern::FORGOT_PASSWORD,
            Route::DevSms => &pattern::DEV_SMS,
            Route::Account => &pattern::ACCOUNT,
            Route::Board => &pattern::BOARD,
            Route::OperatorHome => &pattern::OPERATOR_HOME,
            Route::OperatorQueue => &pattern::OPERATOR_QUEUE,
            Route::OfficerHome => &pattern::OFFICER_HOME,
            Route::OfficerVerify => &pattern::OFFICER_VERIFY,
            Route::OfficerResidents => &pattern::OFFICER_RESIDENTS,
            Route::Trips => &pattern::TRIPS_HOME,
            Route::TripPass(_) => &pattern::TRIP_PASS,
            Route::TripBook(_) => &pattern::TRIP_BOOK,
            Route::TripQueue(_) => &pattern::TRIP_QUEUE,
            Route::Admin => &pattern::ADMIN,
            Route::AdminProvinceSync => &pattern::ADMIN_PROVINCE_SYNC,
            Route::Resident => &pattern::RESIDENT,
        }
    }

    /// The trip this screen shows, if it shows one.
    fn trip(&self) -> Option<&str> {
        match self {
            Route::TripPass(trip) | Route::TripBook(trip) | Route::TripQueue(trip) => Some(trip),
            _ => None,
        }
    }

    /// The path to link to: the pattern's segments, with the trip in place of its parameter.
    pub fn href(&self) -> String {
        let mut segments = Vec::new();
        self.pattern().generate_path(&mut segments);
        let mut href = String::new();
        for segment in segments {
            href.push('/');
            match segment {
                PathSegment::Static(name) => href.push_str(&name),
                PathSegment::Param(_) => href.push_str(self.trip().unwrap_or_default()),
                // No pattern above has optional, wildcard or empty segments.
                PathSegment::Unit | PathSegment::OptionalParam(_) | PathSegment::Splat(_) => {}
            }
        }
        if href.is_empty() {
            href.push('/');
        }
        href
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_route() -> Vec<Route> {
        let trip = || "t-0123abcd".to_owned();
        vec![
            Route::Home,
            Route::SignIn,
            Route::SignUp,
            Route::ForgotPassword,
            Route::DevSms,
            Route::Account,
            Route::Board,
            Route::OperatorHome,
            Route::OperatorQueue,
            Route::OfficerHome,
            Route::OfficerVerify,
            Route::OfficerResidents,
            Route::Trips,
            Route::TripPass(trip()),
            Route::TripBook(trip()),
            Route::TripQueue(trip()),
            Route::Admin,
            Route::AdminProvinceSync,
            Route::Resident,
        ]
    }

    #[test]
    fn the_paths_are_the_ones_links_have_always_used() {
        let hrefs: Vec<String> = every_route().iter().map(Route::href).collect();
        assert_eq!(
            hrefs,
            [
                "/",
                "/signin",
                "/signup",
                "/forgot-password",
                "/dev/sms",
                "/account",
                "/board",
                "/operator",
                "/operator/queue",
                "/officer",
                "/officer/verify",
                "/officer/residents",
                "/trips",
                "/trips/t-0123abcd/pass",
                "/trips/t-0123abcd/book",
                "/trips/t-0123abcd/queue",
                "/admin",
                "/admin/province-sync",
                "/resident",
            ]
        );
    }

    /// The router's rule: a route is chosen when its pattern leaves nothing (or a `/`) over.
    fn params_if_whole(
        pattern: &dyn PossibleRouteMatch,
        href: &str,
    ) -> Option<Vec<(String, String)>> {
        let matched = pattern.test(href)?;
        matches!(matched.remaining(), "" | "/").then(|| {
            matched
                .params()
                .into_iter()
                .map(|(name, value)| (name.into_owned(), value))
                .collect()
        })
    }

    #[test]
    fn each_link_opens_its_own_screen_with_its_trip_and_no_other_screen() {
        let routes = every_route();
        for route in &routes {
            let href = route.href();
            let params = params_if_whole(route.pattern(), &href)
                .unwrap_or_else(|| panic!("{href} is not {route:?}"));
            let trip: Vec<(String, String)> = route
                .trip()
                .map(|trip| (TRIP_ID.to_owned(), trip.to_owned()))
                .into_iter()
                .collect();
            assert_eq!(params, trip, "{href}");
            for other in routes.iter().filter(|other| *other != route) {
                assert!(
                    params_if_whole(other.pattern(), &href).is_none(),
                    "{href} is also {other:?}"
                );
            }
        }
    }
}
