// The Worker's domain events on the running Worker: every accepted write leaves exactly its typed,
// versioned event in the edge outbox, committed with the change (`shared::event`,
// `edge/src/outbox.rs`); a refused write leaves none and a replay adds none.
import { test } from "node:test";
import assert from "node:assert/strict";
import { post, signInAs } from "../lib/accounts.mjs";
import { book, d1, getConfig, nextSlotStart, ownerWithTrips } from "../lib/bookings.mjs";
import { callNext, checkIn, operatorFor, serve } from "../lib/queue.mjs";
import { verifyVehicle } from "../lib/plates.mjs";
import { clientId, driverWithPass, listTrips, signUpOwner, sync, trip, vehicle } from "../lib/trips.mjs";

const outcomes = (r) => r.json.results.map((x) => `${x.seq}:${x.outcome}${x.code ? ":" + x.code : ""}${x.replayed ? ":replayed" : ""}`);

/// The outbox rows about any of `ids` (as entity or trip), oldest first, each with its payload
/// parsed and checked against the row: one typed event per row.
async function eventsAbout(...ids) {
  const list = ids.map((id) => `'${id}'`).join(", ");
  const rows = await d1(
    `SELECT event_id, version, topic, entity_id, trip_id, payload, created_at_ms FROM edge_outbox
     WHERE entity_id IN (${list}) OR trip_id IN (${list}) ORDER BY id`
  );
  return rows.map((row) => {
    const event = JSON.parse(row.payload);
    assert.equal(event.v, 1, `${row.topic}: version 1`);
    assert.equal(row.version, 1);
    assert.equal(event.type, row.topic, "the row's topic is the event's type");
    assert.equal(event.id, row.event_id, "the row is keyed by the event's id");
    assert.equal(event.at_ms, row.created_at_ms);
    return { ...event, entity_id: row.entity_id, row_trip_id: row.trip_id };
  });
}

const topics = (events) => events.map((e) => e.type);

test("each accepted write of a trip's life leaves exactly its event, and its pass's", async () => {
  const owner = await signUpOwner();
  const client = clientId();
  const v = vehicle();
  const t = trip(v.id);
  const r = await sync(owner.token, client, [
    { seq: 1, kind: "vehicle.register", payload: v },
    { seq: 2, kind: "trip.create", payload: t },
  ]);
  assert.deepEqual(outcomes(r), ["1:applied", "2:applied"]);
  const pass = (await listTrips(owner.token)).trips[0].pass;

  const [registered] = await eventsAbout(v.id);
  assert.equal(registered.type, "vehicle.registered");
  assert.equal(registered.vehicle_id, v.id);
  assert.equal(registered.account_id, owner.account.id);
  assert.equal(registered.plate, v.plate);
  assert.equal((await eventsAbout(v.id)).length, 1);

  const created = await eventsAbout(t.id, pass.id);
  assert.deepEqual(topics(created), ["trip.accepted", "pass.issued"]);
  const [accepted, issued] = created;
  assert.equal(accepted.trip_id, t.id);
  assert.equal(accepted.row_trip_id, t.id, "a trip's event is filed under its trip");
  assert.equal(accepted.vehicle_id, v.id);
  assert.equal(accepted.gate, t.gate_id);
  assert.equal(accepted.weight_kg, t.weight_kg);
  assert.equal(accepted.window_from_ms, t.window_from_ms);
  assert.equal(accepted.window_to_ms, t.window_until_ms);
  assert.equal(issued.pass_id, pass.id);
  assert.equal(issued.entity_id, pass.id);
  assert.equal(issued.kind, "trip");
  assert.equal(issued.subject, t.id);
  assert.equal(issued.valid_from_ms, pass.valid_from * 1000);
  assert.equal(issued.valid_until_ms, pass.valid_until * 1000);

  const later = await sync(owner.token, client, [
    { seq: 3, kind: "trip.set_declaration", payload: { trip_id: t.id, declaration: "1234 5678 9012" } },
    { seq: 4, kind: "trip.cancel", payload: { trip_id: t.id } },
  ]);
  assert.deepEqual(outcomes(later), ["3:applied", "4:applied"]);
  const all = await eventsAbout(t.id, pass.id);
  assert.deepEqual(topics(all), ["trip.accepted", "pass.issued", "trip.declaration_set", "trip.cancelled", "pass.revoked"]);
  const [, , declared, cancelled, revoked] = all;
  assert.deepEqual([declared.trip_id, declared.declaration], [t.id, "123456789012"]);
  assert.equal(cancelled.trip_id, t.id);
  assert.equal(cancelled.at_ms, revoked.at_ms, "the cancel and its pass's revocation commit together");
  assert.deepEqual([revoked.pass_id, revoked.subject, revoked.reason], [pass.id, t.id, "cancelled"]);
  assert.equal(revoked.id, `pass-${pass.id}-revoked`);

  // The whole lost answer sent again: replays, and nothing more recorded.
  const again = await sync(owner.token, client, [
    { seq: 1, kind: "vehicle.register", payload: v },
    { seq: 2, kind: "trip.create", payload: t },
    { seq: 3, kind: "trip.set_declaration", payload: { trip_id: t.id, declaration: "1234 5678 9012" } },
    { seq: 4, kind: "trip.cancel", payload: { trip_id: t.id } },
  ]);
  assert.deepEqual(outcomes(again), ["1:applied:replayed", "2:applied:replayed", "3:applied:replayed", "4:applied:replayed"]);
  assert.equal((await eventsAbout(v.id, t.id, pass.id)).length, 6);
});

