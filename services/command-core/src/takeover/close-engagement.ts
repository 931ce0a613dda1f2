import { setArchived } from '../db/engagements.js';
import type { Actor, TakeoverContext } from './context.js';
import type { CustomerEngagement } from './engagement-lookup.js';
import { setPause } from './pause-customer.js';
import { withToken } from './slack-gateway.js';

/** Unpause if paused, archive the channel (already archived counts as done), forget it in the directory. */
export async function closeEngagement(ctx: TakeoverContext, actor: Actor, target: CustomerEngagement): Promise<void> {
  const { engagement } = target;
  if (engagement.is_paused) await setPause(ctx, actor, target, false);
  if (!engagement.is_archived) {
    await ctx.slack.archiveChannel({ channel: engagement.channel_id }, withToken(actor.integration.botToken));
    await setArchived(ctx.pool, engagement.id);
    engagement.is_archived = true;
  }
  await ctx.directory.remove(engagement.channel_id);
}
