import { type SimApp, type SimUser, type SimWorkspace, type SlackSim, startSlackSim } from '../src/index.js';
import { AppReceiver, type ReceivedRequest, waitFor } from './app-receiver.js';
import { openApiValidator } from './openapi.js';
import { rawCall, slackClient } from './slack-client.js';

function events(receiver: AppReceiver): Record<string, unknown>[] {
  return receiver.received.map((r: ReceivedRequest) => (JSON.parse(r.rawBody) as { event: Record<string, unknown> }).event);
}

function ofType(receiver: AppReceiver, type: string): Record<string, unknown>[] {
  return events(receiver).filter((e) => e.type === type);
}

function joinsIn(receiver: AppReceiver, channel: string): number {
  return events(receiver).filter((e) => e.subtype === 'channel_join' && e.channel === channel).length;
}

describe('channel lifecycle events', () => {
  let sim: SlackSim;
  let megatronApp: AppReceiver;
  let notesApp: AppReceiver;
  let acme: SimWorkspace;
  let megatron: SimApp;
  let notes: SimApp;
  let alice: SimUser;

  beforeAll(async () => {
    sim = await startSlackSim();
    megatronApp = await new AppReceiver().start();
    notesApp = await new AppReceiver().start();
    acme = await sim.control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
    megatron = await sim.control.createApp({ teamId: acme.id, name: 'Megatron', eventsUrl: `${megatronApp.url}/events` });
    notes = await sim.control.createApp({ teamId: acme.id, name: 'Notes', eventsUrl: `${notesApp.url}/events` });
    alice = await sim.control.createUser({ teamId: acme.id, name: 'alice' });
  });

  afterAll(async () => {
    await sim.close();
    await megatronApp.stop();
    await notesApp.stop();
  });

  beforeEach(() => {
    megatronApp.received.length = 0;
    notesApp.received.length = 0;
  });

  async function channelWithBoth(name: string, isPrivate = false): Promise<string> {
    const web = slackClient(sim, megatron.botToken);
    const channel = (await web.conversations.create({ name, is_private: isPrivate })).channel?.id ?? '';
    await web.conversations.invite({ channel, users: `${alice.id},${notes.botUserId}` });
    // The Web API answers before the channel_join events reach the apps: let them land before the test starts.
    await waitFor(() => (joinsIn(megatronApp, channel) === 2 && joinsIn(notesApp, channel) === 1 ? true : undefined));
    megatronApp.received.length = 0;
    notesApp.received.length = 0;
    return channel;
  }

  test('a person archiving and unarchiving a channel is told to every app whose bot is in it', async () => {
    const channel = await channelWithBoth('lifecycle-archive');
    await sim.control.archiveChannel({ teamId: acme.id, userId: alice.id, channel });
    expect((await sim.control.conversation(channel)).is_archived).toBe(true);
    await sim.control.unarchiveChannel({ teamId: acme.id, userId: alice.id, channel });
    for (const receiver of [megatronApp, notesApp]) {
      expect(ofType(receiver, 'channel_archive')).toEqual([expect.objectContaining({ channel, user: alice.id })]);
      expect(ofType(receiver, 'channel_unarchive')).toEqual([expect.objectContaining({ channel, user: alice.id })]);
    }
    await expect(sim.control.unarchiveChannel({ teamId: acme.id, userId: alice.id, channel })).rejects.toThrow(/not archived/);
  });

  test('an app archiving through the Web API hears about it too, named as the actor', async () => {
    const channel = await channelWithBoth('lifecycle-api');
    await slackClient(sim, megatron.botToken).conversations.archive({ channel });
    await waitFor(() => (ofType(megatronApp, 'channel_archive').length && ofType(notesApp, 'channel_archive').length ? true : undefined));
    expect(ofType(megatronApp, 'channel_archive')).toEqual([expect.objectContaining({ channel, user: megatron.botUserId })]);
    expect(ofType(notesApp, 'channel_archive')).toHaveLength(1);
  });

  test('private channels use the group_ event names', async () => {
    const channel = await channelWithBoth('lifecycle-private', true);
    await sim.control.archiveChannel({ teamId: acme.id, userId: alice.id, channel });
    expect(ofType(notesApp, 'group_archive')).toEqual([expect.objectContaining({ channel })]);
    expect(ofType(notesApp, 'channel_archive')).toEqual([]);
  });

  test('removing a bot tells it channel_left and the others member_left_channel', async () => {
    const channel = await channelWithBoth('lifecycle-remove');
    await sim.control.removeFromChannel({ teamId: acme.id, userId: alice.id, channel, removeUserId: notes.botUserId });
    expect((await sim.control.conversation(channel)).members).not.toContain(notes.botUserId);
    expect(ofType(notesApp, 'channel_left')).toEqual([expect.objectContaining({ channel, actor_id: alice.id })]);
    expect(ofType(notesApp, 'member_left_channel')).toEqual([]);
    expect(ofType(megatronApp, 'member_left_channel')).toEqual([expect.objectContaining({ channel, user: notes.botUserId,
      channel_type: 'C', team: acme.id })]);
    await expect(sim.control.removeFromChannel({ teamId: acme.id, userId: alice.id, channel, removeUserId: notes.botUserId }))
      .rejects.toThrow(/is not in/);
  });

  test('a deleted channel is announced to its apps and is gone', async () => {
    const channel = await channelWithBoth('lifecycle-delete');
    await sim.control.deleteChannel({ teamId: acme.id, userId: alice.id, channel });
    expect(ofType(megatronApp, 'channel_deleted')).toEqual([expect.objectContaining({ channel })]);
    expect(ofType(notesApp, 'channel_deleted')).toHaveLength(1);
    await expect(sim.control.conversation(channel)).rejects.toThrow(/unknown conversation/);
  });

  test('conversations.rename renames and announces channel_rename', async () => {
    const channel = await channelWithBoth('lifecycle-rename');
    const renamed = await rawCall(sim, 'conversations.rename', megatron.botToken, { channel, name: 'lifecycle-renamed' });
    expect(openApiValidator()('conversations.rename', renamed.body)).toEqual([]);
    expect(renamed.body.channel).toMatchObject({ id: channel, name: 'lifecycle-renamed' });
    await waitFor(() => (ofType(notesApp, 'channel_rename').length ? true : undefined));
    expect(ofType(notesApp, 'channel_rename')).toEqual([expect.objectContaining({
      channel: expect.objectContaining({ id: channel, name: 'lifecycle-renamed' }) })]);
    expect((await rawCall(sim, 'conversations.rename', megatron.botToken, { channel, name: 'Bad Name' })).body)
      .toEqual({ ok: false, error: 'invalid_name_specials' });
  });

  test('an app that lists its events gets only those; one that lists none still gets messages', async () => {
    const picky = await new AppReceiver().start();
    try {
      const archiveOnly = await sim.control.createApp({ teamId: acme.id, name: 'Archive Watcher',
        eventsUrl: `${picky.url}/events`, events: ['channel_archive', 'message.im'] });
      const channel = await channelWithBoth('lifecycle-subscriptions');
      await slackClient(sim, megatron.botToken).conversations.invite({ channel, users: archiveOnly.botUserId });
      await sim.control.postAsUser({ teamId: acme.id, userId: alice.id, channel, text: 'hello apps' });
      await sim.control.archiveChannel({ teamId: acme.id, userId: alice.id, channel });
      await waitFor(() => (picky.received.length > 0 ? true : undefined));
      expect(events(picky).map((e) => e.type)).toEqual(['channel_archive']);
      expect(events(notesApp).filter((e) => e.type === 'message').map((e) => e.text)).toContain('hello apps');
      await sim.control.updateApp(archiveOnly.appId, { events: null });
      await sim.control.unarchiveChannel({ teamId: acme.id, userId: alice.id, channel });
      expect(events(picky).map((e) => e.type)).toEqual(['channel_archive', 'channel_unarchive']);
    } finally {
      await picky.stop();
    }
  });
});
