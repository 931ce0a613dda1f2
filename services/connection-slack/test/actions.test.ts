import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Code } from '@connectrpc/connect';
import { ResponseType, SLACK_SOURCE_TOKEN_HEADER } from '@megatron/contracts';
import { waitFor } from '@megatron/testkit';
import { rpcError, seedWorkspace, startHarness, withToken, type Harness } from './harness.js';

let harness: Harness;
let seed: Awaited<ReturnType<typeof seedWorkspace>>;
let slashReceiver: Server;
let slashUrl: string;

beforeAll(async () => {
  harness = await startHarness();
  slashReceiver = createServer((_req, res) => res.writeHead(200).end());
  await new Promise<void>((resolve) => slashReceiver.listen(0, '127.0.0.1', resolve));
  slashUrl = `http://127.0.0.1:${(slashReceiver.address() as AddressInfo).port}/slash`;
  seed = await seedWorkspace(harness.sim, 3);
});

afterAll(async () => {
  await harness.close();
  await new Promise((resolve) => slashReceiver.close(resolve));
});

async function newChannel(name: string): Promise<string> {
  const { channel } = await harness.client.createChannel({ name }, withToken(seed.token));
  return channel?.id ?? '';
}

test('auth.test tells which workspace and bot a token belongs to', async () => {
  const result = await harness.client.authTest({}, withToken(seed.token));
  expect(result).toMatchObject({ teamId: seed.workspace.id, userId: seed.app.botUserId, botId: seed.app.botId });
});

test('a mirrored post shows the customer name and avatar instead of the bot', async () => {
  const channel = await newChannel('mirror-post');
  const posted = await harness.client.postMessage(
    { channel, content: { text: 'hello from the customer' }, username: 'Phil', iconUrl: 'https://example.test/phil.png' },
    withToken(seed.token),
  );
  const [message] = await harness.sim.control.messages(channel);
  expect(posted.ts).toBe(message?.ts);
  expect(message).toMatchObject({ text: 'hello from the customer', username: 'Phil', icons: { image_64: 'https://example.test/phil.png' } });
});

test('blocks and attachments travel as Slack JSON', async () => {
  const channel = await newChannel('rich-post');
  const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*bold*' } }];
  const attachments = [{ title: 'Card Number', text: '****' }];
  await harness.client.postMessage(
    { channel, content: { text: 'fallback', blocksJson: JSON.stringify(blocks), attachmentsJson: JSON.stringify(attachments) } },
    withToken(seed.token),
  );
  const [message] = await harness.sim.control.messages(channel);
  expect(message?.blocks).toEqual(blocks);
  expect(message?.attachments).toEqual([expect.objectContaining(attachments[0])]);
});

test('an ephemeral message is shown to the named user only', async () => {
  const channel = await newChannel('ephemeral');
  const user = seed.people[0]?.id ?? '';
  await harness.client.inviteToChannel({ channel, users: [user] }, withToken(seed.token));
  const result = await harness.client.postEphemeral({ channel, user, content: { text: 'only you' } }, withToken(seed.token));
  expect(result.messageTs).not.toBe('');
  expect(await harness.sim.control.ephemerals(channel)).toEqual([expect.objectContaining({ user, text: 'only you', source: 'api' })]);
});

test('an agent edit updates the posted message and a deletion removes it', async () => {
  const channel = await newChannel('edit-delete');
  const { ts } = await harness.client.postMessage({ channel, content: { text: 'first' } }, withToken(seed.token));
  await harness.client.updateMessage({ channel, ts, content: { text: 'second' } }, withToken(seed.token));
  expect((await harness.sim.control.messages(channel)).map((m) => m.text)).toEqual(['second']);
  await harness.client.deleteMessage({ channel, ts }, withToken(seed.token));
  expect(await harness.sim.control.messages(channel)).toEqual([]);
});

