// Every response carries the security headers (HSTS included), and every API response
// `Cache-Control: no-store`, including the answers relayed from a yard's Durable Object as
// they are and the errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, assertNotCached, assertSecurityHeaders } from "../lib/api.mjs";
import { signInAs } from "../lib/accounts.mjs";
import { localDate } from "../lib/bookings.mjs";

test("answers relayed from a yard's object are not cached and carry the security headers", async () => {
  const operator = await signInAs("yard_operator");
  const auth = { headers: { authorization: `Bearer ${operator.token}` } };
  const relayed = [
    [`/api/yards/cm-1/availability?date=${localDate(1)}`, {}],
    [`/api/yards/cm-1/availability?date=${localDate(1)}`, auth],
    [`/api/yards/cm-1/config`, auth],
    [`/api/yards/cm-1/bookings?date=${localDate(1)}`, auth],
    [`/api/yards/cm-1/status`, auth],
    // A refusal the object made (a bad date) is relayed too.
    [`/api/yards/cm-1/availability?date=2026-13-45`, {}],
  ];
  for (const [path, init] of relayed) {
    const r = await call(path, init);
    assert.ok(r.status === 200 || r.status === 400, `${path}: ${r.status} ${r.text}`);
    assertNotCached(assert, r.headers, path);
    assertSecurityHeaders(assert, r.headers, path);
  }
});

test("API errors are not cached; static assets carry HSTS too", async () => {
  for (const path of ["/api/nope", "/api/me", "/api/gates"]) {
    const r = await call(path);
    assertNotCached(assert, r.headers, path);
    assertSecurityHeaders(assert, r.headers, path);
  }
  for (const path of ["/", "/trips", "/manifest.webmanifest", "/sw.js"]) {
    const r = await call(path);
    assert.equal(r.status, 200, path);
    assertSecurityHeaders(assert, r.headers, path);
  }
});
