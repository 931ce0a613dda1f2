import { Code, ConnectError, type Client } from '@connectrpc/connect';
import { PlatformType, type MegatronService } from '@megatron/contracts';
import type { SimMessage } from '@megatron/slack-sim';
import { waitFor } from '@megatron/testkit';
import { startApiWorld, type World, type WorldApi } from './takeover-world.js';

jest.setTimeout(60_000);

let world: World;
let api: WorldApi;
let token: string;
let client: Client<typeof MegatronService>;
let channel = '';
let tsCounter = 0;

beforeAll(async () => {
  ({ world, api, client, token } = await startApiWorld('mirror-test'));
});

afterAll(async () => {
  await api?.close();
  await world?.close();
});

/** A customer-side ts the app would report; unique per call. */
function customerTs(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
}

const phil = () => ({ teamId: world.customers.team.id, userId: world.customers.phil.id });

/** The picture of Globex's support bot, as users.info gives it in Globex. */
async function botAvatar(): Promise<string> {
  const globex = (await world.sim.control.workspacesOverview()).find((workspace) => workspace.id === world.customers.team.id);
  const bot = globex?.users.find((user) => user.id === world.customers.app.botUserId);
  if (!bot?.image72) throw new Error("the simulator has no picture of Globex's bot");
  return bot.image72;
}

