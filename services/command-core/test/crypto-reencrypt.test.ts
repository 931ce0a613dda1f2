import { reencryptAll } from '../src/crypto/reencrypt.js';
import { TokenCipher } from '../src/crypto/token-cipher.js';
import { TenantAdmin } from '../src/tenants/tenant-admin.js';
import { TenantDirectory } from '../src/tenants/tenant-directory.js';
import { newKey, teamId, tenantsFixture, type TenantsFixture } from './tenants-fixture.js';

describe('key rotation', () => {
  let f: TenantsFixture;

  beforeAll(async () => {
    f = await tenantsFixture();
  });

  afterAll(async () => {
    await f.close();
  });

  test('after reencrypt every secret opens with the new key alone, and a second run has nothing to do', async () => {
    const created = await f.admin.createOrganization({ name: 'Acme' });
    const org = created.organization.id;
    const integrationTeam = teamId();
    const customerTeam = teamId();
    await f.admin.upsertIntegration({ organizationId: org, teamId: integrationTeam, botToken: 'xoxb-integration' });
    await f.directory.registerWorkspace(org, { platformId: customerTeam, name: 'C', domain: 'c', connectionToken: 'xoxb-customer' });

    const newKeyValue = newKey();
    const rotating = new TokenCipher(newKeyValue, f.key);
    const rotatingAdmin = new TenantAdmin(f.pool, rotating);
    // New writes during the rotation already use the new key; reencrypt must count them as current.
    const secondSecret = await rotatingAdmin.rotateWebhookSecret(org, 3600);

    expect(await reencryptAll(f.pool, rotating)).toEqual({ reencrypted: 4, current: 1, skipped: 0 });
    expect(await reencryptAll(f.pool, rotating)).toEqual({ reencrypted: 0, current: 5, skipped: 0 });

    const onlyNew = new TokenCipher(newKeyValue);
    const admin = new TenantAdmin(f.pool, onlyNew);
    const directory = new TenantDirectory(f.pool, onlyNew);
    expect(await admin.appEndpoint(org)).toMatchObject({ webhookSecrets: [secondSecret, created.webhookSecret], verificationToken: created.verificationToken });
    expect((await directory.integrationByTeam(integrationTeam))?.botToken).toBe('xoxb-integration');
    expect((await directory.customerWorkspace(org, customerTeam))?.connectionToken).toBe('xoxb-customer');
    await expect(f.admin.appEndpoint(org)).rejects.toThrow(`sealed with key ${onlyNew.currentKeyId}`);
  });
});
