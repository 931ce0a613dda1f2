import { METHOD_TIERS, type SimApp, type SimUser, type SimWorkspace, type SlackSim, startSlackSim } from '../src/index.js';
import { AppReceiver, waitFor } from './app-receiver.js';
import { openApiValidator } from './openapi.js';
import { rawCall, slackClient, slackError } from './slack-client.js';

describe('reactions', () => {
  let sim: SlackSim;
  let receiver: AppReceiver;
  let globex: SimWorkspace;
  let bot: SimApp;
  let phil: SimUser;
  let dm: string;
  const validate = openApiValidator();

  beforeAll(async () => {
    sim = await startSlackSim();
    receiver = await new AppReceiver().start();
    globex = await sim.control.createWorkspace({ name: 'Globex', domain: 'globex' });
    bot = await sim.control.createApp({ teamId: globex.id, name: 'Support Bot', eventsUrl: `${receiver.url}/events` });
    phil = await sim.control.createUser({ teamId: globex.id, name: 'phil' });
    dm = (await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId, text: 'hi' })).channel;
  });

  afterAll(async () => {
    await sim.close();
    await receiver.stop();
  });

  const customerSays = async (text: string): Promise<string> =>
    (await sim.control.sendDirectMessage({ teamId: globex.id, userId: phil.id, appId: bot.appId, text })).ts;

  test('a bot and a customer react to a message and history, reactions.get and /_sim/messages show both', async () => {
    const ts = await customerSays('my invoice is wrong');
    const added = await rawCall(sim, 'reactions.add', bot.botToken, { channel: dm, timestamp: ts, name: 'eyes' });
    expect(added.body).toEqual({ ok: true });
    expect(validate('reactions.add', added.body)).toEqual([]);
    await slackClient(sim, phil.token).reactions.add({ channel: dm, timestamp: ts, name: 'eyes' });
    const expected = [{ name: 'eyes', users: [bot.botUserId, phil.id], count: 2 }];

    const history = await slackClient(sim, bot.botToken).conversations.history({ channel: dm, limit: 1 });
    expect(history.messages?.[0]).toMatchObject({ ts, reactions: expected });
    const got = await rawCall(sim, 'reactions.get', bot.botToken, { channel: dm, timestamp: ts });
    expect(got.body).toMatchObject({ ok: true, type: 'message', channel: dm, message: { ts, reactions: expected } });
    expect(validate('reactions.get', got.body)).toEqual([]);
    expect((await sim.control.messages(dm)).find((m) => m.ts === ts)?.reactions).toEqual(expected);
  });

  test('removing the last reaction leaves the message without reactions', async () => {
    const ts = await customerSays('thanks');
    const web = slackClient(sim, bot.botToken);
    await web.reactions.add({ channel: dm, timestamp: ts, name: 'tada' });
    const removed = await rawCall(sim, 'reactions.remove', bot.botToken, { channel: dm, timestamp: ts, name: 'tada' });
    expect(validate('reactions.remove', removed.body)).toEqual([]);
    expect((await sim.control.messages(dm)).find((m) => m.ts === ts)).not.toHaveProperty('reactions');
  });

  test('thumbsup and +1 are the same reaction, recorded as +1', async () => {
    const ts = await customerSays('works now');
    const web = slackClient(sim, bot.botToken);
    await web.reactions.add({ channel: dm, timestamp: ts, name: 'thumbsup' });
    expect(await slackError(web.reactions.add({ channel: dm, timestamp: ts, name: '+1' }))).toBe('already_reacted');
    expect((await web.reactions.get({ channel: dm, timestamp: ts })).message?.reactions)
      .toEqual([{ name: '+1', users: [bot.botUserId], count: 1 }]);
  });

  test('reactions answer Slack\'s errors', async () => {
    const ts = await customerSays('errors');
    const web = slackClient(sim, bot.botToken);
    await web.reactions.add({ channel: dm, timestamp: ts, name: 'white_check_mark' });
    expect(await slackError(web.reactions.add({ channel: dm, timestamp: ts, name: 'white_check_mark' }))).toBe('already_reacted');
    expect(await slackError(web.reactions.remove({ channel: dm, timestamp: ts, name: 'eyes' }))).toBe('no_reaction');
    expect(await slackError(web.reactions.add({ channel: dm, timestamp: '1111111111.000001', name: 'eyes' })))
      .toBe('message_not_found');
    expect(await slackError(web.reactions.add({ channel: dm, timestamp: ts, name: ':eyes:' }))).toBe('invalid_name');
    expect(await slackError(web.reactions.add({ channel: dm, timestamp: ts, name: 'no_such_emoji' }))).toBe('invalid_name');
    expect(await slackError(web.reactions.add({ channel: dm, timestamp: ts, name: '' }))).toBe('invalid_name');
    expect(await slackError(web.reactions.add({ channel: 'C000NOPE00', timestamp: ts, name: 'eyes' }))).toBe('channel_not_found');
    const lounge = await slackClient(sim, phil.token).conversations.create({ name: 'lounge' });
    const posted = await slackClient(sim, phil.token).chat.postMessage({ channel: lounge.channel?.id ?? '', text: 'x' });
    expect(await slackError(web.reactions.add({ channel: lounge.channel?.id ?? '', timestamp: posted.ts ?? '',
      name: 'eyes' }))).toBe('not_in_channel');
  });

  test('reaction_added and reaction_removed reach the apps in the conversation', async () => {
    const ts = await customerSays('events');
    receiver.received.length = 0;
    await slackClient(sim, phil.token).reactions.add({ channel: dm, timestamp: ts, name: 'heart' });
    await slackClient(sim, phil.token).reactions.remove({ channel: dm, timestamp: ts, name: 'heart' });
    const events = await waitFor(() => (receiver.received.length >= 2
      ? receiver.received.map((r) => (JSON.parse(r.rawBody) as { event: Record<string, unknown> }).event) : undefined));
    expect(events).toEqual([
      expect.objectContaining({ type: 'reaction_added', user: phil.id, reaction: 'heart', item_user: phil.id,
        item: { type: 'message', channel: dm, ts } }),
      expect.objectContaining({ type: 'reaction_removed', user: phil.id, reaction: 'heart', item: { type: 'message', channel: dm, ts } }),
    ]);
  });

  test('reactions sit in Slack\'s tiers: add and get tier 3, remove tier 2', () => {
    expect([METHOD_TIERS['reactions.add'], METHOD_TIERS['reactions.get'], METHOD_TIERS['reactions.remove']]).toEqual([3, 3, 2]);
    expect(METHOD_TIERS['chat.postMessage']).toBe('postMessage');
  });

  test('a test can make reactions scarce while chat.postMessage keeps its per-channel allowance', async () => {
    const rita = await sim.control.createUser({ teamId: globex.id, name: 'rita' });
    const sam = await sim.control.createUser({ teamId: globex.id, name: 'sam' });
    const ts = await customerSays('scarce');
    await sim.control.setRateLimits(true, { methodTiers: { 'reactions.add': 1 } });
    try {
      expect((await rawCall(sim, 'reactions.add', bot.botToken, { channel: dm, timestamp: ts, name: 'eyes' })).status).toBe(200);
      const limited = await rawCall(sim, 'reactions.add', bot.botToken, { channel: dm, timestamp: ts, name: 'fire' });
      expect(limited).toMatchObject({ status: 429, body: { ok: false, error: 'ratelimited' } });
      expect(Number(limited.retryAfter)).toBeGreaterThan(1);
      for (const user of [phil, rita, sam]) {
        expect((await rawCall(sim, 'chat.postMessage', bot.botToken, { channel: user.id, text: 'still here' })).status).toBe(200);
      }
      await sim.control.setRateLimits(true, { perMinute: { 3: 2 } });
      const statuses: number[] = [];
      for (const name of ['rocket', 'star', 'zap']) {
        statuses.push((await rawCall(sim, 'reactions.add', bot.botToken, { channel: dm, timestamp: ts, name })).status);
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await sim.control.setRateLimits(false);
    }
  });
});
