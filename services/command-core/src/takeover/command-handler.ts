import { Code } from '@connectrpc/connect';
import { MAX_COMMAND_DELIVERIES, type CustomerVerb, type Command, type FeedbackCommand, type RequestContext, type SlackFile, type Target } from '@megatron/contracts';
import { ack, term, type Outcome } from '@megatron/runtime';
import { selectBroadcast } from '../db/broadcasts.js';
import { isProcessed, markProcessed } from '../db/command-steps.js';
import { selectByChannel, type EngagementRow } from '../db/engagements.js';
import { recordFeedback } from './broadcast-feedback.js';
import { followAgentDelete, followAgentEdit, forwardAgentMessage, isForwardable, type PostingAhead } from './agent-messages.js';
import { clearContext, pushMessage } from './app-verbs.js';
import { onChannelGone } from './channel-gone.js';
import type { Actor, TakeoverContext } from './context.js';
import { agentActor, engagementCustomerName, ensureAgent, ensureCustomer, replyName } from './customers.js';
import { requireEngagement } from './engagement-lookup.js';
import { AgentError, isPermanent } from './errors.js';
import { channelLink, channelUrl, disambiguation, HELP_TEXT, messages, text } from './messages.js';
import { runLifecycle } from './lifecycle/run-lifecycle.js';
import type { LifecycleEvent, Outcome as LifecycleOutcome } from './lifecycle/state-machine.js';
import { reply } from './reply.js';
import { resolveTarget } from './target.js';
import { tellCommandFailed } from './failure-notices.js';
import { retryUndelivered } from './undelivered.js';
import { applyTakeoverMode, onHeldChoice } from './held-messages.js';
import { noteSecondAgent } from './second-agent.js';
import { statsSummary } from './stats.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface HandleOptions {
  /** Tell the agent and terminate on a failure that may pass (default: from the last delivery on); parked channels give up in their own time. */
  lastChance?: boolean;
  /** The caller just read that this Command was not processed yet (laneState), in the same round trip as its lane. */
  knownUnprocessed?: boolean;
  /** An agent's message to forward, its engagement and posting step read with its lane (forwardLaneState). */
  forward?: ForwardAhead;
}

export interface ForwardAhead {
  engagement: EngagementRow | undefined;
  posting: PostingAhead;
}

/** The integration and channel of an agent's message that will be forwarded, for reading its lane ahead; otherwise undefined. */
export async function forwardQueryOf(ctx: TakeoverContext, command: Command): Promise<{ integrationId: string; channelId: string } | undefined> {
  const kind = command.kind;
  if ((kind.case !== 'message' && kind.case !== 'fileShare') || !command.context) return undefined;
  const integration = await ctx.tenants.integrationByTeam(command.context.teamId);
  if (!integration || !isForwardable(kind.value.userId, kind.value, integration.botUserId)) return undefined;
  return { integrationId: integration.id, channelId: kind.value.channelId };
}

/**
 * Carries out one Command and says how to settle it: ack once every effect is done, term (after
 * telling the agent) when it can never succeed, a throw when it may later — unless `lastChance`, when
 * the agent is told and the Command terminated then too.
 */
export async function handleCommand(ctx: TakeoverContext, command: Command, attempt: number, options: HandleOptions = {}): Promise<Outcome> {
  const lastChance = options.lastChance ?? attempt >= MAX_COMMAND_DELIVERIES;
  if (!options.knownUnprocessed && (await isProcessed(ctx.pool, command.id))) return ack();
  const context = command.context;
  if (!context) return finish(ctx, command, term('command without context'));
  if (command.kind.case === 'feedback') {
    await onFeedbackClick(ctx, command.kind.value);
    return finish(ctx, command, ack());
  }
  let actor: Actor | undefined;
  try {
    const integration = await ctx.tenants.integrationByTeam(context.teamId);
    if (!integration) throw new AgentError(messages.unknownWorkspace, Code.NotFound);
    const organization = await ctx.tenants.organization(integration.organizationId);
    if (!organization) throw new AgentError(messages.unknownWorkspace, Code.NotFound);
    actor = await agentActor(ctx, { kind: 'agent', organization, integration, agentUserId: context.userId, key: command.id });
    const recorded = await dispatch(ctx, actor, command, attempt, options.forward);
    return recorded === PROCESSED_RECORDED ? ack() : finish(ctx, command, ack());
  } catch (error) {
    if (!isPermanent(error) && !lastChance) throw error;
    ctx.logger.warn({ err: error, commandId: command.id, kind: command.kind.case, attempt }, 'command failed for good');
    await tellCommandFailed(ctx, actor, command, error);
    return finish(ctx, command, term(error instanceof Error ? error.message : String(error)));
  }
}

