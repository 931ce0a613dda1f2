import { Code, ConnectError } from '@connectrpc/connect';
import { create, fromJson, type JsonValue } from '@bufbuild/protobuf';
import { MessageContentSchema, SlackFileSchema, type HistoryMessage } from '@megatron/contracts';
import { selectByChannel, selectByCustomer, setImporting, upsertOpenEngagement, type EngagementRow } from '../db/engagements.js';
import { insertLink } from '../db/message-links.js';
import { hasTranscript, selectUnimported, type TranscriptMessage } from '../db/transcript.js';
import { alternativeChannelName, engagementChannelName } from './channel-name.js';
import { once, type Actor, type TakeoverContext } from './context.js';
import { ensureDm, type Customer } from './customers.js';
import { isSlackError } from './errors.js';
import { HISTORY_LIMIT, planHistoryImport, planImport, type ImportItem, type ImportMessage } from './history.js';
import { postMirror } from './mirror-post.js';
import { postCard } from './cards.js';
import { messages, text } from './messages.js';
import { withToken } from './slack-gateway.js';

// Slack's page limit for apps outside the Marketplace (2025); asking for more gets no more.
const SLACK_HISTORY_PAGE = 15;
/** A rate-limited read answers at once rather than waiting a minute for Slack's next allowance. */
const HISTORY_READ_TIMEOUT_MS = 5_000;

interface ChannelChoice {
  channelId: string;
  channelName: string;
}

/**
 * The open_channel effect: creates the customer's engagement channel or unarchives its old one, records it
 * as open, publishes it to the engagement directory, posts the card at the top (pinned), invites the agent,
 * then imports what the channel does not show yet of the conversation.
 */
export async function openChannel(ctx: TakeoverContext, actor: Actor, customer: Customer, paused: boolean): Promise<EngagementRow> {
  const { integration, organization } = actor;
  const choice = await once(ctx, actor, 'open:channel', () => chooseChannel(ctx, actor, customer));
  await upsertOpenEngagement(ctx.pool, {
    organizationId: organization.id,
    integrationId: integration.id,
    platformUserRowId: customer.user.id,
    channelId: choice.channelId,
    channelName: choice.channelName,
    paused,
    now: ctx.clock(),
  });
  await ctx.directory.add(choice.channelId, { organizationId: organization.id, teamId: integration.teamId });
  const engagement = (await selectByChannel(ctx.pool, integration.id, choice.channelId)) as EngagementRow;
  await postCard(ctx, actor, customer, engagement, paused);
  // The agent before the history, so they can start reading and typing while it comes in.
  if (actor.agentUserId) await inviteAgent(ctx, actor, choice.channelId);
  await actor.announceChannel?.(engagement);
  await setImporting(ctx.pool, engagement.id, true);
  try {
    await once(ctx, actor, 'open:history', () => importHistory(ctx, actor, engagement, customer));
  } finally {
    await setImporting(ctx.pool, engagement.id, false);
  }
  return engagement;
}

async function chooseChannel(ctx: TakeoverContext, actor: Actor, customer: Customer): Promise<ChannelChoice> {
  const { integration } = actor;
  const token = withToken(integration.botToken);
  const existing = await selectByCustomer(ctx.pool, actor.organization.id, customer.workspace.platformId, customer.user.platform_id);
  if (existing && existing.integration_id === integration.id) {
    if (!existing.is_archived) return { channelId: existing.channel_id, channelName: existing.channel_name };
    try {
      await ctx.slack.unarchiveChannel({ channel: existing.channel_id }, token);
      return { channelId: existing.channel_id, channelName: existing.channel_name };
    } catch (error) {
      if (!(error instanceof ConnectError && error.code === Code.NotFound)) throw error;
    }
  }
  const name = engagementChannelName(ctx.config.CHANNEL_PREFIX, customer.user.username || customer.name, customer.workspace.domain);
  for (const candidate of [name, alternativeChannelName(name, customer.user.platform_id)]) {
    try {
      const { channel } = await ctx.slack.createChannel({ name: candidate }, token);
      return { channelId: channel?.id ?? '', channelName: channel?.name ?? candidate };
    } catch (error) {
      if (!isSlackError(error, 'name_taken')) throw error;
    }
    const { channel } = await ctx.slack.findChannel({ name: candidate }, token);
    if (!channel) continue;
    // A channel by that name that Megatron does not hold for someone else is taken over (SPEC: name_taken).
    const holder = await selectByChannel(ctx.pool, integration.id, channel.id);
    if (holder && holder.user_row_id !== customer.user.id) continue;
    if (channel.isArchived) await ctx.slack.unarchiveChannel({ channel: channel.id }, token);
    return { channelId: channel.id, channelName: channel.name };
  }
  throw new ConnectError(`no free channel name for ${name}`, Code.AlreadyExists);
}

