import { streamNames } from '@megatron/runtime';
import { startThrowawayNats, waitFor, type ThrowawayNats } from '@megatron/testkit';
import { UNAVAILABLE } from '../src/handler-deps.js';
import { Harness } from './harness.js';

let nats: ThrowawayNats;
let h: Harness;
let channel: string;

beforeAll(async () => {
  nats = await startThrowawayNats();
  h = await Harness.start({ socketMode: true, natsUrl: nats.url, retryDelaysMs: [2_500, 2_500, 2_500], env: { PUBLISH_TIMEOUT_MS: '1000' } });
  channel = await h.createChannel('mt-phil_globex', true);
});

afterAll(async () => {
  await nats?.start().catch(() => undefined);
  // The test side reconnects on its own; the stream can be dropped once it is back.
  if (h) await waitFor(() => storedCommands().then(() => true), { what: 'the test side back on NATS' });
  await h?.stop();
  await nats?.destroy();
});

const storedCommands = async () => (await h.jsm!.streams.info(streamNames(h.config.NATS_NAMESPACE).commands.stream)).state.messages;
const deliveriesOf = async (eventId: string) => (await h.sim.control.deliveries({ kind: 'event' })).filter((delivery) => delivery.eventId === eventId);

describe('Socket Mode while NATS is away', () => {
  it('acknowledges envelopes once their Commands are held, and publishes them in order when NATS is back', async () => {
    await nats.stop();
    const held = await h.slash(channel, 'pause phil');
    expect(held.status).toBe(200);
    expect(held.body).toEqual({ response_type: 'ephemeral', text: 'On it: pausing the bot for *phil*…' });

    const posted = await h.sim.control.postAsUser({ teamId: h.workspace.id, userId: h.agent.id, channel, text: 'are you there?' });
    const delivered = await waitFor(async () => {
      const found = await deliveriesOf(posted.eventId);
      return found.length > 0 ? found : undefined;
    }, { what: 'the event envelope acknowledged' });
    expect(delivered.map((d) => [d.retryNum, d.status, d.transport])).toEqual([[0, 200, 'socket']]);

    await nats.start();
    const received = await h.commandsAfter(0, 2, 20_000);
    expect(received.map((r) => r.command.id)).toEqual([`slash:${held.triggerId}`, `event:${posted.eventId}`]);
    expect(await storedCommands()).toBe(2);
    await h.expectNoCommandsBeyond(2);
  }, 30_000);

  it('leaves an envelope unacknowledged when its Command can be neither stored nor held: Slack delivers it again and it acts once', async () => {
    await nats.stop();
    h.redis.disconnect();
    const refused = await h.slash(channel, 'pause phil');
    expect(refused.body).toEqual({ response_type: 'ephemeral', text: UNAVAILABLE });
    const posted = await h.sim.control.postAsUser({ teamId: h.workspace.id, userId: h.agent.id, channel, text: 'still there?' });
    expect((await deliveriesOf(posted.eventId)).map((d) => [d.retryNum, d.status, d.retryReason])).toEqual([[0, 0, 'timeout']]);

    await h.redis.connect();
    await nats.start();
    const [received] = await h.commandsAfter(2, 1, 20_000);
    expect(received?.command.id).toBe(`event:${posted.eventId}`);
    const attempts = await waitFor(
      async () => {
        const found = await deliveriesOf(posted.eventId);
        return found.at(-1)?.status === 200 ? found : undefined;
      },
      { what: 'the acknowledged retry' },
    );
    expect(attempts.filter((d) => d.status === 200)).toHaveLength(1);
    expect(attempts.every((d) => d.transport === 'socket')).toBe(true);
    expect(await storedCommands()).toBe(3);
    await h.expectNoCommandsBeyond(3);
  }, 30_000);

  it('on shutdown sends the acks of the envelopes in hand, then closes its connection', async () => {
    await nats.stop();
    const answer = h.slash(channel, 'unpause phil');
    // The Command waits up to PUBLISH_TIMEOUT_MS for NATS (then is held), so the envelope is still in hand when shutdown begins.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closing = h.interpreter.socketMode!.close();
    const reply = await answer;
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ response_type: 'ephemeral', text: 'On it: unpausing the bot for *phil*…' });
    await closing;
    expect(await h.sim.control.socketConnections(h.app.appId)).toEqual([]);
    expect(await h.interpreter.socketMode!.check()).toBe(false);
  });
});
