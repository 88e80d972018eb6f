//! The route table: every API route with its method, path pattern and declared [`Access`].
//!
//! The table *is* the router: [`resolve`] only finds routes listed here, and an entry cannot
//! be written without its access rule, so no route exists without one. The runtime matrix test
//! (`e2e/api/route-matrix.json`) must list exactly these routes; a unit test checks that.

use super::ApiError;
use crate::auth::Access;
use shared::{AccountId, Role, YardId};
use worker::Method;

/// What a route does; the handler for each is chosen by an exhaustive match in `http::serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteId {
    Health,
    Gates,
    YardStatus,
    SignUp,
    SignIn,
    RequestCode,
    ResetPassword,
    DevSmsInbox,
    SignOut,
    SignOutEverywhere,
    ChangePassword,
    Me,
    AdminListAccounts,
    AdminCreateAccount,
    AdminDisableAccount,
    AdminEnableAccount,
    AdminAuditLog,
    Sync,
    Trips,
    PassKeys,
    PassRevocations,
    YardAvailability,
    Book,
    CancelBooking,
    RescheduleBooking,
    YardBookings,
    YardConfig,
    SetYardConfig,
    MyBookings,
    QueueCheckIn,
    YardQueue,
    QueueCall,
    QueueServe,
    QueueAbsent,
    QueueMove,
    TripQueue,
    TripQueueLive,
    Board,
    VerifyVehicle,
    ProvinceStatusCallback,
    AdminProvinceSync,
    AdminRetryParkedRecord,
    ResidentApply,
    ResidentMe,
    Residents,
    ResidentDecide,
}

#[derive(Debug)]
pub struct RouteSpec {
    pub id: RouteId,
    pub method: &'static str,
    /// Segments in braces are parameters: `{yard_id}`, `{account_id}`.
    pub pattern: &'static str,
    pub access: Access,
}

const ADMIN: &[Role] = &[Role::Admin];
/// Those who register vehicles and trips: drivers, and trading households for hired trucks.
const TRIP_OWNERS: &[Role] = &[Role::Driver, Role::Trader];
/// Those whose phones keep an outbox: trip owners, yard operators (offline check-ins) and
/// officers (residents' crossings).
const OUTBOX_WRITERS: &[Role] = &[
    Role::Driver,
    Role::Trader,
    Role::YardOperator,
    Role::Officer,
];
/// Border residents, who apply for a resident pass.
const RESIDENTS: &[Role] = &[Role::Resident];
/// Border officers: at their gate, they decide on residents and record their crossings.
const OFFICERS: &[Role] = &[Role::Officer];
/// Those who check passes at gates and yards.
const PASS_CHECKERS: &[Role] = &[Role::Officer, Role::YardOperator, Role::Admin];
/// Those who see vehicles' registration papers: officers at their gate, operators at their yard.
const VEHICLE_VERIFIERS: &[Role] = &[Role::Officer, Role::YardOperator];

