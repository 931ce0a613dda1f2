import { startOtlpReceiver, waitFor, type OtlpReceiver } from '@megatron/testkit';
import type { Customer, Sandbox, Story } from '@megatron/sandbox';
import { startE2eWorld, type E2eWorld } from './world.js';

const STREAM = 24;
const STREAM_GAP_MS = 25;

// The takeover story with no public URL: Slack reaches Megatron only over Socket Mode connections, two
// interpreter-slack replicas each hold one, and Slack breaks them in the middle of the agent's messages.
describe('a takeover over Socket Mode, with two interpreter replicas each holding a connection', () => {
  let receiver: OtlpReceiver;
  let world: E2eWorld;
  let sandbox: Sandbox;
  let story: Story;
  let phil: Customer;
  let philDm: string;
  let channel: string;

  const appId = () => sandbox.seed.integration.megatron.appId;
  const connections = async () => story.control.socketConnections(appId());

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
    world = await startE2eWorld({ 'interpreter-slack': tracing, 'command-core': tracing }, { socketMode: true });
    ({ sandbox, story } = world);
    phil = story.customer('globex', 'phil');
    // A replica reports ready only once its connection is open, so both hold one from here on.
    await sandbox.startReplica('interpreter-slack');
  }, 90_000);

  afterAll(async () => {
    await world?.close();
    await receiver?.close();
  }, 30_000);

  it('each replica holds its own connection, and the Slack HTTP routes are closed without a signing secret', async () => {
    expect(await connections()).toHaveLength(2);
    const posted = await fetch(`${sandbox.urls.interpreter}/megatron/slack/event/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(posted.status).toBe(404);
  });

  it('a customer who asks for a human is opened by the agent with /megatron open, answered in the ack', async () => {
    await story.customerSays(phil, 'I need a human please');
    philDm = await story.dmOf(phil);
    await story.waitForText(sandbox.notificationChannelId, 'requested some help');
    const opened = await story.agentRuns(story.alice, sandbox.notificationChannelId, 'open phil');
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({ response_type: 'ephemeral', text: 'On it: opening a channel for *phil*…' });
    channel = await waitFor(
      async () => {
        const found = await story.engagementChannelOf(phil);
        return found && (await story.control.conversation(found)).members.includes(story.alice.id) ? found : undefined;
      },
      { what: "Phil's engagement channel with Alice in it", timeoutMs: 15_000 },
    );
  });

  it('pause silences the bot and tells the customer', async () => {
    const paused = await story.agentRuns(story.alice, channel, 'pause');
    expect(paused.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('On it') });
    await story.waitForText(philDm, "I've been paused");
  });

  it("an agent's message is one trace from its envelope through JetStream to command-core", async () => {
    const { eventId } = await story.agentWrites(story.alice, channel, 'Traced over the socket');
    await story.waitForText(philDm, 'Traced over the socket');
    const published = await waitFor(
      async () => receiver.spans.find((span) => span.kind === 'producer' && span.attributes['messaging.message.id'] === `event:${eventId}`),
      { what: "the interpreter's publish span of the agent's event", timeoutMs: 10_000 },
    );
    const envelope = receiver.spans.find((span) => span.spanId === published.parentSpanId);
    expect(envelope).toMatchObject({ service: 'interpreter-slack', kind: 'server', name: 'socket_mode events_api', parentSpanId: '' });
    const processed = await waitFor(
      async () => receiver.spans.find((span) => span.service === 'command-core' && span.parentSpanId === published.spanId),
      { what: "command-core's span of that Command", timeoutMs: 10_000 },
    );
    expect(processed).toMatchObject({ kind: 'consumer', name: 'process megatron.v1.Command', traceId: envelope?.traceId });
  });

  it('agent messages written through a forced disconnect and dropped sockets reach the customer: 0 lost, 0 duplicated', async () => {
    const texts = Array.from({ length: STREAM }, (_, i) => `Over the socket ${i + 1}`);
    const before = (await connections()).map((connection) => connection.connectionId);
    const writes = [];
    for (const [i, text] of texts.entries()) {
      writes.push(story.agentWrites(story.alice, channel, text));
      // Mid-stream, with the envelope just written still in flight: Slack refreshes every connection, and later
      // the network cuts them all.
      if (i === STREAM / 3) await story.control.disconnectSocket({ appId: appId(), reason: 'refresh_requested' });
      if (i === (2 * STREAM) / 3) await story.control.dropSocket({ appId: appId() });
      await new Promise((resolve) => setTimeout(resolve, STREAM_GAP_MS));
    }
    await Promise.all(writes);

    const relayed = async () => (await story.control.messages(philDm)).map((message) => message.text.split('\n')[0] ?? '').filter((text) => text.startsWith('Over the socket'));
    await waitFor(async () => new Set(await relayed()).size >= texts.length, { what: 'every agent message in the DM', timeoutMs: 30_000 });
    // Time for a late duplicate to show up, had a retried envelope acted twice.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const delivered = await relayed();
    const lost = texts.filter((text) => !delivered.includes(text));
    const duplicated = texts.filter((text) => delivered.filter((seen) => seen === text).length > 1);
    expect({ lost, duplicated }).toEqual({ lost: [], duplicated: [] });

    const after = await waitFor(async () => {
      const open = await connections();
      return open.length === 2 ? open : undefined;
    }, { what: 'both replicas connected again' });
    expect(after.map((connection) => connection.connectionId).filter((id) => before.includes(id))).toEqual([]);
  }, 60_000);

  it('every envelope was acknowledged within 3 s, or left unacknowledged and delivered again until it was', async () => {
    const unacknowledgedEvents = async () => {
      const deliveries = await story.control.deliveries({ appId: appId(), kind: 'event' });
      const lastAttempt = new Map(deliveries.map((delivery) => [delivery.eventId, delivery]));
      return [...lastAttempt.values()].filter((delivery) => delivery.status !== 200);
    };
    // An envelope caught by the drop comes back on Slack's retry schedule; wait for the last of them.
    await waitFor(async () => (await unacknowledgedEvents()).length === 0, { what: 'every event acknowledged', timeoutMs: 15_000 });
    const deliveries = await story.control.deliveries({ appId: appId() });
    expect(deliveries.every((delivery) => delivery.transport === 'socket')).toBe(true);
    expect(deliveries.filter((delivery) => delivery.status === 200).every((delivery) => delivery.ackMs < 3_000)).toBe(true);
    expect(deliveries.filter((delivery) => delivery.kind === 'slash').map((delivery) => delivery.status)).toEqual([200, 200]);
  });
});
