// Helpers for tests of the yard queue: an operator bound to a yard, check-ins, the operator's
// calls, a trip's place, and a driver's live WebSocket.
import { call, BASE_URL } from "./api.mjs";
import { freshAddress, freshPhone, post, signIn, signInAs } from "./accounts.mjs";

/// A fresh yard operator bound to `yard`, created by the demo admin and signed in.
export async function operatorFor(yard) {
  const admin = await signInAs("admin");
  const phone = freshPhone();
  const password = "bai xe hang doi 2026";
  const r = await post(
    "/api/admin/accounts",
    { phone, password, role: "yard_operator", display_name: "Vi Văn Thắng", yard_id: yard },
    { token: admin.token }
  );
  if (r.status !== 200) throw new Error(`creating an operator for ${yard}: ${r.status} ${r.text}`);
  return { ...(await signIn(phone, password)), phone, password };
}

function headers({ token, now }) {
  const h = { "cf-connecting-ip": freshAddress(), "content-type": "application/json" };
  if (token) h.authorization = `Bearer ${token}`;
  if (now !== undefined && now !== null) h["x-test-now-ms"] = String(now);
  return h;
}

function postJson(path, body, opts) {
  return call(path, { method: "POST", headers: headers(opts), body: JSON.stringify(body ?? {}) });
}

/// `POST /api/yards/{yard}/queue/check-ins`.
export function checkIn(token, yard, pass, { scannedAt, now } = {}) {
  const body = { pass };
  if (scannedAt !== undefined) body.scanned_at_ms = scannedAt;
  return postJson(`/api/yards/${yard}/queue/check-ins`, body, { token, now });
}

/// `GET /api/yards/{yard}/queue`; throws unless 200.
export async function queueView(token, yard, { now } = {}) {
  const r = await call(`/api/yards/${yard}/queue`, { headers: headers({ token, now }) });
  if (r.status !== 200) throw new Error(`queue of ${yard}: ${r.status} ${r.text}`);
  return r.json;
}

/// The waiting plates of a lane, front first.
export function lanePlates(view, lane) {
  return view.lanes.find((l) => l.lane === lane).waiting.map((e) => e.plate);
}

export function callNext(token, yard, lane, count, { now } = {}) {
  return postJson(`/api/yards/${yard}/queue/call`, { lane, count }, { token, now });
}

export function serve(token, yard, entry, { now } = {}) {
  return postJson(`/api/yards/${yard}/queue/entries/${entry}/serve`, {}, { token, now });
}

export function absent(token, yard, entry, { now } = {}) {
  return postJson(`/api/yards/${yard}/queue/entries/${entry}/absent`, {}, { token, now });
}

export function move(token, yard, entry, position, reason, { now } = {}) {
  return postJson(`/api/yards/${yard}/queue/entries/${entry}/move`, { position, reason }, { token, now });
}

/// `GET /api/trips/{trip}/queue`, the raw response.
export function tripQueue(token, tripId, { now } = {}) {
  return call(`/api/trips/${tripId}/queue`, { headers: headers({ token, now }) });
}

/// The public board.
export async function board() {
  const r = await call("/api/board");
  if (r.status !== 200) throw new Error(`board: ${r.status} ${r.text}`);
  return r.json;
}

/// A driver's live connection to their trip's place, as the app opens it (the token travels as
/// a subprotocol). `next(pred)` resolves with the first message (already received or coming)
/// that satisfies `pred`, with the time it arrived.
export function openLive(token, tripId) {
  const url = `${BASE_URL.replace(/^http/, "ws")}/api/trips/${tripId}/queue/live`;
  const ws = new WebSocket(url, ["borderpass", `bearer.${token}`]);
  const messages = [];
  const waiters = [];
  ws.addEventListener("message", (event) => {
    const message = { at: performance.now(), view: JSON.parse(event.data) };
    messages.push(message);
    for (const w of [...waiters]) {
      if (w.pred(message.view)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  const opened = new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve(ws.protocol));
    ws.addEventListener("error", () => reject(new Error(`the live connection for ${tripId} failed`)));
    ws.addEventListener("close", () => reject(new Error(`the live connection for ${tripId} closed`)));
  });
  return {
    ws,
    opened,
    messages,
    next(pred, timeoutMs = 10_000) {
      const seen = messages.find((m) => pred(m.view));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { pred, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`no matching live message for ${tripId} within ${timeoutMs} ms`));
          }
        }, timeoutMs);
      });
    },
    close() {
      ws.close();
    },
  };
}
