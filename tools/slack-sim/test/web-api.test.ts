import { LogLevel, WebClient } from '@slack/web-api';
import { type SimApp, type SimUser, type SimWorkspace, type SlackSim, startSlackSim } from '../src/index.js';

interface SlackErrorShape { data?: { error?: string } }

async function slackError(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    return (error as SlackErrorShape).data?.error;
  }
  throw new Error('expected the call to fail');
}

describe('Web API through the real WebClient', () => {
  let sim: SlackSim;
  let acme: SimWorkspace;
  let globex: SimWorkspace;
  let megatron: SimApp;
  let bot: SimApp;
  let alice: SimUser;
  let bob: SimUser;
  let phil: SimUser;
  let megatronClient: WebClient;
  let botClient: WebClient;

  const client = (token?: string): WebClient => new WebClient(token, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });

  beforeAll(async () => {
    sim = await startSlackSim();
    acme = await sim.control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
    globex = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    megatron = await sim.control.createApp({ teamId: acme.id, name: 'Megatron' });
    bot = await sim.control.createApp({ teamId: globex.id, name: 'Support Bot' });
    alice = await sim.control.createUser({ teamId: acme.id, name: 'alice', realName: 'Alice Agent' });
    bob = await sim.control.createUser({ teamId: acme.id, name: 'bob' });
    phil = await sim.control.createUser({ teamId: globex.id, name: 'phil', realName: 'Phil Connors', displayName: 'phil' });
    megatronClient = client(megatron.botToken);
    botClient = client(bot.botToken);
  });

  afterAll(async () => {
    await sim.close();
  });

  test('auth.test names the bot, its workspace and bot id', async () => {
    const res = await botClient.auth.test();
    expect(res).toMatchObject({ ok: true, team: 'Globex', team_id: globex.id, user_id: bot.botUserId, bot_id: bot.botId,
      url: 'https://globex.slack.com/' });
  });

  test('missing, unknown and revoked tokens get not_authed, invalid_auth and token_revoked', async () => {
    expect(await slackError(client().auth.test())).toBe('not_authed');
    expect(await slackError(client('xoxb-nope').auth.test())).toBe('invalid_auth');
    const spare = await sim.control.issueBotToken(bot.appId);
    await sim.control.revokeToken(spare.botToken);
    expect(await slackError(client(spare.botToken).auth.test())).toBe('token_revoked');
  });

  test('a token passed as a form parameter works, one inside a JSON body does not', async () => {
    const form = await fetch(`${sim.apiUrl}auth.test`, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${bot.botToken}` });
    expect(await form.json()).toMatchObject({ ok: true, user_id: bot.botUserId });
    const json = await fetch(`${sim.apiUrl}auth.test`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: bot.botToken }) });
    expect(await json.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  test('a JSON body with a Bearer token posts a message', async () => {
    const { channel } = await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId,
      text: 'hi' });
    const res = await fetch(`${sim.apiUrl}chat.postMessage`, { method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${bot.botToken}` },
      body: JSON.stringify({ channel, text: 'hello from JSON', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }] }) });
    const body = (await res.json()) as { ok: boolean; message: { blocks: unknown[] } };
    expect(body.ok).toBe(true);
    expect(body.message.blocks).toHaveLength(1);
  });

  test('users.info and users.list answer for the token\'s workspace only', async () => {
    const info = await botClient.users.info({ user: phil.id });
    expect(info.user).toMatchObject({ id: phil.id, name: 'phil', real_name: 'Phil Connors', team_id: globex.id,
      profile: { display_name: 'phil', image_72: phil.image72 } });
    expect(await slackError(botClient.users.info({ user: alice.id }))).toBe('user_not_found');
    expect(await slackError(botClient.users.info({ user: 'U000NOPE00' }))).toBe('user_not_found');
    const list = await botClient.users.list({});
    expect(list.members?.map((m) => m.id).sort()).toEqual([phil.id, bot.botUserId].sort());
  });

  test('a customer DM is readable by the bot with history newest first and unique increasing ts', async () => {
    const first = await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId, text: 'one' });
    const second = await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId, text: 'two' });
    expect(second.channel).toBe(first.channel);
    expect(first.channel).toMatch(/^D[A-Z0-9]{8,}$/);
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const opened = await botClient.conversations.open({ users: phil.id });
    expect(opened.channel?.id).toBe(first.channel);
    const history = await botClient.conversations.history({ channel: first.channel, limit: 2 });
    expect(history.messages?.map((m) => m.text)).toEqual(['two', 'one']);
    expect(history.has_more).toBe(true);
    const rest = await botClient.conversations.history({ channel: first.channel, cursor: history.response_metadata?.next_cursor });
    expect(rest.messages?.length).toBeGreaterThan(0);
    expect(await slackError(megatronClient.conversations.history({ channel: first.channel }))).toBe('channel_not_found');
  });

  test('conversations.open for an unknown user fails with user_not_found', async () => {
    expect(await slackError(botClient.conversations.open({ users: 'U000NOPE00' }))).toBe('user_not_found');
  });

  test('an engagement channel is created, joined, listed, archived and unarchived by Slack\'s rules', async () => {
    const created = await megatronClient.conversations.create({ name: 'megatron-phil_globex' });
    const channel = created.channel?.id ?? '';
    expect(channel).toMatch(/^C/);
    expect(created.channel).toMatchObject({ name: 'megatron-phil_globex', is_channel: true, is_archived: false, is_member: true });
    expect(await slackError(megatronClient.conversations.create({ name: 'megatron-phil_globex' }))).toBe('name_taken');
    expect(await slackError(megatronClient.conversations.create({ name: 'phil.connors' }))).toBe('invalid_name_specials');
    expect(await slackError(megatronClient.conversations.create({ name: 'Has Space' }))).toBe('invalid_name_specials');
    expect(await slackError(megatronClient.conversations.create({ name: 'x'.repeat(81) }))).toBe('invalid_name_maxlength');
    expect((await megatronClient.conversations.create({ name: 'y'.repeat(80) })).ok).toBe(true);
    expect(await slackError(megatronClient.conversations.create({ name: 'here' }))).toBe('invalid_name');

    const invited = await megatronClient.conversations.invite({ channel, users: `${alice.id},${bob.id}` });
    expect(invited.ok).toBe(true);
    expect(await slackError(megatronClient.conversations.invite({ channel, users: alice.id }))).toBe('already_in_channel');
    expect(await slackError(megatronClient.conversations.invite({ channel, users: phil.id }))).toBe('user_not_found');
    const members = await megatronClient.conversations.members({ channel });
    expect(members.members?.sort()).toEqual([megatron.botUserId, alice.id, bob.id].sort());
    const info = await megatronClient.conversations.info({ channel, include_num_members: true });
    expect(info.channel).toMatchObject({ id: channel, num_members: 3 });
    const listed = await megatronClient.conversations.list({ types: 'public_channel', limit: 1 });
    expect(listed.channels).toHaveLength(1);
    expect(listed.response_metadata?.next_cursor).not.toBe('');

    const other = await client(alice.token).conversations.create({ name: 'agents-lounge' });
    expect(await slackError(megatronClient.conversations.history({ channel: other.channel?.id ?? '' }))).toBe('not_in_channel');
    expect(await slackError(megatronClient.chat.postMessage({ channel: other.channel?.id ?? '', text: 'x' }))).toBe('not_in_channel');
    const joined = await megatronClient.conversations.join({ channel: other.channel?.id ?? '' });
    expect(joined.channel?.id).toBe(other.channel?.id);

    expect((await megatronClient.conversations.archive({ channel })).ok).toBe(true);
    expect(await slackError(megatronClient.conversations.archive({ channel }))).toBe('already_archived');
    expect(await slackError(megatronClient.chat.postMessage({ channel, text: 'late' }))).toBe('is_archived');
    expect((await megatronClient.conversations.info({ channel })).channel?.is_archived).toBe(true);
    expect((await megatronClient.conversations.unarchive({ channel })).ok).toBe(true);
    expect(await slackError(megatronClient.conversations.unarchive({ channel }))).toBe('not_archived');
    expect(await slackError(botClient.conversations.info({ channel }))).toBe('channel_not_found');
  });

  test('chat methods post, override the name, update, delete and answer Slack\'s errors', async () => {
    const { channel } = await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId, text: 'q' });
    const posted = await botClient.chat.postMessage({ channel, text: 'answer' });
    expect(posted.message).toMatchObject({ text: 'answer', bot_id: bot.botId, user: bot.botUserId });
    const toUser = await botClient.chat.postMessage({ channel: phil.id, text: 'via user id' });
    expect(toUser.channel).toBe(channel);
    const custom = await megatronClient.chat.postMessage({ channel: (await megatronClient.conversations.create({ name: 'chat-test' })).channel?.id ?? '',
      text: 'as phil', username: 'phil', icon_url: 'https://example.com/phil.png' });
    expect(custom.message).toMatchObject({ subtype: 'bot_message', username: 'phil', icons: { image_64: 'https://example.com/phil.png' } });

    const updated = await botClient.chat.update({ channel, ts: posted.ts ?? '', text: 'better answer' });
    expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: 'better answer' });
    const stored = (await sim.control.messages(channel)).find((m) => m.ts === posted.ts);
    expect(stored).toMatchObject({ text: 'better answer', edited: { user: bot.botUserId } });

    const customerTs = (await sim.control.messages(channel))[0]?.ts ?? '';
    expect(await slackError(botClient.chat.update({ channel, ts: customerTs, text: 'x' }))).toBe('cant_update_message');
    expect(await slackError(botClient.chat.delete({ channel, ts: customerTs }))).toBe('cant_delete_message');
    expect(await slackError(botClient.chat.update({ channel, ts: '1111111111.000001', text: 'x' }))).toBe('message_not_found');
    expect(await slackError(botClient.chat.delete({ channel, ts: '1111111111.000001' }))).toBe('message_not_found');
    expect(await slackError(botClient.chat.postMessage({ channel, text: '' }))).toBe('no_text');
    expect(await slackError(botClient.chat.postMessage({ channel, text: 'x'.repeat(40_001) }))).toBe('msg_too_long');
    expect(await slackError(botClient.chat.postMessage({ channel: 'C000NOPE00', text: 'x' }))).toBe('channel_not_found');
    const button = (actionId: string) => ({ type: 'button' as const, action_id: actionId, text: { type: 'plain_text' as const, text: actionId } });
    const twoAlike = [{ type: 'actions', elements: [button('vote'), button('vote')] }];
    expect(await slackError(botClient.chat.postMessage({ channel, text: 'x', blocks: twoAlike }))).toBe('invalid_blocks');
    expect(await slackError(botClient.chat.update({ channel, ts: posted.ts ?? '', text: 'x', blocks: twoAlike }))).toBe('invalid_blocks');
    expect((await botClient.chat.postMessage({ channel, text: 'x', blocks: [{ type: 'actions', elements: [button('up'), button('down')] }] })).ok).toBe(true);

    expect((await botClient.chat.delete({ channel, ts: posted.ts ?? '' })).ok).toBe(true);
    expect((await sim.control.messages(channel)).some((m) => m.ts === posted.ts)).toBe(false);
  });

  test('chat.postEphemeral reaches only members and is recorded', async () => {
    const created = await megatronClient.conversations.create({ name: 'ephemeral-test' });
    const channel = created.channel?.id ?? '';
    await megatronClient.conversations.invite({ channel, users: alice.id });
    const res = await megatronClient.chat.postEphemeral({ channel, user: alice.id, text: 'Bot *paused* for user: phil' });
    expect(res.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(await sim.control.ephemerals(channel)).toEqual([expect.objectContaining({ user: alice.id,
      text: 'Bot *paused* for user: phil', source: 'api' })]);
    expect(await slackError(megatronClient.chat.postEphemeral({ channel, user: bob.id, text: 'x' }))).toBe('user_not_in_channel');
  });

  test('files upload through the external URL flow, show in files.info and download only with a token of the workspace', async () => {
    const { channel } = await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId, text: 'f' });
    const uploaded = await botClient.filesUploadV2({ channel_id: channel, file: Buffer.from('PNGDATA'), filename: 'shot.png',
      initial_comment: 'here you go' });
    expect(uploaded.ok).toBe(true);
    const file = (await sim.control.files()).find((f) => f.name === 'shot.png');
    expect(file).toMatchObject({ size: 7, mimetype: 'image/png', channels: [channel] });
    const info = await botClient.files.info({ file: file?.id ?? '' });
    expect(info.file).toMatchObject({ id: file?.id, name: 'shot.png', url_private: file?.urlPrivate });
    expect(await slackError(botClient.files.info({ file: 'F000NOPE00' }))).toBe('file_not_found');
    const shared = (await sim.control.messages(channel)).at(-1);
    expect(shared).toMatchObject({ subtype: 'file_share', text: 'here you go', bot_id: bot.botId });

    const ok = await fetch(file?.urlPrivate ?? '', { headers: { authorization: `Bearer ${bot.botToken}` } });
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).toString()).toBe('PNGDATA');
    const anonymous = await fetch(file?.urlPrivate ?? '', { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    const foreign = await fetch(file?.urlPrivate ?? '', { redirect: 'manual', headers: { authorization: `Bearer ${megatron.botToken}` } });
    expect(foreign.status).toBe(302);
    const followed = await fetch(file?.urlPrivate ?? '');
    expect(followed.headers.get('content-type')).toContain('text/html');
  });

  test("a fault aimed at a channel also catches files.completeUploadExternal, which names it channel_id", async () => {
    const { channel } = await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId, text: 'send it' });
    const other = (await botClient.conversations.create({ name: 'upload-fault-free' })).channel?.id ?? '';
    await sim.control.fault({ kind: 'reset_after_send', method: 'files.completeUploadExternal', channel });
    await botClient.filesUploadV2({ channel_id: other, file: Buffer.from('elsewhere'), filename: 'elsewhere.txt' });
    await expect(botClient.filesUploadV2({ channel_id: channel, file: Buffer.from('late'), filename: 'late.txt' }))
      .rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    const names = (await sim.control.messages(channel)).flatMap((m) => m.files?.map((f) => f.name) ?? []);
    expect(names.filter((name) => name === 'late.txt')).toHaveLength(1);
    expect((await sim.control.messages(other)).flatMap((m) => m.files?.map((f) => f.name) ?? [])).toEqual(['elsewhere.txt']);
  });

  test('faults make the API fail like Slack having a bad day, then recover', async () => {
    await sim.control.fault({ kind: '5xx', method: 'auth.test' });
    await expect(botClient.auth.test()).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
    expect((await botClient.auth.test()).ok).toBe(true);
    await sim.control.fault({ kind: 'invalid_auth', token: bot.botToken });
    expect(await slackError(botClient.auth.test())).toBe('invalid_auth');
    await sim.control.fault({ kind: 'token_revoked', token: bot.botToken, count: 2 });
    expect(await slackError(botClient.auth.test())).toBe('token_revoked');
    expect(await slackError(botClient.users.list({}))).toBe('token_revoked');
    await sim.control.fault({ kind: 'drop', method: 'auth.test' });
    await expect(botClient.auth.test()).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    const channel = (await botClient.conversations.open({ users: phil.id })).channel?.id ?? '';
    await sim.control.fault({ kind: 'reset_after_send', method: 'chat.postMessage' });
    await expect(botClient.chat.postMessage({ channel, text: 'landed without an answer' })).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    expect((await botClient.conversations.history({ channel, limit: 1 })).messages?.[0]?.text).toBe('landed without an answer');
    await sim.control.fault({ kind: '5xx', method: 'chat.postMessage', channel, count: 100 });
    await expect(botClient.chat.postMessage({ channel, text: 'refused' })).rejects.toMatchObject({ statusCode: 500 });
    const other = (await botClient.conversations.create({ name: 'fault-free' })).channel?.id ?? '';
    expect((await botClient.chat.postMessage({ channel: other, text: 'another channel is fine' })).ok).toBe(true);
    await sim.control.clearFaults();
    expect((await botClient.chat.postMessage({ channel, text: 'after clearFaults' })).ok).toBe(true);
    await sim.control.fault({ kind: 'latency', method: 'auth.test', latencyMs: 300 });
    const started = Date.now();
    expect((await botClient.auth.test()).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('the control API refuses bad input with a message naming the problem', async () => {
    await expect(sim.control.createUser({ teamId: 'T000NOPE00', name: 'x' })).rejects.toThrow('unknown workspace T000NOPE00');
    await expect(sim.control.createWorkspace({ name: 'x', domain: 'Bad Domain' })).rejects.toThrow(/domain must be/);
    await expect(sim.control.createApp({ teamId: globex.id, name: 'x', eventsUrl: 'not a url' })).rejects.toThrow(/eventsUrl must be/);
    await expect(sim.control.fault({ kind: 'latency' })).rejects.toThrow('latencyMs is required for latency');
  });
});
