import { createLogger } from '@megatron/runtime';
import { SlackClientCache, tokenFingerprint } from './client-cache.js';

test('the cache keeps one client per token and evicts the least recently used beyond its bound', () => {
  const cache = new SlackClientCache({ slackApiUrl: 'http://127.0.0.1:1/api/', requestTimeoutMs: 1000, maxClients: 2, logger: createLogger('test', 'silent') });
  const a = cache.client('xoxb-a');
  cache.client('xoxb-b');
  expect(cache.client('xoxb-a')).toBe(a);
  cache.client('xoxb-c');
  expect(cache.size).toBe(2);
  expect(cache.client('xoxb-a')).toBe(a);
  expect(cache.client('xoxb-b')).not.toBe(undefined);
  expect(cache.size).toBe(2);
});

test('a token fingerprint is stable and does not contain the token', () => {
  expect(tokenFingerprint('xoxb-secret-value')).toBe(tokenFingerprint('xoxb-secret-value'));
  expect(tokenFingerprint('xoxb-secret-value')).toMatch(/^[0-9a-f]{16}$/);
  expect(tokenFingerprint('xoxb-secret-value')).not.toContain('secret');
});
