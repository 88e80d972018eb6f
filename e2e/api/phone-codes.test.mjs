// One-time codes by SMS (sign-up, forgotten password, new device), read from the local SMS
// double the test Worker runs with (SMS_ADAPTER=local, GET /api/dev/sms). The test Worker's
// windows are RATE_LIMIT_WINDOW_MS=10000, and a code then lives two windows.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEVICE_ID, freshAddress, freshPhone, get, latestCode, post, requestCode, signIn, signUp, smsInbox,
} from "../lib/accounts.mjs";
import { BASE_URL } from "../lib/api.mjs";

const WINDOW_MS = Number(process.env.RATE_LIMIT_WINDOW_MS ?? 10000);
const CODE_TTL_MS = 2 * WINDOW_MS;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const e164 = (phone) => "+84" + phone.slice(1);
const password = "ma xac nhan 2026";
const newDevice = () => `other-device-${Math.random().toString(36).slice(2, 14)}`;
/// A code that is not `code` (the one the phone got).
const wrong = (code) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

async function signsIn(phone, pw, device_id = DEVICE_ID) {
  const r = await post("/api/auth/signin", { phone, password: pw, device_id });
  return r.json.code ?? "signed_in";
}

test("sign-up needs the code sent to the phone: without it, or with a wrong one, no account", async () => {
  const phone = freshPhone();
  const without = await post("/api/auth/signup", { phone, password, role: "driver" });
  assert.equal(without.status, 400, without.text);
  const sent = await requestCode(phone);
  assert.equal(sent.status, 200, sent.text);
  assert.deepEqual(sent.json, { sent: true, expires_in_secs: CODE_TTL_MS / 1000 });
  const code = await latestCode(phone);
  assert.match(code, /^\d{6}$/, "the SMS carries a 6-digit code");
  const bad = await post("/api/auth/signup", { phone, password, role: "driver", code: wrong(code) });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.code, "invalid_code");
  assert.equal(await signsIn(phone, password), "invalid_credentials", "no account was made");
  const ok = await post("/api/auth/signup", { phone, password, role: "driver", code, device_id: DEVICE_ID });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.account.phone, e164(phone));
  assert.equal(await signsIn(phone, password), "signed_in", "the sign-up's device is known");
});

test("a code works once, and never for another purpose", async () => {
  const phone = freshPhone();
  await requestCode(phone);
  const code = await latestCode(phone);
  const body = { phone, password, role: "trader", code, device_id: DEVICE_ID };
  assert.equal((await post("/api/auth/signup", body)).status, 200);
  // Reset codes are another purpose: the sign-up code is not one.
  const reset = await post("/api/auth/password-reset", { phone, code, new_password: "mat khau moi 2026" });
  assert.equal(reset.json.code, "invalid_code");
  await requestCode(phone, "reset_password");
  const resetCode = await latestCode(phone);
  const first = await post("/api/auth/password-reset", { phone, code: resetCode, new_password: "mat khau moi 2026" });
  assert.equal(first.status, 200, first.text);
  const again = await post("/api/auth/password-reset", { phone, code: resetCode, new_password: "mat khau khac 2026" });
  assert.equal(again.status, 400);
  assert.equal(again.json.code, "invalid_code", "a used code is refused");
  assert.equal(await signsIn(phone, "mat khau khac 2026"), "invalid_credentials", "the second reset changed nothing");
});

test("five wrong codes lock the code, with Retry-After, until it expires", async () => {
  const phone = freshPhone();
  await requestCode(phone);
  const code = await latestCode(phone);
  const outcomes = [];
  for (let i = 0; i < 5; i++) {
    const r = await post("/api/auth/signup", { phone, password, role: "driver", code: wrong(code) });
    outcomes.push(r.json.code);
  }
  assert.deepEqual(outcomes, Array(5).fill("invalid_code"));
  const right = await post("/api/auth/signup", { phone, password, role: "driver", code });
  assert.equal(right.status, 429, "even the right code waits now");
  assert.equal(right.json.code, "rate_limited");
  const retry = Number(right.headers.get("retry-after"));
  assert.ok(retry >= 1 && retry <= CODE_TTL_MS / 1000, `retry-after ${retry}`);
  const another = await requestCode(phone);
  assert.equal(another.status, 429, "no new code while this one is locked");
  assert.ok(Number(another.headers.get("retry-after")) >= 1);
  assert.equal(await signsIn(phone, password), "invalid_credentials", "no account was made");
});

test("a code expires", async () => {
  const phone = freshPhone();
  await requestCode(phone);
  const code = await latestCode(phone);
  await sleep(CODE_TTL_MS + 300);
  const late = await post("/api/auth/signup", { phone, password, role: "driver", code });
  assert.equal(late.status, 400);
  assert.equal(late.json.code, "invalid_code");
  await requestCode(phone);
  const fresh = await latestCode(phone);
  assert.equal((await post("/api/auth/signup", { phone, password, role: "driver", code: fresh })).status, 200);
});

