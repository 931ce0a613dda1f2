import { CachedTenants, TENANT_CACHE_MS } from '../src/tenants/cached-tenants.js';
import { teamId, tenantsFixture, type TenantsFixture } from './tenants-fixture.js';

describe('cached tenants', () => {
  let f: TenantsFixture;
  let now: number;
  let cached: CachedTenants;

  beforeAll(async () => {
    f = await tenantsFixture();
  });

  beforeEach(() => {
    now = 1_000_000;
    cached = new CachedTenants(f.directory, () => now);
  });

  afterAll(async () => {
    await f.close();
  });

  const newOrganization = async () => (await f.admin.createOrganization({ name: 'Acme', commandUrl: 'https://app.example.com/megatron' })).organization.id;

  test('a token rotated by another process is served from memory until the cache time has passed', async () => {
    const org = await newOrganization();
    const team = teamId();
    await f.admin.upsertIntegration({ organizationId: org, teamId: team, botToken: 'xoxb-first' });
    expect((await cached.integrationByTeam(team))?.botToken).toBe('xoxb-first');

    await f.admin.upsertIntegration({ organizationId: org, teamId: team, botToken: 'xoxb-second' });
    now += TENANT_CACHE_MS - 1;
    expect((await cached.integrationByTeam(team))?.botToken).toBe('xoxb-first');
    now += 1;
    expect((await cached.integrationByTeam(team))?.botToken).toBe('xoxb-second');
  });

  test('a workspace registered again through the cache is read fresh at once', async () => {
    const org = await newOrganization();
    const team = teamId();
    await cached.registerWorkspace(org, { platformId: team, name: 'Customer', domain: 'customer', connectionToken: 'xoxb-old' });
    expect((await cached.customerWorkspace(org, team))?.connectionToken).toBe('xoxb-old');

    await cached.registerWorkspace(org, { platformId: team, name: 'Customer', domain: 'customer', connectionToken: 'xoxb-refreshed' });
    expect((await cached.customerWorkspace(org, team))?.connectionToken).toBe('xoxb-refreshed');
  });

  test('a tenant that was not found is looked up again, so one created a moment later is usable at once', async () => {
    const org = await newOrganization();
    const team = teamId();
    expect(await cached.integrationByTeam(team)).toBeUndefined();
    expect(await cached.customerWorkspace(org, team)).toBeUndefined();

    await f.admin.upsertIntegration({ organizationId: org, teamId: team, botToken: 'xoxb-new' });
    await f.directory.registerWorkspace(org, { platformId: team, name: 'Late', domain: 'late', connectionToken: 'xoxb-late' });
    expect((await cached.integrationByTeam(team))?.botToken).toBe('xoxb-new');
    expect((await cached.customerWorkspace(org, team))?.connectionToken).toBe('xoxb-late');
  });

  test('an organization is read once and then kept, per organization', async () => {
    const first = await newOrganization();
    const second = await newOrganization();
    expect((await cached.organization(first))?.id).toBe(first);
    expect((await cached.organization(second))?.id).toBe(second);
    await f.admin.updateOrganization(first, { name: 'Renamed' });
    expect((await cached.organization(first))?.name).toBe('Acme');
    now += TENANT_CACHE_MS;
    expect((await cached.organization(first))?.name).toBe('Renamed');
  });
});
