import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import { MessageContentSchema, MirrorResultSchema, type MirrorResult, type ReportedMessage } from '@megatron/contracts';
import { selectByCustomer, selectByCustomerUserId, type EngagementRow } from '../../db/engagements.js';
import { insertLinkAndTouch, selectLinkByCustomerTs, selectLinkByKey } from '../../db/message-links.js';
import type { TakeoverContext } from '../../takeover/context.js';
import { ensureCustomer } from '../../takeover/customers.js';
import { tsToDate } from '../../takeover/history.js';
import { maskContent } from '../../takeover/masking.js';
import { forwardKeyOf } from '../../takeover/messages.js';
import { NO_FILES, postMirror, relayFiles, withFailedFilesNote } from '../../takeover/mirror-post.js';
import { withToken } from '../../takeover/slack-gateway.js';
import { apiActor, organizationIdOf, requireField } from './api-actor.js';

const untracked = (): MirrorResult => create(MirrorResultSchema, { track: false });

async function trackedEngagement(ctx: TakeoverContext, organizationId: string, message: ReportedMessage): Promise<EngagementRow | undefined> {
  const userId = requireField(message.userId, 'message.user_id');
  if (message.teamId) {
    const row = await selectByCustomer(ctx.pool, organizationId, message.teamId, userId);
    return row && !row.is_archived ? row : undefined;
  }
  const open = (await selectByCustomerUserId(ctx.pool, organizationId, userId)).filter((row) => !row.is_archived);
  if (open.length > 1) throw new ConnectError(`user ${userId} has engagements in several workspaces; give message.team_id`, Code.InvalidArgument);
  return open[0];
}

/** Mirrors a customer's (fromBot false) or the bot's (fromBot true) message, masked, into the engagement channel. */
export async function mirrorMessage(ctx: TakeoverContext, context: HandlerContext, message: ReportedMessage | undefined, fromBot: boolean): Promise<MirrorResult> {
  if (!message) throw new ConnectError('message is required', Code.InvalidArgument);
  const ts = requireField(message.ts, 'message.ts');
  const engagement = await trackedEngagement(ctx, organizationIdOf(context), message);
  if (!engagement) return untracked();
  // Any link of this DM message answers: a repeated report or one already imported with the history
  // (its mirror), or Megatron's own forwarded copy reported back by the app (the agent's original,
  // never echoed). Scoped by the engagement, so another organization serving the same customer keeps its own.
  const linked = await selectLinkByCustomerTs(ctx.pool, engagement.id, ts);
  if (linked) return create(MirrorResultSchema, { track: true, channelId: engagement.channel_id, ts: linked.integration_ts });
  // Megatron's own copy reported before its link was recorded (the app is quick): recognised by its
  // footer, never echoed; ts is the agent's original once known.
  const ownKey = forwardKeyOf(message.content?.attachmentsJson ?? '');
  if (ownKey) {
    const own = await selectLinkByKey(ctx.pool, ownKey);
    return create(MirrorResultSchema, { track: true, channelId: engagement.channel_id, ts: own?.integration_ts ?? '' });
  }
  const actor = await apiActor(ctx, context);
  const customer = await ensureCustomer(ctx, engagement.organization_id, engagement.team_id, engagement.user_id);
  const files = message.files.length ? await ctx.customerTokens.call(customer.workspace, (token) => relayFiles(ctx, message.files, token)) : NO_FILES;
  const body = withFailedFilesNote(message.content ?? create(MessageContentSchema, {}), files.failed);
  const integrationTs = await postMirror(ctx, actor.integration, engagement.channel_id, customer, fromBot, body, files.attachments);
  const link = {
    engagement_channel_id: engagement.id,
    direction: 'to_channel' as const,
    integration_ts: integrationTs,
    customer_channel_id: customer.user.dm_channel_id,
    customer_ts: ts,
    idempotency_key: `mirror:${engagement.id}:${ts}`,
  };
  await insertLinkAndTouch(ctx.pool, link, tsToDate(ts));
  return create(MirrorResultSchema, { track: true, channelId: engagement.channel_id, ts: integrationTs });
}

/** A customer's or the bot's edit updates its (masked) mirror; a message never mirrored is untracked. */
export async function mirrorEdit(ctx: TakeoverContext, context: HandlerContext, message: ReportedMessage | undefined): Promise<MirrorResult> {
  if (!message) throw new ConnectError('message is required', Code.InvalidArgument);
  const ts = requireField(message.ts, 'message.ts');
  const engagement = await trackedEngagement(ctx, organizationIdOf(context), message);
  if (!engagement) return untracked();
  const link = await selectLinkByCustomerTs(ctx.pool, engagement.id, ts);
  if (!link || link.direction !== 'to_channel') return untracked();
  const actor = await apiActor(ctx, context);
  const content = message.content ?? create(MessageContentSchema, {});
  await ctx.slack.updateMessage(
    { channel: engagement.channel_id, ts: link.integration_ts, content: maskContent(content) },
    withToken(actor.integration.botToken),
  );
  return create(MirrorResultSchema, { track: true, channelId: engagement.channel_id, ts: link.integration_ts });
}