test("a refused write leaves no event", async () => {
  const { session, vehicle: v, trip: t, pass } = await driverWithPass();
  const before = await eventsAbout(v.id, t.id, pass.id);
  assert.deepEqual(topics(before), ["vehicle.registered", "trip.accepted", "pass.issued"]);

  const stranger = await signUpOwner("trader");
  const theirs = await sync(stranger.token, clientId(), [
    { seq: 1, kind: "trip.cancel", payload: { trip_id: t.id } },
    { seq: 2, kind: "trip.set_declaration", payload: { trip_id: t.id, declaration: "123456789012" } },
  ]);
  assert.deepEqual(outcomes(theirs), ["1:rejected:not_found", "2:rejected:not_found"]);

  const twin = vehicle({ plate: v.plate });
  const late = trip(v.id, { window_from_ms: Date.now() - 9 * 3_600_000, window_until_ms: Date.now() - 5 * 3_600_000 });
  const mine = await sync(session.token, clientId(), [
    { seq: 1, kind: "vehicle.register", payload: twin },
    { seq: 2, kind: "trip.create", payload: late },
    { seq: 3, kind: "trip.set_declaration", payload: { trip_id: t.id, declaration: "12" } },
    { seq: 4, kind: "trip.delete", payload: { trip_id: t.id } },
    { seq: 5, kind: "trip.cancel", payload: { trip_id: t.id, why: "no" } },
  ]);
  assert.deepEqual(outcomes(mine), [
    "1:rejected:vehicle_exists",
    "2:rejected:invalid_window",
    "3:rejected:invalid_declaration_number",
    "4:rejected:malformed_body",
    "5:rejected:malformed_body",
  ]);
  assert.deepEqual(await eventsAbout(v.id, t.id, pass.id, twin.id, late.id), before, "nothing was recorded");
});

test("verifying a vehicle records who verified it, with the verification", async () => {
  const { session, vehicle: v, pass } = await driverWithPass();
  const officer = await signInAs("officer");
  const number = `${Math.floor(100000 + Math.random() * 899999)}`;
  const r = await verifyVehicle(officer.token, { pass_id: pass.id, plate: v.plate, registration_number: number });
  assert.equal(r.status, 200, r.text);
  const events = await eventsAbout(v.id);
  assert.deepEqual(topics(events), ["vehicle.registered", "vehicle.verified"]);
  const verified = events[1];
  assert.deepEqual([verified.vehicle_id, verified.account_id, verified.by], [v.id, session.account.id, officer.account.id]);
  assert.ok(!JSON.stringify(verified).includes(number), "the certificate number is not in the event");
});

