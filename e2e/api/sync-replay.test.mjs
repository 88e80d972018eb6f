// Replayed outbox writes on the running Worker (issue 10, hole 1): a replay is answered only for
// the write recorded under its seq; any other write sent under that seq is refused with
// `replay_mismatch`, changes nothing and is audited; side effects come only from what was
// stored, and a cancelled trip's bookings are released only for its owner, each release audited.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { get, signInAs } from "../lib/accounts.mjs";
import { clientId, listTrips, signUpOwner, sync, trip, vehicle } from "../lib/trips.mjs";
import { book, cancel, d1, getConfig, localDate, myBookings, nextSlotStart, ownerWithTrips, slotAt, yardBookings } from "../lib/bookings.mjs";

const YARD = "cm-1";
const show = (r) => `${r.status} ${r.text.slice(0, 400)}`;
const outcomes = (r) => r.json.results.map((x) => `${x.seq}:${x.outcome}${x.code ? ":" + x.code : ""}${x.replayed ? ":replayed" : ""}`);

let operator;
let admin;
let slot;
/// Bookings made here, with their owner's token, cancelled at the end.
const made = [];

before(async () => {
  operator = await signInAs("yard_operator");
  admin = await signInAs("admin");
  const config = await getConfig(operator.token, YARD);
  assert.equal(config.status, 200, show(config));
  slot = nextSlotStart(config.json);
});

/// A trader with one accepted trip through the yard's gate, booked into the next slot.
async function bookedOwner() {
  const owner = await ownerWithTrips({ role: "trader", count: 1 });
  const b = await book(owner.token, YARD, { trip_id: owner.trips[0].id, slot_start_ms: slot });
  assert.equal(b.status, 200, show(b));
  made.push([owner.token, b.json.id]);
  return { ...owner, trip: owner.trips[0], booking: b.json };
}

/// The booking as the yard's object holds it (the operator's day list) and as D1's copy says
/// (the owner's own list).
async function bookingNow(owner) {
  const day = await yardBookings(operator.token, YARD, localDate(0, slot));
  assert.equal(day.status, 200, show(day));
  const atYard = day.json.bookings.find((x) => x.id === owner.booking.id);
  const mine = await myBookings(owner.token);
  assert.equal(mine.status, 200, show(mine));
  const inCopy = mine.json.bookings.find((x) => x.id === owner.booking.id);
  return { atYard: atYard?.status, inCopy: inCopy?.status };
}

async function auditEntries() {
  const r = await get("/api/admin/audit", { token: admin.token });
  assert.equal(r.status, 200, show(r));
  return r.json.entries;
}

/// The yard's object copies changes to D1 after it answers: give a wrongful release the time to
/// show before concluding that nothing changed.
const settle = () => new Promise((r) => setTimeout(r, 500));

test("a replayed seq sent as trip.cancel of someone else's trip is refused, releases nothing and is audited", async () => {
  const victim = await bookedOwner();
  const bookedBefore = await slotAt(YARD, slot);
  const attacker = await signUpOwner("driver");
  const client = clientId();
  const first = await sync(attacker.token, client, [{ seq: 1, kind: "vehicle.register", payload: vehicle() }]);
  assert.deepEqual(outcomes(first), ["1:applied"], show(first));

  const attack = await sync(attacker.token, client, [
    { seq: 1, kind: "trip.cancel", payload: { trip_id: victim.trip.id } },
  ]);
  assert.equal(attack.status, 200, show(attack));
  await settle();
  assert.deepEqual(await bookingNow(victim), { atYard: "active", inCopy: "active" }, "the victim's booking is still active");
  assert.deepEqual((await slotAt(YARD, slot)).booked, bookedBefore.booked, "the yard's places are unchanged");
  const victimTrip = (await listTrips(victim.token)).trips.find((x) => x.id === victim.trip.id);
  assert.equal(victimTrip.status, "accepted", "the victim's trip is not cancelled");
  assert.equal(victimTrip.pass.revoked, false, "nor its pass revoked");

  assert.deepEqual(outcomes(attack), ["1:rejected:replay_mismatch:replayed"], "refused with its own code");
  assert.equal(typeof attack.json.results[0].message, "string");
  assert.equal(attack.json.last_seq, 1, "the mark stays where it was");

  const entries = await auditEntries();
  const logged = entries.find((e) => e.event === "sync_replay_mismatch" && e.actor_id === attacker.account.id);
  assert.ok(logged, "the refused replay is in the audit log");
  const detail = JSON.parse(logged.detail);
  assert.equal(detail.client_id, client);
  assert.deepEqual(detail.writes, [{ seq: 1, stored_kind: "vehicle.register", sent_kind: "trip.cancel" }]);
  assert.ok(
    !entries.some((e) => e.event === "booking_released_trip_cancelled" && e.subject === victim.booking.id),
    "no release of the victim's booking"
  );

  // A whole batch of such replays is refused write by write; the next new write still applies.
  const batch = await sync(attacker.token, client, [
    { seq: 1, kind: "trip.cancel", payload: { trip_id: victim.trip.id } },
    { seq: 2, kind: "vehicle.register", payload: vehicle() },
  ]);
  assert.deepEqual(outcomes(batch), ["1:rejected:replay_mismatch:replayed", "2:applied"], show(batch));
  assert.deepEqual(await bookingNow(victim), { atYard: "active", inCopy: "active" });
});

