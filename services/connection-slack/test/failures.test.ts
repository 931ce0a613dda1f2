import { Code } from '@connectrpc/connect';
import { metricValue } from '@megatron/testkit';
import { rpcError, seedWorkspace, startHarness, withToken, type Harness } from './harness.js';

let harness: Harness;
let seed: Awaited<ReturnType<typeof seedWorkspace>>;

beforeAll(async () => {
  harness = await startHarness({ SLACK_MAX_RETRIES: '3', SLACK_REQUEST_TIMEOUT_MS: '1000' });
  seed = await seedWorkspace(harness.sim, 0);
});

afterAll(async () => {
  await harness.close();
});

afterEach(async () => {
  await harness.sim.control.setRateLimits(false);
});

async function newChannel(name: string, token = seed.token): Promise<string> {
  const { channel } = await harness.client.createChannel({ name }, withToken(token));
  return channel?.id ?? '';
}

test('a 429 storm is absorbed: every message is delivered once and in order per channel', async () => {
  const channels = await Promise.all(['storm-a', 'storm-b', 'storm-c'].map((name) => newChannel(name)));
  const rateLimitedBefore = await metricValue(harness.httpUrl, 'megatron_slack_rate_limited_total');
  await harness.sim.control.setRateLimits(true, { postMessagePerSecond: 3, postMessageBurst: 0 });
  const texts = Array.from({ length: 7 }, (_, i) => `message ${i}`);
  // Issued all at once, interleaved across channels, as independent RPCs.
  const calls = texts.flatMap((text) =>
    channels.map((channel) => harness.client.postMessage({ channel, content: { text } }, withToken(seed.token))),
  );
  await Promise.all(calls);
  for (const channel of channels) {
    expect((await harness.sim.control.messages(channel)).map((m) => m.text)).toEqual(texts);
  }
  expect(await metricValue(harness.httpUrl, 'megatron_slack_rate_limited_total')).toBeGreaterThan(rateLimitedBefore);
});

test('two 5xx answers are retried and the message is posted once', async () => {
  const channel = await newChannel('five-hundreds');
  const retriesBefore = await metricValue(harness.httpUrl, 'megatron_slack_retries_total', (l) => l.includes('reason="server_error"'));
  await harness.sim.control.fault({ kind: '5xx', method: 'chat.postMessage', count: 2 });
  const posted = await harness.client.postMessage({ channel, content: { text: 'survives' } }, withToken(seed.token));
  const messages = await harness.sim.control.messages(channel);
  expect(messages.map((m) => [m.ts, m.text])).toEqual([[posted.ts, 'survives']]);
  expect(await metricValue(harness.httpUrl, 'megatron_slack_retries_total', (l) => l.includes('reason="server_error"'))).toBe(retriesBefore + 2);
});

test('5xx past the retry budget comes back UNAVAILABLE and posts nothing', async () => {
  const channel = await newChannel('five-hundreds-forever');
  await harness.sim.control.fault({ kind: '5xx', method: 'chat.postMessage', count: 4 });
  const error = await rpcError(harness.client.postMessage({ channel, content: { text: 'lost' } }, withToken(seed.token)));
  expect(error.code).toBe(Code.Unavailable);
  expect(error.metadata.get('slack-error')).toBe('server_error');
  expect(error.rawMessage).toContain('gave up after 4 attempts');
  expect(await harness.sim.control.messages(channel)).toEqual([]);
});

test('a connection lost under a repeatable call is retried', async () => {
  const channel = await newChannel('dropped');
  const { ts } = await harness.client.postMessage({ channel, content: { text: 'before' } }, withToken(seed.token));
  await harness.sim.control.fault({ kind: 'drop', method: 'chat.update', count: 1 });
  await harness.client.updateMessage({ channel, ts, content: { text: 'after the drop' } }, withToken(seed.token));
  expect((await harness.sim.control.messages(channel)).map((m) => m.text)).toEqual(['after the drop']);
});

