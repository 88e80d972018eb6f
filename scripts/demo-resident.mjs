// `make dev`: once the Worker answers, gives the demo resident (Hoàng Văn Páo, of Đồng Đăng,
// home gate Hữu Nghị) an approved resident pass and a history, through the real API as the apps
// send it: the resident applies (POST /api/residents), the demo officer of Hữu Nghị approves
// (POST /api/residents/{id}/decisions) and its phone's outbox records four crossings over the
// past three weeks with their goods (POST /api/sync, resident.cross; past scans are offline
// ones). Idempotent: each step is taken only if it is still to take, and the crossings' ids
// and contents follow from the resident, so sending them again adds nothing.
import { demo, get, post, signInAs } from "../e2e/lib/accounts.mjs";
import { localDate } from "../e2e/lib/bookings.mjs";
import { clientId, sync } from "../e2e/lib/trips.mjs";

const DAY = 86_400_000;
const GATE = "huu-nghi";
// Made up for the demo (12 digits, a CCCD's shape): the edge keeps only its digest and 6789.
const DEMO_ID_NUMBER = "020196006789";

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

function fail(what, r) {
  throw new Error(`demo resident: ${what}: ${r.status} ${r.text.slice(0, 400)}`);
}

await waitForWorker();
const resident = await signInAs("resident");
const officer = await signInAs("officer");
let me = await get("/api/residents/me", { token: resident.token });
if (me.status === 404 || me.json?.status === "refused") {
  const applied = await post(
    "/api/residents",
    {
      name: demo("resident").name,
      commune_id: "cl-dong-dang",
      id_number: DEMO_ID_NUMBER,
      border_pass_number: "GT2026000006",
      border_pass_expires: localDate(300),
      home_gate: GATE,
    },
    { token: resident.token }
  );
  if (applied.status !== 201 && applied.status !== 200) fail("the application was refused", applied);
  me = applied;
} else if (me.status !== 200) {
  fail("reading the resident", me);
}
if (me.json.status === "pending") {
  const approved = await post(`/api/residents/${me.json.id}/decisions`, { decision: "approve" }, { token: officer.token });
  if (approved.status !== 200) fail("the approval was refused", approved);
  me = await get("/api/residents/me", { token: resident.token });
}
if (me.json.status !== "approved") {
  console.log(`demo: ${demo("resident").name} is ${me.json.status}; nothing more to do`);
} else if (me.json.history.crossings.length > 0) {
  console.log(`demo: ${demo("resident").name} already has a resident pass and ${me.json.history.crossings.length} crossing(s)`);
} else {
  // Dated from the application, so a second run sends exactly the same crossings.
  const base = me.json.applied_at_ms;
  const tag = me.json.id.slice(2, 12);
  const crossings = [
    { days: 19, direction: "in", goods: [{ description: "Nấm hương, mộc nhĩ", value_vnd: 1_200_000 }] },
    { days: 12, direction: "out", goods: [] },
    { days: 6, direction: "in", goods: [{ description: "Rau cải, gừng tươi", value_vnd: 650_000 }] },
    {
      days: 2,
      direction: "in",
      goods: [
        { description: "Quần áo trẻ em", value_vnd: 1_500_000 },
        { description: "Đồ gia dụng nhỏ", value_vnd: 900_000 },
      ],
    },
  ].map((c, i) => ({
    id: `x-demo-${tag}-${i + 1}`,
    resident: me.json.holder_digest,
    at_ms: base - c.days * DAY - (i + 1) * 3_600_000,
    direction: c.direction,
    goods: c.goods,
    recorded_by: GATE,
  }));
  const r = await sync(
    officer.token,
    clientId(),
    crossings.map((payload, i) => ({ seq: i + 1, kind: "resident.cross", payload }))
  );
  const refused = r.json?.results?.filter((x) => x.outcome !== "applied") ?? [];
  if (r.status !== 200 || refused.length > 0) fail("the crossings were not recorded", { status: r.status, text: r.text });
  console.log(`demo: ${demo("resident").name} has a resident pass for ${GATE} and ${crossings.length} crossings`);
}
