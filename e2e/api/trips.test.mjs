// The outbox protocol and trip passes on the running Worker: every write applied exactly once,
// refused writes reported once, gaps waited for, ownership enforced, cancellation revokes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { get, post, signInAs } from "../lib/accounts.mjs";
import { clientId, driverWithPass, listTrips, signUpOwner, sync, trip, vehicle } from "../lib/trips.mjs";

const outcomes = (r) => r.json.results.map((x) => `${x.seq}:${x.outcome}${x.code ? ":" + x.code : ""}${x.replayed ? ":replayed" : ""}`);

/// Rows in D1, read with wrangler's own console (the edge outbox has no API yet).
async function d1(sql) {
  assert.ok(process.env.BORDERPASS_STATE, "the test driver names the Worker's state directory");
  const { stdout } = await promisify(execFile)("wrangler", [
    "d1", "execute", "DB", "--local", "--persist-to", process.env.BORDERPASS_STATE, "--json", "--command", sql,
  ]);
  return JSON.parse(stdout)[0].results;
}

test("the same writes sent twice change nothing the second time", async () => {
  const owner = await signUpOwner();
  const client = clientId();
  const v = vehicle();
  const t = trip(v.id);
  const ops = [
    { seq: 1, kind: "vehicle.register", payload: v },
    { seq: 2, kind: "trip.create", payload: t },
  ];
  const first = await sync(owner.token, client, ops);
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(outcomes(first), ["1:applied", "2:applied"]);
  assert.equal(first.json.last_seq, 2);
  const before = await listTrips(owner.token);

  // The response was lost: the phone sends both again, and again at the same time.
  const replays = await Promise.all([sync(owner.token, client, ops), sync(owner.token, client, ops)]);
  for (const r of replays) {
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(outcomes(r), ["1:applied:replayed", "2:applied:replayed"]);
  }
  const after = await listTrips(owner.token);
  assert.deepEqual(after, before, "nothing changed, the pass included");
  assert.equal(after.trips.length, 1);
  assert.equal(after.trips[0].status, "accepted");
  assert.match(after.trips[0].pass.code, /^BP1:[0-9A-Z $%*+\-./:]+$/);
  const rows = await d1(`SELECT topic FROM edge_outbox WHERE entity_id IN ('${v.id}', '${t.id}') ORDER BY id`);
  assert.deepEqual(rows.map((r) => r.topic), ["vehicle.registered", "trip.accepted"], "one province row per change");
});

test("writes racing from one phone are applied once each", async () => {
  const owner = await signUpOwner();
  const client = clientId();
  const vehicles = Array.from({ length: 5 }, () => vehicle());
  const ops = vehicles.map((v, i) => ({ seq: i + 1, kind: "vehicle.register", payload: v }));
  const results = await Promise.all(Array.from({ length: 4 }, () => sync(owner.token, client, ops)));
  for (const r of results) assert.equal(r.status, 200, r.text);
  const applied = results.flatMap((r) => r.json.results.filter((x) => x.outcome === "applied" && !x.replayed));
  assert.equal(applied.length, 5, "each write applied by exactly one request");
  assert.equal((await listTrips(owner.token)).vehicles.length, 5);
});

test("a gap waits for the missing writes; out-of-order writes are applied in order", async () => {
  const owner = await signUpOwner();
  const client = clientId();
  const v = vehicle();
  const t = trip(v.id);
  const early = await sync(owner.token, client, [{ seq: 2, kind: "trip.create", payload: t }]);
  assert.deepEqual(outcomes(early), ["2:deferred"]);
  assert.equal(early.json.last_seq, 0);
  assert.equal((await listTrips(owner.token)).trips.length, 0, "nothing applied past a gap");

  const reordered = await sync(owner.token, client, [
    { seq: 2, kind: "trip.create", payload: t },
    { seq: 1, kind: "vehicle.register", payload: v },
  ]);
  assert.deepEqual(outcomes(reordered), ["2:deferred", "1:applied"]);
  const rest = await sync(owner.token, client, [{ seq: 2, kind: "trip.create", payload: t }]);
  assert.deepEqual(outcomes(rest), ["2:applied"]);
  assert.equal((await listTrips(owner.token)).trips.length, 1);
});

