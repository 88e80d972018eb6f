// A border resident's crossing at the gate, measured: `benchResidentScan` is wired into
// bench/bench.mjs.
//
// - resident_scan_to_recorded_ms: in Chromium with the CPU slowed 4× and the network off, the
//   demo officer (Hữu Nghị) pastes a resident's pass on the verify screen; from the tap on
//   Verify (`bp-resident-paste`, marked just before the click) through the verdict and the
//   resident panel (roster lookup, ledger computed on the phone), the tap on IN and the tap on
//   Record, to the crossing written in the outbox (`bp-crossing-recorded`, marked by the page
//   once IndexedDB has committed it). Median of several runs; the two taps are Playwright's
//   clicks, sent as soon as each button is on screen.
import { openPhone } from "../e2e/lib/browser.mjs";
import { DEMO_ACCOUNTS } from "../edge/seed/demo-accounts.mjs";
import { get, post, signInAs } from "../e2e/lib/accounts.mjs";
import { signUpOwner } from "../e2e/lib/trips.mjs";
import { SignInPage } from "../e2e/pages/auth-pages.mjs";
import { randomInt } from "node:crypto";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/// An approved resident of Hữu Nghị with their pass.
async function approvedResident() {
  const account = await signUpOwner("resident");
  const expires = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
  const applied = await post(
    "/api/residents",
    {
      name: "Nông Văn Bench",
      commune_id: "cl-dong-dang",
      id_number: Array.from({ length: 12 }, () => randomInt(10)).join(""),
      border_pass_number: `LSB${randomInt(100000, 999999)}`,
      border_pass_expires: expires,
      home_gate: "huu-nghi",
    },
    { token: account.token },
  );
  if (applied.status !== 201) throw new Error(`application: ${applied.status} ${applied.text}`);
  const officer = await signInAs("officer");
  const approved = await post(`/api/residents/${applied.json.id}/decisions`, { decision: "approve" }, { token: officer.token });
  if (approved.status !== 200) throw new Error(`approval: ${approved.status} ${approved.text}`);
  const me = await get("/api/residents/me", { token: account.token });
  if (!me.json?.pass) throw new Error(`no pass: ${me.status} ${me.text}`);
  return me.json;
}

export async function benchResidentScan({ baseUrl, runs = 7 }) {
  const resident = await approvedResident();
  const phone = await openPhone();
  try {
    const { page, context } = phone;
    const officer = DEMO_ACCOUNTS.find((a) => a.role === "officer");
    await (await new SignInPage(page).open()).signIn(officer.phone, officer.password);
    await page.getByTestId("officer-home").waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.goto(baseUrl + "/officer/verify");
    await page.getByTestId("trust-as-of").waitFor();
    await page.getByTestId("verifier-status").waitFor({ state: "detached" });
    // The roster on the phone holds the resident.
    const since = Date.now() - 1000;
    await page.waitForFunction(
      (since) => Number(document.querySelector('[data-testid="roster-as-of"]')?.dataset.fetchedAt ?? 0) >= since,
      since,
      { timeout: 30000 },
    );
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId("trust-as-of").waitFor();
    await page.getByTestId("roster-as-of").waitFor();
    await page.getByTestId("verifier-status").waitFor({ state: "detached" });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    const times = [];
    for (let i = 0; i < runs; i++) {
      await page.evaluate(() => performance.clearMarks());
      await page.getByTestId("pass-input").fill(resident.pass);
      await page.evaluate(() => {
        performance.mark("bp-resident-paste");
        document.querySelector('[data-testid="verify-button"]').click();
      });
      await page.locator('[data-testid="resident-panel"][data-known="true"] [data-testid="direction-in"]').click({ timeout: 60000 });
      await page.getByTestId("record-crossing").click();
      await page.getByTestId("crossing-recorded").waitFor({ timeout: 60000 });
      times.push(
        await page.evaluate(() => {
          const at = (name) => performance.getEntriesByName(name, "mark").at(-1)?.startTime;
          return at("bp-crossing-recorded") - at("bp-resident-paste");
        }),
      );
      await page.getByTestId("check-another").click();
      await page.getByTestId("verdict").waitFor({ state: "detached" });
    }
    if (times.some((t) => !Number.isFinite(t))) throw new Error(`resident scan marks missing: ${times}`);
    return { figures: { resident_scan_to_recorded_ms: Math.round(median(times)) }, runs: times.map(Math.round) };
  } finally {
    await phone.close();
  }
}