pub const ROUTES: &[RouteSpec] = &[
    RouteSpec {
        id: RouteId::Health,
        method: "GET",
        pattern: "/api/health",
        access: Access::Public,
    },
    RouteSpec {
        id: RouteId::Gates,
        method: "GET",
        pattern: "/api/gates",
        access: Access::Public,
    },
    RouteSpec {
        id: RouteId::YardStatus,
        method: "GET",
        pattern: "/api/yards/{yard_id}/status",
        access: Access::StaffOfPathYard,
    },
    RouteSpec {
        id: RouteId::SignUp,
        method: "POST",
        pattern: "/api/auth/signup",
        access: Access::Public,
    },
    RouteSpec {
        id: RouteId::SignIn,
        method: "POST",
        pattern: "/api/auth/signin",
        access: Access::Public,
    },
    // One-time codes by SMS (sign-up, forgotten password); public, limited per phone and address.
    RouteSpec {
        id: RouteId::RequestCode,
        method: "POST",
        pattern: "/api/auth/codes",
        access: Access::Public,
    },
    RouteSpec {
        id: RouteId::ResetPassword,
        method: "POST",
        pattern: "/api/auth/password-reset",
        access: Access::Public,
    },
    // The local SMS double's inbox: answers only with `SMS_ADAPTER=local` on a loopback host
    // (`make dev`, the tests); everywhere else it is `not_found`, like an unknown route.
    RouteSpec {
        id: RouteId::DevSmsInbox,
        method: "GET",
        pattern: "/api/dev/sms",
        access: Access::Public,
    },
    RouteSpec {
        id: RouteId::SignOut,
        method: "POST",
        pattern: "/api/auth/signout",
        access: Access::SignedIn,
    },
    RouteSpec {
        id: RouteId::SignOutEverywhere,
        method: "POST",
        pattern: "/api/auth/signout-all",
        access: Access::SignedIn,
    },
    RouteSpec {
        id: RouteId::ChangePassword,
        method: "POST",
        pattern: "/api/auth/password",
        access: Access::SignedIn,
    },
    RouteSpec {
        id: RouteId::Me,
        method: "GET",
        pattern: "/api/me",
        access: Access::SignedIn,
    },
    RouteSpec {
        id: RouteId::AdminListAccounts,
        method: "GET",
        pattern: "/api/admin/accounts",
        access: Access::Roles(ADMIN),
    },
    RouteSpec {
        id: RouteId::AdminCreateAccount,
        method: "POST",
        pattern: "/api/admin/accounts",
        access: Access::Roles(ADMIN),
    },
    RouteSpec {
        id: RouteId::AdminDisableAccount,
        method: "POST",
        pattern: "/api/admin/accounts/{account_id}/disable",
        access: Access::Roles(ADMIN),
    },
    RouteSpec {
        id: RouteId::AdminEnableAccount,
        method: "POST",
        pattern: "/api/admin/accounts/{account_id}/enable",
        access: Access::Roles(ADMIN),
    },
    RouteSpec {
        id: RouteId::AdminAuditLog,
        method: "GET",
        pattern: "/api/admin/audit",
        access: Access::Roles(ADMIN),
    },
    // The caller's own writes and records only: ownership is checked per write and query.
    RouteSpec {
        id: RouteId::Sync,
        method: "POST",
        pattern: "/api/sync",
        access: Access::Roles(OUTBOX_WRITERS),
    },
    RouteSpec {
        id: RouteId::Trips,
        method: "GET",
        pattern: "/api/trips",
        access: Access::Roles(TRIP_OWNERS),
    },
    // The trust list is public: anyone may check a pass's signature.
    RouteSpec {
        id: RouteId::PassKeys,
        method: "GET",
        pattern: "/api/keys",
        access: Access::Public,
    },
    RouteSpec {
        id: RouteId::PassRevocations,
        method: "GET",
        pattern: "/api/revocations",
        access: Access::Roles(PASS_CHECKERS),
    },
    // Yard slot booking: the slot grid is public; bookings are their owner's (the yard's
    // object checks the trip's owner and the booking's account); settings are the yard's.
    RouteSpec {
        id: RouteId::YardAvailability,
        method: "GET",
        pattern: "/api/yards/{yard_id}/availability",
        access: Access::Public,
    },
    RouteSpec {
        id: RouteId::Book,
        method: "POST",
        pattern: "/api/yards/{yard_id}/bookings",
        access: Access::Roles(TRIP_OWNERS),
    },
    RouteSpec {
        id: RouteId::CancelBooking,
        method: "POST",
        pattern: "/api/yards/{yard_id}/bookings/{booking_id}/cancel",
        access: Access::Roles(TRIP_OWNERS),
    },
    RouteSpec {
        id: RouteId::RescheduleBooking,
        method: "POST",
        pattern: "/api/yards/{yard_id}/bookings/{booking_id}/reschedule",
        access: Access::Roles(TRIP_OWNERS),
    },
    RouteSpec {
        id: RouteId::YardBookings,
        method: "GET",
        pattern: "/api/yards/{yard_id}/bookings",
        access: Access::StaffOfPathYard,
    },
    RouteSpec {
        id: RouteId::YardConfig,
        method: "GET",
        pattern: "/api/yards/{yard_id}/config",
        access: Access::StaffOfPathYard,
    },
    RouteSpec {
        id: RouteId::SetYardConfig,
        method: "PUT",
        pattern: "/api/yards/{yard_id}/config",
        access: Access::StaffOfPathYard,
    },
    RouteSpec {
        id: RouteId::MyBookings,
        method: "GET",
        pattern: "/api/bookings",
        access: Access::Roles(TRIP_OWNERS),
    },
    // The yard queue: the yard's staff run it; a trip's owner sees where the trip stands (the
    // handler checks the owner); anyone sees the board.
    RouteSpec {
        id: RouteId::QueueCheckIn,
        method: "POST",
        pattern: "/api/yards/{yard_id}/queue/check-ins",
        access: Access::StaffOfPathYard,
    },
    RouteSpec {
        id: RouteId::YardQueue,
        method: "GET",
        pattern: "/api/yards/{yard_id}/queue",
        access: Access::StaffOfPathYard,
    },
    RouteSpec {
        id: RouteId::QueueCall,
        method: "POST",
        pattern: "/api/yards/{yard_id}/queue/call",
        access: Access::StaffOfPathYard,
    },
    RouteSpec {
        id: RouteId::QueueServe,
        method: "POST",
        pattern: "/api/yards/{yard_id}/queue/entries/{entry_id}/serve",
        access: Access::StaffOfPathYard,
    },
    RouteSpec {
        id: RouteId::QueueAbsent,
        method: "POST",
        pattern: "/api/yards/{yard_id}/queue/entries/{entry_id}/absent",
        access: Access::StaffOfPathYard,
    },
    RouteSpec {
        id: RouteId::QueueMove,
        method: "POST",
        pattern: "/api/yards/{yard_id}/queue/entries/{entry_id}/move",
        access: Access::StaffOfPathYard,
    },
    RouteSpec {
        id: RouteId::TripQueue,
        method: "GET",
        pattern: "/api/trips/{trip_id}/queue",
        access: Access::Roles(TRIP_OWNERS),
    },
    RouteSpec {
        id: RouteId::TripQueueLive,
        method: "GET",
        pattern: "/api/trips/{trip_id}/queue/live",
        access: Access::Roles(TRIP_OWNERS),
    },
    RouteSpec {
        id: RouteId::Board,
        method: "GET",
        pattern: "/api/board",
        access: Access::Public,
    },
    // The handler limits an operator to trips booked or queued at their yard, an officer to
    // trips through their gate.
    RouteSpec {
        id: RouteId::VerifyVehicle,
        method: "POST",
        pattern: "/api/vehicles/verifications",
        access: Access::Roles(VEHICLE_VERIFIERS),
    },
    // The province's status callbacks: no session, the body's Standard Webhooks signature
    // (PROVINCE_CALLBACK_SECRET) is checked by the handler before anything is read.
    RouteSpec {
        id: RouteId::ProvinceStatusCallback,
        method: "POST",
        pattern: "/api/province/status",
        access: Access::Public,
    },
    RouteSpec {
        id: RouteId::AdminProvinceSync,
        method: "GET",
        pattern: "/api/admin/province-sync",
        access: Access::Roles(ADMIN),
    },
    RouteSpec {
        id: RouteId::AdminRetryParkedRecord,
        method: "POST",
        pattern: "/api/admin/province-sync/parked/{record_id}/retry",
        access: Access::Roles(ADMIN),
    },
    // Border residents: a resident's own application; an officer sees and decides on the
    // residents of their own gate only (the handler checks the resident's home gate).
    RouteSpec {
        id: RouteId::ResidentApply,
        method: "POST",
        pattern: "/api/residents",
        access: Access::Roles(RESIDENTS),
    },
    RouteSpec {
        id: RouteId::ResidentMe,
        method: "GET",
        pattern: "/api/residents/me",
        access: Access::Roles(RESIDENTS),
    },
    RouteSpec {
        id: RouteId::Residents,
        method: "GET",
        pattern: "/api/residents",
        access: Access::Roles(OFFICERS),
    },
    RouteSpec {
        id: RouteId::ResidentDecide,
        method: "POST",
        pattern: "/api/residents/{resident_id}/decisions",
        access: Access::Roles(OFFICERS),
    },
];

