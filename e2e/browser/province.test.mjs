// The province sync in Chromium against the real runtime and the province simulator: the
// province's status callbacks (signed, posted to the edge as the province does) reach the
// driver's trip card and pass screen as a timeline, with the in-app alert and what to do about
// a hold; offline, the last timeline shows with its time. The operator's day list marks the
// vehicles whose record reached the province; the admin sees a parked record, retries it
// (asked first, the outcome announced), and the record flows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { withPhone, axe } from "../lib/phone.mjs";
import { demo, signInAs } from "../lib/accounts.mjs";
import { driverWithPass, listTrips, signUpOwner, vehicle, trip, sync, clientId } from "../lib/trips.mjs";
import { book, getConfig, localDate, nextSlotStart, uniquePlate } from "../lib/bookings.mjs";
import { postStatus, runSync, setProvince } from "../lib/province.mjs";
import { SignInPage } from "../pages/auth-pages.mjs";
import { HomePage } from "../pages/home-page.mjs";
import { TripsPage, PassPage } from "../pages/trips-page.mjs";
import { OperatorPage } from "../pages/operator-page.mjs";
import { Timeline, TimelineAlert, ProvinceSyncPage } from "../pages/province-pages.mjs";

const MINUTE = 60_000;
const YARD = "cm-1";
const vi = JSON.parse(await readFile(new URL("../../app/locales/vi/province.json", import.meta.url), "utf8"));
const zh = JSON.parse(await readFile(new URL("../../app/locales/zh/province.json", import.meta.url), "utf8"));

let updateCounter = 0;
/// A status update as the province sends it.
function update(tripId, step, force, verdict, atMs, extra = {}) {
  updateCounter += 1;
  return {
    update_id: `u-e2e-${Date.now().toString(36)}-${updateCounter}`,
    trip_id: tripId,
    step,
    force,
    verdict,
    at_ms: atMs,
    ...extra,
  };
}

/// Posts signed status updates to the edge; every one must be accepted.
async function provinceSays(...updates) {
  const r = await postStatus(updates);
  const text = await r.text();
  assert.equal(r.status, 200, text);
  const results = JSON.parse(text).results.map((x) => x.result);
  assert.deepEqual(results, updates.map(() => "accepted"), text);
}

