import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PlatformType, type BroadcastResponse } from '@megatron/contracts';
import { repoRoot } from '@megatron/testkit';
import { visibleText, type Customer, type Sandbox, type Story } from '@megatron/sandbox';
import type { SimMessage } from '@megatron/slack-sim';
import { startE2eWorld, type E2eWorld } from './world.js';

// Issue 21 with every real process: Megatron DMs through the customers' own bot, so their 👍/👎 clicks reach the
// example support bot, which reports them; the agents see what their engaged customers were sent.
describe('broadcast feedback and what agents see of broadcasts', () => {
  let world: E2eWorld;
  let sandbox: Sandbox;
  let story: Story;

  const audienceOf = (customers: Customer[]) =>
    [...new Set(customers.map((customer) => customer.home.workspace.id))].map((teamId) => ({
      platform: PlatformType.SLACK,
      teamId,
      userIds: customers.filter((customer) => customer.home.workspace.id === teamId).map((customer) => customer.user.id),
    }));

  const copyIn = (response: BroadcastResponse, customer: Customer) => {
    const result = response.results.find((candidate) => candidate.teamId === customer.home.workspace.id && candidate.userId === customer.user.id);
    if (!result?.ok) throw new Error(`the broadcast did not reach ${customer.user.name}: ${result?.error ?? 'no result'}`);
    return { channel: result.channelId, ts: result.ts };
  };

  const copyOf = async (response: BroadcastResponse, customer: Customer): Promise<SimMessage | undefined> => {
    const { channel, ts } = copyIn(response, customer);
    return (await story.control.messages(channel)).find((message) => message.ts === ts);
  };

  beforeAll(async () => {
    world = await startE2eWorld();
    ({ sandbox, story } = world);
  }, 90_000);

  afterAll(() => world?.close(), 30_000);

  it('three customers in two workspaces get the broadcast with 👍/👎 on one row; two click, the example bot reports it, their messages say thanks, and the results read the same through the API and megatron-admin', async () => {
    const phil = story.customer('globex', 'phil');
    const rita = story.customer('globex', 'rita');
    const peter = story.customer('initech', 'peter');
    const sent = await sandbox.api.megatron.broadcast({
      content: { text: 'We will be down for maintenance at 10pm. Was this notice useful?' },
      audiences: audienceOf([phil, rita, peter]),
      captureFeedback: true,
    });
    expect(sent.results.map((result) => result.ok)).toEqual([true, true, true]);
    const [row, ...otherRows] = ((await copyOf(sent, rita))?.blocks ?? []).filter((block) => (block as { type?: string }).type === 'actions') as Array<{ elements: unknown[] }>;
    expect(otherRows).toEqual([]);
    expect(row?.elements).toHaveLength(2);

    const clicks = [
      { customer: phil, actionId: 'feedback_up', value: `${sent.broadcastId}|up`, thanks: 'Thanks for your feedback 👍' },
      { customer: peter, actionId: 'feedback_down', value: `${sent.broadcastId}|down`, thanks: 'Thanks for your feedback 👎' },
    ];
    for (const click of clicks) {
      const { channel, ts } = copyIn(sent, click.customer);
      const delivered = await story.customerClicks(click.customer, channel, ts, click.actionId, click.value);
      expect(delivered.status).toBe(200);
      expect(delivered.ackMs).toBeLessThan(3_000);
      const thanked = await story.waitForMessage(channel, (message) => message.ts === ts && visibleText(message).includes(click.thanks), `${click.customer.user.name}'s thanks`);
      expect(visibleText(thanked)).toContain('We will be down for maintenance at 10pm');
      expect(visibleText(thanked)).not.toContain('feedback_up');
    }
    expect(visibleText((await copyOf(sent, rita)) ?? {})).toContain('feedback_up');

    const results = await sandbox.api.megatron.getBroadcastResults({ broadcastId: sent.broadcastId });
    expect(results).toMatchObject({ broadcastId: sent.broadcastId, captureFeedback: true, delivered: 3, positive: 1, negative: 1 });
    const answers = results.answers.map((answer) => [answer.customer?.teamId, answer.customer?.userId, answer.positive]);
    expect(answers).toEqual([
      [phil.home.workspace.id, phil.user.id, true],
      [peter.home.workspace.id, peter.user.id, false],
    ]);

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(repoRoot(), 'services/command-core/dist/admin/megatron-admin.js'), 'broadcasts', 'results', sent.broadcastId],
      { env: { PATH: process.env.PATH ?? '', DATABASE_URL: world.database.url, TOKEN_ENCRYPTION_KEY: sandbox.secrets.encryptionKey } },
    );
    const printed = JSON.parse(stdout) as { delivered: number; positive: number; negative: number; answers: Array<{ customer: { teamId: string; userId: string }; positive: boolean }> };
    expect(printed).toMatchObject({ broadcastId: sent.broadcastId, captureFeedback: true, delivered: 3, positive: 1, negative: 1 });
    expect(printed.answers.map((answer) => [answer.customer.teamId, answer.customer.userId, answer.positive])).toEqual(answers);
  });

  it('a broadcast and a message sent through the API to a customer whose engagement channel is open appear in that channel, marked and masked', async () => {
    const milton = story.customer('initech', 'milton');
    await story.customerSays(milton, 'Have you seen my stapler?');
    const channel = await story.openEngagement(story.alice, milton);

    const sent = await sandbox.api.megatron.broadcast({ content: { text: 'Card 4111 1111 1111 1111 on file will be charged tonight' }, audiences: audienceOf([milton]) });
    expect(sent.results[0]?.ok).toBe(true);
    const broadcast = await story.waitForText(channel, 'Broadcast sent to the customer');
    expect(broadcast.text).toBe(':mega: *Broadcast sent to the customer:*\nCard ****1111 on file will be charged tonight');

    await sandbox.api.megatron.sendMessage({ customer: { teamId: milton.home.workspace.id, userId: milton.user.id }, content: { text: 'Your stapler was found' } });
    const direct = await story.waitForText(channel, 'Your stapler was found');
    expect(direct.text).toBe(':outbox_tray: *Sent by the app through the API:*\nYour stapler was found');
    const mirrored = (await story.control.messages(channel)).filter((message) => /charged tonight|stapler was found/.test(message.text));
    expect(mirrored.map((message) => message.ts)).toEqual([broadcast.ts, direct.ts]);
  });
});
