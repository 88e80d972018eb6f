// Border residents (issue 13) on the real runtime: a resident applies, an officer of the home
// gate decides, the resident's pass verifies offline, crossings come through the officer's
// outbox (POST /api/sync) and the figures follow; and every refusal an attacker could try.
// Nothing the edge answers or stores may hold a citizen ID number.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { promisify } from "node:util";
import { freshPhone, get, post, signIn, signInAs, signUp } from "../lib/accounts.mjs";
import { d1, localDate } from "../lib/bookings.mjs";
import { operatorFor } from "../lib/queue.mjs";
import { clientId, signUpOwner, sync } from "../lib/trips.mjs";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const HOME = "huu-nghi"; // the demo officer's gate
const OTHER = "chi-ma";
// Every ID number this file sends: none may come back or be stored.
const idNumbers = new Set();
// Every answer this file gets, to look for them at the end.
const answers = [];

function idNumber() {
  const n = Array.from({ length: 12 }, () => randomInt(10)).join("");
  idNumbers.add(n);
  return n;
}

function application(overrides = {}) {
  return {
    name: "Hoàng Thị Mai",
    commune_id: "cl-dong-dang", // nearest gate: huu-nghi
    id_number: idNumber(),
    border_pass_number: `GT${randomInt(1_000_000)}`,
    border_pass_expires: localDate(180),
    home_gate: HOME,
    ...overrides,
  };
}

function remember(r) {
  answers.push(r.text ?? "");
  return r;
}

const api = {
  apply: (token, body, opts = {}) => post("/api/residents", body, { token, ...opts }).then(remember),
  me: (token) => get("/api/residents/me", { token }).then(remember),
  list: (token, status) => get(`/api/residents${status ? `?status=${status}` : ""}`, { token }).then(remember),
  decide: (token, id, body, { now } = {}) =>
    post(`/api/residents/${id}/decisions`, body, { token, headers: now ? { "x-test-now-ms": String(now) } : {} }).then(
      remember
    ),
};

