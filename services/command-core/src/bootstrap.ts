import type { Logger, Pool } from '@megatron/runtime';
import type { Config } from './config.js';
import { hashApiToken } from './crypto/secrets.js';
import { ensureApiToken } from './db/tenants-credentials.js';
import { selectOrganizationByName } from './db/tenants.js';
import { TenantError } from './tenants/errors.js';
import type { TenantAdmin } from './tenants/tenant-admin.js';

// Arbitrary constant: replicas starting together must not both create the bootstrap organization.
const BOOTSTRAP_LOCK = 727_002;
// An env-managed secret changes when the operator changes it everywhere; an hour of overlap covers
// app-notifier caches and a rolling restart of the app.
const PREVIOUS_SECRET_OVERLAP_SECONDS = 60 * 60;

export type BootstrapConfig = Pick<
  Config,
  | 'BOOTSTRAP_ORGANIZATION_NAME'
  | 'BOOTSTRAP_COMMAND_URL'
  | 'BOOTSTRAP_API_TOKEN'
  | 'BOOTSTRAP_WEBHOOK_SECRET'
  | 'BOOTSTRAP_INTEGRATION_TEAM_ID'
  | 'BOOTSTRAP_INTEGRATION_DOMAIN'
  | 'BOOTSTRAP_INTEGRATION_BOT_TOKEN'
  | 'BOOTSTRAP_INTEGRATION_BOT_USER_ID'
  | 'BOOTSTRAP_NOTIFICATION_CHANNEL'
  | 'MEGATRON_VERIFICATION_TOKEN'
>;

export interface BootstrapResult {
  organizationId: string;
  created: boolean;
}

/**
 * The simple single-tenant case: one organization, its API token, webhook secret and integration workspace
 * from BOOTSTRAP_* variables, created or brought up to date at every start (idempotent). Undefined when
 * BOOTSTRAP_ORGANIZATION_NAME is unset.
 */
export async function bootstrapTenant(pool: Pool, admin: TenantAdmin, config: BootstrapConfig, logger: Logger): Promise<BootstrapResult | undefined> {
  const name = config.BOOTSTRAP_ORGANIZATION_NAME;
  if (name === undefined) return undefined;
  const lock = await pool.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [BOOTSTRAP_LOCK]);
    const existing = await selectOrganizationByName(pool, name);
    let organizationId: string;
    if (existing) {
      organizationId = existing.id;
      await admin.updateOrganization(organizationId, { commandUrl: config.BOOTSTRAP_COMMAND_URL, verificationToken: config.MEGATRON_VERIFICATION_TOKEN });
    } else {
      const created = await admin.createOrganization({ name, commandUrl: config.BOOTSTRAP_COMMAND_URL, verificationToken: config.MEGATRON_VERIFICATION_TOKEN });
      organizationId = created.organization.id;
    }
    const secret = config.BOOTSTRAP_WEBHOOK_SECRET;
    if (secret !== undefined) {
      const [current] = (await admin.appEndpoint(organizationId)).webhookSecrets;
      if (current !== secret) await admin.rotateWebhookSecret(organizationId, existing ? PREVIOUS_SECRET_OVERLAP_SECONDS : 0, secret);
    }
    if (config.BOOTSTRAP_API_TOKEN !== undefined) {
      const token = await ensureApiToken(pool, organizationId, 'bootstrap', hashApiToken(config.BOOTSTRAP_API_TOKEN));
      if (token.organization_id !== organizationId) throw new TenantError('already_exists', 'BOOTSTRAP_API_TOKEN already belongs to another organization');
      if (token.revoked_at !== null) throw new TenantError('invalid_argument', 'BOOTSTRAP_API_TOKEN was revoked; set a new one');
    }
    if (config.BOOTSTRAP_INTEGRATION_TEAM_ID !== undefined && config.BOOTSTRAP_INTEGRATION_BOT_TOKEN !== undefined) {
      await admin.upsertIntegration({
        organizationId,
        teamId: config.BOOTSTRAP_INTEGRATION_TEAM_ID,
        domain: config.BOOTSTRAP_INTEGRATION_DOMAIN,
        botToken: config.BOOTSTRAP_INTEGRATION_BOT_TOKEN,
        botUserId: config.BOOTSTRAP_INTEGRATION_BOT_USER_ID,
        notificationChannelId: config.BOOTSTRAP_NOTIFICATION_CHANNEL,
      });
    }
    logger.info({ organizationId, created: !existing }, 'bootstrap organization ready');
    return { organizationId, created: !existing };
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [BOOTSTRAP_LOCK]).catch(() => undefined);
    lock.release();
  }
}
