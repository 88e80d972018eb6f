// Page object: the yard operator's home (/operator): the day's bookings and the yard settings.
import { BASE_URL } from "../lib/browser.mjs";

export class OperatorPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId("operator-home");
    this.bookings = page.getByTestId("yard-bookings");
    this.settings = page.getByTestId("yard-settings");
    this.form = page.getByTestId("yard-form");
    this.closures = page.getByTestId("closure");
    this.saved = this.form.getByTestId("form-done");
    this.error = this.form.getByTestId("form-error");
  }

  async open() {
    await this.page.goto(BASE_URL + "/operator");
    await this.root.waitFor();
    await this.form.waitFor();
    return this;
  }

  async waitForSettings() {
    await this.form.waitFor();
  }

  field(name) {
    return this.page.locator(`#yard-${name}`);
  }

  async value(name) {
    return this.field(name).inputValue();
  }

  async set(name, value) {
    await this.field(name).fill(String(value));
  }

  closure(date) {
    return this.page.locator(`[data-testid="closure"][data-date="${date}"]`);
  }

  async addClosedDay(date, reason) {
    await this.page.locator("#closure-date").fill(date);
    await this.page.locator("#closure-reason").selectOption(reason);
    await this.page.getByTestId("add-closure-button").click();
    await this.closure(date).waitFor();
  }

  async removeClosedDay(date) {
    await this.closure(date).getByTestId("remove-closure").click();
    await this.closure(date).waitFor({ state: "detached" });
  }

  /// Submits the settings; resolves with `{ saved: true }` or `{ code, message }`.
  async save() {
    await this.page.getByTestId("save-settings").click();
    await this.page.waitForFunction(() => {
      const form = document.querySelector('[data-testid="yard-form"]');
      return form?.querySelector('[data-testid="form-done"], [data-testid="form-error"]');
    });
    if (await this.saved.count()) return { saved: true };
    return { code: await this.error.getAttribute("data-code"), message: (await this.error.textContent()).trim() };
  }

  async showDay(date) {
    await this.page.locator("#yard-date").fill(date);
    await this.bookings.locator('[data-testid="lane-counts"], [role="alert"]').first().waitFor();
  }

  booking(plate) {
    return this.bookings.locator(`[data-testid="yard-booking"][data-plate="${plate}"]`);
  }

  /// Opens the verification form of the booking of `plate` in the day's list.
  async openVerify(plate) {
    await this.booking(plate).getByTestId("verify-vehicle").click();
    const form = this.booking(plate).getByTestId("verify-form");
    await form.waitFor();
    return form;
  }

  /// Marks the vehicle of the booking of `plate` verified, from the papers' plate and
  /// certificate number; resolves with `{ done: message }` or `{ code, message }`.
  async verifyVehicle(plate, { papersPlate = plate, number }) {
    const form = await this.openVerify(plate);
    await form.locator("#verify-plate").fill(papersPlate);
    await form.locator("#verify-number").fill(number);
    await form.getByTestId("verify-submit").click();
    const done = this.bookings.getByTestId("verify-done");
    const error = form.getByTestId("form-error");
    await done.or(error).first().waitFor();
    if (await done.count()) return { done: (await done.textContent()).trim() };
    return { code: await error.getAttribute("data-code"), message: (await error.textContent()).trim() };
  }

  /// The "verified" badge of the booking of `plate`.
  verifiedBadge(plate) {
    return this.booking(plate).getByTestId("plate-verified");
  }
}
