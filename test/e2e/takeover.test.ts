import { waitFor } from '@megatron/testkit';
import { visibleText, type Customer, type Sandbox, type Story } from '@megatron/sandbox';
import type { SimMessage } from '@megatron/slack-sim';
import { startE2eWorld, type E2eWorld } from './world.js';

// The product promise of SPEC §1 with every real process: simulator, four services, example bot.
describe('a support agent takes over the bot conversation', () => {
  let world: E2eWorld;
  let sandbox: Sandbox;
  let story: Story;
  let phil: Customer;
  let philDm: string;
  let channel: string;

  const alice = () => story.alice;
  const dmMessages = async () => sandbox.sim.control.messages(philDm);
  const humanMessages = (messages: SimMessage[]) => messages.filter((message) => message.subtype !== 'channel_join');

  beforeAll(async () => {
    // A killed replica's Command comes back after ack_wait: short here so the crash test stays quick.
    world = await startE2eWorld({ 'command-core': { COMMAND_ACK_WAIT_MS: '4000' } });
    ({ sandbox, story } = world);
    phil = story.customer('globex', 'phil');
  }, 90_000);

  afterAll(() => world?.close(), 30_000);

  it('a customer who asks for a human gets a help request posted for the agents', async () => {
    await story.customerSays(phil, 'What are your opening hours?');
    philDm = await story.dmOf(phil);
    await story.waitForText(philDm, 'Monday to Friday');
    await story.customerSays(phil, 'I need a human please');
    const help = await story.waitForText(sandbox.notificationChannelId, 'requested some help');
    expect(visibleText(help)).toContain('Open engagement channel');
  });

  it('"Open engagement channel" creates the channel, imports the history oldest first and invites the agent', async () => {
    const help = await story.waitForText(sandbox.notificationChannelId, 'requested some help');
    const value = `${phil.home.workspace.id}:${phil.user.id}`;
    expect(JSON.stringify(help.blocks)).toContain(value);
    const click = await story.agentClicks(alice(), sandbox.notificationChannelId, 'open', value, help.ts);
    expect(click.status).toBe(200);
    channel = await waitFor(() => story.engagementChannelOf(phil), { what: "Phil's engagement channel", timeoutMs: 15_000 });

    // The card comes first; the history follows it.
    await story.waitForText(channel, 'Monday to Friday', 15_000);
    const imported = humanMessages(await story.control.messages(channel));
    const texts = imported.map((message) => message.text);
    const hours = texts.findIndex((text) => text.includes('opening hours'));
    const answer = texts.findIndex((text) => text.includes('Monday to Friday'));
    expect(hours).toBeGreaterThanOrEqual(0);
    expect(answer).toBeGreaterThan(hours);
    // Time headers are Slack date tokens: each agent reads the time in their own zone, UTC where a client cannot draw it.
    const header = texts.find((text) => text.startsWith('*[<!date^'));
    expect(header).toMatch(/^\*\[<!date\^(\d{10})\^\{date_short\} \{time\}\|[A-Z][a-z]{2} \d{2} \d{2}:\d{2} [AP]M UTC>\]\*$/);
    const asked = (await dmMessages()).find((message) => message.text.includes('opening hours'));
    expect(Number(/<!date\^(\d+)\^/.exec(header ?? '')?.[1])).toBe(Math.floor(Number(asked?.ts)));
    await waitFor(async () => (await story.control.conversation(channel)).members.includes(alice().id), { what: 'Alice to be invited' });
  });

  it("customer and bot messages are mirrored into the channel, with card numbers masked", async () => {
    await story.customerSays(phil, 'My card 4111 1111 1111 1111 was charged twice');
    const mirrored = await story.waitForText(channel, 'was charged twice');
    expect(mirrored.text).not.toContain('4111');
    expect(mirrored.username).toBeTruthy();
    await story.waitForText(channel, 'I can help with');
  });

  it('pause tells the app, silences the bot and tells the customer', async () => {
    await story.agentRuns(alice(), channel, 'pause');
    await story.waitForText(philDm, "I've been paused");
    await waitFor(async () => sandbox.bot.state.isPaused(phil.home.workspace.id, phil.user.id), { what: 'the bot to be paused' });

    const before = (await dmMessages()).length;
    await story.customerSays(phil, 'Are you still there?');
    await story.waitForText(channel, 'Are you still there?');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await dmMessages();
    expect(after.length).toBe(before + 1);
  });

  it("agent messages reach the customer in the order written, from the same bot, with the agent's footer", async () => {
    const texts = Array.from({ length: 6 }, (_, i) => `Step ${i + 1} of the fix`);
    for (const text of texts) await story.agentWrites(alice(), channel, text);
    await waitFor(async () => (await dmMessages()).filter((message) => message.text.startsWith('Step ')).length >= texts.length, {
      what: 'all agent messages in the DM',
      timeoutMs: 15_000,
    });
    const delivered = (await dmMessages()).filter((message) => message.text.startsWith('Step '));
    expect(delivered.map((message) => message.text.split('\n')[0])).toEqual(texts);
    expect(delivered.every((message) => message.bot_id === phil.home.supportBot.botId)).toBe(true);
    expect(visibleText(delivered[0]!)).toContain('sent by Alice Agent from Acme');
  });

  it("an agent's edit and delete follow to the customer's copy", async () => {
    const { ts } = await story.agentWrites(alice(), channel, 'Your refund is 10 dollars');
    const copy = await story.waitForText(philDm, 'Your refund is 10 dollars');
    await story.agentEdits(alice(), channel, ts, 'Your refund is 12 dollars');
    await story.waitForText(philDm, 'Your refund is 12 dollars');
    await story.agentDeletes(alice(), channel, ts);
    await waitFor(async () => !(await dmMessages()).some((message) => message.ts === copy.ts), { what: "the customer's copy to be deleted" });
  });

  it('clear-context and do reach the app', async () => {
    sandbox.bot.state.remember(phil.home.workspace.id, phil.user.id, 'something to forget');
    await story.agentRuns(alice(), channel, 'clear-context');
    await waitFor(async () => sandbox.bot.state.contextOf(phil.home.workspace.id, phil.user.id).length === 0, { what: 'the context to be cleared' });
    await story.agentRuns(alice(), channel, 'do Here is your invoice again');
    await story.waitForText(philDm, 'Here is your invoice again');
  });

  it('close unpauses the bot and archives the channel', async () => {
    const reply = await story.agentRuns(alice(), channel, 'close');
    expect(reply.status).toBe(200);
    await story.waitForText(philDm, "I'm back online");
    await waitFor(async () => (await story.control.conversation(channel)).is_archived, { what: 'the channel to be archived' });
    expect(sandbox.bot.state.isPaused(phil.home.workspace.id, phil.user.id)).toBe(false);
  });

  it('reopening an archived channel unarchives it and imports the history again', async () => {
    const before = humanMessages(await story.control.messages(channel)).length;
    await story.agentRuns(alice(), sandbox.notificationChannelId, 'open phil');
    await waitFor(async () => !(await story.control.conversation(channel)).is_archived, { what: 'the channel to be unarchived' });
    await waitFor(async () => humanMessages(await story.control.messages(channel)).length > before, { what: 'a second history import' });
    expect(await story.engagementChannelOf(phil)).toBe(channel);
  });

  it('an ambiguous name offers a select; picking one opens that customer', async () => {
    const result = await story.agentRuns(alice(), sandbox.notificationChannelId, 'open sam');
    expect(result.status).toBe(200);
    const initechSam = story.customer('initech', 'sam');
    const value = `open|${initechSam.home.workspace.id}:${initechSam.user.id}`;
    await waitFor(
      async () => {
        const replies = await story.control.responseUrlReplies(result.responseUrl);
        const ephemerals = await story.control.ephemerals(sandbox.notificationChannelId);
        return JSON.stringify([replies, ephemerals]).includes(value);
      },
      { what: 'the disambiguation select' },
    );
    await story.agentChooses(alice(), sandbox.notificationChannelId, 'user_select', value);
    await waitFor(() => story.engagementChannelOf(initechSam), { what: "Initech Sam's channel" });
    expect(await story.engagementChannelOf(story.customer('globex', 'sam'))).toBeUndefined();
  });

  it('command-core killed mid-story loses nothing: every message arrives once, in order', async () => {
    await story.agentRuns(alice(), channel, 'pause');
    await story.waitForText(philDm, "I've been paused");
    const texts = Array.from({ length: 5 }, (_, i) => `After the crash ${i + 1}`);
    for (const text of texts.slice(0, 2)) await story.agentWrites(alice(), channel, text);
    await sandbox.stop('command-core', 'SIGKILL');
    for (const text of texts.slice(2)) await story.agentWrites(alice(), channel, text);
    await sandbox.start('command-core');
    await waitFor(async () => (await dmMessages()).filter((message) => message.text.startsWith('After the crash')).length >= texts.length, {
      what: 'every message after the restart',
      timeoutMs: 45_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const delivered = (await dmMessages()).filter((message) => message.text.startsWith('After the crash')).map((message) => message.text.split('\n')[0]);
    expect(delivered).toEqual(texts);
  }, 60_000);

  it('a revoked customer token is refreshed through the app and the message still arrives', async () => {
    const globexBot = phil.home.supportBot;
    await story.control.revokeToken(globexBot.botToken);
    const { botToken } = await story.control.issueBotToken(globexBot.appId);
    const rotated = await fetch(`${sandbox.urls.bot}/admin/workspaces/${phil.home.workspace.id}/token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.secrets.botAdminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ botToken }),
    });
    expect(rotated.status).toBe(200);
    await story.agentWrites(alice(), channel, 'Delivered with a fresh token');
    await story.waitForText(philDm, 'Delivered with a fresh token', 20_000);
  });

  it('a broadcast DMs every listed customer with feedback buttons and reports per user', async () => {
    const rita = story.customer('globex', 'rita');
    const response = await fetch(`${sandbox.urls.api}/megatron/broadcast/`, {
      method: 'POST',
      headers: { authorization: `MegatronToken ${sandbox.secrets.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        text: JSON.stringify({ text: 'We will be down for maintenance at 10pm' }),
        broadcasts: [{ platform_type: 'slack', org_id: phil.home.workspace.id, user_ids: [phil.user.id, rita.user.id, 'U0NOBODY'] }],
        capture_feedback: true,
      }),
    });
    expect(response.status).toBe(200);
    const ritaDm = await waitFor(() => story.dmOf(rita).catch(() => undefined), { what: "Rita's DM" });
    const message = await story.waitForText(ritaDm, 'maintenance at 10pm');
    expect(JSON.stringify(message.blocks)).toContain('feedback');
    expect(JSON.stringify(await response.json())).toContain('U0NOBODY');
  });

  it('the Slack-facing service acknowledged every request within 3 seconds', async () => {
    const deliveries = await story.control.deliveries({ appId: sandbox.seed.integration.megatron.appId });
    expect(deliveries.length).toBeGreaterThan(10);
    expect(Math.max(...deliveries.map((delivery) => delivery.ackMs))).toBeLessThan(3_000);
  });
});
