import { CommandOrigin } from '@megatron/contracts';
import { waitFor } from '@megatron/testkit';
import { parse } from 'yaml';
import { BOT_EVENTS } from '../src/manifest.js';
import { Harness } from './harness.js';

let h: Harness;
let engagement: string;

beforeAll(async () => {
  h = await Harness.start({ socketMode: true });
  engagement = await h.createChannel('mt-phil_globex', true);
});

afterAll(async () => {
  // Every envelope was acknowledged within Slack's 3 s, unless it found no connection open (then Slack retried it).
  const unacknowledged = (await h?.sim.control.deliveries())?.filter((d) => !(d.status === 200 && d.ackMs < 3_000) && d.retryReason !== 'no_connection');
  expect(unacknowledged).toEqual([]);
  await h?.stop();
});

const asAgent = () => ({ teamId: h.workspace.id, userId: h.agent.id });
const connectionIds = async () => (await h.sim.control.socketConnections(h.app.appId)).map((connection) => connection.connectionId);
const deliveriesOf = async (eventId: string) => (await h.sim.control.deliveries({ kind: 'event' })).filter((delivery) => delivery.eventId === eventId);

describe('Socket Mode', () => {
  it('takes Slack over one connection with no signing secret, while the HTTP Slack routes answer 404', async () => {
    expect(h.config.SLACK_SIGNING_SECRET).toBeUndefined();
    expect(await connectionIds()).toHaveLength(1);
    for (const path of ['slash-command', 'interactive-message', 'event']) {
      const response = await fetch(`${h.baseUrl}/megatron/slack/${path}/`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ ok: false, error: expect.stringContaining('SLACK_SIGNING_SECRET') });
    }
  });

  it('serves the Socket Mode manifest by default, which needs no public URL', async () => {
    const manifest = await fetch(`${h.baseUrl}/megatron/slack/manifest`);
    expect(manifest.status).toBe(200);
    const yaml = parse(await manifest.text());
    expect(yaml.settings).toMatchObject({ socket_mode_enabled: true, interactivity: { is_enabled: true }, event_subscriptions: { bot_events: [...BOT_EVENTS] } });
    const overHttp = await fetch(`${h.baseUrl}/megatron/slack/manifest?socket_mode=false`);
    expect(overHttp.status).toBe(503);
    expect(await overHttp.text()).toContain('PUBLIC_URL');
    expect((await fetch(`${h.baseUrl}/megatron/slack/manifest?socket_mode=maybe`)).status).toBe(400);
  });

  it('answers a slash command in the ack payload once its Command is stored', async () => {
    const from = h.received.length;
    const opened = await h.slash(engagement, 'open phil');
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({ response_type: 'ephemeral', text: 'On it: opening a channel for *phil*…' });
    const [received] = await h.commandsAfter(from, 1);
    expect(received?.command.id).toBe(`slash:${opened.triggerId}`);
    expect(received?.command.kind).toEqual({ case: 'open', value: expect.objectContaining({ target: expect.objectContaining({ kind: { case: 'name', value: 'phil' } }) }) });

    const help = await h.slash(engagement, 'help');
    expect(help.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/megatron open') });
    await h.expectNoCommandsBeyond(from + 1);
    const slashes = await h.sim.control.deliveries({ kind: 'slash' });
    expect(slashes.every((delivery) => delivery.transport === 'socket' && delivery.status === 200)).toBe(true);
  });

  it("publishes an agent's message once, acknowledging its envelope after the Command is stored", async () => {
    const from = h.received.length;
    const posted = await h.sim.control.postAsUser({ ...asAgent(), channel: engagement, text: 'Hi Phil, over the socket' });
    const [received] = await h.commandsAfter(from, 1);
    expect(received?.command.id).toBe(`event:${posted.eventId}`);
    expect(received?.command.origin).toBe(CommandOrigin.EVENT);
    expect(received?.command.kind.value).toMatchObject({ channelId: engagement, text: 'Hi Phil, over the socket' });
    expect((await deliveriesOf(posted.eventId)).map((delivery) => [delivery.transport, delivery.retryNum, delivery.status])).toEqual([['socket', 0, 200]]);
    await h.expectNoCommandsBeyond(from + 1);
  });

  it('acknowledges a click without a payload and publishes its Command', async () => {
    const from = h.received.length;
    const click = await h.sim.control.clickButton({ ...asAgent(), channel: engagement, style: 'block', actionId: 'pause', value: 'T0CUSTOMER:U0PHIL' });
    expect(click.status).toBe(200);
    expect(click.body).toBe('');
    const [received] = await h.commandsAfter(from, 1);
    expect(received?.command.kind.case).toBe('pause');
  });

  it('acts once on an event Slack delivers twice with the same event_id', async () => {
    const from = h.received.length;
    const event = { type: 'message', user: h.agent.id, channel: engagement, text: 'sent twice', ts: '1700000000.000100' };
    const { eventId } = await h.sim.control.sendRawEvent({ appId: h.app.appId, event });
    await h.sim.control.sendRawEvent({ appId: h.app.appId, event, eventId });
    const [received] = await h.commandsAfter(from, 1);
    expect(received?.command.id).toBe(`event:${eventId}`);
    expect((await deliveriesOf(eventId)).map((delivery) => delivery.status)).toEqual([200, 200]);
    await h.expectNoCommandsBeyond(from + 1);
  });

  it('counts envelopes under the same routes and outcomes as HTTP requests', async () => {
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/interpreter_slack_requests_total\{[^}]*route="slash_command"[^}]*outcome="published"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/interpreter_slack_requests_total\{[^}]*route="event"[^}]*outcome="duplicate"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/interpreter_slack_ack_seconds_count\{[^}]*route="interactive_message"[^}]*\} [1-9]/);
  });

  it('on a warning disconnect opens the new connection before closing the old one, staying ready throughout', async () => {
    const [old] = await connectionIds();
    let readyThroughout = true;
    const watching = setInterval(() => {
      void h.interpreter.socketMode?.check().then((ready) => {
        readyThroughout &&= ready;
      });
    }, 2);
    try {
      await h.sim.control.disconnectSocket({ appId: h.app.appId, reason: 'warning' });
      // Slack would keep the warned connection ten more seconds; the receiver closes it itself once replaced.
      const fresh = await waitFor(
        async () => {
          const ids = await connectionIds();
          return ids.length === 1 && ids[0] !== old ? ids[0] : undefined;
        },
        { what: 'the warned connection replaced', timeoutMs: 3_000, intervalMs: 20 },
      );
      expect(fresh).toBeDefined();
    } finally {
      clearInterval(watching);
    }
    expect(readyThroughout).toBe(true);
  });

  it('loses nothing across a refresh_requested disconnect: events sent right after it are published once', async () => {
    const from = h.received.length;
    const [old] = await connectionIds();
    await h.sim.control.disconnectSocket({ appId: h.app.appId, reason: 'refresh_requested' });
    const texts = ['after refresh 1', 'after refresh 2', 'after refresh 3'];
    const posted = await Promise.all(texts.map((text) => h.sim.control.postAsUser({ ...asAgent(), channel: engagement, text })));
    const received = await h.commandsAfter(from, texts.length, 10_000);
    expect(received.map((r) => r.command.id).sort()).toEqual(posted.map((p) => `event:${p.eventId}`).sort());
    await h.expectNoCommandsBeyond(from + texts.length);
    const ids = await waitFor(async () => ((await connectionIds()).length === 1 ? connectionIds() : undefined), { what: 'one connection again' });
    expect(ids).not.toContain(old);
  });

  it('reopens a dropped connection at once, and an event sent meanwhile acts once', async () => {
    const from = h.received.length;
    const [old] = await connectionIds();
    await h.sim.control.dropSocket({ appId: h.app.appId });
    const posted = await h.sim.control.postAsUser({ ...asAgent(), channel: engagement, text: 'while the socket was down' });
    const [received] = await h.commandsAfter(from, 1, 10_000);
    expect(received?.command.id).toBe(`event:${posted.eventId}`);
    const attempts = await waitFor(
      async () => {
        const found = await deliveriesOf(posted.eventId);
        return found.at(-1)?.status === 200 ? found : undefined;
      },
      { what: 'the acknowledged delivery' },
    );
    expect(attempts.filter((delivery) => delivery.status === 200)).toHaveLength(1);
    expect(attempts.at(-1)?.connectionId).not.toBe(old);
    await h.expectNoCommandsBeyond(from + 1);
    expect(await h.interpreter.socketMode?.check()).toBe(true);
  });
});
