import { create } from '@bufbuild/protobuf';
import { CommandSchema } from '@megatron/contracts';
import { natsNamespace, startThrowawayNatsCluster, waitFor, type ThrowawayNatsCluster } from '@megatron/testkit';
import {
  ack,
  commandConsumer,
  commandStream,
  consumeProto,
  createLogger,
  EngagementDirectory,
  ensureConsumer,
  ensureStream,
  NatsLink,
  publishProto,
  streamNames,
  type NatsClients,
  type RunningConsumer,
} from '@megatron/runtime';

const logger = createLogger('stream-replicas-test', 'silent');

const command = (id: string) => create(CommandSchema, { id, kind: { case: 'help', value: {} } });

/** How many servers hold the stream: its leader and the replicas following it. */
async function copiesOf(clients: NatsClients, stream: string): Promise<number> {
  const { cluster } = await clients.jsm.streams.info(stream);
  return (cluster?.leader ? 1 : 0) + (cluster?.replicas?.length ?? 0);
}

describe('streams on a three-node JetStream cluster', () => {
  let cluster: ThrowawayNatsCluster;
  let link: NatsLink;
  let clients: NatsClients;

  beforeAll(async () => {
    cluster = await startThrowawayNatsCluster();
    link = new NatsLink(cluster.url, 'stream-replicas-test', logger);
    clients = await link.ready;
  });

  afterAll(async () => {
    await link?.close();
    await cluster?.destroy();
  });

  it('raises an existing single-copy stream to three replicas in place, its durable consumer and messages following', async () => {
    const namespace = natsNamespace();
    const names = streamNames(namespace).commands;
    await ensureStream(clients.jsm, commandStream(namespace, 1));
    await ensureConsumer(clients.jsm, commandConsumer(namespace, 0, 5_000));
    await publishProto(clients.js, names.subject(0), CommandSchema, command('before'), { msgId: 'before' });
    expect(await copiesOf(clients, names.stream)).toBe(1);

    await ensureStream(clients.jsm, commandStream(namespace, 3));
    await waitFor(async () => (await copiesOf(clients, names.stream)) === 3, { what: 'three copies of the stream' });
    const consumer = await waitFor(
      async () => {
        const info = await clients.jsm.consumers.info(names.stream, names.durable(0));
        return (info.cluster?.replicas?.length ?? 0) === 2 ? info : undefined;
      },
      { what: 'the consumer to follow the stream to three copies' },
    );
    expect(consumer.num_pending).toBe(1);
    expect((await clients.jsm.streams.info(names.stream)).state.messages).toBe(1);
  });

  it('raises an existing engagement directory bucket to three replicas when opened with three', async () => {
    const namespace = natsNamespace();
    const bucket = `KV_${EngagementDirectory.bucketName(namespace)}`;
    (await EngagementDirectory.open(clients.nc, namespace, 1)).close();
    expect(await copiesOf(clients, bucket)).toBe(1);

    (await EngagementDirectory.open(clients.nc, namespace, 3)).close();
    expect((await clients.jsm.streams.info(bucket)).config.num_replicas).toBe(3);
    await waitFor(async () => (await copiesOf(clients, bucket)) === 3, { what: 'three copies of the bucket' });
  });

  it('refuses more replicas than the cluster has nodes, naming the stream and the variable', async () => {
    const namespace = natsNamespace();
    await expect(ensureStream(clients.jsm, commandStream(namespace, 5))).rejects.toThrow(
      `stream ${streamNames(namespace).commands.stream} with 5 replicas (NATS_STREAM_REPLICAS) refused: `,
    );
  });
});

describe('a three-replica stream whose leader dies', () => {
  let cluster: ThrowawayNatsCluster;
  let link: NatsLink;
  let clients: NatsClients;
  let running: RunningConsumer | undefined;

  beforeAll(async () => {
    cluster = await startThrowawayNatsCluster();
    link = new NatsLink(cluster.url, 'leader-death-test', logger);
    clients = await link.ready;
  });

  afterAll(async () => {
    await running?.stop();
    await link?.close();
    await cluster?.destroy();
  });

  it('keeps every message published before, takes new ones once another node leads, and stores a re-publish once', async () => {
    const namespace = natsNamespace();
    const names = streamNames(namespace).commands;
    await ensureStream(clients.jsm, commandStream(namespace, 3));
    await ensureConsumer(clients.jsm, commandConsumer(namespace, 0, 5_000));
    const ids = Array.from({ length: 20 }, (_, i) => `before-${i}`);
    for (const id of ids) await publishProto(clients.js, names.subject(0), CommandSchema, command(id), { msgId: id });

    const leader = await cluster.leaderOf(names.stream);
    await cluster.killNode(leader);

    // Published while the survivors elect a leader: the publish waits for one within its budget.
    const during = await publishProto(clients.js, names.subject(0), CommandSchema, command('during'), { msgId: 'during', timeoutMs: 20_000 });
    expect(during.duplicate).toBe(false);
    expect(await cluster.leaderOf(names.stream)).not.toBe(leader);
    // The same Nats-Msg-Id again, as after a PubAck lost with the dead leader: the new leader knows it.
    const again = await publishProto(clients.js, names.subject(0), CommandSchema, command(ids[0]!), { msgId: ids[0]!, timeoutMs: 20_000 });
    expect(again.duplicate).toBe(true);

    // The consumer is a raft group of its own: on a loaded machine its election can outlast the stream's.
    await waitFor(async () => Boolean((await clients.jsm.consumers.info(names.stream, names.durable(0)).catch(() => undefined))?.cluster?.leader), {
      what: 'the consumer to have a leader again',
      timeoutMs: 30_000,
    });
    const seen: string[] = [];
    running = await consumeProto({
      nc: clients.nc,
      js: clients.js,
      stream: names.stream,
      durable: names.durable(0),
      schema: CommandSchema,
      logger,
      handle: async ({ message }) => {
        seen.push(message.id);
        return ack();
      },
    });
    await waitFor(async () => seen.length >= ids.length + 1, { what: 'every message', timeoutMs: 20_000 });
    expect(seen).toEqual([...ids, 'during']);
    expect((await clients.jsm.streams.info(names.stream)).state.messages).toBe(ids.length + 1);
  }, 60_000);
});

describe('replicas on a single NATS server', () => {
  let link: NatsLink;
  let clients: NatsClients;

  beforeAll(async () => {
    link = new NatsLink(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', 'single-server-test', logger);
    clients = await link.ready;
  });

  afterAll(async () => {
    await link?.close();
  });

  it('refuses to create a three-replica stream or bucket, and to raise an existing one (which the server would only pretend to do)', async () => {
    const namespace = natsNamespace();
    const stream = streamNames(namespace).commands.stream;
    await expect(ensureStream(clients.jsm, commandStream(namespace, 3))).rejects.toThrow(
      `stream ${stream} with 3 replicas (NATS_STREAM_REPLICAS) refused: replicas > 1 not supported in non-clustered mode`,
    );
    await ensureStream(clients.jsm, commandStream(namespace, 1));
    try {
      await expect(ensureStream(clients.jsm, commandStream(namespace, 3))).rejects.toThrow(
        `stream ${stream} with 3 replicas (NATS_STREAM_REPLICAS) needs a JetStream cluster of at least 3 nodes; this NATS server runs alone (set NATS_STREAM_REPLICAS=1)`,
      );
      await expect(EngagementDirectory.open(clients.nc, namespace, 3)).rejects.toThrow(/with 3 replicas \(NATS_STREAM_REPLICAS\) refused: /);
    } finally {
      await clients.jsm.streams.delete(stream);
    }
  });
});
