// `bench.sh resident`: only the border resident's scan-to-recorded figure
// (bench/resident-bench.mjs), merged into bench/results.json (the other figures are kept).
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { BASE_URL } from "../e2e/lib/browser.mjs";
import { benchResidentScan } from "./resident-bench.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

const { figures, runs } = await benchResidentScan({ baseUrl: BASE_URL, runs: RUNS });
const jsonPath = path.join(ROOT, "bench/results.json");
let results = {};
try {
  results = JSON.parse(await readFile(jsonPath, "utf8"));
} catch {}
Object.assign(results, figures);
await writeFile(jsonPath, JSON.stringify(results, null, 2) + "\n");
console.log(JSON.stringify({ ...figures, runs }, null, 2));
