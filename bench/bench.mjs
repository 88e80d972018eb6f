// Measures BorderPass and writes bench/results.json (one flat object of numbers) and a
// readable bench/results.md. Run through `make bench`, which builds release and starts the
// Worker; figures from a shared machine are indicative, never asserted by tests.
import { readFile, readdir, writeFile } from "node:fs/promises";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import path from "node:path";
import { openPhone, BASE_URL } from "../e2e/lib/browser.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const gzip = (b) => gzipSync(b, { level: 9 }).length;
const brotli = (b) =>
  brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/// What a cold load downloads to run the app: the wasm, the JS and the CSS.
async function appTransfer() {
  const files = ["pkg/app_bg.wasm", "pkg/app.js", "boot.js", "style.css"];
  let raw = 0, gz = 0, br = 0;
  for (const f of files) {
    const bytes = await readFile(path.join(ROOT, "dist", f));
    raw += bytes.length;
    gz += gzip(bytes);
    br += brotli(bytes);
  }
  return { app_transfer_raw_bytes: raw, app_transfer_gzip_bytes: gz, app_transfer_brotli_bytes: br };
}

async function workerSize() {
  const dir = path.join(ROOT, "edge", "build");
  const wasm = (await readdir(dir)).find((f) => f.endsWith(".wasm"));
  const bytes = await readFile(path.join(dir, wasm));
  return { worker_wasm_raw_bytes: bytes.length, worker_wasm_gzip_bytes: gzip(bytes) };
}

// Records when the first gate card appears, in ms since navigation start.
function markGatesRendered() {
  const observer = new MutationObserver(() => {
    if (!window.__gatesRenderedAt && document.querySelector(".gate-card")) {
      window.__gatesRenderedAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

async function timedLoad(page, action) {
  await action();
  await page.waitForFunction(() => window.__gatesRenderedAt !== undefined, null, { timeout: 120000 });
  return page.evaluate(() => window.__gatesRenderedAt);
}

async function throttle(context, page, { network }) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  if (network) {
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
  }
  return cdp;
}

/// A fresh phone each run: empty HTTP cache, no service worker.
async function coldLoads() {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const phone = await openPhone();
    try {
      await phone.page.addInitScript(markGatesRendered);
      await throttle(phone.context, phone.page, { network: true });
      times.push(await timedLoad(phone.page, () => phone.page.goto(BASE_URL + "/")));
    } finally {
      await phone.close();
    }
  }
  return times;
}

/// One phone that has the app installed (service worker and saved data), reloaded.
async function warmLoads() {
  const phone = await openPhone();
  try {
    const { page, context } = phone;
    await page.addInitScript(markGatesRendered);
    await timedLoad(page, () => page.goto(BASE_URL + "/"));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await throttle(context, page, { network: false });
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await timedLoad(page, () => page.reload()));
    return times;
  } finally {
    await phone.close();
  }
}

const results = {
  ...(await appTransfer()),
  ...(await workerSize()),
};
const cold = await coldLoads();
const warm = await warmLoads();
results.cold_load_ms_slow4g_cpu4x = Math.round(median(cold));
results.warm_load_ms_cpu4x = Math.round(median(warm));

await writeFile(path.join(ROOT, "bench/results.json"), JSON.stringify(results, null, 2) + "\n");
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const md = `# BorderPass benchmark results

Measured ${new Date().toISOString()} on this machine (shared, noisy: read as indications).

| figure | value |
|---|---|
| app transfer on a cold load (wasm + js + css), raw | ${kb(results.app_transfer_raw_bytes)} |
| same, gzip -9 | ${kb(results.app_transfer_gzip_bytes)} |
| same, brotli q11 | ${kb(results.app_transfer_brotli_bytes)} |
| Worker wasm, gzip | ${kb(results.worker_wasm_gzip_bytes)} |
| cold load to gate list, 1.6 Mbps / 150 ms RTT, 4x CPU (median of ${RUNS}) | ${results.cold_load_ms_slow4g_cpu4x} ms (runs: ${cold.map(Math.round).join(", ")}) |
| warm load to gate list, 4x CPU (median of ${RUNS}) | ${results.warm_load_ms_cpu4x} ms (runs: ${warm.map(Math.round).join(", ")}) |

Local \`wrangler dev\` serves assets uncompressed, so the cold load here transfers the raw bytes;
Cloudflare's network would send the brotli figure.
`;
await writeFile(path.join(ROOT, "bench/results.md"), md);
console.log(JSON.stringify(results, null, 2));
