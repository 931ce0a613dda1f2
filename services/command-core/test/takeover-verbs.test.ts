import { waitFor } from '@megatron/testkit';
import type { SimMessage } from '@megatron/slack-sim';
import { startWorld, type World } from './takeover-world.js';

jest.setTimeout(60_000);

let world: World;
let readAppCommands: () => Promise<import('@megatron/contracts').AppCommand[]>;

beforeAll(async () => {
  world = await startWorld();
  await world.replica();
  readAppCommands = await world.appCommands('verbs_test');
});

afterAll(async () => {
  await world?.close();
});

const texts = (messages: SimMessage[]) => messages.map((message) => message.text);

async function slash(text: string, channel: string) {
  const { integration } = world;
  const result = await world.sim.control.runSlashCommand({ teamId: integration.team.id, userId: integration.alice.id, channel, command: '/megatron', text, appId: integration.app.appId });
  expect(result.status).toBe(200);
  return result.responseUrl;
}

async function replyTo(responseUrl: string): Promise<string> {
  return waitFor(async () => {
    const replies = await world.sim.control.responseUrlReplies(responseUrl);
    const body = replies[0]?.body as { text?: string } | undefined;
    return body?.text;
  }, { timeoutMs: 15_000 });
}

async function dmOf(userId: string): Promise<string> {
  const { customers } = world;
  return (await world.sim.control.dmChannel(customers.team.id, userId, customers.app.botUserId)) as string;
}

