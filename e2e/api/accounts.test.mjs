// Accounts, sessions, rate limits and the audit log, on the running Worker.
// The test Worker runs with RATE_LIMIT_WINDOW_MS=10000 so windows end in seconds, not minutes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { call } from "../lib/api.mjs";
import {
  DEVICE_ID, demo, freshPhone, freshAddress, latestCode, post, get, requestCode, signIn, signInAs, signUp,
} from "../lib/accounts.mjs";

const WINDOW_MS = Number(process.env.RATE_LIMIT_WINDOW_MS ?? 10000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function accountCount() {
  const admin = await signInAs("admin");
  return (await get("/api/admin/accounts", { token: admin.token })).json.accounts.length;
}

test("a driver signs up with any spelling of the number and is signed in", async () => {
  const phone = freshPhone(); // 09xxxxxxxx
  const spaced = `+84 ${phone.slice(1, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`;
  const r = await signUp({ phone: spaced, password: "xe tai cua toi 2026", role: "driver", display_name: "  Phạm  Văn Đức " });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.token, /^[0-9a-f]{64}$/);
  assert.equal(r.json.account.phone, "+84" + phone.slice(1));
  assert.equal(r.json.account.role, "driver");
  assert.equal(r.json.account.display_name, "Phạm Văn Đức");
  const me = await get("/api/me", { token: r.json.token });
  assert.equal(me.status, 200);
  assert.equal(me.json.id, r.json.account.id);
  // The same person again, spelled differently: no code reaches them (their phone is told it
  // has an account), so nothing is stored.
  const before = await accountCount();
  const again = await signUp({ phone, password: "another password 1", role: "trader" });
  assert.equal(again.status, 400);
  assert.equal(again.json.code, "invalid_code");
  assert.equal(await accountCount(), before);
  // And the number signs in.
  const session = await signIn(phone, "xe tai cua toi 2026");
  assert.equal(session.account.id, r.json.account.id);
});

test("bad sign-ups get a clear code and store nothing", async () => {
  const before = await accountCount();
  const ok = { phone: freshPhone(), password: "mot mat khau tot", role: "resident" };
  const cases = [
    [{ ...ok, phone: "0212345678" }, 400, "invalid_phone"],
    [{ ...ok, phone: "x".repeat(5000) }, 400, "invalid_phone"],
    [{ ...ok, password: "1234567" }, 400, "weak_password"],
    [{ ...ok, password: "matkhau123" }, 400, "weak_password"],
    [{ ...ok, password: ok.phone }, 400, "weak_password"],
    [{ ...ok, password: "a".repeat(200) + "bcd" }, 400, "weak_password"],
    [{ ...ok, role: "admin" }, 400, "invalid_role"],
    [{ ...ok, role: "officer" }, 400, "invalid_role"],
    [{ ...ok, role: "superuser" }, 400, "invalid_role"],
    [{ ...ok, display_name: "Ơ".repeat(81) }, 400, "invalid_name"],
    [{ ...ok, is_admin: true }, 400, "malformed_body"],
    [{ phone: ok.phone }, 400, "malformed_body"],
    ["{not json", 400, "malformed_body"],
  ];
  for (const [body, status, code] of cases) {
    const r = await signUp(body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
    assert.equal(r.json.code, code, JSON.stringify(body).slice(0, 80));
  }
  const wrongType = await signUp(JSON.stringify(ok), { headers: { "content-type": "text/plain" } });
  assert.equal(wrongType.json.code, "unsupported_media_type");
  const huge = await signUp({ ...ok, display_name: "x".repeat(70_000) });
  assert.equal(huge.status, 413);
  assert.equal(await accountCount(), before, "nothing was stored");
});

test("signing out ends the session; signing out everywhere ends them all", async () => {
  const phone = freshPhone();
  const password = "hai phien dang nhap";
  await signUp({ phone, password, role: "trader" });
  const a = await signIn(phone, password);
  const b = await signIn(phone, password);
  assert.equal((await post("/api/auth/signout", undefined, { token: a.token })).status, 200);
  const afterSignOut = await get("/api/me", { token: a.token });
  assert.equal(afterSignOut.status, 401);
  assert.equal(afterSignOut.json.code, "session_expired");
  assert.equal((await get("/api/me", { token: b.token })).status, 200, "the other session lives");
  // Signing out twice changes nothing and says so clearly.
  assert.equal((await post("/api/auth/signout", undefined, { token: a.token })).json.code, "session_expired");
  const c = await signIn(phone, password);
  assert.equal((await post("/api/auth/signout-all", undefined, { token: c.token })).status, 200);
  for (const t of [b.token, c.token]) {
    assert.equal((await get("/api/me", { token: t })).json.code, "session_expired");
  }
  // A made-up token is simply not signed in.
  const forged = await get("/api/me", { token: "ab".repeat(32) });
  assert.equal(forged.json.code, "unauthenticated");
  assert.equal((await get("/api/me", { token: "not a token" })).json.code, "unauthenticated");
});

test("changing the password needs the old one and signs out the other sessions", async () => {
  const phone = freshPhone();
  await signUp({ phone, password: "mat khau cu 2026", role: "driver" });
  const here = await signIn(phone, "mat khau cu 2026");
  const elsewhere = await signIn(phone, "mat khau cu 2026");
  const wrong = await post("/api/auth/password", { current_password: "not it at all", new_password: "mat khau moi 2026" }, { token: here.token });
  assert.equal(wrong.json.code, "invalid_credentials");
  const weak = await post("/api/auth/password", { current_password: "mat khau cu 2026", new_password: "12345678" }, { token: here.token });
  assert.equal(weak.json.code, "weak_password");
  const ok = await post("/api/auth/password", { current_password: "mat khau cu 2026", new_password: "mat khau moi 2026" }, { token: here.token });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await get("/api/me", { token: here.token })).status, 200, "this session stays");
  assert.equal((await get("/api/me", { token: elsewhere.token })).json.code, "session_expired");
  const old = await post("/api/auth/signin", { phone, password: "mat khau cu 2026" });
  assert.equal(old.json.code, "invalid_credentials");
  await signIn(phone, "mat khau moi 2026");
});

