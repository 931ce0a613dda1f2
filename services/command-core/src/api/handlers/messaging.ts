import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import {
  BroadcastRecipientResultSchema,
  BroadcastResponseSchema,
  GetAHumanResponseSchema,
  PlatformType,
  RegisterWorkspaceResponseSchema,
  SendMessageResponseSchema,
  WorkspaceSchema,
  type BroadcastRecipientResult,
  type BroadcastRequest,
  type GetAHumanRequest,
  type NotifyUserRequest,
  type RegisterWorkspaceRequest,
  type SendMessageRequest,
} from '@megatron/contracts';
import { insertBroadcast } from '../../db/broadcasts.js';
import type { TakeoverContext } from '../../takeover/context.js';
import { ensureCustomer, ensureDm } from '../../takeover/customers.js';
import { requireEngagement } from '../../takeover/engagement-lookup.js';
import { helpRequest } from '../../takeover/messages.js';
import { FieldError, missingField, slackErrorOf } from '../../takeover/errors.js';
import { withToken } from '../../takeover/slack-gateway.js';
import { requireCustomer, requireField } from '../validation.js';
import { apiActor, organizationIdOf } from './api-actor.js';

function requireContent<T extends { text: string; blocksJson: string; attachmentsJson: string }>(content: T | undefined): T {
  if (!content || (!content.text.trim() && !content.blocksJson && !content.attachmentsJson)) throw new FieldError('content', true, 'content is required (text, blocks or attachments)');
  return content;
}

export async function sendMessage(ctx: TakeoverContext, context: HandlerContext, request: SendMessageRequest) {
  const { teamId, userId } = requireCustomer(request.customer);
  const content = requireContent(request.content);
  const customer = await ensureCustomer(ctx, organizationIdOf(context), teamId, userId);
  const dm = await ensureDm(ctx, customer);
  const posted = await ctx.customerTokens.call(customer.workspace, (token) => ctx.slack.postMessage({ channel: dm, content }, withToken(token)));
  return create(SendMessageResponseSchema, { channelId: posted.channel || dm, ts: posted.ts });
}

export async function notifyUser(ctx: TakeoverContext, context: HandlerContext, request: NotifyUserRequest): Promise<void> {
  const { teamId, userId } = requireCustomer(request.customer);
  const agent = requireField(request.agentUserId, 'agent_user_id');
  const content = requireContent(request.content);
  const actor = await apiActor(ctx, context);
  const { engagement } = await requireEngagement(ctx, actor, teamId, userId);
  await ctx.slack.postEphemeral({ channel: engagement.channel_id, user: agent, content }, withToken(actor.integration.botToken));
}

export async function getAHuman(ctx: TakeoverContext, context: HandlerContext, request: GetAHumanRequest) {
  const { teamId, userId } = requireCustomer(request.requestingUser, 'requesting_user');
  const actor = await apiActor(ctx, context);
  if (!actor.integration.notificationChannelId) {
    throw new ConnectError('the organization has no notification channel; set it with megatron-admin integration set', Code.FailedPrecondition);
  }
  const customer = await ensureCustomer(ctx, actor.organization.id, teamId, userId);
  const posted = await ctx.slack.postMessage(
    { channel: actor.integration.notificationChannelId, content: helpRequest(customer.name, request.teamDomain || customer.workspace.domain, { teamId, userId }) },
    withToken(actor.integration.botToken),
  );
  return create(GetAHumanResponseSchema, { channelId: posted.channel, ts: posted.ts });
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

/** DMs every listed customer; one workspace's or one user's failure is reported, never fatal to the rest. */
export async function broadcast(ctx: TakeoverContext, context: HandlerContext, request: BroadcastRequest) {
  const organizationId = organizationIdOf(context);
  const content = requireContent(request.content);
  if (request.audiences.length === 0) throw missingField('audiences');
  const broadcastId = await insertBroadcast(ctx.pool, organizationId, request.captureFeedback);
  const results: BroadcastRecipientResult[] = [];
  const failAll = (teamId: string, users: string[], error: string) =>
    users.forEach((userId) => results.push(create(BroadcastRecipientResultSchema, { teamId, userId, ok: false, error })));
  for (const audience of request.audiences) {
    if (audience.platform !== PlatformType.SLACK) {
      failAll(audience.teamId, audience.userIds, 'unknown_platform');
      continue;
    }
    const workspace = await ctx.tenants.customerWorkspace(organizationId, audience.teamId);
    if (!workspace) {
      failAll(audience.teamId, audience.userIds, 'unknown_workspace');
      continue;
    }
    try {
      const sent = await ctx.customerTokens.call(workspace, (token) =>
        ctx.slack.broadcastMessages({ users: audience.userIds, content, captureFeedback: request.captureFeedback, broadcastId }, withToken(token)),
      );
      for (const result of sent.results) {
        results.push(create(BroadcastRecipientResultSchema, { teamId: audience.teamId, userId: result.user, ok: result.ok, error: result.error, channelId: result.channel, ts: result.ts }));
      }
    } catch (error) {
      failAll(audience.teamId, audience.userIds, slackErrorOf(error) ?? (error instanceof ConnectError ? error.rawMessage : 'internal_error'));
    }
  }
  return create(BroadcastResponseSchema, { broadcastId, results });
}
