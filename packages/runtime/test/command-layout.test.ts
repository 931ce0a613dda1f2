import { natsNamespace } from '@megatron/testkit';
import { pino } from 'pino';
import {
  commandConsumer,
  commandStream,
  ensureCommandStream,
  ensureConsumer,
  ensureStream,
  NatsLink,
  recordedPartitions,
  streamNames,
  type NatsClients,
} from '@megatron/runtime';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('the command stream keeps the partition count it was created with', () => {
  let link: NatsLink;
  let clients: NatsClients;
  let namespace: string;
  let lines: Array<{ msg: string; configured?: number; partitions?: number }>;
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });

  beforeEach(async () => {
    link = new NatsLink(NATS_URL, 'command-layout-test', pino({ level: 'silent' }));
    clients = await link.ready;
    namespace = natsNamespace();
    lines = [];
  });

  afterEach(async () => {
    await clients.jsm.streams.delete(streamNames(namespace).commands.stream).catch(() => undefined);
    await link.close();
  });

  const described = async () => recordedPartitions((await clients.jsm.streams.info(streamNames(namespace).commands.stream)).config.description);

  test('a new stream records COMMAND_PARTITIONS; a later service configured otherwise keeps the record and says so', async () => {
    expect(await ensureCommandStream(clients.jsm, namespace, 1, 16, logger)).toBe(16);
    expect(await described()).toBe(16);
    expect(lines).toEqual([]);

    expect(await ensureCommandStream(clients.jsm, namespace, 1, 128, logger)).toBe(16);
    expect(await described()).toBe(16);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ configured: 128, partitions: 16 });
    expect(lines[0]?.msg).toContain('COMMAND_PARTITIONS=128 ignored');
  });

  test("a stream from a release that recorded nothing keeps the count its command-core consumers show", async () => {
    await ensureStream(clients.jsm, commandStream(namespace, 1));
    for (let partition = 0; partition < 8; partition++) await ensureConsumer(clients.jsm, commandConsumer(namespace, partition, 5_000));

    expect(await ensureCommandStream(clients.jsm, namespace, 1, 128, logger)).toBe(8);
    expect(await described()).toBe(8);
    expect(await ensureCommandStream(clients.jsm, namespace, 1, 128, logger)).toBe(8);
  });

  test('a stream from a release that recorded nothing and has no consumers yet takes COMMAND_PARTITIONS', async () => {
    await ensureStream(clients.jsm, commandStream(namespace, 1));
    expect(await ensureCommandStream(clients.jsm, namespace, 1, 64, logger)).toBe(64);
    expect(await described()).toBe(64);
  });

  test('services starting together with different counts agree on one', async () => {
    const counts = await Promise.all([4, 32, 128, 4, 32, 128].map((configured) => ensureCommandStream(clients.jsm, namespace, 1, configured, logger)));
    expect(new Set(counts).size).toBe(1);
    expect(await described()).toBe(counts[0]);
  });
});
