// Measures BorderPass and writes bench/results.json (one flat object of numbers) and a
// readable bench/results.md. Run through `make bench`, which builds release and starts the
// Worker; figures from a shared machine are indicative, never asserted by tests.
import { readFile, readdir, writeFile } from "node:fs/promises";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { openPhone, BASE_URL } from "../e2e/lib/browser.mjs";
import { get, signInAs } from "../e2e/lib/accounts.mjs";
import { clientId, driverWithPass, listTrips, recordId, signUpOwner, sync, trip, vehicle } from "../e2e/lib/trips.mjs";
import { book, localDate, localInstant, setConfig, uniquePlate } from "../e2e/lib/bookings.mjs";
import { benchVerify } from "./verify-bench.mjs";
import { benchResidentScan } from "./resident-bench.mjs";
import { callFanout } from "./fanout.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const gzip = (b) => gzipSync(b, { level: 9 }).length;
const brotli = (b) =>
  brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/// What a cold load downloads to run the app: the wasm, the JS and the CSS.
async function appTransfer() {
  const files = ["pkg/app_bg.wasm", "pkg/app.js", "boot.js", "style.css"];
  let raw = 0, gz = 0, br = 0;
  for (const f of files) {
    const bytes = await readFile(path.join(ROOT, "dist", f));
    raw += bytes.length;
    gz += gzip(bytes);
    br += brotli(bytes);
  }
  return { app_transfer_raw_bytes: raw, app_transfer_gzip_bytes: gz, app_transfer_brotli_bytes: br };
}

async function workerSize() {
  const dir = path.join(ROOT, "edge", "build");
  const wasm = (await readdir(dir)).find((f) => f.endsWith(".wasm"));
  const bytes = await readFile(path.join(dir, wasm));
  return { worker_wasm_raw_bytes: bytes.length, worker_wasm_gzip_bytes: gzip(bytes) };
}

