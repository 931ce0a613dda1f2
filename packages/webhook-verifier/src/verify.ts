import { timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors.js';
import { signatureFor } from './sign.js';

/** Node's `req.headers`, a fetch `Headers`, or a plain record. */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** How far the timestamp may be from now, either way; 5 minutes unless given. */
  toleranceSeconds?: number;
  /** Seconds since the epoch; for tests. */
  now?: number;
}

export interface VerifiedWebhook {
  /** Use as the idempotency key: retries of one command carry the same id. */
  id: string;
  timestamp: number;
}

const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Checks a request signed per Standard Webhooks against the raw body. Accepts if any `v1`
 * signature matches any of the secrets (rotation); throws WebhookVerificationError otherwise.
 */
export function verify(
  payload: string | Buffer,
  headers: HeaderSource,
  secrets: string | readonly string[],
  options: VerifyOptions = {},
): VerifiedWebhook {
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!/^\d{1,15}$/.test(timestampText)) {
    throw new WebhookVerificationError('invalid_header', 'webhook-timestamp must be whole seconds since the epoch');
  }
  const timestamp = Number(timestampText);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (timestamp < now - tolerance) throw new WebhookVerificationError('timestamp_too_old', 'webhook-timestamp is too old');
  if (timestamp > now + tolerance) throw new WebhookVerificationError('timestamp_too_new', 'webhook-timestamp is in the future');

  const candidates = signatures
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'));
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  if (keys.length === 0) throw new WebhookVerificationError('invalid_secret', 'at least one webhook secret is needed to verify');
  for (const secret of keys) {
    const expected = Buffer.from(signatureFor(secret, id, timestamp, payload), 'base64');
    if (candidates.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))) {
      return { id, timestamp };
    }
  }
  throw new WebhookVerificationError('no_matching_signature', 'no webhook-signature matches the secret');
}

function header(headers: HeaderSource, name: string): string {
  const raw = isFetchHeaders(headers) ? headers.get(name) : lookup(headers, name);
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null || value === '') {
    throw new WebhookVerificationError('missing_header', `${name} header is missing`);
  }
  return value;
}

function isFetchHeaders(headers: HeaderSource): headers is { get(name: string): string | null } {
  return typeof headers.get === 'function';
}

function lookup(record: Record<string, string | string[] | undefined>, name: string): string | string[] | undefined {
  if (name in record) return record[name];
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : record[key];
}
