// Helpers for tests of plate squatting and vehicle verification: an owner of a given plate with
// an accepted, declared trip, and the verification call.
import assert from "node:assert/strict";
import { post } from "./accounts.mjs";
import { addTrip, ownerWithTrips } from "./bookings.mjs";
import { clientId, recordId, sync } from "./trips.mjs";

/// A fresh owner of `role` with a vehicle of `plate` and one accepted, declared trip of it to
/// `chi-ma` (plus the vehicle and trip `ownerWithTrips` makes). `session` is the sign-up answer.
export async function ownerOfPlate(plate, role = "trader") {
  const owner = await ownerWithTrips({ role, count: 1 });
  const vehicle = { id: recordId("v"), plate, vehicle_type: "truck", country: "VN" };
  const r = await sync(owner.token, clientId(), [{ seq: 1, kind: "vehicle.register", payload: vehicle }]);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.results[0].outcome, "applied", r.text);
  const trip = await addTrip(owner.token, vehicle);
  return { session: owner.session, token: owner.token, vehicle, trip };
}

/// `POST /api/vehicles/verifications`, the raw response.
export function verifyVehicle(token, body) {
  return post("/api/vehicles/verifications", body, { token });
}
