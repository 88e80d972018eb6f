// Helpers for tests that sign in: demo accounts, fresh phone numbers, fake client addresses.
import fs from "node:fs";
import path from "node:path";
import { call } from "./api.mjs";
import { DEMO_ACCOUNTS } from "../../edge/seed/demo-accounts.mjs";

export { DEMO_ACCOUNTS };
export const demo = (role) => DEMO_ACCOUNTS.find((a) => a.role === role);

let counter = 0;
// Each test file runs in its own process, with its own tag so that their numbers never meet
// (two files drawing the same tag signed up the same phones: the second got the first's code,
// `invalid_code`). Tags are claimed in the run's state directory, one file each, created
// exclusively; without one (a test run by hand), a random tag. Tags stay within 100..799 so
// that no number can be a demo account's (0981 000 00x).
const runTag = claimTag();

function claimTag() {
  const first = Math.floor(Math.random() * 700);
  const state = process.env.BORDERPASS_STATE;
  if (!state) return first + 100;
  const dir = path.join(state, "phone-tags");
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 700; i += 1) {
    const tag = ((first + i) % 700) + 100;
    try {
      fs.closeSync(fs.openSync(path.join(dir, String(tag)), "wx"));
      return tag;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
    }
  }
  throw new Error("every phone tag of this run is taken");
}

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

/// This test process's device: sign-ups and verified sign-ins remember it for the account, so
/// later sign-ins from it need no code (like the app on one phone).
export const DEVICE_ID = `e2e-device-${runTag}-${Math.random().toString(36).slice(2, 12)}`;

/// The local SMS double's messages to `phone`, newest first (the test Worker runs with
/// SMS_ADAPTER=local).
export async function smsInbox(phone) {
  const r = await call(`/api/dev/sms?phone=${encodeURIComponent(phone)}`);
  if (r.status !== 200) throw new Error(`the SMS inbox of ${phone}: ${r.status} ${r.text}`);
  return r.json.messages;
}

/// The code in the newest SMS to `phone` (or undefined when that SMS has none).
export async function latestCode(phone) {
  const [newest] = await smsInbox(phone);
  return newest?.text.match(/\b(\d{6})\b/)?.[1];
}

/// Asks for a one-time code (`purpose`: sign_up, reset_password); returns the answer.
export function requestCode(phone, purpose = "sign_up", options = {}) {
  return post("/api/auth/codes", { phone, purpose }, options);
}

/// Signs up the way the app does: a code to the phone, read from the SMS double, then the
/// sign-up with it (from this process's device unless `device_id` is given). Answers like
/// `post`. A body the code request refuses (a malformed phone) is sent as it is, so callers
/// still see the sign-up's own refusal.
export async function signUp(body, options = {}) {
  if (typeof body !== "object" || body === null || "code" in body) return post("/api/auth/signup", body, options);
  const sent = await requestCode(body.phone, "sign_up", options);
  const code = sent.status === 200 ? await latestCode(body.phone) : undefined;
  return post("/api/auth/signup", { device_id: DEVICE_ID, ...body, code: code ?? "000000" }, options);
}

/// Signs in from this process's device (or `device_id`); when the account does not know the
/// device yet, completes the sign-in with the code the SMS double received.
export async function signIn(phone, password, { device_id = DEVICE_ID, ...options } = {}) {
  let r = await post("/api/auth/signin", { phone, password, device_id }, options);
  if (r.status === 401 && r.json?.code === "code_required") {
    const code = await latestCode(phone);
    r = await post("/api/auth/signin", { phone, password, device_id, code }, options);
  }
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
