// A trip's pass and booking over its life, on the running Worker: one pass per trip is valid at
// a time (older ones are refused at check-in as superseded and listed so on the deny-list, also
// incrementally with `?since=`); a trip in one yard's queue checks in at no other; serving
// completes the trip and its pass stops verifying; a replayed booking issues nothing; a trip holds
// one booking (active or checked in) at any yard; disabling an account takes its power away
// (passes, bookings, queue entries flagged, live sockets closed).
//
// Yards: cm-1 and cm-2 (gate chi-ma). Every vehicle checked in here is served by the last test,
// so later files find those queues as they were.
import { test } from "node:test";
import assert from "node:assert/strict";
import { get, post, signInAs } from "../lib/accounts.mjs";
import { driverWithPass, listTrips } from "../lib/trips.mjs";
import { availability, book, cancel, getConfig, idemKey, localDate, nextSlotStart, ownerWithTrips, slotOf, MINUTE } from "../lib/bookings.mjs";
import { absent, callNext, checkIn, openLive, operatorFor, queueView, serve } from "../lib/queue.mjs";

const A = "cm-1";
const B = "cm-2";
const show = (r) => `${r.status} ${r.text.slice(0, 300)}`;

function assertRefused(r, status, code, what) {
  assert.equal(r.status, status, `${what}: ${show(r)}`);
  assert.equal(r.json?.code, code, `${what}: ${show(r)}`);
}

/// A driver with an accepted, declared general-cargo trip through chi-ma.
function driver() {
  return driverWithPass({
    gate: "chi-ma",
    tripOverrides: { perishable: false, cargo: "Gạch men", declaration: "123456789012" },
  });
}

async function currentPass(token, tripId) {
  return (await listTrips(token)).trips.find((t) => t.id === tripId);
}

async function denyList(query = "") {
  const officer = await signInAs("officer");
  const r = await get(`/api/revocations${query}`, { token: officer.token });
  assert.equal(r.status, 200, show(r));
  return r.json;
}

const operators = {};
async function op(yard) {
  operators[yard] ??= await operatorFor(yard);
  return operators[yard];
}

async function nextSlot(yard) {
  return nextSlotStart((await getConfig((await op(yard)).token, yard)).json);
}

test("a new pass supersedes the old ones: refused at check-in as superseded, listed so for verifiers", async () => {
  const d = await driver();
  const first = d.pass;
  const { as_of_ms: before } = await denyList();
  const slot = await nextSlot(B);
  const booked = await book(d.session.token, B, { trip_id: d.trip.id, slot_start_ms: slot });
  assert.equal(booked.status, 200, show(booked));
  const second = (await currentPass(d.session.token, d.trip.id)).pass;
  assert.notEqual(second.id, first.id, "booking issued a pass with the slot");
  const cancelled = await cancel(d.session.token, B, booked.json.id);
  assert.equal(cancelled.status, 200, show(cancelled));
  const third = (await currentPass(d.session.token, d.trip.id)).pass;
  assert.notEqual(third.id, second.id, "cancelling issued a pass without the slot");

  const operator = await op(B);
  for (const old of [first, second]) {
    const r = await checkIn(operator.token, B, old.code);
    assertRefused(r, 422, "pass_superseded", `the older pass ${old.id}`);
  }
  // The deny-list says why, in full and since an instant.
  const all = await denyList();
  for (const old of [first, second]) {
    assert.ok(all.pass_ids.includes(old.id), `${old.id} is on the deny-list`);
    assert.equal(all.revoked.find((x) => x.pass_id === old.id)?.reason, "superseded");
  }
  assert.ok(!all.pass_ids.includes(third.id), "the newest pass is not");
  const since = await denyList(`?since=${before}`);
  assert.deepEqual(
    since.revoked.map((x) => x.pass_id).sort(),
    [first.id, second.id].sort(),
    "only what was revoked since"
  );
  assert.ok(since.as_of_ms >= before);
  const nothingNew = await denyList(`?since=${all.as_of_ms + 1}`);
  assert.ok(!nothingNew.pass_ids.some((id) => id === first.id || id === second.id), "nothing older comes again");
  const officer = await signInAs("officer");
  assertRefused(await get("/api/revocations?since=yesterday", { token: officer.token }), 400, "malformed_body", "a bad since");

  // The newest pass checks in.
  const ok = await checkIn(operator.token, B, third.code);
  assert.equal(ok.status, 201, show(ok));
});

test("a trip in one yard's queue cannot check in at another", async () => {
  const d = await driver();
  const atA = await checkIn((await op(A)).token, A, d.pass.code);
  assert.equal(atA.status, 201, show(atA));
  const atB = await checkIn((await op(B)).token, B, d.pass.code);
  assertRefused(atB, 409, "trip_queued_elsewhere", "queued at cm-1, scanned at cm-2");
  const view = await queueView((await op(B)).token, B);
  assert.ok(!view.lanes.flatMap((l) => l.waiting).some((e) => e.trip_id === d.trip.id), "nothing placed at cm-2");
});

