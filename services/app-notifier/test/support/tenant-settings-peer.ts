import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Code, ConnectError } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { TenantSettingsService } from '@megatron/contracts';
import { serviceTokenInterceptor } from '@megatron/runtime';
import { TEST_SERVICE_TOKEN } from '@megatron/testkit';

export interface PeerEndpoint {
  commandUrl: string;
  webhookSecrets: string[];
  verificationToken: string;
  disabled: boolean;
}

/**
 * command-core's side of the TenantSettingsService contract, served over real gRPC: the test
 * decides each organization's endpoint and sees DisableAppEndpoint calls.
 */
export interface TenantSettingsPeer {
  url: string;
  endpoints: Map<string, PeerEndpoint>;
  disabled: Array<{ organizationId: string; reason: string }>;
  close(): Promise<void>;
}

export async function startTenantSettingsPeer(): Promise<TenantSettingsPeer> {
  const endpoints = new Map<string, PeerEndpoint>();
  const disabled: Array<{ organizationId: string; reason: string }> = [];
  const handler = connectNodeAdapter({
    // As command-core's internal port does: app-notifier must present the service token.
    interceptors: [serviceTokenInterceptor(TEST_SERVICE_TOKEN)],
    routes: (router) =>
      router.service(TenantSettingsService, {
        getAppEndpoint(request) {
          const endpoint = endpoints.get(request.organizationId);
          if (!endpoint) throw new ConnectError(`no organization ${request.organizationId}`, Code.NotFound);
          return endpoint;
        },
        disableAppEndpoint(request) {
          const endpoint = endpoints.get(request.organizationId);
          if (!endpoint) throw new ConnectError(`no organization ${request.organizationId}`, Code.NotFound);
          endpoint.disabled = true;
          disabled.push({ organizationId: request.organizationId, reason: request.reason });
          return {};
        },
      }),
  });
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    endpoints,
    disabled,
    close: async () => {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