test("bad writes are refused once with their reason, stored nowhere, and not retried", async () => {
  const owner = await signUpOwner();
  const client = clientId();
  const v = vehicle();
  const HOUR = 3_600_000;
  const now = Date.now();
  const bad = [
    [{ kind: "vehicle.register", payload: vehicle({ plate: "ABC" }) }, "invalid_plate"],
    [{ kind: "vehicle.register", payload: vehicle({ plate: "29C-123.45", country: "CN" }) }, "invalid_vehicle"],
    [{ kind: "vehicle.register", payload: vehicle({ vehicle_type: "spaceship" }) }, "invalid_vehicle"],
    [{ kind: "vehicle.register", payload: { ...vehicle(), extra: 1 } }, "malformed_body"],
    [{ kind: "trip.delete", payload: {} }, "malformed_body"],
    [{ kind: "trip.create", payload: trip(v.id) }, "not_found"], // the vehicle is not registered
    [{ kind: "trip.create", payload: "not an object" }, "malformed_body"],
  ];
  const ops = bad.map(([op], i) => ({ seq: i + 1, ...op }));
  const r = await sync(owner.token, client, ops);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(outcomes(r), bad.map(([, code], i) => `${i + 1}:rejected:${code}`));
  assert.equal(r.json.last_seq, bad.length, "refused writes are dealt with: the phone stops sending them");
  assert.ok(r.json.results.every((x) => x.message), "each refusal says why");
  const replay = await sync(owner.token, client, ops.slice(0, 1));
  assert.deepEqual(outcomes(replay), ["1:rejected:invalid_plate:replayed"]);

  // Now a good vehicle, then trips with impossible details.
  let seq = bad.length;
  const good = await sync(owner.token, client, [{ seq: ++seq, kind: "vehicle.register", payload: v }]);
  assert.deepEqual(outcomes(good), [`${seq}:applied`]);
  const badTrips = [
    [trip(v.id, { window_from_ms: now + 5 * HOUR, window_until_ms: now + HOUR }), "invalid_window"],
    [trip(v.id, { window_from_ms: now - 9 * HOUR, window_until_ms: now - 5 * HOUR }), "invalid_window"],
    [trip(v.id, { declaration: "12345" }), "invalid_declaration_number"],
    [trip(v.id, { weight_kg: 0 }), "invalid_weight"],
    [trip(v.id, { hs_code: "8" }), "invalid_hs_code"],
    [trip(v.id, { gate_id: "no-such-gate" }), "not_found"],
    [trip(v.id, { trailer: "???" }), "invalid_plate"],
    [trip(v.id, { cargo: "x".repeat(201) }), "invalid_cargo"],
  ];
  const r2 = await sync(owner.token, client, badTrips.map(([payload], i) => ({ seq: seq + 1 + i, kind: "trip.create", payload })));
  assert.deepEqual(outcomes(r2), badTrips.map(([, code], i) => `${seq + 1 + i}:rejected:${code}`));
  const listed = await listTrips(owner.token);
  assert.equal(listed.trips.length, 0, "no trip stored");
  assert.equal(listed.vehicles.length, 1);
  // A second vehicle with the same plate (spelled differently) is refused.
  const same = await sync(owner.token, client, [
    { seq: seq + badTrips.length + 1, kind: "vehicle.register", payload: vehicle({ plate: v.plate.replace(/[-.]/g, "").toLowerCase() }) },
  ]);
  assert.deepEqual(outcomes(same), [`${seq + badTrips.length + 1}:rejected:vehicle_exists`]);
});

test("malformed requests are refused whole, with nothing stored", async () => {
  const owner = await signUpOwner();
  const client = clientId();
  const cases = [
    [{ client_id: client, ops: [{ seq: 0, kind: "vehicle.register", payload: vehicle() }] }, 400, "malformed_body"],
    [{ client_id: "short", ops: [] }, 400, "invalid_id"],
    [{ client_id: client, ops: Array.from({ length: 101 }, (_, i) => ({ seq: i + 1, kind: "vehicle.register", payload: vehicle() })) }, 413, "payload_too_large"],
    [{ client_id: client, ops: [{ seq: 1, kind: "vehicle.register", payload: { ...vehicle(), plate: "x".repeat(70_000) } }] }, 413, "payload_too_large"],
    ["{not json", 400, "malformed_body"],
    [{ client_id: client }, 400, "malformed_body"],
  ];
  for (const [body, status, code] of cases) {
    const r = await post("/api/sync", body, { token: owner.token });
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
    assert.equal(r.json.code, code);
  }
  assert.equal((await listTrips(owner.token)).vehicles.length, 0);
});