// Records when the first gate card appears, in ms since navigation start.
function markGatesRendered() {
  const observer = new MutationObserver(() => {
    if (!window.__gatesRenderedAt && document.querySelector(".gate-card")) {
      window.__gatesRenderedAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

async function timedLoad(page, action) {
  await action();
  await page.waitForFunction(() => window.__gatesRenderedAt !== undefined, null, { timeout: 120000 });
  return page.evaluate(() => window.__gatesRenderedAt);
}

async function throttle(context, page, { network }) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  if (network) {
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
  }
  return cdp;
}

/// A fresh phone each run: empty HTTP cache, no service worker.
async function coldLoads() {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const phone = await openPhone();
    try {
      await phone.page.addInitScript(markGatesRendered);
      await throttle(phone.context, phone.page, { network: true });
      times.push(await timedLoad(phone.page, () => phone.page.goto(BASE_URL + "/")));
    } finally {
      await phone.close();
    }
  }
  return times;
}

/// One phone that has the app installed (service worker and saved data), reloaded.
async function warmLoads() {
  const phone = await openPhone();
  try {
    const { page, context } = phone;
    await page.addInitScript(markGatesRendered);
    await timedLoad(page, () => page.goto(BASE_URL + "/"));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await throttle(context, page, { network: false });
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await timedLoad(page, () => page.reload()));
    return times;
  } finally {
    await phone.close();
  }
}

/// Signing and verifying a pass natively: `scripts/bench.sh` runs the release example and
/// hands its JSON line over in BORDERPASS_PASS_BENCH; run by hand, this runs it itself.
function passNative() {
  let line = process.env.BORDERPASS_PASS_BENCH;
  if (!line) {
    const out = execFileSync(
      "cargo",
      ["run", "--release", "--quiet", "-p", "borderpass-shared", "--example", "pass_bench"],
      { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    );
    line = out.trim().split("\n").at(-1);
  }
  const figures = JSON.parse(line);
  const keys = ["pass_sign_us", "pass_verify_us", "pass_qr_version", "pass_chars"];
  for (const k of keys) {
    if (!Number.isFinite(figures[k])) throw new Error(`pass_bench printed no ${k}: ${line}`);
  }
  return Object.fromEntries(keys.map((k) => [k, figures[k]]));
}

/// The officer's check of a real pass issued by the bench Worker, against its trust list.
async function passVerify() {
  const { pass } = await driverWithPass();
  if (typeof pass?.code !== "string" || !pass.code.startsWith("BP1:")) {
    throw new Error(`the bench trip has no pass: ${JSON.stringify(pass)}`);
  }
  const keys = await get("/api/keys");
  if (keys.status !== 200) throw new Error(`GET /api/keys failed: ${keys.status} ${keys.text}`);
  return benchVerify({ baseUrl: BASE_URL, pass: pass.code, trustList: keys.json });
}

const DRAIN_TRIPS = 1000;
/// The app's MAX_OPS_PER_SYNC (shared::sync).
const OPS_PER_SYNC = 100;

/// How many trips `account` has in the bench Worker's local D1, or undefined when the state
/// directory is unknown (bench.mjs run by hand).
function tripsInD1(accountId) {
  const state = process.env.BORDERPASS_BENCH_STATE;
  if (!state) return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(accountId)) throw new Error(`unexpected account id ${accountId}`);
  const out = execFileSync(
    path.join(ROOT, "node_modules/.bin/wrangler"),
    ["d1", "execute", "DB", "--local", "--persist-to", state, "--json",
      "--command", `SELECT COUNT(*) AS n FROM trips WHERE account_id = '${accountId}'`],
    { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(out)[0].results[0].n;
}

/// A phone's outbox of one vehicle and 1,000 trips, drained as the app drains it: batches of
/// MAX_OPS_PER_SYNC writes, one request after the other, `seq`s continuing across batches.
async function outboxDrain() {
  const session = await signUpOwner();
  const client = clientId();
  const v = vehicle();
  const writes = [{ kind: "vehicle.register", payload: v }];
  for (let i = 0; i < DRAIN_TRIPS; i++) writes.push({ kind: "trip.create", payload: trip(v.id) });
  const ops = writes.map((w, i) => ({ seq: i + 1, ...w }));
  const start = performance.now();
  for (let i = 0; i < ops.length; i += OPS_PER_SYNC) {
    const batch = ops.slice(i, i + OPS_PER_SYNC);
    const r = await sync(session.token, client, batch);
    if (r.status !== 200) throw new Error(`sync of writes ${batch[0].seq}.. failed: ${r.status} ${r.text}`);
    const results = r.json.results ?? [];
    for (const op of batch) {
      const result = results.find((x) => x.seq === op.seq);
      if (result?.outcome !== "applied") {
        throw new Error(`write ${op.seq} (${op.kind}) was not applied: ${JSON.stringify(result)}`);
      }
    }
  }
  const ms = performance.now() - start;

  const ids = new Set(writes.slice(1).map((w) => w.payload.id));
  const listed = await listTrips(session.token);
  if (listed.trips.some((t) => !ids.has(t.id))) throw new Error("GET /api/trips lists a trip not sent");
  if (listed.trips.length < DRAIN_TRIPS) {
    // GET /api/trips lists the newest trips only (LIMIT 200 in edge/src/trips.rs): count the
    // rest in the Worker's D1.
    const inD1 = tripsInD1(session.account.id);
    if (inD1 === undefined) {
      console.warn(`GET /api/trips lists ${listed.trips.length} trips; D1 not checked`);
    } else if (inD1 !== DRAIN_TRIPS) {
      throw new Error(`${inD1} trips stored, expected ${DRAIN_TRIPS}`);
    }
  } else if (listed.trips.length !== DRAIN_TRIPS) {
    throw new Error(`GET /api/trips lists ${listed.trips.length} trips, expected ${DRAIN_TRIPS}`);
  }
  return {
    outbox_drain_1000_ms: Math.round(ms),
    outbox_drain_writes_per_s: Math.round((ops.length / ms) * 1000),
  };
}

// ---- Yard slot booking under load, and a no-op round trip to the same yard's object ----

const BOOK_YARD = "cm-1";
const BOOK_GATE = "chi-ma";
const BOOK_CLIENTS = 64;
/// Trading households, vehicles each, and local days ahead (D+1 ...): every vehicle has one
/// accepted, declared trip per day, so that each booking is a distinct trip and no vehicle is
/// booked twice on a day. BOOK_TRADERS x BOOK_VEHICLES x BOOK_DAYS trips in all.
const BOOK_TRADERS = 8;
const BOOK_VEHICLES = 8;
const BOOK_DAYS = 16;
/// No booking is started after this long; the same for the no-op loop.
const BOOK_MAX_MS = 25_000;
const NOOP_MS = 8_000;
/// cm-1 for the run: hourly slots round the clock, 1,000 places each, and room for every
/// household's bookings, so that capacity and caps are not what is measured.
const BOOK_CONFIG = {
  slot_minutes: 60,
  opens_minute: 0,
  closes_minute: 1440,
  capacity_per_slot: 1000,
  perishable_percent: 10,
  fee_vnd: 30000,
  max_active_driver: 1,
  max_active_trader: 500,
  horizon_days: 30,
  no_show: { grace_minutes: 30, max_no_shows: 3, window_days: 30, pause_days: 7 },
  closures: [],
};

/// Nearest-rank percentile of sorted numbers.
const percentile = (sorted, q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];

/// `clients` loops, each taking the next job until none is left or `maxMs` has passed since
/// the start, and timing each request. Returns each answer with its latency, and the time
/// from the first request to the last answer.
async function closedLoop(clients, nextJob, run, maxMs) {
  const done = [];
  const start = performance.now();
  const deadline = start + maxMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let job = nextJob(); job !== undefined && performance.now() < deadline; job = nextJob()) {
        const t0 = performance.now();
        const r = await run(job);
        done.push({ r, ms: performance.now() - t0 });
      }
    }),
  );
  return { done, elapsedMs: performance.now() - start };
}

