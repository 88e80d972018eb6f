// A trip's booking and queue state in Chromium against the real runtime: once the trip is
// checked in on its booking, its card says so and offers no "book" (the edge would refuse a
// second booking). Yard cm-2 (gate chi-ma); every vehicle checked in here is served at the end.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { withPhone } from "../lib/phone.mjs";
import { driverWithPass, listTrips } from "../lib/trips.mjs";
import { book, getConfig, nextSlotStart, MINUTE } from "../lib/bookings.mjs";
import { callNext, checkIn, operatorFor, queueView, serve } from "../lib/queue.mjs";
import { SignInPage } from "../pages/auth-pages.mjs";
import { HomePage } from "../pages/home-page.mjs";
import { TripsPage } from "../pages/trips-page.mjs";

const show = (r) => `${r.status} ${r.text.slice(0, 300)}`;
const operators = {};

function driver() {
  return driverWithPass({
    gate: "chi-ma",
    tripOverrides: { perishable: false, cargo: "Gạch men", declaration: "123456789012" },
  });
}

test("after check-in the trip card shows its booking checked in and offers no booking", async () => {
  const YARD = "cm-2";
  operators[YARD] = await operatorFor(YARD);
  const d = await driver();
  const slot = nextSlotStart((await getConfig(operators[YARD].token, YARD)).json);
  const booked = await book(d.session.token, YARD, { trip_id: d.trip.id, slot_start_ms: slot });
  assert.equal(booked.status, 200, show(booked));
  const pass = (await listTrips(d.session.token)).trips.find((t) => t.id === d.trip.id).pass.code;
  const checked = await checkIn(operators[YARD].token, YARD, pass, { now: slot + 5 * MINUTE });
  assert.equal(checked.status, 201, show(checked));

  await withPhone(async ({ page }) => {
    await (await new SignInPage(page).open()).signIn(d.session.account.phone, "lang son 2026 xe tai");
    await new HomePage(page).waitForGates();
    const trips = await new TripsPage(page).open();
    await trips.waitForTripStatus("accepted");
    const card = trips.trip();
    const state = card.getByTestId("trip-booking");
    await state.waitFor();
    assert.equal(await state.getAttribute("data-booking-status"), "checked_in");
    assert.match(await state.textContent(), /cm-2|Chi Ma/);
    assert.equal(await card.getByTestId("book-trip").count(), 0, "no book button");
    assert.equal(await card.getByTestId("move-booking").count(), 0, "nothing to move");
    assert.equal(await card.getByTestId("cancel-booking").count(), 0, "nothing to cancel");
  });
});

after(async () => {
  for (const [yard, operator] of Object.entries(operators)) {
    for (let round = 0; round < 5; round += 1) {
      const view = await queueView(operator.token, yard);
      for (const e of view.called) await serve(operator.token, yard, e.id);
      if (!view.lanes.some((l) => l.waiting.length)) break;
      for (const lane of ["general", "perishable"]) await callNext(operator.token, yard, lane, 20);
    }
  }
});
