// The border officer's side of the residents (issue 13) in Chromium against the real runtime:
// a resident applies (through the API) → the demo officer of Hữu Nghị approves in the residents
// screen → the resident's pass (GET /api/residents/me) → the officer, offline, pastes it on the
// verify screen: VALID, the last 4 ID digits, the stamp due → records an In crossing with goods
// above the day's allowance (the taxable excess shown) in two taps → the crossing waits in the
// outbox → back online it syncs, and the resident's figures at the edge have moved.
// A suspended resident's pass is INVALID offline once the deny-list is refreshed, and shows no
// way to record a crossing. Axe at 320 px on both screens.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { withPhone, axe } from "../lib/phone.mjs";
import { demo, get, post, signInAs } from "../lib/accounts.mjs";
import { signUpOwner } from "../lib/trips.mjs";
import { SignInPage } from "../pages/auth-pages.mjs";
import { VerifyPage } from "../pages/verify-page.mjs";
import { OfficerResidentsPage, ResidentPanel, outboxRecords } from "../pages/officer-residents-page.mjs";

const DAY = 86_400_000;
const PHONE_320 = { viewport: { width: 320, height: 720 } };

/// An ISO day `days` from today in Hanoi.
function isoDayFromNow(days) {
  return new Date(Date.now() + 7 * 3_600_000 + days * DAY).toISOString().slice(0, 10);
}

/// A fresh resident account with a pending application at Hữu Nghị.
async function applyingResident() {
  const account = await signUpOwner("resident");
  const idNumber = Array.from({ length: 12 }, () => randomInt(10)).join("");
  const application = {
    name: `Hoàng Thị Mai ${randomInt(1000, 9999)}`,
    commune_id: "cl-dong-dang",
    id_number: idNumber,
    border_pass_number: `LS${randomInt(100000, 999999)}`,
    border_pass_expires: isoDayFromNow(180),
    home_gate: "huu-nghi",
  };
  const r = await post("/api/residents", application, { token: account.token });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, "pending");
  return { token: account.token, resident: r.json, idNumber, application };
}

