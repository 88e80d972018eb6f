#!/usr/bin/env node
// The province simulator: Lạng Sơn's Digital Border Gate platform as BorderPass's interface
// defines it (docs/province-sync.md, docs/province-api.json), for local runs and tests. A small
// process beside `wrangler dev`, never inside the edge.
//
//   node scripts/province-sim/server.mjs --port 9799 --state DIR --edge http://127.0.0.1:8787
//        [--schedule-ms 15000]     (make dev: confirm each received trip's steps one by one)
// Secrets from the environment: PROVINCE_PUSH_SECRET (verifies what the edge sends),
// PROVINCE_CALLBACK_SECRET (signs the answers, the status feed and the callbacks).
//
// The province's endpoints:
//   POST /v1/records        a signed Batch → a signed BatchAnswer, one result per record
//   GET  /v1/status?after=N a signed request → a signed StatusBatch (reconciliation)
// and it calls back `POST {edge}/api/province/status` with each status update, signed, until
// the edge answers 200.
//
// Control (tests and the demo only; 127.0.0.1):
//   POST /control {mode, retry_after_s, delay_ms, reject:[...], status_code}  how to misbehave:
//        mode up | down (connections cut) | error (5xx) | throttle (429 + Retry-After) |
//        timeout (never answers) | slow (answers after delay_ms) | bad_signature (signs with a
//        wrong key, both ways) | duplicate (each request processed twice, as if the network
//        delivered it twice; the second is answered)
//        reject: event ids, "type:<kind>", "trip:<id>" or "resident:<id>" to refuse as invalid
//   GET  /control           the settings, with counts
//   GET  /control/received  every record kept, in arrival order, and deliveries per event id
//   GET  /control/requests  every request to /v1/records with its time and what was answered
//   POST /control/status {updates:[{trip_id, step, force, verdict, reason?, note?, at_ms?}]}
//        the forces decide now: the updates join the feed and are called back
//   POST /control/reset     forget everything (storage too)
import { createServer } from "node:http";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { signedHeaders, verify } from "./webhook.mjs";
import { newSecret } from "./webhook.mjs";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "9799" },
    state: { type: "string", default: ".wrangler/province-sim" },
    edge: { type: "string", default: "http://127.0.0.1:8787" },
    "schedule-ms": { type: "string", default: "0" },
  },
});
const PUSH_SECRET = process.env.PROVINCE_PUSH_SECRET;
const CALLBACK_SECRET = process.env.PROVINCE_CALLBACK_SECRET;
if (!PUSH_SECRET || !CALLBACK_SECRET) {
  console.error("province-sim: PROVINCE_PUSH_SECRET and PROVINCE_CALLBACK_SECRET must be set");
  process.exit(2);
}
const WRONG_SECRET = newSecret();
const STATE = args.state;
const SCHEDULE_MS = Number(args["schedule-ms"]);
const MAX_BODY = 8 * 1024 * 1024;
mkdirSync(STATE, { recursive: true });
const RECORDS_FILE = path.join(STATE, "records.jsonl");
const STATUS_FILE = path.join(STATE, "status.jsonl");

// ---- storage: append-only, reloaded at start -------------------------------------------------
let records = []; // in arrival order
let byEvent = new Map(); // event_id → record
let taken = new Map(); // stream ("trip:<id>" or "resident:<id>") → last seq taken
let deliveries = new Map(); // event_id → times received (duplicates included)
let statusLog = []; // every status update, the feed's order (cursor = index + 1)
let requests = [];
let control = defaults();
let calledBack = 0; // updates the edge has answered 200 for (in order)

function defaults() {
  return { mode: "up", retry_after_s: 30, delay_ms: 2000, status_code: 503, reject: [] };
}

function load() {
  const read = (file) =>
    existsSync(file)
      ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))
      : [];
  for (const record of read(RECORDS_FILE)) keep(record, false);
  statusLog = read(STATUS_FILE);
}

