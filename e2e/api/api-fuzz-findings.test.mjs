// What the API fuzzer (scripts/api-fuzz.sh, schemathesis from docs/openapi.json) found, each
// pinned as a plain request against the running Worker so it stays fixed.
//
// 1. An integer past 2^53 (JavaScript's exact range) in a booking body or in the test clock
//    made the yard's object answer 500: the Worker's call reached the object as JSON parsed in
//    JavaScript, where such an integer becomes a float that no longer fits an i64. Bodies are
//    JSON, and JSON integers are exact: the edge parses them in Rust end to end.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { call } from "../lib/api.mjs";
import { signInAs } from "../lib/accounts.mjs";
import { idemKey, localDate, ownerWithTrips } from "../lib/bookings.mjs";

const YARD = "cm-1";
/// 2^57 + 1 ms: exact in JSON and in Rust's i64, not in a JavaScript number.
const HUGE = "144115188075855873";

let driver;
let owner;
before(async () => {
  driver = await signInAs("driver");
  owner = await ownerWithTrips({ count: 1 });
});

/// A POST with a raw JSON text body (JSON.stringify cannot write HUGE exactly).
function postRaw(path, text, { token, headers = {} } = {}) {
  return call(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
      "idempotency-key": idemKey(),
      ...headers,
    },
    body: text,
  });
}

function assertRefused(r, status, code, what) {
  assert.ok(r.status < 500, `${what}: ${r.status} ${r.text}`);
  assert.equal(r.status, status, `${what}: ${r.text}`);
  assert.equal(r.json?.code, code, `${what}: ${r.text}`);
}

test("a slot start past 2^53 is refused as out of range, not a server error", async () => {
  const trip = owner.trips[0];
  const booked = await postRaw(
    `/api/yards/${YARD}/bookings`,
    `{"trip_id":"${trip.id}","slot_start_ms":${HUGE}}`,
    { token: owner.token }
  );
  assertRefused(booked, 400, "time_out_of_range", "book");
  const moved = await postRaw(
    `/api/yards/${YARD}/bookings/bk-nothing-here/reschedule`,
    `{"slot_start_ms":${HUGE}}`,
    { token: driver.token }
  );
  assertRefused(moved, 400, "time_out_of_range", "reschedule: the instant is refused before the booking is looked for");
});

test("a test clock past 2^53 never makes the yard's object fail", async () => {
  const now = { "x-test-now-ms": HUGE };
  const date = localDate(1);
  const seen = await call(`/api/yards/${YARD}/availability?date=${date}`, { headers: now });
  assert.ok(seen.status < 500, `availability: ${seen.status} ${seen.text}`);
  const cancelled = await postRaw(`/api/yards/${YARD}/bookings/bk-nothing-here/cancel`, "{}", {
    token: driver.token,
    headers: now,
  });
  assert.ok(cancelled.status < 500, `cancel: ${cancelled.status} ${cancelled.text}`);
  const operator = await signInAs("yard_operator");
  const queue = await call(`/api/yards/${YARD}/queue`, {
    headers: { ...now, authorization: `Bearer ${operator.token}` },
  });
  assert.ok(queue.status < 500, `queue: ${queue.status} ${queue.text}`);
});