/**
 * A parked Command that kept failing past the retry window: the agent hears what was not done (a
 * message: ⚠, a threaded reason and Retry, where the whole team sees it) and it is settled as processed.
 */
export async function abandonCommand(ctx: TakeoverContext, command: Command, error: unknown, failingMs: number): Promise<void> {
  const context = command.context;
  if (!context) return;
  const integration = await ctx.tenants.integrationByTeam(context.teamId).catch(() => undefined);
  const organization = integration && (await ctx.tenants.organization(integration.organizationId).catch(() => undefined));
  const actor = integration && organization ? await agentActor(ctx, { kind: 'agent', organization, integration, agentUserId: context.userId, key: command.id }).catch(() => undefined) : undefined;
  ctx.logger.warn({ err: error, commandId: command.id }, 'command abandoned after its retry window');
  await tellCommandFailed(ctx, actor, command, error, failingMs);
  await markProcessed(ctx.pool, command.id);
}

/**
 * A feedback button clicked where Slack sends it to Megatron itself: recorded and thanked like a click the
 * app reports (ReportFeedback). A click on something that is not a feedback broadcast to that customer is ignored.
 */
async function onFeedbackClick(ctx: TakeoverContext, click: FeedbackCommand): Promise<void> {
  const { broadcastId, positive, customer } = click;
  const broadcast = UUID.test(broadcastId) && customer ? await selectBroadcast(ctx.pool, broadcastId) : undefined;
  if (!broadcast || !customer) return;
  try {
    await recordFeedback(ctx, broadcast.organization_id, { broadcastId, teamId: customer.teamId, userId: customer.userId, positive });
  } catch (error) {
    if (!isPermanent(error)) throw error;
    ctx.logger.info({ err: error, broadcastId }, 'feedback click ignored');
  }
}

async function finish(ctx: TakeoverContext, command: Command, outcome: Outcome): Promise<Outcome> {
  await markProcessed(ctx.pool, command.id);
  return outcome;
}

/** What a handler returns when it recorded its Command as processed itself, in the statement of its last effect. */
const PROCESSED_RECORDED = 'processed-recorded';
type Dispatched = typeof PROCESSED_RECORDED | void;

async function dispatch(ctx: TakeoverContext, actor: Actor, command: Command, attempt: number, forward: ForwardAhead | undefined): Promise<Dispatched> {
  const kind = command.kind;
  switch (kind.case) {
    case 'open':
      return onVerb(ctx, actor, command, 'open', kind.value.target);
    case 'close':
      return onVerb(ctx, actor, command, 'close', kind.value.target);
    case 'pause':
      return onVerb(ctx, actor, command, 'pause', kind.value.target);
    case 'unpause':
      return onVerb(ctx, actor, command, 'unpause', kind.value.target);
    case 'claim':
      return onVerb(ctx, actor, command, 'claim', kind.value.target);
    case 'stats':
      return reply(ctx, actor, command, text(await statsSummary(ctx, actor)));
    case 'heldMessageChoice':
      return onHeldChoice(ctx, actor, command, kind.value);
    case 'clearContext':
      return onVerb(ctx, actor, command, 'clear-context', kind.value.target);
    case 'do':
      if (!kind.value.text.trim()) throw new AgentError('Tell me what the bot should do: `/megatron do <text>`.', Code.InvalidArgument);
      return onVerb(ctx, actor, command, 'do', kind.value.target, kind.value.text);
    case 'help':
      return reply(ctx, actor, command, text(HELP_TEXT));
    case 'message':
    case 'fileShare':
      return onAgentMessage(ctx, actor, kind.value.channelId, kind.value.userId, { ts: kind.value.ts, text: kind.value.text, files: kind.value.files }, attempt, forward);
    case 'messageChanged': {
      const engagement = await openEngagementOf(ctx, actor, kind.value.channelId);
      if (!engagement || kind.value.userId === actor.integration.botUserId) return;
      const agent = await ensureAgent(ctx, actor.integration, kind.value.userId);
      return followAgentEdit(ctx, actor, engagement, { ts: kind.value.ts, text: kind.value.text, files: kind.value.files, avatarUrl: agent.image_url });
    }
    case 'messageDeleted': {
      const engagement = await openEngagementOf(ctx, actor, kind.value.channelId);
      if (engagement) await followAgentDelete(ctx, actor, engagement, kind.value.deletedTs);
      return;
    }
    case 'channelGone':
      return onChannelGone(ctx, actor, kind.value);
    case 'retryDelivery':
      return retryUndelivered(ctx, actor, command, kind.value);
    case 'feedback':
    case undefined:
      return;
  }
}

