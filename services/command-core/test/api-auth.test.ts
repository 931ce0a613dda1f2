import { Code, ConnectError, createClient, createRouterTransport, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import { MegatronAdminService, MegatronService, PlatformType, TenantSettingsService } from '@megatron/contracts';
import { organizationIdKey } from '../src/api/auth-context.js';
import { authInterceptor } from '../src/api/auth.js';
import { startApiServer, type ApiServer } from './api-server-fixture.js';
import { teamId, tenantsFixture, type TenantsFixture } from './tenants-fixture.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

/** Registers workspaces through the tenants module for the organization the interceptor authenticated, as the real handler does. */
function workspaceService(f: TenantsFixture, seen: (string | undefined)[]): Partial<ServiceImpl<typeof MegatronService>> {
  const organizationOf = (context: HandlerContext) => {
    const organizationId = context.values.get(organizationIdKey);
    seen.push(organizationId);
    if (organizationId === undefined) throw new ConnectError('no organization', Code.Internal);
    return organizationId;
  };
  return {
    async registerWorkspace(req, context) {
      const { workspace, created } = await f.directory.registerWorkspace(organizationOf(context), {
        platformId: req.platformId,
        name: req.name,
        domain: req.domain,
        connectionToken: req.connectionToken,
      });
      return { created, workspace: { id: workspace.id, platform: PlatformType.SLACK, platformId: workspace.platformId, name: workspace.name, domain: workspace.domain } };
    },
  };
}

describe('API authentication and tenant isolation', () => {
  let f: TenantsFixture;
  let api: ApiServer;
  let orgA: string;
  let orgB: string;
  let tokenA: string;
  let tokenB: string;
  const seen: (string | undefined)[] = [];

  beforeAll(async () => {
    f = await tenantsFixture();
    api = await startApiServer(f, workspaceService(f, seen), { adminToken: ADMIN_TOKEN });
    orgA = (await f.admin.createOrganization({ name: 'A' })).organization.id;
    orgB = (await f.admin.createOrganization({ name: 'B' })).organization.id;
    tokenA = (await f.admin.issueApiToken(orgA)).token;
    tokenB = (await f.admin.issueApiToken(orgB)).token;
  });

  afterAll(async () => {
    await api.close();
    await f.close();
  });

  const register = (team: string, token: string | undefined, scheme = 'Bearer') =>
    api.client(MegatronService).registerWorkspace(
      { name: 'Customer', platform: PlatformType.SLACK, platformId: team, domain: 'customer', connectionToken: `xoxb-${token ?? 'none'}` },
      { headers: token === undefined ? {} : { authorization: `${scheme} ${token}` } },
    );

  async function codeOf(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(error)}`);
    return { code: error.code, message: error.rawMessage };
  }

  test('a call without a token is refused as unauthenticated and reaches no handler', async () => {
    const before = seen.length;
    expect(await codeOf(register(teamId(), undefined))).toEqual({ code: Code.Unauthenticated, message: 'missing API token: send "authorization: Bearer <token>"' });
    expect(seen).toHaveLength(before);
  });

  test('a wrong token and a revoked token are refused as unauthenticated', async () => {
    expect(await codeOf(register(teamId(), 'mt_wrong'))).toEqual({ code: Code.Unauthenticated, message: 'invalid or revoked API token' });
    const revoked = await f.admin.issueApiToken(orgA);
    await f.admin.revokeApiToken(revoked.tokenId);
    expect(await codeOf(register(teamId(), revoked.token))).toEqual({ code: Code.Unauthenticated, message: 'invalid or revoked API token' });
  });

  test('Connect JSON without a token answers HTTP 401', async () => {
    const response = await fetch(`${api.httpUrl}/megatron.v1.MegatronService/RegisterWorkspace`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ platformId: 'T123', connectionToken: 'x' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 'unauthenticated', message: 'missing API token: send "authorization: Bearer <token>"' });
  });

  test('Bearer and MegatronToken both authenticate, and the handler sees the token owner', async () => {
    await register(teamId(), tokenA, 'Bearer');
    expect(seen.at(-1)).toBe(orgA);
    await register(teamId(), tokenB, 'MegatronToken');
    expect(seen.at(-1)).toBe(orgB);
  });

  test("another organization's token registering the same team never sees or changes the first organization's workspace", async () => {
    const team = teamId();
    const a = await register(team, tokenA);
    const b = await register(team, tokenB);
    expect(a.created).toBe(true);
    expect(b.created).toBe(true);
    expect(b.workspace?.id).not.toBe(a.workspace?.id);
    expect((await f.directory.customerWorkspace(orgA, team))?.connectionToken).toBe(`xoxb-${tokenA}`);
    expect((await f.directory.customerWorkspace(orgB, team))?.connectionToken).toBe(`xoxb-${tokenB}`);
  });

  test('Connect JSON with a token works like gRPC', async () => {
    const team = teamId();
    const response = await fetch(`${api.httpUrl}/megatron.v1.MegatronService/RegisterWorkspace`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenA}` },
      body: JSON.stringify({ name: 'Json', platform: 'PLATFORM_TYPE_SLACK', platformId: team, domain: 'json', connectionToken: 'xoxb-json' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ created: true, workspace: { platformId: team, name: 'Json' } });
  });

  test('bad input from an authenticated caller is an invalid-argument error that names the field and stores nothing', async () => {
    const count = async () => (await f.directory.customerWorkspaces(orgA)).length;
    const before = await count();
    expect(await codeOf(register('not-a-team', tokenA))).toEqual({
      code: Code.InvalidArgument,
      message: 'platform_id must be a Slack team id like T0123ABCD, got "not-a-team"',
    });
    expect(await count()).toBe(before);
  });

  test('the health service answers without a token', async () => {
    const response = await fetch(`${api.httpUrl}/healthz`);
    expect(response.status).toBe(200);
  });
});

