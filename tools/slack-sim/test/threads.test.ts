import { type SimApp, type SimUser, type SimWorkspace, type SlackSim, startSlackSim } from '../src/index.js';
import { AppReceiver, type ReceivedRequest } from './app-receiver.js';
import { openApiValidator } from './openapi.js';
import { rawCall, slackClient, slackError } from './slack-client.js';

function eventOf(req: ReceivedRequest | undefined): Record<string, unknown> {
  return (JSON.parse(req?.rawBody ?? '{}') as { event: Record<string, unknown> }).event;
}

describe('threads', () => {
  let sim: SlackSim;
  let receiver: AppReceiver;
  let acme: SimWorkspace;
  let megatron: SimApp;
  let alice: SimUser;
  let bob: SimUser;
  let channel: string;
  const validate = openApiValidator();

  beforeAll(async () => {
    sim = await startSlackSim();
    receiver = await new AppReceiver().start();
    acme = await sim.control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
    megatron = await sim.control.createApp({ teamId: acme.id, name: 'Megatron', eventsUrl: `${receiver.url}/events` });
    alice = await sim.control.createUser({ teamId: acme.id, name: 'alice' });
    bob = await sim.control.createUser({ teamId: acme.id, name: 'bob' });
    const web = slackClient(sim, megatron.botToken);
    channel = (await web.conversations.create({ name: 'threads-test' })).channel?.id ?? '';
    await web.conversations.invite({ channel, users: `${alice.id},${bob.id}` });
  });

  afterAll(async () => {
    await sim.close();
    await receiver.stop();
  });

  beforeEach(() => {
    receiver.received.length = 0;
  });

  const say = (userId: string, text: string, extra: { threadTs?: string; replyBroadcast?: boolean } = {}):
  Promise<{ ts: string }> => sim.control.postAsUser({ teamId: acme.id, userId, channel, text, ...extra });

  test('replies read back parent first, the parent summarises them, and history leaves them out', async () => {
    const web = slackClient(sim, megatron.botToken);
    const parent = await web.chat.postMessage({ channel, text: 'Phil needs a refund' });
    const first = await say(alice.id, 'on it', { threadTs: parent.ts ?? '' });
    const second = await web.chat.postMessage({ channel, text: 'refund queued', thread_ts: parent.ts ?? '' });
    expect(second.message).toMatchObject({ thread_ts: parent.ts, parent_user_id: megatron.botUserId });

    const replies = await rawCall(sim, 'conversations.replies', megatron.botToken, { channel, ts: parent.ts ?? '' });
    expect(validate('conversations.replies', replies.body)).toEqual([]);
    const messages = replies.body.messages as Record<string, unknown>[];
    expect(messages.map((m) => m.text)).toEqual(['Phil needs a refund', 'on it', 'refund queued']);
    expect(messages[0]).toMatchObject({ ts: parent.ts, thread_ts: parent.ts, reply_count: 2, reply_users_count: 2,
      reply_users: [alice.id, megatron.botUserId], latest_reply: second.ts });
    expect(messages[1]).toMatchObject({ ts: first.ts, thread_ts: parent.ts, parent_user_id: megatron.botUserId });

    const history = await web.conversations.history({ channel });
    expect(history.messages?.map((m) => m.ts)).not.toContain(first.ts);
    expect(history.messages?.find((m) => m.ts === parent.ts)).toMatchObject({ reply_count: 2 });
    const byReplyTs = await web.conversations.replies({ channel, ts: first.ts });
    expect(byReplyTs.messages?.map((m) => m.ts)).toEqual([parent.ts, first.ts, second.ts]);
  });

  test('a broadcast reply shows in the channel as thread_broadcast and stays in the thread', async () => {
    const web = slackClient(sim, megatron.botToken);
    const { ts: parentTs } = await say(bob.id, 'can someone check Initech?');
    const fromBot = await web.chat.postMessage({ channel, text: 'checked, all good', thread_ts: parentTs, reply_broadcast: true });
    expect(fromBot.message).toMatchObject({ subtype: 'thread_broadcast', thread_ts: parentTs, root: { ts: parentTs } });
    const fromAlice = await say(alice.id, 'told the customer', { threadTs: parentTs, replyBroadcast: true });
    const history = (await web.conversations.history({ channel })).messages ?? [];
    expect(history.filter((m) => m.subtype === 'thread_broadcast').map((m) => m.ts))
      .toEqual(expect.arrayContaining([fromBot.ts, fromAlice.ts]));
    const thread = (await web.conversations.replies({ channel, ts: parentTs })).messages ?? [];
    expect(thread.map((m) => m.ts)).toEqual([parentTs, fromBot.ts, fromAlice.ts]);
    expect(eventOf(receiver.received.at(-1))).toMatchObject({ type: 'message', subtype: 'thread_broadcast',
      thread_ts: parentTs, ts: fromAlice.ts, user: alice.id });
  });

  test('reply events carry thread_ts and parent_user_id; edits and deletes of replies keep thread_ts', async () => {
    const { ts: parentTs } = await say(bob.id, 'internal note thread');
    const reply = await say(alice.id, 'note one', { threadTs: parentTs });
    await sim.control.editAsUser({ teamId: acme.id, userId: alice.id, channel, ts: reply.ts, text: 'note 1' });
    await sim.control.deleteAsUser({ teamId: acme.id, userId: alice.id, channel, ts: reply.ts });
    const events = receiver.received.map(eventOf);
    expect(events.slice(1)).toEqual([
      expect.objectContaining({ ts: reply.ts, thread_ts: parentTs, parent_user_id: bob.id, user: alice.id }),
      expect.objectContaining({ subtype: 'message_changed', message: expect.objectContaining({ ts: reply.ts,
        thread_ts: parentTs, text: 'note 1' }), previous_message: expect.objectContaining({ thread_ts: parentTs }) }),
      expect.objectContaining({ subtype: 'message_deleted', deleted_ts: reply.ts,
        previous_message: expect.objectContaining({ thread_ts: parentTs }) }),
    ]);
    const parent = (await sim.control.messages(channel)).find((m) => m.ts === parentTs);
    expect(parent).not.toHaveProperty('reply_count');
  });

  test('conversations.replies pages with a cursor and answers thread_not_found', async () => {
    const web = slackClient(sim, megatron.botToken);
    const { ts: parentTs } = await say(bob.id, 'long thread');
    for (const text of ['a', 'b', 'c']) await say(alice.id, text, { threadTs: parentTs });
    const first = await web.conversations.replies({ channel, ts: parentTs, limit: 2 });
    expect(first.messages?.map((m) => m.text)).toEqual(['long thread', 'a']);
    expect(first.has_more).toBe(true);
    const second = await web.conversations.replies({ channel, ts: parentTs, limit: 2,
      cursor: first.response_metadata?.next_cursor ?? '' });
    expect(second.messages?.map((m) => m.text)).toEqual(['b', 'c']);
    expect(second.has_more).toBe(false);
    expect(await slackError(web.conversations.replies({ channel, ts: '1111111111.000001' }))).toBe('thread_not_found');
    expect(await slackError(web.chat.postMessage({ channel, text: 'x', thread_ts: '1111111111.000001' }))).toBe('thread_not_found');
    const lone = await say(bob.id, 'no replies here');
    expect((await web.conversations.replies({ channel, ts: lone.ts })).messages?.map((m) => m.ts)).toEqual([lone.ts]);
  });

  test('deleting a parent that has replies leaves a tombstone so the thread can still be read', async () => {
    const { ts: parentTs } = await say(bob.id, 'to be deleted');
    await say(alice.id, 'still here', { threadTs: parentTs });
    await sim.control.deleteAsUser({ teamId: acme.id, userId: bob.id, channel, ts: parentTs });
    const replies = await rawCall(sim, 'conversations.replies', megatron.botToken, { channel, ts: parentTs });
    const thread = replies.body.messages as { subtype?: string; text: string }[];
    expect(thread.map((m) => [m.subtype, m.text])).toEqual([['tombstone', 'This message was deleted.'],
      [undefined, 'still here']]);
    expect(thread[0]).toMatchObject({ reply_count: 1 });
  });
});
