import type { Db } from './tenants.js';

export interface TranscriptMessage {
  ts: string;
  from_bot: boolean;
  text: string;
  blocks_json: string;
  attachments_json: string;
  files_json: string;
}

interface CustomerKey {
  organizationId: string;
  teamId: string;
  userId: string;
}

/** A reported message, stored masked; a repeated or edited report replaces what was stored. */
export async function upsertTranscriptMessage(db: Db, key: CustomerKey, message: TranscriptMessage): Promise<void> {
  await db.query(
    `insert into transcript_messages (organization_id, team_id, user_id, ts, from_bot, text, blocks_json, attachments_json, files_json)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (organization_id, team_id, user_id, ts) do update
       set text = excluded.text, blocks_json = excluded.blocks_json, attachments_json = excluded.attachments_json, files_json = excluded.files_json`,
    [key.organizationId, key.teamId, key.userId, message.ts, message.from_bot, message.text, message.blocks_json, message.attachments_json, message.files_json],
  );
}

/** Updates a stored message's content after an edit; unknown messages are left alone. */
export async function updateTranscriptText(db: Db, key: CustomerKey, ts: string, content: { text: string; blocks_json: string; attachments_json: string }): Promise<void> {
  await db.query(
    `update transcript_messages set text = $5, blocks_json = $6, attachments_json = $7
      where organization_id = $1 and team_id = $2 and user_id = $3 and ts = $4`,
    [key.organizationId, key.teamId, key.userId, ts, content.text, content.blocks_json, content.attachments_json],
  );
}

/** Forgets a message the customer or the bot deleted, so no later history import shows it again. */
export async function deleteTranscriptMessage(db: Db, key: CustomerKey, ts: string): Promise<void> {
  await db.query('delete from transcript_messages where organization_id = $1 and team_id = $2 and user_id = $3 and ts = $4', [
    key.organizationId,
    key.teamId,
    key.userId,
    ts,
  ]);
}

/** The customer's last `limit` transcript messages that the engagement channel does not show yet, oldest first. */
export async function selectUnimported(db: Db, key: CustomerKey, engagementId: string, limit: number): Promise<TranscriptMessage[]> {
  const { rows } = await db.query<TranscriptMessage>(
    `select * from (
       select t.ts, t.from_bot, t.text, t.blocks_json, t.attachments_json, t.files_json
         from transcript_messages t
        where t.organization_id = $1 and t.team_id = $2 and t.user_id = $3
          and not exists (select 1 from message_links l where l.engagement_channel_id = $4 and l.customer_ts = t.ts)
        order by t.ts::numeric desc limit $5
     ) latest order by ts::numeric`,
    [key.organizationId, key.teamId, key.userId, engagementId, limit],
  );
  return rows;
}

export async function hasTranscript(db: Db, key: CustomerKey): Promise<boolean> {
  const { rowCount } = await db.query('select 1 from transcript_messages where organization_id = $1 and team_id = $2 and user_id = $3 limit 1', [
    key.organizationId,
    key.teamId,
    key.userId,
  ]);
  return (rowCount ?? 0) > 0;
}
