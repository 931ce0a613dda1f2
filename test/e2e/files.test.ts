import { randomBytes } from 'node:crypto';
import { waitFor } from '@megatron/testkit';
import type { Customer, Story } from '@megatron/sandbox';
import type { SimMessage } from '@megatron/slack-sim';
import { startE2eWorld, type E2eWorld } from './world.js';

const LIMIT = 64 * 1024;

interface FileAttachment {
  image_url?: string;
  title?: string;
}

const attachmentsOf = (message: SimMessage): FileAttachment[] => (message.attachments ?? []) as FileAttachment[];

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

// SPEC §6 with every real process: images travel both ways through S3 as presigned URLs.
describe('files and images between an agent and a customer', () => {
  let world: E2eWorld;
  let story: Story;
  let phil: Customer;
  let philDm: string;
  let channel: string;

  beforeAll(async () => {
    world = await startE2eWorld({ 'connection-slack': { FILE_MAX_BYTES: String(LIMIT) } });
    ({ story } = world);
    phil = story.customer('globex', 'phil');
    ({ channel: philDm } = await story.customerSays(phil, 'My screen shows an error'));
    channel = await story.takeOver(story.alice, phil);
  }, 90_000);

  afterAll(() => world?.close(), 30_000);

  it("an agent's image reaches the customer's DM as an image whose link downloads the same bytes", async () => {
    const bytes = randomBytes(3000);
    await story.control.shareFile({ teamId: story.seed.integration.workspace.id, userId: story.alice.id, channel, name: 'how-to.png', mimetype: 'image/png', contentBase64: bytes.toString('base64'), text: 'Follow these steps' });
    const copy = await story.waitForText(philDm, 'Follow these steps', 15_000);
    expect(copy.bot_id).toBe(phil.home.supportBot.botId);
    const image = attachmentsOf(copy).find((attachment) => attachment.image_url);
    expect(image?.title).toBe('how-to.png');
    expect((await download(image?.image_url ?? '')).equals(bytes)).toBe(true);
  });

  it("an agent's edit of a message that carried an image changes the text and keeps the image", async () => {
    const shared = await story.control.shareFile({ teamId: story.seed.integration.workspace.id, userId: story.alice.id, channel, name: 'diagram.png', mimetype: 'image/png', contentBase64: randomBytes(2000).toString('base64'), text: 'See the diagram' });
    const copy = await story.waitForText(philDm, 'See the diagram', 15_000);
    await story.agentEdits(story.alice, channel, shared.ts, 'See the corrected diagram');
    const edited = await story.waitForMessage(philDm, (message) => message.ts === copy.ts && message.text.startsWith('See the corrected diagram'), 'the edited copy', 15_000);
    expect(attachmentsOf(edited).find((attachment) => attachment.image_url)?.title).toBe('diagram.png');
    expect(JSON.stringify(edited.attachments)).toContain('sent by');
  });

  it("a customer's screenshot, reported by the bot, is mirrored into the engagement channel the same way", async () => {
    const bytes = randomBytes(5000);
    await story.control.shareFile({ teamId: phil.home.workspace.id, userId: phil.user.id, channel: philDm, name: 'error.png', mimetype: 'image/png', contentBase64: bytes.toString('base64'), text: 'this is what I see' });
    const mirror = await story.waitForText(channel, 'this is what I see', 15_000);
    const image = attachmentsOf(mirror).find((attachment) => attachment.image_url);
    expect((await download(image?.image_url ?? '')).equals(bytes)).toBe(true);
  });

  it('a file over the size limit is not dropped silently: the agent is told why', async () => {
    await story.control.shareFile({ teamId: story.seed.integration.workspace.id, userId: story.alice.id, channel, name: 'recording.png', mimetype: 'image/png', contentBase64: randomBytes(LIMIT + 1).toString('base64'), text: 'A recording' });
    const told = await waitFor(async () => (await story.control.ephemerals(channel)).find((ephemeral) => ephemeral.text.includes('recording.png')), { what: 'the agent to be told', timeoutMs: 15_000 });
    expect(told.user).toBe(story.alice.id);
    expect(told.text).toContain(`relay limit is ${LIMIT} bytes`);
    await story.waitForText(philDm, 'A recording', 15_000);
  });
});
