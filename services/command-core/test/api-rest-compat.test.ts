import { Code, ConnectError, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import { PlatformType, type MegatronService } from '@megatron/contracts';
import { organizationIdKey } from '../src/api/auth-context.js';
import { startApiServer, type ApiServer } from './api-server-fixture.js';
import { tenantsFixture, type TenantsFixture } from './tenants-fixture.js';

interface Received {
  method: string;
  organizationId: string | undefined;
  request: unknown;
}

/** Records what each REST route turned into and answers like the takeover engine would. */
function recordingService(received: Received[]): Partial<ServiceImpl<typeof MegatronService>> {
  const record = (method: string, request: unknown, context: HandlerContext) =>
    received.push({ method, organizationId: context.values.get(organizationIdKey), request });
  return {
    async incoming(req, context) {
      record('incoming', req, context);
      return { result: { track: req.message?.userId === 'UTRACKED', channelId: 'C0ENG', ts: '1.000001' } };
    },
    async outgoing(req, context) {
      record('outgoing', req, context);
      return { result: { track: true, channelId: 'C0ENG', ts: '1.000002' } };
    },
    async edit(req, context) {
      record('edit', req, context);
      return { result: { track: true } };
    },
    async delete(req, context) {
      record('delete', req, context);
      return { deleted: req.message?.ts === '5.0' };
    },
    async broadcast(req, context) {
      record('broadcast', req, context);
      return {
        broadcastId: 'b-1',
        results: req.audiences.flatMap((audience) =>
          audience.userIds.map((userId) =>
            userId === 'UGONE' ? { teamId: audience.teamId, userId, ok: false, error: 'user_not_found' } : { teamId: audience.teamId, userId, ok: true, channelId: 'D1', ts: '2.0' },
          ),
        ),
      };
    },
    async sendMessage(req, context) {
      record('sendMessage', req, context);
      if (req.customer?.teamId === 'TUNKNOWN') throw new ConnectError('unknown workspace TUNKNOWN', Code.NotFound);
      return { channelId: 'D1', ts: '3.0' };
    },
    async getEngagement(req, context) {
      record('getEngagement', req, context);
      if (req.key.case === 'channelId' && req.key.value === 'C0ENG') return { engagement: { channelId: 'C0ENG', customer: { teamId: 'TCUST', userId: 'U1' } } };
      throw new ConnectError('no engagement channel', Code.NotFound);
    },
    async notifyUser(req, context) {
      record('notifyUser', req, context);
      return {};
    },
    async getAHuman(req, context) {
      record('getAHuman', req, context);
      return { channelId: 'C0HELP', ts: '4.0' };
    },
    async registerWorkspace(req, context) {
      record('registerWorkspace', req, context);
      return { created: true, workspace: { id: 'w-1', platform: req.platform, platformId: req.platformId, name: req.name, domain: req.domain } };
    },
  };
}

describe('REST compatibility routes', () => {
  let f: TenantsFixture;
  let api: ApiServer;
  let org: string;
  let token: string;
  const received: Received[] = [];

  beforeAll(async () => {
    f = await tenantsFixture();
    api = await startApiServer(f, recordingService(received));
    org = (await f.admin.createOrganization({ name: 'Rest' })).organization.id;
    token = (await f.admin.issueApiToken(org)).token;
  });

  afterAll(async () => {
    await api.close();
    await f.close();
  });

  /** authorization null sends none. */
  async function post(path: string, body: unknown, authorization: string | null = `MegatronToken ${token}`) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization !== null) headers.authorization = authorization;
    const response = await fetch(`${api.httpUrl}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const last = () => received.at(-1);

  test('incoming/ mirrors the customer message and answers {ok, track}, with or without the trailing slash', async () => {
    const message = { user: 'UTRACKED', text: 'help me', ts: '1700000000.000100', team: 'TCUST', files: [{ id: 'F1', name: 'a.png', mimetype: 'image/png', size: 12, url_private: 'https://files/a.png' }] };
    expect(await post('/megatron/incoming/', { message })).toEqual({ status: 200, body: { ok: true, track: true } });
    expect(last()).toMatchObject({
      method: 'incoming',
      organizationId: org,
      request: { message: { teamId: 'TCUST', userId: 'UTRACKED', ts: '1700000000.000100', content: { text: 'help me' }, files: [{ id: 'F1', name: 'a.png', size: 12n, urlPrivate: 'https://files/a.png' }] } },
    });
    expect(await post('/megatron/incoming', { message: { ...message, user: 'UOTHER' } })).toEqual({ status: 200, body: { ok: true, track: false } });
  });

  test('outgoing/ accepts attachments as a JSON string, as the original did', async () => {
    const attachments = [{ title: 'Card Number', text: '4111 1111 1111 1111' }];
    const result = await post('/megatron/outgoing/', { user: 'U1', ts: '1.5', message: { text: 'your card', attachments: JSON.stringify(attachments) } });
    expect(result).toEqual({ status: 200, body: { ok: true, track: true } });
    expect(last()).toMatchObject({ method: 'outgoing', request: { message: { userId: 'U1', ts: '1.5', content: { text: 'your card', attachmentsJson: JSON.stringify(attachments) } } } });
  });

  test("edit/ reports the customer's or the bot's edit and skips Megatron's own forwarded copies", async () => {
    await post('/megatron/edit/', { message: { user: 'U1', text: 'fixed', ts: '5.0' }, previous_message: { ts: '5.0' } });
    expect(last()).toMatchObject({ method: 'edit', request: { fromBot: false, message: { userId: 'U1', ts: '5.0', content: { text: 'fixed' } } } });
    await post('/megatron/edit/', { user: 'U1', message: { bot_id: 'B1', user: 'UBOT', text: 'bot fixed', ts: '6.0' }, previous_message: { ts: '6.0' } });
    expect(last()).toMatchObject({ method: 'edit', request: { fromBot: true, message: { userId: 'U1', ts: '6.0' } } });
    const count = received.length;
    const own = await post('/megatron/edit/', { message: { user: 'U1', text: 'x', ts: '7.0', attachments: [{ footer: 'sent by Ann from Acme' }] }, previous_message: { ts: '7.0' } });
    expect(own).toEqual({ status: 200, body: { ok: true, track: false } });
    expect(received).toHaveLength(count);
  });

  test("delete/ reports the customer's or the bot's delete from Slack's message_deleted event and skips Megatron's own copies", async () => {
    const deleted = await post('/megatron/delete/', { deleted_ts: '5.0', previous_message: { user: 'U1', team: 'TCUST', text: 'oops', ts: '5.0' } });
    expect(deleted).toEqual({ status: 200, body: { ok: true, deleted: true } });
    expect(last()).toMatchObject({ method: 'delete', organizationId: org, request: { message: { teamId: 'TCUST', userId: 'U1', ts: '5.0' } } });
    // A bot's message carries the bot as its user: the customer is the top-level `user`, as in edit/.
    const bot = await post('/megatron/delete', { user: 'U1', team_id: 'TCUST', previous_message: { bot_id: 'B1', user: 'UBOT', text: 'bot said', ts: '6.0' } });
    expect(bot).toEqual({ status: 200, body: { ok: true, deleted: false } });
    expect(last()).toMatchObject({ method: 'delete', request: { message: { teamId: 'TCUST', userId: 'U1', ts: '6.0' } } });
    const count = received.length;
    const own = await post('/megatron/delete/', { previous_message: { bot_id: 'B1', text: 'x', ts: '7.0', attachments: [{ footer: 'sent by Ann from Acme' }] } });
    expect(own).toEqual({ status: 200, body: { ok: true, deleted: false } });
    expect(received).toHaveLength(count);
  });

  test('broadcast/ sends per-user results and reports failures per workspace without failing the rest', async () => {
    const text = JSON.stringify({ text: 'We are back!', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'We are back!' } }] });
    const result = await post('/megatron/broadcast/', { text, broadcasts: [{ platform_type: 'slack', org_id: 'TCUST', user_ids: ['U1', 'UGONE'] }], capture_feedback: true });
    expect(result).toEqual({
      status: 200,
      body: {
        ok: false,
        broadcast_id: 'b-1',
        results: [
          { team_id: 'TCUST', user_id: 'U1', ok: true, channel: 'D1', ts: '2.0' },
          { team_id: 'TCUST', user_id: 'UGONE', ok: false, error: 'user_not_found' },
        ],
        errors: { TCUST: [{ user_id: 'UGONE', error: 'user_not_found' }] },
      },
    });
    expect(last()).toMatchObject({ method: 'broadcast', request: { captureFeedback: true, content: { text: 'We are back!' }, audiences: [{ platform: PlatformType.SLACK, teamId: 'TCUST', userIds: ['U1', 'UGONE'] }] } });
  });

  test.each([
    ['/megatron/broadcast/', { broadcasts: [] }, 'Missing parameter: text'],
    ['/megatron/broadcast/', { text: '{}' }, 'Missing parameter: broadcasts'],
    ['/megatron/broadcast/', { text: '{"text": ', broadcasts: [] }, 'Malformed JSON in text'],
    ['/megatron/broadcast/', { text: '{}', broadcasts: [{ platform_type: 'slack', user_ids: [] }] }, 'Missing parameter: broadcasts[0].org_id'],
    ['/megatron/broadcast/', { text: '{}', broadcasts: [{ platform_type: 'teams', org_id: 'T1', user_ids: [] }] }, 'Invalid parameter: broadcasts[0].platform_type: unknown platform type "teams"; expected "slack"'],
    ['/megatron/incoming/', {}, 'Missing parameter: message'],
    ['/megatron/incoming/', { message: { text: 'x', ts: '1.0' } }, 'Missing parameter: message.user'],
    ['/megatron/outgoing/', { user: 'U1', message: { text: 'x', attachments: '[oops' }, ts: '1.0' }, 'Malformed JSON in message.attachments'],
    ['/megatron/edit/', { message: { user: 'U1' } }, 'Missing parameter: previous_message'],
    ['/megatron/delete/', { deleted_ts: '5.0' }, 'Missing parameter: previous_message'],
    ['/megatron/delete/', { previous_message: { user: 'U1' } }, 'Missing parameter: previous_message.ts'],
    ['/megatron/delete/', { previous_message: { ts: '5.0' } }, 'Missing parameter: previous_message.user'],
    ['/megatron/delete/', { previous_message: { bot_id: 'B1', ts: '5.0' } }, 'Missing parameter: user'],
    ['/megatron/register-workspace/', { name: 'W', platform_type: 'slack', platform_id: 'T1', connection_token: 'x' }, 'Missing parameter: domain'],
    ['/megatron/get-a-human/', { requesting_user: { with_team_domain: 'phil@acme' }, workspace_id: 'T1' }, 'Missing parameter: requesting_user.slack_id'],
    ['/megatron/notify-user/', { message: 'hi', channel_id: 'C0ENG' }, 'Missing parameter: user_id'],
    ['/megatron/incoming/', 'not json', 'Malformed JSON body'],
  ])('%s with %j answers 400 naming the problem and calls nothing', async (path, body, error) => {
    const count = received.length;
    expect(await post(path, body)).toEqual({ status: 400, body: { ok: false, error } });
    expect(received).toHaveLength(count);
  });

  test('message/<user_id>/ DMs the customer and a service not-found becomes 404', async () => {
    expect(await post('/megatron/message/U1/?team_id=TCUST', { text: 'Hello' })).toEqual({ status: 200, body: { ok: true, channel: 'D1', ts: '3.0' } });
    expect(last()).toMatchObject({ method: 'sendMessage', request: { customer: { teamId: 'TCUST', userId: 'U1' }, content: { text: 'Hello' } } });
    expect(await post('/megatron/message/U1', { text: 'Hello', team_id: 'TUNKNOWN' })).toEqual({ status: 404, body: { ok: false, error: 'unknown workspace TUNKNOWN' } });
  });

  test("notify-user/ finds the engagement channel's customer and sends the agent an ephemeral message", async () => {
    expect(await post('/megatron/notify-user/', { message: 'Heads up', user_id: 'UAGENT', channel_id: 'C0ENG', platform_type: 'slack' })).toEqual({
      status: 200,
      body: { ok: true, track: true },
    });
    expect(last()).toMatchObject({ method: 'notifyUser', request: { customer: { teamId: 'TCUST', userId: 'U1' }, agentUserId: 'UAGENT', content: { text: 'Heads up' } } });
    expect(await post('/megatron/notify-user/', { message: 'x', user_id: 'UAGENT', channel_id: 'C0NONE' })).toEqual({ status: 404, body: { ok: false, error: 'no engagement channel' } });
  });

  test('get-a-human/ asks for help for the requesting customer', async () => {
    expect(await post('/megatron/get-a-human/', { requesting_user: { slack_id: 'U1', with_team_domain: 'phil@acme' }, workspace_id: 'TCUST' })).toEqual({
      status: 200,
      body: { ok: true, channel: 'C0HELP', ts: '4.0' },
    });
    expect(last()).toMatchObject({ method: 'getAHuman', request: { requestingUser: { teamId: 'TCUST', userId: 'U1' }, teamDomain: 'phil@acme' } });
  });

  test('register-workspace/ creates or updates the workspace and refuses unknown platform types', async () => {
    const body = { name: 'Customer', platform_type: 'slack', platform_id: 'TCUST', domain: 'customer', connection_token: 'xoxb-1' };
    expect(await post('/megatron/register-workspace/', body)).toEqual({ status: 200, body: { ok: true, created: true, workspace_id: 'w-1' } });
    expect(last()).toMatchObject({ method: 'registerWorkspace', organizationId: org, request: { platform: PlatformType.SLACK, platformId: 'TCUST', connectionToken: 'xoxb-1' } });
    expect(await post('/megatron/register-workspace/', { ...body, platform_type: 'Facebook' })).toEqual({
      status: 400,
      body: { ok: false, error: 'Invalid parameter: platform_type: unknown platform type "Facebook"; expected "slack"' },
    });
  });

  test('a missing or wrong MegatronToken is 401 and reaches no handler', async () => {
    const count = received.length;
    expect(await post('/megatron/incoming/', { message: { user: 'U1', ts: '1.0' } }, null)).toEqual({
      status: 401,
      body: { ok: false, error: 'Missing API token: send "Authorization: MegatronToken <token>"' },
    });
    expect(await post('/megatron/incoming/', { message: { user: 'U1', ts: '1.0' } }, 'MegatronToken mt_wrong')).toEqual({
      status: 401,
      body: { ok: false, error: 'invalid or revoked API token' },
    });
    expect(received).toHaveLength(count);
  });

  test('unknown paths are 404, other methods 405, and GET /megatron/ says the API is there', async () => {
    expect(await post('/megatron/teleport/', {})).toEqual({ status: 404, body: { ok: false, error: 'Unknown API path /megatron/teleport/' } });
    const get = await fetch(`${api.httpUrl}/megatron/incoming/`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    await get.arrayBuffer();
    const root = await fetch(`${api.httpUrl}/megatron/`);
    expect(await root.json()).toEqual({ ok: true });
  });

  test('a route the takeover engine does not implement yet answers 501 instead of failing silently', async () => {
    const other = await startApiServer(f, {});
    try {
      const response = await fetch(`${other.httpUrl}/megatron/incoming/`, {
        method: 'POST',
        headers: { authorization: `MegatronToken ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: { user: 'U1', ts: '1.0' } }),
      });
      expect(response.status).toBe(501);
      expect(await response.json()).toEqual({ ok: false, error: 'megatron.v1.MegatronService.Incoming is not implemented' });
    } finally {
      await other.close();
    }
  });
});
