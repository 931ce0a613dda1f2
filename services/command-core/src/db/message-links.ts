import type { Db } from './tenants.js';

export type LinkDirection = 'to_customer' | 'to_channel';

export interface MessageLinkRow {
  id: string;
  engagement_channel_id: string;
  direction: LinkDirection;
  integration_ts: string;
  customer_channel_id: string;
  customer_ts: string;
  idempotency_key: string;
  /** JSON array of the attachments a forwarded copy carried besides its footer (relayed files), or empty. */
  carried_attachments_json?: string;
}

const LINK = 'id, engagement_channel_id, direction, integration_ts, customer_channel_id, customer_ts, idempotency_key, carried_attachments_json';

export async function insertLink(
  db: Db,
  link: Omit<MessageLinkRow, 'id'>,
): Promise<void> {
  await db.query(
    `insert into message_links (engagement_channel_id, direction, integration_ts, customer_channel_id, customer_ts, idempotency_key)
     values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
    [link.engagement_channel_id, link.direction, link.integration_ts, link.customer_channel_id, link.customer_ts, link.idempotency_key],
  );
}

/**
 * Records a forwarded message and moves the engagement's last activity in one round trip. With `processedCommandId`,
 * the Command is recorded as processed in the same statement: for a forward whose link is the last thing it must
 * make durable.
 */
export async function insertLinkAndTouch(db: Db, link: Omit<MessageLinkRow, 'id'>, at: Date, processedCommandId?: string): Promise<void> {
  const values = [link.engagement_channel_id, link.direction, link.integration_ts, link.customer_channel_id, link.customer_ts, link.idempotency_key, at, link.carried_attachments_json ?? ''];
  // Prepared once per connection (one statement a relayed message): see forwardLaneState.
  await db.query(
    processedCommandId === undefined
      ? { name: 'insert-link-and-touch', text: INSERT_LINK_AND_TOUCH, values }
      : { name: 'insert-link-touch-and-process', text: INSERT_LINK_TOUCH_AND_PROCESS, values: [...values, processedCommandId] },
  );
}

function insertLinkAndTouchSql(processed: string): string {
  return `with link as (
       insert into message_links (engagement_channel_id, direction, integration_ts, customer_channel_id, customer_ts, idempotency_key, carried_attachments_json)
       values ($1, $2, $3, $4, $5, $6, $8) on conflict do nothing
     )${processed}
     update engagement_channels set last_message_at = greatest(last_message_at, $7) where id = $1`;
}

const INSERT_LINK_AND_TOUCH = insertLinkAndTouchSql('');
const INSERT_LINK_TOUCH_AND_PROCESS = insertLinkAndTouchSql(', processed as (insert into processed_commands (command_id) values ($9) on conflict do nothing)');

export async function selectLinkByKey(db: Db, key: string): Promise<MessageLinkRow | undefined> {
  const { rows } = await db.query<MessageLinkRow>(`select ${LINK} from message_links where idempotency_key = $1`, [key]);
  return rows[0];
}

export async function selectLinkByIntegrationTs(db: Db, engagementId: string, ts: string): Promise<MessageLinkRow | undefined> {
  const { rows } = await db.query<MessageLinkRow>(`select ${LINK} from message_links where engagement_channel_id = $1 and integration_ts = $2`, [
    engagementId,
    ts,
  ]);
  return rows[0];
}

export async function selectLinkByCustomerTs(db: Db, engagementId: string, ts: string): Promise<MessageLinkRow | undefined> {
  const { rows } = await db.query<MessageLinkRow>(`select ${LINK} from message_links where engagement_channel_id = $1 and customer_ts = $2`, [
    engagementId,
    ts,
  ]);
  return rows[0];
}

/** True when this call removed the link (a concurrent one may have removed it first). */
export async function deleteLink(db: Db, id: string): Promise<boolean> {
  const { rowCount } = await db.query('delete from message_links where id = $1', [id]);
  return (rowCount ?? 0) > 0;
}
