import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { MessageContentSchema, type MessageContent } from '@megatron/contracts';
import { selectBroadcast, selectRecipientCopy, upsertFeedback, type BroadcastRow } from '../db/broadcasts.js';
import type { TakeoverContext } from './context.js';
import { customerWorkspace } from './customers.js';
import { withToken } from './slack-gateway.js';

/** A customer's click on 👍 or 👎 under a broadcast, as the app that received it reports it. */
export interface FeedbackClick {
  broadcastId: string;
  teamId: string;
  userId: string;
  positive: boolean;
}

const THANKS = 'Thanks for your feedback';

/**
 * The customer's copy once they answered: the broadcast as it was sent, and where the buttons were, the thanks
 * with the answer they gave. A broadcast of plain text was sent as a section block (connection-slack adds the
 * buttons to blocks), so it is shown the same way here.
 */
export function thankedCopy(broadcast: Pick<BroadcastRow, 'text' | 'blocks_json' | 'attachments_json'>, positive: boolean): MessageContent {
  const body = broadcast.blocks_json
    ? (JSON.parse(broadcast.blocks_json) as unknown[])
    : broadcast.text
      ? [{ type: 'section', text: { type: 'mrkdwn', text: broadcast.text } }]
      : [];
  const thanks = { type: 'context', elements: [{ type: 'mrkdwn', text: `${THANKS} ${positive ? '👍' : '👎'}` }] };
  return create(MessageContentSchema, { text: broadcast.text, blocksJson: JSON.stringify([...body, thanks]), attachmentsJson: broadcast.attachments_json });
}

/**
 * Records the answer (the customer's last click counts) and answers the click in place. Megatron updates the
 * customer's copy itself, with the workspace's bot token, rather than leaving it to the app's response_url: every
 * app gets the acknowledgement by reporting the click, and only a copy Megatron sent, found by broadcast and
 * customer, can be changed. Everything is checked before anything is stored: another organization's broadcast
 * is as unknown as a missing one.
 */
export async function recordFeedback(ctx: TakeoverContext, organizationId: string, click: FeedbackClick): Promise<void> {
  const { broadcastId, teamId, userId, positive } = click;
  const broadcast = await selectBroadcast(ctx.pool, broadcastId, organizationId);
  if (!broadcast) throw new ConnectError(`broadcast ${broadcastId} not found`, Code.NotFound);
  if (!broadcast.capture_feedback) throw new ConnectError(`broadcast ${broadcastId} did not ask for feedback (capture_feedback was false)`, Code.FailedPrecondition);
  const copy = await selectRecipientCopy(ctx.pool, broadcastId, teamId, userId);
  if (!copy) throw new ConnectError(`broadcast ${broadcastId} did not reach ${teamId}:${userId}`, Code.NotFound);
  const workspace = await customerWorkspace(ctx, organizationId, teamId);
  await upsertFeedback(ctx.pool, broadcastId, teamId, userId, positive);
  await ctx.customerTokens.call(workspace, (token) =>
    ctx.slack.updateMessage({ channel: copy.channel_id, ts: copy.ts, content: thankedCopy(broadcast, positive) }, withToken(token)),
  );
}
