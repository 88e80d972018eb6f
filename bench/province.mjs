// The province sync, measured. `scripts/bench.sh` runs this after bench/bench.mjs against a
// second Worker, started on fresh state with the province's address and secrets, and with the
// province simulator (scripts/province-sim/) beside it. Its figures are merged into
// bench/results.json, and a section is added to bench/results.md.
//
// - province_sync_lag_p99_ms: writes through the API at a steady rate (LAG_TRIPS trips, one
//   created every LAG_INTERVAL_MS, each given its declaration number a second later: two
//   records per trip). For each record, the time from the event at the edge (the record's
//   `occurred_at_ms`) to the simulator storing it (`received_at_ms`, taken just before it
//   answers `accepted`). The edge pushes after each write (`ctx.wait_until`); no cron is called.
// - province_backlog_drain_10000_s: the simulator is down (connections cut) while 10,000 trips
//   are created (10,000 `trip.accepted` records). Then it is up again, and the cron is called
//   back to back, as a busy edge's writes and the every-minute cron would trigger pushes
//   (wrangler dev runs no cron by itself). Measured from "up" to the edge's sync health showing
//   nothing pending: the wait the pusher's backoff still imposes plus the drain itself, each
//   also reported on its own.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { get, signInAs } from "../e2e/lib/accounts.mjs";
import { BASE_URL } from "../e2e/lib/browser.mjs";
import { clientId, signUpOwner, sync, trip, vehicle } from "../e2e/lib/trips.mjs";
import { SIM_URL, provinceRequests, provinceSettings, received, setProvince } from "../e2e/lib/province.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const LAG_TRIPS = Number(process.env.BENCH_PROVINCE_LAG_TRIPS ?? 150);
const LAG_INTERVAL_MS = 400;
const LAG_OWNERS = 5;
const BACKLOG = Number(process.env.BENCH_PROVINCE_BACKLOG ?? 10_000);
/// Each owner's trips (an account may send 2,000 writes per 10 minutes).
const BACKLOG_PER_OWNER = 1_000;
const OPS_PER_SYNC = 100;
const DRAIN_TIMEOUT_MS = 20 * 60_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted, q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
const round1 = (x) => Math.round(x * 10) / 10;
const declarationNumber = () => `30${String(Math.floor(Math.random() * 1e10)).padStart(10, "0")}`;

async function expectApplied(r, what) {
  const bad = r.json?.results?.filter((x) => x.outcome !== "applied");
  if (r.status !== 200 || bad?.length !== 0) {
    throw new Error(`${what}: sync failed: ${r.status} ${r.text.slice(0, 400)}`);
  }
}

/// An owner with one registered vehicle.
async function ownerWithVehicle() {
  const owner = await signUpOwner();
  const v = vehicle();
  await expectApplied(await sync(owner.token, clientId(), [{ seq: 1, kind: "vehicle.register", payload: v }]), "vehicle");
  return { token: owner.token, vehicle: v };
}

let admin;
async function health() {
  admin ??= await signInAs("admin");
  const r = await get("/api/admin/province-sync", { token: admin.token });
  if (r.status !== 200) throw new Error(`GET /api/admin/province-sync: ${r.status} ${r.text}`);
  return r.json;
}

