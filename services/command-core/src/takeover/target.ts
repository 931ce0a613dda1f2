import { Code, ConnectError } from '@connectrpc/connect';
import type { Target } from '@megatron/contracts';
import { selectByChannel } from '../db/engagements.js';
import type { Actor, TakeoverContext } from './context.js';
import { AgentError } from './errors.js';
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
    throw new AgentError(`The app could not search for "${name}" (${error instanceof ConnectError ? error.rawMessage : String(error)}).`);
  }
  const candidates = users
    .filter((user) => user.platformUserId && user.platformTeamId)
    .map((user) => ({ teamId: user.platformTeamId, userId: user.platformUserId, username: user.username || user.platformUserId }));
  const [only] = candidates;
  if (!only) throw new AgentError(messages.unknownUser, Code.NotFound);
  if (candidates.length === 1) return { kind: 'customer', teamId: only.teamId, userId: only.userId };
  return { kind: 'choose', name, candidates };
}
