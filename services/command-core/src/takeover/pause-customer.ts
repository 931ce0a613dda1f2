import { publishAppCommand } from './app-commands.js';
import { once, type Actor, type TakeoverContext } from './context.js';
import { ensureDm, type Customer } from './customers.js';
import { customerNotice } from './messages.js';
import { withToken } from './slack-gateway.js';

/** The app must stop (or start) answering before the customer hears of the agent: it is told first. */
export async function tellApp(ctx: TakeoverContext, actor: Actor, customer: Customer, paused: boolean): Promise<void> {
  const dm = await ensureDm(ctx, customer);
  const verb = paused ? 'pause' : 'unpause';
  await once(ctx, actor, `${verb}:app`, async () => {
    await publishAppCommand(
      ctx.js,
      ctx.config.NATS_NAMESPACE,
      actor.organization.id,
      `${actor.key}:${verb}`,
      { case: 'pause', value: { channelId: dm, teamId: customer.workspace.platformId, userId: customer.user.platform_id, paused } },
      ctx.clock(),
    );
    return {};
  });
}

/** The customer's notice after a pause or unpause, with who did it. */
export async function tellCustomer(ctx: TakeoverContext, actor: Actor, customer: Customer, paused: boolean): Promise<void> {
  const dm = await ensureDm(ctx, customer);
  await once(ctx, actor, `${paused ? 'pause' : 'unpause'}:notice`, async () => {
    const content = customerNotice(paused, actor.agentName, actor.organization.name);
    const { ts } = await ctx.customerTokens.call(customer.workspace, (token) => ctx.slack.postMessage({ channel: dm, content }, withToken(token)));
    return { ts };
  });
}
