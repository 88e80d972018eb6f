// A driver's trip in Chromium against the real runtime: registered offline, kept across a
// reload, sent once the network is back, its pass shown and kept offline, and verified by an
// officer offline, by paste and by filming the driver's screen with the (fake) camera.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { BASE_URL } from "../lib/browser.mjs";
import { withPhone, axe } from "../lib/phone.mjs";
import { freshPhone } from "../lib/accounts.mjs";
import { driverWithPass, freshPlate } from "../lib/trips.mjs";
import { SignUpPage, SignInPage } from "../pages/auth-pages.mjs";
import { HomePage } from "../pages/home-page.mjs";
import { TripsPage, PassPage } from "../pages/trips-page.mjs";
import { openVerifyOffline, scanOffline } from "../pages/verify-page.mjs";

/// An arrival window in Vietnam (UTC+7) that has begun or begins within the hour, so the pass
/// is valid now: from this hour to the end of the day (or the next morning, late at night).
function windowFromNow() {
  const local = new Date(Date.now() + 7 * 3600_000);
  const hour = local.getUTCHours();
  if (hour < 23) {
    return { date: local.toISOString().slice(0, 10), from: `${String(hour).padStart(2, "0")}:00`, until: "23:59" };
  }
  return { date: new Date(local.getTime() + 86_400_000).toISOString().slice(0, 10), from: "00:00", until: "08:00" };
}

async function waitForServiceWorker(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

test("a trip registered offline is sent once online; its pass works offline, for the driver and the officer", async () => {
  const plate = freshPlate();
  let code;
  let qrPng;
  await withPhone(async ({ page, context, expectNetworkFailures }) => {
    expectNetworkFailures();
    await (await new SignUpPage(page).open()).signUp({ phone: freshPhone(), password: "xe dau keo lang son", name: "Hoàng Văn Nam" });
    await new HomePage(page).waitForGates(); // the gate list is now on the phone
    await waitForServiceWorker(page);
    const trips = await new TripsPage(page).open();
    await trips.waitForPending(0);
    assert.deepEqual(await axe(page), [], "the trips screen is accessible");

    // In a dead zone.
    await context.setOffline(true);
    await trips.addVehicle({ plate: "ABC-1" });
    await trips.formError().waitFor();
    assert.equal(await trips.formError().getAttribute("data-code"), "invalid_plate", "refused on the phone");
    assert.equal(await trips.pendingCount(), 0, "nothing queued");
    await trips.addVehicle({ plate, trailer: "12R-012.34", type: "tractor" });
    await trips.waitForPending(1);
    const window = windowFromNow();
    await trips.addTrip({ plate, cargo: "Thanh long ruột đỏ", weight: 18000, date: window.date, from: window.until, until: window.from, perishable: true });
    await page.getByTestId("trip-form").getByTestId("form-error").waitFor();
    assert.equal(await page.getByTestId("trip-form").getByTestId("form-error").getAttribute("data-code"), "invalid_window");
    await trips.addTrip({ plate, cargo: "Thanh long ruột đỏ", weight: 18000, ...window, perishable: true });
    await trips.waitForPending(2);
    assert.equal(await trips.tripStatus(), "pending");
    assert.equal(await trips.trip().getByTestId("show-pass").count(), 0, "no pass before the edge accepts");

    // The phone restarts, still offline: the queue is still there.
    await page.reload();
    await trips.root.waitFor();
    await trips.waitForPending(2);
    assert.equal(await trips.tripStatus(), "pending");

    // Back in coverage: sent, accepted, the pass arrives.
    await context.setOffline(false);
    await trips.waitForTripStatus("accepted");
    await trips.waitForPending(0);
    await trips.trip().getByTestId("show-pass").click();
    const pass = new PassPage(page);
    code = await pass.code();
    assert.match(code, /^BP1:/);
    assert.equal((await pass.plate.textContent()).trim(), plate);
    await pass.qr.locator("svg").waitFor();
    assert.deepEqual(await axe(page), [], "the pass screen is accessible");
    await mkdir("e2e/artifacts", { recursive: true });
    await page.screenshot({ path: "e2e/artifacts/pass-360x800.png" });

    // Offline again, after a restart: the same pass, marked as the phone's copy.
    await context.setOffline(true);
    await page.reload();
    assert.equal(await pass.code(), code);
    await pass.offlineCopy.waitFor();
    qrPng = await pass.qr.screenshot();
  });

  // The officer at Huu Nghi, offline: by paste, then by filming the driver's screen.
  await withPhone(async (phone) => {
    const verify = await openVerifyOffline(phone);
    const result = await verify.paste(code);
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.equal(result.plate, plate);
  });
  const scanned = await scanOffline({ png: qrPng });
  assert.equal(scanned.valid, true, JSON.stringify(scanned));
  assert.equal(scanned.plate, plate);
});

test("a write the edge refuses is shown with its reason; cancelling a trip revokes its pass", async () => {
  const { session, vehicle, trip } = await driverWithPass();
  await withPhone(async ({ page }) => {
    page.on("dialog", (d) => d.accept());
    await (await new SignInPage(page).open()).signIn(session.account.phone, "lang son 2026 xe tai");
    await new HomePage(page).waitForGates();
    const trips = await new TripsPage(page).open();
    await trips.waitForTripStatus("accepted");

    // The same truck again (spelled differently): the edge refuses it, the phone says why.
    await trips.addVehicle({ plate: vehicle.plate.replace(/[-.]/g, "") });
    await trips.rejected.waitFor({ timeout: 30000 });
    assert.equal(await trips.rejected.getAttribute("data-code"), "vehicle_exists");
    assert.match(await trips.rejected.textContent(), /đã được đăng ký/);
    await trips.waitForPending(0);
    await trips.rejected.getByRole("button").click();
    await trips.rejected.waitFor({ state: "detached" });
    assert.equal(await trips.vehicles.count(), 1);

    // Cancel: the trip ends and its pass is revoked.
    await trips.trip().getByTestId("cancel-trip").click();
    await trips.waitForTripStatus("cancelled");
    await page.goto(`${BASE_URL}/trips/${trip.id}/pass`);
    await new PassPage(page).revoked.waitFor();
  });
});

test("the trips and pass screens fit a 320 px phone and pass the accessibility check", async () => {
  const { session, trip } = await driverWithPass();
  await withPhone(
    async ({ page }) => {
      await (await new SignInPage(page).open()).signIn(session.account.phone, "lang son 2026 xe tai");
      await new HomePage(page).waitForGates();
      const trips = await new TripsPage(page).open();
      await trips.waitForTripStatus("accepted");
      await page.getByTestId("new-trip").locator("summary").click();
      await page.getByTestId("add-vehicle").locator("summary").click();
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.equal(await overflow(), 0, "no sideways scrolling on the trips screen");
      assert.deepEqual(await axe(page), [], "the open forms are accessible");
      await page.goto(`${BASE_URL}/trips/${trip.id}/pass`);
      await new PassPage(page).qr.locator("svg").waitFor();
      assert.equal(await overflow(), 0, "no sideways scrolling on the pass screen");
      const qr = await new PassPage(page).qr.boundingBox();
      assert.ok(qr.width >= 250, `the QR code is large enough to scan (${qr.width} px)`);
    },
    { viewport: { width: 320, height: 640 } },
  );
});