function keep(record, persist = true) {
  if (persist) appendFileSync(RECORDS_FILE, JSON.stringify(record) + "\n");
  records.push(record);
  byEvent.set(record.event_id, record);
  taken.set(streamOf(record), record.seq);
}

// A record's stream: its trip's, or (resident.crossed) its resident's.
function streamOf(record) {
  return record.resident_id !== undefined ? `resident:${record.resident_id}` : `trip:${record.trip_id}`;
}
load();

// ---- the province's rules ---------------------------------------------------------------------
function rejectedBy(record) {
  for (const rule of control.reject) {
    if (rule === record.event_id || rule === `type:${record.type}` || rule === streamOf(record)) {
      return { reason_code: "refused_by_province", reason: `the province refuses this record (${rule})` };
    }
  }
  return null;
}

function invalid(record) {
  if (!record || typeof record !== "object") return "a record is an object";
  if (typeof record.event_id !== "string" || !/^[a-z0-9._-]{4,64}$/.test(record.event_id)) return "event_id";
  const slug = (v) => typeof v === "string" && /^[a-z0-9-]{2,32}$/.test(v);
  if (record.type === "resident.crossed") {
    // A crossing is in its resident's stream, with its facts (no name, no ID number).
    if (!slug(record.resident_id) || record.trip_id !== undefined) return "resident_id";
    const d = record.data ?? {};
    if (d.resident_id !== record.resident_id || !slug(d.crossing_id) || !slug(d.gate)) return "data";
    if (!["in", "out"].includes(d.direction)) return "direction";
    const goods = Array.isArray(d.goods) ? d.goods : null;
    const okLine = (g) =>
      typeof g?.description === "string" && g.description.length > 0 &&
      Number.isInteger(g?.value_vnd) && g.value_vnd >= 0 && g.value_vnd <= 10_000_000_000;
    if (!goods || goods.length > 20 || !goods.every(okLine)) return "goods";
    if (d.goods_total_vnd !== goods.reduce((sum, g) => sum + g.value_vnd, 0)) return "goods_total_vnd";
  } else if (!slug(record.trip_id) || record.resident_id !== undefined) {
    return "trip_id";
  }
  if (!Number.isInteger(record.seq) || record.seq < 1) return "seq";
  if (typeof record.type !== "string" || record.data?.type !== record.type) return "type";
  if (record.version !== 1) return "version";
  if (!Number.isInteger(record.occurred_at_ms)) return "occurred_at_ms";
  if (record.type === "trip.accepted" && !record.declaration?.gateCode) return "declaration";
  return null;
}

function takeBatch(batch) {
  const results = [];
  for (const record of batch.records) {
    const event_id = record?.event_id ?? "";
    deliveries.set(event_id, (deliveries.get(event_id) ?? 0) + 1);
    if (byEvent.has(event_id)) {
      results.push({ event_id, result: "duplicate" });
      continue;
    }
    const bad = invalid(record);
    if (bad) {
      results.push({ event_id, result: "rejected", reason_code: "invalid_record", reason: `invalid ${bad}` });
      continue;
    }
    // A stream's records (a trip's, a resident's) are taken in seq order: one whose
    // predecessor is missing waits.
    const expected = (taken.get(streamOf(record)) ?? 0) + 1;
    if (record.seq !== expected) {
      results.push({ event_id, result: "held", expected_seq: expected });
      continue;
    }
    const refused = rejectedBy(record);
    if (refused) {
      results.push({ event_id, result: "rejected", ...refused });
      continue;
    }
    keep({ ...record, received_at_ms: Date.now() });
    if (SCHEDULE_MS > 0 && record.type === "trip.accepted") scheduleTrip(record.trip_id);
    results.push({ event_id, result: "accepted" });
  }
  return { results };
}

