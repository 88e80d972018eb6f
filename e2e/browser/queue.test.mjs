// The yard queue in Chromium against the real runtime: the operator checks a driver in by
// scanning the driver's pass with the (fake) camera; the driver's screen shows the place; with
// the network off it shows the last place, its time and an estimate; back online, the
// operator's call reaches the driver's screen as "called"; the public board, offline too.
//
// The yard is cm-2 (gate chi-ma) with an operator made for this file. Before the driver arrives,
// vehicle C (a walk-in) is checked in, called and served (the lane's pace: 1 an hour), and
// vehicle A, booked for the next slot, is checked in. The driver D is booked for the slot after,
// so D comes second (booked vehicles by slot, before walk-ins).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { withPhone, axe } from "../lib/phone.mjs";
import { BASE_URL } from "../lib/browser.mjs";
import { listTrips } from "../lib/trips.mjs";
import { book, getConfig, nextSlotStart, ownerWithTrips } from "../lib/bookings.mjs";
import { callNext, checkIn, operatorFor, queueView, serve } from "../lib/queue.mjs";
import { fakeCameraArgs, passQrSvg, writeFakeCamera } from "../lib/fake-camera.mjs";
import { SignInPage } from "../pages/auth-pages.mjs";
import { HomePage } from "../pages/home-page.mjs";
import { BoardPage, OperatorQueuePage, QueuePage } from "../pages/queue-pages.mjs";
import { verifierCached } from "../pages/verify-page.mjs";

const YARD = "cm-2";
const GATE = "chi-ma";
const PASSWORD = "lang son 2026 xe tai";

let operator;
let driverD;
let plateA;

/// An owner with one accepted, declared trip at chi-ma, booked (optionally) at `slot`; returns
/// the session, the trip and its current pass.
async function ownerAt(slot) {
  const owner = await ownerWithTrips({ role: "driver", count: 1, gate: GATE });
  const trip = owner.trips[0];
  if (slot) {
    const r = await book(owner.token, YARD, { trip_id: trip.id, slot_start_ms: slot });
    if (r.status !== 200) throw new Error(`booking: ${r.status} ${r.text}`);
  }
  const pass = (await listTrips(owner.token)).trips.find((t) => t.id === trip.id).pass.code;
  return { session: owner.session, trip, pass };
}

before(async () => {
  operator = await operatorFor(YARD);
  const config = (await getConfig(operator.token, YARD)).json;
  const slotA = nextSlotStart(config);
  const slotD = nextSlotStart(config, slotA);
  const c = await ownerAt(null);
  assert.equal((await checkIn(operator.token, YARD, c.pass)).status, 201);
  const called = await callNext(operator.token, YARD, "general", 1);
  assert.equal((await serve(operator.token, YARD, called.json.called[0].id)).status, 200);
  const a = await ownerAt(slotA);
  assert.equal((await checkIn(operator.token, YARD, a.pass)).status, 201);
  plateA = a.trip.plate;
  driverD = await ownerAt(slotD);
});