async function signUpResident() {
  const r = await signUp({ phone: freshPhone(), password: "nguoi bien gioi 2026", role: "resident" });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function officerAt(gate) {
  const admin = await signInAs("admin");
  const phone = freshPhone();
  const password = "bien phong cua khau 2026";
  const r = await post(
    "/api/admin/accounts",
    { phone, password, role: "officer", display_name: "Lương Văn Tùng", gate_id: gate },
    { token: admin.token }
  );
  assert.equal(r.status, 200, r.text);
  return { ...(await signIn(phone, password)), phone, password };
}

/// An officer's phone: its outbox's client id and next seq.
function phoneOf(session) {
  let seq = 0;
  const client = clientId();
  return {
    session,
    async send(...payloads) {
      const ops = payloads.map((p) => ({ seq: ++seq, kind: p.kind ?? "resident.cross", payload: p.payload ?? p }));
      const r = remember(await sync(session.token, client, ops));
      assert.equal(r.status, 200, r.text);
      return r.json.results;
    },
  };
}

function crossing(resident, overrides = {}) {
  return {
    id: `x-${randomBytes(6).toString("hex")}`,
    resident: resident.holder_digest,
    at_ms: Date.now() - 1000,
    direction: "in",
    goods: [{ description: "Rau cải, nấm hương", value_vnd: 500_000 }],
    recorded_by: HOME,
    ...overrides,
  };
}

/// An applied resident, approved by the demo officer.
async function approvedResident(overrides = {}) {
  const me = await signUpResident();
  const applied = await api.apply(me.token, application(overrides));
  assert.equal(applied.status, 201, applied.text);
  const officer = await signInAs("officer");
  const approved = await api.decide(officer.token, applied.json.id, { decision: "approve" });
  assert.equal(approved.status, 200, approved.text);
  return { me, resident: approved.json };
}

/// The verdict of an officer's phone on `pass`: the edge's trust list and deny-list, now.
async function verifyOffline(pass, { gate = HOME } = {}) {
  const officer = await signInAs("officer");
  const keys = await get("/api/keys");
  const denied = await get("/api/revocations", { token: officer.token });
  const input = JSON.stringify({
    pass,
    trust_list: keys.json.keys,
    deny_list: denied.json.pass_ids,
    now: Math.floor(Date.now() / 1000),
    gate,
  });
  const run = promisify(execFile)("cargo", ["run", "-q", "-p", "borderpass-shared", "--example", "verify_pass"], {
    maxBuffer: 1 << 20,
  });
  run.child.stdin.end(input);
  const { stdout } = await run;
  return JSON.parse(stdout);
}

test("the journey: apply, pending in the officer's list, approve, a pass that verifies, crossings and the figures", async () => {
  const me = await signUpResident();
  const body = application();
  const applied = await api.apply(me.token, body);
  assert.equal(applied.status, 201, applied.text);
  const r = applied.json;
  assert.match(r.id, /^r-[0-9a-f]{16}$/);
  assert.equal(r.status, "pending");
  assert.equal(r.id_last4, body.id_number.slice(8));
  assert.match(r.holder_digest, /^[0-9a-f]{16}$/);
  assert.equal(r.home_gate, HOME);
  assert.equal(r.border_pass_expires, body.border_pass_expires);
  assert.equal(r.pass, undefined);

  // The same application again: the same resident, nothing doubled.
  const again = await api.apply(me.token, body);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.id, r.id);
  const rows = await d1(`SELECT id FROM residents WHERE account_id = '${me.account.id}'`);
  assert.equal(rows.length, 1);

  const pending = await api.me(me.token);
  assert.equal(pending.status, 200);
  assert.equal(pending.json.status, "pending");
  assert.equal(pending.json.pass, undefined);

  const officer = await signInAs("officer");
  const list = await api.list(officer.token);
  assert.equal(list.status, 200, list.text);
  const listed = list.json.residents.find((x) => x.id === r.id);
  assert.equal(listed?.status, "pending");
  assert.equal(listed.pass, undefined);
  // Pending first.
  const firstOther = list.json.residents.findIndex((x) => x.status !== "pending");
  const lastPending = list.json.residents.findLastIndex((x) => x.status === "pending");
  assert.ok(firstOther === -1 || lastPending < firstOther, "pending residents come first");
  assert.ok((await api.list(officer.token, "pending")).json.residents.some((x) => x.id === r.id));
  assert.ok(!(await api.list(officer.token, "approved")).json.residents.some((x) => x.id === r.id));
  assert.equal((await api.list(officer.token, "nonsense")).json.code, "malformed_body");

  const approved = await api.decide(officer.token, r.id, { decision: "approve" });
  assert.equal(approved.status, 200, approved.text);
  assert.equal(approved.json.status, "approved");
  assert.equal(approved.json.pass, undefined, "the officer's view never carries the pass");
  assert.ok(approved.json.decided_at_ms > 0);

  const mine = await api.me(me.token);
  assert.equal(mine.json.status, "approved");
  assert.match(mine.json.pass, /^BP1:/);
  assert.ok(mine.json.pass_valid_until > Date.now() / 1000);
  const paperEnd = Date.parse(`${body.border_pass_expires}T23:59:59+07:00`) / 1000;
  assert.equal(mine.json.pass_valid_until, paperEnd, "valid to the end of the paper pass's last day");

  const verdict = await verifyOffline(mine.json.pass);
  assert.equal(verdict.valid, true, JSON.stringify(verdict));
  assert.equal(verdict.claims.kind, "resident");
  assert.equal(verdict.claims.holder_digest, r.holder_digest);
  assert.equal(verdict.claims.gate, HOME);
  assert.equal(verdict.claims.plate ?? null, null);
  assert.equal((await verifyOffline(mine.json.pass, { gate: OTHER })).reason, "wrong_gate");

  // A crossing from the officer's phone.
  const phone = phoneOf(officer);
  const x = crossing(r);
  const [sent] = await phone.send(x);
  assert.equal(sent.outcome, "applied", JSON.stringify(sent));
  const after = (await api.me(me.token)).json;
  assert.equal(after.history.crossings.length, 1);
  assert.deepEqual(after.history.crossings[0], x);
  assert.equal(after.summary.used_today_vnd, 500_000);
  assert.equal(after.summary.duty_free_days_used_this_month, 1);
  assert.equal(after.summary.last_stamp_at_ms, x.at_ms, "the first crossing is stamped");
  assert.equal(after.summary.allowance_left_today_vnd, mine.json.summary.allowance_left_today_vnd - 500_000);
  const seen = (await api.list(officer.token)).json.residents.find((y) => y.id === r.id);
  assert.equal(seen.history.crossings.length, 1);

  // Its event (dated by the scan) and audit entry came with it.
  const events = await d1(`SELECT topic, payload FROM edge_outbox WHERE entity_id = '${x.id}'`);
  assert.equal(events.length, 1);
  assert.equal(events[0].topic, "resident.crossed");
  assert.equal(JSON.parse(events[0].payload).at_ms, x.at_ms);
  const audits = await d1(`SELECT event FROM audit_log WHERE subject = '${r.id}' ORDER BY id`);
  assert.deepEqual(
    audits.map((a) => a.event),
    ["resident_applied", "resident_decided", "resident_crossing_recorded"]
  );

  // Sent again (a phone that lost the answer): accepted, nothing added.
  const [resent] = await phone.send(x);
  assert.equal(resent.outcome, "applied", JSON.stringify(resent));
  assert.equal((await d1(`SELECT id FROM resident_crossings WHERE resident_id = '${r.id}'`)).length, 1);
  assert.equal((await d1(`SELECT id FROM edge_outbox WHERE entity_id = '${x.id}'`)).length, 1);
  // The same id with other contents: refused, nothing changed.
  const [mismatch] = await phone.send({ ...x, goods: [{ description: "Rau cải", value_vnd: 5 }] });
  assert.equal(mismatch.outcome, "rejected");
  assert.equal(mismatch.code, "replay_mismatch");
  assert.equal((await api.me(me.token)).json.history.crossings[0].goods[0].value_vnd, 500_000);
});

