// The yard queue on the running Worker: check-in by a real signed pass, booked vehicles before
// walk-ins, calls, served, absent (back of the lane, then no-show), moves with a reason
// (audited), every refusal with its code and nothing changed; 200 check-ins interleaved with
// calls keep positions consistent; offline check-ins from operators' outboxes are placed by scan
// time and applied once; drivers hear of a call over their WebSocket; the public board; nothing
// acknowledged is lost when the runtime restarts.
//
// Each test has a yard of its own: hn-export-1 and hn-fruit (gate huu-nghi), tt-general and
// tt-fruit (tan-thanh). Passes are issued for trips in the next hours, so scans use real time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { get, post, signInAs } from "../lib/accounts.mjs";
import { clientId, driverWithPass, listTrips, signUpOwner, sync } from "../lib/trips.mjs";
import { book, getConfig, nextSlotStart, ownerWithTrips, MINUTE } from "../lib/bookings.mjs";
import {
  absent,
  board,
  callNext,
  checkIn,
  lanePlates,
  move,
  openLive,
  operatorFor,
  queueView,
  serve,
  tripQueue,
} from "../lib/queue.mjs";
import { restartWorker, workerSettings } from "../lib/worker.mjs";

const show = (r) => `${r.status} ${r.text.slice(0, 300)}`;

function assertRefused(r, status, code, what) {
  assert.equal(r.status, status, `${what}: ${show(r)}`);
  assert.equal(r.json?.code, code, `${what}: ${show(r)}`);
}

/// A driver with an accepted general-cargo trip at `gate` (declared, so it can be booked).
function driver(gate = "huu-nghi", overrides = {}) {
  return driverWithPass({ gate, tripOverrides: { perishable: false, cargo: "Gạch men", declaration: "123456789012", ...overrides } });
}

/// The same pass with one Base45 character changed in the middle of the signature.
function tampered(code) {
  const i = code.length - 20;
  const c = code[i] === "A" ? "B" : "A";
  return code.slice(0, i) + c + code.slice(i + 1);
}

