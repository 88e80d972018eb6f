// Page objects: a driver's trips (/trips) and a trip's pass (/trips/:id/pass).
import { BASE_URL } from "../lib/browser.mjs";

export class TripsPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId("trips-page");
    this.pending = page.getByTestId("pending-count");
    this.trips = page.getByTestId("trip");
    this.vehicles = page.getByTestId("vehicle");
    this.rejected = page.getByTestId("rejected-write");
  }

  async open() {
    await this.page.goto(BASE_URL + "/trips");
    await this.root.waitFor();
    return this;
  }

  async pendingCount() {
    return Number(await this.pending.getAttribute("data-count"));
  }

  async waitForPending(n, timeout = 30000) {
    await this.page.waitForFunction(
      (n) => document.querySelector('[data-testid="pending-count"]')?.dataset.count === String(n),
      n,
      { timeout },
    );
  }

  async addVehicle({ plate, trailer = "", type = "truck" }) {
    const form = this.page.getByTestId("add-vehicle");
    if ((await form.getAttribute("open")) === null) await form.locator("summary").click();
    await this.page.locator("#vehicle-plate").fill(plate);
    await this.page.locator("#vehicle-trailer").fill(trailer);
    await this.page.locator("#vehicle-type").selectOption(type);
    await this.page.getByTestId("save-vehicle").click();
  }

  async addTrip({ plate, gate = "huu-nghi", cargo, weight, date, from, until, perishable = false, direction = "export" }) {
    const form = this.page.getByTestId("new-trip");
    if ((await form.getAttribute("open")) === null) await form.locator("summary").click();
    await this.page.locator("#trip-vehicle").selectOption({ label: plate });
    await this.page.locator("#trip-driver").fill("Hoàng Văn Nam");
    await this.page.locator("#trip-gate").selectOption(gate);
    await this.page.locator(`#direction-${direction}`).check();
    await this.page.locator("#trip-cargo").fill(cargo);
    if (perishable) await this.page.locator("#trip-perishable").check();
    await this.page.locator("#trip-weight").fill(String(weight));
    await this.page.locator("#trip-date").fill(date);
    await this.page.locator("#trip-from").fill(from);
    await this.page.locator("#trip-until").fill(until);
    await this.page.getByTestId("save-trip").click();
  }

  /// A vehicle in the list, by its plate as shown.
  vehicle(plate) {
    return this.vehicles.filter({ has: this.page.locator(".plate", { hasText: plate }) });
  }

  /// The notice on a trip whose booking the edge released.
  releasedNotice(tripId) {
    return this.page.locator(`[data-testid="trip"][data-trip-id="${tripId}"] [data-testid="booking-released"]`);
  }

  formError() {
    return this.page.getByTestId("form-error");
  }

  trip(n = 0) {
    return this.trips.nth(n);
  }

  async tripStatus(n = 0) {
    return this.trip(n).getAttribute("data-status");
  }

  async waitForTripStatus(status, n = 0, timeout = 30000) {
    await this.page.waitForFunction(
      ([status, n]) => document.querySelectorAll('[data-testid="trip"]')[n]?.dataset.status === status,
      [status, n],
      { timeout },
    );
  }
}

export class PassPage {
  constructor(page) {
    this.page = page;
    this.pass = page.getByTestId("pass");
    this.qr = page.getByTestId("pass-qr");
    this.plate = page.getByTestId("pass-plate");
    this.offlineCopy = page.getByTestId("offline-copy");
    this.revoked = page.getByTestId("pass-revoked");
  }

  async code() {
    await this.pass.waitFor();
    return this.pass.getAttribute("data-pass-code");
  }
}

export class BookPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId("book-page");
    this.slots = page.getByTestId("slot");
  }

  /// The first slot with its book button enabled: its start and places left.
  async firstOpenSlot() {
    await this.slots.first().waitFor();
    const n = await this.slots.count();
    for (let i = 0; i < n; i++) {
      const slot = this.slots.nth(i);
      if (await slot.getByTestId("book-slot").isEnabled()) return this.slotInfo(slot);
    }
    throw new Error("no open slot");
  }

  async slotInfo(slot) {
    return {
      start: await slot.getAttribute("data-start"),
      left: Number(await slot.getAttribute("data-general")) + Number(await slot.getAttribute("data-perishable")),
    };
  }

  slot(start) {
    return this.page.locator(`[data-testid="slot"][data-start="${start}"]`);
  }

  async book(start) {
    await this.slot(start).getByTestId("book-slot").click();
  }
}
