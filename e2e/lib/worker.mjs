// Restarting the test Worker (`wrangler dev`) the way scripts/test.sh started it: same port,
// same state directory, same extra arguments. Tests use it to check that nothing confirmed is
// lost when the runtime goes away.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { BASE_URL } from "./api.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/// What a restart needs: the port, the state directory and the extra wrangler arguments
/// (scripts/test.sh exports BORDERPASS_PORT, BORDERPASS_STATE and BORDERPASS_WORKER_ARGS).
export function workerSettings() {
  const port = process.env.BORDERPASS_PORT;
  const state = process.env.BORDERPASS_STATE;
  if (!port || !state) return null;
  const args = process.env.BORDERPASS_WORKER_ARGS
    ? process.env.BORDERPASS_WORKER_ARGS.split(/\s+/).filter(Boolean)
    : [
        // The test Worker (scripts/test-worker-args.sh): built with the test switches.
        "edge/build-test/index.js",
        ...(process.env.RATE_LIMIT_WINDOW_MS ? ["--var", `RATE_LIMIT_WINDOW_MS:${process.env.RATE_LIMIT_WINDOW_MS}`] : []),
        "--var",
        "SMS_ADAPTER:local",
      ];
  return { port, state, args };
}

async function healthy() {
  try {
    const r = await fetch(`${BASE_URL}/api/health`);
    return r.status === 200;
  } catch {
    return false;
  }
}

/// Stops the Worker by its PID and starts it again on the same port and state; resolves once
/// it answers /api/health. Returns how long it took, in ms. `{ hard: true }` kills it instead
/// (SIGKILL: a crash, with requests in flight cut off) before starting it again.
export async function restartWorker({ hard = false } = {}) {
  const s = workerSettings();
  if (!s) throw new Error("BORDERPASS_PORT and BORDERPASS_STATE are needed to restart the Worker");
  const started = Date.now();
  const run = promisify(execFile);
  await run("bash", ["scripts/worker.sh", hard ? "kill" : "stop", s.port], { cwd: ROOT });
  if (await healthy()) throw new Error(`the Worker on port ${s.port} still answers after stopping it`);
  await run("bash", ["scripts/worker.sh", "start", s.port, s.state, ...s.args], { cwd: ROOT, timeout: 120_000 });
  for (let i = 0; i < 150 && !(await healthy()); i += 1) await new Promise((r) => setTimeout(r, 200));
  if (!(await healthy())) throw new Error("the Worker did not come back");
  return Date.now() - started;
}
