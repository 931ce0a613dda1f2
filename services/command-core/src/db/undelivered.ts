import type { Db } from './tenants.js';

export interface UndeliveredRow {
  id: string;
  engagement_channel_id: string;
  integration_ts: string;
  command_id: string;
  command: Buffer;
  reason: string;
  notice_ts: string | null;
  retry_command_id: string | null;
  delivered_at: Date | null;
}

const COLUMNS = 'id, engagement_channel_id, integration_ts, command_id, command, reason, notice_ts, retry_command_id, delivered_at';

/** Records a message that did not reach the customer; a second report of the same Command answers the first record. */
export async function insertUndelivered(db: Db, row: { engagementId: string; integrationTs: string; commandId: string; command: Uint8Array; reason: string }): Promise<UndeliveredRow> {
  const { rows } = await db.query<UndeliveredRow>(
    `insert into undelivered_messages (engagement_channel_id, integration_ts, command_id, command, reason) values ($1, $2, $3, $4, $5)
     on conflict (command_id) do update set reason = excluded.reason, retry_command_id = null returning ${COLUMNS}`,
    [row.engagementId, row.integrationTs, row.commandId, Buffer.from(row.command), row.reason.slice(0, 1000)],
  );
  const inserted = rows[0];
  if (!inserted) throw new Error(`undelivered message for ${row.commandId} not recorded`);
  return inserted;
}

export async function setNoticeTs(db: Db, id: string, noticeTs: string): Promise<void> {
  await db.query('update undelivered_messages set notice_ts = $2 where id = $1', [id, noticeTs]);
}

/**
 * Takes the record for one Retry click: the first click (or the same click redelivered) gets it; a second
 * click while one runs, or after the message went out, gets nothing. Scoped to the clicking integration.
 */
export async function claimRetry(db: Db, id: string, integrationId: string, retryCommandId: string): Promise<UndeliveredRow | undefined> {
  const { rows } = await db.query<UndeliveredRow>(
    `update undelivered_messages u set retry_command_id = $3
       from engagement_channels e
      where u.id = $1 and e.id = u.engagement_channel_id and e.integration_id = $2 and u.delivered_at is null
        and (u.retry_command_id is null or u.retry_command_id = $3)
      returning ${COLUMNS.split(', ').map((column) => `u.${column}`).join(', ')}`,
    [id, integrationId, retryCommandId],
  );
  return rows[0];
}

export async function markRetryDelivered(db: Db, id: string): Promise<void> {
  await db.query('update undelivered_messages set delivered_at = now() where id = $1', [id]);
}

/** The retry failed for good: the button works again, with the new reason. */
export async function releaseRetry(db: Db, id: string, reason: string): Promise<void> {
  await db.query('update undelivered_messages set retry_command_id = null, reason = $2 where id = $1', [id, reason.slice(0, 1000)]);
}
