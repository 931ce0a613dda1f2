import { streamNames } from '@megatron/runtime';
import { metricValue, startThrowawayNats, waitFor, type ThrowawayNats } from '@megatron/testkit';
import { UNAVAILABLE } from '../src/handler-deps.js';
import { Harness } from './harness.js';

let nats: ThrowawayNats;

beforeAll(async () => {
  nats = await startThrowawayNats();
});

afterAll(async () => {
  await nats?.destroy();
});

async function storedCommands(h: Harness): Promise<number> {
  const info = await h.jsm!.streams.info(streamNames(h.config.NATS_NAMESPACE).commands.stream);
  return info.state.messages;
}

describe('when NATS goes away after start', () => {
  let h: Harness;
  let channel: string;

  beforeAll(async () => {
    h = await Harness.start({ natsUrl: nats.url, retryDelaysMs: [2_500, 2_500, 2_500] });
    channel = await h.createChannel('mt-phil_globex', true);
  });

  afterAll(async () => {
    await h?.expectAcksInTime();
    await h?.stop();
  });

  it('holds what Slack sends in Redis, answers as usual, and publishes it in order once NATS is back', async () => {
    const opened = await h.slash(channel, 'open phil');
    expect(opened.body).toEqual({ response_type: 'ephemeral', text: 'On it: opening a channel for *phil*…' });
    await h.commandsAfter(0, 1);

    await nats.stop();
    const paused = await h.slash(channel, 'pause phil');
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ response_type: 'ephemeral', text: 'On it: pausing the bot for *phil*…' });
    expect(paused.ackMs).toBeLessThan(3_000);

    const click = await h.sim.control.clickButton({ teamId: h.workspace.id, userId: h.agent.id, channel, style: 'block', actionId: 'unpause', value: 'T0CUSTOMER:U0PHIL' });
    expect(click.status).toBe(200);
    const posted = await h.sim.control.postAsUser({ teamId: h.workspace.id, userId: h.agent.id, channel, text: 'are you there?' });
    // Held Commands are answered at once: Slack has nothing to retry.
    expect((await h.sim.control.deliveries({ kind: 'event' })).filter((d) => d.eventId === posted.eventId).map((d) => [d.retryNum, d.status])).toEqual([[0, 200]]);
    expect(await metricValue(h.baseUrl, 'interpreter_slack_commands_held_total')).toBe(3);

    await nats.start();
    const held = await h.commandsAfter(1, 3, 15_000);
    expect(held.map((received) => received.command.kind.case)).toEqual(['pause', 'unpause', 'message']);
    expect(held[2]?.command.id).toBe(`event:${posted.eventId}`);
    expect(await h.sim.control.responseUrlReplies(click.responseUrl)).toEqual([]);
    expect(await storedCommands(h)).toBe(4);
    await h.expectNoCommandsBeyond(4);

    const after = await h.slash(channel, 'pause phil');
    expect(after.body).toEqual({ response_type: 'ephemeral', text: 'On it: pausing the bot for *phil*…' });
    await h.commandsAfter(4, 1);
  });
});

describe('when NATS and Redis are both away', () => {
  let h: Harness;
  let channel: string;

  beforeAll(async () => {
    h = await Harness.start({ natsUrl: nats.url, retryDelaysMs: [2_500, 2_500, 2_500], env: { PUBLISH_TIMEOUT_MS: '1000' } });
    channel = await h.createChannel('mt-phil_globex', true);
  });

  afterAll(async () => {
    await nats.start().catch(() => undefined);
    await h?.expectAcksInTime();
    await h?.stop();
  });

  it('tells the agent plainly that Megatron is unavailable, stores nothing, and Slack retries the event until it acts once', async () => {
    await nats.stop();
    h.redis.disconnect();
    const refused = await h.slash(channel, 'pause phil');
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ response_type: 'ephemeral', text: UNAVAILABLE });
    expect(refused.ackMs).toBeLessThan(3_000);

    const click = await h.sim.control.clickButton({ teamId: h.workspace.id, userId: h.agent.id, channel, style: 'block', actionId: 'unpause', value: 'T0CUSTOMER:U0PHIL' });
    expect(click.status).toBe(200);
    const replies = await waitFor(async () => {
      const found = await h.sim.control.responseUrlReplies(click.responseUrl);
      return found.length > 0 ? found : undefined;
    }, { what: 'the unavailable reply on response_url' });
    expect(replies[0]?.body).toMatchObject({ text: UNAVAILABLE });

    const posted = await h.sim.control.postAsUser({ teamId: h.workspace.id, userId: h.agent.id, channel, text: 'are you there?' });
    const first = (await h.sim.control.deliveries({ kind: 'event' })).filter((d) => d.eventId === posted.eventId);
    expect(first.map((d) => [d.retryNum, d.status])).toEqual([[0, 503]]);

    await h.redis.connect();
    await nats.start();
    const [received] = await h.commandsAfter(0, 1, 15_000);
    expect(received?.command.id).toBe(`event:${posted.eventId}`);
    // Slack records the retry once the interpreter answered it, which may come after the Command was stored.
    const attempts = await waitFor(async () => {
      const found = (await h.sim.control.deliveries({ kind: 'event' })).filter((d) => d.eventId === posted.eventId);
      return found.length === 2 ? found : undefined;
    }, { what: 'the answered retry' });
    expect(attempts.map((d) => [d.retryNum, d.status])).toEqual([[0, 503], [1, 200]]);
    // Only what was acknowledged is in the stream: the retried event.
    expect(await storedCommands(h)).toBe(1);
    await h.expectNoCommandsBeyond(1);
  });
});

describe('when NATS is away from the start', () => {
  let h: Harness;

  afterAll(async () => {
    // A NatsLink that never connected cannot be closed, so NATS comes back (if a failure left it
    // stopped) and the link connects before everything shuts down.
    await nats.start().catch(() => undefined);
    await h?.interpreter.ready;
    await h?.expectAcksInTime();
    await h?.stop();
  });

  it('holds slash commands within Slack’s 3 s, asks Slack to retry events until it knows the engagement channels, and works once NATS arrives', async () => {
    await nats.stop();
    h = await Harness.start({ natsUrl: nats.url, waitReady: false });
    const channel = await h.createChannel('support-desk', false);

    const held = await h.slash(channel, 'open phil');
    expect(held.body).toEqual({ response_type: 'ephemeral', text: 'On it: opening a channel for *phil*…' });
    expect(held.ackMs).toBeLessThan(3_000);
    const { eventId } = await h.sim.control.sendRawEvent({ appId: h.app.appId, event: { type: 'message', user: h.agent.id, channel, text: 'hi', ts: '1.000001' } });
    const [event] = (await h.sim.control.deliveries({ kind: 'event' })).filter((d) => d.eventId === eventId);
    expect(event?.status).toBe(503);
    expect(await h.interpreter.check()).toBe(false);

    await nats.start();
    await h.connectTestSide();
    const accepted = await h.slash(channel, 'open phil');
    expect(accepted.body).toEqual({ response_type: 'ephemeral', text: 'On it: opening a channel for *phil*…' });
    const received = await h.commandsAfter(0, 2);
    expect(received.map((r) => r.command.id)).toEqual([`slash:${held.triggerId}`, `slash:${accepted.triggerId}`]);
    await h.expectNoCommandsBeyond(2);
  });
});
