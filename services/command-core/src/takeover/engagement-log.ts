import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EngagementLogEntrySchema, type EngagementLogEntry } from '@megatron/contracts';
import type { Pool } from '@megatron/runtime';
import { selectEngagementEvents } from '../db/engagement-events.js';

export const LOG_LIMIT_DEFAULT = 100;
export const LOG_LIMIT_MAX = 1000;

/** The customer's engagement log in an organization (who opened, paused, claimed, closed; when; why), oldest first. */
export async function engagementLog(pool: Pool, organizationId: string, teamId: string, userId: string, limit = LOG_LIMIT_DEFAULT): Promise<EngagementLogEntry[]> {
  const rows = await selectEngagementEvents(pool, organizationId, teamId, userId, limit);
  return rows.map((row) => {
    const [event = '', outcome = ''] = row.event.split(':');
    return create(EngagementLogEntrySchema, {
      at: timestampFromDate(row.at),
      event,
      outcome,
      actorKind: row.actor_kind,
      actorId: row.actor_id,
      actorName: row.actor_name,
      reason: row.reason,
      pausedAfter: row.paused_after,
    });
  });
}
