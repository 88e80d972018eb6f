// Page objects: the driver's place in a yard's queue (/trips/:id/queue), the operator's queue
// screen (/operator/queue) and the public board (/board).
import { BASE_URL } from "../lib/browser.mjs";

export class QueuePage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId("queue-page");
    this.status = page.getByTestId("queue-status");
    this.position = page.getByTestId("queue-position");
    this.ahead = page.getByTestId("queue-ahead");
    this.eta = page.getByTestId("queue-eta");
    this.asOf = page.getByTestId("queue-as-of");
    this.estimate = page.getByTestId("queue-estimate");
    this.live = page.getByTestId("queue-live");
    this.calledAlert = page.getByTestId("called-alert");
  }

  async open(tripId) {
    await this.page.goto(`${BASE_URL}/trips/${tripId}/queue`);
    await this.root.waitFor();
    return this;
  }

  /// Waits for the status (`waiting`, `called`, `served`, `no_show`, `not_checked_in`).
  async waitForStatus(status, timeout = 15000) {
    await this.page.waitForFunction(
      (s) => document.querySelector('[data-testid="queue-status"]')?.dataset.status === s,
      status,
      { timeout }
    );
  }

  async waitForPosition(n, timeout = 15000) {
    await this.page.waitForFunction(
      (n) => document.querySelector('[data-testid="queue-position"]')?.dataset.position === String(n),
      n,
      { timeout }
    );
  }

  async waitForLive(timeout = 15000) {
    await this.page.waitForFunction(
      () => document.querySelector('[data-testid="queue-live"]')?.dataset.live === "true",
      undefined,
      { timeout }
    );
  }
}

export class OperatorQueuePage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId("operator-queue-page");
    this.result = page.getByTestId("checkin-result");
    this.error = page.getByTestId("queue-error");
  }

  async open() {
    await this.page.goto(`${BASE_URL}/operator/queue`);
    await this.root.waitFor();
    return this;
  }

  lane(lane) {
    return this.page.locator(`[data-testid="lane"][data-lane="${lane}"]`);
  }

  /// The plates waiting in a lane, front first.
  async waitingPlates(lane) {
    return this.lane(lane).getByTestId("lane-entry").evaluateAll((els) => els.map((e) => e.dataset.plate));
  }

  async waitForWaiting(lane, plate, timeout = 15000) {
    await this.lane(lane).locator(`[data-testid="lane-entry"][data-plate="${plate}"]`).waitFor({ timeout });
  }

  async paste(pass) {
    await this.page.getByTestId("checkin-pass-input").fill(pass);
    await this.page.getByTestId("checkin-submit").click();
  }

  async scan() {
    await this.page.getByTestId("scan-start").click();
  }

  async callNext(lane, count = 1) {
    const l = this.lane(lane);
    await l.getByTestId("call-count").fill(String(count));
    await l.getByTestId("call-next").click();
  }

  calledEntry(plate) {
    return this.page.locator(`[data-testid="called-entry"][data-plate="${plate}"]`);
  }
}

export class BoardPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId("board-page");
    this.asOf = page.getByTestId("board-as-of");
  }

  async open() {
    await this.page.goto(`${BASE_URL}/board`);
    await this.root.waitFor();
    return this;
  }

  yard(id) {
    return this.page.locator(`[data-testid="board-yard"][data-yard="${id}"]`);
  }

  async figures(id) {
    const y = this.yard(id);
    const text = async (testid) => (await y.getByTestId(testid).textContent()).trim();
    return {
      general: await text("board-waiting-general"),
      perishable: await text("board-waiting-perishable"),
      served: await text("board-served-today"),
      wait: await text("board-average-wait"),
    };
  }
}