// ---- status: the feed, callbacks, the demo's schedule -----------------------------------------
const STEPS = [
  ["gate_in", "border_guard"],
  ["gate_in", "customs"],
  ["yard_in", "customs"],
  ["in_yard", "customs"],
  ["payment", "gate_authority"],
  ["yard_out", "customs"],
  ["gate_out", "border_guard"],
  ["gate_out", "customs"],
];
const scheduled = new Map(); // trip → next step index

function scheduleTrip(trip) {
  if (!scheduled.has(trip)) scheduled.set(trip, 0);
}

if (SCHEDULE_MS > 0) {
  // Trips received before a restart go on where the feed left them.
  for (const r of records) if (r.type === "trip.accepted") scheduleTrip(r.trip_id);
  for (const u of statusLog) {
    const i = STEPS.findIndex(([s, f]) => s === u.step && f === u.force);
    if (i >= 0 && u.verdict === "confirmed") scheduled.set(u.trip_id, Math.max(scheduled.get(u.trip_id) ?? 0, i + 1));
  }
  setInterval(() => {
    const updates = [];
    for (const [trip, i] of scheduled) {
      if (i >= STEPS.length) continue;
      const [step, force] = STEPS[i];
      updates.push({ trip_id: trip, step, force, verdict: "confirmed" });
      scheduled.set(trip, i + 1);
    }
    if (updates.length) emit(updates);
  }, SCHEDULE_MS).unref();
}

function emit(updates) {
  const now = Date.now();
  const made = updates.map((u, i) => ({
    update_id: u.update_id ?? `st-${statusLog.length + i + 1}`,
    trip_id: u.trip_id,
    step: u.step,
    force: u.force,
    verdict: u.verdict ?? "confirmed",
    ...(u.reason ? { reason: u.reason } : {}),
    ...(u.note ? { note: u.note } : {}),
    at_ms: u.at_ms ?? now,
  }));
  for (const u of made) {
    appendFileSync(STATUS_FILE, JSON.stringify(u) + "\n");
    statusLog.push(u);
  }
  kickCallbacks();
  return made;
}

