//! `docs/openapi.json` describes the API: this test fails when it and the route table disagree.
//!
//! Checked: exactly the routes of `http::ROUTES` (method and pattern), each with its declared
//! `Access` in `x-access` and bearer security when signing in is needed, path parameters
//! declared, every `$ref` resolvable, the `Error` schema's `code` enum equal to the codes the
//! edge can send, and every error response's `x-codes` known and under the status the edge
//! gives that code.

use borderpass_edge::auth::Access;
use borderpass_edge::error::ApiError;
use borderpass_edge::http::ROUTES;
use serde_json::{json, Value};
use shared::{Error, ErrorCode};
use std::collections::BTreeSet;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Codes only the app uses; the edge never sends them.
const APP_ONLY: [ErrorCode; 2] = [ErrorCode::Network, ErrorCode::Unknown];

fn document() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Follows a local `$ref` (`#/components/...`), if the value is one.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("only local references are used: {reference}"));
            let target = doc
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} does not resolve"));
            resolve(doc, target)
        }
        None => value,
    }
}

/// Every `(METHOD, path)` operation of the document.
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let paths = doc["paths"].as_object().expect("paths is an object");
    let mut ops = Vec::new();
    for (path, item) in paths {
        let item = item.as_object().expect("a path item is an object");
        for (key, operation) in item {
            if METHODS.contains(&key.as_str()) {
                ops.push((key.to_uppercase(), path.clone(), operation));
            }
        }
    }
    ops
}

fn operation<'a>(doc: &'a Value, method: &str, pattern: &str) -> &'a Value {
    &doc["paths"][pattern][method.to_lowercase()]
}

fn expected_access(access: Access) -> Value {
    match access {
        Access::Public => json!("public"),
        Access::SignedIn => json!("signed-in"),
        Access::Roles(roles) => {
            json!({ "roles": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>() })
        }
        Access::StaffOfPathYard => json!("staff-of-path-yard"),
    }
}

fn wire_code(name: &str) -> Option<ErrorCode> {
    ErrorCode::ALL.into_iter().find(|c| c.as_str() == name)
}

#[test]
fn the_document_is_openapi_3_1() {
    let doc = document();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1.")),
        "openapi: {}",
        doc["openapi"]
    );
    for key in ["title", "version"] {
        assert!(doc["info"][key].is_string(), "info.{key}");
    }
    assert!(doc["components"]["schemas"].is_object());
    let bearer = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(
        (&bearer["type"], &bearer["scheme"]),
        (&json!("http"), &json!("bearer"))
    );
}

#[test]
fn the_document_lists_exactly_the_routes_of_the_table() {
    let doc = document();
    let documented: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    let table: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.pattern.to_owned()))
        .collect();
    let missing: Vec<_> = table.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&table).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "docs/openapi.json must describe exactly the routes of edge/src/http/routes.rs\n\
         routes not documented: {missing:?}\ndocumented routes that do not exist: {extra:?}"
    );
}

#[test]
fn each_route_declares_its_access_and_security() {
    let doc = document();
    for route in ROUTES {
        let op = operation(&doc, route.method, route.pattern);
        let name = format!("{} {}", route.method, route.pattern);
        assert!(op.is_object(), "{name} is not documented");
        assert_eq!(
            op["x-access"],
            expected_access(route.access),
            "{name}: x-access"
        );
        for key in ["summary", "description", "operationId"] {
            assert!(
                op[key].as_str().is_some_and(|s| !s.trim().is_empty()),
                "{name}: {key}"
            );
        }
        let security = op.get("security").and_then(Value::as_array);
        let responses = op["responses"].as_object().expect("responses");
        // 200, or 201 for a creation, or 101 for a WebSocket upgrade.
        assert!(
            ["200", "201", "101"]
                .iter()
                .any(|s| responses.contains_key(*s)),
            "{name}: a success response"
        );
        assert!(responses.contains_key("500"), "{name}: 500");
        if route.access == Access::Public {
            assert!(
                security.is_none_or(|s| s.is_empty()),
                "{name}: a public route needs no sign-in"
            );
        } else {
            assert_eq!(
                security,
                Some(&vec![json!({ "bearer": [] })]),
                "{name}: bearer security"
            );
            let codes = |status: &str| -> BTreeSet<String> {
                responses
                    .get(status)
                    .map(|r| resolve(&doc, r)["x-codes"].clone())
                    .and_then(|c| serde_json::from_value(c).ok())
                    .unwrap_or_default()
            };
            for code in ["unauthenticated", "session_expired"] {
                assert!(codes("401").contains(code), "{name}: 401 {code}");
            }
            assert!(
                codes("403").contains("account_disabled"),
                "{name}: 403 account_disabled"
            );
            if route.access != Access::SignedIn {
                assert!(codes("403").contains("forbidden"), "{name}: 403 forbidden");
            }
        }
    }
}

