import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { CommandSchema, RequestContextSchema } from '@megatron/contracts';
import { RetryLater } from './errors.js';
import { laneOf } from './lanes.js';
import { retryDelayMs } from './parked-channels.js';

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

describe('lanes', () => {
  const context = create(RequestContextSchema, { teamId: 'T1', channelId: 'C1' });
  const command = (kind: MessageInitShape<typeof CommandSchema>['kind']) => create(CommandSchema, { id: 'c1', context, kind });

  test("an agent's messages, edits, deletes and the verbs on the channel's own customer keep the channel's order", () => {
    expect(laneOf(command({ case: 'message', value: {} }))).toEqual({ kind: 'channel', key: 'T1:C1' });
    expect(laneOf(command({ case: 'messageDeleted', value: {} }))).toEqual({ kind: 'channel', key: 'T1:C1' });
    expect(laneOf(command({ case: 'pause', value: {} }))).toEqual({ kind: 'channel', key: 'T1:C1' });
    expect(laneOf(command({ case: 'close', value: { target: { kind: { case: 'user', value: { teamId: 'T2', userId: 'U2' } } } } }))).toEqual({ kind: 'channel', key: 'T1:C1' });
  });

  test('opening a channel, a name to look up and app pushes run off the lanes, keyed per Command under their workspace', () => {
    expect(laneOf(command({ case: 'open', value: {} }))).toEqual({ kind: 'free', key: 'free:T1:c1' });
    expect(laneOf(command({ case: 'pause', value: { target: { kind: { case: 'name', value: 'phil' } } } }))).toEqual({ kind: 'free', key: 'free:T1:c1' });
    expect(laneOf(command({ case: 'do', value: { text: 'hi' } }))).toEqual({ kind: 'free', key: 'free:T1:c1' });
  });

  test('an answer about a held message and a feedback click wait for nothing', () => {
    expect(laneOf(command({ case: 'heldMessageChoice', value: {} }))).toEqual({ kind: 'direct' });
    expect(laneOf(command({ case: 'feedback', value: {} }))).toEqual({ kind: 'direct' });
    expect(laneOf(create(CommandSchema, { id: 'c2' }))).toEqual({ kind: 'direct' });
  });
});
