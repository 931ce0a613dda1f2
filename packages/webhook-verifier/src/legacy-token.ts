import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares the body's `megatron_verification_token` with the organization's token in constant
 * time. Kept for apps written against the original Megatron; prefer `verify`.
 */
export function verifyLegacyToken(received: unknown, expected: string): boolean {
  if (typeof received !== 'string' || received.length === 0 || expected.length === 0) return false;
  // Hashing first gives equal lengths, so the comparison leaks neither content nor length.
  return timingSafeEqual(digest(received), digest(expected));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
