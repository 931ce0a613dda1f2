import { HeldMessageChoice, type Command, type HeldMessageChoiceCommand, type RequestContext } from '@megatron/contracts';
import { insertStep, markProcessed, selectStep } from '../db/command-steps.js';
import { selectByChannel, type EngagementRow } from '../db/engagements.js';
import { queuedCommandIds, releaseHead, releaseHeld, selectHeld } from '../db/parked-commands.js';
import { once, type Actor, type TakeoverContext } from './context.js';
import { engagementCustomerName } from './customers.js';
import { HeldForChoice } from './errors.js';
import { runLifecycle } from './lifecycle/run-lifecycle.js';
import { heldPrompt, messages, text } from './messages.js';
import { replaceReply } from './reply.js';
import { withToken } from './slack-gateway.js';

/** Recorded on a held message's Command (and those queued behind it) when the agent chose "Send anyway". */
const SEND_ANYWAY_STEP = 'hold:send-anyway';

/** The order key of a channel in the integration workspace (parked-channels.ts). */
export function heldChannelKey(actor: Actor, channelId: string): string {
  return `${actor.integration.teamId}:${channelId}`;
}

/**
 * What happens to an agent's message while the bot still answers the customer, as the organization chose
 * (takeover mode): `hold` asks the agent first (the message waits, see HeldForChoice), `auto-pause` pauses
 * the bot and sends, `send-and-warn` sends (and warns once an hour). Returns when the message may go.
 */
export async function applyTakeoverMode(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow): Promise<void> {
  if (engagement.is_paused) return;
  switch (actor.organization.takeoverMode) {
    case 'send-and-warn':
      return;
    case 'auto-pause':
      await runLifecycle(ctx, actor, engagement.team_id, engagement.user_id, { type: 'pause' });
      engagement.is_paused = true;
      return;
    case 'hold': {
      if ((await selectStep(ctx.pool, actor.key, SEND_ANYWAY_STEP)) !== undefined) return;
      await once(ctx, actor, 'hold:prompt', async () => {
        const content = heldPrompt(engagementCustomerName(engagement), actor.key);
        await ctx.slack.postEphemeral({ channel: engagement.channel_id, user: actor.agentUserId, content }, withToken(actor.integration.botToken));
        return {};
      });
      throw new HeldForChoice(`message ${actor.key} held: the bot still answers ${engagement.user_id}`);
    }
  }
}

/**
 * The agent's answer about a held message. Pause bot and send: the pause releases the channel's held
 * message (run-lifecycle.ts) and everything behind it goes in order. Send anyway: it and the messages
 * queued behind it go. Discard: it is dropped; the next queued message, if any, is asked about in turn.
 * The prompt is replaced by what was done.
 */
export async function onHeldChoice(ctx: TakeoverContext, actor: Actor, command: Command, choice: HeldMessageChoiceCommand): Promise<void> {
  const context = command.context as RequestContext;
  const held = await selectHeld(ctx.pool, choice.heldCommandId);
  const teamPrefix = `${actor.integration.teamId}:`;
  if (!held || !held.channel_key.startsWith(teamPrefix)) return replaceReply(ctx, context, text(messages.heldGone));
  const channelId = held.channel_key.slice(teamPrefix.length);
  const engagement = await selectByChannel(ctx.pool, actor.integration.id, channelId);
  const name = engagement ? engagementCustomerName(engagement) : 'the customer';
  switch (choice.choice) {
    case HeldMessageChoice.PAUSE_AND_SEND:
      if (engagement && !engagement.is_archived) await runLifecycle(ctx, actor, engagement.team_id, engagement.user_id, { type: 'pause' });
      await releaseHeld(ctx.pool, held.channel_key);
      return replaceReply(ctx, context, text(messages.heldPausedAndSent(name)));
    case HeldMessageChoice.SEND_ANYWAY:
      for (const id of await queuedCommandIds(ctx.pool, held.channel_key)) await insertStep(ctx.pool, id, SEND_ANYWAY_STEP, { by: actor.agentUserId });
      await releaseHeld(ctx.pool, held.channel_key);
      return replaceReply(ctx, context, text(messages.heldSent(name)));
    case HeldMessageChoice.DISCARD:
      await markProcessed(ctx.pool, choice.heldCommandId);
      await releaseHead(ctx.pool, held.id);
      return replaceReply(ctx, context, text(messages.heldDiscarded(name)));
    case HeldMessageChoice.UNSPECIFIED:
      return;
  }
}
