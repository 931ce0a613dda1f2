import type { Customer, Story } from '@megatron/sandbox';
import { waitFor } from '@megatron/testkit';
import { startE2eWorld, type E2eWorld } from './world.js';

// Issue 20 with every real process: what an agent reads needs no engineer to explain it.
describe('words a person understands', () => {
  let world: E2eWorld;
  let story: Story;
  let rita: Customer;

  beforeAll(async () => {
    world = await startE2eWorld();
    ({ story } = world);
    rita = story.customer('globex', 'rita');
    for (const text of ['Hello', 'My invoice is wrong', 'It says 40 instead of 20', 'Can someone help?']) await story.customerSays(rita, text);
  }, 90_000);

  afterAll(() => world?.close(), 30_000);

  const agentEphemerals = async (channel: string) => (await story.control.ephemerals(channel)).filter((ephemeral) => ephemeral.user === story.alice.id);

  it('a multi-word name opens the channel, and the link comes before the history has been imported', async () => {
    // Every post Megatron's bot makes takes a while, as at Slack's 1 message a second: the history import is slow.
    await story.control.fault({ kind: 'latency', method: 'chat.postMessage', token: world.sandbox.seed.integration.megatron.botToken, latencyMs: 400, count: 30 });
    const opened = await story.agentRuns(story.alice, story.notificationChannelId, 'open Rita Hanson');
    const reply = await waitFor(async () => (await story.control.responseUrlReplies(opened.responseUrl)).find((candidate) => JSON.stringify(candidate.body).includes('Engagement channel for')), {
      what: 'the channel link',
      timeoutMs: 20_000,
    });
    const channel = (await story.engagementChannelOf(rita)) ?? '';
    const lastImported = await story.waitForText(channel, 'Can someone help?', 20_000);
    expect(reply.receivedAt).toBeLessThan(Number(lastImported.ts) * 1000);
    await story.control.clearFaults();
  }, 60_000);

  it('each command leaves one message: the acknowledgement is replaced by the outcome', async () => {
    const channel = (await story.engagementChannelOf(rita)) ?? '';
    const before = (await agentEphemerals(channel)).length;
    await story.agentRuns(story.alice, channel, 'pause');
    await waitFor(async () => (await agentEphemerals(channel)).some((ephemeral) => ephemeral.text.includes('paused')), { what: 'the outcome' });
    const shown = (await agentEphemerals(channel)).slice(before);
    expect(shown.map((ephemeral) => ephemeral.text)).toEqual([expect.stringContaining('Bot *paused* for user:')]);
    expect(shown[0]?.text).not.toContain('On it');
  });

  it('an action taken through the API is signed "the API", not the organization twice', async () => {
    const phil = story.customer('globex', 'phil');
    const dm = (await story.customerSays(phil, 'Anyone?')).channel;
    await world.sandbox.api.megatron.openEngagement({ customer: { teamId: phil.home.workspace.id, userId: phil.user.id } });
    await world.sandbox.api.megatron.pauseCustomer({ customer: { teamId: phil.home.workspace.id, userId: phil.user.id } });
    const notice = await story.waitForText(dm, "I've been paused");
    expect(JSON.stringify(notice.blocks)).toContain('executed by the API from Acme');
  });
});
