import { EngagementDirectory, streamNames } from '@megatron/runtime';
import { startSandbox, Story, type Sandbox } from '@megatron/sandbox';
import { createTestDatabase, natsNamespace, startThrowawayNatsCluster, waitFor, type TestDatabase, type ThrowawayNatsCluster } from '@megatron/testkit';
import { cleanRow, openLanes, settledReport, writeLoad, type Lane } from './relay-load.js';

const LANES = 6;
const PER_LANE = 12;
const PER_SECOND = 8;
// Fewer than the default 32: each three-replica consumer takes about half a second to create at first start.
const PARTITIONS = 8;
const REPLICATED = { NATS_STREAM_REPLICAS: '3' };
const PARTITIONED = { ...REPLICATED, COMMAND_PARTITIONS: String(PARTITIONS) };

/**
 * ARCHITECTURE.md: "in a NATS cluster, streams and KV buckets are replicated; losing a node loses nothing".
 * Every service runs against a real three-node JetStream cluster with three replicas of every stream and of
 * the bucket, and mid-stream the node leading the Command stream is killed (SIGKILL) while Commands are in
 * hand (README, "Delivery under faults").
 */
describe('a three-node NATS cluster losing the Command stream leader mid-stream', () => {
  let cluster: ThrowawayNatsCluster;
  let database: TestDatabase;
  let sandbox: Sandbox;
  let story: Story;
  let namespace: string;
  let lanes: Lane[];

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
    story = new Story(sandbox.sim.control, sandbox.seed, sandbox.notificationChannelId);
    lanes = await openLanes(story, sandbox.api, LANES, 'cluster');
  }, 90_000);

  afterAll(async () => {
    await sandbox?.close();
    await database?.drop();
    await cluster?.destroy();
  }, 30_000);

  it('keeps every stream and the bucket on three nodes, and loses, repeats and reorders nothing', async () => {
    const names = streamNames(namespace);
    const replicated = [names.commands.stream, names.appCommands.stream, names.appDeadLetters.stream, `KV_${EngagementDirectory.bucketName(namespace)}`];
    await cluster.withJetStream(async (jsm) => {
      for (const stream of replicated) expect([stream, (await jsm.streams.info(stream)).config.num_replicas]).toEqual([stream, 3]);
      expect((await jsm.consumers.info(names.commands.stream, names.commands.durable(0))).cluster?.replicas).toHaveLength(2);
    });

    let killed: number | undefined;
    await writeLoad(story, lanes, {
      perLane: PER_LANE,
      perSecond: PER_SECOND,
      faultAfter: 30,
      during: async () => {
        // Slack answers the next posts slowly, so command-core certainly holds Commands when the node dies.
        await story.control.fault({ kind: 'latency', method: 'chat.postMessage', latencyMs: 1_500, count: LANES });
        await new Promise((resolve) => setTimeout(resolve, 500));
        killed = await cluster.leaderOf(names.commands.stream);
        await cluster.killNode(killed);
      },
    });
    const report = await settledReport(story, lanes, PER_LANE, 30_000);
    expect(await cluster.leaderOf(names.commands.stream)).not.toBe(killed);

    // Settled: no partition has anything left to deliver or unacknowledged, so no late redelivery can still
    // add a duplicate after the count.
    await waitFor(
      () =>
        cluster.withJetStream(async (jsm) => {
          for (let partition = 0; partition < PARTITIONS; partition++) {
            const info = await jsm.consumers.info(names.commands.stream, names.commands.durable(partition));
            if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
          }
          return true;
        }),
      { what: 'every command partition to be settled', timeoutMs: 15_000, intervalMs: 250 },
    );
    expect(cleanRow(await settledReport(story, lanes, PER_LANE, 1_000))).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
    expect(report.delivered).toBe(LANES * PER_LANE);
  }, 50_000);
});
