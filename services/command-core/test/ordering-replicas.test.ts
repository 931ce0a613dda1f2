import { startSandbox, Story, type Customer, type Sandbox } from '@megatron/sandbox';
import { env, streamNames } from '@megatron/runtime';
import { createTestDatabase, natsNamespace, waitFor, type TestDatabase } from '@megatron/testkit';
import { openNats } from './takeover-world.js';

const CHANNELS = 20;
const MESSAGES_PER_CHANNEL = 10;
// interpreter-slack and command-core in the sandbox both use the default partition count.
const PARTITIONS: number = env.commandPartitions.parse(undefined);

/**
 * README "Ordering and idempotency" with real processes: two command-core replicas share the partitioned
 * command consumers, one is killed (SIGKILL) halfway, and its Command in hand comes back to the survivor
 * after COMMAND_ACK_WAIT_MS, still ahead of the later Commands of its channel.
 */
describe('two command-core replicas, one killed halfway', () => {
  let database: TestDatabase;
  let sandbox: Sandbox;
  let story: Story;
  let namespace: string;
  const customers: Customer[] = [];
  const channels: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    namespace = natsNamespace();
    sandbox = await startSandbox({
      ports: 'free',
      databaseUrl: database.url,
      namespace,
      logLevel: 'warn',
      extraEnv: { 'command-core': { COMMAND_ACK_WAIT_MS: '3000' } },
    });
    await sandbox.startReplica('command-core');
    // Commands in hand at the kill are checked against the DM's history before being posted again; an app
    // built for its own organization reads history freely, unlike a Marketplace-less one (1 read a minute).
    await sandbox.sim.control.updateApp(sandbox.seed.globex.supportBot.appId, { historyLimited: false });
    story = new Story(sandbox.sim.control, sandbox.seed, sandbox.notificationChannelId);
    const home = sandbox.seed.globex;
    for (let i = 0; i < CHANNELS; i++) {
      const name = `cust${String(i).padStart(2, '0')}`;
      const user = await story.control.createUser({ teamId: home.workspace.id, name, realName: `Customer ${i}`, displayName: name });
      customers.push({ user, home });
      const response = await fetch(`${sandbox.urls.api}/megatron.v1.MegatronService/OpenEngagement`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sandbox.secrets.apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ customer: { teamId: home.workspace.id, userId: user.id }, agentUserId: story.alice.id }),
      });
      const body = (await response.json()) as { engagement?: { channelId: string } };
      if (response.status !== 200 || !body.engagement) throw new Error(`OpenEngagement for ${name} answered ${response.status}: ${JSON.stringify(body)}`);
      // Agents pause the bot before they write (an unpaused bot holds their messages).
      await sandbox.api.megatron.pauseCustomer({ customer: { teamId: home.workspace.id, userId: user.id } });
      channels.push(body.engagement.channelId);
    }
  }, 90_000);

  afterAll(async () => {
    await sandbox?.close();
    await database?.drop();
  }, 30_000);

  it('delivers 200 agent messages across 20 channels in order per channel, none twice', async () => {
    const text = (channel: number, n: number) => `customer ${channel} message ${n}`;
    const nats = await openNats(process.env.NATS_URL ?? 'nats://127.0.0.1:4222');
    const names = streamNames(namespace).commands;
    // Every partition with Commands waiting has one in a replica's hands (one in flight per partition), and some are.
    const allTaken = async () => {
      let inHand = 0;
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const info = await nats.jsm.consumers.info(names.stream, names.durable(partition));
        if (info.num_pending > 0 && info.num_ack_pending === 0) return false;
        inHand += info.num_ack_pending;
      }
      return inHand > 0;
    };
    const stored = async () => (await nats.jsm.streams.info(names.stream)).state.messages;
    try {
      // Each round writes once in every channel at the same time; a channel's next message is written only
      // after Slack accepted the previous one. Halfway, Slack answers the round's DMs slowly, and the kill
      // waits until the whole round is stored and the replicas took all they can of it (on a loaded machine
      // Commands reach command-core late), so the killed one holds some of the partitions' Commands in hand.
      for (let n = 1; n <= MESSAGES_PER_CHANNEL; n++) {
        const halfway = n === MESSAGES_PER_CHANNEL / 2;
        const before = await stored();
        if (halfway) await story.control.fault({ kind: 'latency', method: 'chat.postMessage', latencyMs: 1_500, count: CHANNELS });
        await Promise.all(channels.map((channel, i) => story.agentWrites(story.alice, channel, text(i, n))));
        if (halfway) {
          await waitFor(async () => (await stored()) >= before + CHANNELS && (await allTaken()), { what: "the slow round in the replicas' hands", timeoutMs: 10_000, intervalMs: 50 });
          await sandbox.stop('command-core', 'SIGKILL');
        }
      }

      // Settled means every partition's consumer has nothing left to deliver and nothing unacknowledged, so no
      // redelivery (and so no late duplicate) can still come.
      await waitFor(
        async () => {
          for (let partition = 0; partition < PARTITIONS; partition++) {
            const info = await nats.jsm.consumers.info(names.stream, names.durable(partition));
            if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
          }
          return true;
        },
        { what: 'every command partition to be settled', timeoutMs: 40_000, intervalMs: 250 },
      );
      // A consumer's sequence counts every delivery, the stream every Command once: more deliveries than
      // Commands means the kill took Commands in hand down with it and they were delivered again.
      let deliveries = 0;
      for (let partition = 0; partition < PARTITIONS; partition++) deliveries += (await nats.jsm.consumers.info(names.stream, names.durable(partition))).delivered.consumer_seq;
      expect(deliveries).toBeGreaterThan((await nats.jsm.streams.info(names.stream)).state.messages);
    } finally {
      await nats.close();
    }

    for (let channel = 0; channel < CHANNELS; channel++) {
      const dm = await story.dmOf(customers[channel] as Customer);
      const delivered = (await story.control.messages(dm)).map((message) => message.text).filter((text) => !text.startsWith("I've been paused"));
      expect(delivered).toEqual(Array.from({ length: MESSAGES_PER_CHANNEL }, (_, i) => text(channel, i + 1)));
    }
  }, 60_000);
});
