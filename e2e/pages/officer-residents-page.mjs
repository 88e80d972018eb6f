// Page objects: the officer's border residents (/officer/residents) and the resident part of
// the verify screen (the panel of a scanned resident pass and its crossing form).
import { BASE_URL } from "../lib/browser.mjs";

export class OfficerResidentsPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId("officer-residents");
  }

  async open() {
    await this.page.goto(BASE_URL + "/officer/residents");
    await this.root.waitFor();
    return this;
  }

  /// The row of resident `id`, once the list shows it (in whichever section).
  row(id) {
    return this.page.locator(`[data-testid="resident-row"][data-id="${id}"]`);
  }

  async waitForRow(id, status) {
    await this.page.locator(`[data-testid="resident-row"][data-id="${id}"][data-status="${status}"]`).waitFor();
    return this.row(id);
  }

  /// Taps a decision; one that needs a reason opens its form, gets `reason` and is confirmed.
  /// Waits for the answer: the saved decision's status, or the error's code.
  async decide(id, decision, reason) {
    await this.page.evaluate(() =>
      document.querySelectorAll('[data-testid="decision-done"],[data-testid="decision-error"]').forEach((e) => (e.dataset.stale = "1")),
    );
    const row = this.row(id);
    await row.getByTestId(`decide-${decision}`).click();
    if (reason !== undefined) {
      const form = row.getByTestId("decision-form");
      await form.getByTestId("decision-reason").fill(reason);
      await form.getByTestId("decision-confirm").click();
    }
    const done = this.page.locator('[data-testid="decision-done"]:not([data-stale]),[data-testid="decision-error"]:not([data-stale])');
    await done.waitFor();
    return {
      status: await done.getAttribute("data-status"),
      code: await done.getAttribute("data-code"),
    };
  }
}

/// The resident panel of the verify screen after a resident pass was checked.
export class ResidentPanel {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId("resident-panel");
  }

  async read() {
    await this.root.waitFor();
    const text = async (id) => {
      const el = this.root.getByTestId(id);
      return (await el.count()) ? (await el.textContent()).trim() : null;
    };
    const figures = this.root.getByTestId("resident-figures");
    const hasFigures = (await figures.count()) > 0;
    const attr = async (name) => (hasFigures ? figures.getAttribute(name) : null);
    return {
      known: (await this.root.getAttribute("data-known")) === "true",
      name: await text("resident-name"),
      last4: await text("resident-last4"),
      unknown: await text("resident-unknown"),
      notApproved: await text("resident-not-approved"),
      stampDue: hasFigures ? (await attr("data-stamp-due")) === "true" : null,
      nextStampMs: hasFigures && (await attr("data-next-stamp")) ? Number(await attr("data-next-stamp")) : null,
      allowanceLeft: hasFigures ? Number(await attr("data-allowance-left")) : null,
      daysLeft: hasFigures ? Number(await attr("data-days-left")) : null,
      computedOffline: await text("computed-offline"),
      canRecord: (await this.root.getByTestId("record-crossing").count()) > 0,
    };
  }

  async addGoods(lines) {
    for (const [i, { description, value }] of lines.entries()) {
      if (i > 0) await this.root.getByTestId("goods-add").click();
      const line = this.root.getByTestId("goods-line").nth(i);
      await line.getByTestId("goods-description").fill(description);
      await line.getByTestId("goods-value").fill(value);
    }
  }

  async assessment() {
    const a = this.root.getByTestId("assessment");
    await a.waitFor();
    return {
      total: Number(await a.getAttribute("data-total")),
      dutyFree: Number(await a.getAttribute("data-duty-free")),
      taxable: Number(await a.getAttribute("data-taxable")),
      stamp: (await a.getAttribute("data-stamp")) === "true",
      taxableShown: (await a.getByTestId("taxable-excess").count()) > 0,
    };
  }
}

/// The outbox records on the phone (IndexedDB `borderpass`, store `outbox`); runs in the page.
export function outboxRecords(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("borderpass");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction("outbox").objectStore("outbox").getAll();
          request.onerror = () => reject(request.error);
          request.onsuccess = () => resolve(request.result);
        };
      }),
  );
}
