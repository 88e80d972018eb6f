// Per-account write quotas on the running Worker (issue 10, hole 6): outbox writes
// (`POST /api/sync`, 2,000 a window) and booking writes (book, cancel, reschedule, 300 a
// window) beyond the account's quota are refused with 429 `rate_limited` and `Retry-After`,
// and nothing of the refused request is applied. The tests' windows are 10 s
// (RATE_LIMIT_WINDOW_MS, scripts/test-worker-args.sh) instead of 10 minutes.
//
// On a busy machine a burst may outlast a 10 s window, so a window can end between the burst's
// refusal and the write that checks "nothing applied": a round whose check write went through
// for that reason is tried again with a fresh account (at most three rounds).
import { test } from "node:test";
import assert from "node:assert/strict";
import { signInAs } from "../lib/accounts.mjs";
import { clientId, listTrips, signUpOwner, sync, vehicle } from "../lib/trips.mjs";
import { book, cancel, getConfig, myBookings, nextSlotStart, ownerWithTrips, slotAt } from "../lib/bookings.mjs";

const SYNC_WRITES = 2000;
const BOOKING_WRITES = 300;
const WINDOW_S = 10;
const YARD = "cm-1";
const show = (r) => `${r.status} ${r.text.slice(0, 300)}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function assertRateLimited(r, what) {
  assert.equal(r.status, 429, `${what}: ${show(r)}`);
  assert.equal(r.json?.code, "rate_limited", `${what}: ${show(r)}`);
  const retryAfter = Number(r.headers.get("retry-after"));
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_S,
    `${what}: Retry-After ${r.headers.get("retry-after")}`
  );
  return retryAfter;
}

/// Sends `burst()` (several requests at once, each counting `weight` writes) until one is
/// refused; checks that the quota (`quota` writes) was allowed first. Every answer that is not
/// a refusal must satisfy `ok`.
async function exhaust({ burst, weight, quota, ok }) {
  let allowed = 0;
  for (;;) {
    const answers = await burst();
    const refused = answers.find((r) => r.status === 429);
    for (const r of answers.filter((r) => r.status !== 429)) {
      ok(r);
      allowed += weight;
    }
    if (refused) {
      assertRateLimited(refused, "the request over the quota");
      assert.ok(allowed >= quota, `${allowed} writes were allowed before the first refusal, at least ${quota}`);
      return;
    }
    assert.ok(allowed <= 20 * quota, `no refusal after ${allowed} writes`);
  }
}

test("outbox writes over the account's quota are refused with rate_limited and Retry-After, and nothing is applied", async () => {
  for (let round = 1; ; round += 1) {
    const owner = await signUpOwner("driver");
    const client = clientId();
    // Writes that wait for seq 1 (deferred: cheap to send), 100 a request, 20 requests at once.
    const waiting = Array.from({ length: 100 }, (_, i) => ({ seq: i + 2, kind: "vehicle.register", payload: vehicle() }));
    await exhaust({
      burst: () => Promise.all(Array.from({ length: SYNC_WRITES / 100 }, () => sync(owner.token, client, waiting))),
      weight: 100,
      quota: SYNC_WRITES,
      ok: (r) => {
        assert.equal(r.status, 200, show(r));
        assert.ok(r.json.results.every((x) => x.outcome === "deferred"), show(r));
      },
    });

    const v = vehicle();
    const over = await sync(owner.token, client, [{ seq: 1, kind: "vehicle.register", payload: v }]);
    if (over.status !== 429 && round < 3) continue; // the window ended meanwhile: again
    const retryAfter = assertRateLimited(over, "the write over the quota");
    assert.deepEqual((await listTrips(owner.token)).vehicles, [], "nothing applied");

    // Another account has its own quota.
    const other = await signUpOwner("driver");
    const theirs = await sync(other.token, clientId(), [{ seq: 1, kind: "vehicle.register", payload: vehicle() }]);
    assert.equal(theirs.status, 200, show(theirs));

    // Once the window has ended the same write goes through.
    await sleep(retryAfter * 1000 + 300);
    const later = await sync(owner.token, client, [{ seq: 1, kind: "vehicle.register", payload: v }]);
    assert.equal(later.status, 200, show(later));
    assert.equal(later.json.results[0].outcome, "applied", show(later));
    assert.deepEqual((await listTrips(owner.token)).vehicles.map((x) => x.id), [v.id]);
    return;
  }
});

test("booking writes over the account's quota are refused with rate_limited and Retry-After, and nothing is booked", async () => {
  const operator = await signInAs("yard_operator");
  const config = await getConfig(operator.token, YARD);
  assert.equal(config.status, 200, show(config));
  const slot = nextSlotStart(config.json);
  for (let round = 1; ; round += 1) {
    const owner = await ownerWithTrips({ role: "trader", count: 1 });
    // Cancels refused at once (no Idempotency-Key), 50 at a time: every booking write counts,
    // refused or not.
    await exhaust({
      burst: () => Promise.all(Array.from({ length: 50 }, () => cancel(owner.token, YARD, "b-nosuchbooking", { key: null }))),
      weight: 1,
      quota: BOOKING_WRITES,
      ok: (r) => assert.deepEqual([r.status, r.json?.code], [400, "invalid_id"], show(r)),
    });

    const before = await slotAt(YARD, slot);
    const over = await book(owner.token, YARD, { trip_id: owner.trips[0].id, slot_start_ms: slot });
    if (over.status === 200 && round < 3) {
      // The window ended meanwhile: give the place back and try again.
      assert.equal((await cancel(owner.token, YARD, over.json.id)).status, 200);
      continue;
    }
    const retryAfter = assertRateLimited(over, "the booking over the quota");
    assert.deepEqual((await myBookings(owner.token)).json.bookings, [], "nothing booked");
    assert.deepEqual((await slotAt(YARD, slot)).booked, before.booked, "the slot is unchanged");

    await sleep(retryAfter * 1000 + 300);
    const later = await book(owner.token, YARD, { trip_id: owner.trips[0].id, slot_start_ms: slot }, { key: over.key });
    assert.equal(later.status, 200, show(later));
    const undone = await cancel(owner.token, YARD, later.json.id);
    assert.equal(undone.status, 200, show(undone));
    return;
  }
});