/// A matched route with its path parameters (raw; parsed by the typed accessors).
#[derive(Debug)]
pub struct Resolved {
    pub spec: &'static RouteSpec,
    params: Vec<(&'static str, String)>,
}

impl Resolved {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `{yard_id}` of the path, validated.
    pub fn yard_id(&self) -> Result<Option<YardId>, ApiError> {
        Ok(self.param("yard_id").map(YardId::parse).transpose()?)
    }

    /// The `{booking_id}` of the path, as sent (the yard's object validates it).
    pub fn booking_id(&self) -> Result<String, ApiError> {
        self.param("booking_id")
            .map(str::to_owned)
            .ok_or_else(|| ApiError::not_found("no booking in the path"))
    }

    /// The `{entry_id}` of the path, as sent (the yard's object validates it).
    pub fn entry_id(&self) -> Result<String, ApiError> {
        self.param("entry_id")
            .map(str::to_owned)
            .ok_or_else(|| ApiError::not_found("no queue entry in the path"))
    }

    /// The `{trip_id}` of the path, validated.
    pub fn trip_id(&self) -> Result<shared::TripId, ApiError> {
        let raw = self
            .param("trip_id")
            .ok_or_else(|| ApiError::not_found("no trip in the path"))?;
        Ok(shared::TripId::parse(raw)?)
    }