describe('admin API', () => {
  let f: TenantsFixture;
  let api: ApiServer;

  beforeAll(async () => {
    f = await tenantsFixture();
    api = await startApiServer(f, {}, { adminToken: ADMIN_TOKEN });
  });

  afterAll(async () => {
    await api.close();
    await f.close();
  });

  const admin = () => api.client(MegatronAdminService);
  const auth = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

  test('the admin token creates an organization, issues it a token and sets its integration; that token then authenticates', async () => {
    const created = await admin().createOrganization({ name: 'Admin-made', commandUrl: 'https://bot.example.com/c' }, auth);
    const org = created.organization?.id ?? '';
    expect(created.webhookSecret).toMatch(/^whsec_/);
    const issued = await admin().issueApiToken({ organizationId: org, label: 'bot' }, auth);
    expect(await f.admin.authenticate(issued.token)).toBe(org);
    const team = teamId();
    await admin().upsertIntegration({ organizationId: org, teamId: team, botToken: 'xoxb-admin', notificationChannelId: 'C0HELP' }, auth);
    expect((await f.directory.integrationByTeam(team))?.organizationId).toBe(org);
    const workspace = await admin().registerCustomerWorkspace(
      { organizationId: org, workspace: { platform: PlatformType.SLACK, platformId: teamId(), name: 'W', domain: 'w', connectionToken: 'xoxb-w' } },
      auth,
    );
    expect(workspace.created).toBe(true);
    const listed = await admin().listOrganizations({}, auth);
    expect(listed.organizations.map((o) => o.id)).toContain(org);
    await admin().revokeApiToken({ tokenId: issued.tokenId }, auth);
    expect(await f.admin.authenticate(issued.token)).toBeUndefined();
  });

  test('without the admin token, or with an organization API token, admin calls are refused', async () => {
    const org = (await f.admin.createOrganization({ name: 'X' })).organization.id;
    const { token } = await f.admin.issueApiToken(org);
    await expect(admin().listOrganizations({})).rejects.toMatchObject({ code: Code.Unauthenticated });
    await expect(admin().listOrganizations({}, { headers: { authorization: `Bearer ${token}` } })).rejects.toMatchObject({
      code: Code.Unauthenticated,
      rawMessage: 'invalid admin token',
    });
  });

  test('when MEGATRON_ADMIN_TOKEN is unset the admin API is disabled for everyone', async () => {
    const transport = createRouterTransport((router) => router.service(MegatronAdminService, {}), {
      router: { interceptors: [authInterceptor({ authenticate: async () => undefined, logger: f.logger })] },
    });
    await expect(createClient(MegatronAdminService, transport).listOrganizations({}, auth)).rejects.toMatchObject({
      code: Code.PermissionDenied,
      rawMessage: 'admin API disabled: MEGATRON_ADMIN_TOKEN is not set',
    });
  });

  test('admin errors keep their meaning: invalid input, unknown organization, unknown platform', async () => {
    await expect(admin().createOrganization({ name: 'Y', commandUrl: 'nope' }, auth)).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: 'command_url is not a URL: "nope"',
    });
    await expect(admin().issueApiToken({ organizationId: '00000000-0000-0000-0000-000000000000' }, auth)).rejects.toMatchObject({ code: Code.NotFound });
    await expect(
      admin().registerCustomerWorkspace({ organizationId: '00000000-0000-0000-0000-000000000000', workspace: { platformId: 'T123', connectionToken: 'x' } }, auth),
    ).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: 'unknown platform 0: only PLATFORM_TYPE_SLACK is supported' });
  });

  test('app-notifier gets the command_url, secrets (current first) and verification token, and can disable the endpoint', async () => {
    const created = await f.admin.createOrganization({ name: 'Notified', commandUrl: 'https://bot.example.com/c' });
    const org = created.organization.id;
    const rotated = await admin().rotateWebhookSecret({ organizationId: org, keepPreviousSeconds: 3600n }, auth);
    const settings = api.client(TenantSettingsService);
    expect(await settings.getAppEndpoint({ organizationId: org })).toMatchObject({
      commandUrl: 'https://bot.example.com/c',
      webhookSecrets: [rotated.webhookSecret, created.webhookSecret],
      verificationToken: created.verificationToken,
      disabled: false,
    });
    await settings.disableAppEndpoint({ organizationId: org, reason: '410 Gone' });
    expect((await settings.getAppEndpoint({ organizationId: org })).disabled).toBe(true);
    const enabled = await admin().enableAppEndpoint({ organizationId: org }, auth);
    expect(enabled.organization?.endpointDisabledReason).toBe('');
    expect((await settings.getAppEndpoint({ organizationId: org })).disabled).toBe(false);
    await expect(settings.getAppEndpoint({ organizationId: '00000000-0000-0000-0000-000000000000' })).rejects.toMatchObject({ code: Code.NotFound });
  });
});
