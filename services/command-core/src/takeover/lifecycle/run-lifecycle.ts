import { Code } from '@connectrpc/connect';
import { insertEngagementEvent } from '../../db/engagement-events.js';
import { selectByCustomer, setLifecycleState, type EngagementRow } from '../../db/engagements.js';
import { releaseHeld } from '../../db/parked-commands.js';
import { handlerName, refreshCards } from '../cards.js';
import { archiveChannel, postClosingNote } from '../close-engagement.js';
import { once, type Actor, type TakeoverContext } from '../context.js';
import { ensureAgent, ensureCustomer, type Customer } from '../customers.js';
import { AgentError } from '../errors.js';
import { inviteAgent, openChannel } from '../open-engagement.js';
import { tellApp, tellCustomer } from '../pause-customer.js';
import { transition, type Effect, type LifecycleEvent, type LifecycleState, type Transition } from './state-machine.js';

export interface LifecycleResult extends Transition {
  before: LifecycleState;
  customer: Customer;
  /** The customer's engagement after the event; undefined only when there never was one. */
  engagement: EngagementRow | undefined;
}

function lifecycleKey(organizationId: string, teamId: string, userId: string): string {
  return `engagement:${organizationId}:${teamId}:${userId}`;
}

/**
 * Waits until no lifecycle event of the customer runs (at most 30 s): a live mirror of a channel whose
 * history is being imported goes after the import, so the channel shows the conversation in order.
 */
export function waitForLifecycle(ctx: TakeoverContext, organizationId: string, teamId: string, userId: string): Promise<void> {
  return ctx.locks.waitFor(lifecycleKey(organizationId, teamId, userId));
}

function stateOf(row: EngagementRow | undefined, actor: Actor): LifecycleState {
  // A channel of an integration the organization replaced counts as none: the new workspace starts afresh.
  if (!row || row.integration_id !== actor.integration.id) return { phase: 'none', paused: false };
  return { phase: row.is_archived ? 'closed' : 'open', paused: row.is_paused, ...(row.handled_by ? { handler: row.handled_by } : {}) };
}

function describe(event: LifecycleEvent): { name: string; reason: string } {
  switch (event.type) {
    case 'close':
      return { name: 'close', reason: event.reason };
    case 'channel_lost':
      return { name: 'channel_lost', reason: event.how };
    case 'claim':
      return { name: 'claim', reason: '' };
    default:
      return { name: event.type, reason: '' };
  }
}

/**
 * Every change of an engagement goes through here: validate what the event needs (so an action that
 * cannot complete changes nothing), ask the state machine, carry out its effects in order (each once per
 * action, so a redelivered Command resumes where it stopped), persist the new state, and append the event
 * to the engagement log.
 */
export async function runLifecycle(ctx: TakeoverContext, actor: Actor, teamId: string, userId: string, event: LifecycleEvent): Promise<LifecycleResult> {
  const customer = await ensureCustomer(ctx, actor.organization.id, teamId, userId);
  // The agent to invite must exist before anything changes (issue 16, finding 4).
  if (actor.agentUserId && (event.type === 'open' || event.type === 'pause')) await ensureAgent(ctx, actor.integration, actor.agentUserId);
  return ctx.locks.hold(lifecycleKey(actor.organization.id, teamId, userId), async () => {
    let engagement = await selectByCustomer(ctx.pool, actor.organization.id, teamId, userId);
    const before = stateOf(engagement, actor);
    // A customer who never had a channel here is opened first on purpose (to read the history), not by a pause.
    if (before.phase === 'none' && event.type !== 'open') {
      throw new AgentError(`*${customer.name}* has no engagement channel yet. Open one first with \`/megatron open ${customer.user.username || customer.name}\`.`, Code.NotFound);
    }
    const result = transition(before, event);
    for (const effect of result.effects) engagement = await perform(ctx, actor, customer, engagement, effect, result);
    if (engagement && result.effects.length > 0) {
      const handler = result.state.handler ?? '';
      const handlerNameNow = handlerName(result.state, engagement, actor);
      const opened = before.phase !== 'open' && result.state.phase === 'open';
      const closed = before.phase === 'open' && result.state.phase === 'closed';
      await setLifecycleState(ctx.pool, engagement.id, { paused: result.state.paused, archived: result.state.phase === 'closed', handler, handlerName: handlerNameNow, opened, closed, at: ctx.clock() });
      if (closed) ctx.measures.engagementDuration.observe((ctx.clock().getTime() - engagement.opened_at.getTime()) / 1000);
      Object.assign(engagement, { is_paused: result.state.paused, is_archived: result.state.phase === 'closed', handled_by: handler, handled_by_name: handlerNameNow });
      // A paused bot is what a held message waited for: it goes, and the channel's queue behind it.
      if (!before.paused && result.state.paused) await releaseHeld(ctx.pool, `${actor.integration.teamId}:${engagement.channel_id}`);
    }
    // Another agent opening an open channel still wants to be in it.
    if (engagement && actor.agentUserId && result.outcome === 'already_open') await inviteAgent(ctx, actor, engagement.channel_id);
    // Slack telling of a channel Megatron itself archived changes nothing and is nobody's doing: not logged.
    if (result.outcome !== 'nothing_to_lose') await once(ctx, actor, `lifecycle:log:${event.type}`, async () => {
      const { name, reason } = describe(event);
      await insertEngagementEvent(ctx.pool, {
        organizationId: actor.organization.id,
        engagementId: engagement?.id,
        teamId,
        userId,
        at: ctx.clock(),
        event: `${name}:${result.outcome}`,
        actorKind: actor.kind,
        actorId: actor.agentUserId,
        actorName: actor.agentName,
        reason,
        phaseBefore: before.phase,
        phaseAfter: result.state.phase,
        pausedBefore: before.paused,
        pausedAfter: result.state.paused,
      });
      return {};
    });
    return { ...result, before, customer, engagement };
  });
}

async function perform(
  ctx: TakeoverContext,
  actor: Actor,
  customer: Customer,
  engagement: EngagementRow | undefined,
  effect: Effect,
  result: Transition,
): Promise<EngagementRow | undefined> {
  if (effect.kind === 'open_channel') return openChannel(ctx, actor, customer, result.state.paused);
  if (!engagement) throw new Error(`lifecycle effect ${effect.kind} without an engagement channel`);
  switch (effect.kind) {
    case 'tell_app':
      await tellApp(ctx, actor, customer, effect.paused);
      break;
    case 'tell_customer':
      await tellCustomer(ctx, actor, customer, effect.paused);
      break;
    case 'refresh_cards':
      await refreshCards(ctx, actor, customer, engagement, result.state, result.outcome);
      break;
    case 'post_closing_note':
      await postClosingNote(ctx, actor, engagement, effect.reason);
      break;
    case 'archive_channel':
      await archiveChannel(ctx, actor, engagement);
      break;
    case 'forget_channel':
      await ctx.directory.remove(engagement.channel_id);
      break;
  }
  return engagement;
}
