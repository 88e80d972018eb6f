// Signing out of a shared phone leaves nothing of the account behind in IndexedDB (its trips,
// passes, bookings, queue places and outbox), and writes still waiting for the network are not
// lost without the person saying so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withPhone } from "../lib/phone.mjs";
import { freshPhone } from "../lib/accounts.mjs";
import { driverWithPass, freshPlate } from "../lib/trips.mjs";
import { AccountPage, SignInPage, SignUpPage } from "../pages/auth-pages.mjs";
import { HomePage } from "../pages/home-page.mjs";
import { PassPage, TripsPage } from "../pages/trips-page.mjs";
import { BASE_URL } from "../lib/browser.mjs";

/// Every record of the app's IndexedDB stores, as `{ store: [[key, value], ...] }`.
function savedOnPhone(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("borderpass");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          const tx = db.transaction(names, "readonly");
          const out = {};
          let left = names.length;
          for (const name of names) {
            const store = tx.objectStore(name);
            const keys = store.getAllKeys();
            const values = store.getAll();
            values.onsuccess = () => {
              out[name] = keys.result.map((k, i) => [String(k), values.result[i]]);
              left -= 1;
              if (left === 0) {
                db.close();
                resolve(out);
              }
            };
          }
        };
      })
  );
}

/// Whether anything saved mentions one of `needles` (an account id, a trip id, a pass code).
function mentions(saved, needles) {
  const text = JSON.stringify(saved);
  return needles.filter((n) => text.includes(n));
}

async function waitForServiceWorker(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

test("signing out clears the account's trips and passes from the phone", async () => {
  const { session, trip, pass } = await driverWithPass();
  await withPhone(async ({ page }) => {
    const dialogs = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      d.dismiss();
    });
    await (await new SignInPage(page).open()).signIn(session.account.phone, "lang son 2026 xe tai");
    await new HomePage(page).waitForGates();
    const trips = await new TripsPage(page).open();
    await trips.waitForTripStatus("accepted");
    await trips.waitForPending(0);
    await page.goto(`${BASE_URL}/trips/${trip.id}/pass`);
    assert.equal(await new PassPage(page).code(), pass.code);
    const needles = [session.account.id, trip.id, pass.code];
    const before = await savedOnPhone(page);
    assert.deepEqual(mentions(before, needles).sort(), [...needles].sort(), "the phone keeps them while signed in");

    const account = await new AccountPage(page).open();
    await account.signOut();
    await page.waitForURL(`${BASE_URL}/`);
    await page.locator('a[href="/signin"]').first().waitFor();
    const after = await savedOnPhone(page);
    assert.deepEqual(mentions(after, needles), [], `nothing of the account is left: ${JSON.stringify(after).slice(0, 400)}`);
    assert.deepEqual(dialogs, [], "nothing was waiting, so nothing was asked");
    // The public gate list stays for the next person.
    assert.ok(after.snapshots.some(([key]) => key === "gates"));
  });
});

test("with a write still waiting, signing out asks first and keeps it unless the person agrees", async () => {
  await withPhone(async ({ page, context, expectNetworkFailures }) => {
    expectNetworkFailures();
    await (await new SignUpPage(page).open()).signUp({ phone: freshPhone(), password: "dien thoai dung chung", name: "Lò Văn Páo" });
    await new HomePage(page).waitForGates();
    await waitForServiceWorker(page);
    const trips = await new TripsPage(page).open();
    await trips.waitForPending(0);
    const accountId = (await savedOnPhone(page)).session.find(([k]) => k === "current")[1].account.id;

    // In a dead zone: a vehicle waits in the outbox.
    await context.setOffline(true);
    const plate = freshPlate();
    await trips.addVehicle({ plate });
    await trips.waitForPending(1);

    const dialogs = [];
    let answer = "dismiss";
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      if (answer === "accept") d.accept();
      else d.dismiss();
    });
    const account = await new AccountPage(page).open();
    await account.signOut();
    await assertEventually(() => dialogs.length === 1, "the person is asked");
    assert.match(dialogs[0], /\b1\b/, "the question says how many writes wait");
    assert.match(dialogs[0], /mất/, "and that they will be lost (in Vietnamese, the phone's language)");
    // Said no: still signed in, the write still waits.
    await account.card.waitFor();
    const kept = await savedOnPhone(page);
    assert.ok(kept.outbox.some(([k]) => k.startsWith(`op/${accountId}/`)), "the waiting write is kept");
    assert.ok(kept.session.some(([k]) => k === "current"), "still signed in");

    // Said yes: signed out, and nothing of the account is left.
    answer = "accept";
    await account.signOut();
    await page.waitForURL(`${BASE_URL}/`);
    assert.equal(dialogs.length, 2);
    const after = await savedOnPhone(page);
    assert.deepEqual(mentions(after, [accountId, plate]), [], `nothing of the account is left: ${JSON.stringify(after).slice(0, 400)}`);
  });
});

async function assertEventually(check, what, ms = 10_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
