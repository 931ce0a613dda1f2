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
import { transaction } from '@megatron/runtime';
import { insertBroadcast } from '../../db/broadcasts.js';
import { selectByCustomer } from '../../db/engagements.js';
import { insertActionMessage, selectRecentActionMessage } from '../../db/action-messages.js';
import type { TakeoverContext } from '../../takeover/context.js';
import { ensureCustomer, ensureDm } from '../../takeover/customers.js';
import { helpRequest } from '../../takeover/messages.js';
import { FieldError, invalidField, missingField, slackErrorOf } from '../../takeover/errors.js';
import { withToken } from '../../takeover/slack-gateway.js';
import { requireContent, requireCustomer, requireTeamId, requireUserId } from '../validation.js';
import { apiActor, organizationIdOf } from './api-actor.js';

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
  return transaction(ctx.pool, async (db) => {
    await db.query('select pg_advisory_xact_lock(hashtext($1))', [`help-request:${organizationId}:${teamId}:${userId}`]);
    const now = ctx.clock();
    const key = { organizationId, teamId, userId };
    const recent = await selectRecentActionMessage(db, key, 'help_request', new Date(now.getTime() - HELP_REQUEST_DEDUP_MS));
    if (recent) return create(GetAHumanResponseSchema, { channelId: recent.channel_id, ts: recent.ts, deduplicated: true });
    const customer = await ensureCustomer(ctx, organizationId, teamId, userId);
    const posted = await ctx.slack.postMessage(
      { channel, content: helpRequest(customer.name, request.teamDomain || customer.workspace.domain, { teamId, userId }) },
      withToken(actor.integration.botToken),
    );
    await insertActionMessage(db, key, { kind: 'help_request', channelId: posted.channel || channel, ts: posted.ts, at: now });
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

/**
 * A public broadcast names at most `cap` recipients in one call, each by a Slack team and user id: a larger
 * audience is sent as several calls (README, "Broadcasts"), so no one request holds the API for minutes.
 */
function checkAudiences(audiences: BroadcastRequest['audiences'], cap: number): void {
  const recipients = audiences.reduce((sum, audience) => sum + audience.userIds.length, 0);
  if (recipients > cap) throw invalidField('audiences', `name ${recipients} recipients; at most ${cap} per call (BROADCAST_MAX_RECIPIENTS): send several calls`);
  audiences.forEach((audience, index) => {
    requireTeamId(audience.teamId, `audiences[${index}].team_id`);
    if (audience.userIds.length === 0) throw missingField(`audiences[${index}].user_ids`);
    audience.userIds.forEach((userId, i) => requireUserId(userId, `audiences[${index}].user_ids[${i}]`));
  });
}

/** DMs every listed customer; one workspace's or one user's failure is reported, never fatal to the rest. */
export async function broadcast(ctx: TakeoverContext, context: HandlerContext, request: BroadcastRequest) {
  const organizationId = organizationIdOf(context);
  const content = requireContent(request.content);
  if (request.audiences.length === 0) throw missingField('audiences');
  checkAudiences(request.audiences, ctx.config.BROADCAST_MAX_RECIPIENTS);
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