/// Runs the sync job until the trip's record is acknowledged by the province (a push started
/// by a write may hold the lease for a moment).
async function untilReceived(token, tripId) {
  for (let i = 0; i < 20; i += 1) {
    await runSync();
    const listed = await listTrips(token);
    if (listed.trips.find((t) => t.id === tripId)?.province_received) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the province never acknowledged trip ${tripId}`);
}

async function waitForServiceWorker(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

async function assertTouchTargets(locator, what) {
  const n = await locator.count();
  for (let i = 0; i < n; i += 1) {
    const box = await locator.nth(i).boundingBox();
    assert.ok(box && box.height >= 48 && box.width >= 48, `${what}: a 48 px target (${JSON.stringify(box)})`);
  }
}

test("the province's answers reach the driver's trip: timeline, alert, what to do; offline the last timeline shows with its time", async () => {
  await setProvince({ mode: "up", reject: [] });
  const { session, trip: stored } = await driverWithPass();
  await untilReceived(session.token, stored.id);
  const now = Date.now();

  await withPhone(
    async ({ page, context, expectNetworkFailures }) => {
      expectNetworkFailures();
      await (await new SignInPage(page).open()).signIn(session.account.phone, "lang son 2026 xe tai");
      await new HomePage(page).waitForGates();
      await waitForServiceWorker(page);
      const trips = await new TripsPage(page).open();
      await trips.waitForTripStatus("accepted");
      const card = new Timeline(page, trips.trip());
      await card.received.waitFor();
      await card.empty.waitFor();
      assert.equal(await card.received.textContent(), vi.received);

      // The border guard and customs let the truck in; customs holds it at the yard.
      const note = "Mở container số 2 để kiểm tra";
      await provinceSays(
        update(stored.id, "gate_in", "border_guard", "confirmed", now - 20 * MINUTE),
        update(stored.id, "gate_in", "customs", "confirmed", now - 15 * MINUTE),
        update(stored.id, "yard_in", "customs", "held", now - 5 * MINUTE, { reason: "inspection", note }),
      );
      await page.getByTestId("sync-now").click();
      const alert = new TimelineAlert(page);
      await alert.waitForChange("yard_in", "held");
      assert.deepEqual(await alert.changes(), ["gate_in:done", "yard_in:held"]);
      assert.equal(await alert.region.getAttribute("role"), "status");
      const alertText = await alert.root.textContent();
      assert.ok(alertText.includes(vi.alert_title), alertText);
      assert.ok(alertText.includes(vi.do_inspection), `the alert says what to do: ${alertText}`);

      // The card: how far it is, and the current step with what to do and the force's note.
      assert.equal(await card.current(), "yard_in");
      assert.equal(await card.root.getByTestId("timeline-progress").getAttribute("data-done"), "1");
      assert.equal(await card.stop.getAttribute("data-reason"), "inspection");
      assert.ok((await card.stop.getByTestId("timeline-todo").textContent()).includes(vi.do_inspection));
      assert.ok((await card.stop.getByTestId("timeline-note").textContent()).includes(note));
      assert.equal(await overflow(page), 0, "no sideways scrolling on the trips screen");
      await assertTouchTargets(alert.root.locator("a, button"), "the alert's buttons");
      assert.deepEqual(await axe(page), [], "the trips screen with the timeline and the alert is accessible");
      await mkdir("e2e/artifacts", { recursive: true });
      await page.screenshot({ path: "e2e/artifacts/timeline-card-320.png", fullPage: true });

      // The alert opens the trip's pass screen: the whole timeline.
      await alert.open.click();
      await page.getByTestId("pass-page").waitFor();
      await alert.root.waitFor({ state: "detached" });
      const full = new Timeline(page, page.getByTestId("pass-page"));
      await full.waitForStep("yard_in", "held");
      assert.deepEqual(await full.states(), {
        gate_in: "done",
        yard_in: "held",
        in_yard: "waiting",
        payment: "waiting",
        yard_out: "waiting",
        gate_out: "waiting",
      });
      assert.equal(await full.step("yard_in").getAttribute("aria-current"), "step");
      assert.equal(await full.step("gate_in").getAttribute("aria-current"), null);
      const gateIn = await full.step("gate_in").textContent();
      assert.ok(gateIn.includes("Biên phòng xác nhận lúc") && gateIn.includes("Hải quan xác nhận lúc"), gateIn);
      assert.equal(await overflow(page), 0, "no sideways scrolling on the pass screen");
      assert.deepEqual(await axe(page), [], "the pass screen with the timeline is accessible");
      await page.screenshot({ path: "e2e/artifacts/timeline-pass-320.png", fullPage: true });

      // In Chinese: the yard is 堆场, and the driver is told what to do.
      await page.locator('.lang-switch button[data-lang="zh-Hans"]').click();
      await page.waitForFunction((name) => document.querySelector('[data-step="yard_in"]')?.textContent.includes(name), zh.step_yard_in);
      assert.ok((await full.stop.textContent()).includes(zh.do_inspection));
      assert.match(await page.locator(".pass-validity").textContent(), /\d{4}-\d\d-\d\d \d\d:\d\d/, "dates year first in Chinese");
      await page.locator('.lang-switch button[data-lang="vi"]').click();
      await page.waitForFunction((name) => document.querySelector('[data-step="yard_in"]')?.textContent.includes(name), vi.step_yard_in);

      // In a dead zone, after a restart: the last timeline, with when it was received.
      await context.setOffline(true);
      await page.reload();
      await new PassPage(page).pass.waitFor();
      await full.asOf.waitFor();
      assert.equal((await full.states()).yard_in, "held");
      assert.match(await full.asOf.textContent(), /Cập nhật lúc \d\d\/\d\d\/\d{4} \d\d:\d\d/);

      // Customs lifts the hold while the phone is offline; back in coverage, the phone hears.
      await provinceSays(update(stored.id, "yard_in", "customs", "confirmed", Date.now() - MINUTE));
      await context.setOffline(false);
      await alert.waitForChange("yard_in", "done");
      await full.waitForStep("yard_in", "done");
      await full.asOf.waitFor({ state: "detached" });
      assert.equal(await full.stop.count(), 0, "nothing stops the trip now");
      assert.equal(await full.current(), "yard_in");
      await alert.dismiss.click();
      await alert.root.waitFor({ state: "detached" });
    },
    { viewport: { width: 320, height: 640 } },
  );
});

test("the day list marks vehicles whose record reached the province; the admin retries a parked record", async () => {
  const operator = await signInAs("yard_operator");
  const config = (await getConfig(operator.token, YARD)).json;
  const owner = await signUpOwner("trader");
  const vehicles = [vehicle({ plate: uniquePlate() }), vehicle({ plate: uniquePlate() })];
  const [sent, refused] = vehicles.map((v) =>
    trip(v.id, { gate_id: "chi-ma", declaration: "123456789012", perishable: false, cargo: "Gạch men" }),
  );
  // The province refuses the second trip's records as invalid: they are parked.
  await setProvince({ mode: "up", reject: [`trip:${refused.id}`] });
  try {
    const r = await sync(owner.token, clientId(), [
      ...vehicles.map((v, i) => ({ seq: i + 1, kind: "vehicle.register", payload: v })),
      { seq: 3, kind: "trip.create", payload: sent },
      { seq: 4, kind: "trip.create", payload: refused },
    ]);
    assert.deepEqual(r.json.results.map((x) => x.outcome), ["applied", "applied", "applied", "applied"], r.text);
    const slot = nextSlotStart(config);
    for (const t of [sent, refused]) {
      const booked = await book(owner.token, YARD, { trip_id: t.id, slot_start_ms: slot });
      assert.equal(booked.status, 200, booked.text);
    }
    await untilReceived(owner.token, sent.id);
    const plates = Object.fromEntries(vehicles.map((v, i) => [[sent, refused][i].id, v.plate]));

    await withPhone(async ({ page }) => {
      const account = demo("yard_operator");
      await (await new SignInPage(page).open()).signIn(account.phone.replace("+84", "0"), account.password);
      await page.getByTestId("operator-home").waitFor();
      const op = await new OperatorPage(page).open();
      await op.showDay(localDate(0, slot));
      await op.booking(plates[sent.id]).waitFor();
      assert.equal(await op.booking(plates[sent.id]).getAttribute("data-province-received"), "true");
      assert.equal(await op.booking(plates[sent.id]).getByTestId("province-received").textContent(), vi.received);
      assert.equal(await op.booking(plates[refused.id]).getAttribute("data-province-received"), "false");
      assert.equal(await op.booking(plates[refused.id]).getByTestId("province-received").count(), 0);
      assert.deepEqual(await axe(page), [], "the day list with the badges is accessible");
    });

    await withPhone(
      async ({ page }) => {
        const admin = demo("admin");
        await (await new SignInPage(page).open()).signIn(admin.phone.replace("+84", "0"), admin.password);
        await page.getByTestId("create-staff").waitFor();
        // The admin's menu leads there.
        await page.locator(`.nav-menu a[href="/admin/province-sync"]`).click();
        const screen = new ProvinceSyncPage(page);
        await screen.health.waitFor();
        assert.equal(await screen.health.getAttribute("data-configured"), "true");
        const parked = screen.page.locator(`[data-testid="parked-record"]`).filter({ hasText: refused.id }).first();
        await parked.waitFor();
        assert.equal(await parked.getAttribute("data-reason-code"), "refused_by_province");
        assert.ok((await parked.textContent()).includes(plates[refused.id]), "the parked record names its plate");
        assert.ok(Number(await parked.getAttribute("data-held-behind")) >= 1, "the trip's later records wait behind it");
        assert.equal(await overflow(page), 0, "no sideways scrolling on the province sync screen");
        await assertTouchTargets(page.getByTestId("retry-parked"), "retry");
        assert.deepEqual(await axe(page), [], "the province sync screen is accessible");
        await mkdir("e2e/artifacts", { recursive: true });
        await page.screenshot({ path: "e2e/artifacts/province-sync-320.png", fullPage: true });

        // The province is fixed; the admin retries, after saying yes to the question.
        await setProvince({ reject: [] });
        const eventId = await parked.getAttribute("data-event-id");
        const dialogs = [];
        page.on("dialog", (d) => {
          dialogs.push(d.message());
          d.accept();
        });
        await parked.getByTestId("retry-parked").click();
        await screen.outcome.waitFor();
        assert.equal(await screen.outcome.getAttribute("data-outcome"), "done", await screen.outcome.textContent());
        assert.equal(dialogs.length, 1, "asked once before retrying");
        assert.ok(dialogs[0].includes(eventId), dialogs[0]);
        assert.ok((await screen.outcome.textContent()).includes(eventId));
        await screen.parkedRecord(eventId).waitFor({ state: "detached" });
      },
      { viewport: { width: 320, height: 640 } },
    );

    // The retried record and those behind it flow: the second vehicle is marked too.
    await untilReceived(owner.token, refused.id);
    await withPhone(async ({ page }) => {
      const account = demo("yard_operator");
      await (await new SignInPage(page).open()).signIn(account.phone.replace("+84", "0"), account.password);
      await page.getByTestId("operator-home").waitFor();
      const op = await new OperatorPage(page).open();
      await op.showDay(localDate(0, slot));
      await op.booking(plates[refused.id]).waitFor();
      assert.equal(await op.booking(plates[refused.id]).getAttribute("data-province-received"), "true");
    });
  } finally {
    await setProvince({ mode: "up", reject: [] });
  }
});

test("the admin's province sync screen says clearly when it cannot be read", async () => {
  await withPhone(async ({ page, expectNetworkFailures }) => {
    expectNetworkFailures(); // Chromium logs the refused answer
    // An answer the screen cannot use (the route refused) shows the error, not a blank page.
    await page.route("**/api/admin/province-sync", (route) =>
      route.fulfill({ status: 404, contentType: "application/json", body: JSON.stringify({ code: "not_found", message: "no such route" }) }),
    );
    const admin = demo("admin");
    await (await new SignInPage(page).open()).signIn(admin.phone.replace("+84", "0"), admin.password);
    await page.getByTestId("create-staff").waitFor();
    const screen = await new ProvinceSyncPage(page).open();
    await screen.error.waitFor();
    assert.equal(await screen.error.getAttribute("data-code"), "not_found");
    assert.equal(await screen.error.getAttribute("role"), "alert");
    assert.deepEqual(await axe(page), [], "the error is accessible");
  });
});
