// A yard's events reach the edge outbox in order, each once, across a crash of the runtime:
// bookings, check-ins and calls at yard cn-1 (gate coc-nam; queue.test.mjs also uses it, so
// what was there before this test is read first and set apart), then
// `wrangler dev` killed (SIGKILL) with check-ins in flight, restarted, and one more call, which
// copies whatever the object stored but had not yet copied. `edge_outbox` must then hold one
// event per acknowledged operation (and per entry the object holds), none twice, numbered
// cn-1.1, cn-1.2, ... without a gap in the order they were written, and none for a refusal.
import { test } from "node:test";
import assert from "node:assert/strict";
import { driverWithPass, listTrips } from "../lib/trips.mjs";
import { book, d1, getConfig, localDate, nextSlotStart } from "../lib/bookings.mjs";
import { callNext, checkIn, operatorFor, queueView, serve } from "../lib/queue.mjs";
import { restartWorker, workerSettings } from "../lib/worker.mjs";

const YARD = "cn-1";
const GATE = "coc-nam";
const show = (r) => `${r.status} ${r.text?.slice(0, 300)}`;

function driver() {
  return driverWithPass({
    gate: GATE,
    tripOverrides: { perishable: false, cargo: "Gạch men", declaration: "123456789012" },
  });
}

/// The yard's events in the outbox, in the order they were written there.
async function yardEvents() {
  const rows = await d1(
    `SELECT event_id, topic, entity_id, trip_id, payload FROM edge_outbox
     WHERE event_id LIKE '${YARD}.%' ORDER BY id`
  );
  return rows.map((r) => ({ ...r, seq: Number(r.event_id.slice(YARD.length + 1)), payload: JSON.parse(r.payload) }));
}

test("a yard's events reach the outbox in order, none lost or doubled across a crash", async (t) => {
  if (!workerSettings()) return t.skip("needs BORDERPASS_PORT and BORDERPASS_STATE (scripts/e2e.sh)");
  const op = await operatorFor(YARD);
  const config = (await getConfig(op.token, YARD)).json;
  const slot = nextSlotStart(config);
  const drivers = [];
  for (let i = 0; i < 14; i += 1) drivers.push(await driver());
  const entriesOf = (view) => [...view.lanes.flatMap((l) => l.waiting), ...view.called];
  const before = await yardEvents();
  const heldBefore = new Set(entriesOf(await queueView(op.token, YARD)).map((e) => e.id));

  // Acknowledged one by one: four bookings, six check-ins, a call.
  const booked = [];
  for (const d of drivers.slice(0, 4)) {
    const r = await book(d.session.token, YARD, { trip_id: d.trip.id, slot_start_ms: slot });
    assert.equal(r.status, 200, show(r));
    booked.push(r.json.id);
    // The booking re-issued the trip's pass (with the slot): the vehicle shows the new one.
    d.pass = (await listTrips(d.session.token)).trips.find((x) => x.id === d.trip.id).pass;
  }
  const entries = new Map(); // trip id -> entry id, for every acknowledged check-in
  for (const d of drivers.slice(0, 6)) {
    const r = await checkIn(op.token, YARD, d.pass.code);
    assert.equal(r.status, 201, show(r));
    entries.set(d.trip.id, r.json.entry.id);
  }
  // Refusals record nothing: a second check-in, an empty lane, a second booking of a trip.
  assert.equal((await checkIn(op.token, YARD, drivers[0].pass.code)).status, 409);
  assert.equal((await callNext(op.token, YARD, "perishable", 1)).status, 409);
  const again = await book(drivers[0].session.token, YARD, { trip_id: drivers[0].trip.id, slot_start_ms: slot });
  assert.ok(again.status >= 400, show(again));
  const called = await callNext(op.token, YARD, "general", 2);
  assert.equal(called.status, 200, show(called));
  const calledIds = called.json.called.map((e) => e.id);

  // Mid-load: eight check-ins at once, and the runtime killed as the first answers arrive.
  const inFlight = drivers.slice(6).map((d) =>
    checkIn(op.token, YARD, d.pass.code).then(
      (r) => ({ d, r }),
      () => ({ d, r: null })
    )
  );
  await Promise.race(inFlight);
  await restartWorker({ hard: true });
  let cutOff = 0;
  for (const { d, r } of await Promise.all(inFlight)) {
    if (r?.status === 201) entries.set(d.trip.id, r.json.entry.id);
    else cutOff += 1;
  }
  t.diagnostic(`check-ins in flight: ${inFlight.length - cutOff} answered, ${cutOff} cut off by the kill`);

  // The first call after the restart copies what the object stored before it died.
  const after = await callNext(op.token, YARD, "general", 1);
  assert.equal(after.status, 200, show(after));
  calledIds.push(...after.json.called.map((e) => e.id));
  const view = await queueView(op.token, YARD);

  const all = await yardEvents();
  assert.deepEqual(all.slice(0, before.length).map((e) => e.event_id), before.map((e) => e.event_id));
  const events = all.slice(before.length);
  t.diagnostic(events.map((e) => `${e.seq} ${e.topic} ${e.entity_id}`).join("; "));
  t.diagnostic(`called: ${calledIds}; entries: ${[...entries.values()]}`);
  const ids = all.map((e) => e.event_id);
  assert.equal(new Set(ids).size, ids.length, `no event twice: ${ids}`);
  assert.deepEqual(
    all.map((e) => e.seq),
    all.map((_, i) => i + 1),
    `numbered 1, 2, ... in the order written: ${ids}`
  );
  for (const e of all) {
    assert.equal(e.payload.id, e.event_id);
    assert.equal(e.payload.type, e.topic);
    assert.equal(e.payload.yard_id, YARD);
  }
  const of = (topic) => events.filter((e) => e.topic === topic);

  // Every acknowledged booking: one booking.made; no other.
  assert.deepEqual(of("booking.made").map((e) => e.entity_id).sort(), [...booked].sort());
  // Every entry the yard holds (acknowledged, or stored before its answer was cut off): one
  // queue.checked_in; every acknowledged check-in among them.
  const held = entriesOf(view).filter((e) => !heldBefore.has(e.id));
  for (const [, entry] of entries) assert.ok(held.some((e) => e.id === entry), `entry ${entry} is held`);
  assert.deepEqual(
    of("queue.checked_in").map((e) => e.entity_id).sort(),
    held.map((e) => e.id).sort(),
    "one check-in event per entry the yard holds"
  );
  assert.equal(of("queue.checked_in").filter((e) => e.trip_id === drivers[0].trip.id).length, 1);
  // A booked vehicle's check-in names its booking (when the slot is today: a scan uses only a
  // booking of its own local day).
  const firstIn = of("queue.checked_in").find((e) => e.trip_id === drivers[0].trip.id);
  const today = localDate(0) === localDate(0, slot);
  assert.equal(firstIn.payload.booking_id, today ? booked[0] : null);
  // Every acknowledged call: one queue.called per vehicle called, in call order.
  assert.deepEqual(of("queue.called").map((e) => e.entity_id), calledIds);
  // Nothing else happened at this yard.
  assert.equal(events.length, booked.length + held.length + calledIds.length, `${events.map((e) => e.topic)}`);

  // Leave the yard empty for whoever comes next: every vehicle called and served.
  for (const lane of ["general", "perishable"]) await callNext(op.token, YARD, lane, 20);
  for (const e of (await queueView(op.token, YARD)).called) await serve(op.token, YARD, e.id);
});
