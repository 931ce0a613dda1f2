import { WebSocket } from 'ws';
import { type SimApp, type SimUser, type SimWorkspace, type SlackSim, startSlackSim } from '../src/index.js';
import { AppReceiver } from './app-receiver.js';
import { slackClient, slackError } from './slack-client.js';
import { SocketClient, type SocketMessage } from './socket-client.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Socket Mode', () => {
  let sim: SlackSim;
  let clients: SocketClient[] = [];
  let seq = 0;

  interface World { ws: SimWorkspace; app: SimApp; phil: SimUser; appToken: string; channel: string;
    open(autoAck?: boolean): Promise<SocketClient> }

  /** A workspace with an app in Socket Mode (the /megatron command included), a person and a channel they share. */
  async function world(): Promise<World> {
    seq += 1;
    const ws = await sim.control.createWorkspace({ name: `Acme ${seq}`, domain: `acme-${seq}` });
    const app = await sim.control.createApp({ teamId: ws.id, name: 'Megatron' });
    const phil = await sim.control.createUser({ teamId: ws.id, name: 'phil' });
    const { appToken } = await sim.control.issueAppToken(app.appId);
    const web = slackClient(sim, app.botToken);
    const channel = (await web.conversations.create({ name: `socket-${seq}` })).channel?.id ?? '';
    await web.conversations.invite({ channel, users: phil.id });
    // Socket Mode only now, so the channel_join above is not waiting for a connection to retry into.
    await sim.control.updateApp(app.appId, { socketMode: true, slashCommands: [{ command: '/megatron' }] });
    const open = async (autoAck = false): Promise<SocketClient> => {
      const { url } = await slackClient(sim, appToken).apps.connections.open();
      const client = await SocketClient.connect(url ?? '', autoAck);
      clients.push(client);
      return client;
    };
    return { ws, app, phil, appToken, channel, open };
  }

  const dm = (w: World, text: string): Promise<{ eventId: string }> =>
    sim.control.sendDirectMessage({ teamId: w.ws.id, userId: w.phil.id, appId: w.app.appId, text });

  const eventText = (m: SocketMessage): unknown => (m.payload?.event as { text?: string } | undefined)?.text;

  beforeAll(async () => {
    sim = await startSlackSim({ ackTimeoutMs: 200, retryDelaysMs: [50, 50, 50], socketWarningCloseMs: 300 });
  });

  afterEach(() => {
    for (const client of clients) client.close();
    clients = [];
  });

  afterAll(async () => {
    await sim.close();
  });

  test('apps.connections.open takes only app-level tokens and answers a single-use ws:// URL', async () => {
    const w = await world();
    expect(w.appToken).toMatch(/^xapp-1-A[A-Z0-9]+-\d+-[0-9a-f]+$/);
    expect(await slackError(slackClient(sim, w.app.botToken).apps.connections.open())).toBe('not_allowed_token_type');
    expect(await slackError(slackClient(sim, w.phil.token).apps.connections.open())).toBe('not_allowed_token_type');
    expect(await slackError(slackClient(sim, w.appToken).auth.test())).toBe('not_allowed_token_type');
    const { url } = await slackClient(sim, w.appToken).apps.connections.open();
    expect(url).toMatch(new RegExp(`^${sim.url.replace('http', 'ws')}/socket/[0-9a-f]+$`));
    clients.push(await SocketClient.connect(url ?? ''));
    const reused = await new Promise<number>((resolve) => {
      const again = new WebSocket(url ?? '');
      again.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      again.on('error', () => undefined);
    });
    expect(reused).toBe(401);
    const spare = await sim.control.issueAppToken(w.app.appId);
    await sim.control.revokeToken(spare.appToken);
    expect(await slackError(slackClient(sim, spare.appToken).apps.connections.open())).toBe('invalid_auth');
  });

  test('a new connection is greeted with hello naming the app and counting its connections', async () => {
    const w = await world();
    const first = await w.open();
    expect(first.messages[0]).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: w.app.appId },
      debug_info: { host: expect.any(String) } });
    const second = await w.open();
    expect(second.messages[0]).toMatchObject({ type: 'hello', num_connections: 2 });
    expect((await sim.control.socketConnections(w.app.appId)).map((c) => c.appId)).toEqual([w.app.appId, w.app.appId]);
  });

  test('an event arrives as an events_api envelope carrying the event_callback body, and the ack settles it', async () => {
    const w = await world();
    const client = await w.open();
    const sent = dm(w, 'help me');
    const envelope = await client.next((m) => m.type === 'events_api' && eventText(m) === 'help me');
    expect(envelope).toMatchObject({ accepts_response_payload: false, retry_attempt: 0, retry_reason: '',
      payload: { type: 'event_callback', api_app_id: w.app.appId, team_id: w.ws.id,
        event: { type: 'message', text: 'help me', user: w.phil.id, channel_type: 'im' } } });
    client.ack(envelope.envelope_id ?? '');
    const { eventId } = await sent;
    expect(envelope.payload?.event_id).toBe(eventId);
    const delivery = (await sim.control.deliveries({ appId: w.app.appId, transport: 'socket' }))
      .find((d) => d.eventId === eventId);
    expect(delivery).toMatchObject({ kind: 'event', transport: 'socket', status: 200, retryNum: 0,
      envelopeId: envelope.envelope_id, eventId });
  });

  test('a slash command\'s ack payload is shown to the user, as an HTTP answer would be', async () => {
    const w = await world();
    const client = await w.open();
    const run = sim.control.runSlashCommand({ teamId: w.ws.id, userId: w.phil.id, channel: w.channel,
      command: '/megatron', text: 'open sam' });
    const envelope = await client.next((m) => m.type === 'slash_commands');
    expect(envelope).toMatchObject({ accepts_response_payload: true, retry_attempt: 0,
      payload: { command: '/megatron', text: 'open sam', user_id: w.phil.id, channel_id: w.channel, api_app_id: w.app.appId,
        response_url: expect.stringContaining('/hooks/commands/'), trigger_id: expect.any(String) } });
    client.ack(envelope.envelope_id ?? '', { text: 'Working on it' });
    expect(await run).toMatchObject({ status: 200, body: { text: 'Working on it' } });
    expect((await sim.control.ephemerals(w.channel)).map((e) => [e.user, e.text, e.source]))
      .toEqual([[w.phil.id, 'Working on it', 'slash_ack']]);
  });

  test('a legacy button click goes over the socket and its ack payload replaces the message', async () => {
    const w = await world();
    const client = await w.open();
    const card = await slackClient(sim, w.app.botToken).chat.postMessage({ channel: w.channel, text: 'Bot is not paused',
      attachments: [{ callback_id: 'pause', actions: [{ name: 'pause', text: 'Pause', type: 'button', value: 'x' }] }] });
    const click = sim.control.clickButton({ teamId: w.ws.id, userId: w.phil.id, channel: w.channel, style: 'legacy',
      callbackId: 'pause', value: 'x', messageTs: card.ts ?? '' });
    const envelope = await client.next((m) => m.type === 'interactive');
    expect(envelope).toMatchObject({ accepts_response_payload: true,
      payload: { type: 'interactive_message', callback_id: 'pause', actions: [{ value: 'x' }] } });
    client.ack(envelope.envelope_id ?? '', { text: 'Paused' });
    expect((await click).status).toBe(200);
    expect((await sim.control.messages(w.channel)).find((m) => m.ts === card.ts)?.text).toBe('Paused');
  });

  test('an unacknowledged event is retried with retry_attempt 1, reason timeout and the same event_id', async () => {
    const w = await world();
    const client = await w.open();
    const { eventId } = await dm(w, 'are you there?');
    const retry = await client.next((m) => eventText(m) === 'are you there?' && m.retry_attempt === 1);
    expect(retry).toMatchObject({ type: 'events_api', retry_reason: 'timeout', payload: { event_id: eventId } });
    client.ack(retry.envelope_id ?? '');
    const recorded = await pollDeliveries(w.app.appId, eventId, 2);
    expect(recorded.map((d) => [d.status, d.retryNum, d.retryReason])).toEqual([[0, 0, 'timeout'], [200, 1, undefined]]);
    await sleep(150);
    expect(client.envelopes('events_api').filter((m) => eventText(m) === 'are you there?')).toHaveLength(2);
  });

  test('an unacknowledged slash command is not retried and is recorded as failed', async () => {
    const w = await world();
    const client = await w.open();
    const run = await sim.control.runSlashCommand({ teamId: w.ws.id, userId: w.phil.id, channel: w.channel,
      command: '/megatron', text: 'help' });
    expect(run.status).toBe(0);
    await sleep(300);
    expect(client.envelopes('slash_commands')).toHaveLength(1);
    const deliveries = await sim.control.deliveries({ appId: w.app.appId, kind: 'slash' });
    expect(deliveries.map((d) => [d.status, d.retryReason])).toEqual([[0, 'timeout']]);
  });

  test('envelopes take turns across an app\'s connections', async () => {
    const w = await world();
    const a = await w.open(true);
    const b = await w.open(true);
    for (const text of ['one', 'two', 'three', 'four']) await dm(w, text);
    expect(a.envelopes('events_api').map(eventText)).toEqual(['one', 'three']);
    expect(b.envelopes('events_api').map(eventText)).toEqual(['two', 'four']);
  });

  test('disconnect sends Slack\'s message and closes; a warning leaves the socket open for a while', async () => {
    const w = await world();
    const refreshed = await w.open();
    await sim.control.disconnectSocket({ appId: w.app.appId, reason: 'refresh_requested' });
    expect(await refreshed.next((m) => m.type === 'disconnect')).toEqual({ type: 'disconnect', reason: 'refresh_requested',
      debug_info: { host: expect.any(String) } });
    expect(await refreshed.closed).toBe(1000);

    const warned = await w.open();
    const [info] = await sim.control.socketConnections(w.app.appId);
    await sim.control.disconnectSocket({ appId: w.app.appId, reason: 'warning', connectionId: info?.connectionId ?? '' });
    await warned.next((m) => m.type === 'disconnect' && m.reason === 'warning');
    await sleep(100);
    expect(warned.isOpen).toBe(true);
    expect(await warned.closed).toBe(1000);
    expect(await sim.control.socketConnections(w.app.appId)).toEqual([]);
  });

  test('drop destroys a connection without a close frame', async () => {
    const w = await world();
    const client = await w.open();
    const dropped = await sim.control.dropSocket({ appId: w.app.appId });
    expect(dropped).toHaveLength(1);
    expect(await client.closed).toBe(1006);
    expect(await sim.control.socketConnections(w.app.appId)).toEqual([]);
  });

  test('with no connection open, events wait on the retry schedule and slash commands fail', async () => {
    const w = await world();
    await sim.control.setEventRetries({ delaysMs: [300, 300, 300] });
    try {
      const { eventId } = await dm(w, 'anyone?');
      const missed = (await sim.control.deliveries({ appId: w.app.appId })).find((d) => d.eventId === eventId);
      expect(missed).toMatchObject({ status: 0, transport: 'socket', retryReason: 'no_connection', url: '' });
      const late = await w.open(true);
      const retried = await late.next((m) => eventText(m) === 'anyone?', 2000);
      expect(retried).toMatchObject({ retry_attempt: 1, retry_reason: 'timeout', payload: { event_id: eventId } });
      late.close();
      await late.closed;
      const run = await sim.control.runSlashCommand({ teamId: w.ws.id, userId: w.phil.id, channel: w.channel,
        command: '/megatron', text: 'help' });
      expect(run.status).toBe(0);
      expect((await sim.control.deliveries({ appId: w.app.appId, kind: 'slash' }))[0]).toMatchObject({ status: 0,
        retryReason: 'no_connection' });
    } finally {
      await sim.control.setEventRetries({ delaysMs: [50, 50, 50] });
    }
  });

  test('turning Socket Mode off ends the connections with link_disabled and events go back to HTTP', async () => {
    const w = await world();
    const client = await w.open();
    const receiver = await new AppReceiver().start();
    try {
      await expect(sim.control.updateApp(w.app.appId, { socketMode: false })).rejects.toThrow(/needs a url/);
      await sim.control.updateApp(w.app.appId, { socketMode: false, eventsUrl: `${receiver.url}/events`,
        slashCommands: [{ command: '/megatron', url: `${receiver.url}/slash` }] });
      expect((await client.next((m) => m.type === 'disconnect')).reason).toBe('link_disabled');
      expect(await client.closed).toBe(1000);
      const { eventId } = await dm(w, 'over http');
      expect(receiver.received.map((r) => (JSON.parse(r.rawBody) as { event_id: string }).event_id)).toContain(eventId);
      expect((await sim.control.deliveries({ appId: w.app.appId, transport: 'http' })).map((d) => d.eventId)).toContain(eventId);
    } finally {
      await receiver.stop();
    }
  });

  test('a reset closes every connection', async () => {
    const w = await world();
    const client = await w.open();
    await sim.control.reset();
    expect(await client.closed).toBe(1006);
  });

  async function pollDeliveries(appId: string, eventId: string, count: number):
  Promise<Awaited<ReturnType<SlackSim['control']['deliveries']>>> {
    for (let i = 0; i < 100; i += 1) {
      const found = (await sim.control.deliveries({ appId })).filter((d) => d.eventId === eventId);
      if (found.length >= count) return found;
      await sleep(20);
    }
    throw new Error(`fewer than ${count} deliveries for ${appId}`);
  }
});