test("guessing the current password with a stolen session is limited like sign-ins", async () => {
  const phone = freshPhone();
  const password = "doan mat khau hien tai";
  await signUp({ phone, password, role: "trader" });
  const session = await signIn(phone, password);
  const thief = freshAddress();
  const outcomes = [];
  for (let i = 0; i < 6; i++) {
    const r = await post("/api/auth/password", { current_password: "guess number " + i, new_password: "mat khau moi cua ke gian" }, { token: session.token, address: thief });
    outcomes.push(r.json.code);
  }
  assert.deepEqual(outcomes, [...Array(5).fill("invalid_credentials"), "rate_limited"]);
  // Even the right password waits for the window now; nothing was changed.
  const right = await post("/api/auth/password", { current_password: password, new_password: "mat khau moi cua ke gian" }, { token: session.token, address: thief });
  assert.equal(right.json.code, "rate_limited");
  assert.equal((await post("/api/auth/signin", { phone, password }, { address: thief })).json.code, "rate_limited", "one budget with sign-ins");
});

test("failed sign-ins per phone and address are limited, then allowed again after the window", async () => {
  const phone = freshPhone();
  const password = "gioi han dang nhap";
  await signUp({ phone, password, role: "driver" });
  const address = freshAddress();
  // Successful sign-ins do not use up the budget.
  for (let i = 0; i < 6; i++) await signIn(phone, password, { address });
  const outcomes = [];
  for (let i = 0; i < 6; i++) {
    const r = await post("/api/auth/signin", { phone, password: "wrong password " + i }, { address });
    outcomes.push(r.json.code);
    if (r.status === 429) {
      assert.ok(Number(r.headers.get("retry-after")) >= 1, "retry-after in seconds");
    }
  }
  assert.deepEqual(outcomes, [...Array(5).fill("invalid_credentials"), "rate_limited"]);
  // Even the right password waits for the window to end, from that address.
  assert.equal((await post("/api/auth/signin", { phone, password, device_id: DEVICE_ID }, { address })).json.code, "rate_limited");
  await sleep(WINDOW_MS + 200);
  const recovered = await post("/api/auth/signin", { phone, password, device_id: DEVICE_ID }, { address });
  assert.equal(recovered.status, 200, recovered.text);
});

test("an attacker's wrong passwords from elsewhere do not lock the owner out on their own address", async () => {
  const phone = freshPhone();
  const password = "chu xe o nha 2026";
  await signUp({ phone, password, role: "driver" });
  const attacker = freshAddress();
  const owner = freshAddress();
  const guesses = [];
  for (let i = 0; i < 6; i++) guesses.push((await post("/api/auth/signin", { phone, password: "doan " + i }, { address: attacker })).json.code);
  assert.deepEqual(guesses, [...Array(5).fill("invalid_credentials"), "rate_limited"]);
  const mine = await post("/api/auth/signin", { phone, password, device_id: DEVICE_ID }, { address: owner });
  assert.equal(mine.status, 200, mine.text);
  // Guesses from many addresses meet the per-phone ceiling (30 a window); the owner's own
  // device, known to the account, is spared it.
  const spread = [];
  for (let a = 0; a < 7; a++) {
    const address = freshAddress();
    for (let i = 0; i < 5; i++) spread.push((await post("/api/auth/signin", { phone, password: `doan ${a} ${i}` }, { address })).json.code);
  }
  assert.ok(spread.includes("rate_limited"), "the ceiling across addresses holds");
  assert.equal(spread.filter((c) => c === "invalid_credentials").length, 30 - 5, "30 failures a window in all");
  const unknownDevice = await post("/api/auth/signin", { phone, password, device_id: "someone-else-device-1" }, { address: freshAddress() });
  assert.equal(unknownDevice.json.code, "rate_limited", "a device the account does not know meets the ceiling");
  const stillMine = await post("/api/auth/signin", { phone, password, device_id: DEVICE_ID }, { address: owner });
  assert.equal(stillMine.status, 200, stillMine.text);
});

