import { randomBytes } from 'node:crypto';
import type { Client } from '@connectrpc/connect';
import type { MegatronService } from '@megatron/contracts';
import type { SimMessage } from '@megatron/slack-sim';
import { waitFor } from '@megatron/testkit';
import { philTakenOver, startApiWorld, type World, type WorldApi } from './takeover-world.js';

jest.setTimeout(60_000);

let world: World, api: WorldApi, client: Client<typeof MegatronService>;
let channel = '', dm = '';

beforeAll(async () => {
  ({ world, api, client } = await startApiWorld('presigned-test', { FILE_RELAY_MODE: 'presigned-url' }));
  ({ channel, dm } = await philTakenOver(world, client));
});

afterAll(async () => {
  await api?.close();
  await world?.close();
});

interface FileLink {
  image_url?: string;
  title_link?: string;
  title?: string;
}

const linksOf = (message: SimMessage | undefined): FileLink[] => (message?.attachments ?? []) as FileLink[];

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('files as presigned S3 links (FILE_RELAY_MODE=presigned-url)', () => {
  it("carries an agent's image in the customer's copy as a link to S3 that expires, with a card number in its name masked", async () => {
    const { integration } = world;
    const bytes = randomBytes(2048);
    await world.sim.control.shareFile({ teamId: integration.team.id, userId: integration.alice.id, channel, name: 'card 4111111111111111.png', mimetype: 'image/png', contentBase64: bytes.toString('base64'), text: 'Here is your receipt' });
    const copy = await waitFor(async () => (await world.sim.control.messages(dm)).find((message) => message.text === 'Here is your receipt'), { timeoutMs: 15_000 });
    const image = linksOf(copy).find((link) => link.image_url);
    expect(image?.title).toBe('card ****1111.png');
    const url = new URL(image?.image_url ?? '');
    expect(`${url.protocol}//${url.host}`).toBe(process.env.S3_ENDPOINT);
    expect(url.pathname).toMatch(/\/temp\/[0-9a-f-]{36}\/card_1111\.png$/);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect((await download(url.toString())).equals(bytes)).toBe(true);
    expect(JSON.stringify(copy.attachments)).toContain('sent by Alice Smith from Acme');
    expect((await world.sim.control.messages(dm)).filter((message) => message.subtype === 'file_share' && message.bot_id)).toEqual([]);
  });

  it("carries a customer's file in its mirror as a link", async () => {
    const { customers } = world;
    const bytes = randomBytes(4096);
    const shared = await world.sim.control.shareFile({ teamId: customers.team.id, userId: customers.phil.id, channel: dm, name: 'manual.pdf', mimetype: 'application/pdf', contentBase64: bytes.toString('base64'), text: 'the manual' });
    const file = (await world.sim.control.files()).find((candidate) => candidate.id === shared.fileId);
    const { result } = await client.incoming({
      message: {
        teamId: customers.team.id,
        userId: customers.phil.id,
        ts: shared.ts,
        content: { text: 'the manual' },
        files: [{ id: file?.id ?? '', name: file?.name ?? '', title: file?.title ?? '', mimetype: file?.mimetype ?? '', size: BigInt(file?.size ?? 0), urlPrivate: file?.urlPrivate ?? '' }],
      },
    });
    const mirror = (await world.sim.control.messages(channel)).find((message) => message.ts === result?.ts);
    expect(mirror).toMatchObject({ text: 'the manual', username: 'Phil' });
    const link = linksOf(mirror).find((candidate) => candidate.title === 'manual.pdf');
    expect((await download(link?.title_link ?? '')).equals(bytes)).toBe(true);
  });
});
