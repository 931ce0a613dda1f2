import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort } from './free-port.js';
import { natsServerBinary } from './nats-server-binary.js';
import { readNatsInfo } from './nats-probe.js';
import { waitFor } from './wait-for.js';

const NODES = 3;
const CLUSTER_NAME = 'megatron_throwaway';
/** Created and deleted at start: the cluster is ready once it can place a stream on every node. */
const PROBE_STREAM = 'THROWAWAY_CLUSTER_PROBE';

export interface ClusterNode {
  /** `server_name`, the name JetStream reports as a stream's leader. */
  name: string;
  url: string;
  port: number;
  routePort: number;
}

export interface ThrowawayNatsCluster {
  /** Every node's client URL, comma-separated: a NATS_URL for the whole cluster. */
  url: string;
  nodes: readonly ClusterNode[];
  /** Crashes one node (SIGKILL: no goodbye to its peers) and waits until it has exited. */
  killNode(index: number): Promise<void>;
  /** The index of the node leading `stream`, once its replicas agree on one. */
  leaderOf(stream: string): Promise<number>;
  /** Runs `work` with a JetStream manager connected to the nodes still running. */
  withJetStream<T>(work: (jsm: JetStreamManager) => Promise<T>): Promise<T>;
  destroy(): Promise<void>;
}

function nodeConfig(node: ClusterNode, storeDir: string, routePorts: number[]): string {
  return [
    `server_name: ${node.name}`,
    `listen: 127.0.0.1:${node.port}`,
    `jetstream { store_dir: ${JSON.stringify(storeDir)} }`,
    'cluster {',
    `  name: ${CLUSTER_NAME}`,
    `  listen: 127.0.0.1:${node.routePort}`,
    `  routes: [${routePorts.map((port) => `nats-route://127.0.0.1:${port}`).join(', ')}]`,
    '}',
    '',
  ].join('\n');
}

/**
 * Three NATS servers with JetStream clustered on loopback, each on free ports with its own store and log in a
 * temp dir. Resolves once the cluster can place a three-replica stream. `destroy()` stops every node and
 * deletes everything.
 */
export async function startThrowawayNatsCluster(): Promise<ThrowawayNatsCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'megatron-nats-cluster-'));
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < NODES; i++) {
    const port = await freePort();
    nodes.push({ name: `n${i}`, url: `nats://127.0.0.1:${port}`, port, routePort: await freePort() });
  }
  const processes = new Map<number, ChildProcess>();
  const logOf = (index: number) => path.join(dir, `n${index}.log`);

  const kill = async (index: number): Promise<void> => {
    const child = processes.get(index);
    if (child === undefined) return;
    processes.delete(index);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
  const running = () => nodes.filter((_, index) => processes.has(index));

  const withJetStream = async <T>(work: (jsm: JetStreamManager) => Promise<T>): Promise<T> => {
    const nc = await connect({ servers: running().map((node) => node.url), timeout: 2_000 });
    try {
      // Short: a request made while the cluster has no leader gets no answer, and the callers poll anyway.
      return await work(await jetstreamManager(nc, { timeout: 1_000 }));
    } finally {
      await nc.close();
    }
  };

  const start = async (): Promise<void> => {
    const routePorts = nodes.map((node) => node.routePort);
    for (const [index, node] of nodes.entries()) {
      const storeDir = path.join(dir, node.name);
      await mkdir(storeDir);
      const config = path.join(dir, `${node.name}.conf`);
      await writeFile(config, nodeConfig(node, storeDir, routePorts));
      const child = spawn(natsServerBinary(), ['-c', config, '-l', logOf(index)], { stdio: 'ignore' });
      processes.set(index, child);
      child.once('error', () => processes.delete(index));
      child.once('exit', () => {
        if (processes.get(index) === child) processes.delete(index);
      });
    }
    for (const node of nodes) {
      await waitFor(async () => (await readNatsInfo(node.port))?.includes('"jetstream":true') === true, {
        timeoutMs: 10_000,
        intervalMs: 50,
        what: `cluster node ${node.name} to serve JetStream on port ${node.port}`,
      });
    }
    await waitFor(
      () =>
        withJetStream(async (jsm) => {
          await jsm.streams.add({ name: PROBE_STREAM, subjects: ['throwaway.cluster.probe'], num_replicas: NODES, storage: StorageType.Memory });
          await jsm.streams.delete(PROBE_STREAM);
          return true;
        }),
      { timeoutMs: 20_000, intervalMs: 250, what: `the ${NODES}-node NATS cluster to place a ${NODES}-replica stream` },
    );
  };

  const destroy = async (): Promise<void> => {
    await Promise.all(nodes.map((_, index) => kill(index)));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await start();
  } catch (error) {
    const logs = await Promise.all(nodes.map(async (node, index) => `--- ${node.name} ---\n${await readFile(logOf(index), 'utf8').catch(() => '')}`));
    await destroy();
    throw new Error(`${(error as Error).message}\n${logs.join('\n')}`, { cause: error });
  }

  return {
    url: nodes.map((node) => node.url).join(','),
    nodes,
    async killNode(index) {
      if (nodes[index] === undefined) throw new Error(`killNode: no node ${index} in a ${NODES}-node cluster`);
      await kill(index);
    },
    leaderOf: (stream) =>
      waitFor(
        () =>
          withJetStream(async (jsm) => {
            const leader = (await jsm.streams.info(stream)).cluster?.leader;
            const index = nodes.findIndex((node) => node.name === leader);
            return index >= 0 && processes.has(index) ? index : undefined;
          }),
        { timeoutMs: 15_000, intervalMs: 100, what: `a running leader of stream ${stream}` },
      ),
    withJetStream,
    destroy,
  };
}
