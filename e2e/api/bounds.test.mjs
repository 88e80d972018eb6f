// Instants at the ends of the 64-bit range, against the running Worker: every time a client
// sends (a trip's arrival window, a booking's slot start, a check-in's scan time, online and
// from an operator's outbox) is refused with `time_out_of_range` unless it lies in 2020-2099,
// before any arithmetic; nothing is stored and no pass is issued. The reproduced attack: a
// window from i64::MIN + now wrapped `until - from` in the release build and signed a pass
// valid for ~292 million years.
//
// JSON numbers beyond 2^53 lose digits in JavaScript, so the extreme values travel as raw JSON
// text (BigInt → digits) and reach the Worker exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call } from "../lib/api.mjs";
import { freshAddress, post } from "../lib/accounts.mjs";
import { clientId, driverWithPass, listTrips, signUpOwner, trip, vehicle } from "../lib/trips.mjs";
import { availability, availabilityResponse, book, idemKey, localDate, ownerWithTrips } from "../lib/bookings.mjs";
import { operatorFor, queueView } from "../lib/queue.mjs";

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const HOUR = 3_600_000;
/// 2100-01-01T00:00:00Z: the first instant no longer accepted.
const LATEST = 4_102_444_800_000;
/// 2020-01-01T00:00:00Z: the earliest accepted.
const EARLIEST = 1_577_836_800_000;
/// The longest validity of a trip pass, in seconds (docs/pass-format.md §4).
const MAX_TRIP_VALIDITY_SECS = 102 * 3600;

const show = (r) => `${r.status} ${r.text.slice(0, 300)}`;

/// JSON text of `value` in which every BigInt is written as its exact digits.
function rawJson(value) {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? `@@${v}@@` : v)).replace(/"@@(-?\d+)@@"/g, "$1");
}

function postRaw(path, value, { token, key, headers = {} } = {}) {
  return call(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "cf-connecting-ip": freshAddress(),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(key ? { "idempotency-key": key } : {}),
      ...headers,
    },
    body: rawJson(value),
  });
}

test("trip windows at the ends of i64 are refused with time_out_of_range, and no pass is issued", async () => {
  const owner = await signUpOwner();
  const client = clientId();
  const v = vehicle();
  const registered = await post("/api/sync", { client_id: client, ops: [{ seq: 1, kind: "vehicle.register", payload: v }] }, { token: owner.token });
  assert.deepEqual(registered.json?.results?.map((x) => x.outcome), ["applied"], show(registered));

  const now = BigInt(Date.now());
  const windows = [
    // The reproduced attack: `until - from` wrapped to a negative number ("at most three
    // days") while `from - now` did not (an hour of margin for the edge's later clock).
    [I64_MIN + now + BigInt(HOUR), now + BigInt(4 * HOUR)],
    [I64_MIN + now, now + BigInt(4 * HOUR)],
    [I64_MIN, now + BigInt(4 * HOUR)],
    [I64_MIN, I64_MIN + BigInt(4 * HOUR)],
    [now, I64_MAX],
    [I64_MAX - BigInt(HOUR), I64_MAX],
    [I64_MIN, I64_MAX],
    [-1n, now],
    [0n, BigInt(4 * HOUR)],
    [BigInt(LATEST), BigInt(LATEST + HOUR)],
    [BigInt(EARLIEST - HOUR), now],
  ];
  const ops = windows.map(([from, until], i) => ({
    seq: i + 2,
    kind: "trip.create",
    payload: { ...trip(v.id), window_from_ms: from, window_until_ms: until },
  }));
  const r = await postRaw("/api/sync", { client_id: client, ops }, { token: owner.token });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(
    r.json.results.map((x) => `${x.seq}:${x.outcome}:${x.code ?? ""}`),
    ops.map((op) => `${op.seq}:rejected:time_out_of_range`),
    show(r)
  );
  const listed = await listTrips(owner.token);
  assert.equal(listed.trips.length, 0, "no trip is stored, so no pass is issued");
  assert.equal(listed.vehicles.length, 1);

  // The longest window the rules allow gives a pass within the stated maximum.
  const from = Date.now() + HOUR;
  const longest = { ...trip(v.id), window_from_ms: from, window_until_ms: from + 72 * HOUR };
  const ok = await postRaw("/api/sync", { client_id: client, ops: [{ seq: ops.length + 2, kind: "trip.create", payload: longest }] }, { token: owner.token });
  assert.deepEqual(ok.json.results.map((x) => x.outcome), ["applied"], show(ok));
  const pass = (await listTrips(owner.token)).trips.find((t) => t.id === longest.id).pass;
  assert.ok(pass, "the good trip has its pass");
  assert.ok(pass.valid_until - pass.valid_from <= MAX_TRIP_VALIDITY_SECS, `validity ${pass.valid_until - pass.valid_from} s`);
});

