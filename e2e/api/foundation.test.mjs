// The Worker on the real runtime (wrangler dev: workerd, local D1 and Durable Objects).
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, assertSecurityHeaders } from "../lib/api.mjs";
import { signInAs } from "../lib/accounts.mjs";

const DEMO_GATES = ["huu-nghi", "tan-thanh", "chi-ma", "coc-nam", "dong-dang-rail"];

const daily = (gate) => gate.yards.reduce((sum, y) => sum + y.daily_capacity, 0);

test("health answers with the API version and security headers", async () => {
  const r = await call("/api/health");
  assert.equal(r.status, 200);
  assert.equal(r.json.status, "ok");
  assert.equal(r.json.api_version, 1);
  assert.match(r.headers.get("content-type"), /application\/json/);
  assertSecurityHeaders(assert, r.headers, "/api/health");
});

test("the gate directory lists Lang Son's gates with yards in three languages", async () => {
  const r = await call("/api/gates");
  assert.equal(r.status, 200);
  const gates = r.json.gates;
  assert.deepEqual(gates.map((g) => g.id), DEMO_GATES);
  for (const gate of gates) {
    assert.ok(gate.yards.length >= 1, `${gate.id} has yards`);
    for (const text of [gate.name, gate.counterpart, ...gate.yards.map((y) => y.name)]) {
      for (const lang of ["vi", "en", "zh"]) assert.ok(text[lang].trim().length > 0);
    }
    for (const yard of gate.yards) {
      assert.match(yard.opens, /^\d\d:\d\d$/);
      assert.match(yard.closes, /^\d\d:\d\d$/);
      assert.ok(yard.perishable_percent >= 0 && yard.perishable_percent <= 100);
    }
  }
  const byId = Object.fromEntries(gates.map((g) => [g.id, g]));
  assert.equal(byId["huu-nghi"].name.vi, "Cửa khẩu quốc tế Hữu Nghị");
  assert.equal(byId["chi-ma"].counterpart.zh, "爱店");
  // Capacities follow the province's figures (DESIGN.md).
  assert.ok(daily(byId["huu-nghi"]) + daily(byId["tan-thanh"]) > 1000);
  const tanThanh = daily(byId["tan-thanh"]);
  assert.ok(tanThanh >= 600 && tanThanh <= 700, `Tan Thanh ${tanThanh}/day`);
  const chiMa = daily(byId["chi-ma"]);
  assert.ok(chiMa >= 550 && chiMa <= 650, `Chi Ma ${chiMa}/day`);
  assert.equal(daily(byId["dong-dang-rail"]), 120);
});

test("errors share one JSON shape with a stable code, and change nothing", async () => {
  const before = await call("/api/gates");
  const admin = { authorization: `Bearer ${(await signInAs("admin")).token}` };
  const cases = [
    ["/api/nowhere", {}, 404, "not_found"],
    ["/api", {}, 404, "not_found"],
    ["/api/gates", { method: "POST" }, 405, "method_not_allowed"],
    ["/api/gates", { method: "DELETE" }, 405, "method_not_allowed"],
    ["/api/yards/NOT%20AN%20ID/status", { headers: admin }, 400, "invalid_id"],
    ["/api/yards/no-such-yard/status", { headers: admin }, 404, "not_found"],
    ["/api/yards/cm-1/status", {}, 401, "unauthenticated"],
    [
      "/api/gates",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ junk: "x".repeat(70 * 1024) }),
      },
      413,
      "payload_too_large",
    ],
    ["/", { method: "POST", body: "x" }, 405, "method_not_allowed"],
  ];
  for (const [path, init, status, code] of cases) {
    const r = await call(path, init);
    assert.equal(r.status, status, `${init.method ?? "GET"} ${path}`);
    assert.equal(r.json?.code, code, `${init.method ?? "GET"} ${path}: ${r.text}`);
    assert.equal(typeof r.json.message, "string");
    assertSecurityHeaders(assert, r.headers, path);
  }
  const after = await call("/api/gates");
  assert.deepEqual(after.json, before.json);
});

test("static assets and app routes are served with the security headers", async () => {
  for (const path of ["/", "/pkg/app_bg.wasm", "/manifest.webmanifest", "/sw.js"]) {
    const r = await call(path);
    assert.equal(r.status, 200, path);
    assertSecurityHeaders(assert, r.headers, path);
  }
  // Deep links are the single-page app's shell.
  const deep = await call("/some/deep/link");
  assert.equal(deep.status, 200);
  assert.match(deep.text, /<script type="module" src="\/boot.js">/);
  const wasm = await call("/pkg/app_bg.wasm");
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
});

test("a yard's Durable Object answers from its own SQLite storage", async () => {
  const operator = { headers: { authorization: `Bearer ${(await signInAs("yard_operator")).token}` } };
  const admin = { headers: { authorization: `Bearer ${(await signInAs("admin")).token}` } };
  const first = await call("/api/yards/cm-1/status", operator);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.yard_id, "cm-1");
  assert.equal(first.json.schema_version, 4);
  const second = await call("/api/yards/cm-1/status", admin);
  assert.equal(second.json.status_calls, first.json.status_calls + 1);
  assert.equal(second.json.first_seen_at_ms, first.json.first_seen_at_ms);
  // Each yard is its own object.
  const other = await call("/api/yards/tt-fruit/status", admin);
  assert.equal(other.json.yard_id, "tt-fruit");
  assert.equal(other.json.status_calls, 1);
});

test("the cron trigger runs the scheduled job", async () => {
  const before = Date.now();
  const r = await call(`/__scheduled?cron=${encodeURIComponent("*/1 * * * *")}`);
  assert.equal(r.status, 200, r.text);
  const health = await call("/api/health");
  assert.ok(health.json.last_cron_at_ms >= before - 1000, JSON.stringify(health.json));
});