test("a replay of the same kind with a changed payload is refused and changes nothing", async () => {
  const owner = await signUpOwner("driver");
  const client = clientId();
  const v = vehicle();
  const t = trip(v.id);
  const first = await sync(owner.token, client, [
    { seq: 1, kind: "vehicle.register", payload: v },
    { seq: 2, kind: "trip.create", payload: t },
  ]);
  assert.deepEqual(outcomes(first), ["1:applied", "2:applied"], show(first));
  const before = await listTrips(owner.token);

  const changed = await sync(owner.token, client, [
    { seq: 1, kind: "vehicle.register", payload: { ...v, plate: "29C-123.45" } },
    { seq: 2, kind: "trip.create", payload: { ...t, weight_kg: t.weight_kg + 1 } },
  ]);
  assert.deepEqual(outcomes(changed), ["1:rejected:replay_mismatch:replayed", "2:rejected:replay_mismatch:replayed"]);
  assert.deepEqual(await listTrips(owner.token), before, "nothing changed");

  const entries = await auditEntries();
  const logged = entries.find((e) => e.event === "sync_replay_mismatch" && e.actor_id === owner.account.id);
  assert.ok(logged, "audited");
  assert.deepEqual(JSON.parse(logged.detail).writes.map((w) => w.seq), [1, 2]);
});

test("an exact replay still answers the stored outcome with replayed: true (key order does not matter)", async () => {
  const owner = await signUpOwner("driver");
  const client = clientId();
  const v = vehicle();
  const ops = [
    { seq: 1, kind: "vehicle.register", payload: v },
    { seq: 2, kind: "trip.create", payload: trip("v-nosuchvehicle22") },
  ];
  const first = await sync(owner.token, client, ops);
  assert.deepEqual(outcomes(first), ["1:applied", "2:rejected:not_found"], show(first));
  const before = await listTrips(owner.token);
  const again = await sync(owner.token, client, ops);
  assert.deepEqual(outcomes(again), ["1:applied:replayed", "2:rejected:not_found:replayed"]);
  // The same payload with its keys in another order is the same write.
  const reordered = Object.fromEntries(Object.entries(v).reverse());
  assert.notEqual(JSON.stringify(reordered), JSON.stringify(v));
  const third = await sync(owner.token, client, [{ seq: 1, kind: "vehicle.register", payload: reordered }]);
  assert.deepEqual(outcomes(third), ["1:applied:replayed"]);
  assert.deepEqual(await listTrips(owner.token), before);
});

test("the owner's cancel releases the trip's booking, audited once; an exact replay releases nothing more", async () => {
  const owner = await bookedOwner();
  const before = (await slotAt(YARD, slot)).booked;
  const client = clientId();
  const op = { seq: 1, kind: "trip.cancel", payload: { trip_id: owner.trip.id } };
  const r = await sync(owner.token, client, [op]);
  assert.deepEqual(outcomes(r), ["1:applied"], show(r));
  const day = await yardBookings(operator.token, YARD, localDate(0, slot));
  assert.equal(day.json.bookings.find((x) => x.id === owner.booking.id)?.status, "cancelled", "released at the yard");
  const lane = owner.booking.lane;
  assert.equal((await slotAt(YARD, slot)).booked[lane], before[lane] - 1, "the place is back");

  const released = (await auditEntries()).filter(
    (e) => e.event === "booking_released_trip_cancelled" && e.subject === owner.booking.id
  );
  assert.equal(released.length, 1, "the release is audited");
  assert.equal(released[0].actor_id, owner.session.account.id);
  assert.deepEqual(JSON.parse(released[0].detail), { trip_id: owner.trip.id, booking_id: owner.booking.id, yard_id: YARD });

  const replay = await sync(owner.token, client, [op]);
  assert.deepEqual(outcomes(replay), ["1:applied:replayed"]);
  await settle();
  const after = (await auditEntries()).filter(
    (e) => e.event === "booking_released_trip_cancelled" && e.subject === owner.booking.id
  );
  assert.equal(after.length, 1, "nothing released twice");
});

test("a write recorded before digests were kept is matched by its kind and repeats no side effect", async () => {
  const victim = await bookedOwner();
  const attacker = await ownerWithTrips({ role: "trader", count: 1 });
  const client = clientId();
  const own = await sync(attacker.token, client, [{ seq: 1, kind: "trip.cancel", payload: { trip_id: attacker.trips[0].id } }]);
  assert.deepEqual(outcomes(own), ["1:applied"], show(own));
  // As a row from before migration 0007: no digest, no stored trip.
  await d1(`UPDATE sync_ops SET digest = NULL, applied_trip_id = NULL WHERE client_id = '${client}'`);

  const otherKind = await sync(attacker.token, client, [{ seq: 1, kind: "vehicle.register", payload: vehicle() }]);
  assert.deepEqual(outcomes(otherKind), ["1:rejected:replay_mismatch:replayed"], "another kind is refused");
  const sameKind = await sync(attacker.token, client, [{ seq: 1, kind: "trip.cancel", payload: { trip_id: victim.trip.id } }]);
  assert.deepEqual(outcomes(sameKind), ["1:applied:replayed"], "the same kind gets the recorded outcome");
  await settle();
  assert.deepEqual(await bookingNow(victim), { atYard: "active", inCopy: "active" }, "and releases nothing");
  assert.equal((await listTrips(victim.token)).trips[0].status, "accepted");
});

test("afterwards: the bookings made here are cancelled", async () => {
  for (const [token, id] of made) {
    const r = await cancel(token, YARD, id);
    assert.ok(r.status === 200 || r.json?.code === "booking_not_active", show(r));
  }
});
