import { randomBytes } from 'node:crypto';
import { waitFor } from '@megatron/testkit';
import type { Customer, Story } from '@megatron/sandbox';
import type { SimMessage } from '@megatron/slack-sim';
import { startE2eWorld, type E2eWorld } from './world.js';

const LIMIT = 64 * 1024;

/** The one file a message shares and its bytes, downloaded from `url_private` as a client of its workspace would. */
async function fileOf(message: SimMessage, token: string) {
  const [file, ...more] = message.files ?? [];
  if (!file || more.length) throw new Error(`expected one file in message ${message.ts}`);
  const url = new URL(file.url_private);
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return { file, url, bytes: Buffer.from(await response.arrayBuffer()) };
}

// SPEC §6 with every real process: files travel both ways re-uploaded into the other workspace (the default mode),
// so what the other side gets is a file of its own workspace, with no link that expires.
describe('files and images between an agent and a customer', () => {
  let world: E2eWorld;
  let story: Story;
  let phil: Customer;
  let philDm: string;
  let channel: string;

  /** The message right after `message` in its conversation, once there. */
  const next = (conversation: string, message: SimMessage, what: string) =>
    story.waitForMessage(conversation, (candidate) => Number(candidate.ts) > Number(message.ts), what, 15_000);

  beforeAll(async () => {
    world = await startE2eWorld({ 'connection-slack': { FILE_MAX_BYTES: String(LIMIT) } });
    ({ story } = world);
    phil = story.customer('globex', 'phil');
    ({ channel: philDm } = await story.customerSays(phil, 'My screen shows an error'));
    channel = await story.takeOver(story.alice, phil);
  }, 90_000);

  afterAll(() => world?.close(), 30_000);

  it("an agent's image reaches the customer's DM right after their words, as a file of the customer's workspace with no expiry", async () => {
    const bytes = randomBytes(3000);
    await story.control.shareFile({ teamId: story.seed.integration.workspace.id, userId: story.alice.id, channel, name: 'how-to.png', mimetype: 'image/png', contentBase64: bytes.toString('base64'), text: 'Follow these steps' });
    const copy = await story.waitForText(philDm, 'Follow these steps', 15_000);
    expect(copy.bot_id).toBe(phil.home.supportBot.botId);
    const share = await next(philDm, copy, 'the shared image');
    expect(share).toMatchObject({ subtype: 'file_share', bot_id: phil.home.supportBot.botId });
    const { file, url, bytes: downloaded } = await fileOf(share, phil.home.supportBot.botToken);
    expect(file).toMatchObject({ name: 'how-to.png', mimetype: 'image/png', user_team: phil.home.workspace.id });
    expect(downloaded.equals(bytes)).toBe(true);
    // Slack's url_private, not a presigned S3 URL: it works for as long as the file exists in the workspace.
    expect([...url.searchParams.keys()]).toEqual([]);
    expect(url.pathname).toMatch(/^\/files-pri\//);
  });

  it("an agent's edit of a message that carried an image changes the text and the customer keeps the image", async () => {
    const shared = await story.control.shareFile({ teamId: story.seed.integration.workspace.id, userId: story.alice.id, channel, name: 'diagram.png', mimetype: 'image/png', contentBase64: randomBytes(2000).toString('base64'), text: 'See the diagram' });
    const copy = await story.waitForText(philDm, 'See the diagram', 15_000);
    const share = await next(philDm, copy, 'the shared diagram');
    await story.agentEdits(story.alice, channel, shared.ts, 'See the corrected diagram');
    const edited = await story.waitForMessage(philDm, (message) => message.ts === copy.ts && message.text.startsWith('See the corrected diagram'), 'the edited copy', 15_000);
    expect(JSON.stringify(edited.attachments)).toContain('sent by');
    const stillThere = (await story.control.messages(philDm)).find((message) => message.ts === share.ts);
    expect(stillThere?.files?.map((file) => file.name)).toEqual(['diagram.png']);
  });

  it("a customer's screenshot, reported by the bot, is shared into the engagement channel right after their words", async () => {
    const bytes = randomBytes(5000);
    await story.control.shareFile({ teamId: phil.home.workspace.id, userId: phil.user.id, channel: philDm, name: 'error.png', mimetype: 'image/png', contentBase64: bytes.toString('base64'), text: 'this is what I see' });
    const mirror = await story.waitForText(channel, 'this is what I see', 15_000);
    const share = await next(channel, mirror, 'the shared screenshot');
    const { megatron } = story.seed.integration;
    expect(share).toMatchObject({ subtype: 'file_share', bot_id: megatron.botId });
    expect((await fileOf(share, megatron.botToken)).bytes.equals(bytes)).toBe(true);
  });

  it('a file over the size limit is not dropped silently: the agent is told why', async () => {
    await story.control.shareFile({ teamId: story.seed.integration.workspace.id, userId: story.alice.id, channel, name: 'recording.png', mimetype: 'image/png', contentBase64: randomBytes(LIMIT + 1).toString('base64'), text: 'A recording' });
    const told = await waitFor(async () => (await story.control.ephemerals(channel)).find((ephemeral) => ephemeral.text.includes('recording.png')), { what: 'the agent to be told', timeoutMs: 15_000 });
    expect(told.user).toBe(story.alice.id);
    expect(told.text).toContain(`relay limit is ${LIMIT} bytes`);
    await story.waitForText(philDm, 'A recording', 15_000);
  });
});
