// Standard Webhooks signing (https://www.standardwebhooks.com), as shared/src/province/webhook.rs
// does it, written again here from the specification so the simulator checks the edge
// independently: `v1,` + Base64 HMAC-SHA256 of `id.timestamp.body`, secrets `whsec_<base64>`,
// a 5-minute window.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const TOLERANCE_S = 5 * 60;

export function secretKey(secret) {
  if (typeof secret !== "string" || !secret.startsWith("whsec_")) throw new Error("not a whsec_ secret");
  return Buffer.from(secret.slice("whsec_".length), "base64");
}

export function newSecret() {
  return "whsec_" + randomBytes(32).toString("base64");
}

export function sign(secret, id, timestampS, body) {
  const mac = createHmac("sha256", secretKey(secret)).update(`${id}.${timestampS}.`).update(body).digest("base64");
  return `v1,${mac}`;
}

/// The three headers for a message signed now (or at `timestampS`).
export function signedHeaders(secret, id, body, timestampS = Math.floor(Date.now() / 1000)) {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampS),
    "webhook-signature": sign(secret, id, timestampS, body),
  };
}

/// Checks a message; returns null when it holds, else why not (the words of webhook.rs).
export function verify(secret, headers, body, nowS = Math.floor(Date.now() / 1000)) {
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  const sigs = headers["webhook-signature"];
  if (!id || !ts || !sigs) return "missing_header";
  if (!/^(0|[1-9][0-9]{0,15})$/.test(ts)) return "bad_timestamp";
  if (Math.abs(nowS - Number(ts)) > TOLERANCE_S) return "outside_window";
  const expected = Buffer.from(sign(secret, id, Number(ts), body).slice(3), "base64");
  const ok = String(sigs)
    .split(/\s+/)
    .some((s) => {
      if (!s.startsWith("v1,")) return false;
      const got = Buffer.from(s.slice(3), "base64");
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
  return ok ? null : "bad_signature";
}
