// The test switches exist only in the test Worker (Cargo feature `test-hooks`,
// edge/build-test/). The real Worker (edge/build/, what `make dev`, `make bench` and
// deployments serve) is started here beside it, on a copy of the test state and with the same
// variables (RATE_LIMIT_WINDOW_MS, TEST_CLOCK: scripts/test-worker-args.sh), and must ignore
// them: a request's `x-test-now-ms` is served at the real clock, and limits keep their windows.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { BASE_URL } from "../lib/api.mjs";
import { demo, freshAddress, freshPhone, signUp } from "../lib/accounts.mjs";
import { DAY, localDate, localInstant } from "../lib/bookings.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const YARD = "cm-1";
const PLAIN_ARGS = process.env.BORDERPASS_PLAIN_WORKER_ARGS?.split(/\s+/).filter(Boolean);
const PLAIN_PORT = String(Number(process.env.BORDERPASS_PORT ?? 8799) + 50);
const PLAIN_URL = `http://127.0.0.1:${PLAIN_PORT}`;
const skip =
  (!PLAIN_ARGS || !process.env.BORDERPASS_STATE) &&
  "run through scripts/test.sh or scripts/e2e.sh (BORDERPASS_PLAIN_WORKER_ARGS, BORDERPASS_STATE)";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let plainState;

before(async () => {
  if (skip) return;
  assert.ok(existsSync(join(ROOT, "edge/build/index.js")), "the real Worker is built (edge/build/)");
  // A copy of the test Worker's state: the same schema and demo data, its own files.
  plainState = await mkdtemp(join(ROOT, ".wrangler/plain-state."));
  await cp(process.env.BORDERPASS_STATE, plainState, { recursive: true });
  await run("bash", ["scripts/worker.sh", "start", PLAIN_PORT, plainState, ...PLAIN_ARGS], {
    cwd: ROOT,
    timeout: 120_000,
  });
});

after(async () => {
  if (skip) return;
  await run("bash", ["scripts/worker.sh", "stop", PLAIN_PORT], { cwd: ROOT });
  if (plainState) await rm(plainState, { recursive: true, force: true });
});

async function availabilityAt(base, date, nowHeader) {
  const r = await fetch(`${base}/api/yards/${YARD}/availability?date=${date}`, {
    headers: { "x-test-now-ms": String(nowHeader), "cf-connecting-ip": freshAddress() },
  });
  assert.equal(r.status, 200, `${base}: ${await r.clone().text()}`);
  return (await r.json()).slots.map((s) => s.state.kind);
}

test("the real Worker serves x-test-now-ms requests at the real clock; the test Worker does not", { skip }, async () => {
  // Three days ahead: every slot is still to come by the real clock, and all are over by a
  // clock set to the day after.
  const date = localDate(3);
  const dayAfter = localInstant(date) + DAY + 60_000;
  const tested = await availabilityAt(BASE_URL, date, dayAfter);
  assert.ok(tested.length > 0 && tested.every((k) => k === "past"), `the test Worker took the header: ${tested}`);
  const real = await availabilityAt(PLAIN_URL, date, dayAfter);
  assert.ok(real.length > 0 && !real.includes("past"), `the real Worker ignored the header: ${real}`);
});

async function signInUntilLimited(base, phone) {
  for (let i = 0; i < 40; i += 1) {
    const r = await fetch(`${base}/api/auth/signin`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": freshAddress() },
      body: JSON.stringify({ phone, password: `wrong password ${i}` }),
    });
    if (r.status === 429) return { attempts: i, retryAfter: Number(r.headers.get("retry-after")) };
  }
  throw new Error(`${base}: never rate limited`);
}

test("the real Worker keeps its rate-limit windows whatever RATE_LIMIT_WINDOW_MS says", { skip }, async () => {
  const windowSecs = Number(process.env.RATE_LIMIT_WINDOW_MS ?? 10000) / 1000;
  // Someone's account on each (the real Worker runs on its own copy of the state).
  const phone = freshPhone();
  const signedUp = await signUp({ phone, password: "cong tac thu nghiem", role: "driver" });
  assert.equal(signedUp.status, 200, signedUp.text);
  const tested = await signInUntilLimited(BASE_URL, phone);
  assert.ok(tested.retryAfter <= windowSecs, `the test Worker's window is shortened: ${tested.retryAfter} s`);
  const demoPhone = demo("driver").phone;
  let real = await signInUntilLimited(PLAIN_URL, demoPhone);
  if (real.retryAfter <= windowSecs + 1) {
    // The real window was about to end anyway: wait for it, and fill the next one.
    await sleep((real.retryAfter + 1) * 1000);
    real = await signInUntilLimited(PLAIN_URL, demoPhone);
  }
  assert.ok(real.attempts > 0, "wrong passwords are answered before the limit");
  assert.ok(real.retryAfter > windowSecs + 1, `the real Worker's window is its own: retry after ${real.retryAfter} s`);
});

test("the real Worker's code does not even contain the switches", { skip }, async () => {
  const wasm = async (dir) => {
    const files = (await run("ls", [join(ROOT, dir)])).stdout.split("\n").filter((f) => f.endsWith(".wasm"));
    assert.ok(files.length > 0, `a .wasm in ${dir}`);
    return Buffer.concat(await Promise.all(files.map((f) => readFile(join(ROOT, dir, f)))));
  };
  const real = await wasm("edge/build");
  const tested = await wasm("edge/build-test");
  for (const name of ["x-test-now-ms", "RATE_LIMIT_WINDOW_MS"]) {
    assert.ok(tested.includes(name), `the test Worker has ${name}`);
    assert.ok(!real.includes(name), `the real Worker has no ${name}`);
  }
});
