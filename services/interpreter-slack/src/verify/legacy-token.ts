import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The deprecated verification token Slack still puts in every body; checked only when one is
 * configured. Hashing first gives equal lengths, so the compare stays constant-time.
 */
export function legacyTokenMatches(expected: string | undefined, given: unknown): boolean {
  if (expected === undefined) return true;
  if (typeof given !== 'string') return false;
  return timingSafeEqual(digest(expected), digest(given));
}
