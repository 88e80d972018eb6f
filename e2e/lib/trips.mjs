// Helpers for tests with vehicles, trips and passes: real writes through POST /api/sync.
import { randomBytes } from "node:crypto";
import { get, post, freshPhone, signUp } from "./accounts.mjs";

const HOUR = 3_600_000;

/// A random id like the app draws: `v-`/`t-` and 12 base32 characters.
export function recordId(prefix) {
  const alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
  return `${prefix}-${[...randomBytes(12)].map((b) => alphabet[b % 32]).join("")}`;
}

export function clientId() {
  return `c${randomBytes(15).toString("hex")}`;
}

/// A fresh driver (or trader) account, signed in.
export async function signUpOwner(role = "driver") {
  const r = await signUp({ phone: freshPhone(), password: "lang son 2026 xe tai", role });
  if (r.status !== 200) throw new Error(`sign-up failed: ${r.status} ${r.text}`);
  return r.json;
}

/// A random plausible Vietnamese plate, e.g. 12C-345.67.
export function freshPlate() {
  const n = randomBytes(3).readUIntBE(0, 3) % 100000;
  const digits = String(n).padStart(5, "0");
  return `12C-${digits.slice(0, 3)}.${digits.slice(3)}`;
}

export function vehicle(overrides = {}) {
  return { id: recordId("v"), plate: freshPlate(), vehicle_type: "truck", country: "VN", ...overrides };
}

export function trip(vehicleId, overrides = {}) {
  const from = Date.now() + HOUR;
  return {
    id: recordId("t"),
    vehicle_id: vehicleId,
    driver_name: "Nguyễn Văn An",
    gate_id: "huu-nghi",
    direction: "export",
    cargo: "Thanh long ruột đỏ",
    perishable: true,
    weight_kg: 18000,
    window_from_ms: from,
    window_until_ms: from + 4 * HOUR,
    ...overrides,
  };
}

export function sync(token, client, ops) {
  return post("/api/sync", { client_id: client, ops }, { token });
}

export async function listTrips(token) {
  const r = await get("/api/trips", { token });
  if (r.status !== 200) throw new Error(`listing trips failed: ${r.status} ${r.text}`);
  return r.json;
}

/// A fresh driver with one vehicle and one accepted trip at `gate`, and the trip's pass.
export async function driverWithPass({ gate = "huu-nghi", role = "driver", tripOverrides = {} } = {}) {
  const session = await signUpOwner(role);
  const v = vehicle();
  const t = trip(v.id, { gate_id: gate, ...tripOverrides });
  const r = await sync(session.token, clientId(), [
    { seq: 1, kind: "vehicle.register", payload: v },
    { seq: 2, kind: "trip.create", payload: t },
  ]);
  const outcomes = r.json?.results?.map((x) => x.outcome).join(",");
  if (r.status !== 200 || outcomes !== "applied,applied") {
    throw new Error(`sync failed: ${r.status} ${r.text}`);
  }
  const listed = await listTrips(session.token);
  const stored = listed.trips.find((x) => x.id === t.id);
  return { session, vehicle: v, trip: stored, pass: stored.pass };
}
