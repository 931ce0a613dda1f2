import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import { CommandSchema, type Command, type RetryDeliveryCommand } from '@megatron/contracts';
import { selectById, type EngagementRow } from '../db/engagements.js';
import { claimRetry, insertUndelivered, markRetryDelivered, releaseRetry, setNoticeTs, type UndeliveredRow } from '../db/undelivered.js';
import type { Actor, TakeoverContext } from './context.js';
import { ensureAgent } from './customers.js';
import { forwardAgentMessage } from './agent-messages.js';
import { AgentError, isPermanent } from './errors.js';
import { plainFailure } from './plain-words.js';
import { retriedNotice, undeliveredNotice } from './messages.js';
import { FAILED } from './receipts.js';
import { withToken } from './slack-gateway.js';

/** Why an agent's message did not reach the customer, as one plain sentence. */
export function undeliveredReason(error: unknown, failingMs?: number): string {
  if (failingMs !== undefined && !isPermanent(error)) {
    return `Slack kept failing for ${Math.max(1, Math.round(failingMs / 60_000))} minutes, so Megatron stopped trying.`;
  }
  return plainFailure(error);
}

/**
 * An agent's message that definitively did not reach the customer: ⚠ on it (when the organization wants
 * receipts) and a threaded notice saying why, with a Retry button naming the record. A Command reported
 * again (a redelivery) updates the same notice.
 */
export async function reportUndelivered(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow, command: Command, reason: string): Promise<void> {
  const message = agentMessageOf(command);
  if (!message) return;
  const row = await insertUndelivered(ctx.pool, { engagementId: engagement.id, integrationTs: message.ts, commandId: command.id, command: toBinary(CommandSchema, command), reason });
  if (actor.organization.receipts) ctx.receipts.mark(actor.integration, engagement.channel_id, message.ts, FAILED);
  await postNotice(ctx, actor, engagement, row, undeliveredNotice(reason, row.id));
}

async function postNotice(ctx: TakeoverContext, actor: Actor, engagement: EngagementRow, row: UndeliveredRow, content: ReturnType<typeof undeliveredNotice>): Promise<void> {
  const token = withToken(actor.integration.botToken);
  if (row.notice_ts) {
    await ctx.slack.updateMessage({ channel: engagement.channel_id, ts: row.notice_ts, content }, token);
    return;
  }
  const { ts } = await ctx.slack.postMessage({ channel: engagement.channel_id, threadTs: row.integration_ts, content }, token);
  await setNoticeTs(ctx.pool, row.id, ts);
}

/**
 * The Retry button: sends the message once more, exactly once however often it is clicked (the first
 * click holds the record until it succeeds or fails for good). The copy says when it was written if it
 * arrives late (LATE_MARK_AFTER_MS), as it usually does by then.
 */
export async function retryUndelivered(ctx: TakeoverContext, actor: Actor, command: Command, retry: RetryDeliveryCommand): Promise<void> {
  const row = await claimRetry(ctx.pool, retry.undeliveredId, actor.integration.id, command.id);
  if (!row) return;
  const original = fromBinary(CommandSchema, row.command);
  const message = agentMessageOf(original);
  const engagement = await selectById(ctx.pool, row.engagement_channel_id);
  if (!message || !engagement) return;
  const sender = { ...actor, key: original.id };
  try {
    if (engagement.is_archived) throw new AgentError('The engagement channel was closed since; open it again to write to the customer.', Code.FailedPrecondition);
    const agent = await ensureAgent(ctx, actor.integration, message.userId);
    await forwardAgentMessage(ctx, sender, engagement, { ts: message.ts, text: message.text, files: message.files, avatarUrl: agent.image_url }, 2);
  } catch (error) {
    if (!isPermanent(error)) throw error;
    const reason = undeliveredReason(error);
    await releaseRetry(ctx.pool, row.id, reason);
    await postNotice(ctx, actor, engagement, row, undeliveredNotice(reason, row.id));
    return;
  }
  await markRetryDelivered(ctx.pool, row.id);
  if (actor.organization.receipts) ctx.receipts.unmark(actor.integration, engagement.channel_id, message.ts, FAILED);
  await postNotice(ctx, actor, engagement, row, retriedNotice(actor.agentName));
}

function agentMessageOf(command: Command) {
  const kind = command.kind;
  return kind.case === 'message' || kind.case === 'fileShare' ? kind.value : undefined;
}