/// A trading household with BOOK_VEHICLES vehicles and BOOK_DAYS trips each through the yard's
/// gate, all accepted and declared: `trips[d]` are the trips for day D+1+d.
async function bookingHousehold() {
  const owner = await signUpOwner("trader");
  const vehicles = Array.from({ length: BOOK_VEHICLES }, () => ({
    id: recordId("v"), plate: uniquePlate(), vehicle_type: "truck", country: "VN",
  }));
  const trips = Array.from({ length: BOOK_DAYS }, () =>
    vehicles.map((v) => trip(v.id, { gate_id: BOOK_GATE, declaration: "123456789012", perishable: false, cargo: "Gạch men" })),
  );
  const ops = [
    ...vehicles.map((v) => ({ kind: "vehicle.register", payload: v })),
    ...trips.flat().map((t) => ({ kind: "trip.create", payload: t })),
  ];
  const client = clientId();
  for (let from = 0; from < ops.length; from += OPS_PER_SYNC) {
    const batch = ops.slice(from, from + OPS_PER_SYNC).map((op, i) => ({ seq: from + i + 1, ...op }));
    const r = await sync(owner.token, client, batch);
    const bad = r.json?.results?.filter((x) => x.outcome !== "applied");
    if (r.status !== 200 || bad?.length !== 0) throw new Error(`booking bench setup: sync failed: ${r.status} ${r.text.slice(0, 500)}`);
  }
  return { token: owner.token, trips };
}

/// 64 clients booking distinct trips into one yard's open slots as fast as it answers, then the
/// same 64 clients calling the yard's status route (Worker -> the same Durable Object -> back).
async function bookingLoad() {
  const operator = await signInAs("yard_operator");
  await setConfig(operator.token, BOOK_YARD, BOOK_CONFIG);

  const setupStart = performance.now();
  const households = await Promise.all(Array.from({ length: BOOK_TRADERS }, bookingHousehold));
  const setupMs = performance.now() - setupStart;

  // Day by day; within a day, the households' vehicles take the day's 24 slots in turn.
  const now = Date.now();
  const jobs = [];
  for (let d = 0; d < BOOK_DAYS; d++) {
    const date = localDate(1 + d, now);
    let n = 0;
    for (const h of households) {
      for (const t of h.trips[d]) {
        const slot_start_ms = localInstant(date, ((n + d) % 24) * 60);
        jobs.push({ token: h.token, trip_id: t.id, slot_start_ms });
        n++;
      }
    }
  }
  let taken = 0;
  const booking = await closedLoop(
    BOOK_CLIENTS,
    () => jobs[taken++],
    (j) => book(j.token, BOOK_YARD, { trip_id: j.trip_id, slot_start_ms: j.slot_start_ms }),
    BOOK_MAX_MS,
  );
  const booked = booking.done.filter(({ r }) => r.status === 200);
  const full = booking.done.filter(({ r }) => r.status === 409 && r.json?.code === "slot_full");
  const other = booking.done.filter(({ r }) => r.status !== 200 && !(r.status === 409 && r.json?.code === "slot_full"));
  if (other.length) {
    const sample = other.slice(0, 3).map(({ r }) => `${r.status} ${r.text.slice(0, 200)}`);
    throw new Error(`${other.length} of ${booking.done.length} bookings failed, e.g. ${sample.join(" | ")}`);
  }
  if (booked.length === 0) throw new Error("no booking succeeded");

  const statusPath = `/api/yards/${BOOK_YARD}/status`;
  const noop = await closedLoop(
    BOOK_CLIENTS,
    () => statusPath,
    (p) => get(p, { token: operator.token }),
    NOOP_MS,
  );
  const noopBad = noop.done.filter(({ r }) => r.status !== 200);
  if (noopBad.length) {
    throw new Error(`${noopBad.length} of ${noop.done.length} status calls failed, e.g. ${noopBad[0].r.status} ${noopBad[0].r.text.slice(0, 200)}`);
  }

  const latencies = booking.done.map(({ ms }) => ms).sort((a, b) => a - b);
  const noopLatencies = noop.done.map(({ ms }) => ms).sort((a, b) => a - b);
  const bookingRps = booking.done.length / (booking.elapsedMs / 1000);
  const noopRps = noop.done.length / (noop.elapsedMs / 1000);
  const round1 = (x) => Math.round(x * 10) / 10;
  return {
    figures: {
      booking_rps: round1(bookingRps),
      booking_p50_ms: round1(percentile(latencies, 0.5)),
      booking_p99_ms: round1(percentile(latencies, 0.99)),
      booking_requests: booking.done.length,
      booking_slot_full: full.length,
      noop_do_rps: round1(noopRps),
      booking_to_noop_ratio: Math.round((bookingRps / noopRps) * 1000) / 1000,
    },
    details: {
      trips: jobs.length,
      setupMs,
      bookingMs: booking.elapsedMs,
      noopRequests: noop.done.length,
      noopMs: noop.elapsedMs,
      noopP50: percentile(noopLatencies, 0.5),
      noopP99: percentile(noopLatencies, 0.99),
    },
  };
}

