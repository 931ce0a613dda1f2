import { freePort, type ServiceName } from '@megatron/testkit';

export interface ServicePorts {
  http: number;
  grpc: number;
}

export interface SandboxPorts {
  sim: number;
  bot: number;
  services: Record<ServiceName, ServicePorts>;
  /** command-core's internal gRPC port (TenantSettingsService for app-notifier). */
  coreInternal: number;
}

/** The documented defaults, so the README's URLs are true while `npm run dev` runs. */
export const DEFAULT_PORTS: SandboxPorts = {
  sim: 8090,
  bot: 3000,
  services: {
    'interpreter-slack': { http: 8002, grpc: 9093 },
    'command-core': { http: 8080, grpc: 9090 },
    'connection-slack': { http: 8081, grpc: 9091 },
    'app-notifier': { http: 8082, grpc: 9092 },
  },
  coreInternal: 9094,
};

export async function freePorts(): Promise<SandboxPorts> {
  const pair = async (): Promise<ServicePorts> => ({ http: await freePort(), grpc: await freePort() });
  return {
    sim: await freePort(),
    bot: await freePort(),
    services: {
      'interpreter-slack': await pair(),
      'command-core': await pair(),
      'connection-slack': await pair(),
      'app-notifier': await pair(),
    },
    coreInternal: await freePort(),
  };
}
