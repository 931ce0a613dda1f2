import { Readable } from 'node:stream';
import { signV0 } from '@megatron/slack-signature';
import { Harness, SIGNING_SECRET } from './harness.js';

// https://api.slack.com/authentication/verifying-requests-from-slack
const EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  token: 'xyzz0WbapA4vBCDEFasx0q6G',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const MAX_BODY = 4096;

let h: Harness;
let clock: number | undefined;
let channel: string;

beforeAll(async () => {
  h = await Harness.start({
    now: () => clock ?? Date.now(),
    env: {
      SLACK_SIGNING_SECRET: EXAMPLE.secret,
      MEGATRON_VERIFICATION_TOKEN: EXAMPLE.token,
      SLACK_MAX_BODY_BYTES: String(MAX_BODY),
      PUBLIC_URL: 'https://megatron.example.com/',
    },
  });
  channel = await h.createChannel('verification', true);
});

afterEach(() => {
  clock = undefined;
});

afterAll(async () => {
  await h?.expectAcksInTime();
  await h?.stop();
});

const slashForm = (text: string, token = EXAMPLE.token) =>
  new URLSearchParams({
    token,
    team_id: h.workspace.id,
    channel_id: channel,
    user_id: h.agent.id,
    command: '/megatron',
    text,
    response_url: `${h.sim.url}/hooks/commands/unused`,
    trigger_id: `${Date.now()}.1.${Math.random().toString(16).slice(2)}`,
  }).toString();

interface Send {
  path?: string;
  body: string | Buffer;
  contentType?: string;
  secret?: string;
  timestamp?: number;
  signature?: string | null;
}

