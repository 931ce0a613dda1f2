import { TenantError } from '../src/tenants/errors.js';
import { teamId, tenantsFixture, type TenantsFixture } from './tenants-fixture.js';

describe('tenants', () => {
  let f: TenantsFixture;

  beforeAll(async () => {
    f = await tenantsFixture();
  });

  afterAll(async () => {
    await f.close();
  });

  const newOrganization = async (name = 'Acme') => (await f.admin.createOrganization({ name, commandUrl: 'https://app.example.com/megatron' })).organization.id;

  test('registering a workspace again with a rotated token updates it instead of creating a duplicate', async () => {
    const org = await newOrganization();
    const team = teamId();
    const first = await f.directory.registerWorkspace(org, { platformId: team, name: 'Customer', domain: 'customer', connectionToken: 'xoxb-first' });
    const second = await f.directory.registerWorkspace(org, { platformId: team, name: 'Customer Inc', domain: '', connectionToken: 'xoxb-second' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.workspace.id).toBe(first.workspace.id);
    expect(second.workspace).toMatchObject({ name: 'Customer Inc', domain: 'customer', connectionToken: 'xoxb-second' });
    expect(await f.directory.customerWorkspaces(org)).toHaveLength(1);
  });

  test('two organizations with the same customer workspace each get their own record and never see the other one', async () => {
    const orgA = await newOrganization('A');
    const orgB = await newOrganization('B');
    const team = teamId();
    const a = await f.directory.registerWorkspace(orgA, { platformId: team, name: 'Shared', domain: 'shared', connectionToken: 'xoxb-a' });
    const b = await f.directory.registerWorkspace(orgB, { platformId: team, name: 'Shared', domain: 'shared', connectionToken: 'xoxb-b' });
    expect(a.workspace.id).not.toBe(b.workspace.id);
    expect((await f.directory.customerWorkspace(orgA, team))?.connectionToken).toBe('xoxb-a');
    expect((await f.directory.customerWorkspace(orgB, team))?.connectionToken).toBe('xoxb-b');
    expect(await f.directory.customerWorkspaceById(orgB, a.workspace.id)).toBeUndefined();
    expect((await f.directory.customerWorkspaces(orgB)).map((w) => w.id)).toEqual([b.workspace.id]);
  });

  test('bot tokens, webhook secrets and verification tokens are stored encrypted, API tokens only as hashes', async () => {
    const created = await f.admin.createOrganization({ name: 'Secretive' });
    const org = created.organization.id;
    await f.admin.upsertIntegration({ organizationId: org, teamId: teamId(), botToken: 'xoxb-integration-secret' });
    await f.directory.registerWorkspace(org, { platformId: teamId(), name: 'C', domain: 'c', connectionToken: 'xoxb-customer-secret' });
    const { token } = await f.admin.issueApiToken(org, 'app');
    const dump = JSON.stringify(
      (
        await f.pool.query(
          `select (select json_agg(o) from organizations o where id = $1) as o,
                  (select json_agg(w) from webhook_secrets w where organization_id = $1) as w,
                  (select json_agg(i) from integrations i where organization_id = $1) as i,
                  (select json_agg(c) from customer_workspaces c where organization_id = $1) as c,
                  (select json_agg(t) from api_tokens t where organization_id = $1) as t`,
          [org],
        )
      ).rows,
    );
    for (const secret of ['xoxb-integration-secret', 'xoxb-customer-secret', created.webhookSecret, created.verificationToken, token]) {
      expect(dump).not.toContain(secret);
    }
    expect(await f.admin.authenticate(token)).toBe(org);
  });

  test('a revoked API token no longer authenticates, and unknown tokens never do', async () => {
    const org = await newOrganization();
    const issued = await f.admin.issueApiToken(org);
    expect(await f.admin.authenticate(issued.token)).toBe(org);
    const revoked = await f.admin.revokeApiToken(issued.tokenId);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await f.admin.authenticate(issued.token)).toBeUndefined();
    expect(await f.admin.authenticate('mt_unknown')).toBeUndefined();
    expect(await f.admin.authenticate('')).toBeUndefined();
  });

  test('a rotated webhook secret signs first while the previous one stays until its window ends', async () => {
    const created = await f.admin.createOrganization({ name: 'Rotating' });
    const org = created.organization.id;
    const next = await f.admin.rotateWebhookSecret(org, 3600);
    expect((await f.admin.appEndpoint(org)).webhookSecrets).toEqual([next, created.webhookSecret]);
    const later = await f.admin.rotateWebhookSecret(org, 3600);
    expect((await f.admin.appEndpoint(org)).webhookSecrets).toEqual([later, next, created.webhookSecret]);
  });

  test('rotating with no overlap leaves only the new secret signing', async () => {
    const created = await f.admin.createOrganization({ name: 'Rotating' });
    const org = created.organization.id;
    await f.admin.rotateWebhookSecret(org, 3600);
    const only = await f.admin.rotateWebhookSecret(org, 0);
    expect((await f.admin.appEndpoint(org)).webhookSecrets).toEqual([only]);
  });

  test('the app endpoint carries the command_url, the verification token and the disabled state', async () => {
    const created = await f.admin.createOrganization({ name: 'Endpoint', commandUrl: 'https://bot.example.com/cmd' });
    const org = created.organization.id;
    expect(await f.admin.appEndpoint(org)).toEqual({
      commandUrl: 'https://bot.example.com/cmd',
      webhookSecrets: [created.webhookSecret],
      verificationToken: created.verificationToken,
      disabledReason: null,
    });
    await f.admin.setEndpointDisabled(org, '410 Gone from https://bot.example.com/cmd');
    expect((await f.admin.appEndpoint(org)).disabledReason).toBe('410 Gone from https://bot.example.com/cmd');
    await f.admin.setEndpointDisabled(org, null);
    expect((await f.admin.appEndpoint(org)).disabledReason).toBeNull();
  });

  test('the integration maps its team to the organization, and a team cannot serve two organizations', async () => {
    const orgA = await newOrganization('A');
    const orgB = await newOrganization('B');
    const team = teamId();
    const integration = await f.admin.upsertIntegration({ organizationId: orgA, teamId: team, botToken: 'xoxb-1', notificationChannelId: 'C0HELP' });
    expect(await f.directory.integrationByTeam(team)).toEqual({ ...integration, domain: '', botUserId: '', notificationChannelId: 'C0HELP' });
    const rotated = await f.admin.upsertIntegration({ organizationId: orgA, teamId: team, botToken: 'xoxb-2' });
    expect(rotated).toMatchObject({ id: integration.id, botToken: 'xoxb-2', notificationChannelId: 'C0HELP' });
    await expect(f.admin.upsertIntegration({ organizationId: orgB, teamId: team, botToken: 'xoxb-3' })).rejects.toThrow(
      `Slack team ${team} is already the integration workspace of another organization`,
    );
    await expect(f.admin.upsertIntegration({ organizationId: orgA, teamId: teamId(), botToken: 'xoxb-4' })).rejects.toThrow('one per organization');
    expect((await f.directory.integrationOf(orgA))?.botToken).toBe('xoxb-2');
    expect(await f.directory.integrationOf(orgB)).toBeUndefined();
  });

  test.each([
    ['an empty organization name', () => f.admin.createOrganization({ name: '  ' }), 'name is required'],
    ['a command_url that is not http(s)', () => f.admin.createOrganization({ name: 'X', commandUrl: 'ftp://x' }), 'command_url must be http(s), got ftp:'],
    ['a command_url that is not a URL', () => f.admin.createOrganization({ name: 'X', commandUrl: 'not a url' }), 'command_url is not a URL'],
    ['a malformed organization id', () => f.admin.issueApiToken('42'), 'organization 42 does not exist'],
    ['a team id that is not Slack-shaped', () => f.directory.registerWorkspace('00000000-0000-0000-0000-000000000000', { platformId: 'acme', name: '', domain: '', connectionToken: 'x' }), 'platform_id must be a Slack team id'],
    ['a token with spaces', () => f.directory.registerWorkspace('00000000-0000-0000-0000-000000000000', { platformId: 'T123', name: '', domain: '', connectionToken: 'a b' }), 'connection_token must not contain whitespace'],
  ])('%s is refused with a clear error and changes nothing', async (_case, act, message) => {
    const before = await f.pool.query('select (select count(*) from organizations) o, (select count(*) from customer_workspaces) w, (select count(*) from webhook_secrets) s');
    const error = await act().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TenantError);
    expect((error as TenantError).message).toContain(message);
    const after = await f.pool.query('select (select count(*) from organizations) o, (select count(*) from customer_workspaces) w, (select count(*) from webhook_secrets) s');
    expect(after.rows).toEqual(before.rows);
  });

  test('a negative rotation window is refused and the current secret stays the only one', async () => {
    const created = await f.admin.createOrganization({ name: 'Careful' });
    await expect(f.admin.rotateWebhookSecret(created.organization.id, -1)).rejects.toThrow('keep_previous_seconds must be a whole number from 0 to 2592000, got -1');
    expect((await f.admin.appEndpoint(created.organization.id)).webhookSecrets).toEqual([created.webhookSecret]);
  });

  test('registering a workspace for an organization that does not exist is refused as not found', async () => {
    await expect(
      f.directory.registerWorkspace('00000000-0000-0000-0000-000000000000', { platformId: 'T123', name: '', domain: '', connectionToken: 'xoxb-1' }),
    ).rejects.toMatchObject({ kind: 'not_found', message: 'organization 00000000-0000-0000-0000-000000000000 does not exist' });
  });

  test('lookups with ids that are not uuids find nothing instead of failing', async () => {
    expect(await f.directory.organization('nope')).toBeUndefined();
    expect(await f.directory.integrationOf('nope')).toBeUndefined();
    expect(await f.directory.customerWorkspaces('nope')).toEqual([]);
    expect(await f.directory.customerWorkspaceById(await newOrganization(), 'nope')).toBeUndefined();
  });
});
