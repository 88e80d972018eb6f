// The province's side in tests: the simulator's control API (scripts/province-sim/server.mjs),
// signing as the province does (Standard Webhooks), and the edge's test hook that runs one
// sync job at a chosen "now". scripts/test-worker-args.sh exports the simulator's address and
// the secrets.
import { BASE_URL } from "./api.mjs";
import { sign, signedHeaders, verify } from "../../scripts/province-sim/webhook.mjs";

export { sign, signedHeaders, verify };
export const SIM_URL = process.env.BORDERPASS_PROVINCE_URL ?? "http://127.0.0.1:9799";
export const PUSH_SECRET = process.env.PROVINCE_PUSH_SECRET;
export const CALLBACK_SECRET = process.env.PROVINCE_CALLBACK_SECRET;

async function sim(path, body) {
  const r = await fetch(`${SIM_URL}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status !== 200) throw new Error(`simulator ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

/// How the simulated province behaves from now on: `{mode, retry_after_s, delay_ms, reject}`.
export const setProvince = (settings) => sim("/control", settings);
export const provinceSettings = () => sim("/control");
/// Every record the province kept (arrival order) and how often each event id arrived.
export const received = () => sim("/control/received");
/// Every request the province got at /v1/records, with what it answered.
export const provinceRequests = () => sim("/control/requests").then((r) => r.requests);
/// The forces decide now: the updates join the feed and are called back to the edge.
export const emitStatus = (updates) => sim("/control/status", { updates }).then((r) => r.updates);
export const resetProvince = () => sim("/control/reset", {});

/// Posts status updates to the edge as the province would (signed with the callback secret,
/// unless `secret` or `timestampS` say otherwise). Returns the fetch Response.
export async function postStatus(updates, { secret = CALLBACK_SECRET, timestampS, id } = {}) {
  const body = JSON.stringify({ updates });
  const headers = signedHeaders(secret, id ?? `cb_test_${Date.now()}_${Math.random().toString(16).slice(2)}`, body, timestampS);
  return fetch(`${BASE_URL}/api/province/status`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

/// Runs one sync job (push, then pull) on the test Worker at `nowMs` (the test clock); returns
/// what the job reports.
export async function runSync(nowMs = Date.now()) {
  const r = await fetch(`${BASE_URL}/api/test/province/run`, {
    method: "POST",
    headers: { "x-test-now-ms": String(nowMs) },
  });
  if (r.status !== 200) throw new Error(`province job: ${r.status} ${await r.text()}`);
  return r.json();
}
