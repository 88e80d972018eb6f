// Page objects for the province sync: a trip's timeline (on the trip card and the pass
// screen), the in-app alert when a step changes, and the admin's Province sync screen.
import { BASE_URL } from "../lib/browser.mjs";

/// The timeline inside `scope` (a trip card, or the pass page).
export class Timeline {
  constructor(page, scope = page) {
    this.page = page;
    this.root = scope.getByTestId("timeline");
    this.steps = this.root.getByTestId("timeline-step");
    this.stop = this.root.getByTestId("timeline-stop");
    this.asOf = this.root.getByTestId("timeline-as-of");
    this.empty = this.root.getByTestId("timeline-empty");
    this.received = this.root.getByTestId("province-received");
  }

  step(code) {
    return this.root.locator(`[data-testid="timeline-step"][data-step="${code}"]`);
  }

  async states() {
    return this.steps.evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.step, e.dataset.state])));
  }

  async current() {
    return this.root.getAttribute("data-current");
  }

  /// Waits until step `code` shows `state` (the page's copy of the trips changed).
  async waitForStep(code, state, timeout = 30000) {
    await this.root.locator(`[data-testid="timeline-step"][data-step="${code}"][data-state="${state}"]`).waitFor({ timeout });
  }
}

/// The in-app alert (on every screen) with the steps that changed.
export class TimelineAlert {
  constructor(page) {
    this.page = page;
    this.region = page.getByTestId("timeline-alert-region");
    this.root = page.getByTestId("timeline-alert");
    this.items = page.getByTestId("timeline-alert-item");
    this.open = page.getByTestId("timeline-alert-open");
    this.dismiss = page.getByTestId("timeline-alert-dismiss");
  }

  async changes() {
    return this.items.evaluateAll((els) => els.map((e) => `${e.dataset.step}:${e.dataset.state}`).sort());
  }

  async waitForChange(step, state, timeout = 30000) {
    await this.page
      .locator(`[data-testid="timeline-alert-item"][data-step="${step}"][data-state="${state}"]`)
      .waitFor({ timeout });
  }
}

/// The admin's Province sync screen (/admin/province-sync).
export class ProvinceSyncPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId("province-sync-page");
    this.health = page.getByTestId("sync-health");
    this.error = page.getByTestId("province-sync-error");
    this.parked = page.getByTestId("parked-record");
    this.outcome = page.getByTestId("retry-outcome");
    this.refresh = page.getByTestId("province-sync-refresh");
  }

  async open() {
    await this.page.goto(BASE_URL + "/admin/province-sync");
    await this.root.waitFor();
    await this.page.locator('[data-testid="sync-health"], [data-testid="province-sync-error"]').first().waitFor();
    return this;
  }

  parkedRecord(eventId) {
    return this.page.locator(`[data-testid="parked-record"][data-event-id="${eventId}"]`);
  }

  /// A fact of the health card by its code (`pending`, `lag`, `last-success`, …), as shown.
  async fact(code) {
    return (await this.page.getByTestId(`sync-${code}`).locator("dd").textContent()).trim();
  }
}
