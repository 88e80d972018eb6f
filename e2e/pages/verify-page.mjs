// Page object: the officer's pass check (/officer/verify).
import { BASE_URL } from "../lib/browser.mjs";
import { demo } from "../lib/accounts.mjs";
import { SignInPage } from "./auth-pages.mjs";
import { withPhone } from "../lib/phone.mjs";
import { fakeCameraArgs, writeFakeCamera } from "../lib/fake-camera.mjs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

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
    // The pass's details: inside the verdict for a trip pass, after the resident panel for a
    // resident pass (outside the verdict's live region).
    const plateEl = this.root.getByTestId("verdict-plate");
    const plate = (await plateEl.count()) ? (await plateEl.textContent()).trim() : null;
    const gateEl = this.root.getByTestId("verdict-gate");
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

/// The demo officer (bound to Huu Nghi) opens the verify screen online, so the trust list and
/// the verifier are saved on the phone; then the network goes and the screen is reloaded.
export async function openVerifyOffline({ page, context, expectNetworkFailures }) {
  expectNetworkFailures();
  const officer = demo("officer");
  await (await new SignInPage(page).open()).signIn(officer.phone, officer.password);
  await page.getByTestId("officer-home").waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const verify = await new VerifyPage(page).open();
  await verify.waitForTrustList();
  await verify.waitForVerifierCached();
  await context.setOffline(true);
  await verify.open();
  await verify.waitForTrustList();
  if ((await verify.gate.getAttribute("data-gate")) !== "huu-nghi") throw new Error("the officer is not at Huu Nghi");
  return verify;
}

/// An officer's phone whose camera films `image` (`{ png }` a screenshot, or `{ svg }`): signs
/// in, saves the trust list, goes offline, taps Scan. Returns the verdict, and whether the
/// camera was turned off once the code was read.
export async function scanOffline(image) {
  const dir = await mkdtemp(path.join(tmpdir(), "borderpass-camera-"));
  try {
    const file = await writeFakeCamera({ ...image, file: path.join(dir, "camera.y4m") });
    let scanned;
    await withPhone(
      async (phone) => {
        await phone.context.grantPermissions(["camera"], { origin: BASE_URL });
        const verify = await openVerifyOffline(phone);
        const result = await verify.scan();
        const cameraOff = (await verify.scanButton.getAttribute("aria-pressed")) === "false";
        scanned = { ...result, cameraOff };
      },
      { args: fakeCameraArgs(file) },
    );
    return scanned;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
