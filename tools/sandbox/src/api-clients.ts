import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { MegatronAdminService, MegatronService } from '@megatron/contracts';
import { withBearer } from '@megatron/runtime';

export interface ApiClients {
  /** The integrating app's API with the sandbox organization's API token. */
  megatron: Client<typeof MegatronService>;
  /** The operator's admin API with the sandbox's admin token. */
  admin: Client<typeof MegatronAdminService>;
}

/** Connect JSON clients of command-core's public API, as an integrating app and an operator use it. */
export function apiClients(apiUrl: string, tokens: { apiToken: string; adminToken: string }): ApiClients {
  const transport = (token: string) => createConnectTransport({ baseUrl: apiUrl, httpVersion: '1.1', interceptors: [withBearer(token)] });
  return { megatron: createClient(MegatronService, transport(tokens.apiToken)), admin: createClient(MegatronAdminService, transport(tokens.adminToken)) };
}
