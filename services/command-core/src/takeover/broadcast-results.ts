import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { GetBroadcastResultsResponseSchema, type GetBroadcastResultsResponse } from '@megatron/contracts';
import { countRecipients, selectBroadcast, selectFeedback } from '../db/broadcasts.js';
import type { Db } from '../db/tenants.js';

/**
 * How a broadcast was received: how many customers got it, their 👍/👎 counts and each customer's last answer.
 * Scoped to `organizationId` for the API; the operator's command reads any organization's. Undefined when there
 * is no such broadcast (in that organization).
 */
export async function broadcastResults(db: Db, broadcastId: string, organizationId?: string): Promise<GetBroadcastResultsResponse | undefined> {
  const broadcast = await selectBroadcast(db, broadcastId, organizationId);
  if (!broadcast) return undefined;
  const [delivered, answers] = await Promise.all([countRecipients(db, broadcastId), selectFeedback(db, broadcastId)]);
  const positive = answers.filter((answer) => answer.positive).length;
  return create(GetBroadcastResultsResponseSchema, {
    broadcastId: broadcast.id,
    captureFeedback: broadcast.capture_feedback,
    createdAt: timestampFromDate(broadcast.created_at),
    delivered,
    positive,
    negative: answers.length - positive,
    answers: answers.map((answer) => ({
      customer: { teamId: answer.team_id, userId: answer.user_id },
      positive: answer.positive,
      answeredAt: timestampFromDate(answer.created_at),
    })),
  });
}