async function send({ path = '/megatron/slack/slash-command/', body, contentType = 'application/x-www-form-urlencoded', secret = EXAMPLE.secret, timestamp, signature }: Send) {
  const ts = timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType, 'x-slack-request-timestamp': String(ts) };
  if (signature !== null) headers['x-slack-signature'] = signature ?? signV0(secret, ts, body);
  const response = await fetch(`${h.baseUrl}${path}`, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

describe('verification and bad input', () => {
  it("verifies Slack's documented example when the clock is at its timestamp, and refuses it as stale otherwise", async () => {
    const example = { body: EXAMPLE.body, timestamp: Number(EXAMPLE.timestamp), signature: EXAMPLE.signature };
    clock = Number(EXAMPLE.timestamp) * 1000 + 1_000;
    const accepted = await send(example);
    expect(accepted.status).toBe(200);
    expect(JSON.parse(accepted.text)).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('*/webhook-collect* verbs:') });
    clock = undefined;
    const stale = await send(example);
    expect(stale.status).toBe(401);
    expect(JSON.parse(stale.text)).toEqual({ ok: false, error: 'stale X-Slack-Request-Timestamp' });
  });

  it('refuses requests the simulator signs with another secret, on every route, and publishes nothing', async () => {
    const before = h.received.length;
    const impostor = await h.sim.control.createApp({
      teamId: h.workspace.id,
      name: 'Impostor',
      signingSecret: SIGNING_SECRET,
      eventsUrl: `${h.baseUrl}/megatron/slack/event`,
      interactivityUrl: `${h.baseUrl}/megatron/slack/interactive-message`,
      slashCommands: [{ command: '/impostor', url: `${h.baseUrl}/megatron/slack/slash-command` }],
    });
    const slash = await h.sim.control.runSlashCommand({ teamId: h.workspace.id, userId: h.agent.id, channel, command: '/impostor', text: 'open phil', appId: impostor.appId });
    expect(slash.status).toBe(401);
    const click = await h.sim.control.clickButton({ teamId: h.workspace.id, userId: h.agent.id, channel, style: 'block', actionId: 'pause', value: 'T1:U1', appId: impostor.appId });
    expect(click.status).toBe(401);
    const { eventId } = await h.sim.control.sendRawEvent({ appId: impostor.appId, event: { type: 'message', user: h.agent.id, channel, text: 'hi', ts: '1.1' } });
    const eventDeliveries = (await h.sim.control.deliveries({ kind: 'event' })).filter((d) => d.eventId === eventId);
    expect(eventDeliveries[0]?.status).toBe(401);
    await h.expectNoCommandsBeyond(before);
  });

  it('refuses a missing signature, a stale timestamp and a body changed after signing', async () => {
    const before = h.received.length;
    const missing = await send({ body: slashForm('open phil'), signature: null });
    expect(missing).toEqual({ status: 401, text: JSON.stringify({ ok: false, error: 'missing X-Slack-Signature' }) });
    const stale = await send({ body: slashForm('open phil'), timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    const signed = slashForm('pause phil');
    const tampered = await send({ body: signed.replace('pause', 'close'), signature: signV0(EXAMPLE.secret, Math.floor(Date.now() / 1000), signed) });
    expect(tampered).toEqual({ status: 401, text: JSON.stringify({ ok: false, error: 'X-Slack-Signature does not match' }) });
    await h.expectNoCommandsBeyond(before);
  });

  it('refuses a correctly signed request whose legacy verification token is wrong', async () => {
    const before = h.received.length;
    const wrongToken = await send({ body: slashForm('open phil', 'not-the-token') });
    expect(wrongToken).toEqual({ status: 401, text: JSON.stringify({ ok: false, error: 'verification token does not match' }) });
    const event = await send({ path: '/megatron/slack/event', contentType: 'application/json', body: JSON.stringify({ type: 'url_verification', challenge: 'c' }) });
    expect(event.status).toBe(401);
    await h.expectNoCommandsBeyond(before);
  });

  it('refuses bodies over the limit with 413, whether declared or streamed', async () => {
    const big = `${slashForm('open phil')}&pad=${'x'.repeat(MAX_BODY)}`;
    expect((await send({ body: big })).status).toBe(413);
    const ts = Math.floor(Date.now() / 1000);
    const streamed = await fetch(`${h.baseUrl}/megatron/slack/event/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signV0(EXAMPLE.secret, ts, big) },
      body: Readable.toWeb(Readable.from([Buffer.from(big.slice(0, 3000)), Buffer.from(big.slice(3000))])) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toEqual({ ok: false, error: `request body is larger than ${MAX_BODY} bytes` });
  });

  it('refuses malformed forms and JSON with 400 and unexpected content types with 415, naming the problem', async () => {
    const before = h.received.length;
    const cases: Array<[Send, number, string]> = [
      [{ path: '/megatron/slack/event/', contentType: 'application/json', body: '{"type": "event_callback",' }, 400, 'body is not valid JSON'],
      [{ path: '/megatron/slack/event/', contentType: 'application/json', body: '[1,2]' }, 400, 'body is not a JSON object'],
      [{ path: '/megatron/slack/event/', contentType: 'application/json', body: JSON.stringify({ token: EXAMPLE.token, type: 'event_callback' }) }, 400, 'event_callback without event_id or event'],
      [{ path: '/megatron/slack/event/', contentType: 'text/plain', body: '{}' }, 415, 'expected content-type application/json, got text/plain'],
      [{ body: 'text=open%zzphil' }, 400, 'form body has a malformed % escape'],
      [{ body: Buffer.from([0x74, 0x3d, 0xff, 0xfe]) }, 400, 'body is not valid UTF-8'],
      [{ body: `token=${EXAMPLE.token}&text=open` }, 400, 'slash command is missing team_id, channel_id, user_id, command, trigger_id, response_url'],
      [{ body: slashForm('open phil'), contentType: 'application/json' }, 415, 'expected content-type application/x-www-form-urlencoded, got application/json'],
      [{ path: '/megatron/slack/interactive-message/', body: 'nothing=here' }, 400, 'interactive body has no payload field'],
      [{ path: '/megatron/slack/interactive-message/', body: 'payload=%7Bnope' }, 400, 'payload is not valid JSON'],
      [{ path: '/megatron/slack/interactive-message/', body: `payload=${encodeURIComponent(JSON.stringify({ token: EXAMPLE.token }))}` }, 400, 'interaction payload has no type'],
    ];
    for (const [request, status, error] of cases) {
      expect(await send(request)).toEqual({ status, text: JSON.stringify({ ok: false, error }) });
    }
    await h.expectNoCommandsBeyond(before);
  });

  it('keeps serving after all of that: a valid command is published and the routes still answer', async () => {
    const before = h.received.length;
    const ok = await send({ path: '/megatron/slack/slash-command', body: slashForm('open phil') });
    expect(ok.status).toBe(200);
    await h.commandsAfter(before, 1);
    const root = await fetch(`${h.baseUrl}/`);
    expect(await root.text()).toBe('Megatron is running.');
    expect((await fetch(`${h.baseUrl}/readyz`)).status).toBe(200);
  });

  it("serves the Slack app manifest for this deployment's public URL", async () => {
    const response = await fetch(`${h.baseUrl}/megatron/slack/manifest`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/yaml');
    const yaml = await response.text();
    expect(yaml).toContain('url: https://megatron.example.com/megatron/slack/slash-command/');
    expect(yaml).toContain('request_url: https://megatron.example.com/megatron/slack/interactive-message/');
    expect(yaml).toContain('request_url: https://megatron.example.com/megatron/slack/event/');
    const socketMode = await (await fetch(`${h.baseUrl}/megatron/slack/manifest?socket_mode=true`)).text();
    expect(socketMode).toContain('socket_mode_enabled: true');
    expect(socketMode).not.toContain('megatron.example.com');
  });

  it('counts requests by route and outcome, ack latency and published commands by kind', async () => {
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/interpreter_slack_requests_total\{[^}]*route="slash_command"[^}]*outcome="unauthorized"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/interpreter_slack_requests_total\{[^}]*route="event"[^}]*outcome="bad_request"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/interpreter_slack_requests_total\{[^}]*route="slash_command"[^}]*outcome="too_large"[^}]*\} 1/);
    expect(metrics).toMatch(/interpreter_slack_ack_seconds_count\{[^}]*route="slash_command"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/interpreter_slack_commands_published_total\{[^}]*kind="open"[^}]*\} 1/);
  });
});
