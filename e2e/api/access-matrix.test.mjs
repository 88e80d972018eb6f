// Calls every API route as anonymous and as every role, and checks the exact outcome against
// route-matrix.json. The Worker's unit tests make sure that file lists every route.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { call } from "../lib/api.mjs";
import { signInAs, freshAddress } from "../lib/accounts.mjs";

const matrix = JSON.parse(await readFile(new URL("./route-matrix.json", import.meta.url), "utf8"));

function expected(expect, caller) {
  const value = expect[caller] ?? expect["*"];
  const [status, code] = String(value).split(" ");
  return { status: Number(status), code };
}

async function request(c, token, address) {
  const headers = { "cf-connecting-ip": address };
  if (token) headers.authorization = `Bearer ${token}`;
  const init = { method: c.method, headers };
  if (c.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(c.body);
  }
  return call(c.path, init);
}

test("every route allows exactly the callers it should", async () => {
  const sessions = { anonymous: null };
  for (const role of matrix.callers.filter((c) => c !== "anonymous")) {
    sessions[role] = (await signInAs(role)).token;
  }
  const address = freshAddress();
  const failures = [];
  const rows = [];
  for (const route of matrix.routes) {
    for (const c of route.cases) {
      const cells = [];
      for (const caller of matrix.callers) {
        let token = sessions[caller];
        if (c.fresh_session && caller !== "anonymous") token = (await signInAs(caller, { fresh: true })).token;
        const r = await request({ ...c, method: route.method }, token, address);
        const want = expected(c.expect, caller);
        const got = `${r.status}${r.json?.code ? " " + r.json.code : ""}`;
        const ok = r.status === want.status && (!want.code || r.json?.code === want.code);
        if (!ok) failures.push(`${route.method} ${c.path} as ${caller}: want ${c.expect[caller] ?? c.expect["*"]}, got ${got}`);
        cells.push(r.status < 300 ? "✅" : got);
      }
      if (c.path.endsWith("/signout-all")) {
        // That signed every caller out everywhere: start new sessions for the rest.
        for (const role of Object.keys(sessions).filter((r) => r !== "anonymous")) {
          sessions[role] = (await signInAs(role, { fresh: true })).token;
        }
      }
      rows.push(`| \`${route.method} ${c.path}\`${c.note ? ` (${c.note})` : ""} | ${cells.join(" | ")} |`);
    }
  }
  // The matrix as a table, for reviews and the issue's closing note.
  await mkdir("e2e/artifacts", { recursive: true });
  await writeFile(
    "e2e/artifacts/route-matrix.md",
    `| route | ${matrix.callers.join(" | ")} |\n|---|${matrix.callers.map(() => "---").join("|")}|\n${rows.join("\n")}\n`
  );
  assert.deepEqual(failures, []);
});