test("nobody writes through or reads someone else's phone, vehicles or trips", async () => {
  const { session: driver, trip: driversTrip, vehicle: driversVehicle } = await driverWithPass();
  const trader = await signUpOwner("trader");
  const theirClient = clientId();
  await sync(driver.token, theirClient, []);
  const hijack = await sync(trader.token, theirClient, []);
  assert.equal(hijack.status, 403);
  assert.equal(hijack.json.code, "forbidden");

  const client = clientId();
  const r = await sync(trader.token, client, [
    { seq: 1, kind: "trip.cancel", payload: { trip_id: driversTrip.id } },
    { seq: 2, kind: "trip.set_declaration", payload: { trip_id: driversTrip.id, declaration: "123456789012" } },
    { seq: 3, kind: "trip.create", payload: trip(driversVehicle.id) },
  ]);
  assert.deepEqual(outcomes(r), ["1:rejected:not_found", "2:rejected:not_found", "3:rejected:not_found"]);
  const theirs = await listTrips(trader.token);
  assert.deepEqual(theirs, { vehicles: [], trips: [] });
  const mine = await listTrips(driver.token);
  assert.equal(mine.trips[0].status, "accepted");
  assert.equal(mine.trips[0].declaration, null);
});

test("a declaration can be added later; cancelling revokes the pass and lists it for officers", async () => {
  const { session, trip: t, pass } = await driverWithPass();
  const client = clientId();
  const officer = await signInAs("officer");
  const denyBefore = await get("/api/revocations", { token: officer.token });
  assert.equal(denyBefore.status, 200);
  assert.ok(!denyBefore.json.pass_ids.includes(pass.id));

  const r = await sync(session.token, client, [
    { seq: 1, kind: "trip.set_declaration", payload: { trip_id: t.id, declaration: "1234 5678 9012" } },
    { seq: 2, kind: "trip.cancel", payload: { trip_id: t.id } },
    { seq: 3, kind: "trip.cancel", payload: { trip_id: t.id } },
    { seq: 4, kind: "trip.set_declaration", payload: { trip_id: t.id, declaration: "123456789012" } },
  ]);
  assert.deepEqual(outcomes(r), ["1:applied", "2:applied", "3:rejected:invalid_trip_state", "4:rejected:invalid_trip_state"]);
  const listed = (await listTrips(session.token)).trips[0];
  assert.equal(listed.declaration, "123456789012");
  assert.equal(listed.status, "cancelled");
  assert.equal(listed.pass.revoked, true);
  const denyAfter = await get("/api/revocations", { token: officer.token });
  assert.ok(denyAfter.json.pass_ids.includes(pass.id), "the revoked pass is on the deny-list");
  const rows = await d1(`SELECT topic FROM edge_outbox WHERE entity_id = '${t.id}' ORDER BY id`);
  assert.deepEqual(rows.map((x) => x.topic), ["trip.accepted", "trip.declaration_set", "trip.cancelled"]);
});

test("the trust list holds the key that signs passes", async () => {
  const { pass } = await driverWithPass();
  const keys = await get("/api/keys");
  assert.equal(keys.status, 200);
  assert.ok(keys.json.keys.length >= 1);
  for (const k of keys.json.keys) {
    assert.match(k.kid, /^[0-9a-f]{16}$/);
    assert.match(k.public_key, /^[0-9a-f]{64}$/);
  }
  const rows = await d1(`SELECT kid FROM passes WHERE id = '${pass.id}'`);
  assert.equal(rows[0].kid, keys.json.keys[0].kid, "passes are signed by the listed current key");
});

test("after a key rotation, the old key stays trusted exactly until its last pass expires", async () => {
  // Two keys that signed passes before a rotation (as the edge records them when it signs):
  // one with a pass still valid tomorrow, one whose last pass expired an hour ago.
  const now = Math.floor(Date.now() / 1000);
  const stillValid = { kid: "00000000000000a1", public_key: "a1".repeat(32) };
  const expired = { kid: "00000000000000e1", public_key: "e1".repeat(32) };
  await d1(
    `INSERT OR REPLACE INTO pass_keys (kid, public_key, first_used_at_ms, last_pass_valid_until) VALUES
     ('${stillValid.kid}', '${stillValid.public_key}', 0, ${now + 86400}),
     ('${expired.kid}', '${expired.public_key}', 0, ${now - 3600})`,
  );
  const keys = (await get("/api/keys")).json.keys;
  assert.ok(keys.some((k) => k.kid === stillValid.kid && k.public_key === stillValid.public_key), "still trusted");
  assert.ok(!keys.some((k) => k.kid === expired.kid), "no longer trusted");
  await d1(`DELETE FROM pass_keys WHERE kid IN ('${stillValid.kid}', '${expired.kid}')`);
});
