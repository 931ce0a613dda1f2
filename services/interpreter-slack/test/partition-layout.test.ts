import { createLogger, ensureCommandStream, NatsLink, partitionOf, streamNames } from '@megatron/runtime';
import { natsNamespace } from '@megatron/testkit';
import { Harness } from './harness.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const logger = createLogger('partition-layout-test', 'silent');

describe('the partition count of an existing command stream', () => {
  let h: Harness | undefined;
  let link: NatsLink | undefined;

  afterAll(async () => {
    await h?.stop();
    await link?.close();
  });

  it('wins over a different COMMAND_PARTITIONS: one channel keeps one partition across releases', async () => {
    const namespace = natsNamespace();
    link = new NatsLink(NATS_URL, 'partition-layout-test', logger);
    // As an earlier release (or a pod with another chart value) created it.
    expect(await ensureCommandStream((await link.ready).jsm, namespace, 1, 4, logger)).toBe(4);

    h = await Harness.start({ env: { NATS_NAMESPACE: namespace, COMMAND_PARTITIONS: '128' } });
    // A channel whose two partitions differ (ids are random: about one in 32 share it).
    let channel = await h.createChannel('support-desk', false);
    for (let n = 2; partitionOf(channel, 128) === partitionOf(channel, 4); n++) channel = await h.createChannel(`support-desk-${n}`, false);
    const names = streamNames(namespace).commands;

    const from = h.received.length;
    expect((await h.slash(channel, 'open phil')).status).toBe(200);
    const [received] = await h.commandsAfter(from, 1);
    expect(received?.subject).toBe(names.subject(partitionOf(channel, 4)));
  });
});
