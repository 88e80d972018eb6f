// The foundation's user journeys in Debian's Chromium against the real runtime.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { openPhone, BASE_URL } from "../lib/browser.mjs";
import { HomePage } from "../pages/home-page.mjs";

const VI = [
  "Cửa khẩu quốc tế Hữu Nghị",
  "Điểm thông quan Tân Thanh",
  "Cửa khẩu chính Chi Ma",
  "Điểm thông quan Cốc Nam",
  "Ga đường sắt quốc tế Đồng Đăng",
];
const EN = [
  "Huu Nghi International Border Gate",
  "Tan Thanh Clearance Point",
  "Chi Ma Border Gate",
  "Coc Nam Clearance Point",
  "Dong Dang International Railway Station",
];
const ZH = ["友谊国际口岸", "新清通关点", "支麻口岸", "谷南通关点", "同登国际铁路站"];

async function withPhone(fn, options) {
  const phone = await openPhone(options);
  try {
    await fn(phone);
    assert.deepEqual(phone.errors.map(String), [], "no errors in the page");
  } finally {
    await phone.close();
  }
}

test("the home page opens in Vietnamese and lists the demo gates", () =>
  withPhone(async ({ page }) => {
    const home = await new HomePage(page).open();
    await home.waitForGates();
    assert.deepEqual(await home.gateNames(), VI);
    assert.equal(await home.htmlLang(), "vi");
    assert.equal(await home.heading.textContent(), "Cửa khẩu và bãi chờ");
    assert.match(await home.asOf.textContent(), /^Cập nhật lúc \d\d\/\d\d\/\d{4} \d\d:\d\d$/);
    assert.equal(await home.connectivity.textContent(), "Trực tuyến");
    // Counts use Vietnamese thousands separators, hours the 24-hour clock.
    const tanThanh = page.locator('[data-gate="tan-thanh"] .gate-totals');
    assert.equal(await tanThanh.textContent(), "2 bãi chờ · 650 xe/ngày");
    const fruit = page.locator('[data-yard="hn-fruit"]');
    assert.match(await fruit.textContent(), /Mở cửa 05:00–23:00/);
  }));

test("the language switch goes to English and Chinese and is remembered", () =>
  withPhone(async ({ page }) => {
    const home = await new HomePage(page).open();
    await home.waitForGates();
    await home.switchTo("en");
    assert.deepEqual(await home.gateNames(), EN);
    assert.equal(await home.htmlLang(), "en");
    assert.equal(await home.heading.textContent(), "Gates and yards");
    await home.switchTo("zh-Hans");
    assert.deepEqual(await home.gateNames(), ZH);
    assert.equal(await home.htmlLang(), "zh-Hans");
    await page.reload();
    await home.waitForGates();
    assert.deepEqual(await home.gateNames(), ZH, "Chinese remembered after reload");
    assert.equal(await home.pressedLang(), "zh-Hans");
    await home.switchTo("vi");
    await page.reload();
    await home.waitForGates();
    assert.deepEqual(await home.gateNames(), VI, "back to Vietnamese, remembered");
  }));

test("the manifest is valid, the app is installable and the service worker controls the page", () =>
  withPhone(async ({ page, context }) => {
    const home = await new HomePage(page).open();
    await home.waitForGates();
    const manifest = await (await fetch(BASE_URL + "/manifest.webmanifest")).json();
    assert.equal(manifest.display, "standalone");
    assert.equal(manifest.lang, "vi");
    assert.equal(manifest.start_url, "/");
    assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/);
    for (const [size, purpose] of [["192x192", "any"], ["512x512", "any"], ["512x512", "maskable"]]) {
      const icon = manifest.icons.find((i) => i.sizes === size && i.purpose === purpose);
      assert.ok(icon, `icon ${size} ${purpose}`);
      const png = Buffer.from(await (await fetch(BASE_URL + icon.src)).arrayBuffer());
      assert.equal(png.subarray(1, 4).toString(), "PNG", icon.src);
      const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      assert.equal(`${w}x${h}`, size, icon.src);
    }
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cdp = await context.newCDPSession(page);
    const { errors } = await cdp.send("Page.getAppManifest");
    assert.deepEqual(errors, [], "manifest parses without errors");
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    assert.deepEqual(installabilityErrors, [], "Chrome finds the app installable");
  }));

