import { create, toJson } from '@bufbuild/protobuf';
import { MessageContentSchema, MirrorResultSchema, SlackFileSchema, type MirrorResult, type ReportedMessage } from '@megatron/contracts';
import { recordFirstCustomerMessage, selectByCustomer, selectByCustomerUserId, type EngagementRow } from '../db/engagements.js';
import { deleteLink, insertLinkAndTouch, selectLinkByCustomerTs, selectLinkByKey } from '../db/message-links.js';
import { deleteTranscriptMessage, updateTranscriptText, upsertTranscriptMessage } from '../db/transcript.js';
import type { Actor, TakeoverContext } from './context.js';
import { ensureCustomer } from './customers.js';
import { waitForLifecycle } from './lifecycle/run-lifecycle.js';
import { FieldError, isSlackError } from './errors.js';
import { forwardKeyOf } from './forward-key.js';
import { tsToDate } from './history.js';
import { contentForAgents, postMirror } from './mirror-post.js';
import { withToken } from './slack-gateway.js';

const untracked = (): MirrorResult => create(MirrorResultSchema, { track: false });

/** The open engagement a reported message belongs to; a user id alone must name one workspace. */
async function trackedEngagement(ctx: TakeoverContext, actor: Actor, message: ReportedMessage): Promise<EngagementRow | undefined> {
  const organizationId = actor.organization.id;
  if (message.teamId) {
    const row = await selectByCustomer(ctx.pool, organizationId, message.teamId, message.userId);
    return row && !row.is_archived ? row : undefined;
  }
  const open = (await selectByCustomerUserId(ctx.pool, organizationId, message.userId)).filter((row) => !row.is_archived);
  if (open.length > 1) throw new FieldError('message.team_id', false, `user ${message.userId} has engagements in several workspaces; give message.team_id`);
  return open[0];
}

/**
 * Mirrors a customer's (fromBot false) or the bot's (fromBot true) message, masked, into the
 * engagement channel: the mirror image of forwarding an agent's message to the customer.
 */
export async function mirrorCustomerMessage(ctx: TakeoverContext, actor: Actor, message: ReportedMessage, fromBot: boolean): Promise<MirrorResult> {
  const engagement = await trackedEngagement(ctx, actor, message);
  await recordInTranscript(ctx, actor, message, fromBot, engagement);
  if (!engagement) return untracked();
  // The channel's history is being imported: this message goes after it (or is part of it).
  if (engagement.importing_since) await waitForLifecycle(ctx, engagement.organization_id, engagement.team_id, engagement.user_id);
  const { ts } = message;
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
  const customer = await ensureCustomer(ctx, engagement.organization_id, engagement.team_id, engagement.user_id);
  const content = message.content ?? create(MessageContentSchema, {});
  const integrationTs = await postMirror(ctx, actor.integration, engagement.channel_id, customer, fromBot, content, message.files);
  const link = {
    engagement_channel_id: engagement.id,
    direction: 'to_channel' as const,
    integration_ts: integrationTs,
    customer_channel_id: customer.user.dm_channel_id,
    customer_ts: ts,
    idempotency_key: `mirror:${engagement.id}:${ts}`,
  };
  await insertLinkAndTouch(ctx.pool, link, tsToDate(ts));
  if (!fromBot) await recordFirstCustomerMessage(ctx.pool, engagement.id, ctx.clock());
  return create(MirrorResultSchema, { track: true, channelId: engagement.channel_id, ts: integrationTs });
}

/**
 * Every reported message is kept, masked, as the customer's transcript, tracked or not: it is the history
 * a channel opened later imports without asking Slack (whose history is rate-limited for the app's bot).
 */
async function recordInTranscript(ctx: TakeoverContext, actor: Actor, message: ReportedMessage, fromBot: boolean, engagement: EngagementRow | undefined): Promise<void> {
  const teamId = message.teamId || engagement?.team_id;
  if (!teamId) return;
  const content = contentForAgents(message.content ?? create(MessageContentSchema, {}));
  await upsertTranscriptMessage(ctx.pool, { organizationId: actor.organization.id, teamId, userId: message.userId }, {
    ts: message.ts,
    from_bot: fromBot,
    text: content.text,
    blocks_json: content.blocksJson,
    attachments_json: content.attachmentsJson,
    files_json: JSON.stringify(message.files.map((file) => toJson(SlackFileSchema, file))),
  });
}

/** A customer's or the bot's edit updates its (masked) mirror; a message never mirrored is untracked. */
export async function mirrorCustomerEdit(ctx: TakeoverContext, actor: Actor, message: ReportedMessage): Promise<MirrorResult> {
  const engagement = await trackedEngagement(ctx, actor, message);
  const teamId = message.teamId || engagement?.team_id;
  const content = message.content ?? create(MessageContentSchema, {});
  if (teamId) {
    const masked = contentForAgents(content);
    await updateTranscriptText(ctx.pool, { organizationId: actor.organization.id, teamId, userId: message.userId }, message.ts, {
      text: masked.text,
      blocks_json: masked.blocksJson,
      attachments_json: masked.attachmentsJson,
    });
  }
  if (!engagement) return untracked();
  const link = await selectLinkByCustomerTs(ctx.pool, engagement.id, message.ts);
  if (!link || link.direction !== 'to_channel') return untracked();
  await ctx.slack.updateMessage(
    { channel: engagement.channel_id, ts: link.integration_ts, content: contentForAgents(content) },
    withToken(actor.integration.botToken),
  );
  return create(MirrorResultSchema, { track: true, channelId: engagement.channel_id, ts: link.integration_ts });
}

/**
 * A customer's or the bot's delete takes its mirror out of the open engagement channel (the mirror image of an
 * agent's delete following to the customer's copy). Only a link towards the channel is followed: a reported
 * message, one imported with the history, or a broadcast's mirror. A customer-side copy of an agent's message
 * links the other way, and the agent's original stays. The transcript forgets the message in any case, so a
 * channel opened later does not import it again. True when this call removed a mirror.
 */
export async function mirrorCustomerDelete(ctx: TakeoverContext, actor: Actor, message: ReportedMessage): Promise<boolean> {
  const engagement = await trackedEngagement(ctx, actor, message);
  const teamId = message.teamId || engagement?.team_id;
  if (teamId) await deleteTranscriptMessage(ctx.pool, { organizationId: actor.organization.id, teamId, userId: message.userId }, message.ts);
  if (!engagement) return false;
  const link = await selectLinkByCustomerTs(ctx.pool, engagement.id, message.ts);
  if (!link || link.direction !== 'to_channel') return false;
  try {
    await ctx.slack.deleteMessage({ channel: engagement.channel_id, ts: link.integration_ts }, withToken(actor.integration.botToken));
  } catch (error) {
    // Gone already (an agent removed it, or an earlier report lost its answer): what was asked is done.
    if (!isSlackError(error, 'message_not_found')) throw error;
  }
  // The link goes last: a failed Slack call leaves it, so the app's retry finds the mirror again.
  return deleteLink(ctx.pool, link.id);
}
