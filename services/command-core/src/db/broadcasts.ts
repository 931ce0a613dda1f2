import type { Db } from './tenants.js';

export interface BroadcastRow {
  id: string;
  organization_id: string;
  capture_feedback: boolean;
  created_at: Date;
  text: string;
  blocks_json: string;
  attachments_json: string;
}

export interface RecipientCopy {
  channel_id: string;
  ts: string;
}

export interface FeedbackRow {
  team_id: string;
  user_id: string;
  positive: boolean;
  created_at: Date;
}

export async function insertBroadcast(
  db: Db,
  organizationId: string,
  captureFeedback: boolean,
  content: { text: string; blocksJson: string; attachmentsJson: string },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'insert into broadcasts (organization_id, capture_feedback, text, blocks_json, attachments_json) values ($1, $2, $3, $4, $5) returning id',
    [organizationId, captureFeedback, content.text, content.blocksJson, content.attachmentsJson],
  );
  return (rows[0] as { id: string }).id;
}

/** Where each customer got their copy, in one round trip for the whole audience. */
export async function insertRecipients(db: Db, broadcastId: string, copies: Array<{ teamId: string; userId: string; channelId: string; ts: string }>): Promise<void> {
  if (copies.length === 0) return;
  await db.query(
    `insert into broadcast_recipients (broadcast_id, team_id, user_id, channel_id, ts)
     select $1, team_id, user_id, channel_id, ts from unnest($2::text[], $3::text[], $4::text[], $5::text[]) as copy (team_id, user_id, channel_id, ts)
     on conflict do nothing`,
    [broadcastId, ...(['teamId', 'userId', 'channelId', 'ts'] as const).map((field) => copies.map((copy) => copy[field]))],
  );
}

/** A broadcast by id; with an organization, only that organization's. */
export async function selectBroadcast(db: Db, id: string, organizationId?: string): Promise<BroadcastRow | undefined> {
  const { rows } = await db.query<BroadcastRow>(
    `select id, organization_id, capture_feedback, created_at, text, blocks_json, attachments_json
       from broadcasts where id = $1 and ($2::uuid is null or organization_id = $2)`,
    [id, organizationId ?? null],
  );
  return rows[0];
}

export async function selectRecipientCopy(db: Db, broadcastId: string, teamId: string, userId: string): Promise<RecipientCopy | undefined> {
  const { rows } = await db.query<RecipientCopy>('select channel_id, ts from broadcast_recipients where broadcast_id = $1 and team_id = $2 and user_id = $3', [
    broadcastId,
    teamId,
    userId,
  ]);
  return rows[0];
}

export async function countRecipients(db: Db, broadcastId: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>('select count(*)::int as count from broadcast_recipients where broadcast_id = $1', [broadcastId]);
  return rows[0]?.count ?? 0;
}

/** Every customer's answer, oldest first. */
export async function selectFeedback(db: Db, broadcastId: string): Promise<FeedbackRow[]> {
  const { rows } = await db.query<FeedbackRow>(
    'select team_id, user_id, positive, created_at from broadcast_feedback where broadcast_id = $1 order by created_at, team_id, user_id',
    [broadcastId],
  );
  return rows;
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
