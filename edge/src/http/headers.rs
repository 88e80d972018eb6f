//! Security headers, set on every response the Worker sends (API and static assets alike),
//! and `Cache-Control: no-store` on every API response, whoever made it (a handler, an error,
//! or the yard's Durable Object whose answer is relayed as it is).

use super::mutable_headers;
use worker::Response;

/// The Content-Security-Policy the app runs under: only our own origin, WebAssembly allowed to
/// compile (`wasm-unsafe-eval`), no inline scripts or styles, no framing, no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; \
     img-src 'self' data: blob:; \
     connect-src 'self'; \
     font-src 'self'; \
     manifest-src 'self'; \
     worker-src 'self'; \
     media-src 'self' blob:; \
     object-src 'none'; \
     base-uri 'none'; \
     form-action 'self'; \
     frame-ancestors 'none'";

/// Browsers that have seen us over HTTPS once never try plain HTTP again for a year (here and
/// on subdomains), so nobody on the road's Wi-Fi can strip TLS from a later visit.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// API answers are personal or live (sessions, passes, places in a queue): no cache keeps them.
pub const API_CACHE_CONTROL: &str = "no-store";

pub const SECURITY_HEADERS: [(&str, &str); 7] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(self), geolocation=(), microphone=(), payment=()",
    ),
    ("strict-transport-security", STRICT_TRANSPORT_SECURITY),
];

/// Returns the response with the security headers set, replacing any it had; an API response
/// (`api`) also gets `Cache-Control: no-store`.
pub fn secure(response: Response, api: bool) -> Response {
    let status = response.status_code();
    let headers = mutable_headers(response.headers());
    for (name, value) in SECURITY_HEADERS {
        let _ = headers.set(name, value);
    }
    if api {
        let _ = headers.set("cache-control", API_CACHE_CONTROL);
    }
    let (builder, body) = response.into_parts();
    builder.with_status(status).with_headers(headers).body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_forbids_inline_code_and_framing() {
        assert!(CONTENT_SECURITY_POLICY.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-inline"));
        assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
        assert!(CONTENT_SECURITY_POLICY.contains("object-src 'none'"));
    }

    #[test]
    fn hsts_covers_a_year_and_subdomains() {
        let hsts = SECURITY_HEADERS
            .iter()
            .find(|(n, _)| *n == "strict-transport-security")
            .map(|(_, v)| *v);
        assert_eq!(hsts, Some("max-age=31536000; includeSubDomains"));
    }

    #[test]
    fn header_names_are_unique_and_lowercase() {
        let mut names: Vec<_> = SECURITY_HEADERS.iter().map(|(n, _)| *n).collect();
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| !c.is_ascii_uppercase())));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SECURITY_HEADERS.len());
    }
}
