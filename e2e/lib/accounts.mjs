// Helpers for tests that sign in: demo accounts, fresh phone numbers, fake client addresses.
import { call } from "./api.mjs";
import { DEMO_ACCOUNTS } from "../../edge/seed/demo-accounts.mjs";

export { DEMO_ACCOUNTS };
export const demo = (role) => DEMO_ACCOUNTS.find((a) => a.role === role);

let counter = 0;
// Each test file runs in its own process: a random tag keeps their numbers apart. Tags stay
// below 800 so that no number can be a demo account's (0981 000 00x).
const runTag = Math.floor(Math.random() * 700) + 100;

/// A fresh Vietnamese mobile number: 09, the run's tag, a counter.
export function freshPhone() {
  counter += 1;
  return `09${runTag}${String(counter).padStart(5, "0")}`;
}

/// A made-up client address: wrangler dev keeps a client-sent CF-Connecting-IP (Cloudflare
/// overwrites it in production), so each test can be its own phone for the rate limits.
export function freshAddress() {
  counter += 1;
  return `10.${runTag % 250}.${Math.floor(counter / 250) % 250}.${(counter % 250) + 1}`;
}

export function post(path, body, { token, address = freshAddress(), headers = {} } = {}) {
  return call(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "cf-connecting-ip": address,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function get(path, { token } = {}) {
  return call(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

export async function signIn(phone, password, options = {}) {
  const r = await post("/api/auth/signin", { phone, password }, options);
  if (r.status !== 200) throw new Error(`sign-in of ${phone} failed: ${r.status} ${r.text}`);
  return r.json;
}

const sessions = new Map();

/// A session of the demo account for `role`, reused within a test file (sign-ins per phone are
/// rate-limited); `fresh: true` always signs in anew.
export async function signInAs(role, { fresh = false } = {}) {
  if (!fresh && sessions.has(role)) return sessions.get(role);
  const account = demo(role);
  const session = await signIn(account.phone, account.password);
  if (!fresh) sessions.set(role, session);
  return session;
}
