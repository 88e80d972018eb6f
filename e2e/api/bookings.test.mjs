// Yard slot booking on the running Worker: one slot under heavy contention is never overbooked,
// per lane; idempotent retries; every refusal with its code and nothing changed; cancel and
// atomic reschedule; no-shows released on the test clock; nothing confirmed lost on a restart.
//
// The yard is the demo operator's `cm-1` (gate `chi-ma`), set here to 50 places a slot (10
// perishable, 40 general). Days are local (Vietnam): D1 is tomorrow. Slots used:
//   D1 06:00 no-show · D1 12:00 contention (full) · D2 08:00-11:00 idempotency and refusals ·
//   D2 14:00-16:00 cancel and reschedule · D3 closed · yesterday (past) · D+20 (too far).
// The last test cancels what is left and gives the yard its settings back.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { call } from "../lib/api.mjs";
import { signInAs } from "../lib/accounts.mjs";
import { clientId, sync } from "../lib/trips.mjs";
import {
  addTrip,
  at,
  availability,
  availabilityResponse,
  book,
  cancel,
  d1,
  getConfig,
  idemKey,
  localDate,
  myBookings,
  ownerWithTrips,
  putConfig,
  reschedule,
  slotAt,
  slotOf,
  yardBookings,
  MINUTE,
} from "../lib/bookings.mjs";
import { restartWorker, workerSettings } from "../lib/worker.mjs";

const YARD = "cm-1";
const NOW = Date.now();
const D1 = localDate(1, NOW);
const D2 = localDate(2, NOW);
const D3 = localDate(3, NOW);
const YESTERDAY = localDate(-1, NOW);
const FAR = localDate(20, NOW);

const CONFIG = {
  slot_minutes: 60,
  opens_minute: 360,
  closes_minute: 1320,
  capacity_per_slot: 50,
  perishable_percent: 20,
  fee_vnd: 30000,
  max_active_driver: 1,
  max_active_trader: 500,
  horizon_days: 14,
  no_show: { grace_minutes: 30, max_no_shows: 3, window_days: 30, pause_days: 7 },
  closures: [{ span: { kind: "day", date: D3 }, reason: { code: "maintenance" } }],
};
const CAPACITY = { general: 40, perishable: 10 };
const CONTENTION_SLOT = at(D1, "12:00");

let operator;
let originalConfig;
/// Every booking made here, with its owner's token, to cancel at the end.
const made = new Map();
/// One winner of the contention test, to retry after the restart.
let contentionWinner;

function remember(token, r) {
  if (r.status === 200 && r.json?.id) made.set(r.json.id, token);
  return r;
}

const show = (r) => `${r.status} ${r.text.slice(0, 300)}`;

function assertRefused(r, status, code, what) {
  assert.equal(r.status, status, `${what}: ${show(r)}`);
  assert.equal(r.json?.code, code, `${what}: ${show(r)}`);
  assert.equal(typeof r.json.message, "string", `${what}: a message says why`);
}

/// Everything a refusal must leave untouched: the days' grids and the operator's lists.
async function snapshot(dates) {
  const out = {};
  for (const d of dates) {
    out[`availability ${d}`] = await availability(YARD, d);
    const list = await yardBookings(operator.token, YARD, d);
    assert.equal(list.status, 200, show(list));
    out[`bookings ${d}`] = list.json;
  }
  return out;
}

