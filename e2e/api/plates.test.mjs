// Plate squatting (issue 10, hole 3) on the running Worker. Plates are typed by whoever
// registers them: a competitor registers a rival's plate and books it. Refusals never reveal
// another account's booking; a yard operator or officer who has seen the registration papers
// marks the real owner's vehicle verified, which releases the squatter's bookings (audited, the
// reason shown to the squatter) and keeps other accounts from registering or booking the plate.
// The certificate number is stored only as a salted digest.
//
// The yard is the demo operator's `cm-1` (gate `chi-ma`), with its settings as they are (the
// demo's or the directory's); days used: D+4 and D+5 (local), apart from bookings.test.mjs's.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { demo, get, signInAs } from "../lib/accounts.mjs";
import { clientId, listTrips, recordId, sync } from "../lib/trips.mjs";
import { ownerOfPlate, verifyVehicle } from "../lib/plates.mjs";
import {
  addTrip,
  book,
  d1,
  getConfig,
  localDate,
  localInstant,
  myBookings,
  ownerWithTrips,
  uniquePlate,
  yardBookings,
} from "../lib/bookings.mjs";

const YARD = "cm-1";
const NOW = Date.now();
const DAY_A = localDate(4, NOW);
const DAY_B = localDate(5, NOW);

let operator;
let config;

/// The start of the `n`-th slot of the yard's day `date`.
function slot(date, n) {
  return localInstant(date, config.opens_minute + n * config.slot_minutes);
}

const verify = verifyVehicle;

async function auditEntries() {
  const admin = await signInAs("admin");
  const r = await get("/api/admin/audit", { token: admin.token });
  assert.equal(r.status, 200, r.text);
  return r.json.entries;
}

before(async () => {
  operator = await signInAs("yard_operator");
  const c = await getConfig(operator.token, YARD);
  assert.equal(c.status, 200, c.text);
  config = c.json;
  assert.ok(config.horizon_days >= 6, "the days used are within the booking horizon");
  assert.ok(config.opens_minute + 7 * config.slot_minutes <= config.closes_minute, "seven slots a day");
});

test("a vehicle-already-booked refusal does not reveal another account's booking", async () => {
  const plate = uniquePlate();
  const squatter = await ownerOfPlate(plate);
  const taken = await book(squatter.token, YARD, { trip_id: squatter.trip.id, slot_start_ms: slot(DAY_A, 1) });
  assert.equal(taken.status, 200, taken.text);

  // The real truck's owner registers the same plate and tries the same day.
  const real = await ownerOfPlate(plate, "driver");
  const refused = await book(real.token, YARD, { trip_id: real.trip.id, slot_start_ms: slot(DAY_A, 2) });
  assert.equal(refused.status, 409, refused.text);
  assert.equal(refused.json.code, "vehicle_already_booked");
  for (const secret of [taken.json.id, DAY_A, DAY_A.split("-").reverse().join("/"), squatter.trip.id]) {
    assert.ok(!refused.text.includes(secret), `the refusal reveals ${secret}: ${refused.text}`);
  }

  // The squatter's own second trip of the plate is told which booking is in the way.
  const again = await addTrip(squatter.token, squatter.vehicle);
  const own = await book(squatter.token, YARD, { trip_id: again.id, slot_start_ms: slot(DAY_A, 3) });
  assert.equal(own.status, 409, own.text);
  assert.equal(own.json.code, "vehicle_already_booked");
  assert.ok(own.text.includes(taken.json.id), `the owner sees their own booking: ${own.text}`);
});