test("booking or moving to a slot start at the ends of i64 is a clean 400 time_out_of_range", async () => {
  const YARD = "cm-2";
  const owner = await ownerWithTrips({ role: "trader", count: 1, gate: "chi-ma" });
  const t = owner.trips[0];
  for (const start of [I64_MAX, I64_MIN, -1n, BigInt(LATEST), BigInt(LATEST) + 3_600_000n * 10n, BigInt(EARLIEST - HOUR)]) {
    const r = await postRaw(`/api/yards/${YARD}/bookings`, { trip_id: t.id, slot_start_ms: start, lane: null }, { token: owner.token, key: idemKey() });
    assert.equal(r.status, 400, `book at ${start}: ${show(r)}`);
    assert.equal(r.json?.code, "time_out_of_range", `book at ${start}: ${show(r)}`);
  }
  // A real booking, then a move to the ends of i64: refused, the booking stays where it was.
  const tomorrow = await availability(YARD, localDate(1));
  const slot = tomorrow.slots.find((s) => JSON.stringify(s.state).includes("open")).start_ms;
  const booked = await book(owner.token, YARD, { trip_id: t.id, slot_start_ms: slot });
  assert.equal(booked.status, 200, show(booked));
  for (const start of [I64_MAX, I64_MIN]) {
    const r = await postRaw(
      `/api/yards/${YARD}/bookings/${booked.json.id}/reschedule`,
      { slot_start_ms: start, lane: null },
      { token: owner.token, key: idemKey() }
    );
    assert.equal(r.status, 400, `move to ${start}: ${show(r)}`);
    assert.equal(r.json?.code, "time_out_of_range", `move to ${start}: ${show(r)}`);
  }
  const mine = await call("/api/bookings", { headers: { authorization: `Bearer ${owner.token}` } });
  const kept = mine.json.bookings.find((b) => b.id === booked.json.id);
  assert.equal(kept.slot.start_ms, slot);
  assert.equal(kept.status, "active");
  // A test clock at the ends of i64 is no clock at all: answered, never a 5xx.
  for (const clock of [I64_MIN, I64_MAX]) {
    const r = await call(`/api/yards/${YARD}/availability?date=${localDate(0)}`, {
      headers: { "x-test-now-ms": String(clock), "cf-connecting-ip": freshAddress() },
    });
    assert.equal(r.status, 200, `availability with clock ${clock}: ${show(r)}`);
    const plain = await availabilityResponse(YARD, localDate(0));
    assert.deepEqual(
      r.json.slots.map((s) => s.state),
      plain.json.slots.map((s) => s.state),
      "an out-of-range test clock is ignored"
    );
  }
});

test("check-in scan times at the ends of i64 are refused cleanly, online and from the outbox", async () => {
  const YARD = "hn-export-1";
  const op = await operatorFor(YARD);
  const d = await driverWithPass({ tripOverrides: { perishable: false, cargo: "Gạch men", declaration: "123456789012" } });
  const now = BigInt(Date.now());
  // i64::MIN + now made `(scanned - now).abs()` overflow (i64::MIN has no absolute value).
  const extremes = [I64_MIN, I64_MIN + now, I64_MAX, I64_MAX - 1n, -1n, 0n, BigInt(LATEST)];
  for (const scanned of extremes) {
    const r = await postRaw(`/api/yards/${YARD}/queue/check-ins`, { pass: d.pass.code, scanned_at_ms: scanned }, { token: op.token });
    assert.equal(r.status, 400, `online scan at ${scanned}: ${show(r)}`);
    assert.equal(r.json?.code, "time_out_of_range", `online scan at ${scanned}: ${show(r)}`);
  }
  // With the test clock the edge's "now" is known, so `scanned - now` can be exactly i64::MIN,
  // which has no absolute value (the old `(scanned - now).abs()` wrapped and let it through).
  const clock = BigInt(Date.now());
  const exact = await postRaw(
    `/api/yards/${YARD}/queue/check-ins`,
    { pass: d.pass.code, scanned_at_ms: I64_MIN + clock },
    { token: op.token, headers: { "x-test-now-ms": String(clock) } }
  );
  assert.equal(exact.status, 400, `scan at i64::MIN + now: ${show(exact)}`);
  assert.equal(exact.json?.code, "time_out_of_range", `scan at i64::MIN + now: ${show(exact)}`);
  const ops = extremes.map((scanned, i) => ({
    seq: i + 1,
    kind: "queue.check_in",
    payload: { yard_id: YARD, pass: d.pass.code, scanned_at_ms: scanned },
  }));
  const r = await postRaw("/api/sync", { client_id: clientId(), ops }, { token: op.token });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(
    r.json.results.map((x) => `${x.seq}:${x.outcome}:${x.code ?? ""}`),
    ops.map((o) => `${o.seq}:rejected:time_out_of_range`),
    show(r)
  );
  const view = await queueView(op.token, YARD);
  assert.ok(!view.lanes.flatMap((l) => l.waiting).some((e) => e.trip_id === d.trip.id), "nothing was queued");
  // (A scan at the real time checks in: queue.test.mjs proves it, on this yard, which must
  // stay empty until then.)
});
