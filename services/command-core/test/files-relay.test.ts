import { randomBytes } from 'node:crypto';
import type { Client } from '@connectrpc/connect';
import type { MegatronService, SlackFile } from '@megatron/contracts';
import type { SimMessage } from '@megatron/slack-sim';
import { waitFor } from '@megatron/testkit';
import { serveApi, startWorld, type World, type WorldApi } from './takeover-world.js';

jest.setTimeout(60_000);

const LIMIT = 64 * 1024;

let world: World;
let api: WorldApi;
let client: Client<typeof MegatronService>;
let channel = '';
let dm = '';

beforeAll(async () => {
  world = await startWorld({}, { connectionEnv: { FILE_MAX_BYTES: String(LIMIT) } });
  const { takeover } = await world.replica();
  api = await serveApi(world, takeover.megatronService);
  client = api.client((await world.admin.issueApiToken(world.organizationId, 'files-test')).token);
  const { customers, integration } = world;
  ({ channel: dm } = await world.sim.control.sendDirectMessage({ teamId: customers.team.id, userId: customers.phil.id, appId: customers.app.appId, text: 'hi bot' }));
  const { engagement } = await client.openEngagement({ customer: { teamId: customers.team.id, userId: customers.phil.id }, agentUserId: integration.alice.id });
  // Agents pause the bot before they write (an unpaused bot holds their messages).
  await client.pauseCustomer({ customer: { teamId: customers.team.id, userId: customers.phil.id } });
  channel = engagement?.channelId ?? '';
});

afterAll(async () => {
  await api?.close();
  await world?.close();
});

interface ImageAttachment {
  image_url?: string;
  title_link?: string;
  title?: string;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

function attachmentsOf(message: SimMessage | undefined): ImageAttachment[] {
  return (message?.attachments ?? []) as ImageAttachment[];
}

/** The file as the integrating app reports it: Slack's file object from the customer's DM. */
async function reportedFile(fileId: string): Promise<SlackFile> {
  const file = (await world.sim.control.files()).find((candidate) => candidate.id === fileId);
  if (!file) throw new Error(`no file ${fileId} in the simulator`);
  return { $typeName: 'megatron.v1.SlackFile', id: file.id, name: file.name, title: file.title, mimetype: file.mimetype, size: BigInt(file.size), urlPrivate: file.urlPrivate };
}

describe('file relay between the engagement channel and the customer, through S3', () => {
  it("relays an agent's shared image to the customer's DM as an image attachment whose presigned URL downloads the same bytes", async () => {
    const { integration } = world;
    const bytes = randomBytes(2048);
    await world.sim.control.shareFile({ teamId: integration.team.id, userId: integration.alice.id, channel, name: 'receipt.png', mimetype: 'image/png', contentBase64: bytes.toString('base64'), text: 'Here is your receipt' });
    const copy = await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.text === 'Here is your receipt'), { timeoutMs: 15_000 });
    const image = attachmentsOf(copy).find((attachment) => attachment.image_url);
    expect(image?.title).toBe('receipt.png');
    const url = new URL(image?.image_url ?? '');
    expect(`${url.protocol}//${url.host}`).toBe(process.env.S3_ENDPOINT);
    expect(url.pathname).toMatch(/\/temp\/[0-9a-f-]{36}\/receipt\.png$/);
    expect(url.searchParams.get('X-Amz-Expires')).not.toBeNull();
    expect((await download(url.toString())).equals(bytes)).toBe(true);
    expect(JSON.stringify(copy.attachments)).toContain('sent by Alice Smith from Acme');
  });

  it('relays a file shared without any text', async () => {
    const { integration } = world;
    const bytes = randomBytes(512);
    await world.sim.control.shareFile({ teamId: integration.team.id, userId: integration.alice.id, channel, name: 'manual.pdf', mimetype: 'application/pdf', contentBase64: bytes.toString('base64') });
    const copy = await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => attachmentsOf(message).some((attachment) => attachment.title === 'manual.pdf')), { timeoutMs: 15_000 });
    const link = attachmentsOf(copy).find((attachment) => attachment.title === 'manual.pdf')?.title_link ?? '';
    expect((await download(link)).equals(bytes)).toBe(true);
  });

  it("mirrors a customer's file reported through Incoming into the engagement channel the same way", async () => {
    const { customers } = world;
    const bytes = randomBytes(4096);
    const shared = await world.sim.control.shareFile({ teamId: customers.team.id, userId: customers.phil.id, channel: dm, name: 'screenshot.png', mimetype: 'image/png', contentBase64: bytes.toString('base64'), text: 'see this error' });
    const { result } = await client.incoming({
      message: { teamId: customers.team.id, userId: customers.phil.id, ts: shared.ts, content: { text: 'see this error' }, files: [await reportedFile(shared.fileId)] },
    });
    expect(result?.track).toBe(true);
    const mirror = (await world.sim.control.messages(channel)).find((message) => message.ts === result?.ts);
    expect(mirror).toMatchObject({ text: 'see this error', username: 'Phil' });
    const image = attachmentsOf(mirror).find((attachment) => attachment.image_url);
    expect((await download(image?.image_url ?? '')).equals(bytes)).toBe(true);
  });

  it('tells the agent when their file cannot be relayed, and still delivers the text', async () => {
    const { integration } = world;
    await world.sim.control.shareFile({ teamId: integration.team.id, userId: integration.alice.id, channel, name: 'huge.png', mimetype: 'image/png', contentBase64: randomBytes(LIMIT + 1).toString('base64'), text: 'a big one' });
    const ephemeral = await waitFor(async () => (await world.sim.control.ephemerals(channel)).find((candidate) => candidate.text.includes('huge.png')), { timeoutMs: 15_000 });
    expect(ephemeral.user).toBe(integration.alice.id);
    expect(ephemeral.text).toContain(`relay limit is ${LIMIT} bytes`);
    expect(ephemeral.text).not.toContain('Try sharing the file again');
    const copy = await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.text === 'a big one'), { timeoutMs: 15_000 });
    expect(attachmentsOf(copy).some((attachment) => attachment.image_url || attachment.title_link)).toBe(false);
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
  });
});