test("verifying the real owner's vehicle releases the squatter's bookings and keeps the plate theirs", async () => {
  const plate = uniquePlate();
  const number = `${Math.floor(100000 + Math.random() * 899999)}`;
  const squatter = await ownerOfPlate(plate);
  const second = await addTrip(squatter.token, squatter.vehicle);
  const a = await book(squatter.token, YARD, { trip_id: squatter.trip.id, slot_start_ms: slot(DAY_A, 4) });
  const b = await book(squatter.token, YARD, { trip_id: second.id, slot_start_ms: slot(DAY_B, 4) });
  assert.equal(a.status, 200, a.text);
  assert.equal(b.status, 200, b.text);

  const real = await ownerOfPlate(plate, "driver");
  const blocked = await book(real.token, YARD, { trip_id: real.trip.id, slot_start_ms: slot(DAY_A, 5) });
  assert.equal(blocked.status, 409, "squatted: the real truck cannot book that day");

  // A driver cannot verify their own vehicle; neither can a trader or an admin.
  for (const token of [real.token, squatter.token, (await signInAs("admin")).token]) {
    const r = await verify(token, { trip_id: real.trip.id, plate, registration_number: number });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.code, "forbidden");
  }
  // The plate on the papers must be the vehicle's; the number must be one.
  const wrongPlate = await verify(operator.token, { trip_id: real.trip.id, plate: uniquePlate(), registration_number: number });
  assert.equal(wrongPlate.status, 403, wrongPlate.text);
  assert.equal(wrongPlate.json.code, "plate_mismatch");
  const badNumber = await verify(operator.token, { trip_id: real.trip.id, plate, registration_number: "x" });
  assert.equal(badNumber.status, 400, badNumber.text);
  assert.equal(badNumber.json.code, "invalid_registration_number");
  const both = await verify(operator.token, { trip_id: real.trip.id, pass_id: "0123456789ab", plate, registration_number: number });
  assert.equal(both.status, 400, both.text);
  // An officer of another gate does not see this trip.
  const officer = await signInAs("officer");
  assert.notEqual(demo("officer").gate, "chi-ma");
  const elsewhere = await verify(officer.token, { trip_id: real.trip.id, plate, registration_number: number });
  assert.equal(elsewhere.status, 404, elsewhere.text);

  // The operator has seen the papers (the plate spelled as on them).
  const verified = await verify(operator.token, {
    trip_id: real.trip.id,
    plate: plate.replace("-", " ").replace(".", ""),
    registration_number: number,
  });
  assert.equal(verified.status, 200, verified.text);
  assert.equal(verified.json.vehicle_id, real.vehicle.id);
  assert.equal(verified.json.released_bookings, 2);
  assert.ok(!verified.text.includes(number), "the number never comes back");

  // The squatter's bookings are released, with the reason.
  const mine = await myBookings(squatter.token);
  assert.equal(mine.status, 200, mine.text);
  for (const id of [a.json.id, b.json.id]) {
    assert.equal(mine.json.bookings.find((x) => x.id === id)?.status, "cancelled", `booking ${id} released`);
    const release = mine.json.releases.find((x) => x.booking_id === id);
    assert.equal(release?.reason, "plate_verified_elsewhere", `the reason of ${id}`);
  }

  // The real truck books now; the squatter can no longer book or register the plate.
  const ok = await book(real.token, YARD, { trip_id: real.trip.id, slot_start_ms: slot(DAY_A, 5) });
  assert.equal(ok.status, 200, ok.text);
  const third = await addTrip(squatter.token, squatter.vehicle);
  const again = await book(squatter.token, YARD, { trip_id: third.id, slot_start_ms: slot(DAY_B, 6) });
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.code, "plate_verified_elsewhere");
  const other = await ownerWithTrips({ count: 1 });
  const reg = await sync(other.token, clientId(), [
    { seq: 1, kind: "vehicle.register", payload: { id: recordId("v"), plate: plate.toLowerCase(), vehicle_type: "truck", country: "VN" } },
  ]);
  assert.equal(reg.status, 200, reg.text);
  assert.equal(reg.json.results[0].outcome, "rejected", reg.text);
  assert.equal(reg.json.results[0].code, "plate_verified_elsewhere");
  // Nor can anyone verify the squatter's vehicle of the plate now.
  const steal = await verify(operator.token, { trip_id: third.id, plate, registration_number: number });
  assert.equal(steal.status, 409, steal.text);
  assert.equal(steal.json.code, "plate_verified_elsewhere");

  // The badge: the driver's vehicle is verified, the squatter's is not; the day list says so.
  const realTrips = await listTrips(real.token);
  assert.equal(realTrips.vehicles.find((v) => v.id === real.vehicle.id)?.verified, true);
  const squatterTrips = await listTrips(squatter.token);
  assert.ok(!squatterTrips.vehicles.find((v) => v.id === squatter.vehicle.id)?.verified);
  const day = await yardBookings(operator.token, YARD, DAY_A);
  assert.equal(day.status, 200, day.text);
  assert.ok(day.json.verified_trips.includes(real.trip.id), day.text.slice(0, 300));
  assert.ok(!day.json.verified_trips.includes(squatter.trip.id));

  // Audited: the verification (without the number) and each release.
  const entries = await auditEntries();
  const v = entries.find((e) => e.event === "vehicle_verified" && e.detail.includes(real.vehicle.id));
  assert.ok(v, "the verification is audited");
  assert.equal(v.actor_id, demo("yard_operator").id);
  for (const id of [a.json.id, b.json.id]) {
    const e = entries.find((x) => x.event === "plate_booking_released" && x.detail.includes(id));
    assert.ok(e, `the release of ${id} is audited`);
    assert.ok(e.detail.includes("plate_verified_elsewhere"));
  }
  assert.ok(!entries.some((e) => e.detail.includes(number)), "the number is not in the audit log");

  // Stored as a salted digest only (read D1 directly).
  if (process.env.BORDERPASS_STATE) {
    const [row] = await d1(`SELECT * FROM vehicles WHERE id = '${real.vehicle.id}'`);
    assert.ok(row.verified_at_ms > 0);
    assert.equal(row.verified_by, demo("yard_operator").id);
    assert.match(row.registration_digest, /^[0-9a-f]{64}$/);
    assert.match(row.registration_salt, /^[0-9a-f]{32}$/);
    assert.ok(!JSON.stringify(row).includes(number), "the number is not stored in clear");
    const rows = await d1(`SELECT * FROM vehicles WHERE plate_key = '${row.plate_key}'`);
    assert.equal(rows.length, 2, "the squatter's registration stays (unverified); the third was refused");
    assert.equal(rows.filter((r) => r.verified_at_ms !== null).length, 1, "verified for one account only");
  }
});

