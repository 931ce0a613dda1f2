import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import {
  GetAHumanResponseSchema,
  PlatformType,
  RegisterWorkspaceResponseSchema,
  SendMessageResponseSchema,
  WorkspaceSchema,
  type GetAHumanRequest,
  type NotifyUserRequest,
  type RegisterWorkspaceRequest,
  type SendMessageRequest,
} from '@megatron/contracts';
import { selectByCustomer } from '../../db/engagements.js';
import { insertActionMessage, selectRecentActionMessage } from '../../db/action-messages.js';
import type { TakeoverContext } from '../../takeover/context.js';
import { ensureCustomer, ensureDm } from '../../takeover/customers.js';
import { helpRequest } from '../../takeover/messages.js';
import { mirrorSentCopies } from '../../takeover/mirror-sent.js';
import { FieldError, invalidField } from '../../takeover/errors.js';
import { withToken } from '../../takeover/slack-gateway.js';
import { requireContent, requireCustomer, requireUserId } from '../validation.js';
import { apiActor, organizationIdOf } from './api-actor.js';

/** DMs one customer; an agent in the customer's open engagement channel sees the message there too. */
export async function sendMessage(ctx: TakeoverContext, context: HandlerContext, request: SendMessageRequest) {
  const { teamId, userId } = requireCustomer(request.customer);
  const content = requireContent(request.content);
  const organizationId = organizationIdOf(context);
  const customer = await ensureCustomer(ctx, organizationId, teamId, userId);
  const dm = await ensureDm(ctx, customer);
  const posted = await ctx.customerTokens.call(customer.workspace, (token) => ctx.slack.postMessage({ channel: dm, content }, withToken(token)));
  const channelId = posted.channel || dm;
  await mirrorSentCopies(ctx, organizationId, [{ teamId, userId, channelId, ts: posted.ts }], content, { kind: 'api' });
  return create(SendMessageResponseSchema, { channelId, ts: posted.ts });
}

export async function notifyUser(ctx: TakeoverContext, context: HandlerContext, request: NotifyUserRequest): Promise<void> {
  const { teamId, userId } = requireCustomer(request.customer);
  const agent = requireUserId(request.agentUserId, 'agent_user_id');
  const content = requireContent(request.content);
  const actor = await apiActor(ctx, context);
  // Looked up without creating anything: a customer of another organization must leave no trace here.
  const engagement = await selectByCustomer(ctx.pool, actor.organization.id, teamId, userId);
  if (!engagement) throw new ConnectError(`customer ${teamId}:${userId} has no engagement channel in this organization`, Code.NotFound);
  await ctx.slack.postEphemeral({ channel: engagement.channel_id, user: agent, content }, withToken(actor.integration.botToken));
}

/** A customer asking again within this long gets the request already posted: one ping for the agents, not thirty. */
const HELP_REQUEST_DEDUP_MS = 5 * 60_000;

export async function getAHuman(ctx: TakeoverContext, context: HandlerContext, request: GetAHumanRequest) {
  const { teamId, userId } = requireCustomer(request.requestingUser, 'requesting_user');
  if (request.teamDomain.length > 200) throw invalidField('team_domain', 'is longer than 200 characters');
  const actor = await apiActor(ctx, context);
  const channel = actor.integration.notificationChannelId;
  if (!channel) throw new ConnectError('the organization has no notification channel; set it with megatron-admin integration set', Code.FailedPrecondition);
  const organizationId = actor.organization.id;
  // One request per customer at a time across replicas: the lock spans the check, the post and the record.
  return ctx.locks.hold(`help-request:${organizationId}:${teamId}:${userId}`, async () => {
    const now = ctx.clock();
    const key = { organizationId, teamId, userId };
    const recent = await selectRecentActionMessage(ctx.pool, key, 'help_request', new Date(now.getTime() - HELP_REQUEST_DEDUP_MS));
    if (recent) return create(GetAHumanResponseSchema, { channelId: recent.channel_id, ts: recent.ts, deduplicated: true });
    const customer = await ensureCustomer(ctx, organizationId, teamId, userId);
    const posted = await ctx.slack.postMessage(
      { channel, content: helpRequest(customer.name, request.teamDomain || customer.workspace.domain, { teamId, userId }) },
      withToken(actor.integration.botToken),
    );
    await insertActionMessage(ctx.pool, key, { kind: 'help_request', channelId: posted.channel || channel, ts: posted.ts, at: now });
    return create(GetAHumanResponseSchema, { channelId: posted.channel, ts: posted.ts, deduplicated: false });
  });
}

export async function registerWorkspace(ctx: TakeoverContext, context: HandlerContext, request: RegisterWorkspaceRequest) {
  if (request.platform !== PlatformType.SLACK) throw new FieldError('platform', false, 'platform must be PLATFORM_TYPE_SLACK (platform_type "slack")');
  const result = await ctx.tenants.registerWorkspace(organizationIdOf(context), {
    platformId: request.platformId,
    name: request.name,
    domain: request.domain,
    connectionToken: request.connectionToken,
  });
  const { workspace } = result;
  return create(RegisterWorkspaceResponseSchema, {
    created: result.created,
    workspace: create(WorkspaceSchema, { id: workspace.id, platform: PlatformType.SLACK, platformId: workspace.platformId, name: workspace.name, domain: workspace.domain }),
  });
}