test("sign-up answers the same whether or not the phone has an account", async () => {
  const taken = freshPhone();
  assert.equal((await signUp({ phone: taken, password, role: "driver" })).status, 200);
  const free = freshPhone();
  const a = await requestCode(taken);
  const b = await requestCode(free);
  assert.equal(a.status, b.status);
  assert.equal(a.text, b.text, "the same answer to the code request");
  // The owner's phone hears that it has an account (no code); the new number gets a code.
  const [toOwner] = await smsInbox(taken);
  assert.match(toOwner.text, /already has an account/);
  assert.doesNotMatch(toOwner.text, /\d{6}/);
  assert.match(await latestCode(free), /^\d{6}$/);
  // Guessing at the sign-up itself tells nothing either, down to the lock.
  const tries = async (phone) => {
    const seen = [];
    for (let i = 0; i < 6; i++) {
      const r = await post("/api/auth/signup", { phone, password: "ke do doan 2026", role: "trader", code: "000000" });
      seen.push(`${r.status} ${r.json.code}`);
    }
    return seen;
  };
  const takenTries = await tries(taken);
  assert.deepEqual(takenTries, await tries(free));
  assert.deepEqual(takenTries, [...Array(5).fill("400 invalid_code"), "429 rate_limited"]);
  // The same for forgotten passwords: a reset code only reaches a phone with an account.
  const nobody = freshPhone();
  const c = await requestCode(taken, "reset_password");
  const d = await requestCode(nobody, "reset_password");
  assert.equal(c.text, d.text);
  assert.deepEqual(await smsInbox(nobody), [], "nothing is sent to a number without an account");
});

test("a forgotten password is reset with a code; every other session ends", async () => {
  const phone = freshPhone();
  const created = await signUp({ phone, password, role: "driver" });
  const elsewhere = await signIn(phone, password);
  const device = newDevice();
  assert.equal((await requestCode(phone, "reset_password")).status, 200);
  const code = await latestCode(phone);
  const weak = await post("/api/auth/password-reset", { phone, code, new_password: "12345678" });
  assert.equal(weak.json.code, "weak_password", "the rules first: the code is not used up");
  const reset = await post("/api/auth/password-reset", { phone, code, new_password: "mat khau moi 2026", device_id: device });
  assert.equal(reset.status, 200, reset.text);
  assert.equal(reset.json.account.id, created.json.account.id);
  assert.equal((await get("/api/me", { token: reset.json.token })).status, 200, "signed in here");
  for (const token of [created.json.token, elsewhere.token]) {
    assert.equal((await get("/api/me", { token })).json.code, "session_expired", "other sessions ended");
  }
  assert.equal(await signsIn(phone, password, device), "invalid_credentials", "the old password is gone");
  assert.equal(await signsIn(phone, "mat khau moi 2026", device), "signed_in", "this device is known");
  assert.equal(await signsIn(phone, "mat khau moi 2026"), "code_required", "other devices are forgotten");
  const admin = await signIn("+84981000001", "demo-admin-2026");
  const audit = (await get("/api/admin/audit", { token: admin.token })).json.entries;
  assert.ok(audit.some((e) => e.event === "password_reset" && e.subject === created.json.account.id), "audited");
  assert.ok(!JSON.stringify(audit).includes(code), "no codes in the log");
});

test("signing in on a new device needs a code; on a known one it does not", async () => {
  const phone = freshPhone();
  await signUp({ phone, password, role: "trader" });
  const device = newDevice();
  const before = (await smsInbox(phone)).length;
  const first = await post("/api/auth/signin", { phone, password, device_id: device });
  assert.equal(first.status, 401);
  assert.equal(first.json.code, "code_required");
  assert.equal((await smsInbox(phone)).length, before + 1, "a code was sent");
  const code = await latestCode(phone);
  // A wrong password never sends a code.
  const guess = await post("/api/auth/signin", { phone, password: "not the password", device_id: newDevice() });
  assert.equal(guess.json.code, "invalid_credentials");
  assert.equal((await smsInbox(phone)).length, before + 1);
  const badCode = await post("/api/auth/signin", { phone, password, device_id: device, code: wrong(code) });
  assert.equal(badCode.json.code, "invalid_code");
  const ok = await post("/api/auth/signin", { phone, password, device_id: device, code });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(await signsIn(phone, password, device), "signed_in", "now known: no code");
  assert.equal(await signsIn(phone, password, newDevice()), "code_required", "another device still needs one");
  const noDevice = await post("/api/auth/signin", { phone, password });
  assert.equal(noDevice.json.code, "code_required", "no device id is an unknown device");
  const badId = await post("/api/auth/signin", { phone, password, device_id: "x" });
  assert.equal(badId.json.code, "invalid_id");
});

test("code requests are limited per address, an IPv6 /64 counting as one", async () => {
  const third = Math.floor(Math.random() * 65000);
  const fourth = Math.floor(Math.random() * 65000);
  const net = `2001:db8:${third.toString(16)}:${fourth.toString(16)}`;
  const statuses = [];
  for (let i = 1; i <= 21; i++) {
    const r = await requestCode(freshPhone(), "sign_up", { address: `${net}:${i.toString(16)}:0:0:${i}` });
    statuses.push(r.status);
    if (r.status === 429) {
      assert.equal(r.json.code, "rate_limited");
      assert.ok(Number(r.headers.get("retry-after")) >= 1);
    }
  }
  assert.deepEqual(statuses, [...Array(20).fill(200), 429]);
  const nextNet = await requestCode(freshPhone(), "sign_up", { address: `2001:db8:${third.toString(16)}:${(fourth + 1).toString(16)}::1` });
  assert.equal(nextNet.status, 200, "the next /64 is someone else");
  // And per phone: 5 codes per window.
  const phone = freshPhone();
  const perPhone = [];
  for (let i = 0; i < 6; i++) perPhone.push((await requestCode(phone, "sign_up", { address: freshAddress() })).status);
  assert.deepEqual(perPhone, [...Array(5).fill(200), 429]);
});

test("the SMS double's inbox answers only on this machine's own address", async () => {
  const { request } = await import("node:http");
  const url = new URL(`${BASE_URL}/api/dev/sms?phone=0981000004`);
  const status = (host) =>
    new Promise((resolve, reject) => {
      const req = request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on("error", reject);
      req.end();
    });
  assert.equal(await status(url.host), 200);
  assert.equal(await status("borderpass.example.vn"), 404, "a deployed host never serves it");
});