test("check in by pass, call, serve, absent and move; every refusal changes nothing", async () => {
  const YARD = "hn-export-1";
  const op = await operatorFor(YARD);
  const [a, b, c] = [await driver(), await driver(), await driver()];
  const perishable = await driverWithPass({ tripOverrides: { perishable: true } });

  const ca = await checkIn(op.token, YARD, a.pass.code);
  assert.equal(ca.status, 201, show(ca));
  assert.equal(ca.json.entry.plate, a.vehicle.plate);
  assert.equal(ca.json.entry.priority, "walk_in");
  assert.equal(ca.json.position, 1);
  assert.equal((await checkIn(op.token, YARD, b.pass.code)).json.position, 2);
  assert.equal((await checkIn(op.token, YARD, c.pass.code)).json.position, 3);
  const cp = await checkIn(op.token, YARD, perishable.pass.code);
  assert.equal(cp.json.entry.lane, "perishable");
  assert.equal(cp.json.position, 1, "perishables have their own lane");

  // Refusals, each with its code; the queue is the same afterwards.
  const before = await queueView(op.token, YARD);
  assertRefused(await checkIn(op.token, YARD, a.pass.code), 409, "already_checked_in", "a second check-in");
  const bad = await checkIn(op.token, YARD, "BP1:NOT-A-PASS");
  assertRefused(bad, 422, "pass_not_valid", "not a pass");
  assert.match(bad.json.message, /malformed/);
  const forged = await checkIn(op.token, YARD, tampered((await driver()).pass.code));
  assertRefused(forged, 422, "pass_not_valid", "an altered pass");
  const elsewhere = await driver("tan-thanh");
  const wrongGate = await checkIn(op.token, YARD, elsewhere.pass.code);
  assertRefused(wrongGate, 422, "pass_not_valid", "a pass for another gate");
  assert.match(wrongGate.json.message, /wrong_gate/);
  const cancelled = await driver();
  const cancelWrite = await sync(cancelled.session.token, clientId(), [
    { seq: 1, kind: "trip.cancel", payload: { trip_id: cancelled.trip.id } },
  ]);
  assert.equal(cancelWrite.json.results[0].outcome, "applied", show(cancelWrite));
  const revoked = await checkIn(op.token, YARD, cancelled.pass.code);
  assertRefused(revoked, 422, "pass_not_valid", "a revoked pass");
  assert.match(revoked.json.message, /revoked/);
  const late = await checkIn(op.token, YARD, (await driver()).pass.code, { scannedAt: Date.now() + 60 * MINUTE });
  assertRefused(late, 400, "invalid_queue_request", "a scan in the future");
  assertRefused(await callNext(op.token, YARD, "general", 0), 400, "invalid_queue_request", "calling none");
  assertRefused(await callNext(op.token, YARD, "general", 21), 400, "invalid_queue_request", "calling 21");
  const waitingA = before.lanes.find((l) => l.lane === "general").waiting[0];
  assertRefused(await serve(op.token, YARD, waitingA.id), 409, "queue_entry_not_called", "serving a waiting vehicle");
  assertRefused(await absent(op.token, YARD, waitingA.id), 409, "queue_entry_not_called", "absent while waiting");
  assertRefused(await serve(op.token, YARD, "q-0000000000"), 404, "not_found", "an unknown vehicle");
  assertRefused(await serve(op.token, YARD, "Q 1"), 400, "invalid_id", "a malformed id");
  assertRefused(await move(op.token, YARD, waitingA.id, 2, " "), 400, "invalid_queue_request", "a move without reason");
  // Another yard's operator sees and touches nothing here.
  const otherOp = await operatorFor("hn-fruit");
  assertRefused(await callNext(otherOp.token, YARD, "general", 1), 403, "forbidden", "another yard's operator");
  const after = await queueView(op.token, YARD);
  assert.deepEqual(after.lanes, before.lanes, "refusals changed nothing");

  // A driver sees their own place, never someone else's.
  const mine = await tripQueue(b.session.token, b.trip.id);
  assert.equal(mine.status, 200, show(mine));
  assert.deepEqual([mine.json.entry.position, mine.json.entry.ahead, mine.json.waiting.general], [2, 1, 3]);
  assertRefused(await tripQueue(a.session.token, b.trip.id), 403, "forbidden", "someone else's trip");
  const nowhere = await driver();
  assertRefused(await tripQueue(nowhere.session.token, nowhere.trip.id), 404, "not_found", "a trip at no yard");

  // The operator moves c to the front, with a reason: audited.
  const entryC = after.lanes.find((l) => l.lane === "general").waiting[2];
  const moved = await move(op.token, YARD, entryC.id, 1, "xe chở hàng ưu tiên của tỉnh");
  assert.equal(moved.status, 200, show(moved));
  assert.deepEqual(lanePlates(await queueView(op.token, YARD), "general"), [c.vehicle.plate, a.vehicle.plate, b.vehicle.plate]);
  const admin = await signInAs("admin");
  const audit = await get("/api/admin/audit", { token: admin.token });
  const entry = audit.json.entries.find((e) => e.event === "queue_reordered" && e.detail.includes(entryC.id));
  assert.ok(entry, "the move is in the audit log");
  assert.match(entry.detail, /ưu tiên/);

  // Call two: c and a. The empty perishable lane after one call.
  const called = await callNext(op.token, YARD, "general", 2);
  assert.deepEqual(called.json.called.map((e) => e.plate), [c.vehicle.plate, a.vehicle.plate]);
  assert.equal((await callNext(op.token, YARD, "perishable", 1)).status, 200);
  assertRefused(await callNext(op.token, YARD, "perishable", 1), 409, "queue_empty", "an empty lane");
  assert.equal((await tripQueue(a.session.token, a.trip.id)).json.entry.status, "called");
  assert.equal((await tripQueue(b.session.token, b.trip.id)).json.entry.position, 1, "b moved up");

  // c is served; a did not come: too soon, then after five minutes back of the lane, then a no-show.
  const served = await serve(op.token, YARD, entryC.id);
  assert.equal(served.json.status, "served");
  // Served completes the trip: its pass is revoked and checks in nowhere again.
  const servedAgain = await checkIn(op.token, YARD, c.pass.code);
  assertRefused(servedAgain, 422, "pass_not_valid", "a served vehicle again");
  assert.match(servedAgain.json.message, /revoked \(completed\)/);
  const idA = waitingA.id;
  assertRefused(await absent(op.token, YARD, idA), 409, "queue_call_too_recent", "absent right after the call");
  const back = await absent(op.token, YARD, idA, { now: Date.now() + 6 * MINUTE });
  assert.equal(back.status, 200, show(back));
  assert.deepEqual([back.json.status, back.json.priority, back.json.absences], ["waiting", "walk_in", 1]);
  assert.deepEqual(lanePlates(await queueView(op.token, YARD), "general"), [b.vehicle.plate, a.vehicle.plate]);
  await callNext(op.token, YARD, "general", 2);
  const gone = await absent(op.token, YARD, idA, { now: Date.now() + 12 * MINUTE });
  assert.equal(gone.json.status, "no_show");
  assert.equal((await tripQueue(a.session.token, a.trip.id)).json.entry.status, "no_show");

  // The day's figures reach the public board.
  const yard = (await board()).yards.find((y) => y.yard_id === YARD);
  assert.equal(yard.gate_id, "huu-nghi");
  assert.equal(yard.stats.served_today, 1);
  assert.ok(yard.stats.chart.length >= 1);
  assert.equal(yard.stats.lanes.find((l) => l.lane === "general").called, 1, "b is called");
});

