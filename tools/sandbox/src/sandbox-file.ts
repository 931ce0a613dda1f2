import type { DemoSeed } from '@megatron/slack-sim';
import type { Sandbox } from './sandbox.js';

/**
 * What `megatron-admin` reads (services/command-core/src/admin/cli-config.ts), set for this sandbox: its database and
 * key, its admin token, command-core's public gRPC address, and the development mode and loopback allowance the
 * sandbox's services run with (the example bot's command_url is on 127.0.0.1).
 */
export function adminEnvironment(sandbox: Sandbox): Record<string, string> {
  return {
    DATABASE_URL: sandbox.databaseUrl,
    TOKEN_ENCRYPTION_KEY: sandbox.secrets.encryptionKey,
    MEGATRON_ADMIN_TOKEN: sandbox.secrets.adminToken,
    COMMAND_CORE_URL: sandbox.urls.commandCoreGrpc,
    MEGATRON_APP_MODE: 'megatron-dev',
    APP_COMMAND_ALLOW_LOOPBACK: 'true',
  };
}

/** `.local/sandbox.json`: everything a person or a script needs against a running `npm run dev`. */
export interface SandboxFile {
  /** The browser UI first: where a newcomer starts. */
  ui: string;
  urls: Sandbox['urls'];
  seed: DemoSeed;
  notificationChannelId: string;
  /** The organization command-core bootstrapped (`megatron-admin org list` shows it too). */
  organizationId: string;
  /** The integrating app's API token (REST `MegatronToken`, Connect/gRPC `Bearer`). */
  apiToken: string;
  adminToken: string;
  databaseUrl: string;
  encryptionKey: string;
  /** `megatron-admin`'s variables; `.local/sandbox.env` holds the same as `export` lines. */
  adminEnv: Record<string, string>;
}

export function sandboxFile(sandbox: Sandbox, organizationId: string): SandboxFile {
  return {
    ui: sandbox.urls.ui,
    urls: sandbox.urls,
    seed: sandbox.seed,
    notificationChannelId: sandbox.notificationChannelId,
    organizationId,
    apiToken: sandbox.secrets.apiToken,
    adminToken: sandbox.secrets.adminToken,
    databaseUrl: sandbox.databaseUrl,
    encryptionKey: sandbox.secrets.encryptionKey,
    adminEnv: adminEnvironment(sandbox),
  };
}

/** The admin variables as shell `export` lines, single-quoted so `source` takes them as they are. */
export function shellExports(env: Record<string, string>): string {
  return Object.entries(env).map(([name, value]) => `export ${name}='${value.replace(/'/g, `'\\''`)}'`).join('\n');
}

/** The organization command-core bootstrapped, through its admin API (Connect JSON on the HTTP port). */
export async function bootstrappedOrganization(sandbox: Sandbox): Promise<string> {
  const response = await fetch(`${sandbox.urls.api}/megatron.v1.MegatronAdminService/ListOrganizations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sandbox.secrets.adminToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (!response.ok) throw new Error(`ListOrganizations answered ${response.status}: ${await response.text()}`);
  const { organizations = [] } = (await response.json()) as { organizations?: { id: string }[] };
  return organizations[0]?.id ?? '';
}