/// D1's copy is written by the yard's object; give it a moment to land.
async function eventually(fn, what, ms = 5000) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      last = e;
      if (Date.now() > until) throw new Error(`${what}: ${last.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function mine(token) {
  const r = await myBookings(token);
  assert.equal(r.status, 200, show(r));
  return r.json.bookings;
}

before(async () => {
  operator = await signInAs("yard_operator");
  const current = await getConfig(operator.token, YARD);
  assert.equal(current.status, 200, show(current));
  originalConfig = current.json;
  const r = await putConfig(operator.token, YARD, CONFIG);
  assert.equal(r.status, 200, `the operator sets the yard: ${show(r)}`);
});

test("the operator's settings are stored and shape the slot grid", async () => {
  const stored = await getConfig(operator.token, YARD);
  assert.equal(stored.status, 200);
  assert.deepEqual(stored.json, CONFIG);

  const day = await availability(YARD, D1);
  assert.equal(day.yard, YARD);
  assert.equal(day.date, D1);
  assert.equal(day.fee_vnd, 30000);
  assert.equal(day.slots.length, 16, "06:00-22:00 in hours");
  assert.equal(day.slots[0].start_ms, at(D1, "06:00"));
  assert.equal(day.slots[15].end_ms, at(D1, "22:00"));
  for (const s of day.slots) {
    assert.equal(s.end_ms - s.start_ms, 60 * MINUTE);
    assert.deepEqual(s.state, { kind: "open" });
    assert.deepEqual(s.capacity, CAPACITY);
    assert.deepEqual(s.booked, { general: 0, perishable: 0 });
    assert.deepEqual(s.remaining, CAPACITY);
  }
  const closed = await availability(YARD, D3);
  for (const s of closed.slots) assert.deepEqual(s.state, { kind: "closed", reason: { code: "maintenance" } });
  const past = await availability(YARD, YESTERDAY);
  for (const s of past.slots) assert.deepEqual(s.state, { kind: "past" });
  const far = await availability(YARD, FAR);
  for (const s of far.slots) assert.deepEqual(s.state, { kind: "too_far_ahead" });

  // Public, and refused cleanly for unknown yards and bad dates.
  assertRefused(await availabilityResponse("no-such-yard", D1), 404, "not_found", "unknown yard");
  for (const bad of ["2026-13-45", "tomorrow", ""]) {
    const r = await availabilityResponse(YARD, bad);
    assert.equal(r.status, 400, `date ${JSON.stringify(bad)}: ${show(r)}`);
  }
  const noDate = await call(`/api/yards/${YARD}/availability`);
  assert.equal(noDate.status, 400, `no date: ${show(noDate)}`);
});

test("500 clients racing for one slot of 50: exactly 10 perishable and 40 general places, the rest slot_full", async () => {
  // 10 trading households with 50 vehicles each, every other trip perishable.
  const traders = await Promise.all(
    Array.from({ length: 10 }, () => ownerWithTrips({ role: "trader", count: 50, perishable: (i) => i % 2 === 0 }))
  );
  // Mixed lanes: perishable trips ask for either lane or none; general trips for general or none.
  const attempts = [];
  for (let i = 0; i < 50; i += 1) {
    for (const t of traders) {
      const trip = t.trips[i];
      const lane = trip.perishable ? [null, "perishable", "general"][i % 3] : [null, "general"][i % 2];
      attempts.push({ token: t.token, account: t.session.account.id, trip, lane, key: idemKey() });
    }
  }
  const fire = (a) => book(a.token, YARD, { trip_id: a.trip.id, slot_start_ms: CONTENTION_SLOT, lane: a.lane }, { key: a.key });

  const started = performance.now();
  const first = await Promise.all(attempts.map(fire));
  const elapsed = performance.now() - started;
  console.log(`contention: ${attempts.length} booking attempts on one slot answered in ${elapsed.toFixed(0)} ms`);
  first.forEach((r, i) => remember(attempts[i].token, r));

  const unexpected = first.filter((r) => !(r.status === 200 || (r.status === 409 && r.json?.code === "slot_full")));
  assert.deepEqual(unexpected.map(show), [], "every answer is a booking or slot_full");
  const won = first.map((r, i) => [r, attempts[i]]).filter(([r]) => r.status === 200);
  assert.equal(won.length, 50, "exactly the capacity succeeds");
  assert.equal(first.filter((r) => r.status === 409).length, 450, "the rest are slot_full");

  const lanes = { general: 0, perishable: 0 };
  const ids = new Set();
  for (const [r, a] of won) {
    const b = r.json;
    lanes[b.lane] += 1;
    ids.add(b.id);
    assert.equal(b.status, "active");
    assert.deepEqual(b.slot, { yard: YARD, start_ms: CONTENTION_SLOT });
    assert.equal(b.slot_end_ms, CONTENTION_SLOT + 60 * MINUTE);
    assert.equal(b.trip_id, a.trip.id);
    assert.equal(b.plate, a.trip.plate, "bound to the trip's vehicle");
    assert.equal(b.account_id, a.account);
    assert.equal(b.perishable, a.trip.perishable);
    assert.equal(b.fee_vnd, 30000);
    assert.equal(b.idempotency_key, a.key);
    if (b.lane === "perishable") assert.ok(b.perishable, "only perishable cargo takes perishable places");
    if (a.lane) assert.equal(b.lane, a.lane, "a lane asked for is the lane given");
  }
  assert.equal(ids.size, 50, "50 distinct bookings");
  const [wr, wa] = won[0];
  contentionWinner = { attempt: wa, booking: wr.json };
  assert.deepEqual(lanes, CAPACITY, "each lane filled exactly to its capacity");
  const slot = await slotAt(YARD, CONTENTION_SLOT);
  assert.deepEqual(slot.capacity, CAPACITY);
  assert.deepEqual(slot.booked, CAPACITY, "booked equals capacity, per lane");
  assert.deepEqual(slot.remaining, { general: 0, perishable: 0 });

  // The operator sees exactly these 50.
  const list = await yardBookings(operator.token, YARD, D1);
  assert.equal(list.status, 200, show(list));
  const inSlot = list.json.bookings.filter((b) => b.slot.start_ms === CONTENTION_SLOT && b.status === "active");
  assert.deepEqual(new Set(inSlot.map((b) => b.id)), ids);

  // Every request again with its own key, all at once: the first answers, nothing changes.
  const dayBefore = await availability(YARD, D1);
  const again = await Promise.all(attempts.map(fire));
  again.forEach((r, i) => {
    assert.equal(r.status, first[i].status, `retry ${i}: ${show(r)}`);
    if (r.status === 200) assert.deepEqual(r.json, first[i].json, `retry ${i} returns the same booking`);
    else assert.equal(r.json.code, "slot_full", `retry ${i} returns the same refusal`);
  });
  assert.deepEqual(await availability(YARD, D1), dayBefore, "retries changed nothing");

  // D1's copy, read straight from the database, holds the same 50.
  await eventually(async () => {
    const rows = await d1(`SELECT id FROM bookings WHERE yard_id = '${YARD}' AND slot_start_ms = ${CONTENTION_SLOT} AND status = 'active'`);
    assert.deepEqual(new Set(rows.map((x) => x.id)), ids);
  }, "D1's copy of the slot");

  // Each household's own list (D1's copy) holds exactly its winners.
  for (const t of traders) {
    const expected = won.filter(([, a]) => a.token === t.token).map(([r]) => r.json.id).sort();
    await eventually(async () => {
      const got = (await mine(t.token)).filter((b) => b.slot.start_ms === CONTENTION_SLOT).map((b) => b.id).sort();
      assert.deepEqual(got, expected);
    }, "my bookings from D1");
  }
});

test("an Idempotency-Key makes a retry return the first answer, and a reused key for another request is refused", async () => {
  const a = await ownerWithTrips({ role: "trader", count: 3 });
  const slot8 = at(D2, "08:00");
  const slot9 = at(D2, "09:00");
  const key = idemKey();
  const first = remember(a.token, await book(a.token, YARD, { trip_id: a.trips[0].id, slot_start_ms: slot8 }, { key }));
  assert.equal(first.status, 200, show(first));
  assert.equal(first.json.lane, "general");
  const after = await snapshot([D2]);
  assert.deepEqual(slotOf(after[`availability ${D2}`], slot8).booked, { general: 1, perishable: 0 });

  // The same request again, and five more at once: the same booking every time.
  const repeats = await Promise.all(
    Array.from({ length: 6 }, () => book(a.token, YARD, { trip_id: a.trips[0].id, slot_start_ms: slot8 }, { key }))
  );
  for (const r of repeats) {
    assert.equal(r.status, 200, show(r));
    assert.deepEqual(r.json, first.json);
  }
  // The same key for another slot, another trip or another lane: refused, nothing booked.
  for (const body of [
    { trip_id: a.trips[0].id, slot_start_ms: slot9 },
    { trip_id: a.trips[1].id, slot_start_ms: slot8 },
    { trip_id: a.trips[0].id, slot_start_ms: slot8, lane: "general" },
  ]) {
    assertRefused(await book(a.token, YARD, body, { key }), 409, "idempotency_key_reused", JSON.stringify(body));
  }
  // No key, or a malformed one: refused before anything is looked at.
  for (const bad of [null, "", "short", "has space in it", "a".repeat(65), "semi;colon-key", "slash/key/x"]) {
    const r = await book(a.token, YARD, { trip_id: a.trips[1].id, slot_start_ms: slot9 }, { key: bad });
    assertRefused(r, 400, "invalid_id", `key ${JSON.stringify(bad)}`);
  }
  assert.deepEqual(await snapshot([D2]), after, "nothing changed");

  // Keys belong to the account: another household using the same key books its own trip.
  const b = await ownerWithTrips({ role: "trader", count: 1 });
  const theirs = remember(b.token, await book(b.token, YARD, { trip_id: b.trips[0].id, slot_start_ms: slot8 }, { key }));
  assert.equal(theirs.status, 200, show(theirs));
  assert.notEqual(theirs.json.id, first.json.id);
  assert.equal(theirs.json.account_id, b.session.account.id);

  // A refusal is remembered too: the retry gets the same refusal.
  const pastKey = idemKey();
  const past = { trip_id: a.trips[1].id, slot_start_ms: at(YESTERDAY, "12:00") };
  assertRefused(await book(a.token, YARD, past, { key: pastKey }), 400, "slot_in_past", "past");
  assertRefused(await book(a.token, YARD, past, { key: pastKey }), 400, "slot_in_past", "past, again");

  // The trip the malformed keys tried is still free to book.
  const later = remember(a.token, await book(a.token, YARD, { trip_id: a.trips[1].id, slot_start_ms: slot9 }));
  assert.equal(later.status, 200, show(later));
});

test("bad input and abuse: each refused with its code, nothing changed", async () => {
  const a = await ownerWithTrips({ role: "trader", count: 3, perishable: (i) => i === 2 });
  const [general, second, perishable] = a.trips;
  const slot10 = at(D2, "10:00");
  const slot11 = at(D2, "11:00");
  // Set up what the refusals run into: a booking for `general`'s vehicle at 10:00, a driver
  // at the cap, a trip without declaration, a trip at another gate, a cancelled trip.
  const held = remember(a.token, await book(a.token, YARD, { trip_id: general.id, slot_start_ms: slot10 }));
  assert.equal(held.status, 200, show(held));
  const sameVehicle = await addTrip(a.token, a.vehicles[0]);
  const driver = await ownerWithTrips({ role: "driver", count: 2 });
  const driverFirst = remember(driver.token, await book(driver.token, YARD, { trip_id: driver.trips[0].id, slot_start_ms: slot10 }));
  assert.equal(driverFirst.status, 200, show(driverFirst));
  const undeclared = await ownerWithTrips({ role: "trader", count: 1, declaration: null });
  const otherGate = await ownerWithTrips({ role: "trader", count: 1, gate: "huu-nghi" });
  const cancelled = await ownerWithTrips({ role: "trader", count: 1 });
  const c = await sync(cancelled.token, clientId(), [{ seq: 1, kind: "trip.cancel", payload: { trip_id: cancelled.trips[0].id } }]);
  assert.equal(c.json.results[0].outcome, "applied", c.text);
  const stranger = await ownerWithTrips({ role: "trader", count: 1 });
  const resident = await signInAs("resident");

  const dates = [D2, D3, YESTERDAY, FAR];
  const before = await snapshot(dates);
  const cases = [
    ["a slot in the past", a.token, YARD, { trip_id: second.id, slot_start_ms: at(YESTERDAY, "12:00") }, 400, "slot_in_past"],
    ["before opening", a.token, YARD, { trip_id: second.id, slot_start_ms: at(D2, "03:00") }, 400, "slot_outside_hours"],
    ["at closing", a.token, YARD, { trip_id: second.id, slot_start_ms: at(D2, "22:00") }, 400, "slot_outside_hours"],
    ["off the slot grid", a.token, YARD, { trip_id: second.id, slot_start_ms: at(D2, "12:30") }, 400, "slot_outside_hours"],
    ["not on a minute", a.token, YARD, { trip_id: second.id, slot_start_ms: slot11 + 1 }, 400, "slot_outside_hours"],
    ["a negative instant", a.token, YARD, { trip_id: second.id, slot_start_ms: -3600000 }, 400, "time_out_of_range"],
    ["a closed day", a.token, YARD, { trip_id: second.id, slot_start_ms: at(D3, "12:00") }, 400, "yard_closed"],
    ["beyond the horizon", a.token, YARD, { trip_id: second.id, slot_start_ms: at(FAR, "12:00") }, 400, "slot_too_far_ahead"],
    ["an unknown yard", a.token, "no-such-yard", { trip_id: second.id, slot_start_ms: slot11 }, 404, "not_found"],
    ["another gate's yard", a.token, "hn-import", { trip_id: second.id, slot_start_ms: at(D2, "09:00") }, 400, "trip_wrong_gate"],
    ["an unknown trip", a.token, YARD, { trip_id: "t-nosuchtrip0000", slot_start_ms: slot11 }, 404, "not_found"],
    ["someone else's trip", stranger.token, YARD, { trip_id: second.id, slot_start_ms: slot11 }, 403, "forbidden"],
    ["a trip without declaration", undeclared.token, YARD, { trip_id: undeclared.trips[0].id, slot_start_ms: slot11 }, 400, "declaration_missing"],
    ["a trip through another gate", otherGate.token, YARD, { trip_id: otherGate.trips[0].id, slot_start_ms: slot11 }, 400, "trip_wrong_gate"],
    ["a cancelled trip", cancelled.token, YARD, { trip_id: cancelled.trips[0].id, slot_start_ms: slot11 }, 409, "invalid_trip_state"],
    ["a plate already booked that day (another trip)", a.token, YARD, { trip_id: sameVehicle.id, slot_start_ms: slot11 }, 409, "vehicle_already_booked"],
    ["the same trip again", a.token, YARD, { trip_id: general.id, slot_start_ms: slot11 }, 409, "trip_already_booked"],
    ["a driver over the cap", driver.token, YARD, { trip_id: driver.trips[1].id, slot_start_ms: slot11 }, 403, "booking_cap_reached"],
    ["general cargo in the perishable lane", a.token, YARD, { trip_id: second.id, slot_start_ms: slot11, lane: "perishable" }, 400, "perishable_only"],
    ["a full slot", a.token, YARD, { trip_id: perishable.id, slot_start_ms: CONTENTION_SLOT }, 409, "slot_full"],
    ["a role that does not book", resident.token, YARD, { trip_id: second.id, slot_start_ms: slot11 }, 403, "forbidden"],
    ["no session", undefined, YARD, { trip_id: second.id, slot_start_ms: slot11 }, 401, "unauthenticated"],
  ];
  for (const [what, token, yard, body, status, code] of cases) {
    assertRefused(await book(token, yard, body), status, code, what);
  }
  // Bodies that are not the expected JSON.
  const raw = (token, body) =>
    fetch(`${process.env.BORDERPASS_URL ?? "http://127.0.0.1:8787"}/api/yards/${YARD}/bookings`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": idemKey() },
      body,
    }).then(async (r) => ({ status: r.status, text: await r.clone().text(), json: await r.json().catch(() => undefined) }));
  for (const body of [
    "{not json",
    JSON.stringify({ trip_id: second.id, slot_start_ms: "11:00" }),
    JSON.stringify({ trip_id: second.id, slot_start_ms: slot11, lane: "express" }),
    JSON.stringify({ trip_id: second.id, slot_start_ms: slot11, plate: "29C-123.45" }),
    JSON.stringify({ slot_start_ms: slot11 }),
  ]) {
    assertRefused(await raw(a.token, body), 400, "malformed_body", body);
  }
  assert.deepEqual(await snapshot(dates), before, "nothing changed");
  // The refused trips were not booked anywhere: `second` can still take 11:00.
  const ok = remember(a.token, await book(a.token, YARD, { trip_id: second.id, slot_start_ms: slot11 }));
  assert.equal(ok.status, 200, show(ok));
});

test("cancelling gives the place back; rescheduling moves it atomically", async () => {
  const a = await ownerWithTrips({ role: "trader", count: 2 });
  const other = await ownerWithTrips({ role: "trader", count: 1 });
  const s14 = at(D2, "14:00");
  const s15 = at(D2, "15:00");
  const s16 = at(D2, "16:00");
  const booked = async (s) => (await slotAt(YARD, s)).booked.general;
  const base = { 14: await booked(s14), 15: await booked(s15), 16: await booked(s16) };

  const b = remember(a.token, await book(a.token, YARD, { trip_id: a.trips[0].id, slot_start_ms: s14 }));
  assert.equal(b.status, 200, show(b));
  assert.equal(await booked(s14), base[14] + 1);

  // Someone else can neither cancel nor move it (nor learn it exists).
  assertRefused(await cancel(other.token, YARD, b.json.id), 404, "not_found", "someone else's cancel");
  assertRefused(await reschedule(other.token, YARD, b.json.id, { slot_start_ms: s15 }), 404, "not_found", "someone else's move");
  assertRefused(await cancel(a.token, YARD, b.json.id, { key: "bad key" }), 400, "invalid_id", "cancel, malformed key");
  assertRefused(await cancel(a.token, YARD, "bk-nosuchbooking"), 404, "not_found", "cancel, unknown booking");
  assert.equal(await booked(s14), base[14] + 1);

  // Cancel: the place comes back; a retry returns the same answer; a new attempt is refused.
  const key = idemKey();
  const c = await cancel(a.token, YARD, b.json.id, { key });
  assert.equal(c.status, 200, show(c));
  assert.equal(c.json.id, b.json.id);
  assert.equal(c.json.status, "cancelled");
  assert.equal(typeof c.json.closed_at_ms, "number");
  assert.equal(await booked(s14), base[14], "the place is back");
  const again = await cancel(a.token, YARD, b.json.id, { key });
  assert.equal(again.status, 200, show(again));
  assert.deepEqual(again.json, c.json);
  assertRefused(await cancel(a.token, YARD, b.json.id), 409, "booking_not_active", "cancel twice");
  assertRefused(await reschedule(a.token, YARD, b.json.id, { slot_start_ms: s15 }), 409, "booking_not_active", "move a cancelled one");
  await eventually(async () => {
    const copy = (await mine(a.token)).find((x) => x.id === b.json.id);
    assert.equal(copy?.status, "cancelled");
  }, "the cancellation in D1's copy");

  // The vehicle is free again: book it, then move it from 14:00 to 15:00.
  const n = remember(a.token, await book(a.token, YARD, { trip_id: a.trips[0].id, slot_start_ms: s14 }));
  assert.equal(n.status, 200, show(n));
  assert.notEqual(n.json.id, b.json.id);
  const moveKey = idemKey();
  const m = await reschedule(a.token, YARD, n.json.id, { slot_start_ms: s15 }, { key: moveKey });
  assert.equal(m.status, 200, show(m));
  assert.equal(m.json.id, n.json.id, "the same booking, moved");
  assert.deepEqual(m.json.slot, { yard: YARD, start_ms: s15 });
  assert.equal(m.json.slot_end_ms, s15 + 60 * MINUTE);
  assert.equal(m.json.status, "active");
  assert.equal(m.json.plate, n.json.plate, "still bound to the same vehicle");
  assert.equal(m.json.trip_id, n.json.trip_id);
  assert.deepEqual([await booked(s14), await booked(s15)], [base[14], base[15] + 1]);
  const mAgain = await reschedule(a.token, YARD, n.json.id, { slot_start_ms: s15 }, { key: moveKey });
  assert.deepEqual(mAgain.json, m.json, "a retried move returns the first answer");
  assertRefused(
    await reschedule(a.token, YARD, n.json.id, { slot_start_ms: s16 }, { key: moveKey }),
    409,
    "idempotency_key_reused",
    "the move's key for another slot"
  );

  // Into a full slot, the past, outside hours, a closed day, or onto a day the vehicle is
  // booked: refused, and the booking stays where it was.
  const full = await slotAt(YARD, CONTENTION_SLOT);
  assert.deepEqual(full.remaining, { general: 0, perishable: 0 }, "the contention slot is full");
  const second = remember(a.token, await book(a.token, YARD, { trip_id: a.trips[1].id, slot_start_ms: at(D1, "13:00") }));
  assert.equal(second.status, 200, show(second));
  const dates = [D1, D2];
  const before = await snapshot(dates);
  for (const [what, id, slot, status, code] of [
    ["a full slot", n.json.id, CONTENTION_SLOT, 409, "slot_full"],
    ["the past", n.json.id, at(YESTERDAY, "12:00"), 400, "slot_in_past"],
    ["outside hours", n.json.id, at(D2, "23:00"), 400, "slot_outside_hours"],
    ["a closed day", n.json.id, at(D3, "12:00"), 400, "yard_closed"],
    ["beyond the horizon", n.json.id, at(FAR, "12:00"), 400, "slot_too_far_ahead"],
  ]) {
    assertRefused(await reschedule(a.token, YARD, id, { slot_start_ms: slot }), status, code, `move into ${what}`);
  }
  assert.deepEqual(await snapshot(dates), before, "refused moves changed nothing");
  // Another trip of the same vehicle, booked on D1, cannot be moved onto D2 where the vehicle is.
  const sameVehicle = await addTrip(a.token, a.vehicles[0]);
  const onD1 = remember(a.token, await book(a.token, YARD, { trip_id: sameVehicle.id, slot_start_ms: at(D1, "14:00") }));
  assert.equal(onD1.status, 200, show(onD1));
  const withIt = await snapshot(dates);
  assertRefused(
    await reschedule(a.token, YARD, onD1.json.id, { slot_start_ms: s16 }),
    409,
    "vehicle_already_booked",
    "move onto a day the vehicle is booked"
  );
  assert.deepEqual(await snapshot(dates), withIt, "the refused move changed nothing");
  const list = (await yardBookings(operator.token, YARD, D2)).json.bookings;
  assert.deepEqual(list.find((x) => x.id === n.json.id), m.json, "the moved booking is intact");
});

test("cancelling a trip releases its yard booking, so its owner never gets a no-show for it", async () => {
  const a = await ownerWithTrips({ role: "trader", count: 1 });
  const s17 = at(D2, "17:00");
  const before = (await slotAt(YARD, s17)).booked.general;
  const b = remember(a.token, await book(a.token, YARD, { trip_id: a.trips[0].id, slot_start_ms: s17 }));
  assert.equal(b.status, 200, show(b));
  assert.equal((await slotAt(YARD, s17)).booked.general, before + 1);
  const r = await sync(a.token, clientId(), [{ seq: 1, kind: "trip.cancel", payload: { trip_id: a.trips[0].id } }]);
  assert.equal(r.json.results[0].outcome, "applied", r.text);
  assert.equal((await slotAt(YARD, s17)).booked.general, before, "the place is back");
  await eventually(async () => {
    const copy = (await mine(a.token)).find((x) => x.id === b.json.id);
    assert.equal(copy?.status, "cancelled");
  }, "the release in D1's copy");
});

test("a booking not checked in by the end of its slot plus the grace period is released as a no-show", async () => {
  const a = await ownerWithTrips({ role: "trader", count: 1 });
  const s6 = at(D1, "06:00");
  const deadline = s6 + 60 * MINUTE + CONFIG.no_show.grace_minutes * MINUTE;
  const b = remember(a.token, await book(a.token, YARD, { trip_id: a.trips[0].id, slot_start_ms: s6 }));
  assert.equal(b.status, 200, show(b));
  assert.deepEqual((await slotAt(YARD, s6)).booked, { general: 1, perishable: 0 });

  // A millisecond before the deadline: still held.
  const justBefore = await slotAt(YARD, s6, { now: deadline - 1 });
  assert.deepEqual(justBefore.booked, { general: 1, perishable: 0 });
  assert.deepEqual(justBefore.state, { kind: "past" }, "the test clock is honoured");

  // At the deadline: released, the place comes back, the booking says no_show.
  const atDeadline = await slotAt(YARD, s6, { now: deadline });
  assert.deepEqual(atDeadline.booked, { general: 0, perishable: 0 });
  assert.deepEqual(atDeadline.remaining, CAPACITY);
  const list = await yardBookings(operator.token, YARD, D1);
  const released = list.json.bookings.find((x) => x.id === b.json.id);
  assert.equal(released.status, "no_show");
  assert.equal(released.closed_at_ms, deadline, "counted at the end of the grace period");
  assert.deepEqual((await slotAt(YARD, s6)).booked, { general: 0, perishable: 0 }, "and stays released");
  await eventually(async () => {
    const copy = (await mine(a.token)).find((x) => x.id === b.json.id);
    assert.equal(copy?.status, "no_show");
  }, "the no-show in D1's copy");
  assertRefused(await cancel(a.token, YARD, b.json.id), 409, "booking_not_active", "cancel a no-show");
  // The contention slot, later that day, was not touched.
  assert.deepEqual((await slotAt(YARD, CONTENTION_SLOT)).booked, CAPACITY);
});

test("settings that would strand booked vehicles are refused; settings are the operator's", async () => {
  const before = await getConfig(operator.token, YARD);
  const low = await putConfig(operator.token, YARD, { ...CONFIG, capacity_per_slot: 20 });
  assertRefused(low, 409, "capacity_below_booked", "capacity below the 50 booked");
  const noPerishable = await putConfig(operator.token, YARD, { ...CONFIG, perishable_percent: 0 });
  assertRefused(noPerishable, 409, "capacity_below_booked", "no perishable lane under 10 perishable bookings");
  const closeIt = await putConfig(operator.token, YARD, {
    ...CONFIG,
    closures: [...CONFIG.closures, { span: { kind: "day", date: D1 }, reason: { code: "weather" } }],
  });
  assertRefused(closeIt, 409, "capacity_below_booked", "closing a day with bookings");
  assertRefused(await putConfig(operator.token, YARD, { ...CONFIG, slot_minutes: 45 }), 400, "invalid_booking_config", "45-minute slots");
  assert.deepEqual((await getConfig(operator.token, YARD)).json, before.json, "the settings did not change");

  // Only that yard's operator (and admins).
  const trader = await signInAs("trader");
  assertRefused(await getConfig(trader.token, YARD), 403, "forbidden", "a trader reads the settings");
  assertRefused(await putConfig(trader.token, YARD, CONFIG), 403, "forbidden", "a trader writes the settings");
  assertRefused(await getConfig(operator.token, "cm-2"), 403, "forbidden", "another yard's settings");
  assertRefused(await putConfig(operator.token, "cm-2", CONFIG), 403, "forbidden", "another yard's settings");
  assertRefused(await yardBookings(trader.token, YARD, D1), 403, "forbidden", "a trader lists the yard's bookings");
  const admin = await signInAs("admin");
  const adminView = await getConfig(admin.token, YARD);
  assert.equal(adminView.status, 200, show(adminView));
  assert.deepEqual(adminView.json, before.json);
});

test("a restart of wrangler dev loses no confirmed booking", { skip: !workerSettings() && "BORDERPASS_PORT and BORDERPASS_STATE are not set" }, async () => {
  const dates = [D1, D2];
  const tokens = [...new Set(made.values())];
  const before = await snapshot(dates);
  const mineBefore = [];
  for (const t of tokens) mineBefore.push(await mine(t));
  const active = Object.values(before)
    .flatMap((x) => x.bookings ?? [])
    .filter((b) => b.status === "active");
  assert.ok(active.length >= 55, `bookings to keep (${active.length})`);

  const took = await restartWorker();
  console.log(`restart: wrangler dev stopped and answering again in ${took} ms`);

  assert.deepEqual(await snapshot(dates), before, "the grids and the operator's lists are the same");
  for (const [i, t] of tokens.entries()) assert.deepEqual(await mine(t), mineBefore[i], "each account's list is the same");
  assert.deepEqual((await getConfig(operator.token, YARD)).json, CONFIG, "the settings are the same");

  // Keys survived too: a retried booking returns the first answer, not a second booking.
  if (contentionWinner) {
    const { attempt: a, booking } = contentionWinner;
    const retry = await book(a.token, YARD, { trip_id: a.trip.id, slot_start_ms: CONTENTION_SLOT, lane: a.lane }, { key: a.key });
    assert.equal(retry.status, 200, show(retry));
    assert.deepEqual(retry.json, booking);
    assert.deepEqual((await slotAt(YARD, CONTENTION_SLOT)).booked, CAPACITY);
  }
  // And the object still books after the restart.
  const fresh = await ownerWithTrips({ role: "trader", count: 1 });
  const r = remember(fresh.token, await book(fresh.token, YARD, { trip_id: fresh.trips[0].id, slot_start_ms: at(D2, "17:00") }));
  assert.equal(r.status, 200, show(r));
});

test("afterwards: the bookings made here are cancelled and the yard gets its settings back", async () => {
  const results = await Promise.all(
    [...made].map(([id, token]) => cancel(token, YARD, id).then((r) => [id, r]))
  );
  const bad = results.filter(([, r]) => !(r.status === 200 || r.json?.code === "booking_not_active"));
  assert.deepEqual(bad.map(([id, r]) => `${id}: ${show(r)}`), []);
  const restored = await putConfig(operator.token, YARD, originalConfig);
  assert.equal(restored.status, 200, show(restored));
  assert.deepEqual((await getConfig(operator.token, YARD)).json, originalConfig);
});