    /// The `{resident_id}` of the path, as sent (the handler parses it: a malformed id is no
    /// resident's).
    pub fn resident_id(&self) -> Result<String, ApiError> {
        self.param("resident_id")
            .map(str::to_owned)
            .ok_or_else(|| ApiError::not_found("no resident in the path"))
    }

    /// The `{record_id}` of the path: an outbox row's number.
    pub fn record_id(&self) -> Result<i64, ApiError> {
        let raw = self
            .param("record_id")
            .ok_or_else(|| ApiError::not_found("no record in the path"))?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0 && raw.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                ApiError::from(shared::Error::new(
                    shared::ErrorCode::InvalidId,
                    "a record id is a positive integer",
                ))
            })
    }

    /// The `{account_id}` of the path, validated.
    pub fn account_id(&self) -> Result<AccountId, ApiError> {
        let raw = self
            .param("account_id")
            .ok_or_else(|| ApiError::not_found("no account in the path"))?;
        Ok(AccountId::parse(raw)?)
    }
}

/// Matches a path against a pattern, collecting the parameters by name.
fn matches(pattern: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let mut params = Vec::new();
    let mut want = pattern.split('/');
    let mut got = path.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') && !g.is_empty() => {
                params.push((w.trim_matches(['{', '}']), g.to_owned()));
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return None,
        }
    }
}

