// call_fanout: from an operator's call to the update arriving at each of 500 connected driver
// phones of one yard. The phones are WebSockets in this Node process, opened the way the app
// opens them; every waiting vehicle's place changes with each call, so each call reaches all.
import { listTrips } from "../e2e/lib/trips.mjs";
import { ownerWithTrips } from "../e2e/lib/bookings.mjs";
import { callNext, checkIn, openLive, operatorFor } from "../e2e/lib/queue.mjs";

const YARD = "dd-container";
const GATE = "dong-dang-rail";
const PHONES = 500;
const CALLS = 10;
/// `GET /api/trips` lists an account's newest 200 trips: phones are spread over households.
const PER_OWNER = 200;

const percentile = (sorted, q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];

export async function callFanout() {
  const operator = await operatorFor(YARD);
  const phones = [];
  for (let made = 0; made < PHONES; made += PER_OWNER) {
    const count = Math.min(PER_OWNER, PHONES - made);
    const owner = await ownerWithTrips({ role: "trader", count, gate: GATE });
    const passes = new Map((await listTrips(owner.token)).trips.map((t) => [t.id, t.pass.code]));
    for (const t of owner.trips) phones.push({ token: owner.token, tripId: t.id, pass: passes.get(t.id) });
  }
  for (let i = 0; i < phones.length; i += 25) {
    const answers = await Promise.all(phones.slice(i, i + 25).map((p) => checkIn(operator.token, YARD, p.pass)));
    const bad = answers.find((r) => r.status !== 201);
    if (bad) throw new Error(`check-in failed: ${bad.status} ${bad.text}`);
  }
  const lives = [];
  for (let i = 0; i < phones.length; i += 50) {
    const batch = phones.slice(i, i + 50).map((p) => openLive(p.token, p.tripId));
    await Promise.all(batch.map((l) => l.opened));
    lives.push(...batch);
  }
  // Let every first message arrive before timing.
  await Promise.all(lives.map((l) => l.next((v) => v.entry !== null)));
  const latencies = [];
  for (let round = 0; round < CALLS; round += 1) {
    const before = lives.map((l) => l.messages.length);
    const sent = performance.now();
    const r = await callNext(operator.token, YARD, "general", 1);
    if (r.status !== 200) throw new Error(`call failed: ${r.status} ${r.text}`);
    const arrivals = await Promise.all(
      lives.map(async (l, i) => {
        while (l.messages.length <= before[i]) await new Promise((resolve) => setTimeout(resolve, 2));
        return l.messages[before[i]].at - sent;
      })
    );
    latencies.push(...arrivals);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (const l of lives) l.close();
  latencies.sort((a, b) => a - b);
  return {
    call_fanout_p50_ms: Math.round(percentile(latencies, 0.5)),
    call_fanout_p99_ms: Math.round(percentile(latencies, 0.99)),
    call_fanout_phones: PHONES,
    call_fanout_calls: CALLS,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await callFanout()));
}
