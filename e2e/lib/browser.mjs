// Launches Debian's Chromium through playwright-core (never a downloaded browser).
import { chromium } from "playwright-core";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export const BASE_URL = process.env.BORDERPASS_URL ?? "http://127.0.0.1:8787";
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Flags that keep Chromium quiet on a closed network (no background connections).
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/// A persistent context in a fresh profile: unlike incognito contexts, it can install the PWA
/// and keep a service worker, like a phone's browser. A 360×800 viewport, a phone's size.
export async function openPhone({ viewport = { width: 360, height: 800 }, args = [] } = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), "borderpass-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, ...args],
    headless: true,
    viewport,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
    serviceWorkers: "allow",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  let networkFailuresExpected = false;
  page.on("pageerror", (e) => errors.push(e));
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    // Chromium logs every failed request; tests that cut the network expect those.
    if (networkFailuresExpected && /Failed to load resource/.test(msg.text())) return;
    // Signing in on a new browser is answered 401 code_required (the code step), by design.
    if (/status of 401/.test(msg.text()) && new URL(msg.location().url || "http://x/").pathname === "/api/auth/signin") return;
    errors.push(new Error(msg.text()));
  });
  return {
    context,
    page,
    errors,
    expectNetworkFailures() {
      networkFailuresExpected = true;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
