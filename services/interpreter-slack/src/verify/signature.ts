import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack refuses replays older than five minutes (api.slack.com/authentication/verifying-requests-from-slack). */
export const MAX_SIGNATURE_AGE_SECONDS = 5 * 60;

export interface SignedRequest {
  /** `X-Slack-Request-Timestamp`. */
  timestamp: string | undefined;
  /** `X-Slack-Signature`. */
  signature: string | undefined;
  rawBody: Buffer;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function signV0(signingSecret: string, timestamp: string, rawBody: Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

/** Verifies Slack's v0 signature over the raw bytes, in constant time, within the replay window. */
export function verifySlackSignature(signingSecret: string, request: SignedRequest, nowMs: number): SignatureCheck {
  const { timestamp, signature } = request;
  if (!timestamp) return { ok: false, reason: 'missing X-Slack-Request-Timestamp' };
  if (!signature) return { ok: false, reason: 'missing X-Slack-Signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Slack-Request-Timestamp is not a number of seconds' };
  const ageSeconds = Math.abs(Math.floor(nowMs / 1000) - Number(timestamp));
  if (ageSeconds > MAX_SIGNATURE_AGE_SECONDS) return { ok: false, reason: 'stale X-Slack-Request-Timestamp' };
  const expected = Buffer.from(signV0(signingSecret, timestamp, request.rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'X-Slack-Signature does not match' };
  }
  return { ok: true };
}
