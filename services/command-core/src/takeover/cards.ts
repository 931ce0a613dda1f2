import type { MessageContent } from '@megatron/contracts';
import type { Integration } from '../tenants/types.js';
import { selectRecentActionMessage, settleActionMessages, type ActionKind } from '../db/action-messages.js';
import { setCardTs, type EngagementRow } from '../db/engagements.js';
import { once, type Actor, type TakeoverContext } from './context.js';
import { workspaceName, type Customer } from './customers.js';
import { isPermanent } from './errors.js';
import type { LifecycleState, Outcome } from './lifecycle/state-machine.js';
import { engagementCard, settledMessage, type CardView } from './messages.js';
import { withToken } from './slack-gateway.js';

function cardView(customer: Customer, state: LifecycleState, handler: string, closedBy?: string): CardView {
  return {
    name: customer.name,
    realName: customer.user.real_name,
    workspace: workspaceName(customer),
    key: { teamId: customer.workspace.platformId, userId: customer.user.platform_id },
    paused: state.paused,
    imageUrl: customer.user.image_url,
    tz: customer.user.tz,
    tzOffset: customer.user.tz_offset,
    handler,
    ...(closedBy === undefined ? {} : { closedBy }),
  };
}

/** The name of the agent handling the engagement in `state`: the one recorded, or the actor who just claimed it. */
export function handlerName(state: LifecycleState, engagement: EngagementRow, actor: Actor): string {
  if (!state.handler) return '';
  return state.handler === engagement.handled_by ? engagement.handled_by_name : actor.agentName;
}

/** The card at the top of a (re)opened channel, pinned, its ts kept so it can be updated in place. */
export async function postCard(ctx: TakeoverContext, actor: Actor, customer: Customer, engagement: EngagementRow, paused: boolean): Promise<void> {
  const token = withToken(actor.integration.botToken);
  const { ts } = await once(ctx, actor, 'open:card', async () => {
    const posted = await ctx.slack.postMessage({ channel: engagement.channel_id, content: engagementCard(cardView(customer, { phase: 'open', paused }, '')) }, token);
    return { ts: posted.ts };
  });
  await ctx.slack.pinMessage({ channel: engagement.channel_id, ts }, token);
  await setCardTs(ctx.pool, engagement.id, ts);
  engagement.card_ts = ts;
}

/** A help request this much older than the channel's open still counts as the one that led to it. */
const HELP_REQUEST_LOOKBACK_MS = 24 * 60 * 60 * 1000;

/** Which live messages an outcome settles: their button's action happened (or can no longer). */
const SETTLES: Partial<Record<Outcome, ActionKind[]>> = {
  opened: ['help_request'],
  reopened: ['help_request'],
  opened_and_paused: ['help_request', 'warning'],
  paused: ['warning'],
  unpaused: ['reminder'],
  closed: ['help_request', 'reminder', 'warning'],
  channel_lost: ['help_request', 'reminder', 'warning'],
};

function settledLine(kind: ActionKind, outcome: Outcome, actor: Actor, engagement: EngagementRow): string {
  if (outcome === 'closed' || outcome === 'channel_lost') return `:lock: Closed by ${actor.agentName}.`;
  if (kind === 'help_request') return `:white_check_mark: Opened by ${actor.agentName} · <#${engagement.channel_id}>`;
  return outcome === 'unpaused' ? `:arrow_forward: Unpaused by ${actor.agentName}.` : `:double_vertical_bar: Paused by ${actor.agentName}.`;
}

/**
 * Brings what Megatron posted up to date with a state change, in place: the card shows the new state (or
 * who closed the channel, without buttons), and every help request, reminder and warning whose action
 * happened loses its button and says who did what.
 */
export async function refreshCards(
  ctx: TakeoverContext,
  actor: Actor,
  customer: Customer,
  engagement: EngagementRow,
  state: LifecycleState,
  outcome: Outcome,
): Promise<void> {
  const handler = handlerName(state, engagement, actor);
  if (engagement.card_ts) {
    const closedBy = state.phase === 'closed' ? closer(actor, outcome) : undefined;
    await updateInPlace(ctx, actor.integration, engagement.channel_id, engagement.card_ts, engagementCard(cardView(customer, state, handler, closedBy)));
  }
  const key = { organizationId: actor.organization.id, teamId: customer.workspace.platformId, userId: customer.user.platform_id };
  if (outcome === 'claimed') {
    // The help request that brought the customer here says who took it, settled or not.
    const since = new Date(engagement.opened_at.getTime() - HELP_REQUEST_LOOKBACK_MS);
    const request = await selectRecentActionMessage(ctx.pool, key, 'help_request', since);
    if (request) await updateInPlace(ctx, actor.integration, request.channel_id, request.ts, settledMessage(`:raising_hand: ${handler} is handling this · <#${engagement.channel_id}>`));
  }
  const kinds = SETTLES[outcome];
  if (!kinds) return;
  for (const message of await settleActionMessages(ctx.pool, key, kinds, ctx.clock())) {
    await updateInPlace(ctx, actor.integration, message.channel_id, message.ts, settledMessage(settledLine(message.kind, outcome, actor, engagement)));
  }
}

function closer(actor: Actor, outcome: Outcome): string {
  if (outcome === 'channel_lost') return 'Slack (the channel was archived or removed outside Megatron)';
  return actor.kind === 'job' ? 'Megatron after a long quiet time' : actor.agentName;
}

async function updateInPlace(ctx: TakeoverContext, integration: Integration, channel: string, ts: string, content: MessageContent): Promise<void> {
  try {
    await ctx.slack.updateMessage({ channel, ts, content }, withToken(integration.botToken));
  } catch (error) {
    // A message deleted, or in a channel archived outside Megatron, shows no live button anyway: the state
    // change stands. A transient failure is retried with the Command.
    if (!isPermanent(error)) throw error;
    ctx.logger.warn({ err: error, channel, ts }, 'message not updated in place');
  }
}