async function mirrored(ts: string): Promise<SimMessage> {
  const message = (await world.sim.control.messages(channel)).find((candidate) => candidate.ts === ts);
  if (!message) throw new Error(`no message ${ts} in the engagement channel`);
  return message;
}

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(error)}`);
  return error;
}

describe('MegatronService against the simulator and the real connection-slack', () => {
  it('opens an engagement for a customer without Slack and invites the named agent', async () => {
    const { engagement } = await client.openEngagement({ customer: phil(), agentUserId: world.integration.alice.id });
    channel = engagement?.channelId ?? '';
    expect(engagement).toMatchObject({ channelName: 'mt-phil_globex', customerName: 'Phil', paused: false, archived: false, customer: phil() });
    expect(engagement?.channelUrl).toBe(`https://acme-support.slack.com/archives/${channel}`);
    expect((await world.sim.control.conversation(channel)).members).toContain(world.integration.alice.id);
  });

  it("mirrors a customer's message under the customer's name and avatar", async () => {
    const { result } = await client.incoming({ message: { ...phil(), ts: customerTs(), content: { text: 'My order never arrived' } } });
    expect(result).toMatchObject({ track: true, channelId: channel });
    const message = await mirrored(result?.ts ?? '');
    expect(message).toMatchObject({ text: 'My order never arrived', username: 'Phil', subtype: 'bot_message' });
    expect(message.icons).toEqual({ image_64: world.customers.phil.image72 });
  });

  it("mirrors the bot's reply under the name and avatar the bot has in the customer's workspace, masked", async () => {
    const { result } = await client.outgoing({ message: { ...phil(), ts: customerTs(), content: { text: 'Charged card 4111-1111-1111-1111, not 4111 1111 1111 1112' } } });
    const message = await mirrored(result?.ts ?? '');
    expect(message).toMatchObject({ text: 'Charged card ****1111, not 4111 1111 1111 1112', username: 'Support Bot', icons: { image_64: await botAvatar() } });
  });

  it('masks Luhn-valid card numbers of 13 to 19 digits with spaces or dashes down to their last four, from the customer and the bot, and keeps invalid ones', async () => {
    const text = '13: 4222222222222, 16: 4111 1111 1111 1111, 19: 4000-0000-0000-0000-006, bad: 4111-1111-1111-1112, order 12345';
    const expected = '13: ****2222, 16: ****1111, 19: ****0006, bad: 4111-1111-1111-1112, order 12345';
    const fromCustomer = await client.incoming({ message: { ...phil(), ts: customerTs(), content: { text } } });
    const fromBot = await client.outgoing({ message: { ...phil(), ts: customerTs(), content: { text } } });
    expect((await mirrored(fromCustomer.result?.ts ?? '')).text).toBe(expected);
    expect((await mirrored(fromBot.result?.ts ?? '')).text).toBe(expected);
  });

  it('masks "Card Number" and "CVV" attachment fields of a bot reply and keeps the others', async () => {
    const attachments = [{ fallback: 'payment', fields: [{ title: 'Card Number', value: '4111 1111 1111 1112' }, { title: 'CVV', value: '123' }, { title: 'Name', value: 'Phil Jones' }] }];
    const { result } = await client.outgoing({ message: { ...phil(), ts: customerTs(), content: { text: 'Payment details', attachmentsJson: JSON.stringify(attachments) } } });
    const message = await mirrored(result?.ts ?? '');
    expect(message.attachments).toEqual([
      expect.objectContaining({ fields: [{ title: 'Card Number', value: '****' }, { title: 'CVV', value: '****' }, { title: 'Name', value: 'Phil Jones' }] }),
    ]);
  });

  it('updates the mirror when the customer edits, masked, and answers track false for a message never mirrored', async () => {
    const ts = customerTs();
    const { result } = await client.incoming({ message: { ...phil(), ts, content: { text: 'card is 4111' } } });
    const edited = await client.edit({ message: { ...phil(), ts, content: { text: 'card is 4111 1111 1111 1111' } } });
    expect(edited.result).toMatchObject({ track: true, channelId: channel, ts: result?.ts });
    expect((await mirrored(result?.ts ?? '')).text).toBe('card is ****1111');

    const before = (await world.sim.control.messages(channel)).length;
    expect((await client.edit({ message: { ...phil(), ts: customerTs(), content: { text: 'never seen' } } })).result?.track).toBe(false);
    expect((await world.sim.control.messages(channel)).length).toBe(before);
  });

  it("updates the bot reply's mirror when the bot edits it, keeping the bot's name and masking", async () => {
    const ts = customerTs();
    const { result } = await client.outgoing({ message: { ...phil(), ts, content: { text: 'Your total is 10 dollars' } } });
    const edited = await client.edit({ fromBot: true, message: { ...phil(), ts, content: { text: 'Your total is 12 dollars on 4222222222222' } } });
    expect(edited.result).toMatchObject({ track: true, ts: result?.ts });
    expect(await mirrored(result?.ts ?? '')).toMatchObject({ text: 'Your total is 12 dollars on ****2222', username: 'Support Bot', icons: { image_64: await botAvatar() } });
  });

  it('answers a repeated report with the existing mirror instead of posting twice', async () => {
    const ts = customerTs();
    const first = await client.incoming({ message: { ...phil(), ts, content: { text: 'only once' } } });
    const second = await client.incoming({ message: { ...phil(), ts, content: { text: 'only once' } } });
    expect(second.result?.ts).toBe(first.result?.ts);
    expect((await world.sim.control.messages(channel)).filter((message) => message.text === 'only once')).toHaveLength(1);
  });

  it("never echoes Megatron's own forwarded copy back into the channel when the app reports it", async () => {
    const { integration, customers } = world;
    await client.pauseCustomer({ customer: phil() });
    const { ts: agentTs } = await world.sim.control.postAsUser({ teamId: integration.team.id, userId: integration.alice.id, channel, text: 'Alice here, looking into it' });
    const dm = (await world.sim.control.dmChannel(customers.team.id, customers.phil.id, customers.app.botUserId)) ?? '';
    const copy = await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.text === 'Alice here, looking into it'), { timeoutMs: 15_000 });
    // As the app saw it, footer included, reported at once: the forward may not have recorded its link yet.
    const early = await client.outgoing({ message: { ...phil(), ts: copy.ts, content: { text: copy.text, attachmentsJson: JSON.stringify(copy.attachments) } } });
    expect(early.result).toMatchObject({ track: true, channelId: channel });
    await waitFor(async () => (await world.pool.query('select 1 from message_links where integration_ts = $1', [agentTs])).rowCount === 1, { what: "the forward's link" });
    const { result } = await client.outgoing({ message: { ...phil(), ts: copy.ts, content: { text: copy.text } } });
    expect(result).toMatchObject({ track: true, channelId: channel, ts: agentTs });
    const copies = (await world.sim.control.messages(channel)).filter((message) => message.text === 'Alice here, looking into it');
    expect(copies.map((message) => message.ts)).toEqual([agentTs]);
  });

  it("keeps the original REST shapes: {ok, track} for incoming and outgoing, 400 naming a missing parameter", async () => {
    const incoming = await api.rest('incoming/', token, { message: { user: world.customers.phil.id, team: world.customers.team.id, text: 'via REST', ts: customerTs() } });
    expect(incoming).toEqual({ status: 200, body: { ok: true, track: true } });
    const untracked = await api.rest('outgoing/', token, { user: world.customers.sam.id, ts: customerTs(), message: { text: 'hi sam' } });
    expect(untracked).toEqual({ status: 200, body: { ok: true, track: false } });
    const missing = await api.rest('incoming/', token, {});
    expect(missing).toEqual({ status: 400, body: { ok: false, error: 'Missing parameter: message' } });
  });

  it('answers track false and posts nothing for a customer without an engagement', async () => {
    const before = (await world.sim.control.messages(channel)).length;
    const { result } = await client.incoming({ message: { teamId: world.customers.team.id, userId: world.customers.sam.id, ts: customerTs(), content: { text: 'hello?' } } });
    expect(result?.track).toBe(false);
    expect(await world.sim.control.findChannelByName(world.integration.team.id, 'mt-sam_globex')).toBeUndefined();
    expect((await world.sim.control.messages(channel)).length).toBe(before);
  });

  it('DMs one customer with SendMessage', async () => {
    const sent = await client.sendMessage({ customer: { teamId: world.customers.team.id, userId: world.customers.sam.id }, content: { text: 'Your refund is on its way' } });
    const dm = await world.sim.control.dmChannel(world.customers.team.id, world.customers.sam.id, world.customers.app.botUserId);
    expect(sent.channelId).toBe(dm);
    const message = (await world.sim.control.messages(sent.channelId)).find((candidate) => candidate.ts === sent.ts);
    expect(message).toMatchObject({ text: 'Your refund is on its way', user: world.customers.app.botUserId });
  });

  it('broadcasts with per-user results, reports unknown users and workspaces, and adds feedback buttons', async () => {
    const { customers } = world;
    const response = await client.broadcast({
      content: { text: 'We are down for maintenance tonight' },
      captureFeedback: true,
      audiences: [
        { platform: PlatformType.SLACK, teamId: customers.team.id, userIds: [customers.phil.id, customers.sam.id, 'U0NOBODY'] },
        { platform: PlatformType.SLACK, teamId: 'T0UNKNOWN', userIds: ['U0SOMEONE'] },
      ],
    });
    expect(response.broadcastId).toMatch(/^[0-9a-f-]{36}$/);
    const byUser = new Map(response.results.map((result) => [result.userId, result]));
    expect(byUser.get(customers.phil.id)).toMatchObject({ ok: true, teamId: customers.team.id });
    expect(byUser.get(customers.sam.id)).toMatchObject({ ok: true });
    expect(byUser.get('U0NOBODY')).toMatchObject({ ok: false, error: 'user_not_found' });
    expect(byUser.get('U0SOMEONE')).toMatchObject({ ok: false, teamId: 'T0UNKNOWN', error: 'unknown_workspace' });

    const philCopy = (await world.sim.control.messages(byUser.get(customers.phil.id)?.channelId ?? '')).find((message) => message.ts === byUser.get(customers.phil.id)?.ts);
    expect(philCopy?.text).toBe('We are down for maintenance tonight');
    const blocks = JSON.stringify(philCopy?.blocks);
    expect(blocks).toContain('"action_id":"feedback_up"');
    expect(blocks).toContain(response.broadcastId);
  });

  it('shows an agent an ephemeral in the engagement channel with NotifyUser', async () => {
    await client.notifyUser({ customer: phil(), agentUserId: world.integration.alice.id, content: { text: 'The customer is a VIP' } });
    const ephemerals = await world.sim.control.ephemerals(channel);
    expect(ephemerals).toEqual(expect.arrayContaining([expect.objectContaining({ user: world.integration.alice.id, text: 'The customer is a VIP' })]));
  });

  it('posts a help request with an "Open engagement channel" button into the notification channel with GetAHuman', async () => {
    const { customers, integration } = world;
    const posted = await client.getAHuman({ requestingUser: { teamId: customers.team.id, userId: customers.sam.id }, teamDomain: 'globex' });
    expect(posted.channelId).toBe(integration.notifications);
    const message = (await world.sim.control.messages(integration.notifications)).find((candidate) => candidate.ts === posted.ts);
    expect(message?.text).toBe('🆘 *Sam Globex* requested some help!');
    const blocks = JSON.stringify(message?.blocks);
    expect(blocks).toContain('Open engagement channel');
    expect(blocks).toContain(`${customers.team.id}:${customers.sam.id}`);
  });

  it('posts one help request when a customer asks several times at once, and answers the others with it', async () => {
    const { otherCustomers } = world;
    const requestingUser = { teamId: otherCustomers.team.id, userId: otherCustomers.sam.id };
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.getAHuman({ requestingUser, teamDomain: 'initech' })));
    expect(answers.filter((answer) => !answer.deduplicated)).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.ts)).size).toBe(1);
  });

  it('registers a customer workspace, then a token rotation updates the same row, stored encrypted, and the new token is used', async () => {
    const hooli = await world.sim.control.createWorkspace({ name: 'Hooli', domain: 'hooli' });
    const hooliBot = await world.sim.control.createApp({ teamId: hooli.id, name: 'Support Bot' });
    const gavin = await world.sim.control.createUser({ teamId: hooli.id, name: 'gavin' });
    const request = { name: 'Hooli', platform: PlatformType.SLACK, platformId: hooli.id, domain: 'hooli', connectionToken: hooliBot.botToken };
    const created = await client.registerWorkspace(request);
    expect(created).toMatchObject({ created: true, workspace: { platformId: hooli.id, name: 'Hooli', domain: 'hooli' } });

    const rotated = await world.sim.control.issueBotToken(hooliBot.appId);
    await world.sim.control.revokeToken(hooliBot.botToken);
    const updated = await client.registerWorkspace({ ...request, name: 'Hooli XYZ', connectionToken: rotated.botToken });
    expect(updated).toMatchObject({ created: false, workspace: { id: created.workspace?.id, name: 'Hooli XYZ' } });

    const rows = await world.pool.query<{ stored: string }>(`SELECT to_jsonb(w)::text AS stored FROM customer_workspaces w WHERE platform_id = $1`, [hooli.id]);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]?.stored).not.toContain(rotated.botToken);
    const sent = await client.sendMessage({ customer: { teamId: hooli.id, userId: gavin.id }, content: { text: 'welcome' } });
    expect(sent.ts).not.toBe('');
  });

  it('refuses an unknown platform type and a missing team id with errors that say what is wrong', async () => {
    const unknownPlatform = await failure(client.registerWorkspace({ name: 'X', platform: PlatformType.UNSPECIFIED, platformId: 'T0X', domain: 'x', connectionToken: 'xoxb-x' }));
    expect(unknownPlatform.code).toBe(Code.InvalidArgument);
    expect(unknownPlatform.rawMessage).toContain('platform');
    const noTeam = await failure(client.sendMessage({ customer: { teamId: '', userId: world.customers.sam.id }, content: { text: 'x' } }));
    expect(noTeam).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'customer.team_id is required' });
    // The REST route names the same field as its callers know it.
    expect(await api.rest(`message/${world.customers.sam.id}/`, token, { text: 'x' })).toEqual({ status: 400, body: { ok: false, error: 'Missing parameter: team_id' } });
  });

  it('authenticates REST calls before reading their body: a wrong token with an empty body is 401, not 400', async () => {
    expect(await api.rest('incoming/', 'mt_wrong', {})).toEqual({ status: 401, body: { ok: false, error: 'invalid or revoked API token' } });
    expect(await api.rest('broadcast/', 'mt_wrong', {})).toEqual({ status: 401, body: { ok: false, error: 'invalid or revoked API token' } });
  });

  it('lists and gets engagements by customer and by channel; an unknown one is NOT_FOUND', async () => {
    const list = await client.listEngagements({});
    expect(list.engagements.map((engagement) => engagement.channelId)).toEqual([channel]);
    const byCustomer = await client.getEngagement({ key: { case: 'customer', value: phil() } });
    const byChannel = await client.getEngagement({ key: { case: 'channelId', value: channel } });
    expect(byCustomer.engagement).toEqual(byChannel.engagement);
    expect(byChannel.engagement?.lastMessageAt).toBeDefined();
    const unknown = await failure(client.getEngagement({ key: { case: 'channelId', value: 'C0NOPE' } }));
    expect(unknown.code).toBe(Code.NotFound);
  });

  it('pauses and unpauses through the API, telling the app each time', async () => {
    const read = await world.appCommands('mirror_api_pause');
    expect((await client.pauseCustomer({ customer: phil() })).engagement?.paused).toBe(true);
    expect((await client.getEngagement({ key: { case: 'customer', value: phil() } })).engagement?.paused).toBe(true);
    expect((await client.unpauseCustomer({ customer: phil() })).engagement?.paused).toBe(false);
    const commands = await read();
    expect(commands.map((command) => [command.kind.case, (command.kind.value as { paused?: boolean }).paused])).toEqual([['pause', true], ['pause', false]]);
  });

  it('closes: the channel is archived, listed only with archived ones, and later mirrors answer track false with nothing posted', async () => {
    const { engagement } = await client.closeEngagement({ customer: phil() });
    expect(engagement?.channelId).toBe(channel);
    await waitFor(async () => (await world.sim.control.conversation(channel)).is_archived || undefined, { timeoutMs: 10_000 });
    expect((await client.listEngagements({})).engagements).toEqual([]);
    expect((await client.listEngagements({ includeArchived: true })).engagements.map((e) => [e.channelId, e.archived])).toEqual([[channel, true]]);

    const before = (await world.sim.control.messages(channel)).length;
    const { result } = await client.incoming({ message: { ...phil(), ts: customerTs(), content: { text: 'still there?' } } });
    expect(result?.track).toBe(false);
    expect((await client.outgoing({ message: { ...phil(), ts: customerTs(), content: { text: 'bot says hi' } } })).result?.track).toBe(false);
    expect((await world.sim.control.messages(channel)).length).toBe(before);
  });
});