test('a reaction is added and removed, and repeating either counts as done', async () => {
  const channel = await newChannel('reactions');
  const { ts } = await harness.client.postMessage({ channel, content: { text: 'delivered' } }, withToken(seed.token));
  const reactions = async () => (await harness.sim.control.messages(channel))[0]?.reactions?.map((reaction) => reaction.name) ?? [];
  for (let i = 0; i < 2; i++) await harness.client.addReaction({ channel, ts, name: 'warning' }, withToken(seed.token));
  expect(await reactions()).toEqual(['warning']);
  for (let i = 0; i < 2; i++) await harness.client.removeReaction({ channel, ts, name: 'warning' }, withToken(seed.token));
  expect(await reactions()).toEqual([]);
});

test("a post's receipt is added in the workspace the message came from, with that workspace's token, after the answer", async () => {
  const agents = await seedWorkspace(harness.sim, 1);
  const { channel: agentChannel } = await harness.client.createChannel({ name: 'receipt-source' }, withToken(agents.token));
  const source = await harness.client.postMessage({ channel: agentChannel?.id ?? '', content: { text: 'from the agent' } }, withToken(agents.token));
  const channel = await newChannel('receipt-target');
  const receipt = { channel: agentChannel?.id ?? '', ts: source.ts, name: 'white_check_mark' };
  const both = { headers: { ...withToken(seed.token).headers, [SLACK_SOURCE_TOKEN_HEADER]: agents.token } };
  const posted = await harness.client.postMessage({ channel, content: { text: 'relayed' }, receipt }, both);
  expect((await harness.sim.control.messages(channel))[0]?.ts).toBe(posted.ts);
  const reactions = async () => (await harness.sim.control.messages(receipt.channel))[0]?.reactions?.map((reaction) => reaction.name) ?? [];
  expect(await waitFor(async () => ((await reactions()).length > 0 ? reactions() : undefined), { timeoutMs: 5_000 })).toEqual(['white_check_mark']);

  // Without the source workspace's token the receipt cannot be added: refused before anything is posted.
  const error = await rpcError(harness.client.postMessage({ channel, content: { text: 'not relayed' }, receipt }, withToken(seed.token)));
  expect(error.code).toBe(Code.Unauthenticated);
  expect(error.rawMessage).toContain(SLACK_SOURCE_TOKEN_HEADER);
  expect((await harness.sim.control.messages(channel)).map((message) => message.text)).toEqual(['relayed']);
  const blank = await rpcError(harness.client.postMessage({ channel, content: { text: 'not relayed' }, receipt: { ...receipt, name: ' ' } }, both));
  expect(blank).toMatchObject({ code: Code.InvalidArgument, rawMessage: 'receipt.name is required' });
});

test('a DM opens with the customer and its history comes back newest first', async () => {
  const user = seed.people[1]?.id ?? '';
  const { channel } = await harness.client.openDirectMessage({ user }, withToken(seed.token));
  expect(channel).toMatch(/^D/);
  for (const text of ['one', 'two', 'three']) await harness.client.postMessage({ channel, content: { text } }, withToken(seed.token));
  const history = await harness.client.getHistory({ channel, limit: 2 }, withToken(seed.token));
  expect(history.messages.map((m) => m.text)).toEqual(['three', 'two']);
  expect(history.messages[0]?.botId).toBe(seed.app.botId);
});

test('a channel is found by name, archived and unarchived, and repeating either counts as done', async () => {
  const channel = await newChannel('lifecycle');
  const found = await harness.client.findChannel({ name: 'lifecycle' }, withToken(seed.token));
  expect(found.channel).toMatchObject({ id: channel, name: 'lifecycle', isArchived: false });
  expect((await harness.client.findChannel({ name: 'no-such-channel' }, withToken(seed.token))).channel).toBeUndefined();

  expect(await harness.client.archiveChannel({ channel }, withToken(seed.token))).toMatchObject({ alreadyArchived: false });
  expect(await harness.client.archiveChannel({ channel }, withToken(seed.token))).toMatchObject({ alreadyArchived: true });
  expect((await harness.client.findChannel({ name: 'lifecycle' }, withToken(seed.token))).channel?.isArchived).toBe(true);
  expect(await harness.client.unarchiveChannel({ channel }, withToken(seed.token))).toMatchObject({ alreadyUnarchived: false });
  expect(await harness.client.unarchiveChannel({ channel }, withToken(seed.token))).toMatchObject({ alreadyUnarchived: true });
});

