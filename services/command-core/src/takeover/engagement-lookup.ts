import { Code } from '@connectrpc/connect';
import { selectByCustomer, type EngagementRow } from '../db/engagements.js';
import type { Actor, TakeoverContext } from './context.js';
import { ensureCustomer, type Customer } from './customers.js';
import { AgentError } from './errors.js';

export interface CustomerEngagement {
  customer: Customer;
  engagement: EngagementRow;
}

/**
 * The customer's engagement channel in this organization; a verb on a customer without one is refused
 * as NOT_FOUND (REST 404, as for an unknown workspace or user), whether the customer never had one here
 * or only another organization's agents talk to them.
 */
export async function requireEngagement(ctx: TakeoverContext, actor: Actor, teamId: string, userId: string): Promise<CustomerEngagement> {
  const customer = await ensureCustomer(ctx, actor.organization.id, teamId, userId);
  const engagement = await selectByCustomer(ctx.pool, actor.organization.id, teamId, userId);
  if (!engagement) {
    throw new AgentError(`*${customer.name}* has no engagement channel yet. Open one first with \`/megatron open ${customer.user.username || customer.name}\`.`, Code.NotFound);
  }
  return { customer, engagement };
}
