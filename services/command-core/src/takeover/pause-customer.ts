import { setPaused } from '../db/engagements.js';
import { publishAppCommand } from './app-commands.js';
import { once, type Actor, type TakeoverContext } from './context.js';
import { ensureDm } from './customers.js';
import type { CustomerEngagement } from './engagement-lookup.js';
import { customerNotice, pauseStateCard } from './messages.js';
import { withToken } from './slack-gateway.js';

/**
 * Pause or unpause: the app is told first (it must stop answering before the customer hears of the
 * agent), then the state changes, the customer gets the notice and the channel the opposite button.
 */
export async function setPause(ctx: TakeoverContext, actor: Actor, target: CustomerEngagement, paused: boolean): Promise<void> {
  const { customer, engagement } = target;
  const verb = paused ? 'pause' : 'unpause';
  const dm = await ensureDm(ctx, customer);
  await once(ctx, actor, `${verb}:app`, async () => {
    await publishAppCommand(ctx.js, ctx.config.NATS_NAMESPACE, actor.organization.id, `${actor.key}:${verb}`, {
      case: 'pause',
      value: { channelId: dm, teamId: customer.workspace.platformId, userId: customer.user.platform_id, paused },
    }, ctx.clock());
    return {};
  });
  await setPaused(ctx.pool, engagement.id, paused);
  engagement.is_paused = paused;
  await once(ctx, actor, `${verb}:notice`, async () => {
    const content = customerNotice(paused, actor.agentName, actor.organization.name);
    const { ts } = await ctx.customerTokens.call(customer.workspace, (token) => ctx.slack.postMessage({ channel: dm, content }, withToken(token)));
    return { ts };
  });
  if (!engagement.is_archived) {
    await once(ctx, actor, `${verb}:card`, async () => {
      const key = { teamId: customer.workspace.platformId, userId: customer.user.platform_id };
      const { ts } = await ctx.slack.postMessage(
        { channel: engagement.channel_id, content: pauseStateCard(paused, customer.name, key) },
        withToken(actor.integration.botToken),
      );
      return { ts };
    });
  }
}