/// Resolves a method and path. An unknown path is `not_found`; a known path with another
/// method is `method_not_allowed`.
pub fn resolve(method: &Method, path: &str) -> Result<Resolved, ApiError> {
    let path = path.strip_suffix('/').unwrap_or(path);
    let mut path_known = false;
    for spec in ROUTES {
        let Some(params) = matches(spec.pattern, path) else {
            continue;
        };
        if spec.method != method.as_ref() {
            path_known = true;
            continue;
        }
        return Ok(Resolved { spec, params });
    }
    if path_known {
        Err(ApiError::method_not_allowed())
    } else {
        Err(ApiError::not_found(format!("no API route {path}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ErrorCode;

    fn id(method: Method, path: &str) -> RouteId {
        resolve(&method, path).unwrap().spec.id
    }

    #[test]
    fn known_routes_resolve_with_their_parameters() {
        assert_eq!(id(Method::Get, "/api/health"), RouteId::Health);
        assert_eq!(id(Method::Get, "/api/gates/"), RouteId::Gates);
        let r = resolve(&Method::Get, "/api/yards/hn-1/status").unwrap();
        assert_eq!(r.spec.id, RouteId::YardStatus);
        assert_eq!(r.yard_id().unwrap().unwrap().as_str(), "hn-1");
        let r = resolve(
            &Method::Post,
            "/api/admin/accounts/0123456789abcdef/disable",
        )
        .unwrap();
        assert_eq!(r.spec.id, RouteId::AdminDisableAccount);
        assert_eq!(r.account_id().unwrap().as_str(), "0123456789abcdef");
        assert_eq!(
            id(Method::Post, "/api/auth/signout-all"),
            RouteId::SignOutEverywhere
        );
        assert_eq!(
            id(Method::Post, "/api/admin/accounts"),
            RouteId::AdminCreateAccount
        );
        assert_eq!(
            id(Method::Get, "/api/admin/accounts"),
            RouteId::AdminListAccounts
        );
    }

    #[test]
    fn unknown_paths_are_not_found() {
        for path in [
            "/api",
            "/api/nope",
            "/api/gates/extra",
            "/api/yards/hn-1",
            "/api/yards//status",
        ] {
            let e = resolve(&Method::Get, path).unwrap_err();
            assert_eq!((e.status(), e.code()), (404, ErrorCode::NotFound), "{path}");
        }
    }

    #[test]
    fn wrong_methods_are_refused() {
        for (method, path) in [
            (Method::Post, "/api/gates"),
            (Method::Delete, "/api/gates"),
            (Method::Get, "/api/auth/signin"),
            (Method::Put, "/api/admin/accounts"),
        ] {
            let e = resolve(&method, path).unwrap_err();
            assert_eq!(
                (e.status(), e.code()),
                (405, ErrorCode::MethodNotAllowed),
                "{path}"
            );
        }
    }

    #[test]
    fn malformed_parameters_are_a_clear_client_error() {
        let r = resolve(&Method::Get, "/api/yards/HN%201/status").unwrap();
        assert_eq!(r.yard_id().unwrap_err().code(), ErrorCode::InvalidId);
        let r = resolve(&Method::Post, "/api/admin/accounts/nope/enable").unwrap();
        assert_eq!(r.account_id().unwrap_err().code(), ErrorCode::InvalidId);
    }

    #[test]
    fn the_province_routes_resolve_and_record_ids_are_checked() {
        assert_eq!(
            id(Method::Post, "/api/province/status"),
            RouteId::ProvinceStatusCallback
        );
        assert_eq!(
            id(Method::Get, "/api/admin/province-sync"),
            RouteId::AdminProvinceSync
        );
        let r = resolve(&Method::Post, "/api/admin/province-sync/parked/42/retry").unwrap();
        assert_eq!(r.spec.id, RouteId::AdminRetryParkedRecord);
        assert_eq!(r.record_id().unwrap(), 42);
        for bad in ["0", "-1", "+4", "abc", "9223372036854775808", "1e3", "٣"] {
            let path = format!("/api/admin/province-sync/parked/{bad}/retry");
            let r = resolve(&Method::Post, &path).unwrap();
            assert_eq!(
                r.record_id().unwrap_err().code(),
                ErrorCode::InvalidId,
                "{bad}"
            );
        }
        // The test hook is not a route: only a test build answers it, outside the table.
        assert_eq!(
            resolve(&Method::Post, super::super::test_hooks::PROVINCE_RUN_PATH)
                .unwrap_err()
                .code(),
            ErrorCode::NotFound
        );
    }

    #[test]
    fn patterns_are_unique() {
        let mut keys: Vec<_> = ROUTES.iter().map(|r| (r.method, r.pattern)).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), ROUTES.len());
    }

    /// The runtime matrix test calls every route as every role; it must list exactly the
    /// routes in this table, so a new route cannot be added without its expected outcomes.
    #[test]
    fn the_access_matrix_lists_exactly_these_routes() {
        #[derive(serde::Deserialize)]
        struct Matrix {
            routes: Vec<MatrixRoute>,
        }
        #[derive(serde::Deserialize)]
        struct MatrixRoute {
            method: String,
            pattern: String,
        }
        let matrix: Matrix =
            serde_json::from_str(include_str!("../../../e2e/api/route-matrix.json")).unwrap();
        let mut listed: Vec<_> = matrix
            .routes
            .iter()
            .map(|r| format!("{} {}", r.method, r.pattern))
            .collect();
        let mut table: Vec<_> = ROUTES
            .iter()
            .map(|r| format!("{} {}", r.method, r.pattern))
            .collect();
        listed.sort();
        table.sort();
        assert_eq!(
            listed, table,
            "e2e/api/route-matrix.json must list every route"
        );
    }
}