test("an operator can find the vehicle from a scanned pass", async () => {
  const plate = uniquePlate();
  const real = await ownerOfPlate(plate, "driver");
  const trips = await listTrips(real.token);
  const pass = trips.trips.find((t) => t.id === real.trip.id).pass;
  const r = await verify(operator.token, { pass_id: pass.id, plate, registration_number: "AB-1234/56" });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.vehicle_id, real.vehicle.id);
  assert.equal(r.json.released_bookings, 0);
  const unknown = await verify(operator.token, { pass_id: "ffffffffffff", plate, registration_number: "123456" });
  assert.equal(unknown.status, 404, unknown.text);
});

test("a plate typed any way is shown in its one canonical form, and another spelling is no second vehicle", async () => {
  const canonical = uniquePlate(); // e.g. 47KD-123.456
  const owner = await ownerWithTrips({ role: "driver", count: 0 });
  const typed = ` ${canonical.toLowerCase().replace("-", " ").replace(".", "")} `;
  const client = clientId();
  const first = { id: recordId("v"), plate: typed, vehicle_type: "truck", country: "VN" };
  const r = await sync(owner.token, client, [{ seq: 1, kind: "vehicle.register", payload: first }]);
  assert.equal(r.json.results[0].outcome, "applied", r.text);
  const listed = await listTrips(owner.token);
  assert.deepEqual(listed.vehicles.map((v) => v.plate), [canonical]);
  // The same plate spelled otherwise is the same vehicle: refused, nothing added, and a replay
  // of the refused write changes nothing either.
  const other = { id: recordId("v"), plate: canonical.replace("-", "_"), vehicle_type: "truck", country: "VN" };
  const op = { seq: 2, kind: "vehicle.register", payload: other };
  for (let round = 0; round < 2; round += 1) {
    const again = await sync(owner.token, client, [op]);
    assert.equal(again.json.results[0].outcome, "rejected", again.text);
    assert.equal(again.json.results[0].code, "vehicle_exists", again.text);
  }
  assert.deepEqual((await listTrips(owner.token)).vehicles.map((v) => v.id), [first.id]);
});
