import { CommandOrigin, PlatformType } from '@megatron/contracts';
import { partitionOf, streamNames } from '@megatron/runtime';
import { Harness } from './harness.js';

let h: Harness;
let channel: string;

beforeAll(async () => {
  h = await Harness.start();
  channel = await h.createChannel('support-desk', false);
});

afterAll(async () => {
  await h?.expectAcksInTime();
  await h?.stop();
});

describe('slash commands', () => {
  it('publishes every verb as a Command on the channel partition, acknowledging only after it is stored', async () => {
    const cases = [
      { text: 'open phil', kind: 'open', name: 'phil', ack: 'On it: opening a channel for *phil*…' },
      { text: 'close', kind: 'close', name: undefined, ack: "On it: closing the channel of this channel's customer…" },
      { text: 'pause @phil', kind: 'pause', name: 'phil', ack: 'On it: pausing the bot for *phil*…' },
      { text: 'unpause', kind: 'unpause', name: undefined, ack: "On it: unpausing the bot for this channel's customer…" },
      { text: 'clear-context sam', kind: 'clearContext', name: 'sam', ack: 'On it: clearing the context of *sam*…' },
    ] as const;
    const subject = streamNames(h.config.NATS_NAMESPACE).commands.subject(partitionOf(channel, h.config.COMMAND_PARTITIONS));
    for (const c of cases) {
      const from = h.received.length;
      const result = await h.slash(channel, c.text);
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ response_type: 'ephemeral', text: c.ack });
      // The 200 came after the publish was acknowledged, so the Command is already in the stream.
      const [received] = await h.commandsAfter(from, 1);
      expect(received?.subject).toBe(subject);
      expect(received?.msgId).toBe(`slash:${result.triggerId}`);
      expect(received?.kindHeader).toBe(c.kind);
      const command = received!.command;
      expect(command.id).toBe(`slash:${result.triggerId}`);
      expect(command.platform).toBe(PlatformType.SLACK);
      expect(command.origin).toBe(CommandOrigin.SLASH_COMMAND);
      expect(command.context).toMatchObject({
        teamId: h.workspace.id,
        teamDomain: 'acme-support',
        channelId: channel,
        channelName: 'support-desk',
        userId: h.agent.id,
        userName: 'alice',
        responseUrl: result.responseUrl,
        triggerId: result.triggerId,
        apiAppId: h.app.appId,
      });
      expect(command.receivedAt).toBeDefined();
      expect(command.kind.case).toBe(c.kind);
      const target = (command.kind.value as { target?: { kind: { case?: string; value?: unknown } } }).target;
      if (c.name === undefined) expect(target?.kind.case).toBeUndefined();
      else expect(target?.kind).toEqual({ case: 'name', value: c.name });
    }
  });

  it('publishes do with the whole text for the channel customer', async () => {
    const from = h.received.length;
    const result = await h.slash(channel, 'do send the   refund form');
    expect(result.body).toEqual({ response_type: 'ephemeral', text: "On it: passing that to this channel's customer's bot…" });
    const [received] = await h.commandsAfter(from, 1);
    expect(received?.command.kind.case).toBe('do');
    expect(received?.command.kind.value).toMatchObject({ text: 'send the   refund form' });
  });

  it('publishes open without a name with an empty target, leaving "who?" to command-core', async () => {
    const from = h.received.length;
    await h.slash(channel, 'open');
    const [received] = await h.commandsAfter(from, 1);
    expect(received?.command.kind.case).toBe('open');
    expect((received?.command.kind.value as { target?: { kind: { case?: string } } }).target?.kind.case).toBeUndefined();
  });

  it('answers help, unknown verbs, stats with arguments and an empty do at once and publishes nothing', async () => {
    const before = h.received.length;
    const help = await h.slash(channel, 'help');
    expect(help.status).toBe(200);
    expect(help.body).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('/megatron clear-context [name]') });
    const empty = await h.slash(channel, '');
    expect(empty.body).toEqual(help.body);
    const unknown = await h.slash(channel, 'explode phil');
    expect(unknown.body).toEqual({ response_type: 'ephemeral', text: expect.stringMatching(/^I don't recognize that command\.\n\*\/megatron\* verbs:/) });
    const statsWithName = await h.slash(channel, 'stats phil');
    expect(statsWithName.body).toEqual({ response_type: 'ephemeral', text: '`/megatron stats` takes nothing after it.' });
    const doNothing = await h.slash(channel, 'do');
    expect(doNothing.body).toEqual({ response_type: 'ephemeral', text: 'Please say what the bot should do: `/megatron do <text>`.' });
    await h.expectNoCommandsBeyond(before);
    const ephemerals = await h.sim.control.ephemerals(channel);
    expect(ephemerals.map((e) => e.text)).toEqual(expect.arrayContaining([expect.stringContaining('takes nothing after it')]));
  });
});