test("serving completes the trip: its pass is revoked as completed and checks in nowhere", async () => {
  const d = await driver();
  const operator = await op(A);
  const checked = await checkIn(operator.token, A, d.pass.code);
  assert.equal(checked.status, 201, show(checked));
  await callNext(operator.token, A, "general", 20);
  const served = await serve(operator.token, A, checked.json.entry.id);
  assert.equal(served.status, 200, show(served));
  const trip = await currentPass(d.session.token, d.trip.id);
  assert.equal(trip.status, "completed");
  const deny = await denyList();
  assert.equal(deny.revoked.find((x) => x.pass_id === d.pass.id)?.reason, "completed");
  const again = await checkIn((await op(B)).token, B, d.pass.code);
  assertRefused(again, 422, "pass_not_valid", "a completed trip's pass at another yard");
});

test("a replayed booking after its cancellation issues no pass and books nothing", async () => {
  const d = await driver();
  const slot = await nextSlot(B);
  const key = idemKey();
  const booked = await book(d.session.token, B, { trip_id: d.trip.id, slot_start_ms: slot }, { key });
  assert.equal(booked.status, 200, show(booked));
  assert.equal((await cancel(d.session.token, B, booked.json.id)).status, 200);
  const afterCancel = (await currentPass(d.session.token, d.trip.id)).pass;
  const replay = await book(d.session.token, B, { trip_id: d.trip.id, slot_start_ms: slot }, { key });
  assert.equal(replay.status, 200, show(replay));
  assert.deepEqual(replay.json, booked.json, "the first answer again");
  const afterReplay = (await currentPass(d.session.token, d.trip.id)).pass;
  assert.equal(afterReplay.id, afterCancel.id, "no pass was issued by the replay");
  assert.equal(afterReplay.revoked, false);
  const mine = (await get("/api/bookings", { token: d.session.token })).json.bookings.filter((b) => b.trip_id === d.trip.id);
  assert.deepEqual(mine.map((b) => b.status), ["cancelled"]);
  // The trip's one booking is free again: a new request books it.
  const rebooked = await book(d.session.token, B, { trip_id: d.trip.id, slot_start_ms: slot });
  assert.equal(rebooked.status, 200, show(rebooked));
  assert.equal((await cancel(d.session.token, B, rebooked.json.id)).status, 200);
});

test("a checked-in trip cannot be booked again, at the same yard or another; its own retry still answers", async () => {
  const d = await driver();
  const slot = await nextSlot(B);
  const key = idemKey();
  const booked = await book(d.session.token, B, { trip_id: d.trip.id, slot_start_ms: slot }, { key });
  assert.equal(booked.status, 200, show(booked));
  const pass = (await currentPass(d.session.token, d.trip.id)).pass;
  const checked = await checkIn((await op(B)).token, B, pass.code, { now: slot + 5 * MINUTE });
  assert.equal(checked.status, 201, show(checked));
  assert.equal(checked.json.entry.priority, "booked");

  const later = slot + 60 * MINUTE;
  const configB = (await getConfig((await op(B)).token, B)).json;
  const sameYard = await book(d.session.token, B, { trip_id: d.trip.id, slot_start_ms: nextSlotStart(configB, later) }, { now: slot + 5 * MINUTE });
  assertRefused(sameYard, 409, "trip_already_booked", "again at cm-2");
  const configA = (await getConfig((await op(A)).token, A)).json;
  const otherYard = await book(d.session.token, A, { trip_id: d.trip.id, slot_start_ms: nextSlotStart(configA, later) }, { now: slot + 5 * MINUTE });
  assertRefused(otherYard, 409, "trip_already_booked", "again at cm-1");
  // The first request's retry gets its first answer and issues nothing.
  const retry = await book(d.session.token, B, { trip_id: d.trip.id, slot_start_ms: slot }, { key });
  assert.equal(retry.status, 200, show(retry));
  assert.equal(retry.json.id, booked.json.id);
  assert.equal((await currentPass(d.session.token, d.trip.id)).pass.id, pass.id, "the retry issued no pass");
  const mine = (await get("/api/bookings", { token: d.session.token })).json.bookings.filter((b) => b.trip_id === d.trip.id);
  assert.deepEqual(mine.map((b) => b.status), ["checked_in"], "one booking, checked in");
});