describe('the takeover verbs, from slash command to Slack and the app', () => {
  let channel = '';

  it('opens an engagement channel with the imported history, invites the agent and replies with a link', async () => {
    const { customers, integration } = world;
    world.app.users.push({ username: 'phil', platformUserId: customers.phil.id, platformTeamId: customers.team.id });
    await world.sim.control.sendDirectMessage({ teamId: customers.team.id, userId: customers.phil.id, appId: customers.app.appId, text: 'my card 4111 1111 1111 1111 is refused' });
    await fetch(`${world.sim.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${customers.app.botToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: customers.phil.id, text: 'Sorry, I did not get that: 4111111111111111' }),
    });

    const reply = await replyTo(await slash('open phil', integration.notifications));
    const created = await world.sim.control.findChannelByName(integration.team.id, 'mt-phil_globex');
    expect(created).toBeDefined();
    channel = created?.id ?? '';
    expect(reply).toBe(`Engagement channel for *Phil*: <https://acme-support.slack.com/archives/${channel}|#mt-phil_globex>`);

    // The link comes as soon as the channel exists; the history follows inside it.
    await waitFor(async () => (await world.sim.control.messages(channel)).some((message) => message.text === 'Sorry, I did not get that: ****1111'), { what: 'the imported history', timeoutMs: 10_000 });
    const [card, ...imported] = (await world.sim.control.messages(channel)).filter((message) => message.subtype !== 'channel_join');
    // The card comes first, pinned, saying how threads behave.
    expect(card?.text).toBe('Phil: bot answering');
    expect(card?.pinned_to).toEqual([channel]);
    expect(JSON.stringify(card?.blocks)).toContain('Replies in threads stay here as internal notes');
    expect(JSON.stringify(card?.blocks)).toContain('"action_id":"pause"');
    const importedTexts = imported.map((message) => message.text);
    // The time header is drawn in each agent's own time zone, with the time in UTC for clients that cannot.
    expect(importedTexts[0]).toMatch(/^\*\[<!date\^\d{10}\^\{date_short\} \{time\}\|[A-Z][a-z]{2} \d{2} \d{2}:\d{2} [AP]M UTC>\]\*$/);
    expect(importedTexts).toContain('my card ****1111 is refused');
    expect(importedTexts).toContain('Sorry, I did not get that: ****1111');
    expect((await world.sim.control.conversation(channel)).members).toContain(integration.alice.id);
  });

  it('pauses: tells the app, tells the customer who did it, turns the card to Unpause in place and answers the agent', async () => {
    const { customers } = world;
    const reply = await replyTo(await slash('pause', channel));
    // The organization serves two customer workspaces: the name says which.
    expect(reply).toBe('Bot *paused* for user: Phil (Globex)');
    const commands = await readAppCommands();
    expect(commands.map((command) => command.kind.case)).toEqual(['pause']);
    expect(commands[0]?.kind.value).toMatchObject({ teamId: customers.team.id, userId: customers.phil.id, paused: true, channelId: await dmOf(customers.phil.id) });

    const dm = await world.sim.control.messages(await dmOf(customers.phil.id));
    const notice = dm.find((message) => message.text === "I've been paused so a support agent can talk with you");
    expect(JSON.stringify(notice?.blocks)).toContain('executed by Alice Smith from Acme');
    // The pinned card changes in place: no second card, and it now offers Unpause.
    const cards = (await world.sim.control.messages(channel)).filter((message) => message.text.startsWith('Phil: bot'));
    expect(cards.map((message) => message.text)).toEqual(['Phil: bot paused']);
    expect(JSON.stringify(cards[0]?.blocks)).toContain('"action_id":"unpause"');
  });

  it("forwards an agent's message with the footer, then follows its edit and its delete", async () => {
    const { customers, integration } = world;
    const dm = await dmOf(customers.phil.id);
    const before = (await world.sim.control.messages(dm)).length;
    const { ts } = await world.sim.control.postAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel, text: 'Hello Phil, Alice here' });
    const forwarded = await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.text === 'Hello Phil, Alice here'), { timeoutMs: 15_000 });
    expect(JSON.stringify(forwarded.attachments)).toContain('sent by Alice Smith from Acme');

    await world.sim.control.editAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel, ts, text: 'Hello Phil, Alice from Acme here' });
    await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.ts === forwarded.ts && message.text === 'Hello Phil, Alice from Acme here'), { timeoutMs: 15_000 });

    await world.sim.control.deleteAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel, ts });
    await waitFor(async () => !(await world.sim.control.messages(dm)).some((message) => message.ts === forwarded.ts) || undefined, { timeoutMs: 15_000 });
    expect((await world.sim.control.messages(dm)).length).toBe(before);
  });

  it("records a plain forward's Command as processed in the statement that stores its link", async () => {
    const { customers, integration } = world;
    const dm = await dmOf(customers.phil.id);
    const statements: { text: string; values: unknown[]; name?: string }[] = [];
    const pool = world.pool as unknown as { query: (...args: unknown[]) => unknown };
    const query = pool.query;
    pool.query = (...args: unknown[]) => {
      const [config, values] = args;
      // A statement comes as (text, values) or as a config (the prepared ones carry a name).
      const given = typeof config === 'string' ? { text: config, values } : (config as { text: string; values?: unknown; name?: string });
      statements.push({ text: given.text, values: Array.isArray(given.values) ? given.values : [], ...(given.name ? { name: given.name } : {}) });
      return query.apply(world.pool, args);
    };
    try {
      await world.sim.control.postAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel, text: 'One statement for the link and the mark' });
      await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.text === 'One statement for the link and the mark'), { timeoutMs: 15_000 });
      // The Command's id is the one its lane state was read for.
      const laneRead = await waitFor(async () => statements.find((statement) => statement.text.includes('from parked_commands') && statement.text.includes('processed_commands')), { timeoutMs: 5_000 });
      const commandId = laneRead.values[1];
      const linkStatement = await waitFor(async () => statements.find((statement) => statement.text.includes('insert into message_links') && statement.values.includes(commandId)), { timeoutMs: 5_000 });
      expect(linkStatement.text).toContain('insert into processed_commands');
      // Two statements carry the Command: its lane state (with the engagement and the posting step) and its link.
      expect(laneRead.text).toContain('insert into command_steps');
      expect(laneRead.text).toContain('from engagement_channels');
      expect(statements.filter((statement) => statement.values.includes(commandId))).toEqual([laneRead, linkStatement]);
      // Both are prepared once per connection, not parsed and planned for every message.
      expect([laneRead.name, linkStatement.name]).toEqual(['forward-lane-state', 'insert-link-touch-and-process']);
      const { rows } = await world.pool.query('select 1 from processed_commands where command_id = $1', [commandId]);
      expect(rows).toHaveLength(1);
      expect(statements.filter((statement) => statement.values.includes(commandId) && statement.text.startsWith('insert into processed_commands'))).toEqual([]);
    } finally {
      pool.query = query;
    }
  });

  it('clears the context and pushes a message through the app', async () => {
    const { customers } = world;
    expect(await replyTo(await slash('clear-context', channel))).toBe('Context cleared for *Phil*.');
    await replyTo(await slash('do tell a joke', channel));
    const commands = await readAppCommands();
    expect(commands.map((command) => command.kind.case)).toEqual(['clearContext', 'pushMessage']);
    expect(commands[1]?.kind.value).toMatchObject({ message: 'tell a joke', channelId: channel, platformUserId: customers.phil.id });
  });

  it('closes: unpauses with the customer told, archives the channel and confirms', async () => {
    const { customers } = world;
    expect(await replyTo(await slash('close', channel))).toBe('Got it! The channel was closed.');
    const commands = await readAppCommands();
    expect(commands.map((command) => [command.kind.case, (command.kind.value as { paused?: boolean }).paused])).toEqual([['pause', false]]);
    expect(texts(await world.sim.control.messages(await dmOf(customers.phil.id)))).toContain("I'm back online");
    expect((await world.sim.control.conversation(channel)).is_archived).toBe(true);
  });

  it('answers an unknown name and a missing name in words the agent can act on', async () => {
    expect(await replyTo(await slash('pause nobody', world.integration.notifications))).toBe("I really don't know who that is. Try again?");
    expect(await replyTo(await slash('pause', world.integration.notifications))).toBe('Please specify a user for this command.');
  });

  it('offers a select when several customers match, and, in send-and-warn mode, warns once an hour when the bot is not paused', async () => {
    const { customers, otherCustomers, integration } = world;
    await world.admin.updateOrganization(world.organizationId, { takeoverMode: 'send-and-warn' });
    world.app.users.push(
      { username: 'sam', platformUserId: customers.sam.id, platformTeamId: customers.team.id },
      { username: 'sam', platformUserId: otherCustomers.sam.id, platformTeamId: otherCustomers.team.id },
    );
    const responseUrl = await slash('open sam', integration.notifications);
    await replyTo(responseUrl);
    const [reply] = await world.sim.control.responseUrlReplies(responseUrl);
    const options = JSON.stringify((reply?.body as { blocks?: unknown }).blocks);
    expect(options).toContain('"action_id":"user_select"');
    expect(options).toContain(`open|${customers.team.id}:${customers.sam.id}`);
    expect(options).toContain(`open|${otherCustomers.team.id}:${otherCustomers.sam.id}`);
    // Named as people and workspaces, never by ids.
    const labels = [...options.matchAll(/"text":"([^"]+)"/g)].map((match) => match[1]).filter((label) => label?.includes(' — '));
    expect(labels.sort()).toEqual([`${customers.sam.realName || 'sam'} — Globex`, `${otherCustomers.sam.realName || 'sam'} — Initech`].sort());
    expect(options).not.toContain(`(${customers.team.id})`);

    await world.sim.control.chooseOption({ teamId: integration.team.id, userId: integration.alice.id, channel: integration.notifications, style: 'block', actionId: 'user_select', value: `open|${customers.team.id}:${customers.sam.id}` });
    // The channel exists before Megatron invites alice into it; she writes once she is in.
    const samChannel = await waitFor(
      async () => {
        const found = await world.sim.control.findChannelByName(integration.team.id, 'mt-sam_globex');
        return found?.members.includes(integration.alice.id) ? found : undefined;
      },
      { what: 'alice in the channel of sam', timeoutMs: 15_000 },
    );
    await world.sim.control.postAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel: samChannel.id, text: 'first' });
    await world.sim.control.postAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel: samChannel.id, text: 'second' });
    // The DM exists once the first message went (the open imports sam's empty history in the background).
    const samDm = await waitFor(async () => (await dmOf(customers.sam.id)) || undefined, { what: "sam's DM", timeoutMs: 15_000 });
    await world.sim.control.waitForMessages(samDm, 2, 15_000);
    const warnings = (await world.sim.control.messages(samChannel.id)).filter((message) => message.text.includes('Bot is not paused'));
    expect(warnings).toHaveLength(1);
  });

  it('leaves no posting step behind for a message held before its post (the next attempt need not read history)', async () => {
    const { customers, integration } = world;
    await world.admin.updateOrganization(world.organizationId, { takeoverMode: 'hold' });
    const samChannel = await waitFor(() => world.sim.control.findChannelByName(integration.team.id, 'mt-sam_globex'), { timeoutMs: 15_000 });
    await world.sim.control.postAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel: samChannel.id, text: 'held, not posted' });
    const held = await waitFor(async () => (await world.pool.query<{ command_id: string }>('select command_id from parked_commands where held and dead_at is null')).rows[0], { what: 'the held message', timeoutMs: 15_000 });
    const { rows } = await world.pool.query('select step from command_steps where command_id = $1', [held.command_id]);
    expect(rows.map((row: { step: string }) => row.step)).not.toContain('fwd:posting');
    expect((await world.sim.control.messages((await dmOf(customers.sam.id)) as string)).some((message) => message.text === 'held, not posted')).toBe(false);
  });
});
