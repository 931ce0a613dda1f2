import net from 'node:net';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { repoRoot } from '@megatron/testkit';
import type { Probe } from './pod-specs.js';

type CheckClient = grpc.Client & {
  Check(request: { service: string }, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: { status: string }) => void): void;
};
type HealthConstructor = new (address: string, credentials: grpc.ChannelCredentials) => CheckClient;

let Health: HealthConstructor | undefined;

function healthClient(port: number): CheckClient {
  if (Health === undefined) {
    const definition = protoLoader.loadSync(path.join(repoRoot(), 'proto/grpc/health/v1/health.proto'), { enums: String });
    Health = (grpc.loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: HealthConstructor } } } }).grpc.health.v1.Health;
  }
  return new Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

/**
 * One probe attempt as the kubelet makes it: httpGet succeeds on 200–399, grpc on SERVING from
 * grpc.health.v1.Health/Check, tcpSocket on an accepted connection. `port` is the local port the probe's port maps to.
 * Resolves to undefined on success, else to the reason.
 */
export async function probeOnce(probe: Probe, port: number): Promise<string | undefined> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${probe.httpGet.path ?? '/'}`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
      await response.arrayBuffer();
      return response.status >= 200 && response.status < 400 ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return (error as Error).message;
    }
  }
  if (probe.grpc) {
    const client = healthClient(port);
    try {
      return await new Promise<string | undefined>((resolve) => {
        client.Check({ service: probe.grpc?.service ?? '' }, { deadline: Date.now() + timeoutMs }, (error, response) =>
          resolve(error ? `gRPC ${error.message}` : response?.status === 'SERVING' ? undefined : `gRPC status ${response?.status}`),
        );
      });
    } finally {
      client.close();
    }
  }
  if (probe.tcpSocket) {
    return new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.setTimeout(timeoutMs, () => {
        socket.destroy();
        resolve('timeout');
      });
      socket.once('error', (error) => resolve(error.message));
    });
  }
  return 'unsupported probe (exec probes need the image)';
}

export function probePort(probe: Probe): number | string | undefined {
  return probe.httpGet?.port ?? probe.grpc?.port ?? probe.tcpSocket?.port;
}
