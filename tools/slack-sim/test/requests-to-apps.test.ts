import { createHmac, timingSafeEqual } from 'node:crypto';
import { LogLevel, WebClient } from '@slack/web-api';
import { type SimApp, type SimDelivery, type SimUser, type SimWorkspace, type SlackSim, startSlackSim } from '../src/index.js';
import { AppReceiver, type ReceivedRequest, waitFor } from './app-receiver.js';

/** Slack's published verification, written independently of the simulator's signer. */
function verifiedBySlackAlgorithm(req: ReceivedRequest, secret: string): boolean {
  const timestamp = String(req.headers['x-slack-request-timestamp']);
  const signature = String(req.headers['x-slack-signature']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${req.rawBody}`).digest('hex')}`;
  return expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

function envelope(req: ReceivedRequest): { event: Record<string, unknown> } & Record<string, unknown> {
  return JSON.parse(req.rawBody) as { event: Record<string, unknown> } & Record<string, unknown>;
}

describe('requests the simulator sends to apps', () => {
  let sim: SlackSim;
  let interpreter: AppReceiver;
  let supportApp: AppReceiver;
  let acme: SimWorkspace;
  let globex: SimWorkspace;
  let megatron: SimApp;
  let bot: SimApp;
  let alice: SimUser;
  let phil: SimUser;

  beforeAll(async () => {
    sim = await startSlackSim({ ackTimeoutMs: 300, retryDelaysMs: [0, 0, 0] });
    interpreter = await new AppReceiver().start();
    supportApp = await new AppReceiver().start();
    acme = await sim.control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
    globex = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    megatron = await sim.control.createApp({ teamId: acme.id, name: 'Megatron', signingSecret: 'megatron-secret',
      eventsUrl: `${interpreter.url}/megatron/slack/event/`, interactivityUrl: `${interpreter.url}/megatron/slack/interactive-message/`,
      slashCommands: [{ command: '/megatron', url: `${interpreter.url}/megatron/slack/slash-command/` }] });
    bot = await sim.control.createApp({ teamId: globex.id, name: 'Support Bot', eventsUrl: `${supportApp.url}/slack/events` });
    alice = await sim.control.createUser({ teamId: acme.id, name: 'alice', realName: 'Alice Agent' });
    phil = await sim.control.createUser({ teamId: globex.id, name: 'phil' });
  });

  beforeEach(() => {
    interpreter.received.length = 0;
    supportApp.received.length = 0;
    interpreter.respond = (_req, res) => res.writeHead(200).end();
    supportApp.respond = (_req, res) => res.writeHead(200).end();
  });

  afterAll(async () => {
    await sim.close();
    await interpreter.stop();
    await supportApp.stop();
  });

  test('a customer DM reaches the bot\'s app as a signed event_callback envelope', async () => {
    const dm = await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId, text: 'help me' });
    const req = await waitFor(() => supportApp.received[0]);
    expect(verifiedBySlackAlgorithm(req, bot.signingSecret)).toBe(true);
    expect(verifiedBySlackAlgorithm({ ...req, rawBody: `${req.rawBody} ` }, bot.signingSecret)).toBe(false);
    expect(envelope(req)).toMatchObject({ type: 'event_callback', team_id: globex.id, api_app_id: bot.appId,
      event_id: dm.eventId, token: bot.verificationToken,
      authorizations: [{ team_id: globex.id, user_id: bot.botUserId, is_bot: true }],
      event: { type: 'message', channel: dm.channel, user: phil.id, text: 'help me', ts: dm.ts, channel_type: 'im' } });
    expect(typeof envelope(req).event_time).toBe('number');
    const [delivery] = await sim.control.deliveries({ appId: bot.appId, kind: 'event' });
    expect(delivery).toMatchObject({ status: 200, retryNum: 0, eventId: dm.eventId });
    expect(delivery?.ackMs).toBeLessThan(3000);
  });

  test('a bot\'s own post comes back to it as a message event with bot_id, bot_message when renamed', async () => {
    const web = new WebClient(megatron.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const channel = (await web.conversations.create({ name: 'echo-test' })).channel?.id ?? '';
    // The Web API answers before Slack delivers the events it causes: each is awaited, so they arrive in order.
    await web.chat.postMessage({ channel, text: 'plain' });
    await waitFor(() => (interpreter.received.length === 1 ? true : undefined));
    await web.chat.postMessage({ channel, text: 'as phil', username: 'phil' });
    await waitFor(() => (interpreter.received.length === 2 ? true : undefined));
    const events = interpreter.received.map((r) => envelope(r).event);
    expect(events).toEqual([
      expect.objectContaining({ text: 'plain', bot_id: megatron.botId, user: megatron.botUserId }),
      expect.objectContaining({ text: 'as phil', bot_id: megatron.botId, subtype: 'bot_message', username: 'phil' }),
    ]);
  });

  test('a Web API call answers before Slack delivers the events it causes, as on Slack', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    interpreter.respond = (_req, res) => void held.then(() => res.writeHead(200).end());
    const web = new WebClient(megatron.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const channel = (await web.conversations.create({ name: 'answer-first' })).channel?.id ?? '';
    // The app holds its answer until the post has returned: had the post waited for it, the attempt would time out.
    expect((await web.chat.postMessage({ channel, text: 'answered first' })).ok).toBe(true);
    const arrived = await waitFor(() => interpreter.received.find((r) => envelope(r).event.text === 'answered first'));
    release();
    const eventId = envelope(arrived).event_id;
    let first: SimDelivery | undefined;
    for (const deadline = Date.now() + 5000; !first && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
      first = (await sim.control.deliveries({ appId: megatron.appId, kind: 'event' })).find((d) => d.eventId === eventId && d.retryNum === 0);
    }
    expect(first).toMatchObject({ status: 200 });
  });

  test('agents\' posts, edits, deletes and file shares arrive with Slack\'s subtypes', async () => {
    const web = new WebClient(megatron.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const channel = (await web.conversations.create({ name: 'subtypes-test' })).channel?.id ?? '';
    await web.conversations.invite({ channel, users: alice.id });
    await waitFor(() => (interpreter.received.length === 1 ? true : undefined));
    const post = await sim.control.postAsUser({ teamId: acme.id, userId: alice.id, channel, text: 'hello phil' });
    await sim.control.editAsUser({ teamId: acme.id, userId: alice.id, channel, ts: post.ts, text: 'hello Phil' });
    await sim.control.deleteAsUser({ teamId: acme.id, userId: alice.id, channel, ts: post.ts });
    const shared = await sim.control.shareFile({ teamId: acme.id, userId: alice.id, channel, name: 'a.txt',
      mimetype: 'text/plain', contentBase64: Buffer.from('abc').toString('base64'), text: 'see file' });
    const events = interpreter.received.map((r) => envelope(r).event);
    expect(events.map((e) => e.subtype)).toEqual(['channel_join', undefined, 'message_changed', 'message_deleted', 'file_share']);
    expect(events[2]).toMatchObject({ message: { text: 'hello Phil', ts: post.ts, edited: { user: alice.id } },
      previous_message: { text: 'hello phil' } });
    expect(events[3]).toMatchObject({ deleted_ts: post.ts });
    expect(events[4]).toMatchObject({ files: [{ id: shared.fileId, name: 'a.txt' }], user: alice.id, text: 'see file' });
  });

  test('a failing app gets up to three retries with Slack\'s retry headers', async () => {
    supportApp.respond = (_req, res) => res.writeHead(500).end();
    const dm = await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId, text: 'retry' });
    await waitFor(() => (supportApp.received.length === 4 ? true : undefined));
    expect(supportApp.received.map((r) => [r.headers['x-slack-retry-num'], r.headers['x-slack-retry-reason']])).toEqual([
      [undefined, undefined], ['1', 'http_error'], ['2', 'http_error'], ['3', 'http_error']]);
    expect(new Set(supportApp.received.map((r) => envelope(r).event_id))).toEqual(new Set([dm.eventId]));
  });

  test('a slow app is cut off at the ack timeout and retried with http_timeout', async () => {
    supportApp.respond = (req, res) => {
      if (req.headers['x-slack-retry-num']) res.writeHead(200).end();
      else setTimeout(() => res.writeHead(200).end(), 600);
    };
    await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId, text: 'slow' });
    await waitFor(() => (supportApp.received.length === 2 ? true : undefined));
    expect(supportApp.received[1]?.headers['x-slack-retry-reason']).toBe('http_timeout');
    const deliveries = (await sim.control.deliveries({ appId: bot.appId })).slice(-2);
    expect(deliveries.map((d) => [d.status, d.retryNum])).toEqual([[0, 0], [200, 1]]);
    expect(deliveries[0]?.ackMs).toBeGreaterThanOrEqual(290);
  });

  test('a slash command is a signed form POST whose response_url posts back into Slack', async () => {
    const web = new WebClient(megatron.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const channel = (await web.conversations.create({ name: 'slash-test' })).channel?.id ?? '';
    await web.conversations.invite({ channel, users: alice.id });
    interpreter.respond = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Working on it"}');
    const run = await sim.control.runSlashCommand({ teamId: acme.id, userId: alice.id, channel, command: '/megatron', text: 'open phil' });
    const req = interpreter.received.at(-1);
    if (!req) throw new Error('no slash request');
    expect(verifiedBySlackAlgorithm(req, 'megatron-secret')).toBe(true);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(req.rawBody));
    expect(form).toMatchObject({ team_id: acme.id, team_domain: 'acme-support', channel_id: channel, channel_name: 'slash-test',
      user_id: alice.id, user_name: 'alice', command: '/megatron', text: 'open phil', api_app_id: megatron.appId,
      response_url: run.responseUrl, trigger_id: run.triggerId });
    expect(Object.keys(form)).toEqual(expect.arrayContaining(['token']));
    expect(run).toMatchObject({ status: 200, body: { text: 'Working on it' } });
    expect(run.ackMs).toBeLessThan(3000);

    const reply = await fetch(run.responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Channel opened', response_type: 'in_channel' }) });
    expect(reply.status).toBe(200);
    await fetch(run.responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'only you' }) });
    expect((await sim.control.responseUrlReplies(run.responseUrl)).map((r) => r.body.text)).toEqual(['Channel opened', 'only you']);
    expect((await sim.control.messages(channel)).at(-1)).toMatchObject({ text: 'Channel opened', bot_id: megatron.botId });
    expect((await sim.control.ephemerals(channel)).map((e) => [e.text, e.source])).toEqual([
      ['Working on it', 'slash_ack'], ['only you', 'response_url']]);
    for (let i = 0; i < 3; i += 1) {
      await fetch(run.responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"again"}' });
    }
    const sixth = await fetch(run.responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x"}' });
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
  });

  test('buttons and selects send legacy and Block Kit payloads as payload=<json>', async () => {
    const web = new WebClient(megatron.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const channel = (await web.conversations.create({ name: 'buttons-test' })).channel?.id ?? '';
    await web.conversations.invite({ channel, users: alice.id });
    const card = await web.chat.postMessage({ channel, text: 'Bot is not paused',
      attachments: [{ callback_id: 'pause', actions: [{ name: 'pause', text: 'Pause', type: 'button', value: 'T1:U1' }] }] });
    const legacy = await sim.control.clickButton({ teamId: acme.id, userId: alice.id, channel, style: 'legacy',
      callbackId: 'pause', name: 'pause', value: 'T1:U1', messageTs: card.ts ?? '' });
    const block = await sim.control.chooseOption({ teamId: acme.id, userId: alice.id, channel, style: 'block',
      actionId: 'user_select', value: 'T2:U2' });
    const [first, second] = interpreter.received.slice(-2).map((r) => {
      expect(verifiedBySlackAlgorithm(r, 'megatron-secret')).toBe(true);
      return JSON.parse(new URLSearchParams(r.rawBody).get('payload') ?? '{}') as Record<string, unknown>;
    });
    expect(first).toMatchObject({ type: 'interactive_message', callback_id: 'pause', actions: [{ name: 'pause', value: 'T1:U1' }],
      user: { id: alice.id }, channel: { id: channel }, team: { id: acme.id }, response_url: legacy.responseUrl,
      message_ts: card.ts, original_message: { ts: card.ts } });
    expect(second).toMatchObject({ type: 'block_actions', actions: [{ action_id: 'user_select',
      selected_option: { value: 'T2:U2' } }], user: { id: alice.id }, response_url: block.responseUrl, api_app_id: megatron.appId });
    const legacySelect = await sim.control.chooseOption({ teamId: acme.id, userId: alice.id, channel, style: 'legacy',
      callbackId: 'user_select', value: 'T3:U3', appId: megatron.appId });
    const third = JSON.parse(new URLSearchParams(interpreter.received.at(-1)?.rawBody).get('payload') ?? '{}') as Record<string, unknown>;
    expect(third).toMatchObject({ actions: [{ selected_options: [{ value: 'T3:U3' }] }] });
    expect(legacySelect.status).toBe(200);
    await expect(sim.control.clickButton({ teamId: acme.id, userId: alice.id, channel, style: 'legacy', value: 'x' }))
      .rejects.toThrow('callbackId is required');
  });

  test('url_verification sends a challenge the app must echo', async () => {
    interpreter.respond = (req, res) => {
      const { challenge } = JSON.parse(req.rawBody) as { challenge: string };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge }));
    };
    const result = await sim.control.sendUrlVerification({ appId: megatron.appId });
    expect(result.body).toEqual({ challenge: result.challenge });
    const raw = await sim.control.sendRawEvent({ appId: megatron.appId, event: { type: 'app_mention', text: 'hi' }, eventId: 'Ev1' });
    expect(raw.eventId).toBe('Ev1');
    expect(envelope(interpreter.received.at(-1) as ReceivedRequest)).toMatchObject({ event_id: 'Ev1', event: { type: 'app_mention' } });
  });
});
