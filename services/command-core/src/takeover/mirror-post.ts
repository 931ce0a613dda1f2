import { create } from '@bufbuild/protobuf';
import { MessageContentSchema, type MessageContent, type SlackFile } from '@megatron/contracts';
import type { Integration } from '../tenants/types.js';
import type { TakeoverContext } from './context.js';
import type { Customer } from './customers.js';
import { describeFailedFiles, isReupload, maskedFile, relayAsLinks, shareFiles, toAgents, type FailedFile } from './file-relay.js';
import { neutraliseForAgents } from './mentions.js';
import { maskContent } from './masking.js';
import { withToken } from './slack-gateway.js';

const ROBOT_ICON = ':robot_face:';

/**
 * A customer's or the bot's message as the agents may see it: card numbers masked, and the customer
 * workspace's mentions neutralised (their ids name nobody here, and `<!channel>` must ping nobody).
 */
export function contentForAgents(content: MessageContent): MessageContent {
  const masked = maskContent(content);
  return create(MessageContentSchema, { ...masked, text: neutraliseForAgents(masked.text) });
}

function appendAttachments(content: MessageContent, extra: unknown[]): MessageContent {
  if (extra.length === 0) return content;
  const existing = content.attachmentsJson ? (JSON.parse(content.attachmentsJson) as unknown[]) : [];
  return create(MessageContentSchema, { ...content, attachmentsJson: JSON.stringify([...existing, ...extra]) });
}

/** What a mirror shows: the content for agents with the links of its files, never an empty message. */
function mirrorBody(content: MessageContent, fileLinks: unknown[] = []): MessageContent {
  const body = appendAttachments(contentForAgents(content), fileLinks);
  return body.text || body.blocksJson || body.attachmentsJson ? body : create(MessageContentSchema, { text: '_(empty message)_' });
}

/** A mirror carries the note itself, so the agents reading the channel learn what they did not get. */
function withFailedFilesNote(content: MessageContent, failed: FailedFile[]): MessageContent {
  if (failed.length === 0) return content;
  const note = `_(could not relay: ${describeFailedFiles(failed)})_`;
  return create(MessageContentSchema, { ...content, text: content.text ? `${content.text}\n${note}` : note });
}

/** A message that is only files says so under its sender's name, above the files shared after it. */
function withSharedLine(content: MessageContent, files: SlackFile[]): MessageContent {
  if (content.text || content.blocksJson || content.attachmentsJson) return content;
  return create(MessageContentSchema, { text: `_shared ${files.map((file) => maskedFile(file).name).join(', ')}_` });
}

/** The bot under its own name and avatar in the customer's workspace (the robot when it has none); a customer under theirs. */
async function authorOf(ctx: TakeoverContext, customer: Customer, fromBot: boolean) {
  if (fromBot) {
    const bot = await ctx.botIdentities.of(customer.workspace);
    return { username: bot.name, ...(bot.iconUrl ? { iconUrl: bot.iconUrl } : { iconEmoji: ROBOT_ICON }) };
  }
  return { username: customer.name, ...(customer.user.image_url ? { iconUrl: customer.user.image_url } : { iconEmoji: ':bust_in_silhouette:' }) };
}

/**
 * Posts a customer's or the bot's message into the engagement channel with its files, masked first: agents never
 * need a card number, whoever typed it (SPEC §4 masks bot replies; customers paste them too). Re-upload mode shares
 * the files right after the message and, when some could not be relayed, adds a note to it; presigned mode carries
 * them as links, with the note from the start.
 */
export async function postMirror(
  ctx: TakeoverContext,
  integration: Integration,
  channelId: string,
  customer: Customer,
  fromBot: boolean,
  content: MessageContent,
  files: SlackFile[] = [],
): Promise<string> {
  const author = await authorOf(ctx, customer, fromBot);
  const post = async (body: MessageContent) => (await ctx.slack.postMessage({ channel: channelId, content: body, ...author }, withToken(integration.botToken))).ts;
  if (files.length === 0) return post(mirrorBody(content));
  const route = toAgents(ctx, integration, customer.workspace, channelId);
  if (!isReupload(ctx)) {
    const relayed = await relayAsLinks(ctx, files, route);
    return post(mirrorBody(withFailedFilesNote(content, relayed.failed), relayed.attachments));
  }
  const shown = withSharedLine(content, files);
  const ts = await post(mirrorBody(shown));
  const failed = await shareFiles(ctx, files, route);
  if (failed.length === 0) return ts;
  try {
    await ctx.slack.updateMessage({ channel: channelId, ts, content: mirrorBody(withFailedFilesNote(shown, failed)) }, withToken(integration.botToken));
  } catch (error) {
    // The mirror is there and must be linked; only the note is missing, and the failed files were logged.
    ctx.logger.warn({ err: error, channel: channelId, ts }, 'could not add the failed-files note to a mirror');
  }
  return ts;
}
