import { claimSecondAgentNote, type EngagementRow } from '../db/engagements.js';
import type { Actor, TakeoverContext } from './context.js';
import { messages, text } from './messages.js';
import { withToken } from './slack-gateway.js';

/** Another agent wrote in an engagement someone claimed: a gentle note, once per agent and engagement. */
export async function noteSecondAgent(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow, agentUserId: string): Promise<void> {
  if (!(await claimSecondAgentNote(ctx.pool, engagement.id, agentUserId))) return;
  const content = text(messages.secondAgent(engagement.handled_by_name || 'Another agent'));
  await ctx.slack.postEphemeral({ channel: engagement.channel_id, user: agentUserId, content }, withToken(actor.integration.botToken));
}
