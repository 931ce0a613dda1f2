import type { Command } from '@megatron/contracts';
import { selectByChannel } from '../db/engagements.js';
import type { Actor, TakeoverContext } from './context.js';
import { plainFailure } from './plain-words.js';
import { messages, text } from './messages.js';
import { FAILED } from './receipts.js';
import { reply } from './reply.js';
import { withToken } from './slack-gateway.js';
import { reportUndelivered, undeliveredReason } from './undelivered.js';

/**
 * Tells the agent that a Command failed for good (`failingMs`: after its retry window), where they will
 * see it: a message under ⚠ with a threaded reason and a Retry button, an edit under ⚠ with a threaded
 * reason, anything else (a delete, a verb) in an ephemeral reply. Best effort: a failure to tell is logged.
 */
export async function tellCommandFailed(ctx: TakeoverContext, actor: Actor | undefined, command: Command, error: unknown, failingMs?: number): Promise<void> {
  try {
    const kind = command.kind;
    const engagement = actor && (kind.case === 'message' || kind.case === 'fileShare' || kind.case === 'messageChanged')
      ? await selectByChannel(ctx.pool, actor.integration.id, kind.value.channelId)
      : undefined;
    if (actor && engagement && (kind.case === 'message' || kind.case === 'fileShare')) {
      await reportUndelivered(ctx, actor, engagement, command, undeliveredReason(error, failingMs));
      return;
    }
    if (actor && engagement && kind.case === 'messageChanged') {
      if (actor.organization.receipts) ctx.receipts.mark(actor.integration, engagement.channel_id, kind.value.ts, FAILED);
      const notice = text(messages.editNotDelivered(undeliveredReason(error, failingMs)));
      await ctx.slack.postMessage({ channel: engagement.channel_id, threadTs: kind.value.ts, content: notice }, withToken(actor.integration.botToken));
      return;
    }
    const words = kind.case === 'messageDeleted' ? messages.deleteNotDelivered(undeliveredReason(error, failingMs))
      : failingMs !== undefined ? messages.notCarriedOut(Math.max(1, Math.round(failingMs / 60_000)))
      : plainFailure(error);
    await reply(ctx, actor, command, text(words));
  } catch (tellError) {
    ctx.logger.warn({ err: tellError, commandId: command.id }, 'could not tell the agent about a failed command');
  }
}
