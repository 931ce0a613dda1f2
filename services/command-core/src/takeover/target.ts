import { Code, ConnectError } from '@connectrpc/connect';
import type { Target } from '@megatron/contracts';
import { selectByChannel } from '../db/engagements.js';
import type { Actor, TakeoverContext } from './context.js';
import { AgentError } from './errors.js';
import { ensureCustomer, workspaceName } from './customers.js';
import { messages, type Candidate } from './messages.js';

export type Resolution = { kind: 'customer'; teamId: string; userId: string } | { kind: 'choose'; name: string; candidates: Candidate[] };

/**
 * Whom a verb acts on: an exact customer, a name the app resolves (search_user; several matches
 * mean the agent picks), or, with neither, the customer of the engagement channel it was run in.
 */
export async function resolveTarget(ctx: TakeoverContext, actor: Actor, target: Target | undefined, channelId: string): Promise<Resolution> {
  const kind = target?.kind;
  if (kind?.case === 'user') return { kind: 'customer', teamId: kind.value.teamId, userId: kind.value.userId };
  if (kind?.case === 'name' && kind.value.trim()) return searchByName(ctx, actor, kind.value.trim());
  const engagement = channelId ? await selectByChannel(ctx.pool, actor.integration.id, channelId) : undefined;
  if (!engagement) throw new AgentError(messages.specifyUser, Code.InvalidArgument);
  return { kind: 'customer', teamId: engagement.team_id, userId: engagement.user_id };
}

async function searchByName(ctx: TakeoverContext, actor: Actor, name: string): Promise<Resolution> {
  let users;
  try {
    ({ users } = await ctx.appNotifier.searchUser({ organizationId: actor.organization.id, targetedUserName: name }));
  } catch (error) {
    if (error instanceof ConnectError && [Code.Unavailable, Code.DeadlineExceeded, Code.ResourceExhausted].includes(error.code)) throw error;
    ctx.logger.warn({ err: error, name }, 'search_user failed');
    throw new AgentError(`The app could not look up "${name}", so nothing was done; try again, and tell your administrator if it keeps happening.`);
  }
  const found = users
    .filter((user) => user.platformUserId && user.platformTeamId)
    .map((user) => ({ teamId: user.platformTeamId, userId: user.platformUserId, username: user.username || user.platformUserId }));
  const [only] = found;
  if (!only) throw new AgentError(messages.unknownUser, Code.NotFound);
  if (found.length === 1) return { kind: 'customer', teamId: only.teamId, userId: only.userId };
  return { kind: 'choose', name, candidates: await Promise.all(found.slice(0, MAX_CHOICES).map((candidate) => labelled(ctx, actor, candidate))) };
}

/** Choices an agent is offered at once (a select shows 100 at most; more than this many means: type more of the name). */
const MAX_CHOICES = 25;

/** `Sam Lee — Globex`: the person's real name and their workspace's, as the agent knows them. */
async function labelled(ctx: TakeoverContext, actor: Actor, candidate: Omit<Candidate, 'label'>): Promise<Candidate> {
  try {
    const customer = await ensureCustomer(ctx, actor.organization.id, candidate.teamId, candidate.userId);
    const person = customer.user.real_name || customer.name;
    return { ...candidate, label: `${person} — ${workspaceName(customer)}` };
  } catch (error) {
    ctx.logger.warn({ err: error, teamId: candidate.teamId, userId: candidate.userId }, 'could not name a customer for the choice list');
    return { ...candidate, label: `${candidate.username} — ${candidate.teamId}` };
  }
}