async function openEngagementOf(ctx: TakeoverContext, actor: Actor, channelId: string) {
  return openOnly(await selectByChannel(ctx.pool, actor.integration.id, channelId));
}

function openOnly(engagement: EngagementRow | undefined): EngagementRow | undefined {
  return engagement && !engagement.is_archived ? engagement : undefined;
}

async function onAgentMessage(
  ctx: TakeoverContext,
  actor: Actor,
  channelId: string,
  userId: string,
  message: { ts: string; text: string; files: SlackFile[] },
  attempt: number,
  ahead: ForwardAhead | undefined,
): Promise<Dispatched> {
  if (!isForwardable(userId, message, actor.integration.botUserId)) return;
  const engagement = ahead ? openOnly(ahead.engagement) : await openEngagementOf(ctx, actor, channelId);
  if (!engagement) return;
  const agent = await ensureAgent(ctx, actor.integration, userId);
  await applyTakeoverMode(ctx, actor, engagement);
  const secondAgent = Boolean(engagement.handled_by && engagement.handled_by !== userId);
  const recorded = await forwardAgentMessage(ctx, actor, engagement, { ...message, avatarUrl: agent.image_url }, attempt, {
    lastStep: !secondAgent,
    ...(ahead ? { posting: ahead.posting } : {}),
  });
  if (secondAgent) await noteSecondAgent(ctx, actor, engagement, userId);
  return recorded ? PROCESSED_RECORDED : undefined;
}

async function onVerb(ctx: TakeoverContext, actor: Actor, command: Command, verb: CustomerVerb, target: Target | undefined, doText = ''): Promise<void> {
  const context = command.context as RequestContext;
  if (verb === 'open' && target?.kind.case === undefined) throw new AgentError(messages.specifyUser, Code.InvalidArgument);
  const resolution = await resolveTarget(ctx, actor, target, context.channelId);
  if (resolution.kind === 'choose') {
    return reply(ctx, actor, command, disambiguation(verb, resolution.name, resolution.candidates, doText));
  }
  const { teamId, userId } = resolution;
  switch (verb) {
    case 'open': {
      // The link goes out as soon as the channel exists (the history follows inside it); a channel already
      // open is answered the same way once the lifecycle is done. Either way the agent gets it once.
      const link = (engagement: EngagementRow) =>
        reply(ctx, actor, command, channelLink(engagementCustomerName(engagement), engagement.channel_name, channelUrl(actor.integration.domain, engagement.channel_id)));
      const { engagement } = await runLifecycle(ctx, { ...actor, announceChannel: link }, teamId, userId, { type: 'open' });
      if (!engagement) throw new Error('open left no engagement');
      return link(engagement);
    }
    case 'close':
    case 'pause':
    case 'unpause':
    case 'claim': {
      const event: LifecycleEvent = verb === 'close' ? { type: 'close', reason: 'agent' } : verb === 'claim' ? { type: 'claim', agent: actor.agentUserId } : { type: verb };
      const { outcome, customer } = await runLifecycle(ctx, actor, teamId, userId, event);
      return reply(ctx, actor, command, text(OUTCOME_REPLIES[outcome](await replyName(ctx, actor.organization.id, customer))));
    }
    case 'clear-context': {
      const customer = await ensureCustomer(ctx, actor.organization.id, teamId, userId);
      await clearContext(ctx, actor, customer);
      return reply(ctx, actor, command, text(messages.contextCleared(customer.name)));
    }
    case 'do': {
      const target = await requireEngagement(ctx, actor, teamId, userId);
      await pushMessage(ctx, actor, target, doText);
      return reply(ctx, actor, command, text(messages.doSent(target.customer.name)));
    }
  }
}

/** What the agent who asked hears, whatever the state made of the request. */
const OUTCOME_REPLIES: Record<LifecycleOutcome, (name: string) => string> = {
  opened: messages.paused,
  reopened: messages.paused,
  already_open: messages.paused,
  paused: messages.paused,
  opened_and_paused: messages.paused,
  already_paused: messages.alreadyPaused,
  unpaused: messages.unpaused,
  not_paused: messages.notPaused,
  closed: () => messages.channelClosed,
  already_closed: messages.alreadyClosed,
  channel_lost: messages.alreadyClosed,
  nothing_to_lose: messages.alreadyClosed,
  claimed: messages.claimed,
  already_claimed: messages.alreadyClaimed,
  nothing_to_claim: messages.nothingToClaim,
};

