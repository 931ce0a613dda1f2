import { Code } from '@connectrpc/connect';
import { metricValue, rpcError, seedWorkspace, startHarness, withToken, type Harness } from './harness.js';

let harness: Harness;
let seed: Awaited<ReturnType<typeof seedWorkspace>>;

beforeAll(async () => {
  harness = await startHarness({ SLACK_MAX_RETRIES: '3' });
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

test('a dropped connection is retried like a network error', async () => {
  const channel = await newChannel('dropped');
  await harness.sim.control.fault({ kind: 'drop', method: 'chat.postMessage', count: 1 });
  await harness.client.postMessage({ channel, content: { text: 'after the drop' } }, withToken(seed.token));
  expect((await harness.sim.control.messages(channel)).map((m) => m.text)).toEqual(['after the drop']);
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
