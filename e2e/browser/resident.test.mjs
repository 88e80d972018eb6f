// A border resident in Chromium against the real runtime (issue 13): signs up, applies (only
// border communes can be chosen, a malformed ID is refused on the phone by its field), waits
// for the officer of the home gate, who approves through the API; then the pass: its QR
// decodes (the officer's phone films it, offline) to a valid resident pass of Huu Nghi, and
// the pass and its figures still show offline after a reload. Accessible at 320 px.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { BASE_URL } from "../lib/browser.mjs";
import { withPhone, axe } from "../lib/phone.mjs";
import { freshPhone, get, post, signInAs } from "../lib/accounts.mjs";
import { SignUpPage } from "../pages/auth-pages.mjs";
import { scanOffline } from "../pages/verify-page.mjs";
import { clientId, recordId, sync } from "../lib/trips.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const COMMUNES = JSON.parse(await readFile(path.join(ROOT, "shared/data/border_communes.json"), "utf8")).communes;

/// A local (Asia/Ho_Chi_Minh) date `days` from today, `YYYY-MM-DD`.
function localDate(days) {
  return new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/// A citizen ID no other run has used: 12 digits.
function freshCitizenId() {
  return String(Date.now()).slice(-9) + String(Math.floor(Math.random() * 1000)).padStart(3, "0");
}

async function waitForServiceWorker(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/// The tap targets on screen smaller than 44 × 44 px (links inside text excepted).
function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("main button, main select, main input, main summary")]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width < 44 || box.height < 44)
      .map(({ el, box }) => `${el.tagName.toLowerCase()}#${el.id} ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
}

/// Nothing is wider than the screen.
function overflows(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

test("a resident applies, is approved by the officer of Huu Nghi, and shows the pass offline", async () => {
  const name = `Hoàng Thị Lan ${Math.floor(Math.random() * 1e6)}`;
  let code;
  let qrPng;
  await withPhone(
    async ({ page, context, expectNetworkFailures }) => {
      // Offline on purpose, and a resident who never applied is answered 404 (`/api/residents/me`).
      expectNetworkFailures();
      await (await new SignUpPage(page).open()).signUp({ role: "resident", phone: freshPhone(), password: "cu dan dong dang 2026", name });
      // A new resident lands on their own screen: the application.
      const form = page.getByTestId("resident-form");
      await form.waitFor();
      assert.equal(new URL(page.url()).pathname, "/resident");
      assert.equal(await page.locator("#res-name").inputValue(), name, "the name from the sign-up");
      assert.equal(await page.locator("#res-id").getAttribute("inputmode"), "numeric");
      await waitForServiceWorker(page);
      assert.deepEqual(await axe(page), [], "the application form is accessible");
      assert.deepEqual(await smallTargets(page), [], "touch targets of 44 px at least");
      assert.equal(await overflows(page), false, "fits 320 px");

      // Only border communes can be chosen, each with its district.
      const options = await page.locator("#res-commune option").evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
      assert.deepEqual(options.slice(1).map(([v]) => v), COMMUNES.map((c) => c.id));
      assert.equal(options[0][0], "", "a prompt first, nothing chosen");
      const dongDang = COMMUNES.find((c) => c.id === "cl-dong-dang");
      assert.equal(options.find(([v]) => v === "cl-dong-dang")[1], `${dongDang.name} — huyện ${dongDang.district}`);
      await assert.rejects(page.locator("#res-commune").selectOption("ha-noi", { timeout: 1000 }), "a non-border commune cannot be chosen");

      // Nothing chosen, a malformed ID: each error by its field, nothing sent.
      await page.locator("#res-id").fill("0012 3456");
      await page.getByTestId("resident-submit").click();
      await page.getByTestId("res-id-error").waitFor();
      assert.equal(await page.getByTestId("res-id-error").getAttribute("data-code"), "resident_id_malformed");
      assert.equal((await page.getByTestId("res-id-error").textContent()).trim(), "Số căn cước công dân phải gồm đúng 12 chữ số.");
      assert.equal(await page.locator("#res-id").getAttribute("aria-invalid"), "true");
      assert.equal((await page.getByTestId("res-commune-error").textContent()).trim(), "Hãy chọn xã, thị trấn nơi bạn thường trú.");
      assert.equal(await page.getByTestId("res-pass-number-error").getAttribute("data-code"), "invalid_border_pass");
      assert.equal(await page.getByTestId("res-pass-expires-error").getAttribute("data-code"), "invalid_border_pass");
      assert.equal(await page.getByTestId("res-name-error").count(), 0, "the name is fine");
      assert.deepEqual(await axe(page), [], "the form with its errors is accessible");

      // The commune chooses its nearest gate.
      await page.locator("#res-commune").selectOption("cl-dong-dang");
      assert.equal(await page.locator("#res-gate").inputValue(), dongDang.nearest_gate);
      assert.equal(dongDang.nearest_gate, "huu-nghi");
      await page.locator("#res-id").fill(freshCitizenId());
      await page.locator("#res-pass-number").fill("gt" + String(Date.now()).slice(-7));
      await page.locator("#res-pass-expires").fill(localDate(200));

      // Offline, the application is not sent, and what was typed stays.
      await context.setOffline(true);
      await page.getByTestId("resident-submit").click();
      await page.getByTestId("online-only").waitFor();
      assert.equal(await page.getByTestId("res-id-error").count(), 0, "the errors are gone once fixed");
      await context.setOffline(false);
      assert.equal(await page.locator("#res-commune").inputValue(), "cl-dong-dang", "kept");
      assert.match(await page.locator("#res-id").inputValue(), /^\d{12}$/, "kept");

      // Sent: waiting for an officer of Huu Nghi.
      await page.getByTestId("resident-submit").click();
      const status = page.getByTestId("resident-status");
      await status.waitFor();
      assert.equal(await status.getAttribute("data-status"), "pending");
      assert.match(await status.textContent(), /Đang chờ cán bộ cửa khẩu Cửa khẩu quốc tế Hữu Nghị duyệt đơn\./);
      assert.match(await status.textContent(), new RegExp(`Ngày nộp đơn: ${localDate(0).split("-").reverse().join("/")}`));
      assert.deepEqual(await axe(page), [], "the pending status is accessible");

      // The demo officer of Huu Nghi approves it.
      const officer = await signInAs("officer");
      const listed = await get("/api/residents?status=pending", { token: officer.token });
      assert.equal(listed.status, 200, listed.text);
      const mine = listed.json.residents.find((r) => r.name === name);
      assert.ok(mine, "the officer sees the application");
      assert.equal(mine.pass, undefined, "never a pass in the officer's list");
      const decided = await post(`/api/residents/${mine.id}/decisions`, { decision: "approve" }, { token: officer.token });
      assert.equal(decided.status, 200, decided.text);
      assert.equal(decided.json.status, "approved");

      // The pass.
      await page.reload();
      const pass = page.getByTestId("resident-pass");
      await pass.waitFor();
      code = await pass.getAttribute("data-pass-code");
      assert.match(code, /^BP1:/);
      await pass.getByTestId("pass-qr").locator("svg").waitFor();
      assert.match(await page.getByTestId("resident-gate").textContent(), /Cửa khẩu quốc tế Hữu Nghị/);
      assert.match(await page.getByTestId("resident-valid-until").textContent(), /Có giá trị đến hết ngày \d\d\/\d\d\/\d{4}/);
      assert.equal((await page.getByTestId("figure-allowance").locator(".figure-value").textContent()).trim(), "2.000.000 đồng");
      assert.equal((await page.getByTestId("figure-days").locator(".figure-value").textContent()).trim(), "4 / 4 ngày");
      assert.equal(await page.getByTestId("figure-stamp").getAttribute("data-due"), "true", "no stamp yet: due now");
      await page.getByTestId("history-empty").waitFor();
      assert.deepEqual(await axe(page), [], "the pass is accessible");
      assert.deepEqual(await smallTargets(page), [], "touch targets of 44 px at least");
      assert.equal(await overflows(page), false, "fits 320 px");

      // The officer of Huu Nghi records a crossing with goods above the day's allowance: the
      // figures and the history follow (folded on the phone from the history the edge sends).
      const crossedAt = Date.now() - 60_000;
      const crossed = await sync(officer.token, clientId(), [
        {
          seq: 1,
          kind: "resident.cross",
          payload: {
            id: recordId("x"),
            resident: mine.holder_digest,
            at_ms: crossedAt,
            direction: "in",
            goods: [{ description: "Hoa hồi khô", value_vnd: 1_800_000 }, { description: "Nấm hương", value_vnd: 700_000 }],
            recorded_by: "huu-nghi",
          },
        },
      ]);
      assert.equal(crossed.status, 200, crossed.text);
      assert.equal(crossed.json.results[0].outcome, "applied", crossed.text);
      await page.reload();
      const crossing = page.getByTestId("crossing");
      await crossing.waitFor();
      const afterCrossing = async () => {
        assert.equal((await page.getByTestId("figure-allowance").locator(".figure-value").textContent()).trim(), "0 đồng");
        assert.equal((await page.getByTestId("figure-days").locator(".figure-value").textContent()).trim(), "3 / 4 ngày");
        assert.equal(await page.getByTestId("figure-stamp").getAttribute("data-due"), "false", "stamped at this crossing");
        const due = new Date(crossedAt + 10 * 86_400_000 + 7 * 3600_000).toISOString();
        assert.match(
          await page.getByTestId("figure-stamp").textContent(),
          new RegExp(`${due.slice(8, 10)}/${due.slice(5, 7)}/${due.slice(0, 4)} ${due.slice(11, 16)}`),
          "the next stamp ten days on",
        );
        assert.equal(await crossing.count(), 1);
        assert.equal(await crossing.getAttribute("data-direction"), "in");
        assert.equal((await crossing.getByTestId("crossing-total").textContent()).trim(), "2.500.000 đồng");
        assert.equal((await crossing.getByTestId("crossing-duty-free").textContent()).trim(), "2.000.000 đồng");
        assert.equal((await crossing.getByTestId("crossing-taxable").textContent()).trim(), "500.000 đồng");
      };
      await afterCrossing();
      assert.deepEqual(await axe(page), [], "the pass with its history is accessible");
      assert.equal(await overflows(page), false, "fits 320 px");
      await mkdir("e2e/artifacts", { recursive: true });
      await page.screenshot({ path: "e2e/artifacts/resident-pass-320.png", fullPage: true });

      // Full screen, for the officer's camera.
      await page.getByTestId("qr-full-open").click();
      const full = page.getByTestId("qr-full");
      await full.waitFor();
      assert.deepEqual(await axe(page), [], "the full-screen QR is accessible");
      qrPng = await full.locator(".pass-qr").screenshot();
      await page.keyboard.press("Escape");
      await full.waitFor({ state: "detached" });

      // In a dead zone, after a restart: the same pass and its figures, marked as the saved copy.
      await context.setOffline(true);
      await page.reload();
      await pass.waitFor();
      assert.equal(await pass.getAttribute("data-pass-code"), code);
      await page.getByTestId("offline-copy").waitFor();
      assert.match(await page.getByTestId("as-of").textContent(), /Cập nhật lúc \d\d\/\d\d\/\d{4} \d\d:\d\d/);
      await afterCrossing();
      await pass.getByTestId("pass-qr").locator("svg").waitFor();
      assert.deepEqual(await axe(page), [], "the offline pass is accessible");
    },
    { viewport: { width: 320, height: 640 } },
  );

  // The QR decodes to the resident's pass: an officer of Huu Nghi films it, offline.
  const scanned = await scanOffline({ png: qrPng });
  assert.equal(scanned.valid, true, JSON.stringify(scanned));
  assert.equal(scanned.gate, "huu-nghi");
  assert.equal(scanned.plate, null, "a resident pass carries no plate");
});

test("a refused resident reads the reason and applies again, the form filled in but for the ID", async () => {
  const name = `Nông Văn Tú ${Math.floor(Math.random() * 1e6)}`;
  await withPhone(
    async ({ page, expectNetworkFailures }) => {
      // A resident who never applied is answered 404 by `/api/residents/me`, by design; the
      // browser logs it as a failed load.
      expectNetworkFailures();
      await (await new SignUpPage(page).open()).signUp({ role: "resident", phone: freshPhone(), password: "cu dan tan thanh 2026", name });
      await page.getByTestId("resident-form").waitFor();
      await page.locator("#res-commune").selectOption("cl-bao-lam");
      await page.locator("#res-id").fill(freshCitizenId());
      await page.locator("#res-pass-number").fill("GT" + String(Date.now()).slice(-6));
      await page.locator("#res-pass-expires").fill(localDate(100));
      await page.getByTestId("resident-submit").click();
      await page.getByTestId("resident-status").waitFor();

      const officer = await signInAs("officer");
      const listed = await get("/api/residents?status=pending", { token: officer.token });
      const mine = listed.json.residents.find((r) => r.name === name);
      assert.ok(mine, listed.text);
      const refused = await post(`/api/residents/${mine.id}/decisions`, { decision: "refuse", reason: "Giấy thông hành không rõ số" }, { token: officer.token });
      assert.equal(refused.status, 200, refused.text);

      await page.reload();
      // The saved copy (pending) shows first, then the edge's answer.
      const status = page.locator('[data-testid="resident-status"][data-status="refused"]');
      await status.waitFor();
      assert.equal((await page.getByTestId("resident-reason").textContent()).trim(), "Lý do: Giấy thông hành không rõ số");
      assert.deepEqual(await axe(page), [], "the refusal is accessible");
      await page.getByTestId("apply-again").click();
      await page.getByTestId("resident-form").waitFor();
      assert.equal(await page.locator("#res-name").inputValue(), name);
      assert.equal(await page.locator("#res-commune").inputValue(), "cl-bao-lam");
      assert.equal(await page.locator("#res-gate").inputValue(), mine.home_gate);
      assert.equal(await page.locator("#res-pass-expires").inputValue(), localDate(100));
      assert.equal(await page.locator("#res-id").inputValue(), "", "the ID is never kept");
    },
    { viewport: { width: 320, height: 640 } },
  );
});

test("a suspended resident reads why, plainly, and sees no pass", async () => {
  const name = `Lý Thị Mai ${Math.floor(Math.random() * 1e6)}`;
  await withPhone(
    async ({ page, expectNetworkFailures }) => {
      // `/api/residents/me` answers 404 until the resident applies, by design.
      expectNetworkFailures();
      await (await new SignUpPage(page).open()).signUp({ role: "resident", phone: freshPhone(), password: "cu dan huu nghi 2026", name });
      await page.getByTestId("resident-form").waitFor();
      await page.locator("#res-commune").selectOption("cl-thuy-hung");
      await page.locator("#res-id").fill(freshCitizenId());
      await page.locator("#res-pass-number").fill("GT" + String(Date.now()).slice(-6));
      await page.locator("#res-pass-expires").fill(localDate(300));
      await page.getByTestId("resident-submit").click();
      await page.getByTestId("resident-status").waitFor();

      const officer = await signInAs("officer");
      const listed = await get("/api/residents?status=pending", { token: officer.token });
      const mine = listed.json.residents.find((r) => r.name === name);
      assert.ok(mine, listed.text);
      for (const body of [{ decision: "approve" }, { decision: "suspend", reason: "Chờ xác minh hộ khẩu" }]) {
        const r = await post(`/api/residents/${mine.id}/decisions`, body, { token: officer.token });
        assert.equal(r.status, 200, r.text);
      }

      await page.reload();
      const status = page.locator('[data-testid="resident-status"][data-status="suspended"]');
      await status.waitFor();
      assert.equal((await page.getByTestId("resident-reason").textContent()).trim(), "Lý do: Chờ xác minh hộ khẩu");
      assert.match(await status.textContent(), /Hãy gặp cán bộ cửa khẩu Cửa khẩu quốc tế Hữu Nghị\./);
      assert.equal(await page.getByTestId("resident-pass").count(), 0, "no pass while suspended");
      assert.deepEqual(await axe(page), [], "the suspension is accessible");
    },
    { viewport: { width: 320, height: 640 } },
  );
});
