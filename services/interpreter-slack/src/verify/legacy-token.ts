import { secretsEqual } from '@megatron/runtime';

/** The deprecated verification token Slack still puts in every body; checked only when one is configured. */
export function legacyTokenMatches(expected: string | undefined, given: unknown): boolean {
  if (expected === undefined) return true;
  if (typeof given !== 'string') return false;
  return secretsEqual(given, expected);
}