test("a booked vehicle goes before walk-ins; a pass booked at another yard is refused", async () => {
  const YARD = "hn-fruit";
  const op = await operatorFor(YARD);
  const walkIn = await driver();
  assert.equal((await checkIn(op.token, YARD, walkIn.pass.code)).status, 201);

  // A booking here for the next slot: the re-issued pass carries it.
  const booked = await driver();
  const config = (await getConfig(op.token, YARD)).json;
  const slot = nextSlotStart(config);
  const r = await book(booked.session.token, YARD, { trip_id: booked.trip.id, slot_start_ms: slot });
  assert.equal(r.status, 200, show(r));
  const pass = (await listTrips(booked.session.token)).trips.find((t) => t.id === booked.trip.id).pass.code;
  // It arrives five minutes into its slot (on the test clock: the slot may be tomorrow).
  const cb = await checkIn(op.token, YARD, pass, { now: slot + 5 * MINUTE });
  assert.equal(cb.status, 201, show(cb));
  assert.equal(cb.json.entry.priority, "booked");
  assert.equal(cb.json.entry.booking_id, r.json.id);
  assert.equal(cb.json.position, 1, "ahead of the walk-in who came first");
  assert.deepEqual(lanePlates(await queueView(op.token, YARD), "general"), [booked.vehicle.plate, walkIn.vehicle.plate]);
  // The booking is checked in: never released as a no-show.
  const mine = (await get("/api/bookings", { token: booked.session.token })).json.bookings.find((x) => x.id === r.json.id);
  assert.equal(mine.status, "checked_in");

  // The same pass at another yard of the gate.
  const other = await operatorFor("hn-import");
  assertRefused(await checkIn(other.token, "hn-import", pass), 409, "queue_wrong_yard", "booked elsewhere");
});

test("a scan made in time but sent after the grace period keeps its booking and its place", async () => {
  const YARD = "hn-import";
  const op = await operatorFor(YARD);
  const d = await driver();
  const config = (await getConfig(op.token, YARD)).json;
  const slot = nextSlotStart(config);
  const booked = await book(d.session.token, YARD, { trip_id: d.trip.id, slot_start_ms: slot });
  assert.equal(booked.status, 200, show(booked));
  const pass = (await listTrips(d.session.token)).trips.find((t) => t.id === d.trip.id).pass.code;
  const graceEnd = slot + (config.slot_minutes + config.no_show.grace_minutes) * MINUTE;
  const later = graceEnd + 20 * MINUTE;
  // By the time the operator's phone is back online the yard has released the booking.
  await queueView(op.token, YARD, { now: later });
  const released = (await get("/api/bookings", { token: d.session.token })).json.bookings.find((x) => x.id === booked.json.id);
  assert.equal(released.status, "no_show");
  // The phone scanned the pass five minutes before the grace period ended.
  const r = await post(
    "/api/sync",
    { client_id: clientId(), ops: [{ seq: 1, kind: "queue.check_in", payload: { yard_id: YARD, pass, scanned_at_ms: graceEnd - 5 * MINUTE } }] },
    { token: op.token, headers: { "x-test-now-ms": String(later) } }
  );
  assert.deepEqual(r.json.results.map((x) => x.outcome), ["applied"], show(r));
  const entry = (await queueView(op.token, YARD, { now: later })).lanes.flatMap((l) => l.waiting).find((e) => e.trip_id === d.trip.id);
  assert.equal(entry.priority, "booked");
  const kept = (await get("/api/bookings", { token: d.session.token })).json.bookings.find((x) => x.id === booked.json.id);
  assert.equal(kept.status, "checked_in", "the no-show is taken back");
  // An online check-in cannot be back-dated (that would be an unaudited move).
  const backdated = await checkIn(op.token, YARD, (await driver()).pass.code, { scannedAt: Date.now() - 60 * MINUTE });
  assertRefused(backdated, 400, "invalid_queue_request", "a back-dated online check-in");
});

