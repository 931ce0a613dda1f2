import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import { createLogger, createPool, createRedis, type Pool } from '@megatron/runtime';
import type { Customer, Sandbox, Story } from '@megatron/sandbox';
import type { SimMessage } from '@megatron/slack-sim';
import { waitFor } from '@megatron/testkit';
import { pausesToldFor } from './app-commands.js';
import { startE2eWorld, type E2eWorld } from './world.js';

const MINUTE = 60_000;

// Issue 16, one test per finding: no customer stranded, each change told once, messages that tell the truth.
describe('the engagement lifecycle', () => {
  let world: E2eWorld;
  let sandbox: Sandbox;
  let story: Story;
  let pool: Pool;

  const refOf = (customer: Customer) => ({ teamId: customer.home.workspace.id, userId: customer.user.id });
  const customerOf = (name: string) => refOf(story.customer('globex', name));
  // Both workspaces have a sam, so they are opened by id through the API (as /megatron would after the select).
  const openFor = async (customer: Customer) =>
    (await sandbox.api.megatron.openEngagement({ customer: refOf(customer), agentUserId: story.alice.id })).engagement?.channelId ?? '';
  const notices = async (customer: Customer) => {
    const texts = (await story.control.messages(await story.dmOf(customer))).map((message) => message.text);
    return { paused: texts.filter((text) => text === "I've been paused so a support agent can talk with you").length, back: texts.filter((text) => text === "I'm back online").length };
  };
  const state = async (customer: Customer) =>
    (await pool.query<{ is_paused: boolean; is_archived: boolean; channel_id: string }>(
      `select e.is_paused, e.is_archived, e.channel_id from engagement_channels e join platform_users u on u.id = e.platform_user_id where u.platform_id = $1`,
      [customer.user.id],
    )).rows[0];
  const runJobs = (at: Date, job: string) => sandbox.api.admin.runScheduledJobs({ at: timestampFromDate(at), job });
  const settled = async () => new Promise((resolve) => setTimeout(resolve, 400));
  const isCard = (message: SimMessage) => message.pinned_to !== undefined && message.pinned_to.length > 0;

  beforeAll(async () => {
    world = await startE2eWorld();
    ({ sandbox, story } = world);
    pool = createPool(world.database.url, createLogger('lifecycle-test', 'silent'), { max: 2 });
  }, 90_000);

  afterAll(async () => {
    await pool?.end();
    await world?.close();
  }, 30_000);

  it('finding 1: pausing a customer whose channel was closed reopens it, so the customer is never paused with nobody reading', async () => {
    const sam = story.customer('globex', 'sam');
    await story.customerSays(sam, 'hello there');
    const channel = await openFor(sam);
    await story.agentRuns(story.alice, channel, 'close');
    await waitFor(async () => (await state(sam))?.is_archived, { what: 'the channel to close' });
    await sandbox.api.megatron.pauseCustomer({ customer: customerOf('sam') });
    expect(await state(sam)).toMatchObject({ is_paused: true, is_archived: false });
    expect((await story.control.conversation(channel)).is_archived).toBe(false);
    await story.customerSays(sam, 'is anyone reading this?');
    await story.waitForText(channel, 'is anyone reading this?');
  });

  it('finding 2: a channel archived by hand in Slack closes the engagement, unpauses the bot once, and a later close says it is already closed', async () => {
    const rita = story.customer('globex', 'rita');
    await story.customerSays(rita, 'I need help');
    const channel = await story.openEngagement(story.alice, rita);
    await story.agentRuns(story.alice, channel, 'pause');
    await waitFor(async () => (await state(rita))?.is_paused, { what: 'the pause' });
    await story.control.archiveChannel({ teamId: story.seed.integration.workspace.id, userId: story.bob.id, channel });
    await waitFor(async () => (await state(rita))?.is_archived, { what: 'the engagement to close after the archive' });
    expect((await state(rita))?.is_paused).toBe(false);
    await waitFor(async () => (await notices(rita)).back === 1, { what: "the customer's 'back online'" });
    expect(await pausesToldFor(world.namespace, rita.user.id)).toEqual([true, false]);
    const refused = await sandbox.api.megatron.closeEngagement({ customer: customerOf('rita') });
    expect(refused.engagement?.archived).toBe(true);
    await settled();
    expect(await notices(rita)).toEqual({ paused: 1, back: 1 });
    expect(await pausesToldFor(world.namespace, rita.user.id)).toEqual([true, false]);
  });

  it('finding 3: a second pause, a stale Pause button and an unpause of an unpaused customer tell nobody anything', async () => {
    const phil = story.customer('globex', 'phil');
    await story.customerSays(phil, 'my invoice is wrong');
    const channel = await story.openEngagement(story.alice, phil);
    const card = await story.waitForMessage(channel, isCard, 'the card');
    await story.agentRuns(story.alice, channel, 'unpause');
    await story.agentClicks(story.alice, channel, 'pause', `${phil.home.workspace.id}:${phil.user.id}`, card.ts);
    await waitFor(async () => (await state(phil))?.is_paused, { what: 'the pause' });
    await sandbox.api.megatron.pauseCustomer({ customer: customerOf('phil') });
    await story.agentClicks(story.alice, channel, 'pause', `${phil.home.workspace.id}:${phil.user.id}`, card.ts);
    await settled();
    expect(await notices(phil)).toEqual({ paused: 1, back: 0 });
    expect(await pausesToldFor(world.namespace, phil.user.id)).toEqual([true]);
    await sandbox.api.megatron.unpauseCustomer({ customer: customerOf('phil') });
    await sandbox.api.megatron.unpauseCustomer({ customer: customerOf('phil') });
    await settled();
    expect(await notices(phil)).toEqual({ paused: 1, back: 1 });
    expect(await pausesToldFor(world.namespace, phil.user.id)).toEqual([true, false]);
  });

  it('finding 4: OpenEngagement naming an agent who is not in the workspace is 404 and changes nothing', async () => {
    const sam = story.customer('globex', 'sam');
    const before = await state(sam);
    await sandbox.api.megatron.closeEngagement({ customer: customerOf('sam') });
    const closed = await state(sam);
    expect(before?.channel_id).toBe(closed?.channel_id);
    expect(closed?.is_archived).toBe(true);
    const refused = await sandbox.api.megatron.openEngagement({ customer: customerOf('sam'), agentUserId: 'U0NOBODY00' }).catch((error: unknown) => ConnectError.from(error));
    expect((refused as ConnectError).code).toBe(Code.NotFound);
    expect(await state(sam)).toEqual(closed);
    expect((await story.control.conversation(before?.channel_id ?? '')).is_archived).toBe(true);
  });

  it('finding 5: an opened help request loses its button, and a closed channel says who closed it with no live button', async () => {
    const peter = story.customer('initech', 'peter');
    await story.customerSays(peter, 'I need a human please');
    const help = await story.waitForText(sandbox.notificationChannelId, 'requested some help');
    await story.agentClicks(story.alice, sandbox.notificationChannelId, 'open', `${peter.home.workspace.id}:${peter.user.id}`, help.ts);
    const channel = await waitFor(() => story.engagementChannelOf(peter), { what: "Peter's channel" });
    const updated = await waitFor(async () => (await story.control.messages(sandbox.notificationChannelId)).find((message) => message.ts === help.ts && message.text.includes('Opened by Alice Agent')), {
      what: 'the help request updated in place',
    });
    expect(JSON.stringify(updated.blocks)).not.toContain('action_id');
    await story.agentRuns(story.alice, channel, 'close');
    await waitFor(async () => (await story.control.conversation(channel)).is_archived, { what: 'the archive' });
    const messages = await story.control.messages(channel);
    expect(messages.some((message) => message.text.startsWith(':lock: Closed by Alice Agent'))).toBe(true);
    const card = messages.find(isCard);
    expect(JSON.stringify(card?.blocks)).toContain('Closed by Alice Agent');
    expect(JSON.stringify(card?.blocks)).not.toContain('action_id');
  });

  it("finding 6: reopening imports only what the channel does not show yet, from Megatron's own record", async () => {
    const milton = story.customer('initech', 'milton');
    await story.customerSays(milton, 'Have you seen my stapler?');
    const channel = await story.openEngagement(story.alice, milton);
    await story.waitForText(channel, 'Have you seen my stapler?');
    await story.agentRuns(story.alice, channel, 'close');
    await waitFor(async () => (await story.control.conversation(channel)).is_archived, { what: 'the archive' });
    await story.customerSays(milton, 'Still looking for it');
    await story.openEngagement(story.alice, milton);
    await story.waitForText(channel, 'Still looking for it');
    const texts = (await story.control.messages(channel)).map((message) => message.text);
    expect(texts.filter((text) => text === 'Have you seen my stapler?')).toHaveLength(1);
    expect(texts.filter((text) => text === 'Still looking for it')).toHaveLength(1);
  });

  it('finding 7: a customer paused while already quiet gets the reminder, once per quiet period', async () => {
    const sam = story.customer('initech', 'sam');
    await story.customerSays(sam, 'hi');
    const channel = await openFor(sam);
    const { rows } = await pool.query<{ last_message_at: Date }>('select last_message_at from engagement_channels where channel_id = $1', [channel]);
    const quietSince = rows[0]?.last_message_at as Date;
    await story.agentRuns(story.alice, channel, 'pause');
    await waitFor(async () => (await state(sam))?.is_paused, { what: 'the pause' });
    const isReminder = (message: SimMessage) => message.text.includes('still paused');
    for (const minutes of [30, 31, 90]) await runJobs(new Date(quietSince.getTime() + minutes * MINUTE), 'unpause-reminder');
    await waitFor(async () => (await story.control.messages(channel)).some(isReminder), { what: 'the reminder' });
    expect((await story.control.messages(channel)).filter(isReminder)).toHaveLength(1);
  });

  it('finding 7: losing Redis does not repeat the "bot is not paused" warning (send-and-warn mode)', async () => {
    const { organizations } = await sandbox.api.admin.listOrganizations({});
    await sandbox.api.admin.updateOrganization({ organizationId: organizations.find((organization) => organization.name === 'Acme')?.id ?? '', takeoverMode: 'send-and-warn' });
    const peter = story.customer('initech', 'peter');
    await story.customerSays(peter, 'anyone?');
    const channel = await openFor(peter);
    const isWarning = (message: SimMessage) => message.text.includes('Bot is not paused');
    await story.agentWrites(story.alice, channel, 'first');
    await waitFor(async () => (await story.control.messages(channel)).some(isWarning), { what: 'the warning' });
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', createLogger('lifecycle-test', 'silent'), '');
    try {
      const keys = await redis.keys(`${world.namespace}:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      await redis.quit();
    }
    await story.agentWrites(story.alice, channel, 'second');
    await story.waitForText(await story.dmOf(peter), 'second');
    await settled();
    expect((await story.control.messages(channel)).filter(isWarning)).toHaveLength(1);
  });

  it("Megatron's own archive, heard from Slack after the channel was reopened, leaves the reopened channel open", async () => {
    const peter = story.customer('initech', 'peter');
    const { channel: dm } = await story.customerSays(peter, 'hello');
    const channel = await openFor(peter);
    await sandbox.api.megatron.closeEngagement({ customer: refOf(peter) });
    expect(await openFor(peter)).toBe(channel);
    await sandbox.api.megatron.pauseCustomer({ customer: refOf(peter) });
    const { megatron } = story.seed.integration;
    // The channel_archive event of the close, delivered late (as under load), then a message on the same channel's lane.
    await story.control.sendRawEvent({ appId: megatron.appId, event: { type: 'channel_archive', channel, user: megatron.botUserId } });
    await story.agentWrites(story.alice, channel, 'Still here for you');
    await story.waitForText(dm, 'Still here for you');
    expect(await state(peter)).toMatchObject({ is_archived: false, is_paused: true });
    expect((await story.control.conversation(channel)).is_archived).toBe(false);
  });
});
