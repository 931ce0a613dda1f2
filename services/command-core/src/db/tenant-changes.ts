import type { Db } from './tenants.js';

/** The Postgres channel every replica listens on for tenant changes that caches must not outlive. */
export const TENANT_CHANGES_CHANNEL = 'megatron_tenant_changes';

/** A revoked API token, or an organization whose settings or integration changed. */
export type TenantChange = { kind: 'api_token'; id: string } | { kind: 'organization'; id: string };

/** Tells every replica (LISTEN) at once; sent with the change, from whichever process made it (API or CLI). */
export async function notifyTenantChange(db: Db, change: TenantChange): Promise<void> {
  await db.query('select pg_notify($1, $2)', [TENANT_CHANGES_CHANNEL, JSON.stringify(change)]);
}