test("200 check-ins with calls and services interleaved keep every place unique and gapless", async () => {
  const YARD = "tt-general";
  const op = await operatorFor(YARD);
  const owner = await ownerWithTrips({ role: "trader", count: 200, gate: "tan-thanh", perishable: (i) => i % 4 === 0 });
  const passes = new Map((await listTrips(owner.token)).trips.map((t) => [t.id, t.pass.code]));
  assert.equal(passes.size, 200);
  const codes = owner.trips.map((t) => passes.get(t.id));
  let checkedIn = 0;
  const calledIds = [];
  for (let from = 0; from < codes.length; from += 20) {
    const results = await Promise.all(codes.slice(from, from + 20).map((code) => checkIn(op.token, YARD, code)));
    for (const r of results) assert.equal(r.status, 201, show(r));
    checkedIn += results.length;
    // Between batches: call some of each lane and serve the first called.
    const [general, perishable] = await Promise.all([
      callNext(op.token, YARD, "general", 3),
      callNext(op.token, YARD, "perishable", 1),
    ]);
    for (const c of [...general.json.called, ...perishable.json.called]) calledIds.push(c.id);
    const first = calledIds.shift();
    assert.equal((await serve(op.token, YARD, first)).status, 200);
    const view = await queueView(op.token, YARD);
    const waiting = view.lanes.flatMap((l) => l.waiting);
    const ids = new Set(waiting.map((e) => e.id));
    assert.equal(ids.size, waiting.length, "a vehicle waits once");
    for (const lane of view.lanes) {
      for (const e of lane.waiting) assert.equal(e.lane, lane.lane);
      for (const e of lane.waiting) assert.equal(e.status, "waiting");
    }
    const called = view.called.length;
    const servedToday = view.stats.served_today;
    assert.equal(waiting.length + called + servedToday, checkedIn, "nobody lost or doubled");
  }
  // Every waiting driver's own view agrees with the operator's lanes (a sample of each lane).
  const view = await queueView(op.token, YARD);
  for (const lane of view.lanes) {
    for (const [i, e] of lane.waiting.entries()) {
      if (i % 15 !== 0) continue;
      const r = await tripQueue(owner.token, e.trip_id);
      assert.equal(r.json.entry.position, i + 1, `${lane.lane} ${i}`);
      assert.equal(r.json.entry.ahead, i);
    }
  }
});

