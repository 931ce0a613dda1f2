import { createHash, randomBytes } from 'node:crypto';

const API_TOKEN_PREFIX = 'mt_';
const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** An organization API token; shown once, stored only as its hash. */
export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Tokens are long random strings, so one unsalted SHA-256 is enough to make a stolen table useless
 * and keeps lookups a single indexed equality.
 */
export function hashApiToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The reason a webhook secret is unusable, or undefined when it is a valid `whsec_` secret of 24+ bytes. */
export function webhookSecretProblem(secret: string): string | undefined {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return 'must start with "whsec_"';
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return 'must be "whsec_" followed by base64';
  if (Buffer.from(encoded, 'base64').length < 24) return 'must hold at least 24 random bytes';
  return undefined;
}

/** The legacy `megatron_verification_token` sent in app command bodies. */
export function generateVerificationToken(): string {
  return randomBytes(24).toString('base64url');
}