async function myResident(token) {
  const r = await get("/api/residents/me", { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/// The demo officer (Hữu Nghị) signs in on this phone and waits for the service worker.
async function officerSignsIn(page) {
  const officer = demo("officer");
  await (await new SignInPage(page).open()).signIn(officer.phone, officer.password);
  await page.getByTestId("officer-home").waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/// Online on the verify screen until the trust list, the verifier and a roster fetched after
/// `since` are on the phone; then the network goes and the screen is reloaded.
async function verifyOfflineAfter(phone, since) {
  const { page, context } = phone;
  const verify = await new VerifyPage(page).open();
  await verify.waitForTrustList();
  await verify.waitForVerifierCached();
  await page.waitForFunction(
    (since) => Number(document.querySelector('[data-testid="roster-as-of"]')?.dataset.fetchedAt ?? 0) >= since,
    since,
  );
  await page.waitForFunction(
    (since) => Number(document.querySelector('[data-testid="trust-as-of"]')?.dataset.fetchedAt ?? 0) >= since,
    since,
  );
  await context.setOffline(true);
  await verify.open();
  await verify.waitForTrustList();
  await page.getByTestId("roster-as-of").waitFor();
  return verify;
}

test("the journey: applied, approved, scanned offline, a crossing with taxable goods recorded in two taps, synced", async () => {
  const { token, resident, idNumber } = await applyingResident();
  await withPhone(async (phone) => {
    const { page, context } = phone;
    phone.expectNetworkFailures();
    await officerSignsIn(page);

    // The officer approves the application in the residents screen.
    const residents = await new OfficerResidentsPage(page).open();
    const row = await residents.waitForRow(resident.id, "pending");
    assert.equal((await row.getByTestId("resident-last4").textContent()).trim(), idNumber.slice(-4));
    assert.deepEqual(await axe(page), [], "the residents screen is accessible at 320 px");
    const approved = await residents.decide(resident.id, "approve");
    assert.equal(approved.status, "approved", JSON.stringify(approved));
    await residents.waitForRow(resident.id, "approved");
    const approvedAt = Date.now();

    // The resident's pass, as their phone shows it.
    const mine = await myResident(token);
    assert.equal(mine.status, "approved");
    assert.match(mine.pass, /^BP1:/);
    assert.equal(mine.summary.stamp_due, true, "never stamped: due at the first crossing");

    // Offline at the gate: the officer pastes the pass.
    const verify = await verifyOfflineAfter(phone, approvedAt - 1000);
    const verdict = await verify.paste(mine.pass);
    assert.equal(verdict.valid, true, JSON.stringify(verdict));
    const panel = new ResidentPanel(page);
    const before = await panel.read();
    assert.equal(before.known, true, "the resident is in the roster on the phone");
    assert.equal(before.last4, idNumber.slice(-4), "the last 4 ID digits, to compare with the card");
    assert.equal(before.name, mine.name);
    assert.equal(before.stampDue, true, "stamp due now");
    assert.equal(before.allowanceLeft, 2_000_000);
    assert.match(before.computedOffline ?? "", /Tính trên máy/, "marked as computed offline");
    assert.equal(before.canRecord, true);

    // Goods above the allowance: the excess is shown as taxable, and not refused.
    await panel.addGoods([
      { description: "Hạt dẻ Trùng Khánh", value: "1.800.000" },
      { description: "Vải thiều", value: "700.000" },
    ]);
    await page.getByTestId("direction-in").click(); // tap 1
    const assessed = await panel.assessment();
    assert.deepEqual(
      { total: assessed.total, dutyFree: assessed.dutyFree, taxable: assessed.taxable, stamp: assessed.stamp },
      { total: 2_500_000, dutyFree: 2_000_000, taxable: 500_000, stamp: true },
    );
    assert.equal(assessed.taxableShown, true, "the taxable excess is on screen");
    await page.getByTestId("record-crossing").click(); // tap 2
    const recorded = page.getByTestId("crossing-recorded");
    await recorded.waitFor();
    const crossingId = await recorded.getAttribute("data-crossing-id");
    assert.match(crossingId, /^x-[a-z2-9]{12}$/);
    assert.equal(await recorded.getAttribute("data-taxable"), "500000");

    // The panel counts it at once; the crossing waits in the outbox with the scan time.
    await page.waitForFunction(() => document.querySelector('[data-testid="resident-figures"]')?.dataset.allowanceLeft === "0");
    const after = await panel.read();
    assert.equal(after.stampDue, false, "stamped now: the next stamp is ten days on");
    assert.equal(after.daysLeft, before.daysLeft - 1, "one duty-free day of the month used");
    await page.locator('[data-testid="crossings-pending"][data-count="1"]').waitFor();
    const queued = (await outboxRecords(page)).filter((r) => r.type === "pending" && r.kind === "resident.cross");
    assert.equal(queued.length, 1, JSON.stringify(queued));
    const payload = queued[0].payload;
    assert.equal(payload.id, crossingId);
    assert.equal(payload.resident, mine.holder_digest.toLowerCase());
    assert.equal(payload.direction, "in");
    assert.equal(payload.recorded_by, "huu-nghi");
    assert.deepEqual(payload.goods.map((g) => g.value_vnd), [1_800_000, 700_000]);
    assert.equal(after.nextStampMs, payload.at_ms + 10 * DAY);
    assert.ok(Math.abs(payload.at_ms - Date.now()) < 120_000, "at the scan time");
    assert.deepEqual(await axe(page), [], "the resident panel is accessible at 320 px");

    // Back online: the outbox is sent and the edge's figures have moved.
    await context.setOffline(false);
    await page.locator('[data-testid="crossings-pending"][data-count="0"]').waitFor({ timeout: 30000 });
    const synced = await myResident(token);
    assert.ok(synced.history.crossings.some((c) => c.id === crossingId), "the edge has the crossing");
    assert.equal(synced.summary.allowance_left_today_vnd, 0);
    assert.equal(synced.summary.used_today_vnd, 2_000_000);
    assert.equal(synced.summary.stamp_due, false);
    assert.equal(synced.summary.last_stamp_at_ms, payload.at_ms);
    assert.equal(synced.summary.next_stamp_due_at_ms, payload.at_ms + 10 * DAY);
    assert.equal(synced.summary.duty_free_days_left_this_month, before.daysLeft - 1);
    // The officer's phone, from the roster now (the outbox is empty), shows the same.
    await page.waitForFunction(() => !document.querySelector('[data-testid="computed-offline"]'));
    const online = await panel.read();
    assert.equal(online.allowanceLeft, 0);
    assert.equal(online.nextStampMs, payload.at_ms + 10 * DAY);
  }, PHONE_320);
});

test("a suspended resident's pass is INVALID offline after the deny-list refresh, with no way to record", async () => {
  const { token, resident, idNumber } = await applyingResident();
  const refused = await applyingResident();
  const officer = await signInAs("officer");
  const approve = await post(`/api/residents/${resident.id}/decisions`, { decision: "approve" }, { token: officer.token });
  assert.equal(approve.status, 200, approve.text);
  const { pass } = await myResident(token);
  await withPhone(async (phone) => {
    const { page } = phone;
    phone.expectNetworkFailures();
    await officerSignsIn(page);
    const residents = await new OfficerResidentsPage(page).open();

    // A refusal needs a reason: without one nothing is sent.
    await residents.waitForRow(refused.resident.id, "pending");
    const refusedRow = residents.row(refused.resident.id);
    await refusedRow.getByTestId("decide-refuse").click();
    await refusedRow.getByTestId("decision-confirm").click();
    await refusedRow.getByTestId("reason-missing").waitFor();
    await refusedRow.getByTestId("decision-reason").fill("Giấy thông hành không khớp với CCCD");
    await refusedRow.getByTestId("decision-confirm").click();
    await residents.waitForRow(refused.resident.id, "refused");
    assert.match(await residents.row(refused.resident.id).getByTestId("resident-reason").textContent(), /không khớp/);

    // Suspend, with a reason: the pass reaches the deny-list.
    await residents.waitForRow(resident.id, "approved");
    const suspended = await residents.decide(resident.id, "suspend", "Vi phạm quy định xuất nhập cảnh");
    assert.equal(suspended.status, "suspended", JSON.stringify(suspended));
    await residents.waitForRow(resident.id, "suspended");
    await residents.row(resident.id).getByTestId("decide-reinstate").waitFor();
    assert.deepEqual(await axe(page), [], "the residents screen with a suspended resident is accessible");
    const suspendedAt = Date.now();

    const verify = await verifyOfflineAfter(phone, suspendedAt - 500);
    const verdict = await verify.paste(pass);
    assert.equal(verdict.valid, false, JSON.stringify(verdict));
    assert.equal(verdict.reason, "revoked");
    const shown = await new ResidentPanel(page).read();
    assert.equal(shown.last4, idNumber.slice(-4));
    assert.match(shown.notApproved ?? "", /tạm đình chỉ/);
    assert.equal(shown.canRecord, false, "no record button for an invalid pass");
    assert.deepEqual(await axe(page), [], "the INVALID resident verdict is accessible");
  }, PHONE_320);
});
