// A trading household books a yard slot in Chromium against the real runtime: the places left
// drop, the trip and its pass show the slot, cancelling gives the place back; offline, the
// screen says booking needs the network and books nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL } from "../lib/browser.mjs";
import { withPhone, axe } from "../lib/phone.mjs";
import { driverWithPass } from "../lib/trips.mjs";
import { SignInPage } from "../pages/auth-pages.mjs";
import { HomePage } from "../pages/home-page.mjs";
import { TripsPage, PassPage, BookPage } from "../pages/trips-page.mjs";

test("a trader books a slot, sees the places drop and the slot on the pass, moves it, cancels, and the places come back", async () => {
  const { session, trip, pass } = await driverWithPass({
    role: "trader",
    gate: "chi-ma",
    tripOverrides: { declaration: "123456789012" },
  });
  await withPhone(async ({ page, context, expectNetworkFailures }) => {
    expectNetworkFailures();
    await (await new SignInPage(page).open()).signIn(session.account.phone, "lang son 2026 xe tai");
    await new HomePage(page).waitForGates();
    const trips = await new TripsPage(page).open();
    await trips.waitForTripStatus("accepted");
    await trips.trip().getByTestId("book-trip").click();
    const book = new BookPage(page);
    await book.root.waitFor();
    const before = await book.firstOpenSlot();
    assert.deepEqual(await axe(page), [], "the slot grid is accessible");
    await book.book(before.start);

    // Back on the trips screen: the trip holds the slot.
    await trips.trip().getByTestId("trip-booking").waitFor();
    await page.goto(`${BASE_URL}/trips/${trip.id}/book`);
    await book.slot(before.start).waitFor();
    assert.equal((await book.slotInfo(book.slot(before.start))).left, before.left - 1, "one place fewer");

    // The pass was issued again and names the slot.
    await page.goto(`${BASE_URL}/trips/${trip.id}/pass`);
    const passPage = new PassPage(page);
    await page.getByTestId("pass-slot").waitFor();
    assert.notEqual(await passPage.code(), pass.code, "a new pass, with the slot inside");
    assert.match(await page.getByTestId("pass-slot").textContent(), /cm-1|Chi Ma/);

    // Offline: booking is not possible, and the screen says so.
    await context.setOffline(true);
    await page.goto(`${BASE_URL}/trips/${trip.id}/book`);
    await page.getByTestId("booking-needs-network").waitFor();
    await context.setOffline(false);

    // Move it to another slot of the same yard: the old place comes back, the new one is taken.
    await trips.open();
    await trips.trip().getByTestId("move-booking").click();
    await book.root.waitFor();
    await book.slots.first().waitFor();
    let other = null;
    for (let i = 0; i < (await book.slots.count()); i++) {
      const slot = book.slots.nth(i);
      const info = await book.slotInfo(slot);
      if (info.start !== before.start && (await slot.getByTestId("book-slot").isEnabled())) {
        other = info;
        break;
      }
    }
    assert.ok(other, "another open slot");
    await book.book(other.start);
    await trips.trip().getByTestId("trip-booking").waitFor();
    await page.goto(`${BASE_URL}/trips/${trip.id}/book`);
    await book.slot(other.start).waitFor();
    assert.equal((await book.slotInfo(book.slot(other.start))).left, other.left - 1, "the new slot holds it");
    assert.equal((await book.slotInfo(book.slot(before.start))).left, before.left, "the old place is back");

    // Cancel: the place comes back.
    await trips.open();
    await trips.trip().getByTestId("cancel-booking").click();
    await trips.trip().getByTestId("trip-booking").waitFor({ state: "detached" });
    await page.goto(`${BASE_URL}/trips/${trip.id}/book`);
    await book.slot(other.start).waitFor();
    assert.equal((await book.slotInfo(book.slot(other.start))).left, other.left, "the place is back");
  });
});
