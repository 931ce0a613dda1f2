import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { MegatronAdminService, MegatronService, PlatformType } from '@megatron/contracts';
import { createLogger, createPool, withBearer, type Pool } from '@megatron/runtime';
import type { Customer } from '@megatron/sandbox';
import { startE2eWorld, type E2eWorld } from '../e2e/world.js';

let world: E2eWorld;
let pool: Pool;
let phil: Customer;
let channel: string;

const api = () => createClient(MegatronService, createConnectTransport({ baseUrl: world.sandbox.urls.api, httpVersion: '1.1', interceptors: [withBearer(world.sandbox.secrets.apiToken)] }));
const admin = () => createClient(MegatronAdminService, createConnectTransport({ baseUrl: world.sandbox.urls.api, httpVersion: '1.1', interceptors: [withBearer(world.sandbox.secrets.adminToken)] }));
const rest = async (route: string, body: unknown) => {
  const response = await fetch(`${world.sandbox.urls.api}/megatron/${route}`, {
    method: 'POST',
    headers: { authorization: `MegatronToken ${world.sandbox.secrets.apiToken}`, 'content-type': 'text/plain' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const count = async (sql: string, values: unknown[] = []) => Number((await pool.query<{ n: string }>(`select count(*) as n from ${sql}`, values)).rows[0]?.n);

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to be refused');
}

beforeAll(async () => {
  world = await startE2eWorld();
  pool = createPool(world.database.url, createLogger('security-test', 'silent'), { max: 2 });
  phil = world.story.customer('globex', 'phil');
  await world.story.customerSays(phil, 'hello?');
  const { engagement } = await api().openEngagement({ customer: { teamId: phil.home.workspace.id, userId: phil.user.id } });
  channel = engagement?.channelId ?? '';
}, 90_000);

afterAll(async () => {
  await pool?.end();
  await world?.close();
}, 30_000);

// Issue 14: bad input answers a 4xx naming the field, and nothing is stored, published or sent.
describe('fields are validated at the edge', () => {
  it.each(['abc', '1.2.3', '99999999999999999999.1', '1732700000.1234567', ''])('incoming with ts %j is 400 naming ts, and nothing is mirrored', async (ts) => {
    const before = (await world.sandbox.sim.control.messages(channel)).length;
    const links = await count('message_links');
    const answer = await rest('incoming/', { message: { user: phil.user.id, team: phil.home.workspace.id, ts, text: 'mirror me?' } });
    expect(answer.status).toBe(400);
    expect(String(answer.body.error)).toMatch(/parameter: (message\.)?ts/);
    expect((await world.sandbox.sim.control.messages(channel)).length).toBe(before);
    expect(await count('message_links')).toBe(links);
  });

  it('a well-formed incoming is mirrored, so the refusals above are the ts', async () => {
    const answer = await rest('incoming/', { message: { user: phil.user.id, team: phil.home.workspace.id, ts: '1732700000.000100', text: 'real message' } });
    expect(answer).toEqual({ status: 200, body: { ok: true, track: true } });
    await world.story.waitForText(channel, 'real message');
  });

  it('Connect refuses malformed Slack JSON in content and user ids that are not Slack ids', async () => {
    const reported = { teamId: phil.home.workspace.id, userId: phil.user.id, ts: '1732700001.000100' };
    const broken = await failure(api().incoming({ message: { ...reported, content: { text: 'x', attachmentsJson: '{not json' } } }));
    expect(broken).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'message.content.attachments_json is not valid JSON' });
    const notAList = await failure(api().outgoing({ message: { ...reported, content: { blocksJson: '{"type":"section"}' } } }));
    expect(notAList).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'message.content.blocks_json must be a JSON list' });
    const badUser = await failure(api().incoming({ message: { ...reported, userId: '../../etc', content: { text: 'x' } } }));
    expect(badUser.rawMessage).toMatch(/^message\.user_id must be a Slack user id/);
    const badAgent = await failure(api().notifyUser({ customer: { teamId: phil.home.workspace.id, userId: phil.user.id }, agentUserId: 'everyone', content: { text: 'x' } }));
    expect(badAgent.rawMessage).toMatch(/^agent_user_id must be a Slack user id/);
  });

  it('register-workspace refuses a domain or a token that is not Slack-shaped, and stores nothing', async () => {
    const before = await count('customer_workspaces');
    const base = { name: 'Hooli', platform_type: 'slack', platform_id: 'THOOLI1', domain: 'hooli', connection_token: 'xoxb-1-2-abc' };
    expect(await rest('register-workspace/', { ...base, domain: 'hooli.com/../x' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/domain/) } });
    expect(await rest('register-workspace/', { ...base, connection_token: 'anything at all' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/connection_token/) } });
    expect(await rest('register-workspace/', { ...base, connection_token: 'Bearer-abc' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/connection_token/) } });
    expect(await count('customer_workspaces')).toBe(before);
    expect(await rest('register-workspace/', { ...base, connection_token: 'xoxe.xoxb-1-rotated' })).toMatchObject({ status: 200, body: { ok: true, created: true } });
  });

  it('get-a-human posts once per customer in five minutes; repeats answer the same post, deduplicated', async () => {
    const request = { requesting_user: { slack_id: phil.user.id, with_team_domain: 'globex' }, workspace_id: phil.home.workspace.id };
    const before = (await world.sandbox.sim.control.messages(world.sandbox.notificationChannelId)).length;
    const first = await rest('get-a-human/', request);
    expect(first).toMatchObject({ status: 200, body: { ok: true } });
    expect(first.body.deduplicated).toBeUndefined();
    const repeats = await Promise.all(Array.from({ length: 29 }, () => rest('get-a-human/', request)));
    for (const repeat of repeats) expect(repeat).toEqual({ status: 200, body: { ok: true, channel: first.body.channel, ts: first.body.ts, deduplicated: true } });
    expect((await world.sandbox.sim.control.messages(world.sandbox.notificationChannelId)).length).toBe(before + 1);
  });

  it('a public broadcast over the recipient cap is 400 naming the cap, and nobody is sent anything', async () => {
    const dm = await world.story.dmOf(phil);
    const before = (await world.sandbox.sim.control.messages(dm)).length;
    const userIds = [phil.user.id, ...Array.from({ length: 1_000 }, (_, i) => `U${String(i).padStart(9, '0')}`)];
    const answer = await rest('broadcast/', { text: JSON.stringify({ text: 'news' }), broadcasts: [{ platform_type: 'slack', org_id: phil.home.workspace.id, user_ids: userIds }] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('Invalid parameter: audiences: name 1001 recipients; at most 1000 per call (BROADCAST_MAX_RECIPIENTS): send several calls');
    expect(await count('broadcasts')).toBe(0);
    expect((await world.sandbox.sim.control.messages(dm)).length).toBe(before);
  });

  it("notify-user for another organization's customer is 404 and leaves no trace in this organization", async () => {
    const { organization } = await admin().createOrganization({ name: 'Other Co' });
    const { token } = await admin().issueApiToken({ organizationId: organization?.id ?? '' });
    await admin().upsertIntegration({
      organizationId: organization?.id ?? '',
      teamId: 'TOTHERCO1',
      botToken: 'xoxb-other-co',
      notificationChannelId: '',
      domain: 'other',
    });
    const other = createClient(MegatronService, createConnectTransport({ baseUrl: world.sandbox.urls.api, httpVersion: '1.1', interceptors: [withBearer(token)] }));
    await other.registerWorkspace({ name: 'Globex', platform: PlatformType.SLACK, platformId: phil.home.workspace.id, domain: 'globex', connectionToken: phil.home.supportBot.botToken });
    const users = await count('platform_users');
    const refused = await failure(other.notifyUser({ customer: { teamId: phil.home.workspace.id, userId: phil.user.id }, agentUserId: world.story.alice.id, content: { text: 'hi' } }));
    expect(refused.code).toBe(Code.NotFound);
    expect(await count('platform_users')).toBe(users);
  });

  it('a command_url pointing at a metadata, loopback or translated address is refused when it is set, and not stored', async () => {
    const { organization } = await admin().createOrganization({ name: 'Careful Co' });
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://[::ffff:169.254.169.254]/', 'http://198.18.0.1/', 'http://[fec0::1]/', 'http://metadata.google.internal/']) {
      const refused = await failure(admin().updateOrganization({ organizationId: organization?.id ?? '', commandUrl: url }));
      expect([url, refused.code]).toEqual([url, Code.InvalidArgument]);
      expect(refused.rawMessage).toMatch(/^command_url is refused: /);
    }
    expect((await pool.query<{ command_url: string }>('select command_url from organizations where id = $1', [organization?.id])).rows[0]?.command_url).toBe('');
    await expect(admin().createOrganization({ name: 'Sneaky', commandUrl: 'http://169.254.169.254/' })).rejects.toMatchObject({ code: Code.InvalidArgument });
    expect(await count("organizations where name = 'Sneaky'")).toBe(0);
  });
});
