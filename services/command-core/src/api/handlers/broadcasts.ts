import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type HandlerContext } from '@connectrpc/connect';
import {
  BroadcastRecipientResultSchema,
  BroadcastResponseSchema,
  PlatformType,
  ReportFeedbackResponseSchema,
  type BroadcastRecipientResult,
  type BroadcastRequest,
  type GetBroadcastResultsRequest,
  type ReportFeedbackRequest,
} from '@megatron/contracts';
import { insertBroadcast, insertRecipients } from '../../db/broadcasts.js';
import { recordFeedback } from '../../takeover/broadcast-feedback.js';
import { broadcastResults } from '../../takeover/broadcast-results.js';
import type { TakeoverContext } from '../../takeover/context.js';
import { invalidField, missingField, slackErrorOf } from '../../takeover/errors.js';
import { mirrorSentCopies, type SentCopy } from '../../takeover/mirror-sent.js';
import { withToken } from '../../takeover/slack-gateway.js';
import { requireBroadcastId, requireContent, requireCustomer, requireTeamId, requireUserId } from '../validation.js';
import { organizationIdOf } from './api-actor.js';

/**
 * A public broadcast names at most `cap` recipients in one call, each by a Slack team and user id: a larger
 * audience is sent as several calls (README, "Broadcasts and feedback"), so no one request holds the API for minutes.
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

/**
 * DMs every listed customer; one workspace's or one user's failure is reported, never fatal to the rest. Each
 * delivered copy is recorded (feedback is answered on it), and customers in an open engagement channel have the
 * broadcast mirrored there.
 */
export async function broadcast(ctx: TakeoverContext, context: HandlerContext, request: BroadcastRequest) {
  const organizationId = organizationIdOf(context);
  const content = requireContent(request.content);
  if (request.audiences.length === 0) throw missingField('audiences');
  checkAudiences(request.audiences, ctx.config.BROADCAST_MAX_RECIPIENTS);
  const broadcastId = await insertBroadcast(ctx.pool, organizationId, request.captureFeedback, content);
  const results: BroadcastRecipientResult[] = [];
  const delivered: SentCopy[] = [];
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
    const sent = await ctx.customerTokens
      .call(workspace, (token) => ctx.slack.broadcastMessages({ users: audience.userIds, content, captureFeedback: request.captureFeedback, broadcastId }, withToken(token)))
      .catch((error: unknown) => slackErrorOf(error) ?? (error instanceof ConnectError ? error.rawMessage : 'internal_error'));
    if (typeof sent === 'string') {
      failAll(audience.teamId, audience.userIds, sent);
      continue;
    }
    for (const result of sent.results) {
      results.push(create(BroadcastRecipientResultSchema, { teamId: audience.teamId, userId: result.user, ok: result.ok, error: result.error, channelId: result.channel, ts: result.ts }));
      if (result.ok) delivered.push({ teamId: audience.teamId, userId: result.user, channelId: result.channel, ts: result.ts });
    }
  }
  await insertRecipients(ctx.pool, broadcastId, delivered);
  await mirrorSentCopies(ctx, organizationId, delivered, content, { kind: 'broadcast', captureFeedback: request.captureFeedback });
  return create(BroadcastResponseSchema, { broadcastId, results });
}

/** A feedback click the app received, checked field by field before anything is looked up or stored. */
export async function reportFeedback(ctx: TakeoverContext, context: HandlerContext, request: ReportFeedbackRequest) {
  const broadcastId = requireBroadcastId(request.broadcastId);
  const { teamId, userId } = requireCustomer(request.customer);
  if (request.positive === undefined) throw missingField('positive');
  await recordFeedback(ctx, organizationIdOf(context), { broadcastId, teamId, userId, positive: request.positive });
  return create(ReportFeedbackResponseSchema, {});
}

export async function getBroadcastResults(ctx: TakeoverContext, context: HandlerContext, request: GetBroadcastResultsRequest) {
  const broadcastId = requireBroadcastId(request.broadcastId);
  const results = await broadcastResults(ctx.pool, broadcastId, organizationIdOf(context));
  if (!results) throw new ConnectError(`broadcast ${broadcastId} not found`, Code.NotFound);
  return results;
}
