import { randomUUID } from 'node:crypto';
import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import type { Actor, TakeoverContext } from '../../takeover/context.js';
import { organizationIdKey } from '../auth-context.js';

export const API_ACTOR_NAME = 'the API';

export function organizationIdOf(context: HandlerContext): string {
  const organizationId = context.values.get(organizationIdKey);
  // The auth interceptor guarantees it; a missing one means the service was wired without it.
  if (!organizationId) throw new ConnectError('no organization API token on this call', Code.Unauthenticated);
  return organizationId;
}

/**
 * The organization as an actor, named "the API" wherever people read who did something ("executed by the
 * API from Acme", "Paused by the API."): the integrating app acted, not a person. A named agent is only invited.
 */
export async function apiActor(ctx: TakeoverContext, context: HandlerContext, agentUserId = ''): Promise<Actor> {
  const organizationId = organizationIdOf(context);
  const [organization, integration] = await Promise.all([ctx.tenants.organization(organizationId), ctx.tenants.integrationOf(organizationId)]);
  if (!organization) throw new ConnectError('organization not found', Code.Unauthenticated);
  if (!integration) throw new ConnectError('the organization has no integration workspace yet; set one with megatron-admin integration set', Code.FailedPrecondition);
  return { kind: 'api', organization, integration, agentUserId, agentName: API_ACTOR_NAME, key: `api:${randomUUID()}` };
}
