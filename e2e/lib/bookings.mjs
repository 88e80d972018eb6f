// Helpers for tests of yard slot booking: bookings through the API, the yard's availability and
// settings, owners with many vehicles and accepted, declared trips, fresh idempotency keys, and
// slot instants in Vietnam time (UTC+7 all year).
import { randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { call } from "./api.mjs";
import { freshAddress } from "./accounts.mjs";
import { clientId, recordId, signUpOwner, sync, trip } from "./trips.mjs";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const VIETNAM_OFFSET_MS = 7 * HOUR;

/// A fresh idempotency key (32 characters of A-Za-z0-9_-).
export function idemKey() {
  return randomBytes(24).toString("base64url");
}

// ---- Calendar (Asia/Ho_Chi_Minh, no daylight saving) ----

/// The local date (`YYYY-MM-DD`) `offsetDays` days after the local day of `nowMs`.
export function localDate(offsetDays = 0, nowMs = Date.now()) {
  return new Date(nowMs + VIETNAM_OFFSET_MS + offsetDays * DAY).toISOString().slice(0, 10);
}

/// The instant of `minute` minutes after local midnight of `date` (`YYYY-MM-DD`).
export function localInstant(date, minute = 0) {
  return Date.parse(`${date}T00:00:00Z`) - VIETNAM_OFFSET_MS + minute * MINUTE;
}

/// The start of the slot at local `HH:MM` on `date`.
export function at(date, hhmm) {
  const [h, m] = hhmm.split(":").map(Number);
  return localInstant(date, h * 60 + m);
}

/// The first slot of `config` on a local day at or after `date` that starts after `nowMs`
/// (closures are not considered).
export function nextSlotStart(config, nowMs = Date.now(), date = localDate(0, nowMs)) {
  for (let d = 0; d <= 2; d += 1) {
    const day = localDate(d, localInstant(date, 12 * 60));
    for (let m = config.opens_minute; m + config.slot_minutes <= config.closes_minute; m += config.slot_minutes) {
      const start = localInstant(day, m);
      if (start > nowMs) return start;
    }
  }
  throw new Error("no slot within two days");
}

// ---- Requests ----

function headers({ token, key, now, address }) {
  const h = { "cf-connecting-ip": address ?? freshAddress() };
  if (token) h.authorization = `Bearer ${token}`;
  if (key !== undefined && key !== null) h["idempotency-key"] = key;
  if (now !== undefined && now !== null) h["x-test-now-ms"] = String(now);
  return h;
}

function postJson(path, body, opts = {}) {
  return call(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers(opts) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function getJson(path, opts = {}) {
  return call(path, { headers: headers(opts) });
}

/// `POST /api/yards/{yard}/bookings`. `key: null` sends no Idempotency-Key.
export function book(token, yard, { trip_id, slot_start_ms, lane = null }, { key = idemKey(), now } = {}) {
  return postJson(`/api/yards/${yard}/bookings`, { trip_id, slot_start_ms, lane }, { token, key, now }).then(
    (r) => ({ ...r, key })
  );
}

/// `POST /api/yards/{yard}/bookings/{id}/cancel`.
export function cancel(token, yard, bookingId, { key = idemKey(), now } = {}) {
  return postJson(`/api/yards/${yard}/bookings/${bookingId}/cancel`, {}, { token, key, now }).then((r) => ({
    ...r,
    key,
  }));
}

/// `POST /api/yards/{yard}/bookings/{id}/reschedule`.
export function reschedule(token, yard, bookingId, { slot_start_ms, lane = null }, { key = idemKey(), now } = {}) {
  return postJson(`/api/yards/${yard}/bookings/${bookingId}/reschedule`, { slot_start_ms, lane }, { token, key, now }).then(
    (r) => ({ ...r, key })
  );
}

/// `GET /api/yards/{yard}/availability?date=` (public), the raw response.
export function availabilityResponse(yard, date, { token, now } = {}) {
  return getJson(`/api/yards/${yard}/availability?date=${date}`, { token, now });
}

/// The yard's `DayAvailability` for a local date; throws unless 200.
export async function availability(yard, date, opts = {}) {
  const r = await availabilityResponse(yard, date, opts);
  if (r.status !== 200) throw new Error(`availability of ${yard} on ${date}: ${r.status} ${r.text}`);
  return r.json;
}

/// One slot of a `DayAvailability`.
export function slotOf(day, startMs) {
  const s = day.slots.find((x) => x.start_ms === startMs);
  if (!s) throw new Error(`no slot at ${new Date(startMs).toISOString()} in ${day.yard} on ${day.date}`);
  return s;
}

/// The slot at `startMs` of `yard` (its availability on that local day).
export async function slotAt(yard, startMs, opts = {}) {
  return slotOf(await availability(yard, localDate(0, startMs), opts), startMs);
}

/// `GET /api/yards/{yard}/config`, the raw response.
export function getConfig(token, yard) {
  return getJson(`/api/yards/${yard}/config`, { token });
}

/// `PUT /api/yards/{yard}/config`, the raw response.
export function putConfig(token, yard, config) {
  return call(`/api/yards/${yard}/config`, {
    method: "PUT",
    headers: { "content-type": "application/json", ...headers({ token }) },
    body: JSON.stringify(config),
  });
}

/// Reads the yard's config, applies `change` (an object merged in, or a function of the
/// config) and stores it; returns the stored config. Throws unless both calls succeed.
export async function setConfig(token, yard, change) {
  const current = await getConfig(token, yard);
  if (current.status !== 200) throw new Error(`config of ${yard}: ${current.status} ${current.text}`);
  const next = typeof change === "function" ? change(structuredClone(current.json)) : { ...current.json, ...change };
  const r = await putConfig(token, yard, next);
  if (r.status !== 200) throw new Error(`setting the config of ${yard}: ${r.status} ${r.text}`);
  return { before: current.json, after: r.json ?? next };
}

/// `GET /api/yards/{yard}/bookings?date=` (operator, admin), the raw response.
export function yardBookings(token, yard, date) {
  return getJson(`/api/yards/${yard}/bookings?date=${date}`, { token });
}

/// `GET /api/bookings` (my own), the raw response.
export function myBookings(token) {
  return getJson("/api/bookings", { token });
}

// ---- Owners with vehicles and trips ----

let plateCounter = 0;
const platePrefix = (() => {
  const letters = "ABCDEFGHKLMNPSTUVXYZ";
  const b = randomBytes(3);
  return `${11 + (b[0] % 89)}${letters[b[1] % letters.length]}${letters[b[2] % letters.length]}`;
})();
const plateBase = randomBytes(3).readUIntBE(0, 3) % 900_000;

/// A plate unique within this process and very likely across runs: a random province and
/// two-letter series, then six digits counting up (e.g. `47KD-123.456`).
export function uniquePlate() {
  plateCounter += 1;
  const digits = String((plateBase + plateCounter) % 1_000_000).padStart(6, "0");
  return `${platePrefix}-${digits.slice(0, 3)}.${digits.slice(3)}`;
}

/// A fresh account of `role` with `count` vehicles (unique plates) and one accepted trip each
/// through `gate` (all declared unless `declaration: null`); `perishable(i)` decides the
/// cargo of trip `i`. Writes go through `POST /api/sync`, up to 100 a request.
export async function ownerWithTrips({
  role = "trader",
  count = 1,
  gate = "chi-ma",
  perishable = () => false,
  declaration = "123456789012",
  session,
} = {}) {
  const owner = session ?? (await signUpOwner(role));
  const vehicles = [];
  const trips = [];
  for (let i = 0; i < count; i += 1) {
    const v = { id: recordId("v"), plate: uniquePlate(), vehicle_type: "truck", country: "VN" };
    const overrides = { gate_id: gate, perishable: perishable(i), cargo: perishable(i) ? "Thanh long ruột đỏ" : "Gạch men" };
    if (declaration) overrides.declaration = declaration;
    vehicles.push(v);
    trips.push({ ...trip(v.id, overrides), plate: v.plate });
  }
  const ops = [
    ...vehicles.map((v) => ({ kind: "vehicle.register", payload: v })),
    ...trips.map(({ plate, ...t }) => ({ kind: "trip.create", payload: t })),
  ];
  const client = clientId();
  for (let from = 0; from < ops.length; from += 100) {
    const batch = ops.slice(from, from + 100).map((op, i) => ({ seq: from + i + 1, ...op }));
    const r = await sync(owner.token, client, batch);
    const bad = r.json?.results?.filter((x) => x.outcome !== "applied");
    if (r.status !== 200 || bad?.length) throw new Error(`sync failed: ${r.status} ${r.text.slice(0, 500)}`);
  }
  return { session: owner, token: owner.token, vehicles, trips };
}

/// One more accepted trip for a vehicle an owner already registered (a second trip of the
/// same plate).
export async function addTrip(token, vehicle, overrides = {}) {
  const t = trip(vehicle.id, { gate_id: "chi-ma", declaration: "123456789012", perishable: false, cargo: "Gạch men", ...overrides });
  const r = await sync(token, clientId(), [{ seq: 1, kind: "trip.create", payload: t }]);
  if (r.status !== 200 || r.json.results[0].outcome !== "applied") throw new Error(`sync failed: ${r.status} ${r.text}`);
  return { ...t, plate: vehicle.plate };
}

// ---- D1, through wrangler's console ----

/// Rows in the Worker's local D1, read with wrangler (needs BORDERPASS_STATE).
export async function d1(sql) {
  if (!process.env.BORDERPASS_STATE) throw new Error("BORDERPASS_STATE names the Worker's state directory");
  const { stdout } = await promisify(execFile)(
    "wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", process.env.BORDERPASS_STATE, "--json", "--command", sql],
    { maxBuffer: 64 * 1024 * 1024 }
  );
  return JSON.parse(stdout)[0].results;
}