test("two bookings of one trip at two yards at once: exactly one is taken", async () => {
  const d = await driver();
  const [slotA, slotB] = [await nextSlot(A), await nextSlot(B)];
  const answers = await Promise.all([
    book(d.session.token, A, { trip_id: d.trip.id, slot_start_ms: slotA }),
    book(d.session.token, B, { trip_id: d.trip.id, slot_start_ms: slotB }),
    book(d.session.token, B, { trip_id: d.trip.id, slot_start_ms: slotB }),
  ]);
  const taken = answers.filter((r) => r.status === 200);
  assert.equal(taken.length, 1, answers.map(show).join("\n"));
  for (const r of answers.filter((r) => r.status !== 200)) assertRefused(r, 409, "trip_already_booked", "the losers");
  const yard = taken[0].json.slot.yard;
  assert.equal((await cancel(d.session.token, yard, taken[0].json.id)).status, 200);
});

test("disabling an account revokes its passes, frees its bookings, flags its queue entries and closes its sockets", async () => {
  const owner = await ownerWithTrips({ role: "driver", count: 2, gate: "chi-ma" });
  const [tBooked, tQueued] = owner.trips;
  const slot = await nextSlot(B);
  const date = localDate(0, slot);
  const placesBefore = slotOf(await availability(B, date), slot).booked.general;
  const booked = await book(owner.token, B, { trip_id: tBooked.id, slot_start_ms: slot });
  assert.equal(booked.status, 200, show(booked));
  assert.equal(slotOf(await availability(B, date), slot).booked.general, placesBefore + 1);
  const passes = Object.fromEntries(
    (await listTrips(owner.token)).trips.map((t) => [t.id, t.pass])
  );
  const checked = await checkIn((await op(A)).token, A, passes[tQueued.id].code);
  assert.equal(checked.status, 201, show(checked));
  const live = openLive(owner.token, tQueued.id);
  await live.opened;
  await live.next((v) => v.entry?.status === "waiting");
  const closed = new Promise((resolve) => live.ws.addEventListener("close", (e) => resolve(e.code)));

  const admin = await signInAs("admin");
  const disabled = await post(`/api/admin/accounts/${owner.session.account.id}/disable`, undefined, { token: admin.token });
  assert.equal(disabled.status, 200, show(disabled));
  assert.equal(disabled.json.disabled, true);

  // Its passes: revoked, with the reason.
  const deny = await denyList();
  for (const t of owner.trips) {
    assert.equal(deny.revoked.find((x) => x.pass_id === passes[t.id].id)?.reason, "disabled", t.id);
  }
  assertRefused(await checkIn((await op(B)).token, B, passes[tBooked.id].code), 422, "pass_not_valid", "a disabled account's pass");
  // Its booking: released, the place free again, audited.
  assert.equal(slotOf(await availability(B, date), slot).booked.general, placesBefore, "the place is free again");
  const day = await get(`/api/yards/${B}/bookings?date=${date}`, { token: (await op(B)).token });
  assert.equal(day.json.bookings.find((b) => b.id === booked.json.id)?.status, "cancelled");
  const audit = await get("/api/admin/audit", { token: admin.token });
  const released = audit.json.entries.find((e) => e.event === "booking_released" && e.detail.includes(booked.json.id));
  assert.ok(released, "the release is audited");
  assert.match(released.detail, /account_disabled/);
  // Its vehicle in the queue stays there, flagged for the operator.
  const view = await queueView((await op(A)).token, A);
  const entry = view.lanes.flatMap((l) => l.waiting).find((e) => e.trip_id === tQueued.id);
  assert.ok(entry, "still in the queue");
  assert.equal(entry.account_disabled, true);
  // Its live socket is closed.
  // The yard's object closes it (the close handshake may still be under way: CLOSING or CLOSED).
  const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r("open"), 10_000))]);
  assert.ok(code !== "open" || live.ws.readyState >= WebSocket.CLOSING, `the socket was closed (state ${live.ws.readyState})`);
});

test("afterwards: the vehicles checked in here leave the queues (cm-1: served; cm-2: no-shows, its served figure untouched)", async () => {
  const general = (view) => view.lanes.flatMap((l) => l.waiting);
  const a = await op(A);
  for (let round = 0; round < 5; round += 1) {
    const view = await queueView(a.token, A);
    for (const e of view.called) await serve(a.token, A, e.id);
    if (!general(view).length) break;
    for (const lane of ["general", "perishable"]) await callNext(a.token, A, lane, 20);
  }
  const b = await op(B);
  let t = Date.now();
  for (let round = 0; round < 6; round += 1) {
    const view = await queueView(b.token, B, { now: t });
    for (const e of view.called) await absent(b.token, B, e.id, { now: t + 6 * MINUTE });
    t += 6 * MINUTE;
    if (!general(view).length && !view.called.length) break;
    for (const lane of ["general", "perishable"]) await callNext(b.token, B, lane, 20, { now: t });
  }
  for (const [yard, operator] of [[A, a], [B, b]]) {
    const view = await queueView(operator.token, yard, { now: t });
    assert.deepEqual([general(view).length, view.called.length], [0, 0], yard);
  }
});
