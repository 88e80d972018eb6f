// `make dev`: once the Worker answers, gives the demo driver a trip for today at Hữu Nghị through
// the real API (POST /api/sync, as the app sends it), unless the driver already has one that is
// not over. The trip's records then flow to the province simulator, which confirms its steps one
// by one and calls back: signed in as the demo driver, the trip's timeline moves.
import { demo, get, signInAs } from "../e2e/lib/accounts.mjs";
import { clientId, listTrips, sync, trip, vehicle } from "../e2e/lib/trips.mjs";

const PLATE = "12C-868.68";
const HOUR = 3_600_000;

async function waitForWorker() {
  for (let i = 0; i < 180; i += 1) {
    try {
      if ((await get("/api/health")).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error("the Worker did not answer /api/health within 3 minutes");
}

await waitForWorker();
const session = await signInAs("driver");
const listed = await listTrips(session.token);
const now = Date.now();
const current = listed.trips.find((t) => t.window_until_ms > now && t.status !== "cancelled");
if (current) {
  console.log(`demo: ${demo("driver").name} already has a trip today (${current.id})`);
} else {
  const known = listed.vehicles.find((v) => v.plate === PLATE);
  const ops = [];
  const truck = known ?? vehicle({ plate: PLATE, trailer: "12R-012.34" });
  if (!known) ops.push({ kind: "vehicle.register", payload: truck });
  const today = trip(truck.id, { window_from_ms: now - HOUR, window_until_ms: now + 6 * HOUR });
  ops.push({ kind: "trip.create", payload: today });
  const r = await sync(session.token, clientId(), ops.map((op, i) => ({ seq: i + 1, ...op })));
  const refused = r.json?.results?.filter((x) => x.outcome !== "applied") ?? [];
  if (r.status !== 200 || refused.length > 0) {
    throw new Error(`demo: the trip was not registered: ${r.status} ${r.text.slice(0, 400)}`);
  }
  console.log(`demo: a trip today for ${PLATE} (${today.id}); its timeline fills as the province confirms`);
}
