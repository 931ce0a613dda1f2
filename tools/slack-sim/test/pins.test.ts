import { type SimApp, type SimUser, type SimWorkspace, type SlackSim, startSlackSim } from '../src/index.js';
import { AppReceiver, waitFor } from './app-receiver.js';
import { openApiValidator } from './openapi.js';
import { rawCall, slackClient, slackError } from './slack-client.js';

describe('pins', () => {
  let sim: SlackSim;
  let receiver: AppReceiver;
  let acme: SimWorkspace;
  let megatron: SimApp;
  let alice: SimUser;
  let channel: string;
  const validate = openApiValidator();

  beforeAll(async () => {
    sim = await startSlackSim();
    receiver = await new AppReceiver().start();
    acme = await sim.control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
    megatron = await sim.control.createApp({ teamId: acme.id, name: 'Megatron', eventsUrl: `${receiver.url}/events` });
    alice = await sim.control.createUser({ teamId: acme.id, name: 'alice' });
    const web = slackClient(sim, megatron.botToken);
    channel = (await web.conversations.create({ name: 'pins-test' })).channel?.id ?? '';
    await web.conversations.invite({ channel, users: alice.id });
  });

  afterAll(async () => {
    await sim.close();
    await receiver.stop();
  });

  test('a pinned message carries pinned_to, counts in pin_count and is listed by pins.list', async () => {
    const card = await sim.control.postAsUser({ teamId: acme.id, userId: alice.id, channel, text: 'customer is on plan B' });
    const added = await rawCall(sim, 'pins.add', megatron.botToken, { channel, timestamp: card.ts });
    expect(added.body).toEqual({ ok: true });
    expect(validate('pins.add', added.body)).toEqual([]);

    const history = await rawCall(sim, 'conversations.history', megatron.botToken, { channel });
    expect(history.body.pin_count).toBe(1);
    expect((history.body.messages as { ts: string; pinned_to?: string[] }[]).find((m) => m.ts === card.ts)?.pinned_to)
      .toEqual([channel]);
    expect((await sim.control.messages(channel)).find((m) => m.ts === card.ts)?.pinned_to).toEqual([channel]);

    const listed = await rawCall(sim, 'pins.list', megatron.botToken, { channel });
    expect(validate('pins.list', listed.body)).toEqual([]);
    expect(listed.body.items).toEqual([expect.objectContaining({ type: 'message', channel, created_by: megatron.botUserId,
      message: expect.objectContaining({ ts: card.ts, text: 'customer is on plan B',
        permalink: `https://acme-support.slack.com/archives/${channel}/p${card.ts.replace('.', '')}` }) })]);

    const removed = await rawCall(sim, 'pins.remove', megatron.botToken, { channel, timestamp: card.ts });
    expect(validate('pins.remove', removed.body)).toEqual([]);
    expect((await sim.control.messages(channel)).find((m) => m.ts === card.ts)).not.toHaveProperty('pinned_to');
    expect((await slackClient(sim, megatron.botToken).pins.list({ channel })).items).toEqual([]);
  });

  test('pins answer already_pinned, no_pin and message_not_found', async () => {
    const web = slackClient(sim, megatron.botToken);
    const { ts } = await sim.control.postAsUser({ teamId: acme.id, userId: alice.id, channel, text: 'pin me' });
    await web.pins.add({ channel, timestamp: ts });
    expect(await slackError(web.pins.add({ channel, timestamp: ts }))).toBe('already_pinned');
    await web.pins.remove({ channel, timestamp: ts });
    expect(await slackError(web.pins.remove({ channel, timestamp: ts }))).toBe('no_pin');
    expect(await slackError(web.pins.add({ channel, timestamp: '1111111111.000001' }))).toBe('message_not_found');
    expect(await slackError(web.pins.add({ channel: 'C000NOPE00', timestamp: ts }))).toBe('channel_not_found');
  });

  test('pin_added and pin_removed reach the apps in the channel', async () => {
    const { ts } = await sim.control.postAsUser({ teamId: acme.id, userId: alice.id, channel, text: 'pin events' });
    receiver.received.length = 0;
    await slackClient(sim, alice.token).pins.add({ channel, timestamp: ts });
    await slackClient(sim, alice.token).pins.remove({ channel, timestamp: ts });
    const events = await waitFor(() => (receiver.received.length >= 2
      ? receiver.received.map((r) => (JSON.parse(r.rawBody) as { event: Record<string, unknown> }).event) : undefined));
    expect(events).toEqual([
      expect.objectContaining({ type: 'pin_added', user: alice.id, channel_id: channel, pin_count: 1,
        item: expect.objectContaining({ type: 'message', channel, message: expect.objectContaining({ ts }) }) }),
      expect.objectContaining({ type: 'pin_removed', user: alice.id, channel_id: channel, pin_count: 0, has_pins: false }),
    ]);
  });
});