export async function inviteAgent(ctx: TakeoverContext, actor: Actor, channelId: string): Promise<void> {
  try {
    await ctx.slack.inviteToChannel({ channel: channelId, users: [actor.agentUserId] }, withToken(actor.integration.botToken));
  } catch (error) {
    if (!isSlackError(error, 'already_in_channel', 'cant_invite_self')) throw error;
  }
}

/**
 * What the channel does not show yet of the conversation, oldest first with time headers: from Megatron's
 * own transcript of what the app reported; only for a customer Megatron never heard of, the DM's history
 * from Slack, read once (apps outside the Marketplace get 1 request a minute and 15 messages since 2025).
 */
async function importHistory(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow, customer: Customer): Promise<{ imported: number }> {
  const key = { organizationId: actor.organization.id, teamId: customer.workspace.platformId, userId: customer.user.platform_id };
  const dm = await ensureDm(ctx, customer);
  let plan: ImportItem[];
  if (await hasTranscript(ctx.pool, key)) {
    plan = planImport((await selectUnimported(ctx.pool, key, engagement.id, HISTORY_LIMIT)).map(fromTranscript));
  } else {
    plan = planHistoryImport(await slackHistory(ctx, actor, engagement, customer, dm), customer.user.platform_id);
  }
  const { integration } = actor;
  for (const item of plan) {
    if (item.header) await ctx.slack.postMessage({ channel: engagement.channel_id, content: text(item.header) }, withToken(integration.botToken));
    const content = create(MessageContentSchema, { text: item.message.text, blocksJson: item.message.blocksJson, attachmentsJson: item.message.attachmentsJson });
    const ts = await postMirror(ctx, integration, engagement.channel_id, customer, item.fromBot, content, item.message.files);
    await insertLink(ctx.pool, {
      engagement_channel_id: engagement.id,
      direction: 'to_channel',
      integration_ts: ts,
      customer_channel_id: dm,
      customer_ts: item.message.ts,
      idempotency_key: `${actor.key}:history:${item.message.ts}`,
    });
  }
  return { imported: plan.length };
}

/**
 * The DM as Slack keeps it, for a customer Megatron never heard of. Slack may refuse the read for a minute
 * (rate limit) or not answer it in time: the channel opens anyway, with a line saying the earlier messages
 * are not there.
 */
async function slackHistory(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow, customer: Customer, dm: string): Promise<HistoryMessage[]> {
  try {
    const { messages } = await ctx.customerTokens.call(customer.workspace, (token) =>
      ctx.slack.getHistory({ channel: dm, limit: SLACK_HISTORY_PAGE }, { timeoutMs: HISTORY_READ_TIMEOUT_MS, ...withToken(token) }),
    );
    return messages;
  } catch (error) {
    const timedOut = error instanceof ConnectError && error.code === Code.DeadlineExceeded;
    if (!isSlackError(error, 'ratelimited') && !timedOut) throw error;
    ctx.logger.warn({ err: error, channel: engagement.channel_id }, `DM history not imported: ${timedOut ? 'Slack did not answer in time' : 'Slack rate limit'}`);
    await ctx.slack.postMessage({ channel: engagement.channel_id, content: text(messages.historyUnavailable) }, withToken(actor.integration.botToken));
    return [];
  }
}

function fromTranscript(row: TranscriptMessage): ImportMessage {
  return {
    ts: row.ts,
    fromBot: row.from_bot,
    text: row.text,
    blocksJson: row.blocks_json,
    attachmentsJson: row.attachments_json,
    files: (JSON.parse(row.files_json) as JsonValue[]).map((file) => fromJson(SlackFileSchema, file)),
  };
}
