// Shared steps of browser tests: a phone with its own address, and the accessibility check.
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import { openPhone } from "./browser.mjs";
import { freshAddress } from "./accounts.mjs";

/// Runs `fn` with a fresh phone that has its own client address (sign-ups and sign-ins are
/// limited per address), checks the page logged no errors, and closes the phone.
export async function withPhone(fn, options = {}) {
  const phone = await openPhone(options);
  await phone.context.setExtraHTTPHeaders({ "cf-connecting-ip": freshAddress() });
  try {
    await fn(phone);
    assert.deepEqual(phone.errors.map(String), [], "no errors in the page");
  } finally {
    await phone.close();
  }
}

/// axe-core's serious and critical WCAG 2.1 A/AA violations on the page, as short strings.
export async function axe(page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations
    .filter((v) => ["serious", "critical"].includes(v.impact))
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`);
}
