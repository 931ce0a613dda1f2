import { createHmac } from 'node:crypto';
import { WebhookVerificationError } from './errors.js';
import { secretKey } from './secret.js';

export interface SignInput {
  /** The `webhook-id`: unique per message, the same on every retry. */
  id: string;
  /** The `webhook-timestamp`: seconds since the epoch of this attempt. */
  timestamp: number;
  /** The exact bytes sent as the body. */
  payload: string | Buffer;
  /** `whsec_` secrets; during rotation the current and the previous one, each producing a signature. */
  secrets: readonly string[];
}

/** The base64 HMAC-SHA256 of `id.timestamp.payload` with one secret. */
export function signatureFor(secret: string, id: string, timestamp: number, payload: string | Buffer): string {
  return createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestamp}.`)
    .update(payload)
    .digest('base64');
}

/** The `webhook-signature` header value: `v1,<sig>` per secret, space-separated. */
export function sign(input: SignInput): string {
  checkId(input.id);
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new WebhookVerificationError('invalid_header', `webhook timestamp must be whole seconds, got ${input.timestamp}`);
  }
  if (input.secrets.length === 0) throw new WebhookVerificationError('invalid_secret', 'at least one webhook secret is needed to sign');
  return input.secrets.map((secret) => `v1,${signatureFor(secret, input.id, input.timestamp, input.payload)}`).join(' ');
}

/** The three headers of a signed request, ready to send. */
export function signedHeaders(input: SignInput): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return { 'webhook-id': input.id, 'webhook-timestamp': String(input.timestamp), 'webhook-signature': sign(input) };
}

// The spec forbids "." in the id: it separates the signed parts, so a dot would let parts shift.
function checkId(id: string): void {
  if (id.length === 0 || /[.\s]/.test(id)) {
    throw new WebhookVerificationError('invalid_header', 'webhook id must be non-empty without dots or whitespace');
  }
}
