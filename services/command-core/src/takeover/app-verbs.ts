import { publishAppCommand } from './app-commands.js';
import { once, type Actor, type TakeoverContext } from './context.js';
import { ensureDm, type Customer } from './customers.js';
import type { CustomerEngagement } from './engagement-lookup.js';

/** clear-context: the app forgets its conversation with the customer. */
export async function clearContext(ctx: TakeoverContext, actor: Actor, customer: Customer): Promise<void> {
  await once(ctx, actor, 'clear-context:app', async () => {
    await publishAppCommand(ctx.js, ctx.config.NATS_NAMESPACE, actor.organization.id, `${actor.key}:clear-context`, {
      case: 'clearContext',
      value: { platformUserId: customer.user.platform_id, teamId: customer.workspace.platformId },
    }, ctx.clock());
    return {};
  });
}

/** do: the app's own bot says or does `text` for the channel's customer. */
export async function pushMessage(ctx: TakeoverContext, actor: Actor, target: CustomerEngagement, text: string): Promise<void> {
  const { customer, engagement } = target;
  const dm = await ensureDm(ctx, customer);
  await once(ctx, actor, 'do:app', async () => {
    await publishAppCommand(ctx.js, ctx.config.NATS_NAMESPACE, actor.organization.id, `${actor.key}:do`, {
      case: 'pushMessage',
      value: { message: text, channelId: engagement.channel_id, platformUserId: customer.user.platform_id, platformChannelId: dm, teamId: customer.workspace.platformId },
    }, ctx.clock());
    return {};
  });
}
