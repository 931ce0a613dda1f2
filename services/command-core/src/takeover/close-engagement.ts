import type { EngagementRow } from '../db/engagements.js';
import { once, type Actor, type TakeoverContext } from './context.js';
import type { CloseReason } from './lifecycle/state-machine.js';
import { text } from './messages.js';
import { withToken } from './slack-gateway.js';

const IDLE_NOTE = ':zzz: Closed after a long time without messages; the bot answers this customer again. Reopen with `/megatron open` any time.';

/** Said in the channel before it is archived, so whoever reads it later knows who or what closed it and why. */
export async function postClosingNote(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow, reason: CloseReason): Promise<void> {
  const note = reason === 'idle' ? IDLE_NOTE : `:lock: Closed by ${actor.agentName}; the bot answers this customer again.`;
  await once(ctx, actor, 'close:note', async () => {
    const { ts } = await ctx.slack.postMessage({ channel: engagement.channel_id, content: text(note) }, withToken(actor.integration.botToken));
    return { ts };
  });
}

/** Archives the channel (connection-slack counts one already archived as done). */
export async function archiveChannel(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow): Promise<void> {
  await ctx.slack.archiveChannel({ channel: engagement.channel_id }, withToken(actor.integration.botToken));
}
