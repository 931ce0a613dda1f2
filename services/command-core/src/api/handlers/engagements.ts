import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import { GetEngagementLogResponseSchema, ListEngagementsResponseSchema, type Engagement, type GetEngagementLogRequest, type GetEngagementLogResponse, type ListEngagementsRequest, type UserRef } from '@megatron/contracts';
import { selectByChannelInOrganization, selectByCustomer, selectById, selectEngagements } from '../../db/engagements.js';
import { clearContext } from '../../takeover/app-verbs.js';
import type { TakeoverContext } from '../../takeover/context.js';
import { ensureCustomer, toEngagement } from '../../takeover/customers.js';
import { engagementLog, LOG_LIMIT_DEFAULT, LOG_LIMIT_MAX } from '../../takeover/engagement-log.js';
import { runLifecycle } from '../../takeover/lifecycle/run-lifecycle.js';
import type { LifecycleEvent } from '../../takeover/lifecycle/state-machine.js';
import { FieldError, invalidField } from '../../takeover/errors.js';
import { requireCustomer, requireUserId } from '../validation.js';
import { apiActor, organizationIdOf } from './api-actor.js';

/** Runs a lifecycle event for an API caller and answers the engagement as it stands afterwards. */
async function lifecycleForApi(ctx: TakeoverContext, context: HandlerContext, customer: UserRef | undefined, event: LifecycleEvent, agentUserId = ''): Promise<Engagement> {
  const { teamId, userId } = requireCustomer(customer);
  if (agentUserId) requireUserId(agentUserId, 'agent_user_id');
  const actor = await apiActor(ctx, context, agentUserId);
  const { engagement } = await runLifecycle(ctx, actor, teamId, userId, event);
  if (!engagement) throw new ConnectError('no such engagement', Code.NotFound);
  return toEngagement(engagement, actor.integration.domain);
}

export const openForApi = (ctx: TakeoverContext, context: HandlerContext, customer: UserRef | undefined, agentUserId: string) =>
  lifecycleForApi(ctx, context, customer, { type: 'open' }, agentUserId);

export const closeForApi = (ctx: TakeoverContext, context: HandlerContext, customer: UserRef | undefined) =>
  lifecycleForApi(ctx, context, customer, { type: 'close', reason: 'agent' });

export const pauseForApi = (ctx: TakeoverContext, context: HandlerContext, customer: UserRef | undefined, paused: boolean) =>
  lifecycleForApi(ctx, context, customer, { type: paused ? 'pause' : 'unpause' });

export async function clearContextForApi(ctx: TakeoverContext, context: HandlerContext, customer: UserRef | undefined): Promise<void> {
  const { teamId, userId } = requireCustomer(customer);
  const actor = await apiActor(ctx, context);
  await clearContext(ctx, actor, await ensureCustomer(ctx, actor.organization.id, teamId, userId));
}

async function integrationDomain(ctx: TakeoverContext, organizationId: string): Promise<string> {
  return (await ctx.tenants.integrationOf(organizationId))?.domain ?? '';
}

export async function listForApi(ctx: TakeoverContext, context: HandlerContext, request: ListEngagementsRequest) {
  const organizationId = organizationIdOf(context);
  if (request.pageSize < 0 || request.pageSize > 500) throw invalidField('page_size', 'must be between 0 and 500');
  const limit = request.pageSize || 100;
  let after: { afterCreatedAt: Date; afterId: string } | undefined;
  if (request.pageToken) {
    const last = /^[0-9a-f-]{36}$/i.test(request.pageToken) ? await selectById(ctx.pool, request.pageToken) : undefined;
    if (!last || last.organization_id !== organizationId) throw invalidField('page_token', 'is not valid');
    after = { afterCreatedAt: last.created_at, afterId: last.id };
  }
  const rows = await selectEngagements(ctx.pool, organizationId, { includeArchived: request.includeArchived, limit: limit + 1, ...after });
  const page = rows.slice(0, limit);
  const domain = await integrationDomain(ctx, organizationId);
  return create(ListEngagementsResponseSchema, {
    engagements: page.map((row) => toEngagement(row, domain)),
    nextPageToken: rows.length > limit ? (page[page.length - 1]?.id ?? '') : '',
  });
}

export async function getForApi(ctx: TakeoverContext, context: HandlerContext, key: { case: 'customer'; value: UserRef } | { case: 'channelId'; value: string } | { case: undefined; value?: undefined }): Promise<Engagement> {
  const organizationId = organizationIdOf(context);
  let row;
  if (key.case === 'customer') {
    const { teamId, userId } = requireCustomer(key.value);
    row = await selectByCustomer(ctx.pool, organizationId, teamId, userId);
  } else if (key.case === 'channelId' && key.value) {
    row = await selectByChannelInOrganization(ctx.pool, organizationId, key.value);
  } else {
    throw new FieldError('customer', true, 'customer or channel_id is required');
  }
  if (!row) throw new ConnectError('no such engagement', Code.NotFound);
  return toEngagement(row, await integrationDomain(ctx, organizationId));
}

/** GetEngagementLog: the log of the customer named by the key (a customer, or an engagement channel of the organization). */
export async function getLogForApi(ctx: TakeoverContext, context: HandlerContext, req: GetEngagementLogRequest): Promise<GetEngagementLogResponse> {
  const organizationId = organizationIdOf(context);
  if (req.limit < 0 || req.limit > LOG_LIMIT_MAX) throw invalidField('limit', `must be between 1 and ${LOG_LIMIT_MAX} (0 for ${LOG_LIMIT_DEFAULT})`);
  let customer: { teamId: string; userId: string };
  if (req.key.case === 'customer') {
    customer = requireCustomer(req.key.value);
  } else if (req.key.case === 'channelId' && req.key.value) {
    const row = await selectByChannelInOrganization(ctx.pool, organizationId, req.key.value);
    if (!row) throw new ConnectError('no such engagement', Code.NotFound);
    customer = { teamId: row.team_id, userId: row.user_id };
  } else {
    throw new FieldError('customer', true, 'customer or channel_id is required');
  }
  const entries = await engagementLog(ctx.pool, organizationId, customer.teamId, customer.userId, req.limit || LOG_LIMIT_DEFAULT);
  return create(GetEngagementLogResponseSchema, { entries });
}