#[test]
fn path_parameters_are_declared() {
    let doc = document();
    for route in ROUTES {
        let name = format!("{} {}", route.method, route.pattern);
        let wanted: BTreeSet<&str> = route
            .pattern
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        let op = operation(&doc, route.method, route.pattern);
        let path_level = &doc["paths"][route.pattern]["parameters"];
        let declared: BTreeSet<&str> = [&op["parameters"], path_level]
            .into_iter()
            .filter_map(Value::as_array)
            .flatten()
            .map(|p| resolve(&doc, p))
            .filter(|p| p["in"] == "path")
            .map(|p| {
                assert_eq!(p["required"], true, "{name}: path parameters are required");
                p["name"].as_str().expect("parameter name")
            })
            .collect();
        assert_eq!(declared, wanted, "{name}: path parameters");
    }
}

#[test]
fn the_error_schema_lists_every_code_the_edge_sends() {
    let doc = document();
    let error = resolve(&doc, &doc["components"]["schemas"]["Error"]);
    let code = resolve(&doc, &error["properties"]["code"]);
    let listed: Vec<&str> = code["enum"]
        .as_array()
        .expect("the Error schema's code has an enum")
        .iter()
        .map(|v| v.as_str().expect("codes are strings"))
        .collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "codes are listed once");
    for name in &listed {
        let known = wire_code(name).unwrap_or_else(|| panic!("{name} is not a wire code"));
        assert!(
            !APP_ONLY.contains(&known),
            "{name} is never sent by the edge"
        );
    }
    let sent: BTreeSet<&str> = ErrorCode::ALL
        .into_iter()
        .filter(|c| !APP_ONLY.contains(c))
        .map(ErrorCode::as_str)
        .collect();
    assert_eq!(unique, sent, "the Error schema's codes");
    let required: BTreeSet<&str> = error["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(required, BTreeSet::from(["code", "message"]));
}

/// Each documented error code sits under the status the edge answers it with, and every error
/// response uses the `Error` schema.
#[test]
fn error_responses_carry_known_codes_under_their_statuses() {
    let doc = document();
    for (method, path, op) in operations(&doc) {
        let responses = op["responses"].as_object().expect("responses");
        for (status, response) in responses {
            let response = resolve(&doc, response);
            let name = format!("{method} {path} {status}");
            assert!(response["description"].is_string(), "{name}: description");
            let Ok(status) = status.parse::<u16>() else {
                panic!("{name}: statuses are explicit numbers");
            };
            if status < 400 {
                continue;
            }
            assert_eq!(
                response["content"]["application/json"]["schema"],
                json!({ "$ref": "#/components/schemas/Error" }),
                "{name}: errors are {{code, message}}"
            );
            let codes = response["x-codes"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: x-codes"));
            assert!(!codes.is_empty(), "{name}: x-codes");
            for code in codes {
                let code = code.as_str().expect("codes are strings");
                let known = wire_code(code).unwrap_or_else(|| panic!("{name}: unknown {code}"));
                assert!(!APP_ONLY.contains(&known), "{name}: {code} is never sent");
                assert_eq!(
                    ApiError::from(Error::new(known, "")).status(),
                    status,
                    "{name}: the edge answers {code} with another status"
                );
            }
            if status == 429 {
                assert!(
                    response["headers"]["Retry-After"].is_object(),
                    "{name}: Retry-After"
                );
            }
        }
    }
}

#[test]
fn every_reference_resolves() {
    fn walk(doc: &Value, value: &Value) {
        match value {
            Value::Object(map) => {
                if map.contains_key("$ref") {
                    resolve(doc, value);
                }
                map.values().for_each(|v| walk(doc, v));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(doc, v)),
            _ => {}
        }
    }
    let doc = document();
    walk(&doc, &doc);
}
