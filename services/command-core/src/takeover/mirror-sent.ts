import { create } from '@bufbuild/protobuf';
import { MessageContentSchema, type MessageContent } from '@megatron/contracts';
import { selectOpenByCustomers } from '../db/engagements.js';
import { insertLinkAndTouch } from '../db/message-links.js';
import type { TakeoverContext } from './context.js';
import { ensureCustomer } from './customers.js';
import { tsToDate } from './history.js';
import { postMirror } from './mirror-post.js';

/** A message Megatron DMed a customer on the app's behalf: who, and where the customer's copy is. */
export interface SentCopy {
  teamId: string;
  userId: string;
  channelId: string;
  ts: string;
}

/** How the agents tell a message the app sent through Megatron from one the bot wrote in the conversation. */
export type SentBy = { kind: 'broadcast'; captureFeedback: boolean } | { kind: 'api' };

function labelOf(sentBy: SentBy): string {
  if (sentBy.kind === 'api') return ':outbox_tray: *Sent by the app through the API:*';
  return sentBy.captureFeedback ? ':mega: *Broadcast sent to the customer, with 👍/👎 feedback buttons:*' : ':mega: *Broadcast sent to the customer:*';
}

// chat.postMessage takes at most 50 blocks (docs.slack.dev/reference/block-kit/blocks).
const SLACK_MAX_BLOCKS = 50;

/** The message as sent, led by the label: in the text, and as a first block when Slack shows blocks instead of the text. */
export function markedAs(content: MessageContent, sentBy: SentBy): MessageContent {
  const label = labelOf(sentBy);
  const text = content.text ? `${label}\n${content.text}` : label;
  if (!content.blocksJson) return create(MessageContentSchema, { ...content, text });
  const blocks = JSON.parse(content.blocksJson) as unknown[];
  const labelled = blocks.length < SLACK_MAX_BLOCKS ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: label }] }, ...blocks] : blocks;
  return create(MessageContentSchema, { ...content, text, blocksJson: JSON.stringify(labelled) });
}

/**
 * Shows the agents what their customers were sent: each copy whose customer has an open engagement channel in the
 * organization is mirrored there as the bot's message (masked like every bot reply) and linked, so a later edit
 * reported by the app follows it. One query finds the channels, so customers without one cost nothing more. The
 * customer already has the message: a mirror that fails is logged, never the caller's failure.
 */
export async function mirrorSentCopies(ctx: TakeoverContext, organizationId: string, copies: SentCopy[], content: MessageContent, sentBy: SentBy): Promise<void> {
  const engaged = await selectOpenByCustomers(ctx.pool, organizationId, copies);
  if (engaged.length === 0) return;
  const integration = await ctx.tenants.integrationOf(organizationId);
  if (!integration) return;
  const copyOf = new Map(copies.map((copy) => [`${copy.teamId}:${copy.userId}`, copy]));
  const marked = markedAs(content, sentBy);
  for (const engagement of engaged) {
    const copy = copyOf.get(`${engagement.team_id}:${engagement.user_id}`);
    if (!copy) continue;
    try {
      const customer = await ensureCustomer(ctx, organizationId, engagement.team_id, engagement.user_id);
      const integrationTs = await postMirror(ctx, integration, engagement.channel_id, customer, true, marked);
      const link = {
        engagement_channel_id: engagement.id,
        direction: 'to_channel' as const,
        integration_ts: integrationTs,
        customer_channel_id: copy.channelId,
        customer_ts: copy.ts,
        // The key an app's report of the same message would use: it then answers this mirror instead of posting another.
        idempotency_key: `mirror:${engagement.id}:${copy.ts}`,
      };
      await insertLinkAndTouch(ctx.pool, link, tsToDate(copy.ts));
    } catch (error) {
      ctx.logger.warn({ err: error, organizationId, channel: engagement.channel_id, kind: sentBy.kind }, 'could not mirror a message sent to the customer');
    }
  }
}
