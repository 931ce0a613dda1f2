import { StorageType } from '@nats-io/jetstream';
import { startThrowawayNatsCluster, type ThrowawayNatsCluster } from '@megatron/testkit';
import { readNatsInfo } from './nats-probe.js';

describe('startThrowawayNatsCluster', () => {
  let cluster: ThrowawayNatsCluster | undefined;
  afterAll(async () => {
    await cluster?.destroy();
  });

  test('starts three clustered JetStream nodes and tells which one leads a stream, another once that one is killed', async () => {
    cluster = await startThrowawayNatsCluster();
    expect(cluster.url).toBe(cluster.nodes.map((node) => `nats://127.0.0.1:${node.port}`).join(','));
    for (const node of cluster.nodes) expect(await readNatsInfo(node.port)).toContain('"cluster":"megatron_throwaway"');

    await cluster.withJetStream((jsm) => jsm.streams.add({ name: 'LEADER_TEST', subjects: ['leader.test'], num_replicas: 3, storage: StorageType.Memory }));
    const leader = await cluster.leaderOf('LEADER_TEST');
    await cluster.killNode(leader);
    expect(await readNatsInfo(cluster.nodes[leader]!.port)).toBeUndefined();

    const next = await cluster.leaderOf('LEADER_TEST');
    expect(next).not.toBe(leader);
    expect((await cluster.withJetStream((jsm) => jsm.streams.info('LEADER_TEST'))).cluster?.leader).toBe(cluster.nodes[next]!.name);
  });
});