describe('a post whose outcome is unknown is not repeated', () => {
  async function uncertainPost(name: string, fault: Parameters<Harness['sim']['control']['fault']>[0]) {
    const channel = await newChannel(name);
    await harness.sim.control.fault(fault);
    const error = await rpcError(harness.client.postMessage({ channel, content: { text: 'once' } }, withToken(seed.token)));
    expect(error.code).toBe(Code.Unavailable);
    expect(error.metadata.get('slack-outcome')).toBe('unknown');
    return channel;
  }

  test('Slack answers after the request timeout: the message lands once, late', async () => {
    const channel = await uncertainPost('slow-post', { kind: 'latency', method: 'chat.postMessage', latencyMs: 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await harness.sim.control.messages(channel)).map((m) => m.text)).toEqual(['once']);
  });

  test('the connection is reset after Slack posted: the message is there once', async () => {
    const channel = await uncertainPost('reset-post', { kind: 'reset_after_send', method: 'chat.postMessage' });
    expect((await harness.sim.control.messages(channel)).map((m) => m.text)).toEqual(['once']);
  });

  test('the connection is dropped before Slack posted: nothing is posted, nothing repeated', async () => {
    const channel = await uncertainPost('dropped-post', { kind: 'drop', method: 'chat.postMessage' });
    expect(await harness.sim.control.messages(channel)).toEqual([]);
  });
});

test('posts carry metadata that the history returns', async () => {
  const channel = await newChannel('with-metadata');
  const metadata = { eventType: 'megatron_forward', eventPayloadJson: JSON.stringify({ key: 'fwd:abc' }) };
  const { ts } = await harness.client.postMessage({ channel, content: { text: 'tagged' }, metadata }, withToken(seed.token));
  const { messages } = await harness.client.getHistory({ channel, limit: 5 }, withToken(seed.token));
  expect(messages.map((m) => [m.ts, m.metadata?.eventType, JSON.parse(m.metadata?.eventPayloadJson ?? '{}')])).toEqual([[ts, 'megatron_forward', { key: 'fwd:abc' }]]);
  const newer = await harness.client.getHistory({ channel, oldest: ts }, withToken(seed.token));
  expect(newer.messages).toEqual([]);
  const bad = await rpcError(harness.client.postMessage({ channel, content: { text: 'x' }, metadata: { eventType: 'Bad Type', eventPayloadJson: '{}' } }, withToken(seed.token)));
  expect([bad.code, bad.rawMessage]).toEqual([Code.InvalidArgument, 'metadata.event_type must be lowercase letters, digits and underscores']);
});

test('a revoked token comes back UNAUTHENTICATED with token_revoked, without retries', async () => {
  const { botToken } = await harness.sim.control.issueBotToken(seed.app.appId);
  const channel = await newChannel('revoked', botToken);
  await harness.sim.control.revokeToken(botToken);
  const retriesBefore = await metricValue(harness.httpUrl, 'megatron_slack_retries_total');
  const error = await rpcError(harness.client.postMessage({ channel, content: { text: 'x' } }, withToken(botToken)));
  expect(error.code).toBe(Code.Unauthenticated);
  expect(error.metadata.get('slack-error')).toBe('token_revoked');
  expect(await metricValue(harness.httpUrl, 'megatron_slack_retries_total')).toBe(retriesBefore);
});

test('an unknown token comes back UNAUTHENTICATED with invalid_auth', async () => {
  const error = await rpcError(harness.client.authTest({}, withToken('xoxb-not-a-real-token')));
  expect(error.code).toBe(Code.Unauthenticated);
  expect(error.metadata.get('slack-error')).toBe('invalid_auth');
});

test("a slow Slack ends the call at the caller's deadline", async () => {
  await harness.sim.control.fault({ kind: 'latency', method: 'auth.test', latencyMs: 700, count: 1 });
  const started = Date.now();
  const error = await rpcError(harness.client.authTest({}, { ...withToken(seed.token), timeoutMs: 150 }));
  expect(error.code).toBe(Code.DeadlineExceeded);
  expect(Date.now() - started).toBeLessThan(600);
});

test('a Retry-After longer than the deadline fails at once as UNAVAILABLE with the wait in metadata', async () => {
  const { botToken } = await harness.sim.control.issueBotToken(seed.app.appId);
  await harness.sim.control.setRateLimits(true, { perMinute: { 4: 1 } });
  await harness.client.authTest({}, withToken(botToken));
  const started = Date.now();
  const error = await rpcError(harness.client.authTest({}, { ...withToken(botToken), timeoutMs: 5000 }));
  expect(error.code).toBe(Code.Unavailable);
  expect(error.metadata.get('slack-error')).toBe('ratelimited');
  expect(Number(error.metadata.get('retry-after'))).toBeGreaterThan(5);
  expect(Date.now() - started).toBeLessThan(2000);
});
