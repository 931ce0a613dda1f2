import { ChannelLoss, type ChannelGoneEvent } from '@megatron/contracts';
import { selectByChannel } from '../db/engagements.js';
import type { Integration } from '../tenants/types.js';
import type { Actor, TakeoverContext } from './context.js';
import { runLifecycle } from './lifecycle/run-lifecycle.js';
import type { ChannelLoss as Loss } from './lifecycle/state-machine.js';
import { withToken } from './slack-gateway.js';

const LOSSES: Partial<Record<ChannelLoss, Loss>> = {
  [ChannelLoss.ARCHIVED]: 'archived',
  [ChannelLoss.DELETED]: 'deleted',
  [ChannelLoss.BOT_REMOVED]: 'bot_removed',
};

const botUsers = new Map<string, string>();

/** The integration bot's user id: configured, or asked of Slack once (auth.test) and remembered. */
async function botUserIdOf(ctx: TakeoverContext, integration: Integration): Promise<string> {
  if (integration.botUserId) return integration.botUserId;
  const known = botUsers.get(integration.id);
  if (known) return known;
  const { userId } = await ctx.slack.authTest({}, withToken(integration.botToken));
  botUsers.set(integration.id, userId);
  return userId;
}

/**
 * A channel archived, deleted or left by Megatron's bot outside Megatron closes its engagement: the bot
 * answers the customer again, the app and the customer are told (SPEC §11). Megatron's own archive (a close)
 * comes back as such an event too and changes nothing, even when it arrives after the channel was reopened.
 */
export async function onChannelGone(ctx: TakeoverContext, actor: Actor, event: ChannelGoneEvent): Promise<void> {
  const how = LOSSES[event.how];
  if (!how) return;
  const bot = event.userId && how !== 'deleted' ? await botUserIdOf(ctx, actor.integration) : '';
  // member_left_channel names whoever left: only the bot leaving takes the channel from Megatron.
  if (how === 'bot_removed' && event.userId && event.userId !== bot) return;
  if (how === 'archived' && event.userId && event.userId === bot) return;
  const engagement = await selectByChannel(ctx.pool, actor.integration.id, event.channelId);
  if (!engagement) return;
  const byPerson = how === 'archived' && event.userId !== '';
  const who: Actor = byPerson ? actor : { ...actor, kind: 'slack', agentUserId: '', agentName: 'Slack' };
  await runLifecycle(ctx, who, engagement.team_id, engagement.user_id, { type: 'channel_lost', how });
}