test("applications an attacker could try are refused", async () => {
  const me = await signUpResident();
  for (const [id_number, why] of [
    ["12345678901", "11 digits"],
    ["12345678901a", "a letter"],
    ["1234567890123", "13 digits"],
    ["abcdefghijkl", "letters"],
  ]) {
    const r = await api.apply(me.token, application({ id_number }));
    assert.equal(r.status, 400, why);
    assert.equal(r.json.code, "resident_id_malformed", why);
  }
  const notBorder = await api.apply(me.token, application({ commune_id: "hn-hoan-kiem" }));
  assert.equal(notBorder.json.code, "not_border_commune");
  const expired = await api.apply(me.token, application({ border_pass_expires: localDate(-1) }));
  assert.equal(expired.json.code, "invalid_border_pass");
  const tooLong = await api.apply(me.token, application({ border_pass_expires: localDate(400) }));
  assert.equal(tooLong.json.code, "invalid_border_pass");
  const noGate = await api.apply(me.token, application({ home_gate: "no-such-gate" }));
  assert.equal(noGate.status, 404);
  const extra = await api.apply(me.token, { ...application(), admin: true });
  assert.equal(extra.json.code, "malformed_body");
  assert.equal((await d1(`SELECT id FROM residents WHERE account_id = '${me.account.id}'`)).length, 0);

  const body = application();
  assert.equal((await api.apply(me.token, body)).status, 201);
  // Another application from the same account while one is open.
  const second = await api.apply(me.token, { ...body, border_pass_number: "OTHER1" });
  assert.equal(second.status, 409);
  assert.equal(second.json.code, "resident_application_exists");
  // The same citizen ID on another account.
  const thief = await signUpResident();
  const stolen = await api.apply(thief.token, application({ id_number: body.id_number }));
  assert.equal(stolen.status, 409);
  assert.equal(stolen.json.code, "resident_application_exists");
  assert.equal((await api.me(thief.token)).status, 404);
  // Two at once from one account: one stored (the database refuses the other).
  const racer = await signUpResident();
  const both = await Promise.all([api.apply(racer.token, application()), api.apply(racer.token, application())]);
  assert.deepEqual(both.map((r) => r.status).sort(), [201, 409]);
  assert.equal((await d1(`SELECT id FROM residents WHERE account_id = '${racer.account.id}'`)).length, 1);

  // Only residents apply; only officers list and decide.
  const driver = await signUpOwner("driver");
  assert.equal((await api.apply(driver.token, application())).status, 403);
  assert.equal((await api.list(driver.token)).status, 403);
  assert.equal((await api.list(me.token)).status, 403);
  const mine = (await api.me(me.token)).json;
  // A resident deciding on their own application or another account's.
  assert.equal((await api.decide(me.token, mine.id, { decision: "approve" })).status, 403);
  assert.equal((await api.decide(thief.token, mine.id, { decision: "approve" })).status, 403);
  assert.equal((await api.decide(driver.token, mine.id, { decision: "approve" })).status, 403);
  assert.equal((await api.me(driver.token)).status, 403);
  assert.equal((await api.me(me.token)).json.status, "pending");
});

