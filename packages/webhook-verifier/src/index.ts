export { WebhookVerificationError, type WebhookVerificationReason } from './errors.js';
export { secretKey } from './secret.js';
export { sign, signatureFor, signedHeaders, type SignInput } from './sign.js';
export { verify, type HeaderSource, type VerifiedWebhook, type VerifyOptions } from './verify.js';
export { verifyLegacyToken } from './legacy-token.js';
