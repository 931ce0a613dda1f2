import { LogLevel, WebClient, WebClientEvent } from '@slack/web-api';
import { type DemoSeed, type SlackSim, seedDemo, startSlackSim } from '../src/index.js';
import { openApiValidator } from './openapi.js';

describe('rate limits', () => {
  let sim: SlackSim;

  beforeAll(async () => {
    sim = await startSlackSim({ rateLimits: true });
  });

  afterAll(async () => {
    await sim.close();
  });

  test('chat.postMessage beyond its burst answers 429 with Retry-After, per channel', async () => {
    const ws = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    const bot = await sim.control.createApp({ teamId: ws.id, name: 'Bot' });
    const user = await sim.control.createUser({ teamId: ws.id, name: 'phil' });
    const other = await sim.control.createUser({ teamId: ws.id, name: 'rita' });
    const post = (channel: string): Promise<Response> => fetch(`${sim.apiUrl}chat.postMessage`, { method: 'POST',
      headers: { authorization: `Bearer ${bot.botToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ channel, text: 'x' }).toString() });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await post(user.id)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await post(user.id);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect((await post(other.id)).status).toBe(200);
  });

  test('the WebClient waits for Retry-After and then succeeds', async () => {
    const ws = await sim.control.createWorkspace({ name: 'Initech', domain: 'initech' });
    const bot = await sim.control.createApp({ teamId: ws.id, name: 'Bot' });
    await sim.control.setRateLimits(true, { perMinute: { 2: 60 } });
    const web = new WebClient(bot.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
      logLevel: LogLevel.ERROR });
    let limitedFor = 0;
    web.on(WebClientEvent.RATE_LIMITED, (seconds: number) => {
      limitedFor = seconds;
    });
    for (let i = 0; i < 60; i += 1) await web.users.list({});
    const started = Date.now();
    const res = await web.users.list({});
    expect(res.ok).toBe(true);
    expect(limitedFor).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  test('turning rate limits off lets every call through', async () => {
    await sim.control.setRateLimits(false);
    const ws = await sim.control.createWorkspace({ name: 'Hooli', domain: 'hooli' });
    const bot = await sim.control.createApp({ teamId: ws.id, name: 'Bot' });
    const user = await sim.control.createUser({ teamId: ws.id, name: 'gavin' });
    const web = new WebClient(bot.botToken, { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    for (let i = 0; i < 10; i += 1) expect((await web.chat.postMessage({ channel: user.id, text: 'x' })).ok).toBe(true);
  });
});

describe('answers against the reference OpenAPI schema, on the demo seed', () => {
  let sim: SlackSim;
  let demo: DemoSeed;
  const validate = openApiValidator();

  beforeAll(async () => {
    sim = await startSlackSim();
    demo = await seedDemo(sim.control, { interpreterUrl: 'http://127.0.0.1:9', appUrl: 'http://127.0.0.1:9' });
  });

  afterAll(async () => {
    await sim.close();
  });

  async function raw(method: string, token: string, params: Record<string, string>): Promise<unknown> {
    const res = await fetch(`${sim.apiUrl}${method}`, { method: 'POST', headers: { authorization: `Bearer ${token}`,
      'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    return res.json();
  }

  test('the demo seed has two workspaces with a "sam" each, agents and the /megatron app', async () => {
    expect(demo.integration.workspace).toMatchObject({ name: 'Acme Support', domain: 'acme-support' });
    expect([demo.integration.alice.name, demo.integration.bob.name]).toEqual(['alice', 'bob']);
    expect([demo.globex.workspace.domain, demo.initech.workspace.domain]).toEqual(['globex', 'initech']);
    expect(demo.globex.sam.id).not.toBe(demo.initech.sam.id);
    expect(demo.globex.customers.length).toBeGreaterThanOrEqual(3);
    const megatronBot = await sim.control.conversation((await sim.control.sendDirectMessage({
      teamId: demo.globex.workspace.id, userId: demo.globex.sam.id, appId: demo.globex.supportBot.appId, text: 'hi' })).channel);
    expect(megatronBot.members).toEqual(expect.arrayContaining([demo.globex.sam.id, demo.globex.supportBot.botUserId]));
  });

  test('every implemented method with a schema in the spec answers in a shape it accepts', async () => {
    const { globex, integration } = demo;
    const botToken = globex.supportBot.botToken;
    const megatronToken = integration.megatron.botToken;
    const dm = await sim.control.sendDirectMessage({ teamId: globex.workspace.id, userId: globex.sam.id,
      appId: globex.supportBot.appId, text: 'hello' });
    const posted = (await raw('chat.postMessage', botToken, { channel: dm.channel, text: 'hi sam' })) as { ts: string };
    const created = (await raw('conversations.create', megatronToken, { name: 'schema-check' })) as { channel: { id: string } };
    const channel = created.channel.id;
    const share = await sim.control.shareFile({ teamId: globex.workspace.id, userId: globex.sam.id, channel: dm.channel,
      name: 'a.png', mimetype: 'image/png', contentBase64: Buffer.from('x').toString('base64') });
    const calls: [string, string, Record<string, string>, unknown?][] = [
      ['auth.test', botToken, {}],
      ['conversations.open', botToken, { users: globex.sam.id }],
      ['conversations.history', botToken, { channel: dm.channel }],
      ['conversations.info', botToken, { channel: dm.channel }],
      ['conversations.info', megatronToken, { channel }],
      ['conversations.invite', megatronToken, { channel, users: integration.alice.id }],
      ['conversations.join', megatronToken, { channel }],
      ['conversations.list', megatronToken, { types: 'public_channel,im' }],
      ['conversations.members', megatronToken, { channel }],
      ['conversations.archive', megatronToken, { channel }],
      ['conversations.unarchive', megatronToken, { channel }],
      ['chat.postMessage', botToken, { channel: dm.channel, text: 'x', username: 'renamed', icon_emoji: ':robot_face:' }],
      ['chat.postEphemeral', megatronToken, { channel, user: integration.alice.id, text: 'psst' }],
      ['chat.update', botToken, { channel: dm.channel, ts: posted.ts, text: 'edited',
        blocks: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: 'edited' } }]) }],
      ['users.info', botToken, { user: globex.sam.id }],
      ['users.list', botToken, {}],
      ['files.info', botToken, { file: share.fileId }],
      ['chat.delete', botToken, { channel: dm.channel, ts: posted.ts }],
      // The seeded support bot may read history once a minute (Marketplace limits), so the second read is Megatron's.
      ['conversations.history', megatronToken, { channel }],
    ];
    const problems: string[] = [];
    for (const [method, token, params] of calls) {
      const body = (await raw(method, token, params)) as { ok: boolean };
      if (!body.ok) problems.push(`${method} failed: ${JSON.stringify(body)}`);
      problems.push(...validate(method, body).map((p) => `${method}: ${p}`));
    }
    expect(problems).toEqual([]);
  });

  test('the validator itself rejects an answer missing required fields', () => {
    expect(validate('auth.test', { ok: true })).not.toEqual([]);
    expect(validate('chat.postMessage', { ok: true, channel: 'C0123456789', ts: 'not-a-ts', message: {} })).not.toEqual([]);
  });

  test('an error is ok:false with Slack\'s code and nothing else', async () => {
    const body = (await raw('chat.postMessage', demo.globex.supportBot.botToken, { channel: 'C000NOPE00', text: 'x' }));
    expect(body).toEqual({ ok: false, error: 'channel_not_found' });
  });
});
