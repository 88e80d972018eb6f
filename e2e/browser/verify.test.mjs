// The officer's pass check in Chromium against the real runtime: real passes from the API,
// checked with the network off, by paste and by the (fake) camera; forgeries refused with
// their reason; drivers never download the verifier.
//
// The camera test films the pass's QR code as `shared::pass::qr::svg` draws it (the verifier
// crate's `qr_svg` example, run through cargo), turned into a Y4M file Chromium plays as its
// camera: the same SVG the driver's pass screen shows, without needing a driver's browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { withPhone, axe } from "../lib/phone.mjs";
import { driverWithPass } from "../lib/trips.mjs";
import { passQrSvg } from "../lib/fake-camera.mjs";
import { HomePage } from "../pages/home-page.mjs";
import { openVerifyOffline, scanOffline, verifierCached } from "../pages/verify-page.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// The pass with one Base45 character changed inside the signature: each three characters
/// encode two bytes, lowest digit first, so moving a group's first character to its neighbour
/// in the alphabet changes one signature byte and keeps the Base45 valid.
function tamper(pass) {
  const body = pass.slice(4);
  const group = Math.floor(body.length / 3) - 6;
  const i = 4 + 3 * group;
  const at = BASE45.indexOf(pass[i]);
  const swapped = BASE45[at > 0 ? at - 1 : at + 1];
  return pass.slice(0, i) + swapped + pass.slice(i + 1);
}

/// A well-formed pass signed by a key no deployment trusts (docs/pass-vectors/).
async function unknownKeyPass() {
  const vector = JSON.parse(await readFile(path.join(ROOT, "docs/pass-vectors/unknown_key.json"), "utf8"));
  assert.equal(vector.expected, "unknown_key");
  return vector.pass;
}

test("offline, the officer verifies a real pass by paste: VALID, with the plate", async () => {
  const { vehicle, pass } = await driverWithPass();
  await withPhone(async (phone) => {
    const verify = await openVerifyOffline(phone);
    assert.deepEqual(await axe(phone.page), [], "the verify screen is accessible");
    const result = await verify.paste(pass.code);
    assert.equal(result.valid, true, JSON.stringify(result));
    assert.equal(result.reason, null);
    assert.match(result.banner, /HỢP LỆ/);
    assert.equal(result.gate, "huu-nghi");
    assert.equal(result.plate, vehicle.plate, "the plate, to compare with the truck");
    assert.match(await phone.page.getByTestId("verdict-window").textContent(), /\d\d\/\d\d\/\d{4} \d\d:\d\d → /);
    assert.deepEqual(await axe(phone.page), [], "the verdict is accessible");
  });
});

test("forged, untrusted and other gates' passes are INVALID with their reason", async () => {
  const { pass } = await driverWithPass();
  const other = await driverWithPass({ gate: "tan-thanh" });
  const untrusted = await unknownKeyPass();
  await withPhone(async (phone) => {
    const verify = await openVerifyOffline(phone);
    const cases = [
      [tamper(pass.code), "bad_signature", /Chữ ký không khớp/],
      [untrusted, "unknown_key", /không có trong danh sách tin cậy/],
      [other.pass.code, "wrong_gate", /cửa khẩu khác/],
      ["BP1:NOT A PASS", "malformed", /Không phải mã thẻ/],
    ];
    for (const [code, reason, text] of cases) {
      const result = await verify.paste(code);
      assert.equal(result.valid, false, `${reason}: ${JSON.stringify(result)}`);
      assert.equal(result.reason, reason);
      assert.match(result.banner, /KHÔNG HỢP LỆ/);
      assert.match(result.reasonText, text);
      // A signed pass for another gate still shows whose it is; a forgery shows nothing.
      assert.equal(result.plate !== null, reason === "wrong_gate", `${reason}: plate shown?`);
      await verify.checkAnother();
    }
    // The real one still passes in the same session.
    assert.equal((await verify.paste(pass.code)).valid, true);
  });
});

test("offline, the officer scans the driver's QR code with the camera: VALID", async () => {
  const { vehicle, pass } = await driverWithPass();
  const scanned = await scanOffline({ svg: await passQrSvg(pass.code) });
  assert.equal(scanned.valid, true, JSON.stringify(scanned));
  assert.equal(scanned.plate, vehicle.plate);
  assert.equal(scanned.cameraOff, true, "the camera is off again once the code is read");
});

test("a driver's phone never downloads the verifier", () =>
  withPhone(async ({ page }) => {
    const fetched = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/verifier/")) fetched.push(r.url());
    });
    const home = await new HomePage(page).open();
    await home.waitForGates();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.reload();
    await home.waitForGates();
    assert.equal(await page.evaluate(verifierCached), false, "not in the service worker's cache");
    assert.deepEqual(fetched, [], "never requested");
  }));