test("an officer of another gate sees nothing of a resident and may not decide or record", async () => {
  const officer = await officerAt(OTHER);
  const { me, resident } = await approvedResident();
  const list = await api.list(officer.token);
  assert.equal(list.status, 200);
  assert.ok(list.json.residents.every((x) => x.home_gate === OTHER));
  assert.ok(!list.json.residents.some((x) => x.id === resident.id));
  const decided = await api.decide(officer.token, resident.id, { decision: "suspend", reason: "Kiểm tra" });
  assert.equal(decided.status, 403);
  assert.equal(decided.json.code, "forbidden");
  const phone = phoneOf(officer);
  const [here] = await phone.send(crossing(resident, { recorded_by: OTHER }));
  assert.equal(here.code, "not_found", "no resident of this gate has that pass");
  const [there] = await phone.send(crossing(resident));
  assert.equal(there.code, "forbidden", "an officer records at their own gate only");
  assert.equal((await api.me(me.token)).json.history.crossings.length, 0);
  const unknown = await api.decide(officer.token, "r-0000000000000000", { decision: "approve" });
  assert.equal(unknown.status, 404);
  assert.equal((await api.decide(officer.token, "R-NOT-AN-ID", { decision: "approve" })).status, 404);
});

test("crossings with bad values, times or senders are refused, nothing recorded", async () => {
  const { me, resident } = await approvedResident();
  const officer = await signInAs("officer");
  const phone = phoneOf(officer);
  const bad = await phone.send(
    crossing(resident, { goods: [{ description: "Vải", value_vnd: -1 }] }),
    crossing(resident, { goods: [{ description: "Vải", value_vnd: 10_000_000_001 }] }),
    crossing(resident, { goods: [{ description: "", value_vnd: 1 }] }),
    crossing(resident, { goods: Array.from({ length: 21 }, () => ({ description: "Vải", value_vnd: 1 })) }),
    crossing(resident, { at_ms: Date.now() + 11 * MINUTE }),
    crossing(resident, { at_ms: 4_200_000_000_000 }),
    crossing(resident, { resident: "00000000000000zz" }),
    crossing(resident, { resident: "0000000000000000" })
  );
  assert.deepEqual(
    bad.map((b) => b.code),
    [
      "invalid_goods",
      "invalid_goods",
      "invalid_goods",
      "invalid_goods",
      "time_out_of_range",
      "time_out_of_range",
      "invalid_id",
      "not_found",
    ]
  );
  // i64::MAX, as the JSON number a hand-made request carries.
  const max = crossing(resident, { goods: [{ description: "Vải", value_vnd: 1 }] });
  const raw = JSON.stringify({
    client_id: clientId(),
    ops: [{ seq: 1, kind: "resident.cross", payload: max }],
  }).replace('"value_vnd":1', '"value_vnd":9223372036854775807');
  const r = remember(await post("/api/sync", raw, { token: officer.token }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.results[0].code, "invalid_goods");
  // A scan a few minutes ahead of the edge's clock (a phone's clock running fast) is fine.
  const [ahead] = await phone.send(crossing(resident, { at_ms: Date.now() + 5 * MINUTE, goods: [] }));
  assert.equal(ahead.outcome, "applied", JSON.stringify(ahead));
  assert.equal((await api.me(me.token)).json.history.crossings.length, 1);

  // Only an officer's outbox carries crossings, and it carries nothing else.
  const driver = await signUpOwner("driver");
  const [fromDriver] = (await sync(driver.token, clientId(), [{ seq: 1, kind: "resident.cross", payload: crossing(resident) }])).json.results;
  assert.equal(fromDriver.code, "forbidden");
  const operator = await operatorFor("hn-fruit");
  const [fromOperator] = (await sync(operator.token, clientId(), [{ seq: 1, kind: "resident.cross", payload: crossing(resident) }])).json.results;
  assert.equal(fromOperator.code, "forbidden");
  const [tripFromOfficer] = await phone.send({
    kind: "vehicle.register",
    payload: { id: "v-officer0001", plate: "12C-111.11", vehicle_type: "truck", country: "VN" },
  });
  assert.equal(tripFromOfficer.code, "forbidden");
  const residentSync = await sync(me.token, clientId(), [{ seq: 1, kind: "resident.cross", payload: crossing(resident) }]);
  assert.equal(residentSync.status, 403, "a resident keeps no outbox");
  assert.equal((await api.me(me.token)).json.history.crossings.length, 1);
});

test("suspension, reinstatement and revocation: passes on the deny-list, crossings after them refused", async () => {
  const { me, resident } = await approvedResident();
  const officer = await signInAs("officer");
  const phone = phoneOf(officer);
  const firstPass = (await api.me(me.token)).json.pass;
  const passId = (await verifyOffline(firstPass)).claims.id;

  for (const reason of [undefined, null, "", "   "]) {
    const r = await api.decide(officer.token, resident.id, { decision: "suspend", reason });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, "invalid_reason");
  }
  const before = Date.now() - 2000; // scanned offline before the suspension, synced after it
  const suspended = await api.decide(officer.token, resident.id, { decision: "suspend", reason: "Giấy tờ cần kiểm tra" });
  assert.equal(suspended.status, 200, suspended.text);
  assert.equal(suspended.json.status, "suspended");
  assert.equal(suspended.json.reason, "Giấy tờ cần kiểm tra");
  const mine = (await api.me(me.token)).json;
  assert.equal(mine.status, "suspended");
  assert.equal(mine.pass, undefined);
  const denied = (await get("/api/revocations", { token: officer.token })).json;
  assert.equal(denied.revoked.find((d) => d.pass_id === passId)?.reason, "suspended");
  assert.equal((await verifyOffline(firstPass)).reason, "revoked");

  // Scanned after the suspension (a little ahead: the default scan is a second ago).
  const [after] = await phone.send(crossing(resident, { at_ms: Date.now() + 2000 }));
  assert.equal(after.code, "pass_not_valid");
  const [offline] = await phone.send(crossing(resident, { at_ms: before }));
  assert.equal(offline.outcome, "applied", "a scan from before the suspension still counts");
  assert.equal((await api.decide(officer.token, resident.id, { decision: "approve" })).json.code, "invalid_resident_state");
  assert.equal((await api.decide(officer.token, resident.id, { decision: "suspend", reason: "x" })).json.code, "invalid_resident_state");

  const reinstated = await api.decide(officer.token, resident.id, { decision: "reinstate" });
  assert.equal(reinstated.json.status, "approved");
  const secondPass = (await api.me(me.token)).json.pass;
  assert.match(secondPass, /^BP1:/);
  assert.notEqual(secondPass, firstPass);
  assert.equal((await verifyOffline(secondPass)).valid, true);
  const [back] = await phone.send(crossing(resident, { direction: "out", goods: [] }));
  assert.equal(back.outcome, "applied", JSON.stringify(back));

  const noReason = await api.decide(officer.token, resident.id, { decision: "revoke" });
  assert.equal(noReason.json.code, "invalid_reason");
  const revoked = await api.decide(officer.token, resident.id, { decision: "revoke", reason: "Chuyển khỏi xã biên giới" });
  assert.equal(revoked.json.status, "revoked");
  const secondId = (await verifyOffline(secondPass)).claims.id;
  const deniedNow = (await get("/api/revocations", { token: officer.token })).json;
  assert.equal(deniedNow.revoked.find((d) => d.pass_id === secondId)?.reason, "revoked");
  const [afterRevoke] = await phone.send(crossing(resident, { at_ms: Date.now() + 2000 }));
  assert.equal(afterRevoke.code, "pass_not_valid");
  for (const decision of ["approve", "reinstate", "suspend", "refuse"]) {
    const r = await api.decide(officer.token, resident.id, { decision, reason: "Thử lại" });
    assert.equal(r.json.code, "invalid_resident_state", decision);
  }
  assert.equal((await api.decide(officer.token, resident.id, { decision: "delete" })).json.code, "malformed_body");
  // Revoked is final: no new application for this account or this person.
  assert.equal((await api.apply(me.token, application())).json.code, "resident_application_exists");
  const decisions = await d1(`SELECT decision FROM resident_decisions WHERE resident_id = '${resident.id}' ORDER BY seq`);
  assert.deepEqual(
    decisions.map((d) => d.decision),
    ["approve", "suspend", "reinstate", "revoke"]
  );
});

