import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createTestDatabase, natsNamespace, repoRoot, startService, type ServiceProcess, type TestDatabase } from '@megatron/testkit';
import { suiteEnv } from './suite-env.js';

type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
type CheckClient = grpc.Client & {
  Check(request: { service: string }, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: { status: ServingStatus }) => void): void;
};

/** An independent gRPC implementation (grpc-js + proto-loader over proto/), proving wire compatibility. */
function healthClient(port: number): CheckClient {
  const definition = protoLoader.loadSync(path.join(repoRoot(), 'proto/grpc/health/v1/health.proto'), { enums: String });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { health: { v1: { Health: new (address: string, credentials: grpc.ChannelCredentials) => CheckClient } } };
  };
  return new loaded.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

function check(client: CheckClient, service = ''): Promise<ServingStatus> {
  return new Promise((resolve, reject) => {
    client.Check({ service }, { deadline: Date.now() + 5_000 }, (error, response) => (error ? reject(error) : resolve(response!.status)));
  });
}

const SERVICES = ['interpreter-slack', 'command-core', 'connection-slack', 'app-notifier'] as const;

describe('the four services', () => {
  let database: TestDatabase;
  const running = new Map<string, ServiceProcess>();

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = suiteEnv({ databaseUrl: database.url, namespace: natsNamespace() });
    await Promise.all(SERVICES.map(async (name) => running.set(name, await startService(name, env))));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...running.values()].map((service) => service.kill()));
    await database.drop();
  });

  it.each(SERVICES)('%s answers grpc.health.v1 Check SERVING to a grpc-js client and /readyz 200', async (name) => {
    const service = running.get(name)!;
    const client = healthClient(Number(new URL(service.grpcUrl!).port));
    try {
      await expect(check(client)).resolves.toBe('SERVING');
      await expect(check(client, 'no.such.Service')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    } finally {
      client.close();
    }
    const readyz = await fetch(`${service.httpUrl}/readyz`);
    expect(readyz.status).toBe(200);
    const metrics = await (await fetch(`${service.httpUrl}/metrics`)).text();
    expect(metrics).toContain('process_resident_memory_bytes');
  });

  it.each(SERVICES)('%s exits 0 on SIGTERM', async (name) => {
    const service = running.get(name)!;
    running.delete(name);
    await expect(service.stop('SIGTERM')).resolves.toEqual({ code: 0, signal: null });
  });
});
