import { createClient, type Client, type ServiceImpl } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { MegatronAdminService, MegatronService, TenantSettingsService } from '@megatron/contracts';
import { Metrics, Readiness, startServers, type RunningServers } from '@megatron/runtime';
import { adminService } from '../src/admin/admin-service.js';
import { apiSurface } from '../src/api/api-surface.js';
import { tenantSettingsService } from '../src/tenant-settings/tenant-settings-service.js';
import type { TenantsFixture } from './tenants-fixture.js';

export interface ApiServer {
  servers: RunningServers;
  httpUrl: string;
  grpcUrl: string;
  client<S extends typeof MegatronService | typeof MegatronAdminService | typeof TenantSettingsService>(service: S): Client<S>;
  close(): Promise<void>;
}

/**
 * command-core's API surface wired as main.ts wires it (same interceptors, admin and tenant-settings
 * services, REST compatibility handler), on free ports, around the given MegatronService implementation.
 */
export async function startApiServer(
  f: TenantsFixture,
  megatronService: Partial<ServiceImpl<typeof MegatronService>>,
  options: { adminToken?: string } = {},
): Promise<ApiServer> {
  const api = apiSurface({
    megatronService,
    adminService: adminService(f.admin, f.directory),
    authenticate: (token) => f.admin.authenticate(token),
    adminToken: options.adminToken,
    logger: f.logger,
  });
  const readiness = new Readiness(f.logger);
  const servers = await startServers({
    logger: f.logger,
    metrics: new Metrics('command-core-test'),
    readiness,
    httpPort: 0,
    grpcPort: 0,
    host: '127.0.0.1',
    ...api,
    routes: (router) => {
      api.routes(router);
      router.service(TenantSettingsService, tenantSettingsService(f.admin));
    },
  });
  const grpcUrl = `http://127.0.0.1:${servers.grpcPort}`;
  const transport = createGrpcTransport({ baseUrl: grpcUrl });
  return {
    servers,
    httpUrl: `http://127.0.0.1:${servers.httpPort}`,
    grpcUrl,
    client: (service) => createClient(service, transport),
    close: () => servers.close(),
  };
}
