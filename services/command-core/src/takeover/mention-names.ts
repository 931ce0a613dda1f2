import type { Actor, TakeoverContext } from './context.js';
import { agentName, ensureAgent } from './customers.js';
import { mentionsIn, renderForCustomer } from './mentions.js';

/**
 * An agent's text as the customer should read it: mentions of agents become their names (looked up once
 * and kept, like every agent's profile), channels their labels, special mentions plain words.
 */
export async function textForCustomer(ctx: TakeoverContext, actor: Actor, text: string): Promise<string> {
  const { users } = mentionsIn(text);
  const names = new Map<string, string>();
  for (const userId of users) {
    try {
      names.set(userId, agentName(await ensureAgent(ctx, actor.integration, userId)));
    } catch (error) {
      // A name we cannot look up becomes a neutral word; the message still goes.
      ctx.logger.warn({ err: error, userId }, 'mentioned user not found; rendered without a name');
    }
  }
  return renderForCustomer(text, { users: names, channels: new Map() });
}
