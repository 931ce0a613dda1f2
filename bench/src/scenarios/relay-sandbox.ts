import { startSandbox, type Sandbox } from '@megatron/sandbox';
import { createTestDatabase, natsNamespace } from '@megatron/testkit';
import { startTcpBalancer } from '../relay/tcp-balancer.js';

export interface RelaySandbox {
  sandbox: Sandbox;
  /** Every service process by name (`command-core`, `command-core#2`, …), for memory readings. */
  pids: Record<string, number>;
  jetstream: { natsUrl: string; namespace: string };
}

/**
 * The whole suite with Slack's limits off, its own database and NATS namespace, and `replicas` processes of
 * command-core and connection-slack; command-core reaches connection-slack through a per-connection
 * round-robin balancer, as it would through a Kubernetes Service. `partitions` overrides COMMAND_PARTITIONS
 * (interpreter and command-core must agree).
 */
export async function withRelaySandbox<T>(replicas: number, work: (relay: RelaySandbox) => Promise<T>, partitions?: number): Promise<T> {
  const database = await createTestDatabase();
  const balancer = await startTcpBalancer();
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
        'command-core': { CONNECTION_SLACK_URL: balancer.url, ...(partitions ? { COMMAND_PARTITIONS: String(partitions) } : {}) },
        ...(partitions ? { 'interpreter-slack': { COMMAND_PARTITIONS: String(partitions) } } : {}),
      },
    });
    for (let i = 1; i < replicas; i += 1) {
      await sandbox.startReplica('connection-slack');
      await sandbox.startReplica('command-core');
    }
    const connectionSlack = [sandbox.services.get('connection-slack'), ...(sandbox.replicas.get('connection-slack') ?? [])];
    balancer.setBackends(
      connectionSlack.map((service) => {
        if (!service?.grpcUrl) throw new Error('a connection-slack process of the sandbox has no gRPC URL');
        return service.grpcUrl;
      }),
    );
    const pids: Record<string, number> = {};
    for (const [name, service] of sandbox.services) pids[name] = service.pid;
    for (const [name, list] of sandbox.replicas) list.forEach((service, index) => (pids[`${name}#${index + 2}`] = service.pid));
    return await work({ sandbox, pids, jetstream });
  } finally {
    await sandbox?.close();
    await balancer.close();
    await database.drop();
  }
}