/// Waits until `done()` holds, checking every `everyMs`; returns when it held (ms, performance clock).
async function waitFor(done, { everyMs = 200, timeoutMs, what }) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await done()) return performance.now();
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function steadyLag() {
  const owners = await Promise.all(Array.from({ length: LAG_OWNERS }, ownerWithVehicle));
  const before = (await provinceSettings()).received;
  const trips = [];
  const writes = [];
  const start = performance.now();
  for (let i = 0; i < LAG_TRIPS; i++) {
    const wait = start + i * LAG_INTERVAL_MS - performance.now();
    if (wait > 0) await sleep(wait);
    const owner = owners[i % owners.length];
    const t = trip(owner.vehicle.id);
    const client = clientId();
    trips.push(t.id);
    // One phone per trip: its two writes go in order, a second apart.
    writes.push(
      (async () => {
        await expectApplied(await sync(owner.token, client, [{ seq: 1, kind: "trip.create", payload: t }]), "trip.create");
        await sleep(1000);
        const declaration = { trip_id: t.id, declaration: declarationNumber() };
        await expectApplied(
          await sync(owner.token, client, [{ seq: 2, kind: "trip.set_declaration", payload: declaration }]),
          "trip.set_declaration",
        );
      })(),
    );
  }
  await Promise.all(writes);
  const writingMs = performance.now() - start;
  const expected = before + 2 * LAG_TRIPS;
  // Whatever the pushes after writes left behind, the every-minute cron would send: call it
  // once a minute while waiting (a lag that needed it shows as a minute).
  let nextCron = performance.now() + 60_000;
  let cronCalls = 0;
  await waitFor(
    async () => {
      if ((await provinceSettings()).received >= expected) return true;
      if (performance.now() >= nextCron) {
        nextCron += 60_000;
        cronCalls++;
        await (await fetch(`${BASE_URL}/__scheduled?cron=*/1+*+*+*+*`)).arrayBuffer();
      }
      return false;
    },
    { timeoutMs: 180_000, what: `the simulator to hold ${2 * LAG_TRIPS} records` },
  );
  const mine = new Set(trips);
  const { records } = await received();
  const ours = records.filter((r) => mine.has(r.trip_id));
  if (ours.length !== 2 * LAG_TRIPS) throw new Error(`${ours.length} records received, expected ${2 * LAG_TRIPS}`);
  for (const id of trips) {
    const kinds = ours.filter((r) => r.trip_id === id).map((r) => `${r.seq}:${r.type}`);
    if (kinds.join(",") !== "1:trip.accepted,2:trip.declaration_set") {
      throw new Error(`trip ${id}'s records arrived as ${kinds.join(",")}`);
    }
  }
  const lags = ours.map((r) => r.received_at_ms - r.occurred_at_ms).sort((a, b) => a - b);
  return {
    figures: {
      province_sync_lag_p50_ms: round1(percentile(lags, 0.5)),
      province_sync_lag_p99_ms: round1(percentile(lags, 0.99)),
      province_sync_lag_max_ms: round1(lags.at(-1)),
    },
    details: { records: lags.length, writesPerS: round1((2 * LAG_TRIPS) / (writingMs / 1000)), writingMs, cronCalls },
  };
}

/// Calls the cron trigger until `stop()`, one run after the other.
async function cronLoop(stop) {
  let runs = 0;
  while (!stop()) {
    try {
      const r = await fetch(`${BASE_URL}/__scheduled?cron=*/1+*+*+*+*`);
      await r.arrayBuffer();
      runs++;
    } catch {}
    await sleep(250);
  }
  return runs;
}

async function backlogDrain() {
  // The edge marks what the simulator answered a moment after it answered.
  await waitFor(async () => (await health()).pending === 0, { everyMs: 250, timeoutMs: 60_000, what: "nothing pending before the outage" });
  const before = (await provinceSettings()).received;
  await setProvince({ mode: "down" });
  const owners = Math.ceil(BACKLOG / BACKLOG_PER_OWNER);
  const setupStart = performance.now();
  const tripIds = new Set();
  await Promise.all(
    Array.from({ length: owners }, async (_, o) => {
      const owner = await ownerWithVehicle();
      const count = Math.min(BACKLOG_PER_OWNER, BACKLOG - o * BACKLOG_PER_OWNER);
      const client = clientId();
      for (let from = 0; from < count; from += OPS_PER_SYNC) {
        const ops = [];
        for (let i = from; i < Math.min(count, from + OPS_PER_SYNC); i++) {
          const t = trip(owner.vehicle.id);
          tripIds.add(t.id);
          ops.push({ seq: i + 1, kind: "trip.create", payload: t });
        }
        await expectApplied(await sync(owner.token, client, ops), "backlog trips");
      }
    }),
  );
  const setupMs = performance.now() - setupStart;
  const queued = await health();
  if (queued.pending !== BACKLOG) throw new Error(`${queued.pending} records pending, expected ${BACKLOG}`);
  const failuresWhileDown = queued.failures;

  await setProvince({ mode: "up" });
  const upWall = Date.now();
  const up = performance.now();
  let drained = false;
  const cron = cronLoop(() => drained);
  let allAckedAt;
  try {
    allAckedAt = await waitFor(async () => (await health()).pending === 0, {
      everyMs: 250,
      timeoutMs: DRAIN_TIMEOUT_MS,
      what: `${BACKLOG} records to be acknowledged`,
    });
  } finally {
    drained = true;
  }
  const cronRuns = await cron;

  const { records, deliveries } = await received();
  const ours = records.filter((r) => tripIds.has(r.trip_id));
  if (ours.length !== BACKLOG || new Set(ours.map((r) => r.event_id)).size !== BACKLOG) {
    throw new Error(`${ours.length} backlog records received, expected ${BACKLOG} distinct`);
  }
  if ((await provinceSettings()).received !== before + BACKLOG) throw new Error("the simulator holds records not sent by the bench");
  const redelivered = ours.filter((r) => (deliveries[r.event_id] ?? 0) > 1).length;
  const pushes = (await provinceRequests()).filter((q) => q.path === "/v1/records" && q.at_ms >= upWall && q.answer === 200);
  if (pushes.length === 0) throw new Error("the simulator logged no batch after it was up");
  const firstPushWall = Math.min(...pushes.map((q) => q.at_ms));
  const lastStoredWall = Math.max(...ours.map((r) => r.received_at_ms));
  return {
    figures: {
      province_backlog_drain_10000_s: round1((allAckedAt - up) / 1000),
      province_backlog_first_push_wait_s: round1((firstPushWall - upWall) / 1000),
      province_backlog_push_records_per_s: Math.round(BACKLOG / Math.max(0.001, (lastStoredWall - firstPushWall) / 1000)),
    },
    details: {
      setupMs,
      failuresWhileDown,
      batches: pushes.length,
      cronRuns,
      redelivered,
      pushS: round1((lastStoredWall - firstPushWall) / 1000),
    },
  };
}

