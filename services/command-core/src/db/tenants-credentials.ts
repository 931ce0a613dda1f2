import type { Db } from './tenants.js';

export interface ApiTokenRow {
  id: string;
  organization_id: string;
  label: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const API_TOKEN = 'id, organization_id, label, created_at, last_used_at, revoked_at';

export async function insertApiToken(db: Db, organizationId: string, label: string, tokenHash: Buffer): Promise<ApiTokenRow> {
  const { rows } = await db.query<ApiTokenRow>(
    `insert into api_tokens (organization_id, label, token_hash) values ($1, $2, $3) returning ${API_TOKEN}`,
    [organizationId, label, tokenHash],
  );
  return rows[0] as ApiTokenRow;
}

/** Idempotent for the bootstrap token: an existing row with this hash is returned as it is. */
export async function ensureApiToken(db: Db, organizationId: string, label: string, tokenHash: Buffer): Promise<ApiTokenRow> {
  await db.query(`insert into api_tokens (organization_id, label, token_hash) values ($1, $2, $3) on conflict (token_hash) do nothing`, [
    organizationId,
    label,
    tokenHash,
  ]);
  const { rows } = await db.query<ApiTokenRow>(`select ${API_TOKEN} from api_tokens where token_hash = $1`, [tokenHash]);
  return rows[0] as ApiTokenRow;
}

export async function selectLiveTokenByHash(db: Db, tokenHash: Buffer): Promise<ApiTokenRow | undefined> {
  const { rows } = await db.query<ApiTokenRow>(`select ${API_TOKEN} from api_tokens where token_hash = $1 and revoked_at is null`, [tokenHash]);
  return rows[0];
}

/** At most one write per token per minute, so busy integrations do not turn every call into an update. */
export async function touchApiToken(db: Db, tokenId: string): Promise<void> {
  await db.query(
    `update api_tokens set last_used_at = now() where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
    [tokenId],
  );
}

export async function selectApiTokens(db: Db, organizationId: string): Promise<ApiTokenRow[]> {
  const { rows } = await db.query<ApiTokenRow>(`select ${API_TOKEN} from api_tokens where organization_id = $1 order by created_at, id`, [
    organizationId,
  ]);
  return rows;
}

/** Undefined when no such token exists; revoking twice keeps the first revocation time. */
export async function revokeApiToken(db: Db, tokenId: string): Promise<ApiTokenRow | undefined> {
  const { rows } = await db.query<ApiTokenRow>(
    `update api_tokens set revoked_at = coalesce(revoked_at, now()) where id = $1 returning ${API_TOKEN}`,
    [tokenId],
  );
  return rows[0];
}

export async function insertWebhookSecret(db: Db, organizationId: string, secretEnc: string): Promise<void> {
  await db.query('insert into webhook_secrets (organization_id, secret_enc) values ($1, $2)', [organizationId, secretEnc]);
}

/** Previous secrets keep signing beside the new one for at most `keepSeconds` (never longer than they already would). */
export async function expireWebhookSecrets(db: Db, organizationId: string, keepSeconds: number): Promise<void> {
  await db.query(
    `update webhook_secrets set expires_at = now() + make_interval(secs => $2)
      where organization_id = $1 and (expires_at is null or expires_at > now() + make_interval(secs => $2))`,
    [organizationId, keepSeconds],
  );
}

/** Current secret first, then the unexpired previous ones, newest first. */
export async function selectActiveWebhookSecrets(db: Db, organizationId: string): Promise<string[]> {
  const { rows } = await db.query<{ secret_enc: string }>(
    `select secret_enc from webhook_secrets
      where organization_id = $1 and (expires_at is null or expires_at > now())
      order by (expires_at is null) desc, created_at desc, id`,
    [organizationId],
  );
  return rows.map((row) => row.secret_enc);
}

/** Every column holding an AES-GCM sealed value, for key rotation. */
export const SEALED_COLUMNS = [
  { table: 'organizations', column: 'verification_token_enc' },
  { table: 'webhook_secrets', column: 'secret_enc' },
  { table: 'integrations', column: 'bot_token_enc' },
  { table: 'customer_workspaces', column: 'connection_token_enc' },
] as const;

export type SealedColumn = (typeof SEALED_COLUMNS)[number];

export async function selectSealedValues(db: Db, target: SealedColumn): Promise<{ id: string; value: string }[]> {
  const { rows } = await db.query<{ id: string; value: string }>(`select id, ${target.column} as value from ${target.table} order by id`);
  return rows;
}

/** Compare-and-set, so a token rotated while the re-encryption runs is not overwritten with the old one. */
export async function replaceSealedValue(db: Db, target: SealedColumn, id: string, previous: string, next: string): Promise<boolean> {
  const result = await db.query(`update ${target.table} set ${target.column} = $3 where id = $1 and ${target.column} = $2`, [id, previous, next]);
  return result.rowCount === 1;
}
