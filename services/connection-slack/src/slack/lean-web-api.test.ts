import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSlackSim, type SlackSim } from '@megatron/slack-sim';
import { classifySlackFailure, SlackHttpError, SlackPlatformError } from './errors.js';
import { LeanWebApi } from './lean-web-api.js';

let sim: SlackSim;
let lean: LeanWebApi;
let token: string;
let channel: string;

beforeAll(async () => {
  sim = await startSlackSim();
  lean = new LeanWebApi({ slackApiUrl: sim.apiUrl, requestTimeoutMs: 1000 });
  const workspace = await sim.control.createWorkspace({ name: 'Lean', domain: 'lean' });
  const app = await sim.control.createApp({ teamId: workspace.id, name: 'Megabot' });
  const user = await sim.control.createUser({ teamId: workspace.id, name: 'sam' });
  token = app.botToken;
  const opened = await lean.call(token, 'conversations.open', { users: user.id });
  channel = (opened as { channel?: { id?: string } }).channel?.id ?? '';
});

afterEach(async () => {
  await sim.control.setRateLimits(false);
  await sim.control.clearFaults();
});

afterAll(async () => {
  await lean.close();
  await sim.close();
});

/** The error a call ended with; fails the test if it succeeded. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A plain HTTP server that records what reaches it and answers with `answer`. */
async function recordingServer(answer: (res: ServerResponse) => void): Promise<{ server: Server; url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

test('a post is one JSON call that lands in the channel and answers its ts', async () => {
  const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hello*' } }];
  const posted = await lean.call(token, 'chat.postMessage', { channel, text: 'hello', blocks, metadata: { event_type: 'lean_test', event_payload: { n: 1 } } });
  expect(posted.ok).toBe(true);
  const [message] = await sim.control.messages(channel);
  expect(message).toMatchObject({ ts: (posted as { ts?: string }).ts, text: 'hello', blocks });
});

test("Slack's ok:false answer is a permanent failure with its error and messages", async () => {
  const error = await failure(lean.call(token, 'chat.postMessage', { channel: 'C0NOTHERE', text: 'x' }));
  expect(error).toBeInstanceOf(SlackPlatformError);
  expect(classifySlackFailure(error)).toMatchObject({ kind: 'permanent', slackError: 'channel_not_found' });
  const missing = await failure(lean.call(token, 'chat.delete', { channel }));
  expect(classifySlackFailure(missing)).toEqual({
    kind: 'permanent',
    slackError: 'invalid_arguments',
    detail: 'invalid_arguments ([ERROR] missing required field: ts)',
  });
});

test('an unknown token is refused as invalid_auth and the message does not say the token', async () => {
  const error = await failure(lean.call('xoxb-not-a-real-token', 'chat.postMessage', { channel, text: 'x' }));
  expect(classifySlackFailure(error)).toMatchObject({ kind: 'permanent', slackError: 'invalid_auth' });
  expect(String(error)).not.toContain('xoxb-not-a-real-token');
});

test('a 429 is rate_limited with its Retry-After', async () => {
  const { ts } = (await lean.call(token, 'chat.postMessage', { channel, text: 'react to me' })) as { ts?: string };
  await sim.control.setRateLimits(true, { methodTiers: { 'reactions.add': 1 } });
  await lean.call(token, 'reactions.add', { channel, timestamp: ts, name: 'eyes' });
  const error = await failure(lean.call(token, 'reactions.add', { channel, timestamp: ts, name: 'tada' }));
  expect(error).toBeInstanceOf(SlackHttpError);
  const classified = classifySlackFailure(error);
  expect(classified.kind).toBe('rate_limited');
  expect(classified.kind === 'rate_limited' && classified.retryAfterMs).toBeGreaterThan(1000);
});

test('a 5xx is a transient server error', async () => {
  await sim.control.fault({ kind: '5xx', method: 'chat.update', count: 1 });
  const error = await failure(lean.call(token, 'chat.update', { channel, ts: '1.000001', text: 'x' }));
  expect(classifySlackFailure(error)).toMatchObject({ kind: 'transient', reason: 'server_error' });
});

test('a dropped connection may have reached Slack; a refused one cannot have', async () => {
  await sim.control.fault({ kind: 'drop', method: 'chat.delete', count: 1 });
  const dropped = await failure(lean.call(token, 'chat.delete', { channel, ts: '1.000001' }));
  expect(classifySlackFailure(dropped)).toMatchObject({ kind: 'transient', reason: 'network_error', requestSent: true });

  const closed = await recordingServer((res) => res.end());
  await new Promise<void>((resolve) => closed.server.close(() => resolve()));
  const nowhere = new LeanWebApi({ slackApiUrl: `${closed.url}/api/`, requestTimeoutMs: 1000 });
  const refused = await failure(nowhere.call(token, 'chat.postMessage', { channel, text: 'x' }));
  await nowhere.close();
  expect(classifySlackFailure(refused)).toMatchObject({ kind: 'transient', reason: 'network_error', requestSent: false });
});

test('no answer within the request timeout is a network error that may have reached Slack', async () => {
  await sim.control.fault({ kind: 'latency', method: 'chat.postMessage', latencyMs: 1500, count: 1 });
  const error = await failure(lean.call(token, 'chat.postMessage', { channel, text: 'slow' }));
  expect(classifySlackFailure(error)).toMatchObject({ kind: 'transient', reason: 'network_error', requestSent: true });
});

describe('the token goes only to the configured Slack origin', () => {
  test('a method name that looks like a URL still goes to Slack, not to that URL', async () => {
    const elsewhere = await recordingServer((res) => res.end('{"ok":true}'));
    const error = await failure(lean.call(token, `${elsewhere.url}/api/chat.postMessage`, { channel, text: 'x' }));
    await new Promise<void>((resolve) => elsewhere.server.close(() => resolve()));
    expect(elsewhere.seen).toEqual([]);
    expect(classifySlackFailure(error)).toMatchObject({ kind: 'permanent' });
  });

  test('a redirect is not followed', async () => {
    const elsewhere = await recordingServer((res) => res.end('{"ok":true}'));
    const redirecting = await recordingServer((res) => res.writeHead(307, { location: `${elsewhere.url}/api/chat.postMessage` }).end());
    const client = new LeanWebApi({ slackApiUrl: `${redirecting.url}/api/`, requestTimeoutMs: 1000 });
    const error = await failure(client.call(token, 'chat.postMessage', { channel, text: 'x' }));
    await client.close();
    await Promise.all([elsewhere, redirecting].map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
    expect(redirecting.seen.map((headers) => headers.authorization)).toEqual([`Bearer ${token}`]);
    expect(elsewhere.seen).toEqual([]);
    expect(error).toBeInstanceOf(SlackHttpError);
  });
});