const lag = await steadyLag();
const drain = await backlogDrain();
const figures = { ...lag.figures, ...drain.figures };

const jsonPath = path.join(ROOT, "bench/results.json");
let results = {};
try {
  results = JSON.parse(await readFile(jsonPath, "utf8"));
} catch {}
Object.assign(results, figures);
await writeFile(jsonPath, JSON.stringify(results, null, 2) + "\n");

const MARK = "<!-- province sync -->";
const n = (x) => x.toLocaleString("en-US");
const section = `${MARK}
## Province sync

Measured ${new Date().toISOString()} against the province simulator (\`scripts/province-sim/\`,
${SIM_URL}) and a second local Worker on fresh state, configured with its address and secrets.

| figure | value |
|---|---|
| lag, event written → stored by the province, steady writes (p50 / p99 / max over ${lag.details.records} records) | ${figures.province_sync_lag_p50_ms} ms / ${figures.province_sync_lag_p99_ms} ms / ${figures.province_sync_lag_max_ms} ms |
| backlog of ${n(BACKLOG)} records after an outage: province up → all acknowledged at the edge | ${figures.province_backlog_drain_10000_s} s |
| of which the pusher's backoff still waiting after "up" (${drain.details.failuresWhileDown} failures in a row during the outage) | ${figures.province_backlog_first_push_wait_s} s |
| the drain itself: first batch to last record stored (${drain.details.batches} batches) | ${drain.details.pushS} s (${n(figures.province_backlog_push_records_per_s)} records/s) |

**Lag.** ${LAG_TRIPS} trips were written through \`POST /api/sync\` by ${LAG_OWNERS} drivers, at a steady
${lag.details.writesPerS} writes/s: one trip created every ${LAG_INTERVAL_MS} ms on its own phone, its
declaration number added a second later, so two records per trip. The edge pushes after each write
(\`ctx.wait_until\`). The cron was called ${lag.details.cronCalls} times (once a minute while records
were still missing, as Cloudflare's every-minute cron would run). A record's lag runs from its
\`occurred_at_ms\` (the edge's clock when it handled the write) to the simulator's \`received_at_ms\`
(its clock when it stored the record, just before answering \`accepted\`): both this machine's
clock. Every trip's two records arrived, once each, in \`seq\` order.

**Backlog.** The simulator was down (connections cut) while ${n(BACKLOG)} trips were created by
${Math.ceil(BACKLOG / BACKLOG_PER_OWNER)} drivers in batches of ${OPS_PER_SYNC} writes (${Math.round(drain.details.setupMs / 1000)} s); the pushes that followed those
writes failed, and the pusher's backoff grew. Then the simulator was brought back, and the cron
trigger (\`/__scheduled\`) was called back to back (${drain.details.cronRuns} runs), standing in for the
every-minute cron and the pushes of a busy edge's writes. The time runs until
\`GET /api/admin/province-sync\` showed nothing pending (checked every 250 ms). The simulator
stored each record once; ${drain.details.redelivered} were delivered more than once (answered \`duplicate\`).
`;
const mdPath = path.join(ROOT, "bench/results.md");
let md = "";
try {
  md = await readFile(mdPath, "utf8");
} catch {}
const at = md.indexOf(MARK);
md = (at >= 0 ? md.slice(0, at) : md.length ? md.trimEnd() + "\n\n" : "# BorderPass benchmark results\n\n") + section;
await writeFile(mdPath, md);
console.log(JSON.stringify(figures, null, 2));