test("sign-ups per client address are limited, an IPv6 /64 counting as one address", async () => {
  const net = `2001:db8:${Math.floor(Math.random() * 65000).toString(16)}:77`;
  const codes = [];
  for (let i = 0; i < 21; i++) {
    // Codes requested from other addresses: only the sign-ups' own limit is measured here.
    const phone = freshPhone();
    await requestCode(phone);
    const code = await latestCode(phone);
    const r = await post("/api/auth/signup", { phone, password: "dang ky hang loat", role: "driver", code }, { address: `${net}::${(i + 1).toString(16)}` });
    codes.push(r.status);
  }
  assert.deepEqual(codes, [...Array(20).fill(200), 429]);
  const elsewhere = await signUp({ phone: freshPhone(), password: "dang ky hang loat", role: "driver" });
  assert.equal(elsewhere.status, 200, "another address is not affected");
});

test("an admin creates an officer bound to Huu Nghi, and disabling works at once", async () => {
  const admin = await signInAs("admin");
  const phone = freshPhone();
  const password = "can bo bien phong 2026";
  const bad = [
    [{ phone, password, role: "officer", display_name: "A" }, "invalid_binding"],
    [{ phone, password, role: "officer", display_name: "A", gate_id: "no-such-gate" }, "invalid_binding"],
    [{ phone, password, role: "officer", display_name: "A", yard_id: "cm-1" }, "invalid_binding"],
    [{ phone, password, role: "yard_operator", display_name: "A", gate_id: "chi-ma" }, "invalid_binding"],
    [{ phone, password, role: "officer", display_name: "A", gate_id: "Huu Nghi" }, "invalid_id"],
    [{ phone: demo("driver").phone, password, role: "officer", display_name: "A", gate_id: "huu-nghi" }, "phone_taken"],
  ];
  for (const [body, code] of bad) {
    const r = await post("/api/admin/accounts", body, { token: admin.token });
    assert.equal(r.json.code, code, JSON.stringify(body));
  }
  const created = await post("/api/admin/accounts", { phone, password, role: "officer", display_name: "Đỗ Thị Lan", gate_id: "huu-nghi" }, { token: admin.token });
  assert.equal(created.status, 200, created.text);
  assert.equal(created.json.gate_id, "huu-nghi");
  const officer = await signIn(phone, password);
  assert.equal(officer.account.role, "officer");
  assert.equal((await get("/api/admin/accounts", { token: officer.token })).json.code, "forbidden");

  const id = created.json.id;
  const disabled = await post(`/api/admin/accounts/${id}/disable`, undefined, { token: admin.token });
  assert.equal(disabled.json.disabled, true);
  const refused = await get("/api/me", { token: officer.token });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.code, "account_disabled");
  const signInRefused = await post("/api/auth/signin", { phone, password });
  assert.equal(signInRefused.json.code, "account_disabled");
  // Disabling again changes nothing.
  await post(`/api/admin/accounts/${id}/disable`, undefined, { token: admin.token });
  assert.equal((await post(`/api/admin/accounts/${admin.account.id}/disable`, undefined, { token: admin.token })).json.code, "forbidden", "not oneself");
  const enabled = await post(`/api/admin/accounts/${id}/enable`, undefined, { token: admin.token });
  assert.equal(enabled.json.disabled, false);
  assert.equal((await get("/api/me", { token: officer.token })).json.code, "session_expired", "old sessions stay ended");
  await signIn(phone, password);

  const audit = (await get("/api/admin/audit", { token: admin.token })).json.entries;
  const about = audit.filter((e) => e.subject === id).map((e) => e.event);
  assert.deepEqual(about.filter((e) => e.startsWith("account_")), ["account_enabled", "account_disabled", "account_created"]);
  const createdEntry = audit.find((e) => e.subject === id && e.event === "account_created");
  assert.equal(createdEntry.actor_id, admin.account.id);
  assert.deepEqual(JSON.parse(createdEntry.detail), { role: "officer", yard_id: null, gate_id: "huu-nghi" });
  assert.ok(audit.some((e) => e.event === "sign_in_failed"), "failed sign-ins are logged");
  assert.ok(!JSON.stringify(audit).includes(password), "no passwords in the log");
});

test("the audit log cannot be changed, even from the database console", async () => {
  assert.ok(process.env.BORDERPASS_STATE, "the test driver names the Worker's state directory");
  const run = promisify(execFile);
  for (const sql of ["DELETE FROM audit_log", "UPDATE audit_log SET event = 'x'"]) {
    await assert.rejects(
      run("wrangler", ["d1", "execute", "DB", "--local", "--persist-to", process.env.BORDERPASS_STATE, "--command", sql]),
      /append-only/
    );
  }
});