test('creating a channel whose name is taken is ALREADY_EXISTS with Slack error name_taken', async () => {
  await newChannel('taken');
  const error = await rpcError(harness.client.createChannel({ name: 'taken' }, withToken(seed.token)));
  expect(error.code).toBe(Code.AlreadyExists);
  expect(error.metadata.get('slack-error')).toBe('name_taken');
});

test('inviting agents adds them, and inviting them again counts as done', async () => {
  const channel = await newChannel('invites');
  const users = [seed.people[0]?.id ?? '', seed.people[1]?.id ?? ''];
  await harness.client.inviteToChannel({ channel, users }, withToken(seed.token));
  await harness.client.inviteToChannel({ channel, users }, withToken(seed.token));
  expect((await harness.sim.control.conversation(channel)).members).toEqual(expect.arrayContaining(users));
});

test('user info returns the profile a mirror needs', async () => {
  const person = seed.people[2];
  const { user } = await harness.client.getUserInfo({ user: person?.id ?? '' }, withToken(seed.token));
  expect(user).toMatchObject({ id: person?.id, teamId: seed.workspace.id, name: 'user2', realName: 'User 2', displayName: 'u2', isBot: false });
  expect(user?.imageUrl).toBe(person?.image72);
});

test('a response_url reply reaches the agent without any token', async () => {
  await harness.sim.control.updateApp(seed.app.appId, { slashCommands: [{ command: '/megatron', url: slashUrl }] });
  const channel = await newChannel('slash');
  const agent = seed.people[0]?.id ?? '';
  await harness.client.inviteToChannel({ channel, users: [agent] }, withToken(seed.token));
  const slash = await harness.sim.control.runSlashCommand({ teamId: seed.workspace.id, userId: agent, channel, command: '/megatron', text: 'help' });
  await harness.client.respondToUrl({
    responseUrl: slash.responseUrl,
    content: { text: 'Got it! The channel was closed.' },
    responseType: ResponseType.EPHEMERAL,
  });
  const replies = await harness.sim.control.responseUrlReplies(slash.responseUrl);
  expect(replies).toEqual([expect.objectContaining({ status: 200, body: { text: 'Got it! The channel was closed.', response_type: 'ephemeral' } })]);
});

test('a call without x-slack-token is refused as UNAUTHENTICATED and posts nothing', async () => {
  const channel = await newChannel('no-token');
  const error = await rpcError(harness.client.postMessage({ channel, content: { text: 'x' } }));
  expect(error.code).toBe(Code.Unauthenticated);
  expect(error.rawMessage).toContain('x-slack-token');
  expect(await harness.sim.control.messages(channel)).toEqual([]);
});

test('malformed blocks_json is refused naming the field, before Slack is called', async () => {
  const channel = await newChannel('bad-blocks');
  const error = await rpcError(harness.client.postMessage({ channel, content: { text: 'x', blocksJson: '{"type":' } }, withToken(seed.token)));
  expect(error.code).toBe(Code.InvalidArgument);
  expect(error.rawMessage).toContain('content.blocks_json');
  expect(await harness.sim.control.messages(channel)).toEqual([]);
});

test('a missing channel is INVALID_ARGUMENT naming the field', async () => {
  const error = await rpcError(harness.client.postMessage({ content: { text: 'x' } }, withToken(seed.token)));
  expect(error.code).toBe(Code.InvalidArgument);
  expect(error.rawMessage).toBe('channel is required');
});

test("Slack's channel_not_found comes back as NOT_FOUND with the Slack error in metadata", async () => {
  const error = await rpcError(harness.client.postMessage({ channel: 'C0NOSUCH', content: { text: 'x' } }, withToken(seed.token)));
  expect(error.code).toBe(Code.NotFound);
  expect(error.metadata.get('slack-error')).toBe('channel_not_found');
  expect(error.rawMessage).toContain('channel_not_found');
});
