import type { Db } from './tenants.js';

export type ActionKind = 'help_request' | 'reminder' | 'warning';

export interface ActionMessageRow {
  id: string;
  kind: ActionKind;
  channel_id: string;
  ts: string;
  created_at: Date;
}

interface CustomerKey {
  organizationId: string;
  teamId: string;
  userId: string;
}

export async function insertActionMessage(db: Db, key: CustomerKey, message: { kind: ActionKind; channelId: string; ts: string; at: Date }): Promise<void> {
  await db.query('insert into action_messages (organization_id, team_id, user_id, kind, channel_id, ts, created_at) values ($1, $2, $3, $4, $5, $6, $7)', [
    key.organizationId,
    key.teamId,
    key.userId,
    message.kind,
    message.channelId,
    message.ts,
    message.at,
  ]);
}

/** The customer's latest message of this kind posted at or after `since`, settled or not. */
export async function selectRecentActionMessage(db: Db, key: CustomerKey, kind: ActionKind, since: Date): Promise<ActionMessageRow | undefined> {
  const { rows } = await db.query<ActionMessageRow>(
    `select id, kind, channel_id, ts, created_at from action_messages
      where organization_id = $1 and team_id = $2 and user_id = $3 and kind = $4 and created_at >= $5
      order by created_at desc limit 1`,
    [key.organizationId, key.teamId, key.userId, kind, since],
  );
  return rows[0];
}

/** Claims the customer's live messages of these kinds: each is returned to exactly one caller, once. */
export async function settleActionMessages(db: Db, key: CustomerKey, kinds: ActionKind[], at: Date): Promise<ActionMessageRow[]> {
  const { rows } = await db.query<ActionMessageRow>(
    `update action_messages set settled_at = $5
      where organization_id = $1 and team_id = $2 and user_id = $3 and kind = any($4) and settled_at is null
      returning id, kind, channel_id, ts, created_at`,
    [key.organizationId, key.teamId, key.userId, kinds, at],
  );
  return rows;
}
