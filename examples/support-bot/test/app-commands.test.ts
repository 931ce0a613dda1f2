import { createLogger } from '@megatron/runtime';
import { startSlackSim, type SimApp, type SimUser, type SlackSim } from '@megatron/slack-sim';
import { signedHeaders } from '@megatron/webhook-verifier';
import { configSchema, startSupportBot, type SupportBot } from '@megatron/support-bot';

const SECRET = `whsec_${Buffer.from('support-bot-test-secret-32-bytes!').toString('base64')}`;

describe('the support bot answers app commands', () => {
  let sim: SlackSim;
  let bot: SupportBot;
  let teamId: string;
  let app: SimApp;
  const people: SimUser[] = [];

  beforeAll(async () => {
    sim = await startSlackSim();
    const workspace = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    teamId = workspace.id;
    app = await sim.control.createApp({ teamId, name: 'Support Bot' });
    people.push(await sim.control.createUser({ teamId, name: 'sam', realName: 'Sam Globex' }));
    people.push(await sim.control.createUser({ teamId, name: 'phil', realName: 'Phil Connors' }));
    const config = configSchema.parse({
      PORT: '0',
      LOG_LEVEL: 'silent',
      MEGATRON_API_TOKEN: 'unused-in-this-test',
      MEGATRON_WEBHOOK_SECRET: SECRET,
      MEGATRON_VERIFICATION_TOKEN: 'legacy-token',
      SLACK_API_URL: sim.apiUrl,
      SUPPORT_BOT_WORKSPACES: JSON.stringify([
        { teamId, name: 'Globex', domain: 'globex', botToken: app.botToken, botUserId: app.botUserId, signingSecret: app.signingSecret },
      ]),
    });
    bot = await startSupportBot(config, createLogger('support-bot-test', 'silent'));
  });

  afterAll(async () => {
    await bot.close();
    await sim.close();
  });

  async function send(body: Record<string, unknown>, id = `msg_${Math.random().toString(36).slice(2)}`, secret = SECRET) {
    const payload = JSON.stringify({ megatron_verification_token: 'legacy-token', ...body });
    const headers = signedHeaders({ id, timestamp: Math.floor(Date.now() / 1000), payload, secrets: [secret] });
    const response = await fetch(`${bot.url}/megatron/commands`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: payload });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('pause and unpause follow the command, per customer and workspace', async () => {
    const sam = people[0]!;
    expect((await send({ command: 'pause', team_id: teamId, user_id: sam.id, channel_id: 'D1', paused: true })).status).toBe(200);
    expect(bot.state.isPaused(teamId, sam.id)).toBe(true);
    expect(bot.state.isPaused('TOTHER', sam.id)).toBe(false);
    await send({ command: 'pause', team_id: teamId, user_id: sam.id, channel_id: 'D1', paused: false });
    expect(bot.state.isPaused(teamId, sam.id)).toBe(false);
  });

  it('search_user matches names fuzzily over the workspace users', async () => {
    const result = await send({ command: 'search_user', targeted_user_name: 'Phil' });
    expect(result).toEqual({ status: 200, body: { users: [{ username: 'phil', platform_user_id: people[1]!.id, platform_team_id: teamId }] } });
    expect((await send({ command: 'search_user', targeted_user_name: 'nobody' })).body).toEqual({ users: [] });
  });

  it('search_user finds a customer beyond the first page of users.list', async () => {
    const crowd = await Promise.all(Array.from({ length: 230 }, (_, i) => sim.control.createUser({ teamId, name: `member${i}` })));
    const late = await sim.control.createUser({ teamId, name: 'zelda', realName: 'Zelda Late' });
    const result = await send({ command: 'search_user', targeted_user_name: 'zelda' });
    expect(crowd).toHaveLength(230);
    expect(result.body).toEqual({ users: [{ username: 'zelda', platform_user_id: late.id, platform_team_id: teamId }] });
  });

  it('refresh_workspace answers the current credentials in the documented shape', async () => {
    const result = await send({ command: 'refresh_workspace', workspace_platform_id: teamId });
    expect(result).toEqual({ status: 200, body: { ok: true, data: { name: 'Globex', domain: 'globex', connection_token: app.botToken } } });
  });

  it('a command signed with another secret is refused and changes nothing', async () => {
    const sam = people[0]!;
    const other = `whsec_${Buffer.from('another-secret-another-secret-32').toString('base64')}`;
    const result = await send({ command: 'pause', team_id: teamId, user_id: sam.id, paused: true }, 'msg_forged', other);
    expect(result.status).toBe(401);
    expect(bot.state.isPaused(teamId, sam.id)).toBe(false);
  });

  it('a wrong legacy verification token is refused', async () => {
    const result = await send({ command: 'clear-context', platform_user_id: 'U1', team_id: teamId, megatron_verification_token: 'wrong' });
    expect(result.status).toBe(401);
  });

  it('an unknown command is a 400 naming it', async () => {
    expect(await send({ command: 'dance' })).toEqual({ status: 400, body: { ok: false, error: 'unknown command dance' } });
  });
});
