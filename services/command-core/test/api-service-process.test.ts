import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { TenantSettingsService } from '@megatron/contracts';
import { createLogger, createPool, internalClient, type Pool } from '@megatron/runtime';
import { createTestDatabase, freePort, natsNamespace, repoRoot, startService, TEST_SERVICE_TOKEN, type ServiceProcess, type TestDatabase } from '@megatron/testkit';
import { generateWebhookSecret } from '../src/crypto/secrets.js';
import { TokenCipher } from '../src/crypto/token-cipher.js';
import { TenantDirectory } from '../src/tenants/tenant-directory.js';
import { newKey, teamId } from './tenants-fixture.js';

const ADMIN_TOKEN = 'process-test-admin-token-0123456789';
const API_TOKEN = 'mt_process_test_bootstrap_token';

/** The built command-core process, migrating and bootstrapping itself from the environment. */
describe('command-core process', () => {
  let database: TestDatabase;
  let pool: Pool;
  let service: ServiceProcess;
  const key = newKey();
  const webhookSecret = generateWebhookSecret();
  const integrationTeam = teamId();

  beforeAll(async () => {
    const built = spawnSync(process.execPath, [path.join(repoRoot(), 'node_modules/typescript/bin/tsc'), '-b', 'services/command-core'], { cwd: repoRoot(), encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building command-core failed:\n${built.stdout}${built.stderr}`);
    database = await createTestDatabase();
    pool = createPool(database.url, createLogger('test', 'silent'), { max: 2 });
    service = await startService(
      'command-core',
      {
        LOG_LEVEL: 'warn',
        DATABASE_URL: database.url,
        NATS_NAMESPACE: natsNamespace(),
        MIGRATE_ON_START: 'true',
        TOKEN_ENCRYPTION_KEY: key,
        MEGATRON_ADMIN_TOKEN: ADMIN_TOKEN,
        MEGATRON_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
        CONNECTION_SLACK_URL: `http://127.0.0.1:${await freePort()}`,
        APP_NOTIFIER_URL: `http://127.0.0.1:${await freePort()}`,
        BOOTSTRAP_ORGANIZATION_NAME: 'Process Co',
        // A loopback command_url is refused in production unless allowed (issue 14): this test's app is local.
        APP_COMMAND_ALLOW_LOOPBACK: 'true',
        BOOTSTRAP_COMMAND_URL: 'http://127.0.0.1:9/commands',
        BOOTSTRAP_API_TOKEN: API_TOKEN,
        BOOTSTRAP_WEBHOOK_SECRET: webhookSecret,
        BOOTSTRAP_INTEGRATION_TEAM_ID: integrationTeam,
        BOOTSTRAP_INTEGRATION_BOT_TOKEN: 'xoxb-process',
        BOOTSTRAP_NOTIFICATION_CHANNEL: 'C0HELP',
      },
      { timeoutMs: 30_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await pool?.end();
    await database?.drop();
  });

  const rest = (pathname: string, body: unknown, token = API_TOKEN) =>
    fetch(`${service.httpUrl}${pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `MegatronToken ${token}` },
      body: JSON.stringify(body),
    });

  const connect = (method: string, body: unknown, authorization: string) =>
    fetch(`${service.httpUrl}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body) });

  test('the bootstrap token registers a workspace through the REST route, stored for the bootstrap organization with its token encrypted', async () => {
    const team = teamId();
    const response = await rest('/megatron/register-workspace/', { name: 'Customer', platform_type: 'slack', platform_id: team, domain: 'customer', connection_token: 'xoxb-customer' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, created: true });
    const { rows } = await pool.query<{ organization_id: string; connection_token_enc: string }>(
      'select organization_id, connection_token_enc from customer_workspaces where platform_id = $1',
      [team],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.connection_token_enc).not.toContain('xoxb-customer');
    expect((await new TenantDirectory(pool, new TokenCipher(key)).customerWorkspace(rows[0]?.organization_id ?? '', team))?.connectionToken).toBe('xoxb-customer');
  });

  test("an organization created through the admin API gets its own token, and that token never reaches the bootstrap organization's data", async () => {
    const created = await connect('megatron.v1.MegatronAdminService/CreateOrganization', { name: 'Second' }, `Bearer ${ADMIN_TOKEN}`);
    const { organization } = (await created.json()) as { organization: { id: string } };
    const issued = await connect('megatron.v1.MegatronAdminService/IssueApiToken', { organizationId: organization.id }, `Bearer ${ADMIN_TOKEN}`);
    const { token } = (await issued.json()) as { token: string };

    const team = teamId();
    expect((await rest('/megatron/register-workspace/', { name: 'Mine', platform_type: 'slack', platform_id: team, domain: 'mine', connection_token: 'xoxb-bootstrap' })).status).toBe(200);
    expect((await rest('/megatron/register-workspace/', { name: 'Theirs', platform_type: 'slack', platform_id: team, domain: 'theirs', connection_token: 'xoxb-second' }, token)).status).toBe(200);
    const { rows } = await pool.query<{ organization_id: string; name: string }>('select organization_id, name from customer_workspaces where platform_id = $1 order by name', [team]);
    expect(rows).toEqual([
      { organization_id: expect.not.stringMatching(organization.id), name: 'Mine' },
      { organization_id: organization.id, name: 'Theirs' },
    ]);

    const listed = await connect('megatron.v1.MegatronService/ListEngagements', {}, `Bearer ${token}`);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({});
  });

  test('a wrong token is 401 on the REST route and unauthenticated on Connect', async () => {
    const response = await rest('/megatron/incoming/', { message: { user: 'U1', ts: '1.0' } }, 'mt_wrong');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ ok: false, error: 'invalid or revoked API token' });
    const connectResponse = await connect('megatron.v1.MegatronService/ListEngagements', {}, 'Bearer mt_wrong');
    expect(connectResponse.status).toBe(401);
    await connectResponse.arrayBuffer();
  });

  test('app-notifier reads the bootstrap endpoint over gRPC', async () => {
    const { rows } = await pool.query<{ id: string }>(`select id from organizations where name = 'Process Co'`);
    const settings = internalClient(TenantSettingsService, service.internalGrpcUrl, TEST_SERVICE_TOKEN);
    expect(await settings.getAppEndpoint({ organizationId: rows[0]?.id ?? '' })).toMatchObject({
      commandUrl: 'http://127.0.0.1:9/commands',
      webhookSecrets: [webhookSecret],
      disabled: false,
    });
  });

  test('a bad configuration stops the process at start with one line naming the variable', () => {
    const result = spawnSync(process.execPath, [path.join(repoRoot(), 'services/command-core/dist/main.js')], {
      env: { PATH: process.env.PATH, DATABASE_URL: database.url, REDIS_URL: 'redis://127.0.0.1:6379', TOKEN_ENCRYPTION_KEY: 'too-short' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('invalid configuration: TOKEN_ENCRYPTION_KEY: expected 32 bytes, base64-encoded (openssl rand -base64 32)\n');
  });

  test('the built migrate entry applies everything once and then nothing, needing only DATABASE_URL', async () => {
    const fresh = await createTestDatabase();
    try {
      const run = () =>
        spawnSync(process.execPath, [path.join(repoRoot(), 'services/command-core/dist/migrate.js')], {
          env: { PATH: process.env.PATH, DATABASE_URL: fresh.url },
          encoding: 'utf8',
          timeout: 20_000,
        });
      const first = run();
      const second = run();
      expect([first.status, second.status]).toEqual([0, 0]);
      const summary = (output: string) => JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { msg: string; applied: string[]; skipped: number };
      expect(summary(first.stdout)).toMatchObject({ msg: 'migrations done', applied: expect.arrayContaining(['001_tenants.sql', '002_engagements.sql']) });
      expect(summary(second.stdout)).toMatchObject({ msg: 'migrations done', applied: [], skipped: summary(first.stdout).applied.length });
    } finally {
      await fresh.drop();
    }
  });

  test('the built megatron-admin command sees the bootstrap organization', () => {
    const result = spawnSync(process.execPath, [path.join(repoRoot(), 'services/command-core/dist/admin/megatron-admin.js'), 'org', 'list'], {
      env: { PATH: process.env.PATH, DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEY: key },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(0);
    const { organizations } = JSON.parse(result.stdout) as { organizations: { name: string; commandUrl: string }[] };
    expect(organizations).toContainEqual(expect.objectContaining({ name: 'Process Co', commandUrl: 'http://127.0.0.1:9/commands' }));
  });

  test('SIGTERM stops it cleanly', async () => {
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
