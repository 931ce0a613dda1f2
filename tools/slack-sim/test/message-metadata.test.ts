import { type SimApp, type SimUser, type SimWorkspace, type SlackSim, startSlackSim } from '../src/index.js';
import { AppReceiver, waitFor } from './app-receiver.js';
import { rawCall, slackClient, slackError } from './slack-client.js';

describe('message metadata', () => {
  let sim: SlackSim;
  let receiver: AppReceiver;
  let acme: SimWorkspace;
  let megatron: SimApp;
  let alice: SimUser;
  let channel: string;
  const forwarded = { event_type: 'megatron_forward', event_payload: { key: 'fwd:42', agent: 'alice' } };

  beforeAll(async () => {
    sim = await startSlackSim();
    receiver = await new AppReceiver().start();
    acme = await sim.control.createWorkspace({ name: 'Acme Support', domain: 'acme-support' });
    megatron = await sim.control.createApp({ teamId: acme.id, name: 'Megatron', eventsUrl: `${receiver.url}/events` });
    alice = await sim.control.createUser({ teamId: acme.id, name: 'alice' });
    const web = slackClient(sim, megatron.botToken);
    channel = (await web.conversations.create({ name: 'metadata-test' })).channel?.id ?? '';
    await web.conversations.invite({ channel, users: alice.id });
  });

  afterAll(async () => {
    await sim.close();
    await receiver.stop();
  });

  test('metadata posted with a message comes back from history and replies only with include_all_metadata', async () => {
    const web = slackClient(sim, megatron.botToken);
    const posted = await web.chat.postMessage({ channel, text: 'forwarded', metadata: forwarded });
    expect(posted.message?.metadata).toEqual(forwarded);
    const reply = await web.chat.postMessage({ channel, text: 'in thread', thread_ts: posted.ts ?? '', metadata: forwarded });

    const plain = await web.conversations.history({ channel });
    expect(plain.messages?.find((m) => m.ts === posted.ts)).not.toHaveProperty('metadata');
    const withMetadata = await web.conversations.history({ channel, include_all_metadata: true });
    expect(withMetadata.messages?.find((m) => m.ts === posted.ts)?.metadata).toEqual(forwarded);

    const thread = await web.conversations.replies({ channel, ts: posted.ts ?? '' });
    expect(thread.messages?.some((m) => m.metadata)).toBe(false);
    const threadWithMetadata = await web.conversations.replies({ channel, ts: posted.ts ?? '', include_all_metadata: true });
    expect(threadWithMetadata.messages?.find((m) => m.ts === reply.ts)?.metadata).toEqual(forwarded);
    expect((await sim.control.messages(channel)).find((m) => m.ts === posted.ts)?.metadata).toEqual(forwarded);
  });

  test('metadata may come as a JSON string, and chat.update replaces it', async () => {
    const posted = await rawCall(sim, 'chat.postMessage', megatron.botToken, { channel, text: 'as a string',
      metadata: JSON.stringify(forwarded) });
    const ts = String(posted.body.ts);
    const updatedMetadata = { event_type: 'megatron_forward', event_payload: { key: 'fwd:43' } };
    const updated = await slackClient(sim, megatron.botToken).chat.update({ channel, ts, text: 'edited',
      metadata: updatedMetadata });
    expect(updated.message).toMatchObject({ text: 'edited', metadata: updatedMetadata });
    const edited = await slackClient(sim, megatron.botToken).chat.update({ channel, ts, text: 'edited again' });
    expect(edited.message).toMatchObject({ metadata: updatedMetadata });
  });

  test('message events leave metadata out', async () => {
    await slackClient(sim, megatron.botToken).chat.postMessage({ channel, text: 'event', metadata: forwarded });
    const event = await waitFor(() => receiver.received
      .map((r) => (JSON.parse(r.rawBody) as { event: Record<string, unknown> }).event)
      .find((e) => e.text === 'event'));
    expect(event).not.toHaveProperty('metadata');
  });

  test('malformed metadata and metadata from a person\'s token are refused', async () => {
    const bad = (metadata: string, token = megatron.botToken): Promise<Record<string, unknown>> =>
      rawCall(sim, 'chat.postMessage', token, { channel, text: 'x', metadata }).then((r) => r.body);
    expect(await bad('{not json')).toEqual({ ok: false, error: 'invalid_metadata_format' });
    expect(await bad('[1]')).toEqual({ ok: false, error: 'invalid_metadata_format' });
    expect(await bad(JSON.stringify({ event_payload: {} }))).toEqual({ ok: false, error: 'invalid_metadata_schema' });
    expect(await bad(JSON.stringify({ event_type: 'x', event_payload: 'y' }))).toEqual({ ok: false,
      error: 'invalid_metadata_schema' });
    expect(await slackError(slackClient(sim, alice.token).chat.postMessage({ channel, text: 'x', metadata: forwarded })))
      .toBe('metadata_must_be_sent_from_app');
  });
});
