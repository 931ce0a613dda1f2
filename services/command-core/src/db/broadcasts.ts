import type { Db } from './tenants.js';

export async function insertBroadcast(db: Db, organizationId: string, captureFeedback: boolean): Promise<string> {
  const { rows } = await db.query<{ id: string }>('insert into broadcasts (organization_id, capture_feedback) values ($1, $2) returning id', [
    organizationId,
    captureFeedback,
  ]);
  return (rows[0] as { id: string }).id;
}

/** A later click replaces an earlier one: the customer's last answer counts. */
export async function upsertFeedback(db: Db, broadcastId: string, teamId: string, userId: string, positive: boolean): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into broadcast_feedback (broadcast_id, team_id, user_id, positive)
     select id, $2, $3, $4 from broadcasts where id = $1 and capture_feedback
     on conflict (broadcast_id, team_id, user_id) do update set positive = excluded.positive, created_at = now()`,
    [broadcastId, teamId, userId, positive],
  );
  return (rowCount ?? 0) > 0;
}
