// A date outside the years BorderPass knows (2020-2099) is refused on the phone with its own
// translated message (`time_out_of_range`), and nothing is queued for the edge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withPhone } from "../lib/phone.mjs";
import { freshPhone } from "../lib/accounts.mjs";
import { freshPlate } from "../lib/trips.mjs";
import { SignUpPage } from "../pages/auth-pages.mjs";
import { HomePage } from "../pages/home-page.mjs";
import { TripsPage } from "../pages/trips-page.mjs";

test("a trip dated 2150 is refused on the phone as out of range, translated", async () => {
  const plate = freshPlate();
  await withPhone(async ({ page }) => {
    await (await new SignUpPage(page).open()).signUp({ phone: freshPhone(), password: "xe dau keo lang son", name: "Hoàng Văn Nam" });
    await new HomePage(page).waitForGates();
    const trips = await new TripsPage(page).open();
    await trips.addVehicle({ plate });
    await trips.waitForPending(0);
    await trips.addTrip({ plate, cargo: "Gạch men", weight: 18000, date: "2150-06-01", from: "08:00", until: "12:00" });
    const error = page.getByTestId("trip-form").getByTestId("form-error");
    await error.waitFor();
    assert.equal(await error.getAttribute("data-code"), "time_out_of_range");
    // Vietnamese first: the app's default language.
    const text = await error.innerText();
    assert.match(text, /2020–2099/);
    assert.match(text, /điện thoại/);
    assert.equal(await trips.pendingCount(), 0, "nothing queued");
  });
});
