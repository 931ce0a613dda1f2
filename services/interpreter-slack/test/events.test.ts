import { CommandOrigin } from '@megatron/contracts';
import { streamNames } from '@megatron/runtime';
import { Harness } from './harness.js';

let h: Harness;
let engagement: string;
let lounge: string;

beforeAll(async () => {
  h = await Harness.start();
  engagement = await h.createChannel('mt-phil_globex', true);
  lounge = await h.createChannel('agents-lounge', false);
});

afterAll(async () => {
  await h?.expectAcksInTime();
  await h?.stop();
});

const asAgent = () => ({ teamId: h.workspace.id, userId: h.agent.id });

describe('events', () => {
  it('answers the url_verification challenge', async () => {
    const result = await h.sim.control.sendUrlVerification({ appId: h.app.appId });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ challenge: result.challenge });
  });

  it("publishes an agent's top-level message in an engagement channel", async () => {
    const from = h.received.length;
    const posted = await h.sim.control.postAsUser({ ...asAgent(), channel: engagement, text: 'Hi Phil, Alice here' });
    const [first] = await h.commandsAfter(from, 1);
    expect(first?.command.id).toBe(`event:${posted.eventId}`);
    expect(first?.msgId).toBe(`event:${posted.eventId}`);
    expect(first?.kindHeader).toBe('message');
    expect(first?.command.origin).toBe(CommandOrigin.EVENT);
    expect(first?.command.context).toMatchObject({ teamId: h.workspace.id, channelId: engagement, userId: h.agent.id, eventId: posted.eventId, apiAppId: h.app.appId });
    expect(first?.command.kind).toEqual({
      case: 'message',
      value: expect.objectContaining({ channelId: engagement, userId: h.agent.id, text: 'Hi Phil, Alice here', ts: posted.ts, threadTs: '' }),
    });
  });

  it('keeps thread replies as internal notes (their edits and deletes too) and publishes a reply also sent to the channel', async () => {
    const start = h.received.length;
    const parent = await h.sim.control.postAsUser({ ...asAgent(), channel: engagement, text: 'top level' });
    await h.commandsAfter(start, 1);
    const from = h.received.length;
    const note = await h.sim.control.postAsUser({ ...asAgent(), channel: engagement, text: 'internal: check the refund', threadTs: parent.ts });
    await h.sim.control.editAsUser({ ...asAgent(), channel: engagement, ts: note.ts, text: 'internal: refund checked' });
    await h.sim.control.deleteAsUser({ ...asAgent(), channel: engagement, ts: note.ts });
    const broadcast = await h.sim.control.postAsUser({ ...asAgent(), channel: engagement, text: 'for everyone', threadTs: parent.ts, replyBroadcast: true });
    const [published] = await h.commandsAfter(from, 1);
    expect(published?.command.id).toBe(`event:${broadcast.eventId}`);
    expect(published?.command.kind.value).toMatchObject({ text: 'for everyone', threadTs: parent.ts });
    await h.expectNoCommandsBeyond(from + 1);
  });

  it("publishes an agent's edit and deletion with the ts of the original message", async () => {
    const start = h.received.length;
    const posted = await h.sim.control.postAsUser({ ...asAgent(), channel: engagement, text: 'typo here' });
    await h.commandsAfter(start, 1);
    const from = start + 1;
    await h.sim.control.editAsUser({ ...asAgent(), channel: engagement, ts: posted.ts, text: 'no typo here' });
    await h.sim.control.deleteAsUser({ ...asAgent(), channel: engagement, ts: posted.ts });
    const [edited, deleted] = await h.commandsAfter(from, 2);
    expect(edited?.kindHeader).toBe('messageChanged');
    expect(edited?.command.kind).toEqual({
      case: 'messageChanged',
      value: expect.objectContaining({ channelId: engagement, userId: h.agent.id, ts: posted.ts, text: 'no typo here' }),
    });
    expect(deleted?.kindHeader).toBe('messageDeleted');
    expect(deleted?.command.kind).toEqual({ case: 'messageDeleted', value: expect.objectContaining({ channelId: engagement, deletedTs: posted.ts }) });
  });

  it('publishes a shared file with what Slack says about it', async () => {
    const from = h.received.length;
    const shared = await h.sim.control.shareFile({
      ...asAgent(),
      channel: engagement,
      name: 'receipt.png',
      mimetype: 'image/png',
      contentBase64: Buffer.from('not really a png').toString('base64'),
      text: 'your receipt',
    });
    const [received] = await h.commandsAfter(from, 1);
    expect(received?.kindHeader).toBe('fileShare');
    expect(received?.command.kind.case).toBe('fileShare');
    const value = received?.command.kind.value as { text: string; ts: string; files: Array<Record<string, unknown>> };
    expect(value).toMatchObject({ text: 'your receipt', ts: shared.ts });
    expect(value.files).toEqual([
      expect.objectContaining({ id: shared.fileId, name: 'receipt.png', mimetype: 'image/png', size: BigInt(16), urlPrivate: expect.stringContaining('/files-pri/') }),
    ]);
  });

  it("drops bot messages, Megatron's own posts included, and chatter outside engagement channels", async () => {
    const before = h.received.length;
    await h.botWeb.chat.postMessage({ channel: engagement, text: 'mirrored customer message', username: 'Phil', icon_url: 'https://example.com/phil.png' });
    await h.botWeb.chat.postMessage({ channel: engagement, text: 'Bot is not paused' });
    await h.sim.control.postAsUser({ ...asAgent(), channel: lounge, text: 'lunch?' });
    await h.sim.control.sendRawEvent({ appId: h.app.appId, event: { type: 'message', subtype: 'bot_message', bot_id: 'B0OTHER', channel: engagement, text: 'another bot', ts: '1.000001' } });
    await h.sim.control.sendRawEvent({ appId: h.app.appId, event: { type: 'message', subtype: 'channel_join', user: h.agent.id, channel: engagement, text: 'joined', ts: '1.000002' } });
    await h.sim.control.sendRawEvent({ appId: h.app.appId, event: { type: 'app_mention', user: h.agent.id, channel: engagement, text: '<@U1> hi', ts: '1.000003' } });
    await h.expectNoCommandsBeyond(before);
    const events = (await h.sim.control.deliveries({ kind: 'event' })).filter((d) => d.retryNum === 0);
    expect(events.every((d) => d.status === 200)).toBe(true);
  });

  it('acts once on an event delivered twice, and Slack retrying it gets a 200', async () => {
    const before = h.received.length;
    const event = { type: 'message', user: h.agent.id, channel: engagement, text: 'only once', ts: '1700000000.000100' };
    const { eventId } = await h.sim.control.sendRawEvent({ appId: h.app.appId, event });
    await h.sim.control.sendRawEvent({ appId: h.app.appId, event, eventId });
    await h.commandsAfter(before, 1);
    await h.expectNoCommandsBeyond(before + 1);
    const deliveries = (await h.sim.control.deliveries({ kind: 'event' })).filter((d) => d.eventId === eventId);
    expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
  });

  it("stores an event once across all of Slack's retries: the command stream remembers its id for longer than Slack retries, and Redis is not written", async () => {
    const { stream } = streamNames(h.config.NATS_NAMESPACE).commands;
    // Slack retries right away, after a minute and after five more; ten minutes spans them all.
    expect((await h.jsm!.streams.info(stream)).config.duplicate_window).toBe(10 * 60 * 1_000_000_000);
    const before = h.received.length;
    const event = { type: 'message', user: h.agent.id, channel: engagement, text: 'only once, however often Slack asks', ts: '1700000000.000200' };
    const { eventId } = await h.sim.control.sendRawEvent({ appId: h.app.appId, event });
    await h.commandsAfter(before, 1);
    for (const retryNum of [1, 2, 3]) await h.sim.control.sendRawEvent({ appId: h.app.appId, event, eventId, retryNum });
    await h.expectNoCommandsBeyond(before + 1);
    const deliveries = (await h.sim.control.deliveries({ kind: 'event' })).filter((d) => d.eventId === eventId);
    expect(deliveries.map((d) => [d.retryNum, d.status])).toEqual([[0, 200], [1, 200], [2, 200], [3, 200]]);
    // KEYS takes its pattern as given (ioredis adds no prefix to it): this harness's keys only.
    expect(await h.redis.keys(`${h.redis.options.keyPrefix ?? ''}interpreter-slack:event:*`)).toEqual([]);
  });

  it("acts on Slack's retry of an event whose first try never arrived", async () => {
    const before = h.received.length;
    const event = { type: 'message', user: h.agent.id, channel: engagement, text: 'the first try was lost', ts: '1700000000.000300' };
    const eventId = `EvLOST${Date.now().toString(36).toUpperCase()}`;
    await h.sim.control.sendRawEvent({ appId: h.app.appId, event, eventId, retryNum: 2 });
    const [stored] = await h.commandsAfter(before, 1);
    expect(stored?.command.id).toBe(`event:${eventId}`);
    await h.expectNoCommandsBeyond(before + 1);
  });

  it('ignores messages in direct messages with the bot', async () => {
    const before = h.received.length;
    await h.sim.control.sendDirectMessage({ ...asAgent(), appId: h.app.appId, text: 'hello bot' });
    await h.expectNoCommandsBeyond(before);
  });
});
