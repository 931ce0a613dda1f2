import type { Db } from './tenants.js';

export interface HelpRequestRow {
  id: string;
  channel_id: string;
  ts: string;
  created_at: Date;
}

/** The customer's latest help request posted at or after `since`. */
export async function selectRecentHelpRequest(db: Db, organizationId: string, teamId: string, userId: string, since: Date): Promise<HelpRequestRow | undefined> {
  const { rows } = await db.query<HelpRequestRow>(
    `select id, channel_id, ts, created_at from help_requests
     where organization_id = $1 and team_id = $2 and user_id = $3 and created_at >= $4
     order by created_at desc limit 1`,
    [organizationId, teamId, userId, since],
  );
  return rows[0];
}

export async function insertHelpRequest(db: Db, request: { organizationId: string; teamId: string; userId: string; channelId: string; ts: string; at: Date }): Promise<void> {
  await db.query('insert into help_requests (organization_id, team_id, user_id, channel_id, ts, created_at) values ($1, $2, $3, $4, $5, $6)', [
    request.organizationId,
    request.teamId,
    request.userId,
    request.channelId,
    request.ts,
    request.at,
  ]);
}