test("a refusal needs a reason; after it the resident applies anew as a new resident", async () => {
  const me = await signUpResident();
  const body = application();
  const first = (await api.apply(me.token, body)).json;
  const officer = await signInAs("officer");
  const phone = phoneOf(officer);
  const [pendingCrossing] = await phone.send(crossing(first));
  assert.equal(pendingCrossing.code, "pass_not_valid", "a pending resident has no pass");
  assert.equal((await api.decide(officer.token, first.id, { decision: "refuse" })).json.code, "invalid_reason");
  const tooLong = await api.decide(officer.token, first.id, { decision: "refuse", reason: "x".repeat(201) });
  assert.equal(tooLong.json.code, "invalid_reason");
  const refused = await api.decide(officer.token, first.id, { decision: "refuse", reason: "Không thuộc xã biên giới" });
  assert.equal(refused.json.status, "refused");
  assert.equal((await api.me(me.token)).json.reason, "Không thuộc xã biên giới");
  assert.equal((await api.decide(officer.token, first.id, { decision: "approve" })).json.code, "invalid_resident_state");

  const again = await api.apply(me.token, body);
  assert.equal(again.status, 201, again.text);
  assert.notEqual(again.json.id, first.id);
  assert.equal(again.json.status, "pending");
  assert.equal((await api.me(me.token)).json.id, again.json.id);
  const rows = await d1(`SELECT status FROM residents WHERE account_id = '${me.account.id}' ORDER BY applied_at_ms`);
  assert.deepEqual(
    rows.map((r) => r.status),
    ["refused", "pending"]
  );
});

