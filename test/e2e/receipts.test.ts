import type { Customer, Story } from '@megatron/sandbox';
import type { SimMessage } from '@megatron/slack-sim';
import { waitFor } from '@megatron/testkit';
import { startE2eWorld, type E2eWorld } from './world.js';

// Issue 18 with every real process: the agent sees, on each message, whether it reached the customer.
describe('delivery receipts in the engagement channel', () => {
  let world: E2eWorld;
  let story: Story;
  let phil: Customer;
  let philDm: string;
  let channel: string;

  beforeAll(async () => {
    world = await startE2eWorld();
    ({ story } = world);
    phil = story.customer('globex', 'phil');
    ({ channel: philDm } = await story.customerSays(phil, 'I need a human'));
    channel = await story.takeOver(story.alice, phil);
  }, 90_000);

  afterAll(() => world?.close(), 30_000);

  const megatronBot = () => world.sandbox.seed.integration.megatron.botUserId;
  const reactionsOn = async (ts: string) =>
    ((await story.control.messages(channel)).find((message) => message.ts === ts)?.reactions ?? []).filter((reaction) => reaction.users.includes(megatronBot())).map((reaction) => reaction.name);
  const threadUnder = async (ts: string) => (await story.control.messages(channel)).filter((message) => message.thread_ts === ts && message.ts !== ts);
  const dmTexts = async () => (await story.control.messages(philDm)).map((message) => message.text.split('\n')[0] ?? '');
  const retryValue = (notice: SimMessage) => {
    const blocks = (notice.blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
    return blocks.flatMap((block) => block.elements ?? []).find((element) => element.action_id === 'retry_delivery')?.value ?? '';
  };

  it('a delivered message gets ✅ from the bot', async () => {
    const { ts } = await story.agentWrites(story.alice, channel, 'Hello Phil, I am here');
    await story.waitForText(philDm, 'Hello Phil, I am here', 15_000);
    expect(await waitFor(async () => ((await reactionsOn(ts)).includes('white_check_mark') ? reactionsOn(ts) : undefined), { what: 'the ✅ receipt' })).toEqual(['white_check_mark']);
  });

  it('a refused customer token gets ⚠ and a threaded reason with Retry, which sends the message exactly once', async () => {
    const globexBot = phil.home.supportBot;
    // Revoked at Slack, and the app has no newer token: Megatron asks, gets the same one, and gives up.
    await story.control.revokeToken(globexBot.botToken);
    const { ts } = await story.agentWrites(story.alice, channel, 'This needs a working token');
    const notice = await waitFor(async () => (await threadUnder(ts))[0], { what: 'the notice under the undelivered message', timeoutMs: 20_000 });
    expect(notice.text).toContain('did not reach the customer');
    expect(await waitFor(async () => ((await reactionsOn(ts)).includes('warning') ? reactionsOn(ts) : undefined), { what: 'the ⚠ receipt' })).toEqual(['warning']);
    expect(await dmTexts()).not.toContain('This needs a working token');

    const { botToken } = await story.control.issueBotToken(globexBot.appId);
    const rotated = await fetch(`${world.sandbox.urls.bot}/admin/workspaces/${phil.home.workspace.id}/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.sandbox.secrets.botAdminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ botToken }),
    });
    expect(rotated.status).toBe(200);
    const value = retryValue(notice);
    expect(value).not.toBe('');
    await Promise.all([story.agentClicks(story.alice, channel, 'retry_delivery', value, notice.ts), story.agentClicks(story.alice, channel, 'retry_delivery', value, notice.ts)]);
    await story.waitForText(philDm, 'This needs a working token', 20_000);
    await waitFor(async () => (await threadUnder(ts))[0]?.text.includes('Sent to the customer on retry'), { what: 'the notice updated' });
    await waitFor(async () => (await reactionsOn(ts)).join() === 'white_check_mark', { what: '⚠ replaced by ✅' });
    // A later click does nothing either.
    await story.agentClicks(story.alice, channel, 'retry_delivery', value, notice.ts);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await dmTexts()).filter((text) => text === 'This needs a working token')).toHaveLength(1);
  }, 60_000);

  it('receipts wait behind a rate-limited reactions tier without delaying a single forward', async () => {
    await story.control.setRateLimits(true, { methodTiers: { 'reactions.add': 1 }, perMinute: { 1: 4 }, postMessagePerSecond: 100, postMessageBurst: 100 });
    try {
      const texts = Array.from({ length: 10 }, (_, i) => `Quick answer ${i + 1}`);
      const written: string[] = [];
      for (const text of texts) written.push((await story.agentWrites(story.alice, channel, text)).ts);
      await waitFor(async () => (await dmTexts()).filter((text) => text.startsWith('Quick answer')).length === texts.length, {
        what: 'every forward delivered while receipts are rate limited',
        timeoutMs: 15_000,
      });
      expect((await dmTexts()).filter((text) => text.startsWith('Quick answer'))).toEqual(texts);
      const marked = (await Promise.all(written.map(reactionsOn))).filter((names) => names.includes('white_check_mark')).length;
      expect(marked).toBeLessThan(texts.length);
    } finally {
      await story.control.setRateLimits(false);
    }
  }, 60_000);
});