test("offline check-ins from operators' outboxes take their place by scan time, exactly once", async () => {
  const YARD = "tt-fruit";
  const op = await operatorFor(YARD);
  const phone1 = clientId();
  const phone2 = clientId();
  const [a, b, c, d] = [await driver("tan-thanh"), await driver("tan-thanh"), await driver("tan-thanh"), await driver("tan-thanh")];
  const now = Date.now();
  // d is checked in online now; the phones were offline and scanned earlier.
  assert.equal((await checkIn(op.token, YARD, d.pass.code)).status, 201);
  const op1 = (seq, who, minutesAgo) => ({
    seq,
    kind: "queue.check_in",
    payload: { yard_id: YARD, pass: who.pass.code, scanned_at_ms: now - minutesAgo * MINUTE },
  });
  const first = await sync(op.token, phone1, [op1(1, a, 10), op1(2, c, 3)]);
  assert.equal(first.status, 200, show(first));
  assert.deepEqual(first.json.results.map((r) => r.outcome), ["applied", "applied"]);
  const second = await sync(op.token, phone2, [op1(1, b, 7), { ...op1(2, a, 1) }, op1(3, { pass: { code: "BP1:XX" } }, 1)]);
  assert.deepEqual(second.json.results.map((r) => [r.outcome, r.code ?? null]), [
    ["applied", null],
    ["rejected", "already_checked_in"],
    ["rejected", "pass_not_valid"],
  ]);
  assert.deepEqual(lanePlates(await queueView(op.token, YARD), "general"), [a, b, c, d].map((x) => x.vehicle.plate));
  // A replay (the answer was lost) changes nothing and gets the first answers.
  const replay = await sync(op.token, phone1, [op1(1, a, 10), op1(2, c, 3)]);
  assert.deepEqual(replay.json.results.map((r) => [r.outcome, r.replayed]), [["applied", true], ["applied", true]]);
  assert.equal((await queueView(op.token, YARD)).lanes.find((l) => l.lane === "general").waiting.length, 4);
  // Check-ins are the yard operator's: a driver's outbox cannot carry one; another yard's
  // operator cannot check in here.
  const driverWrite = await sync(a.session.token, clientId(), [op1(1, a, 1)]);
  assert.deepEqual([driverWrite.json.results[0].outcome, driverWrite.json.results[0].code], ["rejected", "forbidden"]);
  const otherOp = await operatorFor("tt-general");
  const foreign = await sync(otherOp.token, clientId(), [op1(1, (await driver("tan-thanh")), 1)]);
  assert.deepEqual([foreign.json.results[0].outcome, foreign.json.results[0].code], ["rejected", "forbidden"]);
  // And an operator's outbox carries nothing but check-ins.
  const vehicleWrite = await sync(op.token, clientId(), [{ seq: 1, kind: "vehicle.register", payload: {} }]);
  assert.deepEqual([vehicleWrite.json.results[0].outcome, vehicleWrite.json.results[0].code], ["rejected", "forbidden"]);
});

test("a called driver hears it over the live connection; strangers cannot listen; nothing is lost on restart", async () => {
  const YARD = "cn-1";
  const op = await operatorFor(YARD);
  const drivers = [await driver("coc-nam"), await driver("coc-nam"), await driver("coc-nam")];
  for (const x of drivers) assert.equal((await checkIn(op.token, YARD, x.pass.code)).status, 201);
  const lives = drivers.map((x) => openLive(x.session.token, x.trip.id));
  for (const l of lives) assert.equal(await l.opened, "borderpass");
  const firstView = await lives[2].next((v) => v.entry?.position === 3);
  assert.equal(firstView.view.entry.status, "waiting");

  const sent = performance.now();
  assert.equal((await callNext(op.token, YARD, "general", 1)).status, 200);
  const heard = await lives[0].next((v) => v.entry?.status === "called");
  assert.ok(heard.at - sent < 10_000);
  // The others hear that they moved up.
  assert.equal((await lives[2].next((v) => v.entry?.position === 2)).view.entry.ahead, 1);

  // A stranger (someone else's trip) and a bad token are refused before any socket opens.
  const stranger = await signUpOwner("driver");
  await assert.rejects(openLive(stranger.token, drivers[1].trip.id).opened);
  await assert.rejects(openLive("0".repeat(64), drivers[1].trip.id).opened);
  for (const l of lives) l.close();

  if (!workerSettings()) return;
  const before = await queueView(op.token, YARD);
  await restartWorker();
  const after = await queueView(op.token, YARD);
  assert.deepEqual(after.lanes, before.lanes, "the queue survived the restart");
  assert.deepEqual(after.called.map((e) => e.id), before.called.map((e) => e.id));
  // And the live connection works again after it.
  const again = openLive(drivers[1].session.token, drivers[1].trip.id);
  assert.equal(await again.opened, "borderpass");
  assert.equal((await again.next((v) => v.entry !== null)).view.entry.position, 1);
  again.close();
});
