// The officer's pass check, measured: `benchVerify` is wired into bench/bench.mjs.
//
// - pass_verify_wasm_us: one verification in the built verifier module (dist/verifier, the
//   wasm officers download), run in Node: median over batches, microseconds per verify.
// - scan_to_verdict_ms_cpu4x: in Chromium with the CPU slowed 4×, a fake camera filming the
//   pass's QR code; from the moment the decoded frame was taken (`bp-scan-frame`, marked by
//   app/src/verifier.rs) to the verdict on screen (`bp-verdict`, marked by the verify page).
//   Median of a few scans. The demo officer (bound to Huu Nghi) does the scanning.
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openPhone } from "../e2e/lib/browser.mjs";
import { DEMO_ACCOUNTS } from "../edge/seed/demo-accounts.mjs";
import { fakeCameraArgs, passQrSvg, writeFakeCamera } from "../e2e/lib/fake-camera.mjs";
import { SignInPage } from "../e2e/pages/auth-pages.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/// `pass`: a `BP1:` string; `trustList`: `GET /api/keys`'s body or its `keys` array.
export async function benchVerify({ baseUrl, pass, trustList, batches = 7, perBatch = 300, scans = 5 }) {
  const keys = Array.isArray(trustList) ? trustList : trustList.keys;
  return {
    pass_verify_wasm_us: await verifyInNode(pass, JSON.stringify(keys), { batches, perBatch }),
    scan_to_verdict_ms_cpu4x: await scanToVerdict(baseUrl, pass, scans),
  };
}

async function verifyInNode(pass, trustJson, { batches, perBatch }) {
  const dir = path.join(ROOT, "dist", "verifier");
  // As a data: URL, so Node reads it as the ES module it is (dist/ has no package.json).
  const source = await readFile(path.join(dir, "verifier.js"));
  const verifier = await import(`data:text/javascript;base64,${source.toString("base64")}`);
  verifier.initSync({ module: await readFile(path.join(dir, "verifier_bg.wasm")) });
  const check = () => verifier.verify(pass, trustJson, "[]", Date.now() / 1000, undefined);
  const verdict = JSON.parse(check());
  if (!verdict.valid) throw new Error(`the benchmark pass does not verify: ${verdict.reason}`);
  for (let i = 0; i < 50; i++) check();
  const perVerify = [];
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < perBatch; i++) check();
    perVerify.push(((performance.now() - start) * 1000) / perBatch);
  }
  return Math.round(median(perVerify) * 10) / 10;
}

async function scanToVerdict(baseUrl, pass, scans) {
  const dir = await mkdtemp(path.join(tmpdir(), "borderpass-bench-camera-"));
  const file = await writeFakeCamera({ svg: await passQrSvg(pass), file: path.join(dir, "pass.y4m") });
  const phone = await openPhone({ args: fakeCameraArgs(file) });
  try {
    const { page, context } = phone;
    await context.grantPermissions(["camera"], { origin: baseUrl });
    const officer = DEMO_ACCOUNTS.find((a) => a.role === "officer");
    // A new browser is a new device: the sign-in asks for the code sent by SMS (the page object
    // reads it from the local SMS double).
    await (await new SignInPage(page).open()).signIn(officer.phone, officer.password);
    await page.getByTestId("officer-home").waitFor();
    await page.goto(baseUrl + "/officer/verify");
    await page.getByTestId("trust-as-of").waitFor();
    await page.getByTestId("verifier-status").waitFor({ state: "detached" });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    const times = [];
    for (let i = 0; i < scans; i++) {
      await page.evaluate(() => performance.clearMarks());
      await page.getByTestId("scan-button").click();
      await page.getByTestId("verdict").waitFor({ timeout: 60000 });
      times.push(
        await page.evaluate(() => {
          const at = (name) => performance.getEntriesByName(name, "mark").at(-1)?.startTime;
          return at("bp-verdict") - at("bp-scan-frame");
        }),
      );
      await page.getByTestId("check-another").click();
      await page.getByTestId("verdict").waitFor({ state: "detached" });
    }
    if (times.some((t) => !Number.isFinite(t))) throw new Error(`scan marks missing: ${times}`);
    return Math.round(median(times));
  } finally {
    await phone.close();
    await rm(dir, { recursive: true, force: true });
  }
}
