// Small helpers for tests that talk to the running Worker over HTTP.
import { BASE_URL } from "./browser.mjs";

export { BASE_URL };

export async function call(path, init = {}) {
  const response = await fetch(BASE_URL + path, { redirect: "manual", ...init });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/// The security headers every response must carry.
export function assertSecurityHeaders(assert, headers, what) {
  const csp = headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'self'/, `${what}: CSP default-src`);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/, `${what}: CSP script-src`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP frame-ancestors`);
  assert.doesNotMatch(csp, /unsafe-inline/, `${what}: no unsafe-inline`);
  assert.equal(headers.get("x-content-type-options"), "nosniff", `${what}: nosniff`);
  assert.equal(headers.get("x-frame-options"), "DENY", `${what}: no framing`);
  assert.equal(
    headers.get("strict-transport-security"),
    "max-age=31536000; includeSubDomains",
    `${what}: HSTS`
  );
}

/// What every API response must also carry: nothing may cache it.
export function assertNotCached(assert, headers, what) {
  assert.equal(headers.get("cache-control"), "no-store", `${what}: cache-control`);
}