// Callbacks in feed order, each retried (1 s doubling to 30 s) until the edge answers 200.
let calling = false;
let callbackDelay = 1000;
async function kickCallbacks() {
  if (calling) return;
  calling = true;
  try {
    while (calledBack < statusLog.length) {
      const batch = statusLog.slice(calledBack, calledBack + 50);
      const body = JSON.stringify({ updates: batch });
      const secret = control.mode === "bad_signature" ? WRONG_SECRET : CALLBACK_SECRET;
      let ok = false;
      try {
        const r = await fetch(`${args.edge}/api/province/status`, {
          method: "POST",
          headers: { "content-type": "application/json", ...signedHeaders(secret, `cb_${batch[0].update_id}`, body) },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        ok = r.status === 200;
        await r.arrayBuffer();
      } catch {}
      if (ok) {
        calledBack += batch.length;
        callbackDelay = 1000;
      } else {
        await new Promise((res) => setTimeout(res, callbackDelay));
        callbackDelay = Math.min(callbackDelay * 2, 30_000);
      }
    }
  } finally {
    calling = false;
  }
}
if (statusLog.length) {
  // After a restart the feed is there for pulls; callbacks start again from the start (the
  // edge deduplicates by update id).
  setTimeout(kickCallbacks, 500).unref();
}

// ---- HTTP --------------------------------------------------------------------------------------
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res, status, value, { signed = false, id = "ans", headers = {} } = {}) {
  const body = JSON.stringify(value);
  const secret = control.mode === "bad_signature" ? WRONG_SECRET : CALLBACK_SECRET;
  res.writeHead(status, {
    "content-type": "application/json",
    ...(signed ? signedHeaders(secret, id, body) : {}),
    ...headers,
  });
  res.end(body);
}

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

async function province(req, res, url, body) {
  const log = { at_ms: Date.now(), path: url.pathname, mode: control.mode };
  requests.push(log);
  if (control.mode === "down") {
    log.answer = "cut";
    req.socket.destroy();
    return;
  }
  if (control.mode === "timeout") {
    log.answer = "timeout";
    await sleep(120_000);
    req.socket.destroy();
    return;
  }
  if (control.mode === "error") {
    log.answer = control.status_code;
    return send(res, control.status_code, { error: "the province is not available" });
  }
  if (control.mode === "throttle") {
    log.answer = 429;
    return send(res, 429, { error: "slow down" }, { headers: { "retry-after": String(control.retry_after_s) } });
  }
  if (control.mode === "slow") await sleep(control.delay_ms);
  const refusal = verify(PUSH_SECRET, req.headers, body);
  if (refusal) {
    log.answer = 401;
    log.refusal = refusal;
    return send(res, 401, { error: "invalid_signature", reason: refusal });
  }
  if (url.pathname === "/v1/records") {
    let batch;
    try {
      batch = JSON.parse(body.toString("utf8"));
    } catch {
      log.answer = 400;
      return send(res, 400, { error: "malformed_body" });
    }
    if (!Array.isArray(batch?.records) || typeof batch.batch_id !== "string") {
      log.answer = 400;
      return send(res, 400, { error: "malformed_body" });
    }
    log.batch_id = batch.batch_id;
    log.records = batch.records.length;
    let answer = takeBatch(batch);
    // The network delivered it twice: the second delivery is the one answered.
    if (control.mode === "duplicate") answer = takeBatch(batch);
    log.answer = 200;
    log.results = answer.results.map((r) => r.result);
    return send(res, 200, answer, { signed: true, id: `ans_${batch.batch_id}` });
  }
  if (url.pathname === "/v1/status" && req.method === "GET") {
    const after = Math.max(0, Number.parseInt(url.searchParams.get("after") ?? "0", 10) || 0);
    const limit = Math.min(500, Math.max(1, Number.parseInt(url.searchParams.get("limit") ?? "200", 10) || 200));
    const updates = statusLog.slice(after, after + limit);
    log.answer = 200;
    return send(res, 200, { updates, next_cursor: after + updates.length }, { signed: true, id: `feed_${after}` });
  }
  log.answer = 404;
  return send(res, 404, { error: "not_found" });
}

async function controlRoute(req, res, url, body) {
  const json = () => (body.length ? JSON.parse(body.toString("utf8")) : {});
  if (url.pathname === "/control" && req.method === "POST") {
    control = { ...control, ...json() };
    if (control.mode === "up") kickCallbacks();
    return send(res, 200, control);
  }
  if (url.pathname === "/control" && req.method === "GET") {
    return send(res, 200, { ...control, received: records.length, status_updates: statusLog.length, called_back: calledBack });
  }
  if (url.pathname === "/control/received") {
    return send(res, 200, { records, deliveries: Object.fromEntries(deliveries) });
  }
  if (url.pathname === "/control/requests") return send(res, 200, { requests });
  if (url.pathname === "/control/status" && req.method === "POST") {
    return send(res, 200, { updates: emit(json().updates ?? []) });
  }
  if (url.pathname === "/control/reset" && req.method === "POST") {
    records = [];
    byEvent = new Map();
    taken = new Map();
    deliveries = new Map();
    statusLog = [];
    requests = [];
    calledBack = 0;
    control = defaults();
    scheduled.clear();
    rmSync(RECORDS_FILE, { force: true });
    rmSync(STATUS_FILE, { force: true });
    return send(res, 200, { reset: true });
  }
  return send(res, 404, { error: "not_found" });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  try {
    const body = await readBody(req);
    if (url.pathname === "/health") return send(res, 200, { ok: true });
    if (url.pathname.startsWith("/control")) return await controlRoute(req, res, url, body);
    return await province(req, res, url, body);
  } catch (e) {
    if (!res.headersSent) send(res, 400, { error: String(e.message ?? e) });
  }
});
server.listen(Number(args.port), "127.0.0.1", () => {
  console.log(`province simulator on http://127.0.0.1:${args.port} (state ${STATE}, edge ${args.edge})`);
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
