import { freePort } from '@megatron/testkit';
import { runAdmin, type CliIo } from '../src/admin/cli.js';
import { TokenCipher } from '../src/crypto/token-cipher.js';
import { insertBroadcast, insertRecipients, upsertFeedback } from '../src/db/broadcasts.js';
import { TenantAdmin } from '../src/tenants/tenant-admin.js';
import { newKey, teamId, tenantsFixture, type TenantsFixture } from './tenants-fixture.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

describe('megatron-admin', () => {
  let f: TenantsFixture;

  beforeAll(async () => {
    f = await tenantsFixture();
  });

  afterAll(async () => {
    await f.close();
  });

  async function admin(argv: string[], options: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      env: { DATABASE_URL: f.database.url, TOKEN_ENCRYPTION_KEY: f.key, LOG_LEVEL: 'silent', ...options.env },
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      readStdin: async () => options.stdin ?? '',
    };
    const code = await runAdmin(argv, io);
    return { code, stdout, stderr, json: stdout.startsWith('{') ? (JSON.parse(stdout) as Record<string, unknown>) : {} };
  }

  async function createOrganization(name = 'Acme'): Promise<string> {
    const run = await admin(['org', 'create', '--name', name, '--command-url', 'https://app.example.com/megatron']);
    expect(run.code).toBe(0);
    return (run.json.organization as { id: string }).id;
  }

  test('org create prints the organization with its webhook secret and verification token, and org list shows it', async () => {
    const run = await admin(['org', 'create', '--name', 'Listed']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ organization: { name: 'Listed', commandUrl: '' }, webhookSecret: expect.stringMatching(/^whsec_/) });
    const list = await admin(['org', 'list']);
    expect((list.json.organizations as { name: string }[]).map((o) => o.name)).toContain('Listed');
  });

  test('an issued token authenticates as its organization until token revoke', async () => {
    const org = await createOrganization();
    const issued = await admin(['token', 'issue', org, '--label', 'support-bot']);
    const { token, tokenId } = issued.json as { token: string; tokenId: string };
    expect(await f.admin.authenticate(token)).toBe(org);
    const listed = await admin(['token', 'list', org]);
    expect(listed.stdout).not.toContain(token);
    expect(listed.json.tokens).toEqual([expect.objectContaining({ id: tokenId, label: 'support-bot', revokedAt: null })]);
    expect((await admin(['token', 'revoke', tokenId])).code).toBe(0);
    expect(await f.admin.authenticate(token)).toBeUndefined();
  });

  test('set-command-url, rotate-secret and enable-endpoint change what app-notifier is served', async () => {
    const org = await createOrganization();
    const before = await f.admin.appEndpoint(org);
    expect((await admin(['org', 'set-command-url', org, 'https://new.example.com/cmd'])).code).toBe(0);
    const rotated = await admin(['org', 'rotate-secret', org, '--keep-previous', '600']);
    const secret = rotated.json.webhook_secret as string;
    await f.admin.setEndpointDisabled(org, 'gone');
    expect((await admin(['org', 'enable-endpoint', org])).json).toMatchObject({ endpointDisabledReason: null });
    expect(await f.admin.appEndpoint(org)).toEqual({
      commandUrl: 'https://new.example.com/cmd',
      webhookSecrets: [secret, ...before.webhookSecrets],
      verificationToken: before.verificationToken,
      disabledReason: null,
    });
  });

  test('integration set reads the bot token from stdin with "-" and never prints it', async () => {
    const org = await createOrganization();
    const team = teamId();
    const run = await admin(['integration', 'set', org, '--team-id', team, '--bot-token', '-', '--notification-channel', 'C0HELP1'], { stdin: 'xoxb-from-stdin\n' });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('xoxb-from-stdin');
    expect(await f.directory.integrationByTeam(team)).toMatchObject({ organizationId: org, botToken: 'xoxb-from-stdin', notificationChannelId: 'C0HELP1' });
  });

  test('workspace register creates once, then updates the token; workspace list hides tokens', async () => {
    const org = await createOrganization();
    const team = teamId();
    const first = await admin(['workspace', 'register', org, '--team-id', team, '--token', 'xoxb-one', '--name', 'Customer', '--domain', 'customer']);
    const second = await admin(['workspace', 'register', org, '--team-id', team, '--token', 'xoxb-two']);
    expect(first.json.created).toBe(true);
    expect(second.json.created).toBe(false);
    expect((await f.directory.customerWorkspace(org, team))?.connectionToken).toBe('xoxb-two');
    const list = await admin(['workspace', 'list', org]);
    expect(list.stdout).not.toContain('xoxb-two');
    expect(list.json.workspaces).toEqual([expect.objectContaining({ platformId: team, name: 'Customer', domain: 'customer' })]);
  });

  test('reencrypt moves every secret to the new key', async () => {
    const org = await createOrganization();
    const newKeyValue = newKey();
    const run = await admin(['reencrypt'], { env: { TOKEN_ENCRYPTION_KEY: newKeyValue, TOKEN_ENCRYPTION_KEY_PREVIOUS: f.key } });
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ skipped: 0 });
    expect(run.json.reencrypted).toBeGreaterThan(0);
    const rotatedAdmin = new TenantAdmin(f.pool, new TokenCipher(newKeyValue));
    expect((await rotatedAdmin.appEndpoint(org)).webhookSecrets).toHaveLength(1);
    // Put the fixture's key back for the other tests in this file.
    expect((await admin(['reencrypt'], { env: { TOKEN_ENCRYPTION_KEY: f.key, TOKEN_ENCRYPTION_KEY_PREVIOUS: newKeyValue } })).code).toBe(0);
  });

  test('an invalid command_url is refused with exit code 1 and the organization keeps its old one', async () => {
    const org = await createOrganization();
    const run = await admin(['org', 'set-command-url', org, 'ftp://nope']);
    expect(run).toMatchObject({ code: 1, stderr: 'megatron-admin: command_url must be http(s), got ftp:\n' });
    expect((await f.admin.appEndpoint(org)).commandUrl).toBe('https://app.example.com/megatron');
  });

  test.each([
    [['org', 'frobnicate'], 'megatron-admin: unknown command "org frobnicate"'],
    [['org', 'create'], 'megatron-admin: missing --name'],
    [['org', 'create', '--name', 'X', '--colour', 'red'], 'megatron-admin: unknown option --colour'],
    [['org', 'create', '--name'], 'megatron-admin: --name needs a value'],
    [['token', 'revoke'], 'megatron-admin: missing <token-id>'],
    [['org', 'list', 'extra'], 'megatron-admin: unexpected argument "extra"'],
    [['dead-letters', 'replay', 'abc'], 'megatron-admin: <sequence> must be a whole number, got "abc"'],
  ])('the command line %j is a usage error (exit 2) that names the problem', async (argv, message) => {
    const run = await admin(argv);
    expect(run.code).toBe(2);
    expect(run.stderr.slice(0, message.length)).toBe(message);
  });

  test('missing configuration is a usage error naming the variable', async () => {
    const run = await admin(['org', 'list'], { env: { TOKEN_ENCRYPTION_KEY: undefined } });
    expect(run).toMatchObject({ code: 2, stderr: 'megatron-admin: invalid configuration: TOKEN_ENCRYPTION_KEY: missing\n' });
  });

  test('dead-letters list goes through command-core and says which one it could not reach', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await admin(['dead-letters', 'list'], { env: { COMMAND_CORE_URL: url, MEGATRON_ADMIN_TOKEN: 'a'.repeat(24) } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`megatron-admin: command-core at ${url}:`);
    expect(run.stderr).toContain('ECONNREFUSED');
  });

  test("broadcasts results prints a broadcast's deliveries, counts and answers, zeros included; a malformed id is a usage error and an unknown one fails naming it", async () => {
    const org = await createOrganization('Broadcaster');
    const broadcastId = await insertBroadcast(f.pool, org, true, { text: 'News', blocksJson: '', attachmentsJson: '' });
    await insertRecipients(f.pool, broadcastId, [
      { teamId: 'T0GLOBEX', userId: 'U0PHIL', channelId: 'D0PHIL', ts: '1700000000.000100' },
      { teamId: 'T0GLOBEX', userId: 'U0RITA', channelId: 'D0RITA', ts: '1700000000.000200' },
    ]);
    await upsertFeedback(f.pool, broadcastId, 'T0GLOBEX', 'U0PHIL', true);
    const run = await admin(['broadcasts', 'results', broadcastId]);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({
      broadcastId,
      captureFeedback: true,
      delivered: 2,
      positive: 1,
      negative: 0,
      answers: [{ customer: { teamId: 'T0GLOBEX', userId: 'U0PHIL' }, positive: true, answeredAt: expect.any(String) }],
    });

    const malformed = await admin(['broadcasts', 'results', 'bc-42']);
    expect([malformed.code, malformed.stderr]).toEqual([2, expect.stringContaining('<broadcast-id> must be the broadcast_id a broadcast answered (a UUID), got "bc-42"')]);
    const unknown = await admin(['broadcasts', 'results', '00000000-0000-4000-8000-000000000000']);
    expect([unknown.code, unknown.stderr]).toEqual([1, 'megatron-admin: no broadcast 00000000-0000-4000-8000-000000000000\n']);
  });

  test('help lists every subcommand', async () => {
    const run = await admin(['help']);
    expect(run.code).toBe(0);
    for (const command of ['org create', 'org rotate-secret', 'integration set', 'workspace register', 'token issue', 'token revoke', 'dead-letters list', 'dead-letters replay', 'broadcasts results', 'reencrypt']) {
      expect(run.stdout).toContain(`megatron-admin ${command}`);
    }
  });
});
