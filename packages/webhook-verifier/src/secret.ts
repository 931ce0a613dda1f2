import { WebhookVerificationError } from './errors.js';

const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The HMAC key inside a `whsec_<base64>` secret (Standard Webhooks, "Secret serialization"). */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) {
    throw new WebhookVerificationError('invalid_secret', 'webhook secret must start with "whsec_"');
  }
  const encoded = secret.slice(PREFIX.length);
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    throw new WebhookVerificationError('invalid_secret', 'webhook secret must be "whsec_" followed by base64');
  }
  const key = Buffer.from(encoded, 'base64');
  // The spec's floor (24 random bytes); shorter keys would make the HMAC guessable.
  if (key.length < 24) {
    throw new WebhookVerificationError('invalid_secret', `webhook secret key is ${key.length} bytes; at least 24 are needed`);
  }
  return key;
}
