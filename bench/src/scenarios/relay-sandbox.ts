import { startSandbox, type Sandbox } from '@megatron/sandbox';
import { createTestDatabase, natsNamespace } from '@megatron/testkit';
import { startTcpBalancer } from '../relay/tcp-balancer.js';

export interface RelaySandbox {
  sandbox: Sandbox;
  /** Every service process by name (`command-core`, `command-core#2`, …), for memory readings. */
  pids: Record<string, number>;
  jetstream: { natsUrl: string; namespace: string };
}

export interface RelaySandboxOptions {
  /** Processes of command-core and connection-slack (1 unless given). */
  replicas?: number;
  /** COMMAND_PARTITIONS for interpreter-slack and command-core (they must agree). */
  partitions?: number;
  /**
   * command-core reaches connection-slack through a per-connection round-robin balancer in the bench process, the
   * way a Kubernetes Service spreads long-lived gRPC connections over replicas. Without it command-core connects
   * directly, as through a Service's in-kernel routing: a proxy in the bench process would put its event loop, shared
   * with the simulator and the load, in the middle of every internal call. Unless given, only with more than one
   * replica, which need it to share the calls.
   */
  balanced?: boolean;
}

/** The whole suite with Slack's limits off, its own database and NATS namespace (see RelaySandboxOptions). */
export async function withRelaySandbox<T>(options: RelaySandboxOptions, work: (relay: RelaySandbox) => Promise<T>): Promise<T> {
  const { replicas = 1, partitions, balanced = replicas > 1 } = options;
  const database = await createTestDatabase();
  const balancer = balanced ? await startTcpBalancer() : undefined;
  let sandbox: Sandbox | undefined;
  const jetstream = { natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', namespace: natsNamespace() };
  try {
    sandbox = await startSandbox({
      ports: 'free',
      rateLimits: false,
      databaseUrl: database.url,
      namespace: jetstream.namespace,
      natsUrl: jetstream.natsUrl,
      logLevel: 'warn',
      // BENCH_SERVICE_LOGS=1 shows the services' warnings and errors, to see why a point failed.
      ...(process.env.BENCH_SERVICE_LOGS === '1' ? { onOutput: (service: string, chunk: string) => process.stderr.write(`[${service}] ${chunk}`) } : {}),
      extraEnv: {
        'command-core': { ...(balancer ? { CONNECTION_SLACK_URL: balancer.url } : {}), ...(partitions ? { COMMAND_PARTITIONS: String(partitions) } : {}) },
        ...(partitions ? { 'interpreter-slack': { COMMAND_PARTITIONS: String(partitions) } } : {}),
      },
    });
    for (let i = 1; i < replicas; i += 1) {
      await sandbox.startReplica('connection-slack');
      await sandbox.startReplica('command-core');
    }
    if (balancer) {
      const connectionSlack = [sandbox.services.get('connection-slack'), ...(sandbox.replicas.get('connection-slack') ?? [])];
      balancer.setBackends(
        connectionSlack.map((service) => {
          if (!service?.grpcUrl) throw new Error('a connection-slack process of the sandbox has no gRPC URL');
          return service.grpcUrl;
        }),
      );
    }
    const pids: Record<string, number> = {};
    for (const [name, service] of sandbox.services) pids[name] = service.pid;
    for (const [name, list] of sandbox.replicas) list.forEach((service, index) => (pids[`${name}#${index + 2}`] = service.pid));
    return await work({ sandbox, pids, jetstream });
  } finally {
    await sandbox?.close();
    await balancer?.close();
    await database.drop();
  }
}