test("scan to check in, the driver's place live and offline, and the call on the driver's screen", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "borderpass-camera-"));
  try {
    const camera = await writeFakeCamera({ svg: await passQrSvg(driverD.pass), file: path.join(dir, "camera.y4m") });
    await withPhone(async ({ page, context, expectNetworkFailures }) => {
      expectNetworkFailures();
      // The driver follows the booked trip's place before arriving.
      await (await new SignInPage(page).open()).signIn(driverD.session.account.phone, PASSWORD);
      await new HomePage(page).waitForGates();
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      await context.grantPermissions(["notifications"], { origin: BASE_URL });
      const queue = await new QueuePage(page).open(driverD.trip.id);
      await queue.waitForStatus("not_checked_in");
      await queue.waitForLive();
      // Notifications allowed (as after "Alert me when called"): the screen says alerts are on.
      await page.waitForFunction(() => document.querySelector('[data-testid="alerts-state"]')?.dataset.state === "on");
      assert.deepEqual(await axe(page), [], "the driver's queue screen is accessible");

      // At the yard gate, the operator scans the pass on the driver's screen.
      await withPhone(
        async ({ page: opPage, context: opContext }) => {
          await opContext.grantPermissions(["camera"], { origin: BASE_URL });
          await (await new SignInPage(opPage).open()).signIn(operator.phone, operator.password);
          await opPage.getByTestId("operator-home").waitFor();
          const opQueue = await new OperatorQueuePage(opPage).open();
          await opQueue.waitForWaiting("general", plateA);
          await opQueue.scan();
          await opQueue.result.waitFor({ timeout: 30000 });
          assert.equal(await opQueue.result.getAttribute("data-plate"), driverD.trip.plate);
          assert.equal(await opQueue.result.getAttribute("data-position"), "2");
          await opQueue.waitForWaiting("general", driverD.trip.plate);
          assert.deepEqual(await opQueue.waitingPlates("general"), [plateA, driverD.trip.plate]);
          assert.deepEqual(await axe(opPage), [], "the operator's queue screen is accessible");

          // Pushed to the driver's screen: second, one ahead.
          await queue.waitForStatus("waiting");
          await queue.waitForPosition(2);
          assert.equal(await queue.ahead.getAttribute("data-ahead"), "1");

          // In a dead zone: the last place, when it was known, and an estimate.
          await context.setOffline(true);
          await queue.open(driverD.trip.id);
          await queue.waitForStatus("waiting");
          await queue.asOf.waitFor();
          await queue.estimate.waitFor();
          const estimated = Number(await queue.estimate.getAttribute("data-position"));
          assert.ok(estimated >= 1 && estimated <= 2, `estimated place ${estimated}`);
          assert.equal(await queue.live.getAttribute("data-live"), "false");

          // Back online, the operator calls the next two: the driver's screen says so.
          await context.setOffline(false);
          await queue.waitForLive(30000);
          // (A reloaded page may only make sound after a tap: the driver touches the screen.)
          await queue.status.click();
          await opQueue.callNext("general", 2);
          await opQueue.calledEntry(driverD.trip.plate).waitFor();
          await queue.waitForStatus("called", 10000);
          await queue.calledAlert.waitFor();
          await page.waitForFunction(() => document.querySelector('[data-testid="called-alert"]')?.dataset.alerted === "true");
          // Showing a notification takes a moment after the alert: the banner says when it is
          // shown and where (the service worker's, which stays in the tray).
          await page.waitForFunction(() => document.querySelector('[data-testid="called-alert"]')?.dataset.notified !== undefined);
          assert.equal(await queue.calledAlert.getAttribute("data-notified"), "worker", "notified through the service worker");
          const notified = await page.evaluate(async () =>
            (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.tag)
          );
          assert.equal(notified.length, 1, "one notification for the call");
        },
        { args: fakeCameraArgs(camera) }
      );
    });
    const view = await queueView(operator.token, YARD);
    assert.deepEqual(view.called.map((e) => e.plate).sort(), [plateA, driverD.trip.plate].sort());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("an operator without network checks a vehicle in; it is sent, in order, when back online", async () => {
  const walkIn = await ownerAt(null);
  let scannedAt;
  await withPhone(async ({ page, context, expectNetworkFailures }) => {
    expectNetworkFailures();
    await (await new SignInPage(page).open()).signIn(operator.phone, operator.password);
    await page.getByTestId("operator-home").waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const opQueue = await new OperatorQueuePage(page).open();
    await page.getByTestId("trust-as-of").waitFor();
    const deadline = Date.now() + 30000;
    while (!(await page.evaluate(verifierCached))) {
      if (Date.now() > deadline) throw new Error("the verifier was not cached within 30 s");
      await page.waitForTimeout(200);
    }
    await context.setOffline(true);
    await opQueue.open();
    scannedAt = Date.now();
    await opQueue.paste(walkIn.pass);
    await opQueue.result.waitFor();
    assert.equal(await opQueue.result.getAttribute("data-status"), "queued", "checked on the phone, waiting to be sent");
    assert.equal(await opQueue.result.getAttribute("data-plate"), walkIn.trip.plate);
    await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.dataset.count === "1");
    // A forged pass is refused on the phone, offline, and queues nothing.
    await opQueue.paste(walkIn.pass.slice(0, -12) + "AAAAAAAAAAAA");
    await opQueue.error.waitFor();
    assert.equal(await opQueue.error.getAttribute("data-code"), "pass_not_valid");
    assert.equal(await page.getByTestId("pending-count").getAttribute("data-count"), "1");
    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.dataset.count === "0", undefined, {
      timeout: 30000,
    });
    await opQueue.waitForWaiting("general", walkIn.trip.plate, 30000);
  });
  const entry = (await queueView(operator.token, YARD)).lanes
    .find((l) => l.lane === "general")
    .waiting.find((e) => e.plate === walkIn.trip.plate);
  assert.ok(entry, "the vehicle is in the queue");
  assert.ok(Math.abs(entry.scanned_at_ms - scannedAt) < 60_000, "placed by the time it was scanned");
});

test("anyone sees the public board, offline too", () =>
  withPhone(async ({ page, context, expectNetworkFailures }) => {
    expectNetworkFailures();
    const board = await new BoardPage(page).open();
    await board.yard(YARD).waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const view = await queueView(operator.token, YARD);
    const general = view.stats.lanes.find((l) => l.lane === "general").waiting;
    const figures = await board.figures(YARD);
    assert.match(figures.general, new RegExp(`\\b${general}\\b`));
    assert.match(figures.served, /\b1\b/);
    await board.yard(YARD).getByTestId("board-chart").waitFor();
    assert.deepEqual(await axe(page), [], "the board is accessible");
    await context.setOffline(true);
    await board.open();
    await board.yard(YARD).waitFor();
    await board.asOf.waitFor();
  }));

test("the queue screens and the board fit a 320 px phone", () =>
  withPhone(
    async ({ page }) => {
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await new BoardPage(page).open();
      await page.getByTestId("board-yard").first().waitFor();
      assert.equal(await overflow(), 0, "no sideways scrolling on the board");
      await (await new SignInPage(page).open()).signIn(operator.phone, operator.password);
      await page.getByTestId("operator-home").waitFor();
      await new OperatorQueuePage(page).open();
      await page.getByTestId("lane").first().waitFor();
      assert.equal(await overflow(), 0, "no sideways scrolling on the operator's queue");
      assert.deepEqual(await axe(page), [], "the operator's queue at 320 px is accessible");
    },
    { viewport: { width: 320, height: 640 } }
  ));
