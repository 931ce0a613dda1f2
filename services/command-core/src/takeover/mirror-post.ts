import { create } from '@bufbuild/protobuf';
import { ConnectError } from '@connectrpc/connect';
import { MessageContentSchema, type MessageContent, type SlackFile } from '@megatron/contracts';
import type { Integration } from '../tenants/types.js';
import type { TakeoverContext } from './context.js';
import type { Customer } from './customers.js';
import { isPermanent } from './errors.js';
import { neutraliseForAgents } from './mentions.js';
import { maskContent, maskFileTitle } from './masking.js';
import { withToken } from './slack-gateway.js';

export const BOT_MIRROR_NAME = 'Bot';
const ROBOT_ICON = ':robot_face:';

/**
 * Attachments that show relayed files: images inline, anything else as a link. Names and titles are
 * masked here because these attachments are added after a mirror's content is masked, and forwards
 * to the customer use them too.
 */
export function fileAttachments(relayed: Array<{ file: SlackFile; url: string; mimetype: string }>): unknown[] {
  return relayed.map(({ file, url, mimetype }) => {
    const fallback = maskFileTitle(file.name || file.title);
    const title = maskFileTitle(file.title || file.name);
    return mimetype.startsWith('image/') ? { fallback, image_url: url, title } : { fallback, title, title_link: url };
  });
}

/** A file that could not be relayed, with words a person can act on. */
export interface FailedFile {
  name: string;
  reason: string;
  /** False when sharing it again cannot help (too large, refused for good). */
  retryable: boolean;
}

export interface RelayedFiles {
  attachments: unknown[];
  failed: FailedFile[];
}

export const NO_FILES: RelayedFiles = { attachments: [], failed: [] };

/**
 * Relays files from one side into S3 and returns attachments for the other side; a file that fails
 * is reported in `failed` so the caller tells a person instead of dropping it silently.
 */
export async function relayFiles(ctx: TakeoverContext, files: SlackFile[], sourceToken: string): Promise<RelayedFiles> {
  const relayed: Array<{ file: SlackFile; url: string; mimetype: string }> = [];
  const failed: FailedFile[] = [];
  for (const file of files) {
    try {
      // The destination token is only checked for re-uploads; presigned URLs need the source token alone.
      const result = await ctx.slack.relayFile({ file }, withToken(sourceToken, sourceToken));
      relayed.push({ file, url: result.url, mimetype: result.mimetype || file.mimetype });
    } catch (error) {
      ctx.logger.warn({ err: error, fileId: file.id }, 'file relay failed');
      failed.push({
        name: file.name || file.title || file.id,
        reason: error instanceof ConnectError ? error.rawMessage : 'unexpected error',
        retryable: !isPermanent(error),
      });
    }
  }
  return { attachments: fileAttachments(relayed), failed };
}

/** "a.png (why)" for each failed file. */
export function describeFailedFiles(failed: FailedFile[]): string {
  return failed.map((file) => `${file.name} (${file.reason})`).join(', ');
}

/** A mirror carries the note itself, so the agents reading the channel learn what they did not get. */
export function withFailedFilesNote(content: MessageContent, failed: FailedFile[]): MessageContent {
  if (failed.length === 0) return content;
  const note = `_(could not relay: ${describeFailedFiles(failed)})_`;
  return create(MessageContentSchema, { ...content, text: content.text ? `${content.text}\n${note}` : note });
}

function appendAttachments(content: MessageContent, extra: unknown[]): MessageContent {
  if (extra.length === 0) return content;
  const existing = content.attachmentsJson ? (JSON.parse(content.attachmentsJson) as unknown[]) : [];
  return create(MessageContentSchema, { ...content, attachmentsJson: JSON.stringify([...existing, ...extra]) });
}

/**
 * Posts a customer's or the bot's message into the engagement channel, masked first: agents never
 * need a card number, whoever typed it (SPEC §4 masks bot replies; customers paste them too).
 */
/**
 * A customer's or the bot's message as the agents may see it: card numbers masked, and the customer
 * workspace's mentions neutralised (their ids name nobody here, and `<!channel>` must ping nobody).
 */
export function contentForAgents(content: MessageContent): MessageContent {
  const masked = maskContent(content);
  return create(MessageContentSchema, { ...masked, text: neutraliseForAgents(masked.text) });
}

export async function postMirror(
  ctx: TakeoverContext,
  integration: Integration,
  channelId: string,
  customer: Customer,
  fromBot: boolean,
  content: MessageContent,
  extraAttachments: unknown[] = [],
): Promise<string> {
  const body = appendAttachments(contentForAgents(content), extraAttachments);
  const filled = body.text || body.blocksJson || body.attachmentsJson ? body : create(MessageContentSchema, { text: '_(empty message)_' });
  const { ts } = await ctx.slack.postMessage(
    {
      channel: channelId,
      content: filled,
      username: fromBot ? BOT_MIRROR_NAME : customer.name,
      ...(fromBot ? { iconEmoji: ROBOT_ICON } : customer.user.image_url ? { iconUrl: customer.user.image_url } : { iconEmoji: ':bust_in_silhouette:' }),
    },
    withToken(integration.botToken),
  );
  return ts;
}
