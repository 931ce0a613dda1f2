import { randomBytes } from 'node:crypto';
import type { Client } from '@connectrpc/connect';
import type { MegatronService, SlackFile } from '@megatron/contracts';
import type { SimMessage } from '@megatron/slack-sim';
import { waitFor } from '@megatron/testkit';
import { philTakenOver, startApiWorld, type World, type WorldApi } from './takeover-world.js';

jest.setTimeout(60_000);

const LIMIT = 64 * 1024;

let world: World, api: WorldApi, client: Client<typeof MegatronService>;
let channel = '', dm = '';

beforeAll(async () => {
  // Re-upload is the default mode. A share whose outcome is unknown is looked for after half a second here.
  ({ world, api, client } = await startApiWorld('files-test', { UNCERTAIN_POST_RECHECK_MS: '500' }, { connectionEnv: { FILE_MAX_BYTES: String(LIMIT) } }));
  ({ channel, dm } = await philTakenOver(world, client));
});

afterAll(async () => {
  await api?.close();
  await world?.close();
});

/** The file a message shares, with its bytes as a client holding `token` downloads them from `url_private`. */
async function sharedFile(message: SimMessage | undefined, token: string) {
  const [file, ...more] = message?.files ?? [];
  expect(more).toEqual([]);
  const url = new URL(file?.url_private ?? '');
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
  expect(response.status).toBe(200);
  return { file, url, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** Messages of `conversation` after the one at `ts`, in order. */
async function after(conversation: string, ts: string): Promise<SimMessage[]> {
  return (await world.sim.control.messages(conversation)).filter((message) => Number(message.ts) > Number(ts));
}

const agentShares = (name: string, bytes: Buffer, text?: string) =>
  world.sim.control.shareFile({ teamId: world.integration.team.id, userId: world.integration.alice.id, channel, name, mimetype: name.endsWith('.png') ? 'image/png' : 'application/pdf', contentBase64: bytes.toString('base64'), ...(text ? { text } : {}) });

/** The file as the integrating app reports it: Slack's file object from the customer's DM. */
async function reportedFile(fileId: string): Promise<SlackFile> {
  const file = (await world.sim.control.files()).find((candidate) => candidate.id === fileId);
  if (!file) throw new Error(`no file ${fileId} in the simulator`);
  return { $typeName: 'megatron.v1.SlackFile', id: file.id, name: file.name, title: file.title, mimetype: file.mimetype, size: BigInt(file.size), urlPrivate: file.urlPrivate };
}

describe('files re-uploaded between the engagement channel and the customer (the default)', () => {
  it("shares an agent's image into the customer's DM right after the copy of their words, as a file of the customer's workspace that does not expire", async () => {
    const { customers } = world;
    const bytes = randomBytes(2048);
    await agentShares('receipt.png', bytes, 'Here is your receipt');
    const copy = await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.text === 'Here is your receipt'), { timeoutMs: 15_000 });
    expect(JSON.stringify(copy.attachments)).toContain('sent by Alice Smith from Acme');
    expect(JSON.stringify(copy.attachments)).not.toContain('receipt.png');
    const [share, ...later] = await waitFor(async () => ((await after(dm, copy.ts)).length ? after(dm, copy.ts) : undefined), { timeoutMs: 15_000 });
    expect(later).toEqual([]);
    expect(share).toMatchObject({ subtype: 'file_share', bot_id: customers.app.botId, text: '' });
    const { file, url, bytes: downloaded } = await sharedFile(share, customers.app.botToken);
    expect(downloaded.equals(bytes)).toBe(true);
    expect(file).toMatchObject({ name: 'receipt.png', title: 'receipt.png', user_team: customers.team.id });
    // Slack's own file URL, no S3 and no presigned expiry: it answers as long as the file exists.
    expect(`${url.protocol}//${url.host}`).toBe(new URL(world.sim.apiUrl).origin);
    expect([...url.searchParams.keys()]).toEqual([]);
  });

  it('shares a file sent without any text after a copy that carries only who sent it, with a card number in its name masked', async () => {
    const { customers } = world;
    await agentShares('statement 4111 1111 1111 1111.pdf', randomBytes(512));
    const share = await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.files?.some((file) => file.name.startsWith('statement'))), { timeoutMs: 15_000 });
    const { file } = await sharedFile(share, customers.app.botToken);
    expect(file).toMatchObject({ name: 'statement_1111.pdf', title: 'statement ****1111.pdf' });
    expect(JSON.stringify(share)).not.toContain('4111 1111');
    const copy = (await world.sim.control.messages(dm)).filter((message) => Number(message.ts) < Number(share.ts)).at(-1);
    expect(copy?.text).toBe('');
    expect(JSON.stringify(copy?.attachments)).toContain('sent by Alice Smith from Acme');
  });

  it("mirrors a customer's file reported through Incoming into the engagement channel, right after the customer's words", async () => {
    const { customers, integration } = world;
    const bytes = randomBytes(4096);
    const shared = await world.sim.control.shareFile({ teamId: customers.team.id, userId: customers.phil.id, channel: dm, name: 'screenshot.png', mimetype: 'image/png', contentBase64: bytes.toString('base64'), text: 'see this error' });
    const { result } = await client.incoming({
      message: { teamId: customers.team.id, userId: customers.phil.id, ts: shared.ts, content: { text: 'see this error' }, files: [await reportedFile(shared.fileId)] },
    });
    expect(result?.track).toBe(true);
    const mirror = (await world.sim.control.messages(channel)).find((message) => message.ts === result?.ts);
    expect(mirror).toMatchObject({ text: 'see this error', username: 'Phil' });
    const [share, ...later] = await after(channel, result?.ts ?? '');
    expect(later).toEqual([]);
    expect(share).toMatchObject({ subtype: 'file_share', bot_id: integration.app.botId });
    expect((await sharedFile(share, integration.app.botToken)).bytes.equals(bytes)).toBe(true);
  });

  it("says under the customer's name that they shared a file when that is all they sent", async () => {
    const { customers, integration } = world;
    const shared = await world.sim.control.shareFile({ teamId: customers.team.id, userId: customers.phil.id, channel: dm, name: 'photo.png', mimetype: 'image/png', contentBase64: randomBytes(100).toString('base64') });
    const { result } = await client.incoming({ message: { teamId: customers.team.id, userId: customers.phil.id, ts: shared.ts, files: [await reportedFile(shared.fileId)] } });
    const mirror = (await world.sim.control.messages(channel)).find((message) => message.ts === result?.ts);
    expect(mirror).toMatchObject({ text: '_shared photo.png_', username: 'Phil' });
    const [share] = await after(channel, result?.ts ?? '');
    expect((await sharedFile(share, integration.app.botToken)).file?.name).toBe('photo.png');
  });

  it('tells the agent when their file cannot be relayed, and still delivers the text', async () => {
    const { integration } = world;
    await agentShares('huge.png', randomBytes(LIMIT + 1), 'a big one');
    const ephemeral = await waitFor(async () => (await world.sim.control.ephemerals(channel)).find((candidate) => candidate.text.includes('huge.png')), { timeoutMs: 15_000 });
    expect(ephemeral.user).toBe(integration.alice.id);
    expect(ephemeral.text).toContain(`relay limit is ${LIMIT} bytes`);
    expect(ephemeral.text).not.toContain('Try sharing the file again');
    const copy = (await world.sim.control.messages(dm)).find((message) => message.text === 'a big one');
    expect(copy).toBeDefined();
    expect(await after(dm, copy?.ts ?? '')).toEqual([]);
  });

  it("tells the agents in the channel when a customer's file cannot be relayed", async () => {
    const { customers } = world;
    const shared = await world.sim.control.shareFile({ teamId: customers.team.id, userId: customers.phil.id, channel: dm, name: 'video.png', mimetype: 'image/png', contentBase64: randomBytes(LIMIT + 1).toString('base64'), text: 'a video' });
    const { result } = await client.incoming({
      message: { teamId: customers.team.id, userId: customers.phil.id, ts: shared.ts, content: { text: 'a video' }, files: [await reportedFile(shared.fileId)] },
    });
    const mirror = (await world.sim.control.messages(channel)).find((message) => message.ts === result?.ts);
    expect(mirror?.text).toContain('a video');
    expect(mirror?.text).toContain('could not relay: video.png');
    expect(mirror?.text).toContain(`relay limit is ${LIMIT} bytes`);
    expect(await after(channel, result?.ts ?? '')).toEqual([]);
  });

  describe('a share whose outcome is unknown is looked for before it is repeated', () => {
    afterEach(() => world.sim.control.clearFaults());

    it('Slack shared it, then the connection dropped: the customer gets it once and the agent is told nothing', async () => {
      await world.sim.control.fault({ kind: 'reset_after_send', method: 'files.completeUploadExternal', channel: dm });
      await agentShares('once.pdf', randomBytes(300), 'one copy please');
      const copy = await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.text === 'one copy please'), { timeoutMs: 15_000 });
      // The recheck runs after UNCERTAIN_POST_RECHECK_MS; the channel moves on only once it is done.
      await agentShares('next.pdf', randomBytes(300), 'and the next one');
      await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.files?.some((file) => file.name === 'next.pdf')), { timeoutMs: 15_000 });
      const names = (await after(dm, copy.ts)).map((message) => message.text || message.files?.map((file) => file.name).join());
      expect(names).toEqual(['once.pdf', 'and the next one', 'next.pdf']);
      expect((await world.sim.control.ephemerals(channel)).filter((ephemeral) => ephemeral.text.includes('once.pdf'))).toEqual([]);
    });

    it('the connection dropped before Slack shared it: it is shared on the retry, once', async () => {
      await world.sim.control.fault({ kind: 'drop', method: 'files.completeUploadExternal', channel: dm });
      await agentShares('retried.pdf', randomBytes(300), 'after a drop');
      const share = await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.files?.some((file) => file.name === 'retried.pdf')), { timeoutMs: 15_000 });
      const copy = (await world.sim.control.messages(dm)).find((message) => message.text === 'after a drop');
      expect(Number(share.ts)).toBeGreaterThan(Number(copy?.ts));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await world.sim.control.messages(dm)).filter((message) => message.files?.some((file) => file.name === 'retried.pdf'))).toHaveLength(1);
    });
  });
});