const results = {
  ...(await appTransfer()),
  ...(await workerSize()),
  ...passNative(),
};
const cold = await coldLoads();
const warm = await warmLoads();
results.cold_load_ms_slow4g_cpu4x = Math.round(median(cold));
results.warm_load_ms_cpu4x = Math.round(median(warm));
Object.assign(results, await passVerify());
const residentScan = await benchResidentScan({ baseUrl: BASE_URL, runs: Math.max(RUNS, 5) });
Object.assign(results, residentScan.figures);
Object.assign(results, await outboxDrain());
const booking = await bookingLoad();
Object.assign(results, booking.figures);
Object.assign(results, await callFanout());

await writeFile(path.join(ROOT, "bench/results.json"), JSON.stringify(results, null, 2) + "\n");
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const fmtMs = (ms) => `${Math.round(ms)} ms`;
const md = `# BorderPass benchmark results

Measured ${new Date().toISOString()} on this machine (shared, noisy: read as indications).

| figure | value |
|---|---|
| app transfer on a cold load (wasm + js + css), raw | ${kb(results.app_transfer_raw_bytes)} |
| same, gzip -9 | ${kb(results.app_transfer_gzip_bytes)} |
| same, brotli q11 | ${kb(results.app_transfer_brotli_bytes)} |
| Worker wasm, gzip | ${kb(results.worker_wasm_gzip_bytes)} |
| cold load to gate list, 1.6 Mbps / 150 ms RTT, 4x CPU (median of ${RUNS}) | ${results.cold_load_ms_slow4g_cpu4x} ms (runs: ${cold.map(Math.round).join(", ")}) |
| warm load to gate list, 4x CPU (median of ${RUNS}) | ${results.warm_load_ms_cpu4x} ms (runs: ${warm.map(Math.round).join(", ")}) |
| signing one trip pass, native release build (\`pass_bench\` example) | ${results.pass_sign_us} µs |
| verifying one trip pass, native release build | ${results.pass_verify_us} µs |
| verifying one trip pass in the officers' verifier wasm (dist/verifier), in Node | ${results.pass_verify_wasm_us} µs |
| a typical trip pass: QR version / characters | ${results.pass_qr_version} / ${results.pass_chars} |
| officer's scan: decoded camera frame to verdict on screen, 4x CPU (median) | ${results.scan_to_verdict_ms_cpu4x} ms |
| border resident: pasted pass to crossing recorded in the outbox (verdict, roster, ledger, IN, Record), offline, 4x CPU (median) | ${results.resident_scan_to_recorded_ms} ms (runs: ${residentScan.runs.join(", ")}) |
| outbox drain: 1 vehicle + ${DRAIN_TRIPS} trips, ${OPS_PER_SYNC} writes per \`POST /api/sync\`, sequential | ${results.outbox_drain_1000_ms} ms (${results.outbox_drain_writes_per_s} writes/s) |
| yard booking, ${BOOK_CLIENTS} concurrent clients on one yard (\`POST /api/yards/${BOOK_YARD}/bookings\`) | ${results.booking_rps} requests/s |
| same, latency p50 / p99 | ${results.booking_p50_ms} ms / ${results.booking_p99_ms} ms |
| same, requests answered / of which \`slot_full\` | ${results.booking_requests} / ${results.booking_slot_full} |
| no-op through the Worker to the same yard's object (\`GET /api/yards/${BOOK_YARD}/status\`), ${BOOK_CLIENTS} concurrent clients | ${results.noop_do_rps} requests/s (p50 ${fmtMs(booking.details.noopP50)} / p99 ${fmtMs(booking.details.noopP99)}) |
| booking / no-op throughput | ${results.booking_to_noop_ratio} |
| queue call fan-out: operator's call to the update on each of ${results.call_fanout_phones} connected phones of one yard, p50 / p99 over ${results.call_fanout_calls} calls | ${results.call_fanout_p50_ms} ms / ${results.call_fanout_p99_ms} ms |

Local \`wrangler dev\` serves assets uncompressed, so the cold load here transfers the raw bytes;
Cloudflare's network would send the brotli figure.

The native pass figures (and the QR version and length) are for the \`pass_bench\` example's
Ed25519-signed trip pass with trailer and yard booking, from \`cargo run --release -p
borderpass-shared --example pass_bench\` (opt-level 3); the wasm figure verifies a pass the
bench Worker issued to a fresh driver, in the size-optimised verifier module officers download. The
scan figure counts from the moment the camera frame that decoded was taken (drawing it, decoding
its QR, verifying, showing the verdict); camera start-up and earlier frames that did not decode
are not included.

The border resident figure (\`bench/resident-bench.mjs\`) counts from the tap on Verify with a
resident's pass pasted, the phone offline, to the crossing committed in the officer's outbox in
IndexedDB: the check in the verifier module, the resident looked up in the roster saved on the
phone and the ledger computed there, then the two taps (IN, Record) that Playwright sends as soon
as each button is on screen.

The outbox drain replays ${DRAIN_TRIPS + 1} queued writes of one fresh driver against the local
Worker (local D1 on this machine's disk, not Cloudflare's), timed from the first request to the
last answer; every write must come back \`applied\`. Writes/s counts all ${DRAIN_TRIPS + 1} writes.

The booking figures come from ${BOOK_CLIENTS} clients in this one Node process, each sending its
next request as soon as its last is answered, all to the yard \`${BOOK_YARD}\` (one Durable
Object), for ${booking.details.trips} trips made up front and not timed (${BOOK_TRADERS} trading
households with ${BOOK_VEHICLES} vehicles each and one accepted, declared trip per vehicle and day
for ${BOOK_DAYS} days; setup took ${fmtMs(booking.details.setupMs)}). The yard's operator first
sets it to hourly slots round the clock with ${BOOK_CONFIG.capacity_per_slot} places each, a
${BOOK_CONFIG.horizon_days}-day horizon and ${BOOK_CONFIG.max_active_trader} active bookings per household, and each booking
takes a distinct trip into a slot from tomorrow on, spread over each day's 24 slots, so that
capacity and caps are not what is measured. Clients stop taking trips after
${BOOK_MAX_MS / 1000} s or when all are taken; requests/s counts every answer (bookings and
\`slot_full\` refusals; any other answer fails the bench) over the time from the first request
to the last answer (${fmtMs(booking.details.bookingMs)} here), and the latencies are each request's
time from sending to its full answer, queueing in the local Worker included. Right after, the
same ${BOOK_CLIENTS} clients call \`GET /api/yards/${BOOK_YARD}/status\` as the yard's operator
for ${NOOP_MS / 1000} s (${booking.details.noopRequests} calls): the same session check in the
Worker, then a round trip to the same yard's object, which does one tiny write (a call counter
in its SQLite storage) and answers. The ratio is the share of that bare Worker-to-object
throughput that booking keeps. The clients share this machine's CPU with \`wrangler dev\`.
`;
await writeFile(path.join(ROOT, "bench/results.md"), md);
console.log(JSON.stringify(results, null, 2));
