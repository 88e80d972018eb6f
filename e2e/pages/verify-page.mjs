// Page object: the officer's pass check (/officer/verify).
import { BASE_URL } from "../lib/browser.mjs";

export class VerifyPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId("verify-page");
    this.gate = page.getByTestId("verify-gate");
    this.trustAsOf = page.getByTestId("trust-as-of");
    this.trustWarning = page.getByTestId("trust-warning");
    this.verdict = page.getByTestId("verdict");
    this.scanButton = page.getByTestId("scan-button");
    this.input = page.getByTestId("pass-input");
  }

  async open() {
    await this.page.goto(BASE_URL + "/officer/verify");
    await this.root.waitFor();
    return this;
  }

  /// Waits until the trust list is on screen (saved on the phone, or freshly fetched).
  async waitForTrustList() {
    await this.trustAsOf.waitFor();
    return this;
  }

  /// Waits until the service worker holds the verifier module (the phone can verify offline).
  async waitForVerifierCached() {
    // `waitForFunction` does not await a promise (any promise is truthy): poll instead.
    const deadline = Date.now() + 30000;
    while (!(await this.page.evaluate(verifierCached))) {
      if (Date.now() > deadline) throw new Error("the verifier was not cached within 30 s");
      await this.page.waitForTimeout(200);
    }
  }

  async paste(pass) {
    await this.input.fill(pass);
    await this.page.getByTestId("verify-button").click();
    return this.result();
  }

  async scan({ timeout = 30000 } = {}) {
    await this.scanButton.click();
    return this.result({ timeout });
  }

  /// The verdict on screen: valid, the reason code, the plate and the pass's gate.
  async result({ timeout = 15000 } = {}) {
    await this.verdict.waitFor({ timeout });
    const valid = (await this.verdict.getAttribute("data-valid")) === "true";
    const reason = (await this.verdict.getAttribute("data-reason")) || null;
    const plateEl = this.verdict.getByTestId("verdict-plate");
    const plate = (await plateEl.count()) ? (await plateEl.textContent()).trim() : null;
    const gateEl = this.verdict.getByTestId("verdict-gate");
    const gate = (await gateEl.count()) ? await gateEl.getAttribute("data-gate") : null;
    return {
      valid,
      reason,
      plate,
      gate,
      banner: (await this.verdict.getByTestId("verdict-banner").textContent()).trim(),
      reasonText: reason ? (await this.verdict.getByTestId("verdict-reason").textContent()).trim() : null,
    };
  }

  async checkAnother() {
    await this.page.getByTestId("check-another").click();
    await this.verdict.waitFor({ state: "detached" });
  }
}

/// Whether any of the app's caches holds the verifier (runs in the page).
export async function verifierCached() {
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    if (await cache.match("/verifier/verifier_bg.wasm")) return true;
  }
  return false;
}