test("offline, a reload still shows the shell and the saved gate list", () =>
  withPhone(async ({ page, context, expectNetworkFailures }) => {
    expectNetworkFailures();
    const home = await new HomePage(page).open();
    await home.waitForGates();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    await page.reload();
    await home.waitForGates();
    assert.deepEqual(await home.gateNames(), VI);
    await home.savedCopy.waitFor();
    assert.match(await home.savedCopy.textContent(), /Bản lưu trên máy/);
    assert.match(await home.asOf.textContent(), /Cập nhật lúc/);
    assert.equal(await home.connectivity.textContent(), "Ngoại tuyến");
    // Back online, the fresh list replaces the saved copy.
    await context.setOffline(false);
    await home.savedCopy.waitFor({ state: "detached" });
    assert.equal(await home.connectivity.textContent(), "Trực tuyến");
  }));

test("errors from the edge are shown as translated messages for their code", () =>
  withPhone(async ({ page, expectNetworkFailures }) => {
    expectNetworkFailures();
    await page.route("**/api/gates", (route) =>
      route.fulfill({
        status: 500,
        contentType: "application/json",
        body: JSON.stringify({ code: "internal", message: "boom" }),
      })
    );
    const home = await new HomePage(page).open();
    await home.error.waitFor();
    assert.equal(await home.error.getAttribute("data-code"), "internal");
    assert.match(await home.error.textContent(), /Máy chủ gặp sự cố/);
    assert.doesNotMatch(await home.error.textContent(), /boom/, "details stay out of sight");
    await home.switchTo("en");
    assert.match(await home.error.textContent(), /Something went wrong on our side/);
    // A request that never reaches the edge is a network error; retry recovers.
    await page.unroute("**/api/gates");
    await page.route("**/api/gates", (route) => route.abort("internetdisconnected"));
    await page.getByRole("button", { name: "Try again" }).click();
    await page.locator('[data-code="network"]').waitFor();
    await page.unroute("**/api/gates");
    await page.getByRole("button", { name: "Try again" }).click();
    await home.waitForGates();
    assert.deepEqual(await home.gateNames(), EN);
  }));

test("an unknown address shows the not-found page", () =>
  withPhone(async ({ page }) => {
    await page.goto(BASE_URL + "/khong-co-trang-nay");
    await page.locator(".not-found h1").waitFor();
    assert.equal(await page.locator(".not-found h1").textContent(), "Không có trang này");
    await page.getByRole("link", { name: "Về trang chủ" }).click();
    await new HomePage(page).waitForGates();
  }));

for (const width of [360, 320]) {
  test(`axe finds no serious or critical violations at ${width} px`, () =>
    withPhone(
      async ({ page }) => {
        const home = await new HomePage(page).open();
        await home.waitForGates();
        const result = await new AxeBuilder({ page })
          .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
          .analyze();
        const serious = result.violations.filter((v) => ["serious", "critical"].includes(v.impact));
        assert.deepEqual(
          serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`),
          []
        );
        // Nothing overflows sideways on a small phone.
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth
        );
        assert.equal(overflow, 0, "no horizontal scrolling");
        // Buttons are large enough to hit with a thumb.
        const small = await page.$$eval("button, a.button", (els) =>
          els
            .map((e) => e.getBoundingClientRect())
            .filter((r) => r.width > 0 && (r.height < 44 || r.width < 44)).length
        );
        assert.equal(small, 0, "touch targets are at least 44 px");
      },
      { viewport: { width, height: 800 } }
    ));
}

test("a 360×800 screenshot of the home page is saved", () =>
  withPhone(async ({ page }) => {
    const home = await new HomePage(page).open();
    await home.waitForGates();
    await mkdir("e2e/artifacts", { recursive: true });
    await page.screenshot({ path: "e2e/artifacts/home-360x800.png" });
  }));

test("a new version waits until the user accepts the update, then takes over", () =>
  withPhone(async ({ page }) => {
    const home = await new HomePage(page).open();
    await home.waitForGates();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const before = await page.evaluate(() => caches.keys());
    assert.equal(before.length, 1);
    // Deploy a new version: the same files under a new version of the service worker.
    const original = await readFile("dist/sw.js", "utf8");
    try {
      await writeFile("dist/sw.js", original.replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1-next"'));
      await page.waitForFunction(
        async (url) => (await (await fetch(url, { cache: "no-store" })).text()).includes("-next"),
        BASE_URL + "/sw.js"
      );
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
      const banner = page.getByTestId("update-banner");
      await banner.waitFor();
      assert.match(await banner.textContent(), /phiên bản mới/);
      // Nothing changes until the user agrees.
      assert.deepEqual(await page.evaluate(() => caches.keys()), [...before, `${before[0]}-next`]);
      await Promise.all([page.waitForEvent("load"), banner.locator("button").click()]);
      await home.waitForGates();
      // The new version serves the page and the old version's cache is gone.
      assert.deepEqual(await page.evaluate(() => caches.keys()), [`${before[0]}-next`]);
    } finally {
      await writeFile("dist/sw.js", original);
    }
  }));
