import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { CommandSchema, RequestContextSchema } from '@megatron/contracts';
import { RetryLater } from './errors.js';
import { channelKeyOf, retryDelayMs } from './parked-channels.js';

test('a post whose outcome is unknown is looked for only after the wait it asked for', () => {
  expect(retryDelayMs(new RetryLater('may have landed', 30_000), 1)).toBe(30_000);
});

test("a rate-limited read waits at least Slack's Retry-After, never less", () => {
  const limited = new ConnectError('rate limited', Code.Unavailable, { 'slack-error': 'ratelimited', 'retry-after': '60' });
  for (let attempts = 1; attempts < 5; attempts++) expect(retryDelayMs(limited, attempts)).toBeGreaterThanOrEqual(60_000);
});

test('other failures back off exponentially with jitter, up to a minute', () => {
  const failure = new Error('connection-slack unavailable');
  for (let run = 0; run < 20; run++) {
    expect(retryDelayMs(failure, 1)).toBeGreaterThanOrEqual(500);
    expect(retryDelayMs(failure, 1)).toBeLessThanOrEqual(1_000);
    expect(retryDelayMs(failure, 4)).toBeGreaterThanOrEqual(4_000);
    expect(retryDelayMs(failure, 4)).toBeLessThanOrEqual(8_000);
    expect(retryDelayMs(failure, 30)).toBeLessThanOrEqual(60_000);
  }
});

test('a Command is kept in order with the others of its workspace and channel', () => {
  const inChannel = create(CommandSchema, { id: 'c1', context: create(RequestContextSchema, { teamId: 'T1', channelId: 'C1' }) });
  expect(channelKeyOf(inChannel)).toBe('T1:C1');
  expect(channelKeyOf(create(CommandSchema, { id: 'c2' }))).toBeUndefined();
});
