import { Code, ConnectError } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { MessageContentSchema } from '@megatron/contracts';
import { selectByChannel, selectByCustomer, upsertOpenEngagement, type EngagementRow } from '../db/engagements.js';
import { insertLink } from '../db/message-links.js';
import { alternativeChannelName, engagementChannelName } from './channel-name.js';
import { once, type Actor, type TakeoverContext } from './context.js';
import { ensureCustomer, ensureDm, type Customer } from './customers.js';
import { isSlackError } from './errors.js';
import { planHistoryImport } from './history.js';
import { NO_FILES, postMirror, relayFiles, withFailedFilesNote } from './mirror-post.js';
import { messages, text } from './messages.js';
import { withToken } from './slack-gateway.js';

export interface OpenedEngagement {
  engagement: EngagementRow;
  customer: Customer;
}

interface ChannelChoice {
  channelId: string;
  channelName: string;
  fresh: boolean;
}

/**
 * Creates or reopens the customer's engagement channel, imports the DM history into a fresh or
 * reopened one, invites the agent, and publishes the channel to the engagement directory.
 */
export async function openEngagement(ctx: TakeoverContext, actor: Actor, teamId: string, userId: string): Promise<OpenedEngagement> {
  const { integration, organization } = actor;
  const customer = await ensureCustomer(ctx, organization.id, teamId, userId);
  const choice = await once(ctx, actor, 'open:channel', () => chooseChannel(ctx, actor, customer));
  await upsertOpenEngagement(ctx.pool, {
    organizationId: organization.id,
    integrationId: integration.id,
    platformUserRowId: customer.user.id,
    channelId: choice.channelId,
    channelName: choice.channelName,
    now: ctx.clock(),
  });
  await ctx.directory.add(choice.channelId, { organizationId: organization.id, teamId: integration.teamId });
  const engagement = (await selectByChannel(ctx.pool, integration.id, choice.channelId)) as EngagementRow;
  // The agent first, so they can start reading and typing while the history comes in.
  if (actor.agentUserId) await inviteAgent(ctx, actor, choice.channelId);
  if (choice.fresh) {
    await once(ctx, actor, 'open:notes-notice', async () => {
      const { ts } = await ctx.slack.postMessage({ channel: choice.channelId, content: text(messages.notesNotice) }, withToken(actor.integration.botToken));
      return { ts };
    });
    await once(ctx, actor, 'open:history', () => importHistory(ctx, actor, engagement, customer));
  }
  return { engagement, customer };
}

async function chooseChannel(ctx: TakeoverContext, actor: Actor, customer: Customer): Promise<ChannelChoice> {
  const { integration } = actor;
  const token = withToken(integration.botToken);
  const existing = await selectByCustomer(ctx.pool, actor.organization.id, customer.workspace.platformId, customer.user.platform_id);
  if (existing && existing.integration_id === integration.id) {
    if (!existing.is_archived) return { channelId: existing.channel_id, channelName: existing.channel_name, fresh: false };
    try {
      await ctx.slack.unarchiveChannel({ channel: existing.channel_id }, token);
      return { channelId: existing.channel_id, channelName: existing.channel_name, fresh: true };
    } catch (error) {
      if (!(error instanceof ConnectError && error.code === Code.NotFound)) throw error;
    }
  }
  const name = engagementChannelName(ctx.config.CHANNEL_PREFIX, customer.user.username || customer.name, customer.workspace.domain);
  for (const candidate of [name, alternativeChannelName(name, customer.user.platform_id)]) {
    try {
      const { channel } = await ctx.slack.createChannel({ name: candidate }, token);
      return { channelId: channel?.id ?? '', channelName: channel?.name ?? candidate, fresh: true };
    } catch (error) {
      if (!isSlackError(error, 'name_taken')) throw error;
    }
    const { channel } = await ctx.slack.findChannel({ name: candidate }, token);
    if (!channel) continue;
    // A channel by that name that Megatron does not hold for someone else is taken over (SPEC: name_taken).
    const holder = await selectByChannel(ctx.pool, integration.id, channel.id);
    if (holder && holder.user_row_id !== customer.user.id) continue;
    if (channel.isArchived) await ctx.slack.unarchiveChannel({ channel: channel.id }, token);
    return { channelId: channel.id, channelName: channel.name, fresh: true };
  }
  throw new ConnectError(`no free channel name for ${name}`, Code.AlreadyExists);
}

async function inviteAgent(ctx: TakeoverContext, actor: Actor, channelId: string): Promise<void> {
  try {
    await ctx.slack.inviteToChannel({ channel: channelId, users: [actor.agentUserId] }, withToken(actor.integration.botToken));
  } catch (error) {
    if (!isSlackError(error, 'already_in_channel', 'cant_invite_self')) throw error;
  }
}

/** The last 10 DM messages, oldest first, with time headers; each mirror is linked so edits follow. */
async function importHistory(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow, customer: Customer): Promise<{ imported: number }> {
  const dm = await ensureDm(ctx, customer);
  const { messages } = await ctx.customerTokens.call(customer.workspace, (token) => ctx.slack.getHistory({ channel: dm, limit: 20 }, withToken(token)));
  const plan = planHistoryImport(messages, customer.user.platform_id);
  const { integration } = actor;
  for (const item of plan) {
    if (item.header) await ctx.slack.postMessage({ channel: engagement.channel_id, content: text(item.header) }, withToken(integration.botToken));
    const files = item.message.files.length
      ? await ctx.customerTokens.call(customer.workspace, (token) => relayFiles(ctx, item.message.files, token))
      : NO_FILES;
    const content = withFailedFilesNote(create(MessageContentSchema, { text: item.message.text, attachmentsJson: item.message.attachmentsJson }), files.failed);
    const ts = await postMirror(ctx, integration, engagement.channel_id, customer, item.fromBot, content, files.attachments);
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
