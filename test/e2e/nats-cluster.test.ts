import { setTimeout as sleep } from 'node:timers/promises';
import { EngagementDirectory, streamNames } from '@megatron/runtime';
import { startSandbox, Story, type Customer, type Sandbox } from '@megatron/sandbox';
import { createTestDatabase, natsNamespace, startThrowawayNatsCluster, waitFor, type TestDatabase, type ThrowawayNatsCluster } from '@megatron/testkit';
import { deliveryFaults, markerText, parseMarker } from '../../bench/src/delivery-check.js';

const CHANNELS = 8;
const ROUNDS = 8;
const KILL_AFTER_ROUND = ROUNDS / 2;
const RUN_ID = 'cluster';
// Fewer than the default 32: each three-replica consumer takes about half a second to create at first start.
const PARTITIONS = 8;
const REPLICATED = { NATS_STREAM_REPLICAS: '3' };
const PARTITIONED = { ...REPLICATED, COMMAND_PARTITIONS: String(PARTITIONS) };

/**
 * ARCHITECTURE.md: "in a NATS cluster, streams and KV buckets are replicated; losing a node loses nothing".
 * Every service runs against a real three-node JetStream cluster with three replicas of every stream and
 * bucket, and the node leading the Command stream is killed (SIGKILL) while Commands are in hand.
 */
describe('the relay on a three-node NATS cluster losing the Command stream leader halfway', () => {
  let cluster: ThrowawayNatsCluster;
  let database: TestDatabase;
  let sandbox: Sandbox;
  let story: Story;
  let namespace: string;
  const customers: Customer[] = [];
  const channels: string[] = [];

  beforeAll(async () => {
    cluster = await startThrowawayNatsCluster();
    database = await createTestDatabase();
    namespace = natsNamespace();
    sandbox = await startSandbox({
      ports: 'free',
      databaseUrl: database.url,
      namespace,
      natsUrl: cluster.url,
      logLevel: 'warn',
      extraEnv: {
        'interpreter-slack': PARTITIONED,
        // A Command whose ack died with the node comes back after this, not after the default 30 s.
        'command-core': { ...PARTITIONED, COMMAND_ACK_WAIT_MS: '3000' },
        'app-notifier': REPLICATED,
      },
    });
    // A Command in hand at the kill may be delivered again; it is checked against the DM's history before
    // being posted, which an app built for its own organization may read freely.
    await sandbox.sim.control.updateApp(sandbox.seed.globex.supportBot.appId, { historyLimited: false });
    story = new Story(sandbox.sim.control, sandbox.seed, sandbox.notificationChannelId);
    const home = sandbox.seed.globex;
    for (let i = 0; i < CHANNELS; i++) {
      const name = `clus${i}`;
      const user = await story.control.createUser({ teamId: home.workspace.id, name, realName: `Cluster customer ${i}`, displayName: name });
      customers.push({ user, home });
      const opened = await sandbox.api.megatron.openEngagement({ customer: { teamId: home.workspace.id, userId: user.id }, agentUserId: story.alice.id });
      channels.push(opened.engagement?.channelId ?? '');
    }
  }, 90_000);

  afterAll(async () => {
    await sandbox?.close();
    await database?.drop();
    await cluster?.destroy();
  }, 30_000);

  /** Waits until the interpreter answered 200 to each event, on one of Slack's retries if need be. */
  async function accepted(eventIds: string[]): Promise<void> {
    await waitFor(
      async () => {
        const ok = new Set((await story.control.deliveries({ kind: 'event' })).filter((d) => d.status === 200).map((d) => d.eventId));
        return eventIds.every((id) => ok.has(id));
      },
      { what: 'the interpreter to accept every event of the round', timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  it('keeps every stream and bucket on three nodes, and relays every agent message once and in order through the loss', async () => {
    const names = streamNames(namespace);
    const replicated = [names.commands.stream, names.appCommands.stream, names.appDeadLetters.stream, `KV_${EngagementDirectory.bucketName(namespace)}`];
    await cluster.withJetStream(async (jsm) => {
      for (const stream of replicated) expect([stream, (await jsm.streams.info(stream)).config.num_replicas]).toEqual([stream, 3]);
      expect((await jsm.consumers.info(names.commands.stream, names.commands.durable(0))).cluster?.replicas).toHaveLength(2);
    });

    let killed: number | undefined;
    // Each round writes once in every channel at the same time; the next round waits until Slack's delivery
    // of every event got its 200 (as a person writes after seeing their message sent). After the halfway round,
    // Slack answers its DMs slowly, so Commands are certainly in hand when the node dies.
    for (let round = 0; round < ROUNDS; round++) {
      const halfway = round === KILL_AFTER_ROUND;
      if (halfway) await story.control.fault({ kind: 'latency', method: 'chat.postMessage', latencyMs: 1_500, count: CHANNELS });
      const written = await Promise.all(channels.map((channel, i) => story.agentWrites(story.alice, channel, markerText(RUN_ID, i, round))));
      if (halfway) {
        await sleep(500);
        killed = await cluster.leaderOf(names.commands.stream);
        await cluster.killNode(killed);
      }
      await accepted(written.map((w) => w.eventId));
    }
    expect(await cluster.leaderOf(names.commands.stream)).not.toBe(killed);

    // Settled: no partition has anything left to deliver or unacknowledged, so no late redelivery can come.
    await waitFor(
      () =>
        cluster.withJetStream(async (jsm) => {
          for (let partition = 0; partition < PARTITIONS; partition++) {
            const info = await jsm.consumers.info(names.commands.stream, names.commands.durable(partition));
            if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
          }
          return true;
        }),
      { what: 'every command partition to be settled', timeoutMs: 30_000, intervalMs: 250 },
    );

    const sent = new Map(channels.map((_, i) => [String(i), ROUNDS]));
    const arrived = new Map<string, number[]>();
    for (const [i, customer] of customers.entries()) {
      const dm = await story.dmOf(customer);
      const seqs = (await story.control.messages(dm)).flatMap((message) => {
        const marker = parseMarker(message.text ?? '');
        return marker ? [marker.seq] : [];
      });
      arrived.set(String(i), seqs);
    }
    expect(deliveryFaults(sent, arrived)).toEqual({ missing: 0, duplicates: 0, orderViolations: 0 });
  }, 45_000);
});