test("a served vehicle's trip completes with its event, and its pass's revocation", async () => {
  // Dong Dang's container yard: its queue holds nothing else at this point of a run.
  const YARD = "dd-container";
  const op = await operatorFor(YARD);
  const { trip: t, pass } = await driverWithPass({ gate: "dong-dang-rail", tripOverrides: { perishable: false, cargo: "Gạch men" } });
  const checkedIn = await checkIn(op.token, YARD, pass.code);
  assert.equal(checkedIn.status, 201, checkedIn.text);
  const called = await callNext(op.token, YARD, "general", 1);
  assert.equal(called.status, 200, called.text);
  assert.deepEqual(called.json.called.map((e) => e.id), [checkedIn.json.entry.id]);
  const served = await serve(op.token, YARD, checkedIn.json.entry.id);
  assert.equal(served.status, 200, served.text);

  const events = (await eventsAbout(t.id, pass.id)).filter((e) => !e.type.startsWith("queue.") && !e.type.startsWith("booking."));
  assert.deepEqual(topics(events), ["trip.accepted", "pass.issued", "trip.completed", "pass.revoked"]);
  const [, , completed, revoked] = events;
  assert.equal(completed.trip_id, t.id);
  assert.deepEqual([revoked.pass_id, revoked.reason], [pass.id, "completed"]);
  assert.equal(completed.at_ms, revoked.at_ms);
});

test("a booking's new pass supersedes the old one: both recorded, and the cancel revokes the new one", async () => {
  const YARD = "cm-1";
  const operator = await operatorFor(YARD);
  const slot = nextSlotStart((await getConfig(operator.token, YARD)).json);
  const owner = await ownerWithTrips({ count: 1 });
  const t = owner.trips[0];
  const first = (await listTrips(owner.token)).trips[0].pass;
  const booked = await book(owner.token, YARD, { trip_id: t.id, slot_start_ms: slot });
  assert.equal(booked.status, 200, booked.text);
  const second = (await listTrips(owner.token)).trips[0].pass;
  assert.notEqual(second.id, first.id);

  const ofPasses = (events) => events.filter((e) => e.type.startsWith("pass.") || e.type.startsWith("trip."));
  const afterBooking = ofPasses(await eventsAbout(t.id, first.id, second.id));
  assert.deepEqual(topics(afterBooking), ["trip.accepted", "pass.issued", "pass.revoked", "pass.issued"]);
  assert.deepEqual([afterBooking[2].pass_id, afterBooking[2].reason], [first.id, "superseded"]);
  assert.equal(afterBooking[3].pass_id, second.id);
  assert.equal(afterBooking[2].at_ms, afterBooking[3].at_ms, "revoked and issued in one batch");

  // Cancelling the trip revokes the booked pass (the old one is not revoked twice).
  const cancel = await sync(owner.token, clientId(), [{ seq: 1, kind: "trip.cancel", payload: { trip_id: t.id } }]);
  assert.deepEqual(outcomes(cancel), ["1:applied"]);
  const afterCancel = ofPasses(await eventsAbout(t.id, first.id, second.id));
  assert.deepEqual(topics(afterCancel), [...topics(afterBooking), "trip.cancelled", "pass.revoked"]);
  assert.deepEqual([afterCancel[5].pass_id, afterCancel[5].reason], [second.id, "cancelled"]);
});

test("disabling an account records the revocation of each of its passes", async () => {
  const { session, trip: t, pass } = await driverWithPass();
  const admin = await signInAs("admin");
  const disabled = await post(`/api/admin/accounts/${session.account.id}/disable`, undefined, { token: admin.token });
  assert.equal(disabled.status, 200, disabled.text);
  const revoked = (await eventsAbout(pass.id)).filter((e) => e.type === "pass.revoked");
  assert.equal(revoked.length, 1);
  assert.deepEqual([revoked[0].pass_id, revoked[0].subject, revoked[0].reason], [pass.id, t.id, "disabled"]);
  // Disabling again revokes nothing more.
  assert.equal((await post(`/api/admin/accounts/${session.account.id}/disable`, undefined, { token: admin.token })).status, 200);
  assert.equal((await eventsAbout(pass.id)).filter((e) => e.type === "pass.revoked").length, 1);
});