test("a paper pass over by the time of the decision is not approved", async () => {
  const me = await signUpResident();
  const r = (await api.apply(me.token, application({ border_pass_expires: localDate(0) }))).json;
  const officer = await signInAs("officer");
  const late = await api.decide(officer.token, r.id, { decision: "approve" }, { now: Date.now() + 2 * DAY });
  assert.equal(late.status, 400, late.text);
  assert.equal(late.json.code, "invalid_border_pass");
  assert.equal((await api.me(me.token)).json.status, "pending", "nothing changed");
});

test("a disabled officer can do nothing", async () => {
  const officer = await officerAt(HOME);
  const { resident } = await approvedResident();
  const admin = await signInAs("admin");
  const disabled = await post(`/api/admin/accounts/${officer.account.id}/disable`, undefined, { token: admin.token });
  assert.equal(disabled.status, 200, disabled.text);
  const list = await api.list(officer.token);
  assert.equal(list.json.code, "account_disabled");
  const decided = await api.decide(officer.token, resident.id, { decision: "suspend", reason: "Kiểm tra" });
  assert.equal(decided.json.code, "account_disabled");
  const r = await sync(officer.token, clientId(), [{ seq: 1, kind: "resident.cross", payload: crossing(resident) }]);
  assert.equal(r.json.code, "account_disabled");
});

test("disabling a resident's account revokes the resident pass", async () => {
  const { me, resident } = await approvedResident();
  const pass = (await api.me(me.token)).json.pass;
  const passId = (await verifyOffline(pass)).claims.id;
  const admin = await signInAs("admin");
  const before = Date.now() - 2000; // scanned offline before the account was disabled
  const disabled = await post(`/api/admin/accounts/${me.account.id}/disable`, undefined, { token: admin.token });
  assert.equal(disabled.status, 200, disabled.text);
  const officer = await signInAs("officer");
  const denied = (await get("/api/revocations", { token: officer.token })).json;
  assert.equal(denied.revoked.find((d) => d.pass_id === passId)?.reason, "disabled");
  assert.equal((await verifyOffline(pass)).reason, "revoked");
  // A crossing scanned after the account was disabled is refused; one from before still counts.
  const phone = phoneOf(officer);
  const [after] = await phone.send(crossing(resident, { at_ms: Date.now() + 2000 }));
  assert.equal(after.code, "pass_not_valid", JSON.stringify(after));
  const [earlier] = await phone.send(crossing(resident, { at_ms: before }));
  assert.equal(earlier.outcome, "applied", JSON.stringify(earlier));
});

test("no answer and no stored row holds a citizen ID number", async () => {
  assert.ok(idNumbers.size > 10 && answers.length > 50);
  for (const n of idNumbers) {
    for (const a of answers) assert.ok(!a.includes(n), `an answer held ${n}`);
  }
  const tables = ["residents", "resident_decisions", "resident_crossings", "audit_log", "edge_outbox", "sync_ops", "passes"];
  for (const table of tables) {
    const dump = JSON.stringify(await d1(`SELECT * FROM ${table}`));
    for (const n of idNumbers) assert.ok(!dump.includes(n), `${table} holds ${n}`);
  }
});
