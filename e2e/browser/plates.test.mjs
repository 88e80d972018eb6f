// Vehicle verification in Chromium against the real runtime, on a 320 px phone: the operator of
// cm-1 opens a booking in the day's list, enters the plate as on the registration papers and the
// certificate number, and the booking shows the "verified" badge; the driver sees the badge on
// their vehicle, and the squatter who had registered the same plate sees their booking released
// with the translated reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { withPhone, axe } from "../lib/phone.mjs";
import { demo, signInAs } from "../lib/accounts.mjs";
import { book, getConfig, localDate, localInstant, myBookings, uniquePlate } from "../lib/bookings.mjs";
import { ownerOfPlate } from "../lib/plates.mjs";
import { SignInPage } from "../pages/auth-pages.mjs";
import { OperatorPage } from "../pages/operator-page.mjs";
import { TripsPage } from "../pages/trips-page.mjs";
import { HomePage } from "../pages/home-page.mjs";

const YARD = "cm-1";
const PHONE = { viewport: { width: 320, height: 720 } };
const errorsVi = JSON.parse(await readFile(new URL("../../app/locales/vi/errors.json", import.meta.url), "utf8"));
const yardVi = JSON.parse(await readFile(new URL("../../app/locales/vi/yard.json", import.meta.url), "utf8"));
const tripsVi = JSON.parse(await readFile(new URL("../../app/locales/vi/trips.json", import.meta.url), "utf8"));

test("an operator marks a vehicle verified from its papers; the driver sees the badge, the squatter the release", async () => {
  const operator = await signInAs("yard_operator");
  const config = (await getConfig(operator.token, YARD)).json;
  const plate = uniquePlate();
  const dayA = localDate(6);
  const dayB = localDate(7);
  const slot = (date, n) => localInstant(date, config.opens_minute + n * config.slot_minutes);

  // The squatter registered the plate first and booked day A; the real driver books day B.
  const squatter = await ownerOfPlate(plate);
  const squatted = await book(squatter.token, YARD, { trip_id: squatter.trip.id, slot_start_ms: slot(dayA, 1) });
  assert.equal(squatted.status, 200, squatted.text);
  const driver = await ownerOfPlate(plate, "driver");
  const booked = await book(driver.token, YARD, { trip_id: driver.trip.id, slot_start_ms: slot(dayB, 1) });
  assert.equal(booked.status, 200, booked.text);
  const shown = booked.json.plate; // as the list shows it

  await withPhone(async ({ page, expectNetworkFailures }) => {
    const account = demo("yard_operator");
    await (await new SignInPage(page).open()).signIn(account.phone.replace("+84", "0"), account.password);
    await page.getByTestId("operator-home").waitFor();
    const op = await new OperatorPage(page).open();
    await op.showDay(dayB);
    await op.booking(shown).waitFor();
    assert.equal(await op.verifiedBadge(shown).count(), 0, "not verified yet");

    // The form: labelled fields, large targets, fits 320 px.
    const form = await op.openVerify(shown);
    assert.deepEqual(await axe(page), [], "the verification form is accessible");
    for (const id of ["#verify-plate", "#verify-number"]) {
      const box = await form.locator(id).boundingBox();
      assert.ok(box.height >= 44, `${id} is a large target`);
      assert.ok(box.x >= 0 && box.x + box.width <= 320, `${id} fits the screen`);
    }
    const submit = await form.getByTestId("verify-submit").boundingBox();
    assert.ok(submit.height >= 44 && submit.x + submit.width <= 320);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 320, "no sideways scrolling");
    await form.getByTestId("verify-close").click();

    // Another plate on the papers is refused with the translated reason.
    expectNetworkFailures();
    const wrong = await op.verifyVehicle(shown, { papersPlate: uniquePlate(), number: "012345" });
    assert.equal(wrong.code, "plate_mismatch");
    assert.equal(wrong.message, errorsVi.plate_mismatch);

    // The papers match: verified, one other account's booking released, and the badge shows.
    await op.booking(shown).getByTestId("verify-close").click();
    const done = await op.verifyVehicle(shown, { papersPlate: plate.toLowerCase(), number: "012 345" });
    assert.ok(done.done, JSON.stringify(done));
    assert.equal(done.done, yardVi.verify_done.replace("{plate}", shown).replace("{released}", "1"));
    await op.verifiedBadge(shown).waitFor();
    assert.equal(await op.verifiedBadge(shown).textContent(), `✓ ${yardVi.plate_verified}`);
    assert.equal(await op.booking(shown).getByTestId("verify-vehicle").count(), 0, "nothing left to verify");
  }, PHONE);

  const released = await myBookings(squatter.token);
  assert.equal(released.json.bookings.find((b) => b.id === squatted.json.id).status, "cancelled");

  // The driver sees the badge on their vehicle.
  await withPhone(async ({ page }) => {
    await (await new SignInPage(page).open()).signIn(driver.session.account.phone, "lang son 2026 xe tai");
    await new HomePage(page).waitForGates();
    const trips = await new TripsPage(page).open();
    const vehicle = trips.vehicle(shown);
    await vehicle.getByTestId("vehicle-verified").waitFor();
    assert.match(await vehicle.getByTestId("vehicle-verified").textContent(), new RegExp(tripsVi.vehicle_verified));
    assert.deepEqual(await axe(page), [], "the trips screen with the badge is accessible");
  }, PHONE);

  // The squatter sees why their booking went.
  await withPhone(async ({ page }) => {
    await (await new SignInPage(page).open()).signIn(squatter.session.account.phone, "lang son 2026 xe tai");
    await new HomePage(page).waitForGates();
    const trips = await new TripsPage(page).open();
    const notice = trips.releasedNotice(squatter.trip.id);
    await notice.waitFor();
    assert.equal(await notice.getAttribute("data-reason"), "plate_verified_elsewhere");
    assert.ok((await notice.textContent()).includes(errorsVi.plate_verified_elsewhere), await notice.textContent());
  }, PHONE);
});
