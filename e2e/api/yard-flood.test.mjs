// A yard's Durable Object cannot be flooded from outside: it migrates its schema once, not on
// every call; anonymous availability is answered from a few seconds' memory in the Worker
// (while a driver who just booked sees the booking at once, and so does everyone after it);
// and a socket that sends more than its heartbeat's worth is closed, while a normal heartbeat
// is still answered.
//
// The yard is dd-container (gate dong-dang-rail), used by no other test file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call } from "../lib/api.mjs";
import { freshAddress, signInAs } from "../lib/accounts.mjs";
import { availabilityResponse, book, getConfig, localDate, nextSlotStart, ownerWithTrips, slotOf } from "../lib/bookings.mjs";
import { driverWithPass } from "../lib/trips.mjs";
import { checkIn, openLive, operatorFor } from "../lib/queue.mjs";

const YARD = "dd-container";
const GATE = "dong-dang-rail";
const show = (r) => `${r.status} ${r.text.slice(0, 300)}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function status(token) {
  const r = await call(`/api/yards/${YARD}/status`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(r.status, 200, show(r));
  return r.json;
}

function anonymous(date) {
  return call(`/api/yards/${YARD}/availability?date=${date}`, { headers: { "cf-connecting-ip": freshAddress() } });
}

test("the yard's object migrates its schema once, not on every call", async () => {
  const admin = await signInAs("admin");
  const first = await status(admin.token);
  assert.equal(typeof first.schema_migrations, "number", "the status call says how often it migrated");
  assert.ok(first.schema_migrations >= 1, `migrated once: ${first.schema_migrations}`);
  const driver = await driverWithPass({ gate: GATE });
  for (let i = 0; i < 15; i += 1) {
    // Signed in: these reach the object every time.
    const r = await availabilityResponse(YARD, localDate(1 + (i % 3)), { token: driver.session.token });
    assert.equal(r.status, 200, show(r));
    assert.equal((await anonymous(localDate(1))).status, 200);
  }
  const after = await status(admin.token);
  assert.equal(after.status_calls, first.status_calls + 1);
  assert.equal(after.schema_migrations, first.schema_migrations, "no migration ran again");
});

test("a flood of anonymous availability calls is answered from memory, not by the object", async () => {
  const date = localDate(2);
  const answers = [];
  for (let i = 0; i < 30; i += 1) answers.push(await anonymous(date));
  for (const r of answers) {
    assert.equal(r.status, 200, show(r));
    assert.equal(r.headers.get("cache-control"), "no-store", "browsers and proxies still keep nothing");
  }
  const hits = answers.filter((r) => r.headers.get("x-borderpass-cache") === "hit").length;
  // The memory lasts 5 s: a slow machine may fetch again once or twice, no more.
  assert.ok(hits >= 25, `answered from memory: ${hits} of 30`);
  assert.deepEqual(answers.at(-1).json, answers[0].json);
  // A date that does not parse is refused by the Worker itself, with the object's code.
  const bad = await anonymous("2026-02-30");
  assert.equal(bad.status, 400, show(bad));
  assert.equal(bad.json.code, "invalid_window");
  // Signed-in callers always get the object's own answer.
  const operator = await signInAs("admin");
  const fresh = await availabilityResponse(YARD, date, { token: operator.token });
  assert.equal(fresh.status, 200);
  assert.equal(fresh.headers.get("x-borderpass-cache"), null);
});

test("right after a booking, the driver and everyone else see it", async () => {
  const admin = await signInAs("admin");
  const config = (await getConfig(admin.token, YARD)).json;
  const owner = await ownerWithTrips({ role: "driver", gate: GATE });
  const start = nextSlotStart(config, Date.now() + 60 * 60_000);
  const date = localDate(0, start);
  // The public answer is in memory now.
  const before = await anonymous(date);
  assert.equal(before.status, 200, show(before));
  assert.equal((await anonymous(date)).headers.get("x-borderpass-cache"), "hit");
  const booked = await book(owner.token, YARD, { trip_id: owner.trips[0].id, slot_start_ms: start });
  assert.equal(booked.status, 200, show(booked));
  const lane = booked.json.lane;
  const count = (day) => slotOf(day, start).booked[lane];
  // The driver's booking screen asks signed in: the object's own answer, with the booking.
  const mine = await availabilityResponse(YARD, date, { token: owner.token });
  assert.equal(count(mine.json), count(before.json) + 1, "the driver sees their booking at once");
  // And the memory was forgotten by the booking: anonymous callers see it too.
  const after = await anonymous(date);
  assert.equal(after.headers.get("x-borderpass-cache"), "miss");
  assert.equal(count(after.json), count(before.json) + 1);
});

test("a socket that floods the yard is closed; a heartbeat is still answered", async () => {
  const op = await operatorFor(YARD);
  const drivers = [await driverWithPass({ gate: GATE }), await driverWithPass({ gate: GATE })];
  for (const d of drivers) assert.equal((await checkIn(op.token, YARD, d.pass.code)).status, 201);
  const [quiet, noisy] = drivers.map((d) => openLive(d.session.token, d.trip.id));
  try {
    await floodAndBeat(quiet, noisy);
  } finally {
    // Open sockets would keep the test process alive.
    quiet.close();
    noisy.close();
  }
});

async function floodAndBeat(quiet, noisy) {
  assert.equal(await quiet.opened, "borderpass");
  assert.equal(await noisy.opened, "borderpass");
  await quiet.next((v) => v.entry !== null);
  await noisy.next((v) => v.entry !== null);

  const closed = new Promise((resolve) => noisy.ws.addEventListener("close", (e) => resolve(e.code)));
  const answersBefore = noisy.messages.length;
  for (let i = 0; i < 100; i += 1) noisy.ws.send("ping");
  const code = await Promise.race([closed, sleep(10_000).then(() => "still open")]);
  assert.equal(code, 1008, "the flooding socket is closed (policy violation)");
  const answered = noisy.messages.length - answersBefore;
  assert.ok(answered <= 10, `at most the budget was answered: ${answered}`);

  // The quiet phone's heartbeat is answered as ever, a few times over.
  for (let beat = 0; beat < 3; beat += 1) {
    const seen = quiet.messages.length;
    quiet.ws.send("ping");
    await quiet.next(() => quiet.messages.length > seen, 5_000);
    assert.ok(quiet.messages.length > seen, `heartbeat ${beat} answered`);
  }
}
