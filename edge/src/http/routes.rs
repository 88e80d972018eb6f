//! The route table: every API route, its methods, and how its path parameters are parsed.

use super::ApiError;
use shared::YardId;
use worker::Method;

/// A resolved API route with its parsed parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Health,
    Gates,
    YardStatus(YardId),
}

/// Every route as `(method, path pattern)`, for documentation and tests.
pub const ROUTE_TABLE: [(&str, &str); 3] = [
    ("GET", "/api/health"),
    ("GET", "/api/gates"),
    ("GET", "/api/yards/{yard_id}/status"),
];

/// Resolves a method and path. An unknown path is `not_found`; a known path with another
/// method is `method_not_allowed`; a malformed parameter is that parameter's error.
pub fn resolve(method: &Method, path: &str) -> Result<Route, ApiError> {
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    let segments: Vec<&str> = trimmed.split('/').skip(1).collect();
    let get_only = |route: Result<Route, ApiError>| {
        if *method == Method::Get {
            route
        } else {
            Err(ApiError::method_not_allowed())
        }
    };
    match segments.as_slice() {
        ["api", "health"] => get_only(Ok(Route::Health)),
        ["api", "gates"] => get_only(Ok(Route::Gates)),
        ["api", "yards", id, "status"] => {
            get_only(YardId::parse(id).map(Route::YardStatus).map_err(Into::into))
        }
        _ => Err(ApiError::not_found(format!("no API route {path}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::ErrorCode;

    #[test]
    fn known_routes_resolve() {
        assert_eq!(resolve(&Method::Get, "/api/health").unwrap(), Route::Health);
        assert_eq!(resolve(&Method::Get, "/api/gates/").unwrap(), Route::Gates);
        assert_eq!(
            resolve(&Method::Get, "/api/yards/hn-1/status").unwrap(),
            Route::YardStatus(YardId::parse("hn-1").unwrap())
        );
    }

    #[test]
    fn every_route_in_the_table_resolves() {
        for (method, pattern) in ROUTE_TABLE {
            let path = pattern.replace("{yard_id}", "hn-1");
            let method: Method = method.to_string().into();
            assert!(resolve(&method, &path).is_ok(), "{pattern}");
        }
    }

    #[test]
    fn unknown_paths_are_not_found() {
        for path in [
            "/api",
            "/api/",
            "/api/nope",
            "/api/gates/extra",
            "/api/yards/hn-1",
        ] {
            let e = resolve(&Method::Get, path).unwrap_err();
            assert_eq!((e.status(), e.code()), (404, ErrorCode::NotFound), "{path}");
        }
    }

    #[test]
    fn wrong_methods_are_refused() {
        for method in [Method::Post, Method::Put, Method::Delete, Method::Patch] {
            let e = resolve(&method, "/api/gates").unwrap_err();
            assert_eq!((e.status(), e.code()), (405, ErrorCode::MethodNotAllowed));
        }
    }

    #[test]
    fn malformed_ids_are_a_clear_client_error() {
        let e = resolve(&Method::Get, "/api/yards/HN%201/status").unwrap_err();
        assert_eq!((e.status(), e.code()), (400, ErrorCode::InvalidId));
    }
}
